"""No network by construction (issue 17, item 1).

Every hostile input points at the session's loopback :class:`~tests.conftest.Canary`;
after each test it must have received nothing. The first group calls GDAL directly,
bypassing every check of ours, to show the lock is in GDAL itself (not only in our
validation); the rest go through the CLI, the uploads and the OGC processes."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pyogrio
import pytest
import rasterio
from fastapi.testclient import TestClient

from naturkapital.io import network
from tests.conftest import Canary

from .conftest import (
    TOKEN,
    assert_clean_error,
    nki_argv,
    run_main,
    square,
    write_geojson,
    zones_fc,
)


@pytest.fixture(autouse=True)
def _canary_stays_silent(canary: Canary):
    before = len(canary.hits)
    yield
    assert canary.hits[before:] == [], "a request reached the loopback listener"


def link(canary: Canary, what: str = "crs") -> dict:
    return {"type": "link", "properties": {"href": f"{canary.url}/{what}", "type": "proj4"}}


def lonlat_square(x: float = 8.40, y: float = 55.42, d: float = 0.01) -> list:
    return [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]]


def feature(geom_crs: dict | None = None, feat_crs: dict | None = None,
            props: dict | None = None) -> dict:
    geom: dict = {"type": "Polygon", "coordinates": lonlat_square()}
    if geom_crs is not None:
        geom["crs"] = geom_crs
    f: dict = {"type": "Feature", "properties": props or {"kode": "1", "navn": "Et"},
               "geometry": geom}
    if feat_crs is not None:
        f["crs"] = feat_crs
    return f


# ----------------------------------------------------------- GDAL itself cannot reach out
def test_lock_is_on_in_this_process() -> None:
    assert network.is_locked()
    assert os.environ["CPL_VSIL_CURL_ALLOWED_FILENAME"] == "/naturkapital-network-disabled"
    import pyproj.network

    assert not pyproj.network.is_network_enabled()


def test_gdal_geojson_crs_link_in_geometry_is_not_fetched(canary: Canary,
                                                          tmp_path: Path) -> None:
    """The SSRF of the issue, straight into GDAL: the link is refused inside GDAL."""
    p = write_geojson(tmp_path / "ssrf.geojson", zones_fc(
        [feature(geom_crs=link(canary, "geometry"))], link(canary, "top")))
    gdf = pyogrio.read_dataframe(p)
    assert len(gdf) == 1
    assert any(u.startswith(canary.url) for u in network.blocked_urls)


@pytest.mark.parametrize("path", ["/vsicurl/{url}/x.tif", "{url}/x.tif",
                                  "/vsicurl_streaming/{url}/x.tif", "/vsis3/bucket/x.tif"])
def test_gdal_cannot_open_remote_rasters(canary: Canary, path: str) -> None:
    with pytest.raises(rasterio.errors.RasterioIOError):
        rasterio.open(path.format(url=canary.url))


def test_gdal_cannot_open_remote_vectors(canary: Canary) -> None:
    with pytest.raises(pyogrio.errors.DataSourceError):
        pyogrio.read_info(f"{canary.url}/zones.geojson")


def test_gdal_vrt_with_remote_source_reads_nothing(canary: Canary, tmp_path: Path) -> None:
    vrt = tmp_path / "remote.vrt"
    vrt.write_text(_vrt(f"/vsicurl/{canary.url}/src.tif"), encoding="utf-8")
    with rasterio.open(vrt) as ds, pytest.raises(rasterio.errors.RasterioIOError):
        ds.read(1)


def _vrt(source: str, relative: bool = False) -> str:
    rel = ' relativeToVRT="1"' if relative else ""
    return (f'<VRTDataset rasterXSize="4" rasterYSize="4"><SRS>EPSG:25832</SRS>'
            f"<GeoTransform>500000, 10, 0, 6200000, 0, -10</GeoTransform>"
            f'<VRTRasterBand dataType="Byte" band="1"><NoDataValue>0</NoDataValue><SimpleSource>'
            f"<SourceFilename{rel}>{source}</SourceFilename><SourceBand>1</SourceBand>"
            f"</SimpleSource></VRTRasterBand></VRTDataset>")


class _Listener:
    """Another loopback listener, for the case where the user allows the network."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.hits: list[bytes] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.hits.append(conn.recv(256))
            conn.close()


SUBPROCESS = """
import sys, naturkapital, pyogrio
try:
    pyogrio.read_dataframe(sys.argv[1])
except Exception:
    pass
"""


