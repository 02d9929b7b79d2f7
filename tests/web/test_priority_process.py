"""The priority processes over HTTP: a plan for Fanø, bad targets refused; the network
and the fireman's-rule ranking of Samsø (741)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from shapely.geometry import shape


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


def test_priority_network_sync(client: TestClient) -> None:
    """Samsø at 3 km: PC = ECA² / landscape², dPC fractions add up, corridors drawn."""
    d = client.get("/processes/priority-network").json()
    assert {"kommune", "distance", "min_patch_ha", "p_at_distance"} <= set(d["inputs"])
    assert "resistance" not in d["inputs"] and "out" not in d["inputs"]
    r = client.post("/processes/priority-network/execution",
                    json={"inputs": {"kommune": "741", "distance": 3000, "min_patch_ha": 2}})
    assert r.status_code == 200, r.text
    doc = r.json()
    (ix,) = doc["indices"]
    assert ix["distance_m"] == 3000 and 0 < ix["eca_ha"] <= ix["habitat_ha"]
    assert abs(ix["pc"] - ix["eca_ha"] ** 2 / ix["landscape_ha"] ** 2) < 1e-9
    patches = doc["patches"]["features"]
    assert len(patches) == ix["patches"] > 10
    for f in patches:
        p = f["properties"]
        assert p["area_ha"] >= 2
        assert abs(p["intra_3000"] + p["flux_3000"] + p["connector_3000"]
                   - p["dpc_3000"]) < 1e-9
    x0, y0, x1, y1 = shape(patches[0]["geometry"]).bounds
    assert 10.4 < x0 < x1 < 10.8 and 55.7 < y0 < y1 < 56.1  # Samsø, in EPSG:4326
    corridors = doc["corridors"]["features"]
    assert len(corridors) == ix["links_within"] > 0
    assert all(f["properties"]["cost_m"] <= 3000 for f in corridors)
    assert doc["meta"]["kommune_name"] == "Samsø"
    assert any("assumption" in a for a in doc["meta"]["assumptions"])


def test_priority_rank_sync(client: TestClient) -> None:
    """Samsø on a 1 km grid: classes 1–3 present, candidates ranked class 2 before 3."""
    r = client.post("/processes/priority-rank/execution",
                    json={"inputs": {"kommune": "741", "distance": 2000,
                                     "unit_size_m": 1000, "min_patch_ha": 2}})
    assert r.status_code == 200, r.text
    doc = r.json()
    units = [f["properties"] for f in doc["units"]["features"]]
    classes = {u["fireman_class"] for u in units}
    assert {1, 2, 3} <= classes <= {0, 1, 2, 3}
    counts = {str(c): sum(u["fireman_class"] == c for u in units) for c in classes}
    assert {str(k): v for k, v in doc["meta"]["classes"].items()} == counts
    cand = sorted((u for u in units if u["fireman_class"] >= 2), key=lambda u: u["rank"])
    assert [u["rank"] for u in cand] == list(range(1, len(cand) + 1))
    assert [u["fireman_class"] for u in cand] == sorted(u["fireman_class"] for u in cand)
    assert doc["meta"]["unit_size_m"] == 1000


def test_priority_network_bad_kommune(client: TestClient) -> None:
    bad = client.post("/processes/priority-network/execution",
                      json={"inputs": {"kommune": "9999"}})
    assert bad.status_code in (400, 422) and "9999" in bad.text
