"""Each criterion at and around its boundary, on hand-made cell arrays (no rasters)."""

from __future__ import annotations

import numpy as np
import pytest

from naturkapital.lowland.cells import ParcelCells
from naturkapital.lowland.rules import load_rules
from naturkapital.lowland.screening import (
    ELIGIBLE,
    FAIL,
    INELIGIBLE,
    PASS,
    SECONDARY,
    judge,
    measure,
    num_da,
    status_of,
)

RULES = load_rules()


def m(peat_area: float = 4.0, share: float = 100.0, gvs: float = -80.0,
      drained: float = 80.0) -> dict[str, float]:
    return {"peat_area_ha": peat_area, "share_oc_above_6_pct": share, "gvsmax_cm": gvs,
            "drained_peat_cm": drained}


def result(values: dict[str, float], key: str) -> str:
    return next(c.result for c in judge(values, RULES) if c.key == key)


@pytest.mark.parametrize("area,expected", [
    (1.99, FAIL), (1.9999, FAIL), (2.0, PASS), (2.0000000001, PASS), (2.01, PASS),
    (9.99, PASS), (10.0, PASS), (10.0000000001, PASS), (10.01, SECONDARY), (25.0, SECONDARY),
])
def test_peat_area_boundaries(area: float, expected: str) -> None:
    assert result(m(peat_area=area), "peat_area") == expected


@pytest.mark.parametrize("share,expected", [
    (74.9, FAIL), (74.999, FAIL), (75.0, PASS), (74.99999999, PASS), (75.1, PASS),
    (100.0, PASS), (0.0, FAIL),
])
def test_oc_share_boundaries(share: float, expected: str) -> None:
    assert result(m(share=share), "oc_share") == expected


@pytest.mark.parametrize("gvs,expected", [
    (-42.4, FAIL), (-42.5, FAIL), (-42.500000001, FAIL), (-42.51, PASS), (-43.0, PASS),
    (0.0, FAIL), (5.0, FAIL),
])
def test_gvsmax_must_be_strictly_deeper(gvs: float, expected: str) -> None:
    assert result(m(gvs=gvs), "gvsmax") == expected


@pytest.mark.parametrize("drained,expected", [
    (29.9, FAIL), (29.999, FAIL), (30.0, PASS), (30.1, PASS),
])
def test_drained_peat_boundaries(drained: float, expected: str) -> None:
    assert result(m(drained=drained), "drained_peat") == expected


def test_status_from_results_and_danish_sentences() -> None:
    assert status_of(judge(m(), RULES)) == ELIGIBLE
    assert status_of(judge(m(peat_area=12.0), RULES)) == SECONDARY
    # a failure wins over secondary
    crits = judge(m(peat_area=12.0, gvs=-30.0), RULES)
    assert status_of(crits) == INELIGIBLE
    gvs = next(c for c in crits if c.key == "gvsmax")
    assert gvs.sentence_da.startswith("Vandstanden før (GVSmax) er −30,0 cm")
    assert "dybere end −42,5 cm" in gvs.sentence_da
    small = next(c for c in judge(m(peat_area=1.5), RULES) if c.key == "peat_area")
    assert small.sentence_da == ("Arealet med tørvejord (mindst 6 % organisk kulstof) er "
                                 "1,50 ha; det skal være mindst 2 ha.")


def test_num_da_formats_the_danish_way() -> None:
    assert num_da(-42.5) == "−42,5"
    assert num_da(160000, 0) == "160.000"
    assert num_da(float("nan")) == "–"


def cells(oc, gvs, peat, cover=None, parcel_ha=None) -> ParcelCells:
    oc = np.asarray(oc, dtype=float)
    cover = np.ones(oc.size) if cover is None else np.asarray(cover, dtype=float)
    area = cover * 0.01  # 10 m cells
    return ParcelCells(area, oc, np.asarray(gvs, dtype=float), np.asarray(peat, dtype=float),
                       float(parcel_ha if parcel_ha is not None else area.sum()))


def test_measure_weights_cut_cells_by_covered_fraction() -> None:
    # four cells, the last one only half inside the parcel
    c = cells([10, 10, 4, 20], [-50, -50, -100, -80], [100, 20, 0, 100],
              cover=[1, 1, 1, 0.5])
    got = measure(c, RULES)
    assert got["area_ha"] == pytest.approx(0.035)
    assert got["peat_area_ha"] == pytest.approx(0.025)            # 0.01 + 0.01 + 0.005
    assert got["share_oc_above_6_pct"] == pytest.approx(100 * 0.025 / 0.035)
    # GVSmax over all cells: (-50 - 50 - 100 - 0.5*80) / 3.5
    assert got["gvsmax_cm"] == pytest.approx(-240 / 3.5)
    # drained peat over peat cells: min(100,50)=50, min(20,50)=20, min(100,80)=80 (half)
    assert got["drained_peat_cm"] == pytest.approx((50 + 20 + 0.5 * 80) / 2.5)
    assert got["water_table_rise_cm"] == pytest.approx(-12.5 + 240 / 3.5)
    assert got["nodata_pct"] == pytest.approx(0.0)


def test_drained_peat_uses_water_table_when_shallower_and_clips_above_surface() -> None:
    c = cells([15, 15], [-35, 10], [100, 100])
    got = measure(c, RULES)
    # cell 1: min(100, 35) = 35; cell 2: water 10 cm above surface → 0 cm drained
    assert got["drained_peat_cm"] == pytest.approx(17.5)


def test_oc_exactly_6_is_peat_but_not_above_6() -> None:
    got = measure(cells([6, 6, 6.01, 5.99], [-80] * 4, [100] * 4), RULES)
    assert got["peat_area_ha"] == pytest.approx(0.03)
    assert got["share_oc_above_6_pct"] == pytest.approx(25.0)


def test_nodata_is_reported_and_never_counted_as_peat() -> None:
    nan = np.nan
    c = cells([15, 15, nan, 15], [-80, nan, -80, -80], [100, 100, 100, nan])
    got = measure(c, RULES)
    assert got["peat_area_ha"] == pytest.approx(0.03)
    assert got["share_oc_above_6_pct"] == pytest.approx(75.0)     # of the whole parcel
    assert got["gvsmax_cm"] == pytest.approx(-80.0)               # over cells with data
    assert got["nodata_pct"] == pytest.approx(75.0)               # 3 of 4 lack some map
    assert got["nodata_carbon_pct"] == pytest.approx(25.0)
    assert got["nodata_water_pct"] == pytest.approx(25.0)
    assert got["nodata_peat_pct"] == pytest.approx(25.0)
    # only the first cell has all three for the drained-peat measure
    assert got["peat_cells_with_depth_ha"] == pytest.approx(0.01)


def test_part_outside_the_rasters_counts_as_nodata() -> None:
    # 2 cells of data, but the polygon is 4 cells large (half off the raster)
    got = measure(cells([15, 15], [-80, -80], [100, 100], parcel_ha=0.04), RULES)
    assert got["nodata_pct"] == pytest.approx(50.0)
    assert got["share_oc_above_6_pct"] == pytest.approx(50.0)


def test_no_data_at_all_fails_every_soil_criterion() -> None:
    got = measure(cells([], [], [], parcel_ha=1.0), RULES)
    crits = judge(got, RULES)
    assert [c.result for c in crits] == [FAIL] * 4
    assert crits[0].sentence_da.startswith("Der er ingen kulstofdata")
