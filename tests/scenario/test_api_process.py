"""The scenario-evaluate process of the OGC API (synchronous execution)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from naturkapital.scenario.read import DEMO_DIR, DEMOS  # noqa: E402
from naturkapital.server import Settings, create_app  # noqa: E402
from naturkapital.store import Store  # noqa: E402


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('db') / 'nk.sqlite'}")
    app = create_app(Settings(token="t", warm_cache=False), store=store)
    with TestClient(app) as c:
        yield c
    store.close()


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
