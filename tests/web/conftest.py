"""Fixtures for the web tests: both databases, apps, zone files, a real server.

PostgreSQL comes from ``NATURKAPITAL_TEST_PG_URL`` (exported by scripts/services.sh).
Each session creates a fresh database from template1 (which has PostGIS) and drops it
afterwards. Without the URL the PostgreSQL cases skip on a developer machine but FAIL
in CI (``CI=true``): both databases must be tested there.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import httpx
import numpy as np
import pytest
import rasterio
from fastapi.testclient import TestClient
from rasterio.transform import from_origin
from shapely.geometry import box

from naturkapital.landcover.sources import DEFAULT_CHANGE
from naturkapital.nki import compute as nki_compute
from naturkapital.server import Settings, create_app
from naturkapital.server.cache import NKIService
from naturkapital.store import Store

TOKEN = "test-token-5f2c"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
BACKENDS = ["sqlite", "postgresql"]


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    url = os.environ.get("NATURKAPITAL_TEST_PG_URL")
    if not url:
        msg = ("NATURKAPITAL_TEST_PG_URL is not set: source scripts/services.sh to start "
               "PostgreSQL + PostGIS")
        if in_ci():
            pytest.fail(msg + " (required in CI)")
        pytest.skip(msg)
    return url


@pytest.fixture(scope="session")
def pg_url(pg_admin_url: str) -> Iterator[str]:
    """A fresh PostgreSQL database for this session (dropped at the end)."""
    import psycopg
    from psycopg import sql

    name = f"nk_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template1").format(
            sql.Identifier(name)))
    base, _, _ = pg_admin_url.rpartition("/")
    yield f"{base}/{name}"
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))


@pytest.fixture(scope="session")
def nki_service() -> NKIService:
    """One cache of the default tables for every app in the session."""
    return NKIService()


@pytest.fixture(scope="session", params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'naturkapital.sqlite'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture(scope="session")
def store(db_url: str) -> Iterator[Store]:
    s = Store.open(db_url)
    yield s
    s.close()


def make_settings(**kw: object) -> Settings:
    base = {"token": TOKEN, "warm_cache": False, "max_upload_bytes": 2_000_000,
            "max_body_bytes": 3_000_000, "max_zones": 50}
    base.update(kw)
    return Settings(**base)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def client(store: Store, nki_service: NKIService) -> Iterator[TestClient]:
    app = create_app(make_settings(), store=store, nki=nki_service)
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="session")
def auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="session")
def reference() -> nki_compute.NKIResult:
    """The index computed directly through the Python API, to check the HTTP layer."""
    return nki_compute.compute_nki()


@pytest.fixture(scope="session")
def zone_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Fanø and Odense as user files: GeoJSON (EPSG:4326) and GeoPackage (EPSG:25832)."""
    d = tmp_path_factory.mktemp("zones")
    z = nki_compute.load_zones().gdf
    sub = z[z["zone_id"].isin(["563", "461"])].rename(columns={"zone_id": "kode",
                                                               "name": "navn"})
    gj = d / "fanoe_odense.geojson"
    sub[["kode", "navn", "geometry"]].to_file(gj, driver="GeoJSON", engine="pyogrio")
    gp = d / "fanoe_odense.gpkg"
    sub[["kode", "navn", "geometry"]].to_crs(25832).to_file(gp, driver="GPKG",
                                                           engine="pyogrio")
    one = d / "fanoe.geojson"
    gpd.GeoDataFrame(sub[sub["kode"] == "563"][["kode", "navn", "geometry"]]).to_file(
        one, driver="GeoJSON", engine="pyogrio")
    return {"geojson": gj, "gpkg": gp, "fanoe": one}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``naturkapital serve`` in a subprocess on a free loopback port."""

    def __init__(self, db_url: str, token: str | None = TOKEN) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # no background pre-rendering and no disk cache in the user's folder
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "NATURKAPITAL_PRERENDER": "0",
               "NATURKAPITAL_CACHE_DIR": "none"}
        env.pop("NATURKAPITAL_TOKEN", None)
        if token:
            env["NATURKAPITAL_TOKEN"] = token
        exe = Path(sys.executable).with_name("naturkapital")
        cmd = ([str(exe)] if exe.exists() else
               [sys.executable, "-c", "from naturkapital.cli import main; main()"])
        self.log = ARTIFACTS / f"server-{self.port}.log"
        ARTIFACTS.mkdir(exist_ok=True)
        self._log = self.log.open("w")
        self.proc = subprocess.Popen(
            cmd + ["serve", "--host", "127.0.0.1", "--port", str(self.port), "--db", db_url,
                   "--log-level", "warning"],
            stdout=self._log, stderr=subprocess.STDOUT, env=env)
        self._wait()

    def _wait(self, timeout: float = 60.0) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(self.url + "/api/status", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("server did not start in time")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self._log.close()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A real uvicorn (the CLI) on SQLite, warmed so the first page is quick."""
    db = tmp_path_factory.mktemp("live") / "live.sqlite"
    srv = Server(f"sqlite:///{db}")
    try:
        change = [f"/api/municipalities?landcover=corine&year={e.split(':')[1]}"
                  for e in DEFAULT_CHANGE]  # the compare tab's levels
        for path in ("/api/municipalities", "/api/compare", *change):
            httpx.get(srv.url + path, timeout=120).raise_for_status()
        yield srv
    finally:
        srv.stop()


