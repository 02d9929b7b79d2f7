"""Small synthetic rasters and zones for the chunked engine (fast, deterministic)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
from affine import Affine
from shapely.geometry import MultiPolygon, Polygon

from naturkapital.landcover.scheme import load_scheme
from naturkapital.landcover.sources import Landcover

X0, Y0, CELL = 500_003.0, 6_200_007.0, 10.0
ROWS, COLS = 300, 420
CODES = np.array([2, 4, 5, 6, 7, 8, 9, 10, 11], dtype=np.uint8)


def _write(path: Path, arr: np.ndarray, transform: Affine, nodata: float | None) -> Path:
    with rasterio.open(path, "w", driver="GTiff", width=arr.shape[1], height=arr.shape[0],
                       count=1, dtype=arr.dtype, crs="EPSG:25832", transform=transform,
                       nodata=nodata, tiled=True, blockxsize=64, blockysize=64,
                       compress="deflate") as dst:
        dst.write(arr, 1)
    return path


@pytest.fixture(scope="session")
def synth(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Class raster (uint8, 0 = nodata, a 'sea' corner), integer and float bioscores,
    and zones that overlap, have holes, several parts, stick out of the raster."""
    d = tmp_path_factory.mktemp("engine")
    rng = np.random.default_rng(42)
    coarse = rng.choice(CODES, size=(ROWS // 6 + 1, COLS // 6 + 1))
    cls = np.repeat(np.repeat(coarse, 6, axis=0), 6, axis=1)[:ROWS, :COLS].copy()
    speck = rng.random((ROWS, COLS)) < 0.05
    cls[speck] = rng.choice(CODES, size=int(speck.sum()))
    rr, cc = np.mgrid[0:ROWS, 0:COLS]
    cls[rr + cc < 90] = 0  # sea / no data in the top-left corner
    t = Affine(CELL, 0, X0, 0, -CELL, Y0)
    bio = rng.integers(0, 16, size=(ROWS, COLS)).astype(np.uint8)
    bio[cls == 0] = 255
    bio[200:230, 300:360] = 255  # a gap in the bioscore
    fbio = rng.random((ROWS * 10 // 25 + 2, COLS * 10 // 25 + 2)).astype(np.float32) * 15
    fbio[5:12, 20:40] = np.nan
    tf = Affine(25.0, 0, X0 - 7.0, 0, -25.0, Y0 + 11.0)
    paths = {
        "classes": _write(d / "classes.tif", cls, t, 0),
        "bio": _write(d / "bio.tif", bio, t, 255),
        "bio_float": _write(d / "bio_float.tif", fbio, tf, float("nan")),
    }
    x = lambda f: X0 + f * COLS * CELL  # noqa: E731
    y = lambda f: Y0 - f * ROWS * CELL  # noqa: E731
    star = Polygon([(x(0.2 + 0.12 * np.cos(a) * (1 + 0.4 * (k % 2))),
                     y(0.5 + 0.3 * np.sin(a) * (1 + 0.4 * (k % 2))))
                    for k, a in enumerate(np.linspace(0, 2 * np.pi, 23, endpoint=False))])
    holed = Polygon([(x(0.45), y(0.1)), (x(0.8), y(0.12)), (x(0.78), y(0.6)),
                     (x(0.47), y(0.55))],
                    [[(x(0.55), y(0.25)), (x(0.7), y(0.26)), (x(0.66), y(0.4)),
                      (x(0.56), y(0.38))]])
    multi = MultiPolygon([
        Polygon([(x(0.5), y(0.7)), (x(0.62), y(0.68)), (x(0.6), y(0.93)), (x(0.52), y(0.9))]),
        Polygon([(x(0.7), y(0.7)), (x(0.9), y(0.72)), (x(0.85), y(0.88))]),
    ])
    overlap = Polygon([(x(0.25), y(0.35)), (x(0.5), y(0.33)), (x(0.52), y(0.62)),
                       (x(0.28), y(0.6))])
    outside = Polygon([(x(0.85), y(0.05)), (x(1.2), y(0.03)), (x(1.15), y(0.5)),
                       (x(0.88), y(0.45))])
    neighbour = Polygon([(x(0.45), y(0.55)), (x(0.47), y(0.55)), (x(0.52), y(0.65)),
                         (x(0.3), y(0.95)), (x(0.02), y(0.97))])
    zones = gpd.GeoDataFrame({"zone_id": ["11", "12", "13", "14", "15", "16"],
                              "name": ["star", "holed", "multi", "overlap", "outside",
                                       "neighbour"]},
                             geometry=[star, holed, multi, overlap, outside, neighbour],
                             crs="EPSG:25832")
    zones["geometry"] = zones.geometry.make_valid()
    zpath = d / "zones.gpkg"
    zones.to_crs("EPSG:4326").to_file(zpath)
    lc = Landcover(paths["classes"], 1, load_scheme("basemap04"), "synthetic")
    return {"dir": d, "zones": zones, "zones_path": zpath, "landcover": lc, **paths}


@pytest.fixture(scope="session")
def cluster_address():
    """A dask.distributed LocalCluster (2 single-thread worker processes) for the session."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        yield cluster.scheduler_address
