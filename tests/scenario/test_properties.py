"""Invariants of applying conversions, on random boxes over the tiny map."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from naturkapital.scenario.evaluate import evaluate_scenario
from tests.scenario.conftest import POOL_TOTAL, write_scenario

coord = st.integers(min_value=0, max_value=16).map(lambda v: v / 4)  # quarter cells


@st.composite
def boxes(draw):
    c0, c1 = sorted(draw(st.lists(coord, min_size=2, max_size=2, unique=True)))
    r0, r1 = sorted(draw(st.lists(coord, min_size=2, max_size=2, unique=True)))
    return (c0, r0, c1, r1), draw(st.sampled_from([1, 2, 3, 4, 5]))


@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@given(part=boxes())
def test_area_conserved_and_carbon_delta_is_moved_area_times_pools(tiny, whole, pools,
                                                                    tmp_path_factory, part):
    cells, to = part
    s = write_scenario(tmp_path_factory.mktemp("p") / "s.gpkg",
                       [{"name": "x", "to_class": to, "cells": cells}])
    r = evaluate_scenario(s, landcover=tiny["raster"], scheme=tiny["scheme"],
                          carbon_pools=pools, zones=whole, id_field="zid")
    a = r.applied
    assert a.scenario["area_ha"].sum() == pytest.approx(a.baseline["area_ha"].sum())
    assert (a.scenario["area_ha"] >= 0).all()
    mv = a.moves
    expected = (mv["area_ha"] * (mv["to_value"].map(POOL_TOTAL)
                                 - mv["from_value"].map(POOL_TOTAL))).sum()
    assert r.value("A", "carbon_stock_t_c") == pytest.approx(expected, abs=1e-9)
    assert 0 <= r.value("A", "nki", "scenario") <= 100
    moved = mv.loc[mv["from_value"] != mv["to_value"], "area_ha"].sum()
    assert r.value("A", "converted_area_ha", "scenario") == pytest.approx(moved)
