"""OGC API – Processes on both databases: descriptions from the spec, sync and async
execution, jobs, the registry, and the CLI command that serves it all."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from naturkapital.core.spec import ModelSpec, Output, Param, Text
from naturkapital.server import create_app, processes
from naturkapital.server.cache import NKIService
from naturkapital.server.processes import ProcessContext, ProcessSpec
from naturkapital.store import Store

from .conftest import make_settings

pytestmark = pytest.mark.web


def _wait(client: TestClient, job_id: str, timeout: float = 60) -> dict[str, Any]:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        info = client.get(f"/jobs/{job_id}").json()
        if info["status"] in ("successful", "failed"):
            return info
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish")


def test_landing_and_conformance(client: TestClient) -> None:
    links = {x["rel"] for x in client.get("/api").json()["links"]}
    assert {"service-desc", "http://www.opengis.net/def/rel/ogc/1.0/processes"} <= links
    conf = client.get("/conformance").json()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/core" in conf


def test_process_list_and_description(client: TestClient) -> None:
    procs = client.get("/processes").json()["processes"]
    nki = next(p for p in procs if p["id"] == "nki")
    assert "async-execute" in nki["jobControlOptions"]
    d = client.get("/processes/nki").json()
    assert set(d["inputs"]) == {"zones", "id_field", "name_field", "landcover", "year",
                                "proxy"}
    assert d["inputs"]["landcover"]["minOccurs"] == 0
    assert "context" in json.dumps(d["inputs"]["proxy"]["schema"])
    assert "basemap2021" in json.dumps(d["inputs"]["landcover"]["schema"])
    assert set(d["outputs"]) == {"table", "meta"}


def test_sync_execution_default_zones(client: TestClient) -> None:
    r = client.post("/processes/nki/execution", json={"inputs": {"landcover": "corine",
                                                                  "year": 2018}})
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["meta"]["landcover"] == "CORINE 2018"
    assert len(doc["table"]) == 100
    raw = client.post("/processes/nki/execution",
                      json={"inputs": {}, "outputs": {"meta": {}}, "response": "raw"})
    assert raw.json()["landcover"] == "Basemap04 2021"
    assert raw.json()["proxy"] == "context"
    cls = client.post("/processes/nki/execution", json={"inputs": {"proxy": "class"}}).json()
    assert cls["meta"]["proxy"] == "class"
    by_id = {r["zone_id"]: r for r in cls["table"]}
    assert by_id["390"]["value_skov"] == 85.0  # one value per class, the scheme's
    ctx = client.post("/processes/nki/execution", json={"inputs": {}}).json()["table"]
    ctx_390 = next(r for r in ctx if r["zone_id"] == "390")
    assert ctx_390["value_skov"] != 85.0 and ctx_390["nki"] != by_id["390"]["nki"]


def test_sync_execution_inline_zones(client: TestClient, zone_files: dict[str, Path]) -> None:
    fc = json.loads(zone_files["geojson"].read_text())
    r = client.post("/processes/nki/execution",
                    json={"inputs": {"zones": fc, "id_field": "kode", "name_field": "navn"}})
    assert r.status_code == 200, r.text
    rows = {x["zone_id"]: x for x in r.json()["table"]}
    up = client.post("/api/nki", files={"zones": ("z.geojson", zone_files["geojson"]
                                                 .read_bytes())},
                     data={"id_field": "kode", "name_field": "navn"}).json()
    assert rows["563"]["nki"] == pytest.approx(
        next(x for x in up["rows"] if x["zone_id"] == "563")["nki"])


@pytest.mark.parametrize("inputs,needle", [
    ({"landcover": "/etc/passwd"}, "landcover"),
    ({"year": "soon"}, "year"),
    ({"unknown": 1}, "unknown"),
])
def test_invalid_inputs_400(client: TestClient, inputs: dict, needle: str) -> None:
    r = client.post("/processes/nki/execution", json={"inputs": inputs})
    assert r.status_code == 400, r.text
    assert needle in r.json()["detail"]
    assert r.json()["type"].endswith("invalid-parameter-value")


def test_bad_inline_zones_422(client: TestClient) -> None:
    r = client.post("/processes/nki/execution", json={"inputs": {"zones": {
        "type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"id": 1},
                                                   "geometry": {"type": "Point",
                                                                "coordinates": [8, 55]}}]}}})
    assert r.status_code == 422 and "polygons" in r.json()["detail"]


def test_async_needs_token(client: TestClient, store: Store) -> None:
    n = store.count("jobs")
    r = client.post("/processes/nki/execution", json={"inputs": {}},
                    headers={"Prefer": "respond-async"})
    assert r.status_code == 401
    r = client.post("/processes/nki/execution", json={"inputs": {}},
                    headers={"Prefer": "respond-async", "Authorization": "Bearer bad"})
    assert r.status_code == 403
    assert store.count("jobs") == n


def test_async_job_lifecycle(client: TestClient, auth: dict) -> None:
    r = client.post("/processes/nki/execution", json={"inputs": {"landcover": "corine",
                                                                  "year": 2012}},
                    headers={"Prefer": "respond-async", **auth})
    assert r.status_code == 201, r.text
    job_id = r.json()["jobID"]
    assert r.headers["location"] == f"/jobs/{job_id}"
    assert r.json()["status"] in ("accepted", "running", "successful")
    info = _wait(client, job_id)
    assert info["status"] == "successful" and info["progress"] == 100
    res = client.get(f"/jobs/{job_id}/results").json()
    assert res["meta"]["landcover"] == "CORINE 2012" and len(res["table"]) == 100
    assert any(j["jobID"] == job_id for j in client.get("/jobs").json()["jobs"])
    assert client.delete(f"/jobs/{job_id}").status_code == 401
    d = client.delete(f"/jobs/{job_id}", headers=auth)
    assert d.status_code == 200 and d.json()["status"] == "dismissed"
    assert client.get(f"/jobs/{job_id}").status_code == 404


def test_async_job_failure_is_recorded(client: TestClient, auth: dict) -> None:
    bad = {"type": "FeatureCollection", "features": []}
    r = client.post("/processes/nki/execution", json={"inputs": {"zones": bad}},
                    headers={"Prefer": "respond-async", **auth})
    assert r.status_code == 201
    info = _wait(client, r.json()["jobID"])
    assert info["status"] == "failed" and "no attribute fields" in info["message"]
    res = client.get(f"/jobs/{info['jobID']}/results")
    assert res.status_code == 422 and "failed" in res.json()["detail"]


def test_interrupted_jobs_fail_on_start(store: Store, nki_service: NKIService) -> None:
    job = store.create_job("nki", {})
    store.update_job(job["id"], status="running")
    with TestClient(create_app(make_settings(), store=store, nki=nki_service)) as c:
        info = c.get(f"/jobs/{job['id']}").json()
    assert info["status"] == "failed" and "interrupted" in info["message"]


ECHO = ModelSpec(
    id="test-echo", title=Text("Ekko", "Echo"), about=Text("test", "test"),
    inputs=(Param("text", "text", Text("Tekst", "Text"), Text("tekst", "text"),
                  default="hej"),),
    outputs=(Output("echo", "object", Text("Ekko", "Echo"), Text("store bogstaver",
                                                                 "upper case"),
                    {"type": "string"}),),
    run=str.upper, command=("echo",))


def test_a_process_is_one_registered_spec(client: TestClient) -> None:
    """Registering a spec is all it takes: listed, described, executable."""

    def run(inputs: Any, ctx: ProcessContext) -> dict[str, Any]:
        ctx.progress(50, "echo")
        return {"echo": inputs.text.upper()}

    spec = ProcessSpec(ECHO, execute=run)
    processes.register(spec)
    try:
        assert any(p["id"] == "test-echo" for p in client.get("/processes").json()["processes"])
        d = client.get("/processes/test-echo").json()
        assert d["inputs"]["text"]["schema"]["default"] == "hej"
        r = client.post("/processes/test-echo/execution", json={"inputs": {"text": "nki"}})
        assert r.json() == {"echo": "NKI"}
        with pytest.raises(ValueError):
            processes.register(ProcessSpec(ECHO, execute=run))
    finally:
        processes._REGISTRY.pop("test-echo", None)


def test_openapi_lists_every_endpoint(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for p in ["/api/municipalities", "/api/nki", "/api/nki/{zone_id}",
              "/api/nki/{zone_id}/diagram.svg", "/api/nki/{zone_id}/diagram.png",
              "/api/compare", "/api/scenarios", "/processes", "/processes/{process_id}",
              "/processes/{process_id}/execution", "/jobs/{job_id}"]:
        assert p in paths, p
    assert "post" in paths["/api/nki"] and "post" in paths["/api/scenarios"]


def test_cli_serve_help_and_bad_db() -> None:
    exe = Path(sys.executable).with_name("naturkapital")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "naturkapital"]
    h = subprocess.run(cmd + ["serve", "--help"], capture_output=True, text=True, timeout=60,
                       env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"})
    assert h.returncode == 0 and "--db" in h.stdout and "--token" in h.stdout
    bad = subprocess.run(cmd + ["serve", "--db", "mysql://x@y/z"], capture_output=True,
                         text=True, timeout=60, env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"})
    assert bad.returncode == 2 and "unsupported database" in bad.stderr