def test_fresh_process_is_locked_and_the_switch_opens_it(canary: Canary,
                                                         tmp_path: Path) -> None:
    """``import naturkapital`` locks a new interpreter too (so every CLI command and
    worker); ``NATURKAPITAL_ALLOW_NETWORK=1`` is the one documented way to open it."""
    other = _Listener()
    locked = write_geojson(tmp_path / "a.geojson", zones_fc(
        [feature(geom_crs=link(canary))]))
    env = {k: v for k, v in os.environ.items() if k != network.ALLOW_NETWORK_ENV}
    for key in network.LOCKDOWN_OPTIONS:  # no inherited GDAL options: the lock is ours
        env.pop(key, None)
    env["no_proxy"] = env["NO_PROXY"] = "*"  # proxies cannot open or close anything
    subprocess.run([sys.executable, "-c", SUBPROCESS, str(locked)], env=env, check=True,
                   timeout=120, capture_output=True)
    opened = write_geojson(tmp_path / "b.geojson", zones_fc(
        [feature(geom_crs={"type": "link", "properties": {"href": f"{other.url}/crs"}})]))
    env[network.ALLOW_NETWORK_ENV] = "1"
    env["GDAL_HTTP_TIMEOUT"] = "1"
    subprocess.run([sys.executable, "-c", SUBPROCESS, str(opened)], env=env, check=True,
                   timeout=120, capture_output=True)
    assert other.hits, "with NATURKAPITAL_ALLOW_NETWORK=1 GDAL may fetch (control case)"


# ---------------------------------------------------------------------------- the CLI
@pytest.mark.parametrize("where", ["top", "feature", "geometry"])
def test_cli_geojson_crs_link_refused(where: str, lc: dict[str, Path], canary: Canary,
                                      capsys, monkeypatch) -> None:
    f = {"type": "Feature", "properties": {"zid": "A"},
         "geometry": {"type": "Polygon", "coordinates": square(0, 0, 2, 4)}}
    if where == "geometry":
        f["geometry"]["crs"] = link(canary)
    elif where == "feature":
        f["crs"] = link(canary)
    doc = zones_fc([f], link(canary) if where == "top" else None)
    z = write_geojson(lc["dir"] / f"link_{where}.geojson", doc)
    r = run_main(nki_argv(lc, zones=z), capsys, monkeypatch)
    assert_clean_error(r, f"link_{where}.geojson", "crs")
    assert not (lc["dir"] / "out.csv").exists()


def test_cli_landcover_vrt_refused(lc: dict[str, Path], canary: Canary, capsys,
                                   monkeypatch) -> None:
    vrt = lc["dir"] / "landcover.vrt"
    vrt.write_text(_vrt(f"/vsicurl/{canary.url}/lc.tif"), encoding="utf-8")
    r = run_main(nki_argv(lc, landcover=vrt), capsys, monkeypatch)
    assert_clean_error(r, "landcover.vrt", "VRT")
    # a VRT renamed .tif is recognised by its content
    tif = lc["dir"] / "disguised.tif"
    tif.write_text(_vrt("/etc/passwd"), encoding="utf-8")
    assert_clean_error(run_main(nki_argv(lc, landcover=tif), capsys, monkeypatch),
                       "disguised.tif", "VRT")


def test_cli_allowed_vrt_must_be_local(lc: dict[str, Path], canary: Canary, capsys,
                                       monkeypatch) -> None:
    monkeypatch.delenv("NATURKAPITAL_ALLOW_VRT", raising=False)
    remote = lc["dir"] / "remote.vrt"
    remote.write_text(_vrt(f"/vsicurl/{canary.url}/lc.tif"), encoding="utf-8")
    r = run_main(["--allow-vrt", *nki_argv(lc, landcover=remote)], capsys, monkeypatch)
    assert_clean_error(r, "remote.vrt", "not a local file")
    url = lc["dir"] / "url.vrt"
    url.write_text(_vrt(f"{canary.url}/lc.tif"), encoding="utf-8")
    assert_clean_error(run_main(["--allow-vrt", *nki_argv(lc, landcover=url)], capsys,
                                monkeypatch), "url.vrt", "not a local file")
    local = lc["dir"] / "local.vrt"
    local.write_text(_vrt("lc.tif", relative=True), encoding="utf-8")
    ok = run_main(["--allow-vrt", *nki_argv(lc, landcover=local)], capsys, monkeypatch)
    assert ok.code == 0, ok.err
    monkeypatch.delenv("NATURKAPITAL_ALLOW_VRT", raising=False)


@pytest.mark.parametrize("spec", ["/vsicurl/{url}/lc.tif", "{url}/lc.tif",
                                  "/vsizip/{url}/lc.zip/lc.tif"])
def test_cli_remote_landcover_refused(spec: str, lc: dict[str, Path], canary: Canary,
                                      capsys, monkeypatch) -> None:
    r = run_main(nki_argv(lc, landcover=spec.format(url=canary.url)), capsys, monkeypatch)
    assert_clean_error(r, "network access is disabled")


def test_cli_remote_zones_refused(lc: dict[str, Path], canary: Canary, capsys,
                                  monkeypatch) -> None:
    r = run_main(nki_argv(lc, zones=f"{canary.url}/zones.geojson"), capsys, monkeypatch)
    assert_clean_error(r, "zones.geojson", "network access is disabled")


