"""Fixtures for the hardening tests: the CLI run in-process, a small scene, an app.

The CLI cases call :func:`naturkapital.cli.main` in this process (the same code path as
the console script, without paying the import of the whole stack for each of 100+
cases); a few cases in ``test_cli_end_to_end.py`` run the real console script."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from fastapi.testclient import TestClient
from shapely.geometry import box

from naturkapital.server import Settings, create_app
from tests.conftest import CELL, CRS, X0, Y0, write_raster

TOKEN = "hardening-token"


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


def run_main(argv: list[str], capsys: pytest.CaptureFixture[str],
             monkeypatch: pytest.MonkeyPatch) -> Run:
    """``naturkapital ARGV`` in-process: exit code, stdout, stderr."""
    from naturkapital.cli import main

    monkeypatch.setattr(sys, "argv", ["naturkapital", *map(str, argv)])
    monkeypatch.setenv("COLUMNS", "200")
    capsys.readouterr()
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    cap = capsys.readouterr()
    return Run(code, cap.out, cap.err)


def assert_clean_error(r: Run, *needles: str) -> None:
    """Exit 2, one line ``Fejl (error): …`` on stderr naming the needles, no traceback."""
    assert r.code == 2, (r.code, r.out[-2000:], r.err[-2000:])
    assert "Traceback" not in r.text
    lines = r.err.splitlines()
    assert len(lines) == 1, r.err  # exactly one line: no blank line, no progress bar
    assert lines[0].startswith("Fejl (error):"), r.err
    for n in needles:
        assert n in lines[0], (n, lines[0])


def zones_fc(features: list[dict], crs: dict | None = None) -> dict:
    doc: dict = {"type": "FeatureCollection", "features": features}
    if crs is not None:
        doc["crs"] = crs
    return doc


def square(c0: float, r0: float, c1: float, r1: float) -> list[list[list[float]]]:
    """A polygon ring in EPSG:25832 from cell coordinates relative to the raster origin."""
    x0, x1 = X0 + c0 * CELL, X0 + c1 * CELL
    y0, y1 = Y0 - r1 * CELL, Y0 - r0 * CELL
    return [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]


EPSG25832 = {"type": "name", "properties": {"name": "EPSG:25832"}}


def write_geojson(path: Path, doc: dict | str) -> Path:
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return path


@pytest.fixture
def lc(tmp_path: Path) -> dict[str, Path]:
    """A 4×4 class raster, its scheme, and zones A (left half) and B (right half)."""
    from tests.conftest import SCHEME_CSV

    data = np.array([[1, 1, 2, 2], [1, 1, 2, 2], [5, 5, 3, 3], [4, 4, 3, 0]], dtype=np.uint8)
    raster = write_raster(tmp_path / "lc.tif", data)
    scheme = tmp_path / "scheme.csv"
    scheme.write_text(SCHEME_CSV, encoding="utf-8")
    zones = write_geojson(tmp_path / "zones.geojson", zones_fc(
        [{"type": "Feature", "properties": {"zid": "A", "navn": "Zone A"},
          "geometry": {"type": "Polygon", "coordinates": square(0, 0, 2, 4)}},
         {"type": "Feature", "properties": {"zid": "B", "navn": "Zone B"},
          "geometry": {"type": "Polygon", "coordinates": square(2, 0, 4, 4)}}], EPSG25832))
    return {"raster": raster, "scheme": scheme, "zones": zones, "dir": tmp_path}


def nki_argv(lc: dict[str, Path], **over: object) -> list[str]:
    """``nki`` on the tiny scene; keyword overrides replace an option's value
    (``zones=…``), ``out=None`` drops ``--out``; ``extra=[…]`` appends arguments."""
    opts: dict[str, object] = {"zones": lc["zones"], "id-field": "zid",
                               "landcover": lc["raster"], "scheme": lc["scheme"],
                               "out": lc["dir"] / "out.csv"}
    extra = over.pop("extra", [])
    for k, v in over.items():
        opts[k.replace("_", "-")] = v
    argv = ["nki"]
    for k, v in opts.items():
        if v is not None:
            argv += [f"--{k}", str(v)]
    return argv + list(extra)  # type: ignore[arg-type]


@pytest.fixture
def scene(tmp_path: Path) -> dict[str, Path]:
    """A lowland scene: parcel 'ok' (20×20 cells, OC 15 %, GVSmax −80, peat 100 cm,
    eligible) and 'mineral' (OC 3 %); rasters float32 with nodata −9999."""
    from tests.lowland.conftest import write_raster as write_f32

    oc = np.zeros((22, 60))
    oc[:20, 5:25] = 15.0
    oc[:20, 30:40] = 3.0
    peat = np.zeros((22, 60))
    peat[:20, 5:25] = 100.0
    d = tmp_path
    gpd.GeoDataFrame(
        {"pid": ["ok", "mineral"], "omdrift": ["ja", "nej"], "bud": [50_000, 60_000],
         "samlet": [400_000, 300_000], "syn": [10, 12]},
        geometry=[box(X0 + 50, Y0 - 200, X0 + 250, Y0), box(X0 + 300, Y0 - 200, X0 + 400, Y0)],
        crs=CRS).to_file(d / "parcels.gpkg", engine="pyogrio")
    return {"carbon": write_f32(d / "carbon.tif", oc),
            "water": write_f32(d / "gvsmax.tif", np.full((22, 60), -80.0)),
            "peat": write_f32(d / "peat.tif", peat), "parcels": d / "parcels.gpkg", "dir": d}


def screen_argv(s: dict[str, Path], **over: object) -> list[str]:
    opts: dict[str, object] = {"parcels": s["parcels"], "id-field": "pid",
                               "carbon": s["carbon"], "water-table": s["water"],
                               "peat-depth": s["peat"], "out": s["dir"] / "screen.csv"}
    extra = over.pop("extra", [])
    for k, v in over.items():
        opts[k.replace("_", "-")] = v
    argv = ["lowland", "screen"]
    for k, v in opts.items():
        if v is not None:
            argv += [f"--{k}", str(v)]
    return argv + list(extra)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def app_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The whole app on a fresh SQLite database, small limits, the write token set."""
    db = tmp_path_factory.mktemp("hardening-db") / "nk.sqlite"
    settings = Settings(db_url=f"sqlite:///{db}", token=TOKEN, warm_cache=False,
                        max_upload_bytes=200_000, max_body_bytes=300_000, max_zones=50)
    app = create_app(settings)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c
