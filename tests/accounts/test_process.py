"""The ``accounts`` OGC process runs the same function as the command line."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from naturkapital.accounts.compute import compute_accounts
from naturkapital.core.errors import InputError
from naturkapital.nki.compute import Zones, load_zones
from naturkapital.server import processes
from naturkapital.server.processes import ProcessContext


def _ctx() -> ProcessContext:
    settings = SimpleNamespace(max_upload_bytes=2_000_000, max_zones=50)
    return ProcessContext(progress=lambda *_: None, services=SimpleNamespace(settings=settings))


def test_inline_zones_equal_the_python_api():
    z = load_zones().gdf
    fanoe = z[z["zone_id"] == "563"].rename(columns={"zone_id": "kode", "name": "navn"})
    fc = json.loads(fanoe.to_crs(4326).to_json())
    proc = processes.get("accounts")
    inputs = proc.inputs(zones=fc, id_field="kode", name_field="navn",
                         from_epoch="corine:2000", to_epoch="corine:2018", account="extent")
    out = proc.execute(inputs, _ctx())
    assert {r["account"] for r in out["table"]} == {"extent"}
    assert out["meta"]["from"] == "CORINE 2000" and out["meta"]["account"] == "extent"
    api = compute_accounts("corine:2000", "corine:2018",
                           Zones(z[z["zone_id"] == "563"], "fanø"))
    want = api.extent.set_index(["zone_id", "ecosystem_type"])
    for r in out["table"]:
        if r["zone_id"] == "563":
            assert r["value"] == pytest.approx(want.loc[("563", r["ecosystem_type"]),
                                                        r["item"]], abs=1e-6)


def test_bad_upload_is_an_input_error():
    proc = processes.get("accounts")
    inputs = proc.inputs(zones={"type": "FeatureCollection", "features": []}, id_field="x")
    with pytest.raises(InputError, match="zones"):
        proc.execute(inputs, _ctx())


def test_rest_alias_is_the_process():
    """POST /api/accounts (multipart form from the spec) answers the process outputs."""
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from naturkapital.server import errors, routes
    from naturkapital.server.config import Settings

    z = load_zones().gdf
    fanoe = z[z["zone_id"] == "563"].rename(columns={"zone_id": "kode", "name": "navn"})
    app = FastAPI()
    errors.install(app)
    app.state.settings = Settings(warm_cache=False)
    app.state.services = SimpleNamespace(settings=SimpleNamespace(max_upload_bytes=2_000_000,
                                                                  max_zones=50))
    app.include_router(routes.router)
    c = TestClient(app)
    r = c.post("/api/accounts", files={"zones": ("f.geojson", fanoe.to_crs(4326).to_json())},
               data={"id_field": "kode", "from_epoch": "corine:2012", "to_epoch": "corine:2018",
                     "account": "condition"})
    assert r.status_code == 200, r.text
    doc = r.json()
    assert {row["account"] for row in doc["table"]} == {"condition"}
    assert doc["meta"]["period"] == "2012-2018"
    bad = c.post("/api/accounts", data={"from_epoch": "corine:1991"})
    assert bad.status_code == 422 and "from_epoch" in bad.text
    grids = c.post("/api/accounts", data={"from_epoch": "basemap2021",
                                          "to_epoch": "corine:2018"})
    assert grids.status_code == 422 and "to_epoch" in grids.text
    assert "/" not in grids.json()["detail"].split(":")[0]  # no server path