# ---------------------------------------------------------------- a hand-made lowland scene
LX0, LY0, LCELL = 500_000.0, 6_200_000.0, 10.0


def _tif(path: Path, data: np.ndarray, x0: float = LX0) -> bytes:
    with rasterio.open(path, "w", driver="GTiff", width=data.shape[1], height=data.shape[0],
                       count=1, dtype="float32", crs="EPSG:25832", nodata=-9999.0,
                       transform=from_origin(x0, LY0, LCELL, LCELL)) as dst:
        dst.write(data.astype("float32"), 1)
    return path.read_bytes()


@pytest.fixture(scope="session")
def lowland_scene(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Two parcels on a 10 m grid (a cell is 0.01 ha): 'ok' 20×20 cells of OC 15 %,
    GVSmax −80 cm, peat 100 cm, in rotation → eligible, 4 ha; 'mineral' 10×20 cells of
    OC 3 % → ineligible. CO2 of 'ok': before (42.17 + 3.87) × 4 = 184.16, after
    6.8 × 4 = 27.2, reduction 156.96 t CO2e/yr; maximum support 160 000 × 4 DKK.
    Bytes under the short keys, files under ``*_path``."""
    d = tmp_path_factory.mktemp("lowland-scene")
    oc = np.zeros((30, 60))
    oc[:20, 5:25] = 15.0
    oc[:20, 30:40] = 3.0
    peat = np.zeros((30, 60))
    peat[:20, 5:25] = 100.0
    parcels = gpd.GeoDataFrame(
        {"pid": ["ok", "mineral"], "omdrift": ["ja", "nej"]},
        geometry=[box(LX0 + 50, LY0 - 200, LX0 + 250, LY0),
                  box(LX0 + 300, LY0 - 200, LX0 + 400, LY0)], crs="EPSG:25832")
    gj = d / "marker.geojson"
    parcels.to_crs(4326).to_file(gj, driver="GeoJSON", engine="pyogrio")
    gp = d / "marker.gpkg"
    parcels.to_file(gp, driver="GPKG", engine="pyogrio")
    return {"carbon": _tif(d / "kulstof.tif", oc),
            "water": _tif(d / "gvsmax.tif", np.full((30, 60), -80.0)),
            "peat": _tif(d / "toervedybde.tif", peat), "geojson": gj.read_bytes(),
            "gpkg": gp.read_bytes(),
            "shifted": _tif(d / "shifted.tif", np.full((30, 60), -80.0), x0=LX0 + 5.0),
            "carbon_path": d / "kulstof.tif", "water_path": d / "gvsmax.tif",
            "peat_path": d / "toervedybde.tif", "geojson_path": gj}
