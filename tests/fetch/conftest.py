"""Fixtures: the service emulator with small real-format data around Ringkøbing-Skjern
(760), network allowed for the fetch code only, endpoints pointed at the emulator."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin
from rasterio.warp import Resampling, calculate_default_transform, reproject

from naturkapital.fetch.get import municipality_area
from naturkapital.io.network import ALLOW_NETWORK_ENV

from .emulator import Emulator, Running, grid_polygons

TOKEN = "test-token-123"


def _tif_bytes(arr: np.ndarray, transform, crs: str, nodata: float) -> bytes:
    prof = {
        "driver": "GTiff",
        "width": arr.shape[1],
        "height": arr.shape[0],
        "count": 1,
        "dtype": arr.dtype.name,
        "crs": crs,
        "transform": transform,
        "nodata": nodata,
    }
    with rasterio.MemoryFile() as mem:
        with mem.open(**prof) as ds:
            ds.write(arr, 1)
        return mem.read()


def _to_3035(arr: np.ndarray, transform, nodata: float) -> bytes:
    """The array (EPSG:25832) warped to EPSG:3035, as GeoTIFF bytes."""
    h, w = arr.shape
    left, top = transform.c, transform.f
    right, bottom = left + w * transform.a, top + h * transform.e
    dst_t, dw, dh = calculate_default_transform(
        "EPSG:25832", "EPSG:3035", w, h, left, bottom, right, top
    )
    out = np.full((dh, dw), nodata, dtype=arr.dtype)
    reproject(
        arr,
        out,
        src_transform=transform,
        src_crs="EPSG:25832",
        dst_transform=dst_t,
        dst_crs="EPSG:3035",
        src_nodata=nodata,
        dst_nodata=nodata,
        resampling=Resampling.nearest,
    )
    return _tif_bytes(out, dst_t, "EPSG:3035", nodata)


@pytest.fixture(scope="session")
def region() -> tuple[float, float, float, float]:
    """A 3 × 3 km box (EPSG:25832) straddling the border of municipality 760."""
    geom = municipality_area("760").geometry
    b = geom.boundary.interpolate(0.3, normalized=True)
    x, y = round(b.x / 100) * 100, round(b.y / 100) * 100
    return (x - 1500.0, y - 1500.0, x + 1500.0, y + 1500.0)


@pytest.fixture(scope="session")
def data(region, tmp_path_factory) -> dict:
    minx, miny, maxx, maxy = region
    parcels = grid_polygons(region, 500.0, omdrift=True)
    carbon = grid_polygons((minx, miny, minx + 2000, maxy), 1000.0, toerv_klasse="6-12")
    transform = from_origin(minx - 500, maxy + 500, 100, 100)
    n = int((maxx - minx + 1000) / 100)
    yy, xx = np.mgrid[0:n, 0:n]
    water = (-10.0 - 2.0 * xx - yy).astype("float32")  # cm, negative below surface
    peat = (50.0 + 5.0 * yy).astype("float32")  # cm
    gvs_zip = io.BytesIO()
    with zipfile.ZipFile(gvs_zip, "w") as zf:
        zf.writestr("readme.txt", "emulated HIP download")
        zf.writestr("gvsmax_sommer.tif", _tif_bytes(water, transform, "EPSG:25832", -9999.0))
    cov = tmp_path_factory.mktemp("cov") / "water.tif"
    cov.write_bytes(_tif_bytes(water, transform, "EPSG:25832", -9999.0))
    return {
        "parcels": parcels,
        "carbon": carbon,
        "water": water,
        "transform": transform,
        "gvs_zip": gvs_zip.getvalue(),
        "peat_tif": _to_3035(peat, transform, -9999.0),
        "coverage": cov,
    }


@pytest.fixture
def emu(data, monkeypatch, tmp_path):
    e = Emulator(
        layers={
            "Markblokke:Markblokke_2024": data["parcels"],
            "natur:kulstof2022": data["carbon"],
            "Kommuneinddeling": data["parcels"].head(2),
        },
        rasters={"gvsmax": data["coverage"]},
        files={
            "gvsmax.zip": data["gvs_zip"],
            "toerv.tif": data["peat_tif"],
            "doi:10.5072/FK2/EMU": data["peat_tif"],
        },
    )
    with Running(e):
        monkeypatch.setenv(ALLOW_NETWORK_ENV, "1")
        monkeypatch.setenv("NATURKAPITAL_CACHE", str(tmp_path / "cache"))
        monkeypatch.setenv("NATURKAPITAL_FETCH_TIMEOUT", "5")
        monkeypatch.setenv("NATURKAPITAL_ENDPOINT_MARKBLOKKE", f"{e.url}/wfs")
        monkeypatch.setenv("NATURKAPITAL_ENDPOINT_KULSTOF2022", f"{e.url}/wfs")
        monkeypatch.setenv("NATURKAPITAL_ENDPOINT_DAGI_KOMMUNER", f"{e.url}/wfs")
        monkeypatch.setenv("NATURKAPITAL_ENDPOINT_GVSMAX", f"{e.url}/files/gvsmax.zip")
        monkeypatch.setenv("NATURKAPITAL_ENDPOINT_TOERV2022", f"{e.url}/files/toerv.tif")
        monkeypatch.setenv("NATURKAPITAL_ENDPOINT_OSM_DENMARK", f"{e.url}/files/dk.osm.pbf")
        yield e


@pytest.fixture
def cache(tmp_path) -> Path:
    return tmp_path / "cache"
