"""The index on tiny hand-made maps, every number computed by hand (see comments)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from naturkapital import compare, compute_nki
from naturkapital.landcover.sources import resolve_landcover
from tests.conftest import CELL, write_raster, write_zones

CELL_HA = CELL * CELL / 10_000  # 0.01 ha


def run(tiny: dict[str, Path], tmp_path: Path, boxes: dict, **kw):
    zones = write_zones(tmp_path / "zones.gpkg", boxes, **kw)
    # the scheme's own per-class values (--proxy class): every number below by hand
    return compute_nki(zones, "zid", "navn", landcover=tiny["raster"], scheme=tiny["scheme"],
                       proxy="class")


def test_whole_raster_andet_rule(tiny, tmp_path):
    r = run(tiny, tmp_path, {"A": (0, 0, 4, 4)})
    row = r.row("A")
    # mapped 15 of 16 cells; non-Andet: 4 skov(80) + 4 mark(10) + 2 eng(100) + 3 by(0) = 560/13
    assert row["area_ha"] == pytest.approx(16 * CELL_HA)
    assert row["coverage_pct"] == pytest.approx(100 * 15 / 16)
    assert row["value_andet"] == pytest.approx(560 / 13)
    assert row["nki"] == pytest.approx(560 / 13)
    assert row["nki_nature"] == pytest.approx((4 * 80 + 2 * 100) / 6)
    assert row["share_skov"] == pytest.approx(100 * 4 / 15)
    assert row["share_andet"] == pytest.approx(100 * 2 / 15)
    assert row["value_mark"] == pytest.approx(10)
    assert np.isnan(row["value_soe"]) and row["share_soe"] == 0


def test_cells_cut_by_boundary_count_by_covered_fraction(tiny, tmp_path):
    # columns 1.25..2.5, rows 0..2: class 1 cells covered 0.75 each (×2 rows) = 1.5 cells,
    # class 2 cells covered 0.5 each = 1.0 cell → NKI = (1.5·80 + 1.0·10) / 2.5 = 52
    r = run(tiny, tmp_path, {"B": (1.25, 0, 2.5, 2)})
    row = r.row("B")
    assert row["share_skov"] == pytest.approx(60.0)
    assert row["share_mark"] == pytest.approx(40.0)
    assert row["nki"] == pytest.approx(52.0)
    assert row["area_ha"] == pytest.approx(2.5 * CELL_HA)


def test_zone_split_in_two_gives_area_weighted_nki(tiny, tmp_path):
    r = run(tiny, tmp_path, {"L": (0, 0, 2, 3), "R": (2, 0, 4, 3), "U": (0, 0, 4, 3)})
    left, right, union = r.row("L")["nki"], r.row("R")["nki"], r.row("U")["nki"]
    assert left == pytest.approx(520 / 6)  # 4 skov + 2 eng
    assert right == pytest.approx(40 / 6)  # 4 mark + 2 by
    assert union == pytest.approx((6 * left + 6 * right) / 12)


def test_multipart_zone_is_dissolved(tiny, tmp_path):
    import geopandas as gpd
    import pandas as pd

    a = write_zones(tmp_path / "a.gpkg", {"M": (0, 0, 1, 1)})
    b = write_zones(tmp_path / "b.gpkg", {"M": (3, 2, 4, 3)})
    both = pd.concat([gpd.read_file(a), gpd.read_file(b)])
    both.to_file(tmp_path / "m.gpkg")
    r = compute_nki(tmp_path / "m.gpkg", "zid", landcover=tiny["raster"], scheme=tiny["scheme"],
                    proxy="class")
    zones = r.table[r.table["zone_id"] != "0"]
    assert list(zones["zone_id"]) == ["M"]
    assert r.row("M")["nki"] == pytest.approx(40.0)  # one skov (80) + one by (0)


def test_zones_in_another_crs_are_reprojected(tiny, tmp_path):
    import geopandas as gpd

    p = write_zones(tmp_path / "z.gpkg", {"L": (0, 0, 2, 3), "R": (2, 0, 4, 3)})
    gpd.read_file(p).to_crs(4326).to_file(tmp_path / "z4326.geojson")
    r1 = compute_nki(p, "zid", landcover=tiny["raster"], scheme=tiny["scheme"], proxy="class")
    r2 = compute_nki(tmp_path / "z4326.geojson", "zid", landcover=tiny["raster"],
                     scheme=tiny["scheme"], proxy="class")
    for zid in ("L", "R"):
        assert r2.row(zid)["nki"] == pytest.approx(r1.row(zid)["nki"], abs=0.01)


def test_zone_partly_off_raster_reports_coverage(tiny, tmp_path):
    r = run(tiny, tmp_path, {"P": (2, 2, 6, 6), "Q": (0, 0, 2, 2)})
    row = r.row("P")
    # 16 cells of zone; on the raster 3 mapped cells of class 3 and one nodata cell
    assert row["coverage_pct"] == pytest.approx(100 * 3 / 16)
    assert row["nki"] == pytest.approx(0.0)
    assert row["share_by_graa"] == pytest.approx(100.0)


def test_national_row_sums_all_zones(tiny, tmp_path):
    r = run(tiny, tmp_path, {"L": (0, 0, 2, 3), "R": (2, 0, 4, 3)})
    nat = r.row("0")
    assert nat["nki"] == pytest.approx(560 / 12)
    assert nat["area_ha"] == pytest.approx(12 * CELL_HA)
    assert r.table.iloc[-1]["zone_id"] == "0"
    assert list(r.table["rank"].iloc[:2]) == [1, 2]
    assert r.table.iloc[0]["zone_id"] == "L"


def test_change_adds_up_exactly(tiny, tmp_path):
    # epoch 2: the two mark cells of row 0 became skov
    data = np.array([[1, 1, 1, 1], [1, 1, 2, 2], [5, 5, 3, 3], [4, 4, 3, 0]], dtype=np.uint8)
    r2 = write_raster(tmp_path / "lc2.tif", data)
    zones = write_zones(tmp_path / "zones.gpkg", {"A": (0, 0, 4, 4)})
    res = compare(tiny["raster"], r2, zones, "zid", scheme_from=tiny["scheme"],
                  scheme_to=tiny["scheme"], proxy="class")
    row = res.table.set_index("zone_id").loc["A"]
    assert row["nki_from"] == pytest.approx(560 / 13)
    assert row["nki_to"] == pytest.approx(700 / 13)
    # area: +2/15 skov at 80, −2/15 mark at 10; value: Andet's value rose by 140/13 on 2/15
    assert row["delta_area"] == pytest.approx(140 / 15)
    assert row["delta_value"] == pytest.approx((140 / 13) * (2 / 15))
    assert row["delta"] == pytest.approx(row["delta_area"] + row["delta_value"], abs=1e-12)


def test_bioscore_replaces_table_values_and_falls_back_on_nodata(tiny, tmp_path):
    bio = np.array([[2, 4, 0, 0], [6, -1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]], dtype=np.float32)
    b = write_raster(tmp_path / "bio.tif", bio, nodata=-1)
    zones = write_zones(tmp_path / "z.gpkg", {"S": (0, 0, 2, 2)})
    r = compute_nki(zones, "zid", landcover=tiny["raster"], scheme=tiny["scheme"],
                    bioscore=b, bioscore_rule="linear:0,10")
    # skov cells get 20, 40, 60 from the bioscore; the nodata cell keeps the table's 80
    assert r.row("S")["nki"] == pytest.approx((20 + 40 + 60 + 80) / 4)
    assert "bioscore" in r.meta["method"]


def test_bioscore_on_a_finer_grid_is_averaged(tiny, tmp_path):
    # 5 m bioscore: the top-left 10 m cell holds 0, 2, 4, 6 → mean 3 → linear:0,10 → 30
    bio = np.zeros((8, 8), dtype=np.float32)
    bio[0:2, 0:2] = [[0, 2], [4, 6]]
    b = write_raster(tmp_path / "bio5.tif", bio, nodata=-1, cell=5.0)
    zones = write_zones(tmp_path / "z.gpkg", {"C": (0, 0, 1, 1)})
    r = compute_nki(zones, "zid", landcover=tiny["raster"], scheme=tiny["scheme"],
                    bioscore=b, bioscore_rule="linear:0,10")
    assert r.row("C")["nki"] == pytest.approx(30.0)


def test_bioscore_class_rule():
    from naturkapital.landcover.bioscore import parse_rule

    rule = parse_rule("classes:1,3,6,10")
    out = rule.apply(np.array([0.5, 1, 3, 5.9, 6, 12, np.nan]))
    assert out[:6].tolist() == [0, 25, 50, 50, 75, 100]
    assert np.isnan(out[6])
    assert rule.is_assumption


def test_corine_year_selects_band():
    assert resolve_landcover("corine", 2012).band == 4
    assert resolve_landcover("corine:1990").band == 1
    assert resolve_landcover("basemap2021").scheme.name == "basemap04"


def test_contributions_are_the_diagram_bars_and_sum_to_the_index(tiny, tmp_path):
    from naturkapital.landcover.landtypes import KEYS
    from naturkapital.nki.index import contributions, nature_shares

    r = run(tiny, tmp_path, {"A": (0, 0, 4, 4)})
    c = contributions(r.shares, r.values).loc["A"]
    # 15 mapped cells: skov 4 × 80, mark 4 × 10, eng 2 × 100, by 3 × 0, andet 2 × 560/13
    assert c["skov"] == pytest.approx(4 / 15 * 80)
    assert c["mark"] == pytest.approx(4 / 15 * 10)
    assert c["eng_mose"] == pytest.approx(2 / 15 * 100)
    assert c["andet"] == pytest.approx(2 / 15 * 560 / 13)
    assert c["soe"] == 0  # absent: no value, no contribution
    assert list(c.index) == list(KEYS)
    assert c.sum() == pytest.approx(560 / 13) == pytest.approx(r.row("A")["nki"])
    nat = nature_shares(r.shares).loc["A"]
    # nature area: 4 skov + 2 eng = 6 cells
    assert nat["skov"] == pytest.approx(4 / 6) and nat["eng_mose"] == pytest.approx(2 / 6)
    assert nat["soe"] == 0 and nat.sum() == pytest.approx(1.0)
    cn = contributions(nature_shares(r.shares), r.values[list(nat.index)]).loc["A"]
    assert cn.sum() == pytest.approx((4 * 80 + 2 * 100) / 6)
    assert cn.sum() == pytest.approx(r.row("A")["nki_nature"])
