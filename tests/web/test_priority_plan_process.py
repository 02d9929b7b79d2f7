"""The ``priority-plan`` process over HTTP: network → rank → plan → scenario for Fanø."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_priority_plan_sync(client: TestClient) -> None:
    d = client.get("/processes/priority-plan").json()
    assert "out" not in d["inputs"] and d["inputs"]["min_unit_share"]["minOccurs"] == 0
    assert set(d["outputs"]) == {"plan", "summary", "corridors", "meta"}
    r = client.post(
        "/processes/priority-plan/execution",
        json={
            "inputs": {
                "kommune": "563",
                "forest_ha": 10,
                "wet_nature_ha": 5,
                "unit_size_m": 1000,
                "time_limit": 10,
            }
        },
    )
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["plan"]["features"] and doc["corridors"]["type"] == "FeatureCollection"
    rows = {row["conversion"]: row for row in doc["summary"]}
    assert rows["forest"]["allocated_ha"] >= 10 and rows["wet_nature"]["allocated_ha"] >= 5
    total = rows["total"]
    assert abs(total["cost_dkk"] - total["cost_scenario_dkk"]) <= 1.0
    assert total["nki_change"] > 0 and doc["meta"]["assumptions"]


def test_priority_plan_bad_target(client: TestClient) -> None:
    bad = client.post(
        "/processes/priority-plan/execution",
        json={"inputs": {"kommune": "563", "forest_ha": 900_000}},
    )
    assert bad.status_code == 422 and "exceeds the available" in bad.json()["detail"]
