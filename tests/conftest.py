"""Shared fixtures: tiny hand-made rasters, zones and schemes in EPSG:25832."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin
from shapely.geometry import box

from naturkapital.core.memory import no_hugepage_advice

no_hugepage_advice()  # as the command line does: in-process runs behave like the CLI

CRS = "EPSG:25832"
X0, Y0, CELL = 500_000.0, 6_200_000.0, 10.0


def write_raster(path: Path, data: np.ndarray, crs: str | None = CRS, nodata: float = 0,
                 cell: float = CELL, x0: float = X0, y0: float = Y0) -> Path:
    """Write a single-band GeoTIFF with the top-left corner at (x0, y0)."""
    profile = {"driver": "GTiff", "width": data.shape[1], "height": data.shape[0], "count": 1,
               "dtype": data.dtype.name, "transform": from_origin(x0, y0, cell, cell),
               "nodata": nodata}
    if crs:
        profile["crs"] = crs
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data, 1)
    return path


def write_zones(path: Path, boxes: dict[str, tuple[float, float, float, float]],
                crs: str | None = CRS, id_field: str = "zid") -> Path:
    """Zones from boxes given in cell units relative to the raster origin (col0,row0,col1,row1)."""
    geoms = [box(X0 + c0 * CELL, Y0 - r1 * CELL, X0 + c1 * CELL, Y0 - r0 * CELL)
             for c0, r0, c1, r1 in boxes.values()]
    gdf = gpd.GeoDataFrame({id_field: list(boxes), "navn": [f"Zone {k}" for k in boxes]},
                           geometry=geoms, crs=crs)
    gdf.to_file(path, engine="pyogrio")
    return path


SCHEME_CSV = """value,label,land_type,nature_value,source
1,skov,skov,80,test table
2,mark,mark,10,test table
3,by,by_graa,0,test table
4,andet,andet,0,test table
5,eng,eng_mose,100,test table
"""


@pytest.fixture
def scheme(tmp_path: Path) -> Path:
    p = tmp_path / "scheme.csv"
    p.write_text(SCHEME_CSV, encoding="utf-8")
    return p


@pytest.fixture
def tiny(tmp_path: Path, scheme: Path) -> dict[str, Path]:
    """A 4×4 raster of 10 m cells: row-wise classes

    row 0: 1 1 2 2
    row 1: 1 1 2 2
    row 2: 5 5 3 3
    row 3: 4 4 3 0   (0 = nodata)
    """
    data = np.array([[1, 1, 2, 2], [1, 1, 2, 2], [5, 5, 3, 3], [4, 4, 3, 0]], dtype=np.uint8)
    return {"raster": write_raster(tmp_path / "lc.tif", data), "scheme": scheme}


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m naturkapital`` as a user would."""
    return subprocess.run([sys.executable, "-m", "naturkapital", *args], capture_output=True,
                          text=True, cwd=cwd, env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
                          timeout=600)


# ------------------------------------------------------------------- the network canary
class Canary:
    """A TCP listener on loopback that records every connection it receives.

    Hostile inputs (GeoJSON ``crs`` links, ``/vsicurl/`` paths, VRT sources, URLs) point
    at :attr:`url`; the process must never open them, so :attr:`hits` stays empty for
    the whole test session (checked again in ``pytest_sessionfinish``)."""

    def __init__(self) -> None:
        import socket
        import threading

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = int(self.sock.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self.hits: list[bytes] = []
        self._thread = threading.Thread(target=self._serve, name="canary", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            try:
                conn.settimeout(1.0)
                try:
                    data = conn.recv(512)
                except OSError:
                    data = b""
                self.hits.append(data or b"<connection>")
            finally:
                conn.close()

    def close(self) -> None:
        self.sock.close()


_CANARY: list[Canary] = []


@pytest.fixture(scope="session")
def canary() -> Canary:
    """The session's loopback listener (see :class:`Canary`)."""
    if not _CANARY:
        _CANARY.append(Canary())
    return _CANARY[0]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """The canary must have received nothing during the whole session."""
    if _CANARY and _CANARY[0].hits:
        hits = _CANARY[0].hits
        session.config.get_terminal_writer().line(
            f"NETWORK CANARY: {len(hits)} connection(s) reached the loopback listener, "
            f"first: {hits[0][:120]!r}", red=True)
        session.exitstatus = 1


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    """The whole app on a fresh SQLite database (write token ``t``), for the process
    tests of the model packages; tests/web has its own ``client`` on both databases."""
    from fastapi.testclient import TestClient

    from naturkapital.server import Settings, create_app
    from naturkapital.store import Store

    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('db') / 'nk.sqlite'}")
    app = create_app(Settings(token="t", warm_cache=False), store=store)
    with TestClient(app) as c:
        yield c
    store.close()
