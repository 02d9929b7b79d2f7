"""Real data: Hedensted (766) on the embedded Basemap04 2021; the plan is a scenario."""

from __future__ import annotations

import geopandas as gpd
import pytest

from naturkapital.landcover.scheme import load_scheme
from naturkapital.priority.compute import plan_allocation
from naturkapital.scenario.read import read_scenario
from tests.conftest import run_cli


@pytest.fixture(scope="module")
def hedensted():
    return plan_allocation("766", forest_ha=50, wet_nature_ha=30, dry_nature_ha=10,
                           time_limit=20)


def test_hedensted_meets_targets_and_beats_greedy(hedensted):
    s = hedensted.summary.set_index("conversion")
    for k, t in (("forest", 50), ("wet_nature", 30), ("dry_nature", 10)):
        assert s.loc[k, "allocated_ha"] >= t - 1e-6
    m = hedensted.meta
    assert m["kommune_name"] == "Hedensted" and m["units"] > 2000
    assert m["mip_gap_pct"] is not None and m["mip_gap_pct"] <= 1.0 + 1e-9
    assert m["cost_dkk"] <= m["greedy_cost_dkk"]
    # the plan's polygons are exactly the hectares counted (farmland cells in the unit)
    plan = hedensted.plan
    assert plan["geometry_ha"].to_numpy() == pytest.approx(plan["area_ha"].to_numpy(),
                                                           abs=0.01)
    assert set(plan["to_class"]) == {7, 8, 11}
    assert hedensted.units["available_ha"].sum() < hedensted.units["area_ha"].sum()


def test_plan_is_a_scenario_that_evaluate_reads(tmp_path):
    out = tmp_path / "plan.gpkg"
    r = run_cli("priority", "allocate", "--kommune", "766", "--forest-ha", "30",
                "--wet-nature-ha", "20", "--time-limit", "20", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "cost vs greedy" in r.stdout
    gdf = gpd.read_file(out)
    sc = read_scenario(out, load_scheme("basemap04"))
    assert len(sc) == len(gdf) and set(sc["to_class"]) == {8, 11}
    e = run_cli("scenario", "evaluate", "--scenario", str(out), "--out",
                str(tmp_path / "eval.json"))
    assert e.returncode == 0, e.stderr
    import json

    doc = json.loads((tmp_path / "eval.json").read_text(encoding="utf-8"))
    text = json.dumps(doc)
    assert "converted_area_ha" in text

