"""The ``consolidate`` OGC process (synchronous): a plan from GeoJSON, the demo, and
bad inputs answered with a 422 naming the input (never the job's temporary path)."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

CRS = {"type": "name", "properties": {"name": "EPSG:25832"}}
X0, Y0 = 578_000.0, 6_178_900.0


def fc(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "crs": CRS, "features": features}


def square(c: int, r: int = 0) -> dict[str, Any]:
    x, y = X0 + 100 * c, Y0 + 100 * r
    return {"type": "Polygon", "coordinates": [[[x, y], [x + 100, y], [x + 100, y + 100],
                                                [x, y + 100], [x, y]]]}


def feature(props: dict[str, Any], geom: dict[str, Any] | None) -> dict[str, Any]:
    return {"type": "Feature", "properties": props, "geometry": geom}


def run(client: TestClient, inputs: dict[str, Any]):
    return client.post("/processes/consolidate/execution", json={"inputs": inputs})


def good() -> dict[str, Any]:
    # A owns p1 p2, B owns p3 p4; the project takes p2, the land bank offers b1
    return {
        "parcels": fc([feature({"parcel_id": f"p{c + 1}", "owner": "AB"[c // 2],
                                "kr_ha": 200_000}, square(c)) for c in range(4)]),
        "farms": fc([feature({"owner": "A"}, {"type": "Point", "coordinates": [X0, Y0]}),
                     feature({"owner": "B"}, {"type": "Point",
                                              "coordinates": [X0 + 400, Y0]})]),
        "project": fc([feature({}, square(1))]),
        "land_bank": fc([feature({"parcel_id": "b1", "kr_ha": 200_000}, square(0, 1))]),
        "value_field": "kr_ha"}


def test_plan_from_geojson(client: TestClient) -> None:
    r = run(client, good())
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["summary"]["project_pieces"] == 1
    # p2 goes to the project and the land bank's b1 replaces it for A
    moves = {s["parcel_id"]: (s["from_owner"], s["to_owner"]) for s in doc["swaps"]}
    assert moves == {"p2": ("A", "projekt (project)"), "b1": ("jordbank (land bank)", "A")}
    assert doc["scenario"]["features"][0]["properties"]["to_class"] == 11
    bal = {b["owner"]: b for b in doc["balance"]}
    assert bal["A"]["land_balance_pct"] == pytest.approx(0.0)
    # every parcel with its owner before and after, the project area, the farms
    after = {f["properties"]["parcel_id"]: (f["properties"]["owner"],
                                            f["properties"]["owner_after"])
             for f in doc["parcels"]["features"]}
    assert after == {"p1": ("A", "A"), "p2": ("A", "__project__"), "p3": ("B", "B"),
                     "p4": ("B", "B"), "b1": ("__landbank__", "A")}
    (area,) = doc["project_area"]["features"]
    lon, lat = area["geometry"]["coordinates"][0][0]
    assert 10.0 < lon < 10.5 and 55.6 < lat < 55.9  # EPSG:4326 (Endelave's sea)
    assert {f["properties"]["owner"] for f in doc["farms"]["features"]} == {"A", "B"}


@pytest.mark.parametrize(("change", "needle"), [
    ({"parcels": fc([])}, "parcels: "),
    ({"parcels": fc([feature({"parcel_id": "a"}, None)])}, "parcels: "),
    ({"farms": fc([])}, "farms: "),
    ({"parcels": None}, "parcels: is required"),
    ({"parcels": {"value": "!!", "filename": "x.gpkg"}}, "parcels: not valid base64"),
    ({"value_field": "nope"}, "parcels: no field 'nope'"),
    ({"tolerance": 2}, "tolerance"),
])
def test_bad_inputs(client: TestClient, change: dict[str, Any], needle: str) -> None:
    inputs = {k: v for k, v in {**good(), **change}.items() if v is not None}
    r = run(client, inputs)
    assert r.status_code in (400, 422), r.text
    detail = r.json()["detail"]
    assert needle in detail and "/tmp" not in detail and "nk-upload" not in detail
