"""The ``priority-allocate`` process over HTTP: a plan for Fanø, bad targets refused."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_priority_allocate_sync(client: TestClient) -> None:
    d = client.get("/processes/priority-allocate").json()
    assert d["inputs"]["kommune"]["minOccurs"] == 1
    assert "lock_in" not in d["inputs"] and "costs" not in d["inputs"]
    r = client.post("/processes/priority-allocate/execution",
                    json={"inputs": {"kommune": "563", "forest_ha": 10, "wet_nature_ha": 5,
                                     "time_limit": 10}})
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["plan"]["type"] == "FeatureCollection" and doc["plan"]["features"]
    assert {f["properties"]["to_class"] for f in doc["plan"]["features"]} == {8, 11}
    summary = {row["conversion"]: row for row in doc["summary"]}
    assert summary["forest"]["allocated_ha"] >= 10 and summary["wet_nature"]["allocated_ha"] >= 5
    assert doc["meta"]["cost_dkk"] <= doc["meta"]["greedy_cost_dkk"]
    assert doc["meta"]["mip_gap_pct"] <= 1.0 + 1e-9


def test_priority_allocate_bad_target(client: TestClient) -> None:
    bad = client.post("/processes/priority-allocate/execution",
                      json={"inputs": {"kommune": "563", "forest_ha": 900_000}})
    assert bad.status_code == 422 and "exceeds the available" in bad.json()["detail"]
    neg = client.post("/processes/priority-allocate/execution",
                      json={"inputs": {"kommune": "563", "forest_ha": -1}})
    assert neg.status_code in (400, 422)
