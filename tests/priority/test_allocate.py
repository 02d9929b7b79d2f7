"""Allocation to area targets: a hand-computed optimum, greedy beside it, bad inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from naturkapital.core.errors import InputError
from naturkapital.priority.allocate import allocate, greedy
from naturkapital.priority.costs import Conversion, load_costs

FOREST = {"forest": Conversion("forest", "Skov / Forest", 8, 1_000.0, 10_000.0)}


def units(*areas: float) -> pd.DataFrame:
    return pd.DataFrame({"unit_id": [f"u{i}" for i in range(len(areas))],
                         "available_ha": list(areas)})


def test_known_optimum_beats_greedy():
    # costs: u0 20 000 (2 000/ha), u1 16 000 (2 667/ha), u2 15 000 (3 000/ha); target 11 ha.
    # Greedy (cheapest per ha): u0 (10 ha) then u1 → 16 ha, 36 000 DKK.
    # Optimum: u1 + u2 = 11 ha, 31 000 DKK (u0+u2 35 000, u0+u1 36 000, u0 alone 10 ha).
    res = allocate(units(10, 6, 5), FOREST, {"forest": 11})
    assert sorted(res.plan["unit_id"]) == ["u1", "u2"]
    assert res.meta["cost_dkk"] == pytest.approx(31_000)
    assert res.meta["greedy_cost_dkk"] == pytest.approx(36_000)
    assert res.meta["cost_vs_greedy"] == pytest.approx(31 / 36)
    assert res.meta["status"].startswith("optimal")
    assert res.meta["mip_gap_pct"] == pytest.approx(0, abs=0.01)
    s = res.summary.iloc[0]
    assert s["allocated_ha"] == pytest.approx(11) and s["greedy_ha"] == pytest.approx(16)


def test_two_types_each_unit_once():
    conv = {"forest": Conversion("forest", "F", 8, 1_000.0, 0.0),
            "wet_nature": Conversion("wet_nature", "W", 11, 3_000.0, 0.0)}
    res = allocate(units(4, 4, 4), conv, {"forest": 4, "wet_nature": 8})
    assert res.plan["unit_id"].is_unique
    assert res.meta["cost_dkk"] == pytest.approx(4 * 1_000 + 8 * 3_000)


def test_locks():
    res = allocate(units(10, 6, 5), FOREST, {"forest": 11}, locked_in=("u0",),
                   locked_out=("u1",))
    assert sorted(res.plan["unit_id"]) == ["u0", "u2"]
    assert res.meta["cost_dkk"] == pytest.approx(35_000)


def test_budget_too_small_is_named():
    with pytest.raises(InputError) as e:
        allocate(units(10, 6, 5), FOREST, {"forest": 11}, budget=30_000)
    assert e.value.source == "--budget"
    assert "31,000" in e.value.problem


def test_infeasible_target_names_target_and_excess():
    with pytest.raises(InputError) as e:
        allocate(units(10, 6, 5), FOREST, {"forest": 30})
    assert e.value.source == "target forest"
    assert "exceeds the available convertible land (21.0 ha) by 9.0 ha" in e.value.problem


def test_locked_out_land_is_not_available():
    with pytest.raises(InputError) as e:
        allocate(units(10, 6, 5), FOREST, {"forest": 12}, locked_out=("u0",))
    assert "by 1.0 ha" in e.value.problem


def test_targets_together_exceed_land():
    conv = {"forest": FOREST["forest"], "wet_nature": Conversion("wet_nature", "W", 11, 1.0,
                                                                 0.0)}
    with pytest.raises(InputError) as e:
        allocate(units(10, 6, 5), conv, {"forest": 15, "wet_nature": 10})
    assert e.value.source == "targets" and "by 4.0 ha" in e.value.problem


def test_unknown_unit_and_type():
    with pytest.raises(InputError, match="unknown planning unit"):
        allocate(units(10, 6, 5), FOREST, {"forest": 5}, locked_in=("nope",))
    with pytest.raises(InputError, match="no costs for conversion type dry_nature"):
        allocate(units(10, 6, 5), FOREST, {"dry_nature": 5})
    with pytest.raises(InputError, match="at least one area target"):
        allocate(units(10, 6, 5), FOREST, {"forest": 0})


def test_greedy_none_when_it_cannot_meet():
    cost = np.array([[10.0, 10.0], [10.0, 10.0]])
    assert greedy(np.array([5.0, 5.0]), cost, [5, 6], np.zeros(2, bool),
                  np.ones(2, bool)) is None


def test_random_plans_never_worse_than_greedy():
    rng = np.random.default_rng(1)
    conv = {"forest": Conversion("forest", "F", 8, 75_500.0, 25_000.0),
            "wet_nature": Conversion("wet_nature", "W", 11, 160_000.0, 50_000.0)}
    for _ in range(5):
        a = rng.uniform(0, 25, 40)
        res = allocate(units(*a), conv, {"forest": 100, "wet_nature": 60})
        assert res.meta["cost_dkk"] <= res.meta["greedy_cost_dkk"] + 1e-6
        got = res.summary.set_index("conversion")["allocated_ha"]
        assert got["forest"] >= 100 - 1e-6 and got["wet_nature"] >= 60 - 1e-6


def test_embedded_costs_are_the_scenario_cost_model():
    """Rates come from the scenario's cost table: skov 65 000 DKK/ha (Klimaskovfonden),
    mark → eng_mose is rewetting at the lowland budget per ha, hede_overdrev the
    82 500 DKK/ha of Landbrugsstyrelsen's 'Permanent ekstensivering' (sourced, so no
    assumption is flagged)."""
    from naturkapital.lowland.rules import load_rules
    from naturkapital.services.costs import rewetting_dkk_per_ha

    t = load_costs()
    assert t.conversions["forest"].dkk_per_ha == 65_000
    assert t.conversions["untouched_forest"].dkk_per_ha == 65_000
    assert t.conversions["wet_nature"].dkk_per_ha == rewetting_dkk_per_ha(load_rules())
    assert t.conversions["dry_nature"].dkk_per_ha == 82_500
    assert {c.to_class for c in t.conversions.values()} == {7, 8, 11}
    assert not any("hede_overdrev" in a for a in t.assumptions)


def test_cost_missing_for_a_class_is_named(tmp_path):
    from naturkapital.services.tables import DEFAULT_COSTS

    p = tmp_path / "c.csv"
    rows = DEFAULT_COSTS.read_text(encoding="utf-8").splitlines()
    rows = [("skov,,,," + r.split(",", 4)[4].split('"', 2)[0] + '"not costed"') if
            r.startswith("skov,") else r for r in rows]
    p.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="no cost for conversion forest"):
        load_costs(p)


def test_no_plan_within_time_limit_is_named(monkeypatch):
    from types import SimpleNamespace

    import naturkapital.priority.allocate as mod

    monkeypatch.setattr(mod, "milp", lambda *a, **k: SimpleNamespace(status=1, x=None))
    with pytest.raises(InputError) as e:
        allocate(units(10, 6, 5), FOREST, {"forest": 11}, time_limit=5)
    assert e.value.source == "--time-limit" and "no plan found within 5 s" in e.value.problem


def test_identical_units_grouped_with_locks():
    # 5+5+3 = 13 ha: 13 000 + 3 × 10 000 = 43 000 DKK (5+5+5: 45 000)
    res = allocate(units(5, 5, 5, 5, 3), FOREST, {"forest": 13}, locked_in=("u2",))
    assert res.meta["cost_dkk"] == pytest.approx(43_000)
    assert "u2" in set(res.plan["unit_id"]) and "u4" in set(res.plan["unit_id"])
    assert res.plan["unit_id"].is_unique and res.meta["unit_groups"] == 3
    out = allocate(units(5, 5, 5, 5, 3), FOREST, {"forest": 13}, locked_out=("u4",))
    assert out.meta["cost_dkk"] == pytest.approx(45_000) and "u4" not in set(out.plan["unit_id"])
