"""The scenario-evaluate process of the OGC API (synchronous execution)."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from naturkapital.scenario.read import DEMO_DIR, DEMOS  # noqa: E402


def test_described(client: TestClient) -> None:
    d = client.get("/processes/scenario-evaluate").json()
    assert {"scenario", "zones", "landcover"} <= set(d["inputs"])
    assert d["inputs"]["scenario"]["minOccurs"] == 1
    assert set(d["outputs"]) == {"table", "lowland", "meta"}


def test_demo_and_uploaded_geojson(client: TestClient, tmp_path: Path) -> None:
    r = client.post("/processes/scenario-evaluate/execution",
                    json={"inputs": {"scenario": "demo:endelave"}})
    assert r.status_code == 200, r.text
    doc = r.json()
    total = {row["indicator"]: row for row in doc["table"] if row["zone_id"] == "0"}
    assert total["carbon_stock_t_c"]["delta"] > 0
    assert total["ghg_organic_soils_t_co2e_per_year"]["delta"] is None
    assert doc["lowland"] and doc["meta"]["assumptions"]
    from naturkapital.scenario.evaluate import evaluate_scenario

    ref = evaluate_scenario("demo:endelave").to_dict("demo:endelave")
    assert doc["lowland"] == ref["lowland"] and doc["meta"] == ref["meta"]  # one serialiser
    gj = json.loads(gpd.read_file(DEMO_DIR / DEMOS["endelave"]).to_crs(4326).to_json())
    r2 = client.post("/processes/scenario-evaluate/execution",
                     json={"inputs": {"scenario": gj}})
    assert r2.status_code == 200, r2.text
    t2 = {row["indicator"]: row for row in r2.json()["table"] if row["zone_id"] == "0"}
    assert t2["carbon_stock_t_c"]["delta"] == pytest.approx(total["carbon_stock_t_c"]["delta"],
                                                            rel=1e-3)


def test_bad_class_is_422(client: TestClient) -> None:
    gj = json.loads(gpd.read_file(DEMO_DIR / DEMOS["endelave"]).to_crs(4326).to_json())
    gj["features"][0]["properties"]["to_class"] = 99
    r = client.post("/processes/scenario-evaluate/execution", json={"inputs": {"scenario": gj}})
    assert r.status_code == 422, r.text
    assert "to_class 99" in r.text and "/tmp" not in r.text


def test_process_checks_requests_as_the_editor_does(client: TestClient) -> None:
    """The process and POST /api/scenario/evaluate share one request check."""
    from naturkapital.server.scenario_editor import MAX_CONVERSIONS

    square = {"type": "Feature", "properties": {"to_class": 11}, "geometry": {
        "type": "Polygon", "coordinates": [[[8.40, 55.43], [8.41, 55.43], [8.41, 55.44],
                                            [8.40, 55.44], [8.40, 55.43]]]}}
    cases = [
        ({"scenario": {"type": "FeatureCollection",
                       "features": [square] * (MAX_CONVERSIONS + 1)}}, "at most 500"),
        ({"scenario": {"type": "FeatureCollection", "features": []}}, "no features"),
        ({"scenario": "demo:endelave", "landcover": "corine", "year": 2018}, "Basemap04"),
    ]
    for inputs, needle in cases:
        r = client.post("/processes/scenario-evaluate/execution", json={"inputs": inputs})
        assert r.status_code == 422, r.text
        assert needle in r.json()["detail"] and "/tmp" not in r.text
