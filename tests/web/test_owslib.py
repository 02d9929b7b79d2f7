"""A standard OGC API – Processes client drives the server (issue 17, item 4).

OWSLib's ``owslib.ogcapi.processes.Processes`` is pointed at the server's root — the
same URL as the web app — and must get the JSON landing page by content negotiation,
then list, describe and execute every process synchronously and asynchronously, poll
the job and fetch its results. The server is uvicorn on loopback in this process."""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import uvicorn
from owslib.ogcapi.processes import Processes
from shapely.geometry import box, mapping

from naturkapital.server import Settings, create_app
from tests.lowland.conftest import write_raster as write_f32

from .conftest import TOKEN, free_port

pytestmark = pytest.mark.web

X0, Y0 = 500_000.0, 6_200_000.0


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("owslib") / "nk.sqlite"
    app = create_app(Settings(db_url=f"sqlite:///{db}", token=TOKEN, warm_cache=False))
    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                        lifespan="on"))
    thread = threading.Thread(target=srv.run, name="owslib-server", daemon=True)
    thread.start()
    end = time.monotonic() + 60
    while not srv.started:
        assert time.monotonic() < end and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}/"
    srv.should_exit = True
    thread.join(timeout=30)


def _lonlat_square(x: float, y: float, d: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[x, y], [x + d, y], [x + d, y + d],
                                                [x, y + d], [x, y]]]}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Small, quick inputs for every built-in process."""
    d = tmp_path_factory.mktemp("owslib-inputs")
    oc = np.zeros((22, 60))
    oc[:20, 5:25] = 15.0
    peat = np.zeros((22, 60))
    peat[:20, 5:25] = 100.0

    def b64(name: str, arr: np.ndarray) -> dict[str, str]:
        data = write_f32(d / name, arr).read_bytes()
        return {"value": base64.b64encode(data).decode(), "mediaType": "image/tiff"}

    parcel = {"type": "Feature", "properties": {"pid": "ok", "omdrift": "ja"},
              "geometry": mapping(box(X0 + 50, Y0 - 200, X0 + 250, Y0))}
    zones = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"kode": "1", "navn": "Fanø-firkant"},
         "geometry": _lonlat_square(8.40, 55.42, 0.02)}]}
    crs = {"type": "name", "properties": {"name": "EPSG:25832"}}

    def fc(features: list[tuple[dict, Any]]) -> dict:
        return {"type": "FeatureCollection", "crs": crs, "features": [
            {"type": "Feature", "properties": props, "geometry": mapping(g)}
            for props, g in features]}

    def cell(c: int, r: int = 0):
        return box(X0 + 100 * c, Y0 + 100 * r, X0 + 100 * (c + 1), Y0 + 100 * (r + 1))

    # two owners, the project takes A's p2, the land bank offers b1 next to A's p1
    consolidation = {
        "parcels": fc([({"parcel_id": f"p{c + 1}", "owner": "AB"[c // 2], "kr_ha": 200_000},
                        cell(c)) for c in range(4)]),
        "farms": fc([({"owner": "A"}, box(X0, Y0, X0 + 1, Y0 + 1).centroid),
                     ({"owner": "B"}, box(X0 + 399, Y0, X0 + 400, Y0 + 1).centroid)]),
        "project": fc([({}, cell(1))]),
        "land_bank": fc([({"parcel_id": "b1", "kr_ha": 200_000}, cell(0, 1))]),
        "value_field": "kr_ha"}
    return {
        "consolidate": consolidation,
        "nki": {"zones": zones, "id_field": "kode", "name_field": "navn"},
        "nki-compare": {"zones": zones, "id_field": "kode", "from_epoch": "corine:2012",
                        "to_epoch": "corine:2018"},
        "accounts": {"zones": zones, "id_field": "kode", "name_field": "navn",
                     "from_epoch": "corine:2012", "to_epoch": "corine:2018",
                     "account": "extent"},
        "urban": {"zones": zones, "id_field": "kode", "name_field": "navn"},
        "scenario-evaluate": {"scenario": "demo:byn_so"},
        "lowland-candidates": {"kommune": "563", "top": 3},
        "priority-allocate": {"kommune": "563", "forest_ha": 10, "wet_nature_ha": 5,
                              "time_limit": 10},
        "priority-plan": {"kommune": "563", "forest_ha": 10, "wet_nature_ha": 5,
                          "unit_size_m": 1000, "time_limit": 10},
        "priority-network": {"kommune": "563", "distance": 1000, "min_patch_ha": 5},
        "priority-rank": {"kommune": "563", "unit_size_m": 2000, "min_patch_ha": 5},
        "lowland-screen": {
            "parcels": {"type": "FeatureCollection", "features": [parcel],
                        "crs": {"type": "name", "properties": {"name": "EPSG:25832"}}},
            "id_field": "pid", "in_rotation_field": "omdrift",
            "carbon": b64("c.tif", oc), "water_table": b64("w.tif", np.full((22, 60), -80.0)),
            "peat_depth": b64("p.tif", peat)},
    }


def test_landing_page_and_conformance_at_the_root(server: str) -> None:
    p = Processes(server, timeout=60)
    rels = {lk["rel"] for lk in p.links}
    assert "http://www.opengis.net/def/rel/ogc/1.0/processes" in rels
    assert "http://www.opengis.net/def/rel/ogc/1.0/conformance" in rels
    conf = p.conformance()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/core" in conf
    # ?f=json works as well, for clients that cannot set Accept
    q = Processes(server + "?f=json", timeout=60)
    assert {x["id"] for x in q.processes()} >= {"nki", "lowland-screen"}


def test_every_process_listed_described_and_executed(server: str,
                                                     inputs: dict[str, dict]) -> None:
    client = Processes(server, timeout=60)
    listed = {x["id"] for x in client.processes()}
    assert listed == set(inputs), "a process without an OWSLib case"
    for pid, values in inputs.items():
        desc = client.process(pid)
        assert desc["id"] == pid and set(values) <= set(desc["inputs"])
        sync = client.execute(pid, values)
        assert set(sync) == set(desc["outputs"]), (pid, list(sync))
        assert sync, pid

        jobs = Processes(server, timeout=60, headers={"Authorization": f"Bearer {TOKEN}"})
        status = jobs.execute(pid, values, async_=True)
        assert jobs.response_headers["Location"].endswith(f"/jobs/{status['jobID']}")
        info = status
        end = time.monotonic() + 300
        while info["status"] not in ("successful", "failed"):
            assert time.monotonic() < end, f"job of {pid} did not finish"
            time.sleep(0.2)
            info = jobs._request(path=f"jobs/{status['jobID']}")
        assert info["status"] == "successful", (pid, info.get("message"))
        results = jobs._request(path=f"jobs/{status['jobID']}/results")
        assert set(results) == set(sync), pid
        jobs.headers.pop("Authorization", None)  # OWSLib shares its header dict


def test_owslib_is_pinned() -> None:
    import owslib

    text = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text()
    assert f'"owslib=={owslib.__version__}"' in text.lower()
