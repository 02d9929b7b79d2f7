"""Consolidation from files: the command line, the outputs and the scenario file that
``scenario evaluate`` reads unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point, box

from naturkapital.consolidation.compute import consolidate, write_scenario
from naturkapital.core.errors import InputError
from tests.conftest import run_cli

# On Endelave (inside the embedded Basemap04), EPSG:25832.
X0, Y0 = 578_000.0, 6_178_900.0
OWNERS = ["A", "B", "C", "D"]


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """The strip of test_plan: twelve 1 ha parcels, owners round robin, JB classes;
    the project takes p6 and p7, the land bank offers two parcels north of the strip."""
    rows = [{"parcel_id": f"p{k + 1}", "owner": OWNERS[k % 4], "jb": "JB4",
             "geometry": box(X0 + 100 * k, Y0, X0 + 100 * (k + 1), Y0 + 100)}
            for k in range(12)]
    gpd.GeoDataFrame(rows, crs=25832).to_file(tmp_path / "parcels.gpkg")
    bank = [{"parcel_id": f"b{k}", "jb": "JB4",
             "geometry": box(X0 + 100 * c, Y0 + 100, X0 + 100 * (c + 1), Y0 + 200)}
            for k, c in enumerate((3, 8))]
    gpd.GeoDataFrame(bank, crs=25832).to_file(tmp_path / "bank.gpkg")
    farms = [{"owner": o, "geometry": Point(X0 + x, Y0 + 50)}
             for o, x in zip(OWNERS, (0, 400, 800, 1200), strict=True)]
    gpd.GeoDataFrame(farms, crs=25832).to_file(tmp_path / "farms.gpkg")
    gpd.GeoDataFrame({"target_use": ["wet_nature"]},
                     geometry=[box(X0 + 500, Y0 - 10, X0 + 700, Y0 + 110)],
                     crs=25832).to_file(tmp_path / "project.gpkg")
    return {k: tmp_path / f"{k}.gpkg" for k in ("parcels", "bank", "farms", "project")}


def test_consolidate_api(files):
    res = consolidate(files["parcels"], files["farms"], files["project"], files["bank"],
                      soil_field="jb", weight_move=0.01)
    s = res.summary
    assert s["project_parcels"] == 2 and s["project_pieces"] == 1
    assert s["project_largest_piece_ha"] == pytest.approx(2.0)
    assert s["gap_pct"] is not None and s["gap_pct"] <= 0.1
    assert s["objective"] <= s["greedy_objective"]
    bal = res.balance.set_index("owner")
    assert (bal["parcels_after"] == 3).all()
    assert (bal["land_balance_pct"].abs() <= 5).all()
    assert (bal["mean_km_to_farm_after"] <= bal["mean_km_to_farm_before"]).all()
    assert set(res.scenario["to_class"]) == {11}
    # values without a published source are listed
    assert any("JB4" in a for a in res.meta["assumptions"])
    assert {"parcel_id", "from_owner", "to_owner"} <= set(res.swaps.columns)


def test_cli_and_scenario_evaluate(files, tmp_path):
    plan, bal, sw = tmp_path / "plan.gpkg", tmp_path / "balance.json", tmp_path / "swaps.csv"
    r = run_cli("consolidate", "--parcels", str(files["parcels"]), "--farms",
                str(files["farms"]), "--project", str(files["project"]), "--land-bank",
                str(files["bank"]), "--soil-field", "jb", "--target-use", "forest",
                "--out", str(bal), "--swaps", str(sw), "--plan", str(plan))
    assert r.returncode == 0, r.stderr
    assert "Balance pr. ejer" in r.stdout and "gap" in r.stdout
    doc = json.loads(bal.read_text(encoding="utf-8"))
    assert len(doc["rows"]) == 4 and doc["metadata"]["summary"]["project_pieces"] == 1
    assert len(pd.read_csv(sw, encoding="utf-8-sig")) > 0
    scen = gpd.read_file(plan)
    # the project polygon's own target_use (wet nature, Basemap04 11) beats the option
    assert len(scen) == 2 and set(scen["to_class"]) == {11}
    ev = run_cli("scenario", "evaluate", "--scenario", str(plan))
    assert ev.returncode == 0, ev.stderr
    assert "Scenarie" in ev.stdout


def test_cli_infeasible_one_line(files, tmp_path):
    plan = tmp_path / "plan.gpkg"
    r = run_cli("consolidate", "--parcels", str(files["parcels"]), "--farms",
                str(files["farms"]), "--project", str(files["project"]), "--soil-field", "jb",
                "--plan", str(plan))
    # without the land bank: 4 × 0.95 × 3 × 180 000 = 2 052 000 needed, 1 800 000 left
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1
    assert "land bank too small" in r.stderr and "252,000 DKK" in r.stderr
    assert not plan.exists()


def test_bad_inputs(files, tmp_path):
    with pytest.raises(InputError, match="--value-field"):
        consolidate(files["parcels"], files["farms"], files["project"])
    with pytest.raises(InputError, match="no field 'nope'"):
        consolidate(files["parcels"], files["farms"], files["project"], value_field="nope")
    with pytest.raises(InputError, match="owner X has no parcels"):
        consolidate(files["parcels"], files["farms"], files["project"], files["bank"],
                    soil_field="jb", sellers=["X"])
    t = tmp_path / "values.csv"
    t.write_text("soil_class,value_dkk_per_ha\nJB4,1\n", encoding="utf-8")
    with pytest.raises(InputError, match="source"):
        consolidate(files["parcels"], files["farms"], files["project"], soil_field="jb",
                    value_table=t)


def test_write_scenario_refuses_suffix(files, tmp_path):
    res = consolidate(files["parcels"], files["farms"], files["project"], files["bank"],
                      soil_field="jb")
    with pytest.raises(InputError):
        write_scenario(res, tmp_path / "plan.shp")
