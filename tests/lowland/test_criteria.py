"""Each criterion at and around its boundary, on hand-made cell arrays (no rasters).

Everything goes through the one implementation: :func:`screen_arrays` (measure, CO2,
budget, criteria for all parcels as arrays) and, for one parcel, its row
(:meth:`Screened.verdict`). Expected values are worked by hand from the rules
(PRODUCT.md §B) and the SEGES factors; 10 m cells are 0.01 ha.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from naturkapital.lowland.budget import budget_arrays
from naturkapital.lowland.cells import PARCEL_ID, Extraction, ParcelCells
from naturkapital.lowland.rules import load_emission_factors, load_rules
from naturkapital.lowland.screening import (
    ELIGIBLE,
    FAIL,
    INELIGIBLE,
    NA,
    PASS,
    SECONDARY,
    Screened,
    judge_arrays,
    num_da,
    screen_arrays,
    status_arrays,
)

RULES = load_rules()
F = load_emission_factors()


def judged(peat_area: float = 4.0, share: float = 100.0, gvs: float = -80.0,
           drained: float = 80.0) -> dict[str, str]:
    """Results of one parcel with the given measured values and no bid."""
    m = {"peat_area_ha": np.array([peat_area]), "share_oc_above_6_pct": np.array([share]),
         "gvsmax_cm": np.array([gvs]), "drained_peat_cm": np.array([drained])}
    nan = np.array([np.nan])
    bud = budget_arrays(np.array([4.0]), RULES, nan, nan)
    return {k: str(v[0]) for k, v in judge_arrays(m, bud, nan, RULES).items()}


@pytest.mark.parametrize("area,expected", [
    (1.99, FAIL), (1.9999, FAIL), (2.0, PASS), (2.0000000001, PASS), (2.01, PASS),
    (9.99, PASS), (10.0, PASS), (10.0000000001, PASS), (10.01, SECONDARY), (25.0, SECONDARY),
])
def test_peat_area_boundaries(area: float, expected: str) -> None:
    assert judged(peat_area=area)["peat_area"] == expected


@pytest.mark.parametrize("share,expected", [
    (74.9, FAIL), (74.999, FAIL), (75.0, PASS), (74.99999999, PASS), (75.1, PASS),
    (100.0, PASS), (0.0, FAIL),
])
def test_oc_share_boundaries(share: float, expected: str) -> None:
    assert judged(share=share)["oc_share"] == expected


@pytest.mark.parametrize("gvs,expected", [
    (-42.4, FAIL), (-42.5, FAIL), (-42.500000001, FAIL), (-42.51, PASS), (-43.0, PASS),
    (0.0, FAIL), (5.0, FAIL),
])
def test_gvsmax_must_be_strictly_deeper(gvs: float, expected: str) -> None:
    assert judged(gvs=gvs)["gvsmax"] == expected


@pytest.mark.parametrize("drained,expected", [
    (29.9, FAIL), (29.999, FAIL), (30.0, PASS), (30.1, PASS),
])
def test_drained_peat_boundaries(drained: float, expected: str) -> None:
    assert judged(drained=drained)["drained_peat"] == expected


def test_status_from_results() -> None:
    res = {k: np.array([v]) for k, v in judged().items()}
    assert status_arrays(res)[0] == ELIGIBLE
    res = {k: np.array([v]) for k, v in judged(peat_area=12.0).items()}
    assert status_arrays(res)[0] == SECONDARY
    # a failure wins over secondary
    res = {k: np.array([v]) for k, v in judged(peat_area=12.0, gvs=-30.0).items()}
    assert status_arrays(res)[0] == INELIGIBLE


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


def screened(*parcels: ParcelCells, rotation: bool = True, bid: float = np.nan,
             total: float = np.nan, horizon: float = 20.0) -> Screened:
    """Screen parcels p0, p1, … given as cells (all with the same rotation and bid)."""
    ids = [f"p{i}" for i in range(len(parcels))]
    table = pd.DataFrame({PARCEL_ID: ids, "in_rotation": rotation, "bid_dkk_per_ha": bid,
                          "total_bid_dkk": total})
    return screen_arrays(table, Extraction.from_cells(dict(zip(ids, parcels, strict=True))),
                         RULES, F, horizon)


def measured(c: ParcelCells) -> dict[str, float]:
    return screened(c).metrics_row(0)


def test_measure_weights_cut_cells_by_covered_fraction() -> None:
    # four cells, the last one only half inside the parcel
    c = cells([10, 10, 4, 20], [-50, -50, -100, -80], [100, 20, 0, 100],
              cover=[1, 1, 1, 0.5])
    got = measured(c)
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
    got = measured(cells([15, 15], [-35, 10], [100, 100]))
    # cell 1: min(100, 35) = 35; cell 2: water 10 cm above surface → 0 cm drained
    assert got["drained_peat_cm"] == pytest.approx(17.5)


def test_oc_exactly_6_is_peat_but_not_above_6() -> None:
    got = measured(cells([6, 6, 6.01, 5.99], [-80] * 4, [100] * 4))
    assert got["peat_area_ha"] == pytest.approx(0.03)
    assert got["share_oc_above_6_pct"] == pytest.approx(25.0)


def test_nodata_is_reported_and_never_counted_as_peat() -> None:
    nan = np.nan
    got = measured(cells([15, 15, nan, 15], [-80, nan, -80, -80], [100, 100, 100, nan]))
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
    s = screened(cells([15, 15], [-80, -80], [100, 100], parcel_ha=0.04))
    got = s.metrics_row(0)
    assert got["nodata_pct"] == pytest.approx(50.0)
    assert got["share_oc_above_6_pct"] == pytest.approx(50.0)
    v = s.verdict(0)
    assert v.notes_da == ["Kortene mangler data for en del af parcellen (kulstof 50,0 %, "
                          "GVSmax 50,0 %, tørvedybde 50,0 %); værdierne er beregnet på "
                          "cellerne med data, og celler uden kulstofdata tæller ikke som "
                          "tørvejord."]


def test_no_data_at_all_fails_every_soil_criterion() -> None:
    v = screened(cells([], [], [], parcel_ha=1.0)).verdict(0)
    assert [c.result for c in v.criteria[:4]] == [FAIL] * 4
    assert v.criteria[0].sentence_da.startswith("Der er ingen kulstofdata")
    assert v.notes_da == ["Parcellen ligger uden for kortene eller kun på nodata."]
    assert v.status == INELIGIBLE


def test_one_parcel_verdict_sentences() -> None:
    # p0: 150 cells of OC 15 % = 1.50 ha of peat, below 2 ha
    # p1: 400 cells with GVSmax −30 cm: not deeper than −42.5 cm; drained min(100, 30) = 30
    s = screened(cells([15] * 150, [-80] * 150, [100] * 150),
                 cells([15] * 400, [-30] * 400, [100] * 400))
    small, wet = s.verdict(0), s.verdict(1)
    assert small.status == INELIGIBLE and small.failed == ["peat_area"]
    assert small.criteria[0].sentence_da == ("Arealet med tørvejord (mindst 6 % organisk "
                                             "kulstof) er 1,50 ha; det skal være mindst 2 ha.")
    gvs = next(c for c in wet.criteria if c.key == "gvsmax")
    assert gvs.sentence_da.startswith("Vandstanden før (GVSmax) er −30,0 cm")
    assert "dybere end −42,5 cm" in gvs.sentence_da
    assert wet.failed == ["gvsmax"]
    # without a bid: budget and price not assessed, the plan at the maximum support
    assert [c.result for c in wet.criteria[4:]] == [NA, NA]
    assert wet.price_basis == wet.budget.basis == "max_support"
    # the table's reasons are the verdict's sentences
    assert s.reasons(0) == ([small.criteria[0].sentence_da], [small.criteria[0].sentence_en])


def test_co2_budget_and_price_of_one_parcel_with_a_bid() -> None:
    # 4 ha (400 cells) of OC 15 % in rotation: before 4 × (42.17 + 3.87) = 184.16,
    # after 4 × 6.8 = 27.2, reduction 156.96 t CO2e/yr; over 20 years 3 139.2 t.
    # Bid 100 000 DKK/ha, total 640 000 DKK: compensation 400 000, project costs
    # 240 000 (≥ 4 × 50 000); price 640 000 / 3 139.2 = 203.87 DKK/t ≤ 360.
    c = cells([15] * 400, [-80] * 400, [100] * 400)
    v = screened(c, bid=100_000, total=640_000).verdict(0)
    assert v.emissions.before_total == pytest.approx(184.16)
    assert v.emissions.after_total == pytest.approx(27.2)
    assert v.emissions.reduction == pytest.approx(156.96)
    assert v.budget.income_comp_dkk == pytest.approx(400_000)
    assert v.budget.project_costs_dkk == pytest.approx(240_000)
    assert v.price_dkk_per_t == pytest.approx(640_000 / 3139.2)
    assert v.price_basis == "bid" and v.status == ELIGIBLE
    # payments: 80 % / 20 % of the 240 000 project costs, compensation at registration
    assert [i.amount_dkk for i in v.budget.instalments] == pytest.approx(
        [192_000, 48_000, 400_000])


def test_budget_and_price_failures_with_their_sentences() -> None:
    # total 640 004 DKK on 4 ha = 160 001 DKK/ha > 160 000 (+ 0.5 DKK tolerance)
    c = cells([15] * 400, [-80] * 400, [100] * 400)
    greedy = screened(c, bid=100_000, total=640_004).verdict(0)
    assert greedy.failed == ["budget"]
    assert greedy.criteria[4].sentence_da == ("Det samlede tilskud er 160.001 kr./ha; højst "
                                              "160.000 kr./ha er tilladt.")
    # 4 ha of OC 8 % not in rotation: 4 × 15.4 − 4 × 6.8 = 34.4 t/yr, 688 t over 20 years;
    # 640 000 / 688 = 930.23 DKK/t > 360
    dear = screened(cells([8] * 400, [-80] * 400, [100] * 400), rotation=False,
                    bid=100_000, total=640_000).verdict(0)
    assert dear.price_dkk_per_t == pytest.approx(640_000 / 688)
    assert dear.failed == ["price"]
    assert dear.criteria[5].sentence_da == ("Buddet svarer til 930 kr. pr. ton CO2e over 20 "
                                            "år; højst 360 kr./t er tilladt.")
    # no reduction (mineral soil only): the price cannot be computed and fails
    none = screened(cells([3] * 400, [-80] * 400, [100] * 400), bid=100_000,
                    total=640_000).verdict(0)
    assert np.isnan(none.price_dkk_per_t)
    assert none.criteria[5].result == FAIL
    assert none.criteria[5].sentence_en == "no CO2 reduction"
