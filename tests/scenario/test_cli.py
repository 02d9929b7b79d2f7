"""The three demo scenarios end to end through the command line: table and report."""

from __future__ import annotations

import pandas as pd
import pytest

from naturkapital.scenario.read import DEMOS
from tests.conftest import run_cli

REQUIRED = ["carbon_stock_t_c", "ghg_organic_soils_t_co2e_per_year",
            "nitrogen_leaching_kg_n_per_year", "nki", "nki_nature"]
KOMMUNE = {"byn_so": "665", "endelave": "615", "aastrup_kaer": "766"}


@pytest.mark.parametrize("demo", list(DEMOS))
def test_demo_evaluate_and_report(demo, tmp_path):
    out = tmp_path / f"{demo}.csv"
    html, pdf = tmp_path / f"{demo}.html", tmp_path / f"{demo}.pdf"
    # one run: the report (HTML + PDF) and the evaluate table (--table = evaluate --out)
    r = run_cli("scenario", "report", "--scenario", f"demo:{demo}", "--out", str(html),
                "--out", str(pdf), "--table", str(out))
    assert r.returncode == 0, r.stderr
    t = pd.read_csv(out, dtype={"zone_id": str})
    assert list(t.columns[:7]) == ["zone_id", "indicator", "unit", "baseline", "scenario",
                                   "delta", "source"]
    assert set(REQUIRED) <= set(t["indicator"])
    assert set(t["zone_id"]) == {KOMMUNE[demo], "0"}
    d = t[t["zone_id"] == "0"].set_index("indicator")
    assert d.loc["converted_area_ha", "delta"] > 10
    assert d.loc["rewetted_area_ha", "delta"] > 5
    assert d.loc["carbon_stock_t_c", "delta"] > 0
    assert d.loc["nitrogen_leaching_kg_n_per_year", "delta"] < 0
    assert d.loc["nki", "delta"] > 0 and d.loc["nki_nature", "delta"] > 0
    assert d.loc["cost_dkk", "delta"] > 0
    # no carbon data shipped with the demos: GHG reported as not computed, not invented
    assert pd.isna(d.loc["ghg_organic_soils_t_co2e_per_year", "delta"])
    assert "not computed" in d.loc["ghg_organic_soils_t_co2e_per_year", "note"]
    assert d.loc["carbon_stock_t_c", "assumption"].startswith("yes")
    text = html.read_text(encoding="utf-8")
    for needle in ("Omlægninger", "Naturkapitalindeks før og efter", "Klimaskovfonden",
                   "Samlet omkostning", "data:image/png;base64", "Illustration"):
        assert needle in text, needle
    assert pdf.read_bytes()[:5] == b"%PDF-"


def test_evaluate_prints_and_writes_json(tmp_path):
    out = tmp_path / "e.json"
    r = run_cli("scenario", "evaluate", "--scenario", "demo:endelave", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "carbon_stock_t_c" in r.stdout and "Horsens" in r.stdout
    import json

    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["metadata"]["assumptions"] and doc["metadata"]["lowland"]
    from naturkapital.scenario.evaluate import evaluate_scenario

    ref = evaluate_scenario("demo:endelave").to_dict()
    assert doc["metadata"]["lowland"] == ref["lowland"]  # the one serialiser
    assert {row["indicator"] for row in doc["rows"]} >= set(REQUIRED)


def test_demo_generator_is_reproducible(tmp_path):
    import geopandas as gpd

    from naturkapital.scenario.make_demo import main
    from naturkapital.scenario.read import DEMO_DIR

    for path in main(tmp_path):
        new, shipped = gpd.read_file(path), gpd.read_file(DEMO_DIR / path.name)
        assert new.geom_equals(shipped).all(), path.name
        assert (new.drop(columns="geometry") == shipped.drop(columns="geometry")).all().all()
        assert set(new["to_class"]) <= {8, 11}
