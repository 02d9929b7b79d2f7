"""The urban process of the OGC API (synchronous execution): uploaded zones, the demo
city, and a refused city path."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from naturkapital.nki.compute import load_zones  # noqa: E402


def test_uploaded_zones(client: TestClient) -> None:
    z = load_zones().gdf
    fc = json.loads(z[z["zone_id"].isin(["101", "147"])].to_json())
    r = client.post("/processes/urban/execution",
                    json={"inputs": {"zones": fc, "id_field": "zone_id",
                                     "name_field": "name"}})
    assert r.status_code == 200, r.text
    doc = r.json()
    assert [row["zone_id"] for row in doc["table"]][-1] == "0"
    assert {row["zone_id"] for row in doc["table"]} == {"101", "147", "0"}
    assert "coarse" in doc["meta"]["coarse"] and doc["sites"] == []


def test_demo_city(client: TestClient) -> None:
    r = client.post("/processes/urban/execution",
                    json={"inputs": {"city": "demo:kobenhavn", "budget": 5e7}})
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["table"][-1]["district_id"] == "0"
    assert doc["tracking"] and doc["lorenz"] and doc["sites"]
    assert doc["meta"]["budget_dkk"] == 5e7  # the map layers below reuse this run


def test_city_path_refused(client: TestClient) -> None:
    r = client.post("/processes/urban/execution",
                    json={"inputs": {"city": "/etc/passwd.osm.pbf"}})
    assert r.status_code in (400, 422), r.text
    assert "demo:kobenhavn" in r.text


def test_map_layers_for_the_web_view(client: TestClient) -> None:
    r = client.get("/api/urban/demo:kobenhavn/map")
    assert r.status_code == 200, r.text
    doc = r.json()
    dw = doc["dwellings"]["features"]
    assert len(dw) > 10_000 and {"d", "s", "edge", "residents"} <= set(dw[0]["properties"])
    lon, lat = dw[0]["geometry"]["coordinates"]
    assert 12.4 < lon < 12.7 and 55.6 < lat < 55.8
    assert doc["green"]["features"] and doc["meta"]["rule_m"] == 300
    assert client.get("/api/urban/demo:aarhus/map").status_code == 422
    html = client.get("/", headers={"Accept": "text/html"}).text
    assert 'data-tab="urban"' in html and "/static/urban.js" in html
