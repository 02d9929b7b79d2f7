"""Coarse national urban indicators: hand-computed tiny raster, the real run for all
municipalities, the command line and bad inputs."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from scipy import ndimage
from shapely.geometry import box

from naturkapital.nki.compute import load_zones
from naturkapital.urban.national import (
    COARSE,
    NationalParams,
    classify_cells,
    close_disc,
    dilate_disc,
    disc,
)
from tests.conftest import run_cli
from tests.nki.test_bad_input import check_clean_error

ROLES = {6: "built", 9: "green", 10: "blue", 5: "other"}
B, G, F, W = 6, 9, 5, 10  # built, green (park), field, water
TINY = np.array([[B, B, B, B, B],
                 [B, G, G, B, B],
                 [B, B, B, B, B],
                 [F, F, F, F, F],
                 [F, F, F, F, W]], dtype=np.uint8)


def _counts(codes: np.ndarray) -> dict[int, int]:
    return {c: int((codes == c).sum()) for c in range(8)}


def test_tiny_raster_greening_and_rule_by_hand() -> None:
    # closing with a 100 m disc (a cross) fills the 2-cell park; rows 3-4 stay out:
    # urban fabric = 13 built + 2 green = 15 cells, greening = 2/15.
    # Rule 100 m from the park's edge = centres within 1.5 cells: the 3×3 boxes around
    # (1,1) and (1,2) → columns 0-3 of rows 0-2 = 10 built cells near, 3 beyond.
    p = NationalParams(rule_m=100, min_nature_ha=1, fabric_gap_m=100, min_urban_ha=0)
    c = _counts(classify_cells(TINY, ROLES, 100.0, p))
    assert c[1] == 10 and c[2] == 3 and c[3] == 2 and c[4] == 0 and c[5] == 0
    fabric = c[1] + c[2] + c[3] + c[4] + c[5]
    assert (c[3] + c[4]) / fabric == pytest.approx(2 / 15)
    assert c[1] / (c[1] + c[2]) == pytest.approx(10 / 13)
    assert c[7] == 10  # fields and the lake outside the fabric
    # the park (2 ha) is smaller than a 3 ha minimum → nobody is within the rule
    c3 = _counts(classify_cells(TINY, ROLES, 100.0, NationalParams(100, 3, 100, 0)))
    assert c3[1] == 0 and c3[2] == 13
    # no closing: the park is not inside the fabric → greening 0
    c0 = _counts(classify_cells(TINY, ROLES, 100.0, NationalParams(100, 1, 0, 0)))
    assert c0[3] == 0 and c0[1] + c0[2] == 13
    # urban parts smaller than 16 ha are rural
    cr = _counts(classify_cells(TINY, ROLES, 100.0, NationalParams(100, 1, 100, 16)))
    assert cr[6] == 13 and cr[1] + cr[2] + cr[3] == 0


@pytest.mark.parametrize("radius", [0.5, 1, 1.5, 2, 3.5, 4.2])
def test_disc_morphology_is_scipys(radius: float) -> None:
    rng = np.random.default_rng(int(radius * 10))
    m = rng.random((40, 50)) < 0.05
    assert (dilate_disc(m, radius) == ndimage.binary_dilation(m, disc(radius))).all()
    m = rng.random((40, 50)) < 0.5
    ref = ndimage.binary_closing(np.pad(m, 6), structure=disc(radius))[6:-6, 6:-6]
    assert (close_disc(m, radius) == ref).all()


@pytest.fixture(scope="module")
def national():
    from naturkapital.urban.compute import run_urban

    return run_urban()


def test_all_municipalities(national) -> None:
    t = national.table
    ranked = t.dropna(subset=["rank_greening"])
    assert len(ranked) == 98  # Christiansø is not a municipality
    assert t.iloc[-1]["zone_id"] == "0"
    assert (t["note"] == COARSE).all() and "coarse" in national.meta["coarse"]
    assert t["greening_pct"].dropna().between(0, 100).all()
    assert t["within_rule_pct"].dropna().between(0, 100).all()
    assert sorted(ranked["rank_greening"].astype(int)) == list(range(1, 99))
    kbh = t[t["zone_id"] == "101"].iloc[0]
    nat = t.iloc[-1]
    assert kbh["within_rule_pct"] < nat["within_rule_pct"]  # dense city centre
    assert nat["built_up_ha"] == pytest.approx(t.iloc[:-1]["built_up_ha"].sum())
    years = [c for c in t.columns if c.startswith("c141_") and c.endswith("_ha")
             and c[5:9].isdigit()]
    assert len(years) == 5 and (t[years] >= 0).all().all()
    assert kbh["c141_1990_ha"] > 500  # Copenhagen's large parks are CORINE 141
    assert nat["c141_change_ha"] == pytest.approx(nat["c141_2018_ha"] - nat["c141_1990_ha"])
    assert any("assumption" in a for a in national.meta["assumptions"])


def _two_municipalities(tmp_path):
    z = load_zones().gdf
    path = tmp_path / "kbh.geojson"
    z[z["zone_id"].isin(["101", "147"])].to_file(path, engine="pyogrio")
    return path


def test_cli_two_municipalities(tmp_path) -> None:
    out = tmp_path / "urban.csv"
    png = tmp_path / "urban.png"
    r = run_cli("urban", "--zones", str(_two_municipalities(tmp_path)), "--id-field",
                "zone_id", "--name-field", "name", "--out", str(out), "--map", str(png))
    assert r.returncode == 0, r.stderr
    assert png.read_bytes()[:4] == b"\x89PNG"
    assert "coarse" in r.stdout
    t = pd.read_csv(out, encoding="utf-8-sig", dtype={"zone_id": str})
    assert list(t["zone_id"]) == ["101", "147", "0"] or set(t["zone_id"]) == {"101", "147",
                                                                              "0"}
    assert t["note"].str.contains("coarse").all()


def test_bad_rule(tmp_path) -> None:
    out = tmp_path / "o.csv"
    check_clean_error(run_cli("urban", "--rule-m", "0", "--out", str(out)), "--rule-m",
                      "above 0")
    assert not out.exists()


def test_bad_out_suffix(tmp_path) -> None:
    out = tmp_path / "o.txt"
    check_clean_error(run_cli("urban", "--out", str(out)), "o.txt", ".csv")
    assert not out.exists()
    from tests.urban.test_city import _cli_error

    assert ".png" in _cli_error("urban", "--map", str(tmp_path / "m.jpg"))
    assert "only with --city" in _cli_error("urban", "--out-dir", str(tmp_path))


def test_zones_outside_denmark(tmp_path) -> None:
    path = tmp_path / "far.geojson"
    gpd.GeoDataFrame({"zid": ["1"]}, geometry=[box(0, 0, 1000, 1000)],
                     crs="EPSG:25832").to_file(path, engine="pyogrio")
    out = tmp_path / "o.csv"
    from tests.urban.test_city import _cli_error

    assert "no zone overlaps" in _cli_error("urban", "--zones", str(path), "--id-field",
                                            "zid", "--out", str(out))
    assert not out.exists()
