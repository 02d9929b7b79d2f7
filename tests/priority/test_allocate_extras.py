"""Per-unit allocation: boundary penalty, ECA-gain objective and staged fireman's order,
each against a hand-computed optimum, with the greedy baseline on the same objective."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from naturkapital.core.errors import InputError
from naturkapital.priority.allocate import Extras, allocate_units, plan_boundary, shared_edges
from naturkapital.priority.costs import Conversion, load_national_targets

F = {"forest": Conversion("forest", "F", 8, 1_000.0, 0.0)}


def row_of_squares(*areas: float) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Units u0..un in a row of 100 m squares (perimeter 400 m, shared edges 100 m)."""
    g = gpd.GeoDataFrame({"unit_id": [f"u{i}" for i in range(len(areas))],
                          "available_ha": list(areas)},
                         geometry=[shapely.box(100 * i, 0, 100 * (i + 1), 100)
                                   for i in range(len(areas))], crs=25832)
    return g, shared_edges(g), g.geometry.length.to_numpy()


def test_shared_edges_of_a_row():
    _, e, perim = row_of_squares(1, 1, 1)
    assert e[["a", "b"]].values.tolist() == [[0, 1], [1, 2]]
    assert e["length_m"].tolist() == pytest.approx([100, 100])
    assert plan_boundary(np.array([1, 1, 0], bool), perim, e) == pytest.approx(600)
    assert plan_boundary(np.array([1, 0, 1], bool), perim, e) == pytest.approx(800)


def test_boundary_penalty_known_optimum_beats_adaptive_greedy():
    # cost-only optimum u0+u2 (2 000 DKK, 800 m); with 10 DKK/m:
    # u0+u2 10 000, u0+u1 8 100, u1+u2 8 100, u2+u3 2 050 + 6 000 = 8 050 (optimum).
    # Greedy: u1 first (5 100/1.1 ha), then its neighbour u0 → 2 100 + 6 000 = 8 100.
    g, e, perim = row_of_squares(1.0, 1.1, 1.0, 1.05)
    res = allocate_units(g, F, {"forest": 2}, Extras(e, perim, 10.0))
    assert sorted(res.plan["unit_id"]) == ["u2", "u3"]
    assert res.meta["objective"] == pytest.approx(8_050)
    assert res.meta["boundary_m"] == pytest.approx(600)
    assert res.meta["greedy_objective"] == pytest.approx(8_100)
    assert res.meta["cost_vs_greedy"] == pytest.approx(8_050 / 8_100)
    plain = allocate_units(g, F, {"forest": 2}, Extras(e, perim, 0.0))
    assert sorted(plain.plan["unit_id"]) == ["u0", "u2"]
    assert plain.meta["cost_dkk"] == pytest.approx(2_000)


def test_eca_gain_within_budget_known_optimum():
    # costs 2 000, 1 000, 1 200; gains 10, 4.5, 5.9; budget 2 200.
    # Greedy by gain/DKK takes u0 (0.005) and nothing else fits: 10 ha.
    # Optimum u1 + u2: 2 200 DKK, 10.4 ha.
    u = pd.DataFrame({"unit_id": ["u0", "u1", "u2"], "available_ha": [2.0, 1.0, 1.2]})
    res = allocate_units(u, F, {}, Extras(eca_gain=np.array([10, 4.5, 5.9]),
                                          maximise_eca=True), budget=2_200)
    assert sorted(res.plan["unit_id"]) == ["u1", "u2"]
    assert res.meta["eca_gain_ha"] == pytest.approx(10.4)
    assert res.meta["greedy_eca_gain_ha"] == pytest.approx(10.0)
    assert res.meta["eca_vs_greedy"] == pytest.approx(1.04)
    with pytest.raises(InputError, match="needs a budget"):
        allocate_units(u, F, {}, Extras(eca_gain=np.ones(3), maximise_eca=True))


def test_staged_follows_the_firemans_order():
    # 4, 6 ha (class 2) and 5, 5 ha (class 3); 1 000 DKK/ha + 10 000 DKK/unit.
    # Least cost for 8 ha: u0 + u2 (9 ha, 29 000). Staged: class 2 first → u0 + u1, 30 000.
    c = {"forest": Conversion("forest", "F", 8, 1_000.0, 10_000.0)}
    u = pd.DataFrame({"unit_id": ["u0", "u1", "u2", "u3"], "available_ha": [4, 6, 5, 5.0]})
    stage = np.array([2, 2, 3, 3])
    free = allocate_units(u, c, {"forest": 8}, Extras())
    assert free.meta["cost_dkk"] == pytest.approx(29_000)
    st = allocate_units(u, c, {"forest": 8}, Extras(stage=stage))
    assert sorted(st.plan["unit_id"]) == ["u0", "u1"] and st.meta["class3_ha"] == 0
    assert st.meta["cost_dkk"] == pytest.approx(30_000)
    # 12 ha: class 2 gives 10; the fewest class-3 hectares is one 5 ha unit → 45 000
    st12 = allocate_units(u, c, {"forest": 12}, Extras(stage=stage))
    assert st12.meta["class3_ha"] == pytest.approx(5) and st12.meta["cost_dkk"] == 45_000
    assert st12.meta["greedy_cost_dkk"] == pytest.approx(45_000)


def test_national_targets_table():
    t = load_national_targets()
    assert t.loc["new_forest", "value"] == 250_000 and t.loc["new_forest", "year"] == 2045
    assert t.loc["untouched_forest", "value"] == 100_000
    assert t.loc["lowland", "value"] == 140_000 and t.loc["lowland", "year"] == 2030
    assert t.loc["protected_nature", "value"] == 20
    assert t.loc["afforestation_grant", "value"] == 75_500
    assert t.loc["untouched_forest_grant", "value"] == 15_000
    assert t["source"].str.contains("24 June 2024").all()


def test_eca_floor_known_optimum_and_greedy_top_up():
    # 2, 1, 1 ha at 1 000 DKK/ha; target 2 ha; gains 0, 3, 3; floor 5 ha of ECA.
    # Optimum u1 + u2: 2 000 DKK, gain 6. Greedy: u0 (2 ha) meets the target, then tops
    # up u1 and u2 for the floor: 4 000 DKK.
    u = pd.DataFrame({"unit_id": ["u0", "u1", "u2"], "available_ha": [2.0, 1.0, 1.0]})
    res = allocate_units(u, F, {"forest": 2}, Extras(eca_gain=np.array([0, 3, 3.0]),
                                                     eca_floor=5.0))
    assert sorted(res.plan["unit_id"]) == ["u1", "u2"]
    assert res.meta["cost_dkk"] == pytest.approx(2_000)
    assert res.meta["greedy_cost_dkk"] == pytest.approx(4_000)
    assert res.meta["cost_vs_greedy"] == pytest.approx(0.5)
    with pytest.raises(InputError, match="exceeds what all free units can give"):
        allocate_units(u, F, {"forest": 2}, Extras(eca_gain=np.array([0, 3, 3.0]),
                                                   eca_floor=7.0))