# ---------------------------------------------------------------- uploads and processes
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.mark.parametrize("where", ["top", "feature", "geometry"])
def test_upload_crs_link_refused(where: str, app_client: TestClient, canary: Canary) -> None:
    f = feature(geom_crs=link(canary) if where == "geometry" else None,
                feat_crs=link(canary) if where == "feature" else None)
    doc = zones_fc([f] * 3, link(canary) if where == "top" else None)
    r = app_client.post("/api/nki", files={"zones": ("mine.geojson", json.dumps(doc))})
    assert r.status_code == 422, r.text
    assert "mine.geojson" in r.json()["detail"] and "crs" in r.json()["detail"]


def test_process_nki_crs_link_in_geometry_refused(app_client: TestClient,
                                                  canary: Canary) -> None:
    doc = zones_fc([feature(geom_crs=link(canary))])
    for headers in ({}, {**AUTH, "Prefer": "respond-async"}):
        r = app_client.post("/processes/nki/execution", json={"inputs": {"zones": doc}},
                            headers=headers)
        if r.status_code == 201:  # async: the job fails with the message
            import time

            for _ in range(200):
                info = app_client.get(f"/jobs/{r.json()['jobID']}").json()
                if info["status"] in ("successful", "failed"):
                    break
                time.sleep(0.05)
            assert info["status"] == "failed" and "crs" in info["message"]
        else:
            assert 400 <= r.status_code < 500 and "crs" in r.json()["detail"], r.text


def test_process_scenario_crs_link_in_geometry_refused(app_client: TestClient,
                                                       canary: Canary) -> None:
    scen = zones_fc([feature(geom_crs=link(canary), props={"to_class": 11})])
    r = app_client.post("/processes/scenario-evaluate/execution",
                        json={"inputs": {"scenario": scen}})
    assert 400 <= r.status_code < 500 and "crs" in r.json()["detail"], r.text
    r = app_client.post("/api/scenario/evaluate", json={"scenario": scen})
    assert 400 <= r.status_code < 500 and "crs" in r.json()["detail"], r.text
    r = app_client.post("/api/scenario/read",
                        files={"file": ("scen.geojson", json.dumps(scen))})
    assert r.status_code == 422 and "scen.geojson" in r.json()["detail"], r.text


def test_lowland_screen_crs_link_in_geometry_refused(app_client: TestClient, canary: Canary,
                                                     scene: dict[str, Path]) -> None:
    parcels = zones_fc([feature(geom_crs=link(canary), props={"pid": "p1"})])
    tif = scene["carbon"].read_bytes()
    files = {"parcels": ("marker.geojson", json.dumps(parcels)),
             "carbon": ("c.tif", tif), "water_table": ("w.tif", tif),
             "peat_depth": ("p.tif", tif)}
    r = app_client.post("/api/lowland/screen", files=files, data={"id_field": "pid"})
    assert r.status_code == 422 and "crs" in r.json()["detail"], r.text
    b64 = {"value": base64.b64encode(tif).decode(), "mediaType": "image/tiff"}
    r = app_client.post("/processes/lowland-screen/execution", json={"inputs": {
        "parcels": parcels, "id_field": "pid", "carbon": b64, "water_table": b64,
        "peat_depth": b64}})
    assert 400 <= r.status_code < 500 and "crs" in r.json()["detail"], r.text


def test_allow_network_flag_lifts_the_lock_for_that_run(tmp_path: Path, capsys,
                                                        monkeypatch) -> None:
    """``naturkapital --allow-network …`` unlocks (and the lock comes back here)."""
    monkeypatch.delenv(network.ALLOW_NETWORK_ENV, raising=False)
    try:
        r = run_main(["--allow-network", "lowland", "auction", "--bids",
                      str(tmp_path / "none.csv")], capsys, monkeypatch)
        assert_clean_error(r, "none.csv")
        assert not network.is_locked()
        assert "CPL_VSIL_CURL_ALLOWED_FILENAME" not in os.environ
    finally:
        os.environ.pop(network.ALLOW_NETWORK_ENV, None)
        network.lock_down()
    assert network.is_locked()


def test_process_inputs_by_reference_are_not_fetched(app_client: TestClient,
                                                     canary: Canary) -> None:
    """An OGC input given by reference (``{"href": URL}``) is not fetched."""
    ref = {"href": f"{canary.url}/zones.geojson", "type": "application/geo+json"}
    r = app_client.post("/processes/nki/execution", json={"inputs": {"zones": ref}})
    assert 400 <= r.status_code < 500, r.text
    tif = {"href": f"{canary.url}/carbon.tif", "type": "image/tiff"}
    r = app_client.post("/processes/lowland-screen/execution", json={"inputs": {
        "parcels": zones_fc([feature(props={"pid": "a"})]), "id_field": "pid",
        "carbon": tif, "water_table": tif, "peat_depth": tif}})
    assert 400 <= r.status_code < 500, r.text
