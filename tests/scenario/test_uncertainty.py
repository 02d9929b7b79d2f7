"""Ranges of the coefficients carried into the scenario results: intervals checked by
hand on the tiny map, the seeded Monte Carlo of the flood indicator, the sensitivity
swings, and tables without a source or range refused with one line naming the file.

Tiny map and pools: see tests/scenario/test_hand_computed.py; pool totals skov 100
(80–120), mark 40 (30–50), eng 60 (60–60) t C/ha; cells are 0.01 ha.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from naturkapital.core.errors import InputError
from naturkapital.lowland.rules import load_emission_factors
from naturkapital.scenario.evaluate import INTERVAL_COLUMNS, TOTAL_ID, evaluate_scenario
from naturkapital.services import tables as st
from naturkapital.services.uncertainty import Bundle, propagate
from tests.scenario.conftest import CELL_HA, POOL_RANGE, write_scenario

FIELDS = (2, 0, 4, 2)  # the four mark cells


def ev(tiny, zones, pools, scen, **kw):
    return evaluate_scenario(
        scen,
        landcover=tiny["raster"],
        scheme=tiny["scheme"],
        carbon_pools=pools,
        zones=zones,
        id_field="zid",
        **kw,
    )


def row(r, indicator: str, zone: str = "A") -> pd.Series:
    t = r.table
    return t[(t["zone_id"] == zone) & (t["indicator"] == indicator)].iloc[0]


def test_carbon_interval_by_hand(tiny, whole, pools, tmp_path):
    s = write_scenario(tmp_path / "s.gpkg", [{"name": "skov", "to_class": 1, "cells": FIELDS}])
    r = ev(tiny, whole, pools, s)
    c = row(r, "carbon_stock_t_c")
    (sk_lo, sk_hi), (mk_lo, mk_hi), (eng, _) = POOL_RANGE[1], POOL_RANGE[2], POOL_RANGE[5]
    # baseline 4 skov + 4 mark + 2 eng cells; scenario 8 skov + 2 eng (0.01 ha each)
    assert c["baseline_low"] == pytest.approx(CELL_HA * (4 * sk_lo + 4 * mk_lo + 2 * eng))  # 5.6
    assert c["baseline_high"] == pytest.approx(CELL_HA * (4 * sk_hi + 4 * mk_hi + 2 * eng))  # 8.0
    assert c["scenario_low"] == pytest.approx(CELL_HA * (8 * sk_lo + 2 * eng))  # 7.6
    assert c["scenario_high"] == pytest.approx(CELL_HA * (8 * sk_hi + 2 * eng))  # 10.8
    # delta = 0.04 ha × (skov − mark): the same coefficients move both sides, so the
    # delta's interval is 0.04 × (80 − 50) to 0.04 × (120 − 30), not high − low of the sides
    assert (c["delta_low"], c["delta"], c["delta_high"]) == pytest.approx((1.2, 2.4, 3.6))
    assert c["baseline_low"] == pytest.approx(5.6) and c["scenario_high"] == pytest.approx(10.8)
    # the total row carries the same interval (one zone)
    tot = row(r, "carbon_stock_t_c", TOTAL_ID)
    assert (tot["delta_low"], tot["delta_high"]) == pytest.approx((1.2, 3.6))
    # indicators without a ranged coefficient have a zero-width interval
    nki = row(r, "nki")
    assert nki["scenario_low"] == nki["scenario"] == nki["scenario_high"]
    assert list(r.table.columns[-6:]) == INTERVAL_COLUMNS
    d = r.to_dict()["table"][0]
    assert set(INTERVAL_COLUMNS) <= set(d)


def test_nitrogen_interval_uses_table_ranges(tiny, whole, pools, tmp_path):
    t = st.load_nitrogen().table
    s = write_scenario(tmp_path / "s.gpkg", [{"name": "skov", "to_class": 1, "cells": FIELDS}])
    r = ev(tiny, whole, pools, s)
    n = row(r, "nitrogen_leaching_kg_n_per_year")
    area = 4 * CELL_HA
    assert n["delta_low"] == pytest.approx(area * (t.at["skov", "low"] - t.at["mark", "high"]))
    assert n["delta_high"] == pytest.approx(area * (t.at["skov", "high"] - t.at["mark", "low"]))
    assert n["delta_low"] < n["delta"] < n["delta_high"]


def test_flood_monte_carlo_is_seeded_and_inside_the_corners(tiny, whole, pools, tmp_path):
    s = write_scenario(tmp_path / "s.gpkg", [{"name": "vaad", "to_class": 5, "cells": FIELDS}])
    r1 = ev(tiny, whole, pools, s)
    r2 = ev(tiny, whole, pools, s)
    f1, f2 = row(r1, "flood_retention_m3"), row(r2, "flood_retention_m3")
    assert (f1["delta_low"], f1["delta_high"]) == (f2["delta_low"], f2["delta_high"])
    p = st.load_parameters().table
    # 400 m² × rise × porosity; corners: water table before −42.5 / −100 cm (rise 0.30 /
    # 0.875 m to −12.5 cm), porosity 0.10 / 0.44 (Johnson 1967: fine sand minimum, peat;
    # 0.1 / 0.3 until session 4) → 400 × 0.30 × 0.10 = 12 to 400 × 0.875 × 0.44 = 154 m³
    lo_corner = (
        400 * (-12.5 - p.at["gvsmax_before_cm", "high"]) / 100 * p.at["drainable_porosity", "low"]
    )
    hi_corner = (
        400 * (-12.5 - p.at["gvsmax_before_cm", "low"]) / 100 * p.at["drainable_porosity", "high"]
    )
    assert (lo_corner, hi_corner) == pytest.approx((12.0, 154.0))
    assert lo_corner <= f1["delta_low"] < f1["delta"] < f1["delta_high"] <= hi_corner
    assert f1["delta_low"] < 20 and f1["delta_high"] > 90  # 400 draws reach near the corners
    assert "Monte Carlo" in r1.meta["intervals"]["flood_retention_m3"]


def test_propagate_linear_and_seeded_on_a_toy_model():
    """f = 2·a − b (linear) and g = a·b (not): intervals by hand, MC reproducible."""
    b0 = Bundle(
        pools=st.load_carbon_pools(),
        nitrogen=st.load_nitrogen(),
        params=st.load_parameters(),
        factors=load_emission_factors(),
        costs=st.load_costs(),
    )
    mark = b0.nitrogen.table
    a_lo, a_hi = mark.at["mark", "low"], mark.at["mark", "high"]
    costs = b0.costs.table
    c_lo, c_hi = costs.at["skov", "low"], costs.at["skov", "high"]
    idx = pd.Index(["z"])

    def evaluate(b, keys):
        a = b.nitrogen.table.at["mark", "n_leach_kg_n_per_ha_yr"]
        c = b.costs.table.at["skov", "cost_dkk_per_ha"] / 1000
        out = {
            "f": (pd.Series([0.0], idx), pd.Series([2 * a - c], idx)),
            "g": (pd.Series([0.0], idx), pd.Series([a * c], idx)),
        }
        return {k: v for k, v in out.items() if k in keys}

    dep = {"nitrogen": {"f", "g"}, "costs": {"f", "g"}}
    p1 = propagate(evaluate, b0, dep, {"g"}, draws=50, seed=7)
    lo, hi = p1.intervals["f"]["delta"]
    assert lo["z"] == pytest.approx(2 * a_lo - c_hi / 1000)
    assert hi["z"] == pytest.approx(2 * a_hi - c_lo / 1000)
    glo, ghi = p1.intervals["g"]["delta"]
    assert a_lo * c_lo / 1000 <= glo["z"] < ghi["z"] <= a_hi * c_hi / 1000
    p2 = propagate(evaluate, b0, dep, {"g"}, draws=50, seed=7)
    assert (p2.intervals["g"]["delta"][0]["z"], p2.intervals["g"]["delta"][1]["z"]) == (
        glo["z"],
        ghi["z"],
    )
    p3 = propagate(evaluate, b0, dep, {"g"}, draws=50, seed=8)
    assert p3.intervals["g"]["delta"][0]["z"] != glo["z"]
    sw = p1.swings[p1.swings["indicator"] == "f"].set_index("key")
    assert sw.at["mark", "delta_at_low"] == pytest.approx(2 * (a_lo - 50))
    assert sw.at["skov", "delta_at_high"] == pytest.approx(-(c_hi - 65000) / 1000)


def test_sensitivity_swings_and_chart(tiny, whole, pools, tmp_path):
    from naturkapital.report.sensitivity import write_sensitivity

    s = write_scenario(tmp_path / "s.gpkg", [{"name": "skov", "to_class": 1, "cells": FIELDS}])
    r = ev(tiny, whole, pools, s)
    sw = r.sensitivity
    c = sw[(sw["zone_id"] == TOTAL_ID) & (sw["indicator"] == "carbon_stock_t_c")]
    c = c.sort_values("range", ascending=False)
    # skov 80–120 moves the delta by 0.04 × ±20 = ±0.8, mark 30–50 by ∓0.4
    assert list(c["key"]) == ["1", "2"]
    assert (c["delta_at_low"].iloc[0], c["delta_at_high"].iloc[0]) == pytest.approx((-0.8, 0.8))
    assert (c["delta_at_low"].iloc[1], c["delta_at_high"].iloc[1]) == pytest.approx((0.4, -0.4))
    png, csv = write_sensitivity(r, tmp_path / "tornado.png")
    assert png.read_bytes()[:4] == b"\x89PNG"
    back = pd.read_csv(csv, encoding="utf-8-sig")
    assert {"coefficient", "delta_at_low", "delta_at_high", "range"} <= set(back.columns)


def _copy(src: Path, dst: Path, drop: str) -> Path:
    t = pd.read_csv(src, dtype=str, keep_default_na=False)
    t.drop(columns=[drop]).to_csv(dst, index=False)
    return dst


@pytest.mark.parametrize(
    "loader,table,col",
    [
        (st.load_nitrogen, st.DEFAULT_NITROGEN, "low"),
        (st.load_nitrogen, st.DEFAULT_NITROGEN, "source"),
        (st.load_parameters, st.DEFAULT_PARAMETERS, "high"),
        (st.load_costs, st.DEFAULT_COSTS, "low"),
        (st.load_carbon_pools, st.DEFAULT_CARBON_POOLS, "high"),
        (
            load_emission_factors,
            Path(st.__file__).parents[1] / "lowland" / "tables" / "seges_emission_factors.csv",
            "low",
        ),
    ],
)
def test_table_without_source_or_range_is_refused(loader, table, col, tmp_path):
    bad = _copy(table, tmp_path / "bad.csv", col)
    with pytest.raises(InputError) as e:
        loader(bad)
    assert "bad.csv" in str(e.value) and col in str(e.value)
    assert "\n" not in str(e.value)


def test_value_outside_its_range_is_refused(tmp_path):
    t = pd.read_csv(st.DEFAULT_NITROGEN, dtype=str, keep_default_na=False)
    t.loc[t["land_type"] == "mark", "low"] = "60"  # above the value 50
    bad = tmp_path / "n.csv"
    t.to_csv(bad, index=False)
    with pytest.raises(InputError, match="low ≤ value ≤ high") as e:
        st.load_nitrogen(bad)
    assert "n.csv" in str(e.value)


def test_shipped_tables_count_of_assumptions():
    """Every shipped coefficient has a range; the assumptions are the rows the closing
    note lists. Session 3: carbon 7 of 9, nitrogen 4 of 8, parameters 2 of 3, costs 3 of 4
    (16 of 24); session 4, first step: carbon 2 of 9 (2, 4), nitrogen 3 of 8 (skov, by_graa,
    andet), parameters 1 of 3 (gvsmax_before_cm), costs 2 of 3 (mark is not costed), 8 of 23;
    session 4, second step: forest leaching 8 (DCA, forests over 40 years), other land 13
    (N deposition to Danish land, Atmosphere 9(11): 447), heath and meadow costs 82 500 DKK/ha
    (Landbrugsstyrelsen's permanent ekstensivering) → 4 of 23, under one in five."""
    b = Bundle(
        pools=st.load_carbon_pools(),
        nitrogen=st.load_nitrogen(),
        params=st.load_parameters(),
        factors=load_emission_factors(),
        costs=st.load_costs(),
    )
    coefs = b.coefficients()
    assert all(c.low <= c.value <= c.high for c in coefs)
    by = pd.DataFrame([{"group": c.group, "a": c.assumption} for c in coefs])
    counts = by.groupby("group")["a"].agg(["sum", "count"]).astype(int)
    assert counts.loc["params"].tolist() == [1, 3]
    assert counts.loc["nitrogen"].tolist() == [1, 8]
    assert counts.loc["pools"].tolist() == [2, 9]
    assert counts.loc["costs"].tolist() == [0, 3]
    assumed = sorted(f"{c.group}:{c.key}" for c in coefs if c.assumption and c.group != "factors")
    assert assumed == [
        "nitrogen:by_graa",
        "params:gvsmax_before_cm",
        "pools:2",
        "pools:4",
    ]
    numeric = [c for c in coefs if c.group != "factors"]
    assert len(numeric) == 23 and len(assumed) / len(numeric) < 1 / 5


def test_report_shows_value_and_interval(tiny, whole, pools, tmp_path):
    from naturkapital.report.scenario_report import render_scenario_html

    s = write_scenario(tmp_path / "s.gpkg", [{"name": "skov", "to_class": 1, "cells": FIELDS}])
    html = render_scenario_html(ev(tiny, whole, pools, s))
    # carbon baseline 6.8 t (5.6–8.0), change +2.4 (+1.2 – +3.6), no decimals for t C
    assert '7<br><span class="small">(6 – 8)</span>' in html
    assert '+2<br><span class="small">(+1 – +4)</span>' in html
    assert "Ændring med interval" not in html  # the chart title is inside the PNG
    assert html.count("data:image/png;base64,") >= 4  # map, two NKI diagrams, services


def test_report_names_the_soil_of_the_nitrogen_table(tiny, whole, pools, tmp_path):
    from naturkapital.report.scenario_report import render_scenario_html

    s = write_scenario(tmp_path / "s.gpkg", [{"name": "skov", "to_class": 1, "cells": FIELDS}])
    html = render_scenario_html(ev(tiny, whole, pools, s, soil="sand"))
    assert "sandjord, vest (sandy, west)" in html
