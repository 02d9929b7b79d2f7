"""Every row of the SEGES table, the OC class boundaries, tonnes of gas, budget and plan.

``parcel_emissions`` and ``make_budget`` are one row of ``emissions_arrays`` and
``budget_arrays``, the implementation the screening uses.
"""

from __future__ import annotations

import numpy as np
import pytest

from naturkapital.lowland.budget import budget_arrays, make_budget
from naturkapital.lowland.co2 import emissions_arrays, parcel_emissions, price_per_tonne
from naturkapital.lowland.rules import load_emission_factors, load_rules

F = load_emission_factors()
RULES = load_rules()


def one_ha(oc: float, rotation: bool):
    return parcel_emissions(np.array([oc]), np.array([1.0]), rotation, F)


@pytest.mark.parametrize("oc,rotation,co2,n2o", [
    (8.0, True, 21.08, 0.0),       # in rotation, 6–12 % C
    (20.0, True, 42.17, 3.87),     # in rotation, > 12 % C
    (20.0, False, 30.8, 2.44),     # not in rotation, > 12 % C
    (8.0, False, 15.4, 0.0),       # not in rotation, 6–12 % C
])
def test_each_drained_row_and_the_rewetted_row(oc: float, rotation: bool, co2: float,
                                               n2o: float) -> None:
    e = one_ha(oc, rotation)
    assert e.before == pytest.approx({"co2": co2, "n2o": n2o, "ch4": 0.0})
    # after: not in rotation, high water table (rewetted): CH4 6.8 only
    assert e.after == pytest.approx({"co2": 0.0, "n2o": 0.0, "ch4": 6.8})
    assert e.reduction == pytest.approx(co2 + n2o - 6.8)
    assert e.gas_tonnes("before", "n2o") == pytest.approx(n2o / 298)
    assert e.gas_tonnes("after", "ch4") == pytest.approx(6.8 / 25)


@pytest.mark.parametrize("oc,before", [
    (5.99, 0.0), (6.0, 21.08), (12.0, 21.08), (12.01, 42.17 + 3.87), (100.0, 46.04),
])
def test_oc_class_boundaries(oc: float, before: float) -> None:
    e = one_ha(oc, True)
    assert e.before_total == pytest.approx(before)
    assert e.after_total == pytest.approx(0.0 if oc < 6 else 6.8)
    assert bool(e.assumptions) == (oc < 6)     # the mineral row is an assumption


def test_cells_mix_and_nodata_is_skipped() -> None:
    oc = np.array([8.0, 20.0, 3.0, np.nan])
    area = np.array([0.5, 0.25, 1.0, 2.0])
    e = parcel_emissions(oc, area, False, F)
    assert e.before_total == pytest.approx(0.5 * 15.4 + 0.25 * (30.8 + 2.44))
    assert e.after_total == pytest.approx(0.75 * 6.8)
    assert e.used_before == pytest.approx({"not in rotation low water table 6-12 % C": 0.5,
                                           "not in rotation low water table >12 % C": 0.25,
                                           "mineral soil (OC below 6 %)": 1.0})


def test_price_per_tonne() -> None:
    # 4 ha, >12 % in rotation: 4 × (46.04 − 6.8) = 156.96 t/yr; 20 yr; 640 000 DKK
    assert price_per_tonne(640_000, 156.96, 20) == pytest.approx(640_000 / 3139.2)
    assert np.isnan(price_per_tonne(640_000, 0.0, 20))
    assert np.isnan(price_per_tonne(640_000, -3.0, 20))


def test_budget_at_the_maxima_and_the_payment_plan() -> None:
    b = make_budget(4.0, RULES)
    assert b.basis == "max_support"
    assert (b.max_support_dkk, b.max_income_comp_dkk, b.min_project_costs_dkk) == (
        640_000, 440_000, 200_000)
    assert b.total_dkk == 640_000 and b.income_comp_dkk == 440_000
    assert [i.amount_dkk for i in b.instalments] == pytest.approx([160_000, 40_000, 440_000])
    assert [i.share_pct for i in b.instalments] == [80, 20, 100]
    assert b.within_rules


@pytest.mark.parametrize("bid,total,problems", [
    (100_000, 640_000, 0),            # 100 000 + 60 000 per ha: fine
    (110_000, 640_000, 0),            # exactly at both caps
    (110_001, 640_004, 2),            # compensation above 110 000/ha (so total too)
    (100_000, 640_004, 1),            # total above 160 000/ha
    (110_000, 636_000, 1),            # only 49 000/ha for studies and construction
])
def test_budget_limits_of_a_bid(bid: float, total: float, problems: int) -> None:
    b = make_budget(4.0, RULES, bid, total)
    assert b.basis == "bid"
    assert len(b.problems_da) == problems
    assert b.income_comp_dkk == pytest.approx(4 * bid)
    assert b.project_costs_dkk == pytest.approx(total - 4 * bid)
    assert b.instalments[0].amount_dkk == pytest.approx(0.8 * (total - 4 * bid))
    assert b.instalments[1].amount_dkk == pytest.approx(0.2 * (total - 4 * bid))


def test_many_parcels_at_once_match_the_hand_values() -> None:
    # parcel 0: 1 ha OC 20 % in rotation → before 42.17 + 3.87 = 46.04, after 6.8
    # parcel 1: 0.5 ha OC 8 % + 0.25 ha OC 3 % not in rotation → before 0.5 × 15.4 = 7.7,
    #           after 0.5 × 6.8 = 3.4 (mineral soil 0, an assumption)
    # parcel 2: no cells → 0
    e = emissions_arrays(np.array([0, 1, 1]), np.array([20.0, 8.0, 3.0]),
                         np.array([1.0, 0.5, 0.25]), np.array([True, False, True]), F)
    assert e.before_total == pytest.approx([46.04, 7.7, 0.0])
    assert e.after_total == pytest.approx([6.8, 3.4, 0.0])
    assert e.notes[0] == [] and len(e.notes[1]) == 1 and e.notes[2] == []
    assert e.row(1).used_before == pytest.approx(
        {"not in rotation low water table 6-12 % C": 0.5, "mineral soil (OC below 6 %)": 0.25})


def test_budgets_at_once_and_the_basis() -> None:
    # 2 ha without a bid: 320 000 in all (maxima); 2 ha with only a total of 300 000:
    # compensation = 300 000 − 2 × 50 000 = 200 000 (≤ 2 × 110 000), costs 100 000
    nan = np.nan
    b = budget_arrays(np.array([2.0, 2.0]), RULES, np.array([nan, nan]),
                      np.array([nan, 300_000.0]))
    assert list(b.basis) == ["max_support", "bid"]
    assert b.total_dkk == pytest.approx([320_000, 300_000])
    assert b.income_comp_dkk == pytest.approx([220_000, 200_000])
    assert b.project_costs_dkk == pytest.approx([100_000, 100_000])
    assert list(b.within_rules) == [True, True]
