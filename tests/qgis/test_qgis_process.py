"""QGIS for real: ``qgis_process`` (headless) lists one algorithm per model spec, and
its NKI, lowland screening, scenario, urban and priority algorithms give the same
outputs as the command line; a bad input gives the command line's one error line.

Seven qgis_process calls in all (each starts QGIS and reads ``naturkapital spec
--json``); the summary prints their seconds."""

from __future__ import annotations

import subprocess
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from naturkapital.report.reference import ALL_SPECS
from tests.lowland.conftest import Parcel, build_scene, write_raster
from tests.qgis.conftest import NAUT, Qgis


def cli(*args: str | Path) -> subprocess.CompletedProcess:
    res = subprocess.run(
        [str(NAUT), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=600,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "200"},
    )
    assert res.returncode == 0, res.stderr
    return res


def test_every_spec_with_a_command_line_is_an_algorithm(qgis: Qgis) -> None:
    res = qgis("list")
    algs = Qgis.results(res)["providers"]["naturkapital"]["algorithms"]
    expected = {f"naturkapital:{s.id.replace('-', '_')}" for s in ALL_SPECS if s.face("cli")}
    assert set(algs) == expected
    nki = algs["naturkapital:nki"]
    assert nki["name"] == "Naturkapitalindeks / Natural Capital Index"


def test_nki_on_the_embedded_municipalities_equals_the_cli(qgis: Qgis, tmp_path: Path) -> None:
    res = qgis("run", "naturkapital:nki", "--", f"out={tmp_path / 'qgis.gpkg'}", "quiet=true")
    assert Qgis.results(res)["results"]["out"] == str(tmp_path / "qgis.gpkg")
    cli("nki", "--out", tmp_path / "cli.gpkg", "--quiet")
    a = gpd.read_file(tmp_path / "qgis.gpkg", layer="qgis")
    b = gpd.read_file(tmp_path / "cli.gpkg", layer="cli")
    assert len(a) > 98 and list(a.zone_id.astype(str)).count("0") == 1  # municipalities + all zones
    pd.testing.assert_frame_equal(a.drop(columns="geometry"), b.drop(columns="geometry"))
    assert list(a.geometry.to_wkt()) == list(b.geometry.to_wkt())
    pd.testing.assert_frame_equal(
        gpd.read_file(tmp_path / "qgis.gpkg", layer="metadata"),
        gpd.read_file(tmp_path / "cli.gpkg", layer="metadata"),
    )


@pytest.fixture
def lowland(tmp_path: Path):
    scene = build_scene(
        tmp_path,
        [
            Parcel("ok", 20, 20),
            Parcel("wet", 20, 20, gvs=-42.5),
            Parcel("meadow", 20, 10, oc=10.0, rotation="nej"),
        ],
    )
    return scene


def test_lowland_screening_equals_the_cli(qgis: Qgis, lowland, tmp_path: Path) -> None:
    s = lowland
    res = qgis(
        "run",
        "naturkapital:lowland_screen",
        "--",
        f"parcels={s.parcels}",
        "id_field=pid",
        "in_rotation_field=omdrift",
        f"carbon={s.carbon}",
        f"water_table={s.water}",
        f"peat_depth={s.peat}",
        f"out={tmp_path / 'qgis.csv'}",
    )
    Qgis.results(res)
    cli(
        "lowland",
        "screen",
        "--parcels",
        s.parcels,
        "--id-field",
        "pid",
        "--in-rotation-field",
        "omdrift",
        "--carbon",
        s.carbon,
        "--water-table",
        s.water,
        "--peat-depth",
        s.peat,
        "--out",
        tmp_path / "cli.csv",
    )
    a = pd.read_csv(tmp_path / "qgis.csv")
    b = pd.read_csv(tmp_path / "cli.csv")
    pd.testing.assert_frame_equal(a, b)
    assert list(a["status"]) == ["eligible", "ineligible", "eligible"]
    assert a.loc[a.parcel_id == "wet", "failed_criteria"].item() == "gvsmax"


def test_bad_input_gives_the_cli_error_line(qgis: Qgis, lowland, tmp_path: Path) -> None:
    s = lowland
    coarse = write_raster(tmp_path / "coarse.tif", np.full((5, 20), -80.0), cell=20.0)
    res = qgis(
        "run",
        "naturkapital:lowland_screen",
        "--",
        f"parcels={s.parcels}",
        "id_field=pid",
        f"carbon={s.carbon}",
        f"water_table={coarse}",
        f"peat_depth={s.peat}",
        f"out={tmp_path / 'bad.csv'}",
        json_out=False,
    )
    assert res.returncode != 0
    line = (
        f"Fejl (error): {coarse}: water-table raster is not on the grid of the carbon "
        "raster carbon.tif (cell size 20 m vs 10 m)"
    )
    text = res.stdout + res.stderr
    # qgis_process reports the algorithm's failure as the command line's one line
    assert any(ln.startswith("ERROR:") and line in ln for ln in text.splitlines()), text
    assert "Traceback" not in text
    assert not (tmp_path / "bad.csv").exists()


DEMO = Path(__file__).resolve().parents[2] / "src/naturkapital/scenario/demo"


def _same_table(a: Path, b: Path, skip: tuple[str, ...] = ("seconds",)) -> pd.DataFrame:
    """The two CSV tables are equal, apart from columns that time the run."""
    ta, tb = pd.read_csv(a), pd.read_csv(b)
    drop = [c for c in ta.columns if any(s in c for s in skip)]
    pd.testing.assert_frame_equal(ta.drop(columns=drop), tb.drop(columns=drop))
    return ta


@pytest.mark.parametrize(
    ("alg", "qgis_args", "cli_args"),
    [
        pytest.param(
            "scenario_evaluate",
            [f"scenario={DEMO / 'endelave_horsens.gpkg'}"],
            ["scenario", "evaluate", "--scenario", DEMO / "endelave_horsens.gpkg"],
            id="scenario",
        ),
        pytest.param("urban", ["quiet=true"], ["urban", "--quiet"], id="urban"),
        pytest.param(
            "priority_allocate",
            ["kommune=766", "forest_ha=40", "unit_size_m=1000", "time_limit=30"],
            ["priority", "allocate", "--kommune", "766", "--forest-ha", "40",
             "--unit-size-m", "1000", "--time-limit", "30"],
            id="priority",
        ),
    ],
)
def test_more_models_equal_the_cli(qgis: Qgis, tmp_path: Path, alg, qgis_args, cli_args) -> None:
    res = qgis("run", f"naturkapital:{alg}", "--", *qgis_args, f"out={tmp_path / 'qgis.csv'}")
    Qgis.results(res)
    cli(*cli_args, "--out", tmp_path / "cli.csv")
    t = _same_table(tmp_path / "qgis.csv", tmp_path / "cli.csv")
    assert len(t) > 0
