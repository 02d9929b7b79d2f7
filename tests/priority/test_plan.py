"""priority plan: one command from hectare targets to map, corridors, plan and report;
the plan's cost is the scenario's cost (one cost model); Hedensted (766) and
Ringkøbing-Skjern (760) on the embedded Basemap04 2021, coarse units so it is quick."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest

from naturkapital.lowland.rules import load_rules
from naturkapital.priority.plan import CO2_PER_C, plan_kommune
from naturkapital.services.carbon import pool_total
from naturkapital.services.costs import rewetting_dkk_per_ha
from naturkapital.services.tables import load_carbon_pools
from tests.conftest import run_cli


def test_hedensted_one_command_then_scenario_evaluate(tmp_path):
    out = tmp_path / "plan"
    r = run_cli(
        "priority",
        "plan",
        "--kommune",
        "766",
        "--forest-ha",
        "60",
        "--wet-nature-ha",
        "25",
        "--unit-size-m",
        "1000",
        "--time-limit",
        "20",
        "--out",
        str(out),
    )
    assert r.returncode == 0, r.stderr
    for f in (
        "priority_map.png",
        "network.gpkg",
        "corridors.tif",
        "candidates.gpkg",
        "plan.gpkg",
        "summary.csv",
        "report.html",
        "report.pdf",
    ):
        assert (out / f).stat().st_size > 0, f
    import pandas as pd

    s = pd.read_csv(out / "summary.csv", encoding="utf-8-sig").set_index("conversion")
    assert s.loc["forest", "allocated_ha"] >= 60 - 1e-6
    assert s.loc["wet_nature", "allocated_ha"] >= 25 - 1e-6
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Hedensted" in html and "antagelser" in html.lower()
    assert "corridors" in gpd.list_layers(out / "network.gpkg")["name"].tolist()
    e = run_cli(
        "scenario",
        "evaluate",
        "--scenario",
        str(out / "plan.gpkg"),
        "--out",
        str(tmp_path / "eval.json"),
    )
    assert e.returncode == 0, e.stderr
    rows = json.loads((tmp_path / "eval.json").read_text(encoding="utf-8"))["rows"]
    tot = {x["indicator"]: x for x in rows if x["zone_id"] == "0"}
    # one cost model: the plan costs what scenario evaluate reports for it
    assert tot["cost_dkk"]["delta"] == pytest.approx(s.loc["total", "cost_dkk"], rel=1e-6)
    assert tot["nki"]["delta"] == pytest.approx(s.loc["total", "nki_change"], abs=1e-4)
    assert tot["nki"]["delta"] > 0
    assert tot["rewetted_area_ha"]["delta"] == pytest.approx(
        s.loc["wet_nature", "allocated_ha"], rel=1e-4
    )


@pytest.fixture(scope="module")
def ringkobing():
    return plan_kommune(
        "760", forest_ha=120, wet_nature_ha=80, dry_nature_ha=20, unit_size_m=2000, time_limit=20
    )


def test_ringkobing_skjern_plan_by_hand(ringkobing):
    r = ringkobing
    assert r.meta["kommune_name"].startswith("Ringk")
    s = r.summary.set_index("conversion")
    for k, t in (("forest", 120), ("wet_nature", 80), ("dry_nature", 20)):
        assert s.loc[k, "allocated_ha"] >= t - 1e-6
    # cost by hand: farmland → skov 65 000 DKK/ha, → hede_overdrev 82 500 DKK/ha
    # (Landbrugsstyrelsen's 'Permanent ekstensivering', rotation land),
    # → eng_mose is rewetting at the lowland budget per ha (one cost model)
    wet = rewetting_dkk_per_ha(load_rules())
    for k, rate in (("forest", 65_000.0), ("dry_nature", 82_500.0), ("wet_nature", wet)):
        assert s.loc[k, "cost_dkk"] == pytest.approx(s.loc[k, "allocated_ha"] * rate, rel=1e-9)
        assert s.loc[k, "cost_scenario_dkk"] == pytest.approx(s.loc[k, "cost_dkk"], rel=1e-6)
    # CO2 by hand: ha × (forest − farmland pool total) × 44/12
    tot = pool_total(load_carbon_pools())
    assert s.loc["forest", "co2_t"] == pytest.approx(
        s.loc["forest", "allocated_ha"] * (tot[8] - tot[5]) * CO2_PER_C, rel=1e-4
    )
    assert s.loc["wet_nature", "rewetted_ha"] == pytest.approx(
        s.loc["wet_nature", "allocated_ha"], rel=1e-4
    )
    assert s.loc["total", "cost_dkk"] == pytest.approx(
        r.evaluation.value("0", "cost_dkk"), rel=1e-6
    )
    assert (s.loc[["forest", "wet_nature", "dry_nature"], "nki_change"] > 0).all()
    assert r.meta["solver"]["cost_dkk"] <= r.meta["solver"]["greedy_cost_dkk"] + 1e-6
    assert set(r.ranking.units["fireman_class"]) <= {0, 1, 2, 3}


def test_plan_map_and_report_render(ringkobing, tmp_path):
    from naturkapital.report.priority import plan_figure, render_plan_html

    fig = plan_figure(ringkobing)
    texts = [t.get_text() for t in fig.legends[0].get_texts()]
    assert any("Korridor" in t for t in texts) and any("Plan: Skov" in t for t in texts)
    html = render_plan_html(ringkobing)
    assert "Ringk" in html and "NKI" in html


def test_candidates_carry_lowland_flood_and_groundwater_synergies(ringkobing):
    from naturkapital.lowland.rules import load_rules
    from naturkapital.services.tables import load_parameters

    u = ringkobing.ranking.units
    p, rules = load_parameters(), load_rules()
    rise = max(0.0, rules["target_water_table_cm"] - p["gvsmax_before_cm"]) / 100.0
    assert u["lowland_ha"].sum() > 0
    # by hand: m³ = ha × 10 000 m²/ha × rise (m) × drainable porosity
    assert u["flood_m3"].to_numpy() == pytest.approx(
        u["lowland_ha"].to_numpy() * 10_000 * rise * p["drainable_porosity"]
    )
    # farmland → forest becomes unfertilised: groundwater ha = farmland ha
    assert u["groundwater_ha"].to_numpy() == pytest.approx(u["farmland_ha"].to_numpy())
    assert (u["lowland_ha"] <= u.geometry.area / 10_000 + 1e-6).all()


def test_small_units_are_left_out_unless_the_targets_need_them():
    import pandas as pd

    from naturkapital.priority.compute import _small_units_out

    a = pd.DataFrame(
        {"unit_id": ["a", "b", "c"], "area_ha": [10.0, 10.0, 10.0], "available_ha": [8.0, 2.0, 6.0]}
    )
    out, meta = _small_units_out(a, {"forest": 10.0}, 0.5, (), ("z",))
    assert out == ("z", "b") and meta["units_below_share_excluded"] == 1
    out, meta = _small_units_out(a, {"forest": 10.0}, 0.5, ("b",), ())
    assert out == ()  # a locked-in unit is never left out
    out, meta = _small_units_out(a, {"forest": 10.0, "wet_nature": 5.0}, 0.5, (), ())
    assert out == () and "relaxed" in meta["min_unit_share_note"]
