"""Hand-made lowland scenes: three rasters (OC %, GVSmax cm, peat cm) and parcels, EPSG:25832.

The scene is a 10 m grid with its top-left corner at (X0, Y0). Each parcel is a block of
cells (optionally cut through a cell) in its own column band, and the three rasters
hold that parcel's values in the band, so every number below can be worked by hand:
a 10 m cell is 0.01 ha.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin
from shapely.geometry import box

CRS = "EPSG:25832"
X0, Y0, CELL = 500_000.0, 6_200_000.0, 10.0
NODATA = -9999.0
NAUT = Path(sys.executable).parent / "naturkapital"


def write_raster(path: Path, data: np.ndarray, crs: str | None = CRS, cell: float = CELL,
                 x0: float = X0, y0: float = Y0, nodata: float | None = NODATA) -> Path:
    """Single-band float32 GeoTIFF with its top-left corner at (x0, y0)."""
    profile = {"driver": "GTiff", "width": data.shape[1], "height": data.shape[0], "count": 1,
               "dtype": "float32", "transform": from_origin(x0, y0, cell, cell),
               "nodata": nodata}
    if crs:
        profile["crs"] = crs
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data.astype("float32"), 1)
    return path


def cell_box(c0: float, r0: float, c1: float, r1: float):
    """Polygon from cell coordinates (columns c0..c1, rows r0..r1 from the top-left)."""
    return box(X0 + c0 * CELL, Y0 - r1 * CELL, X0 + c1 * CELL, Y0 - r0 * CELL)


@dataclass
class Parcel:
    """A block of cells with uniform values (or per-row OC via ``oc_rows``)."""

    pid: str
    cols: float          # width in cells (may be fractional: the last column is cut)
    rows: int
    oc: float = 15.0
    gvs: float = -80.0
    peat: float = 100.0
    rotation: str = "ja"
    oc_rows: list[float] | None = None   # OC per row, overrides ``oc``


@dataclass
class Scene:
    carbon: Path
    water: Path
    peat: Path
    parcels: Path
    boxes: dict[str, tuple[float, float, float, float]]


def build_scene(tmp: Path, parcels: list[Parcel], gap: int = 5, height: int | None = None,
                extra: dict | None = None) -> Scene:
    """Rasters and a GeoPackage (field ``pid``, ``omdrift`` + ``extra`` columns)."""
    width = int(sum(int(np.ceil(p.cols)) + gap for p in parcels)) + gap
    h = height or max(p.rows for p in parcels) + 2
    oc = np.zeros((h, width))
    gvs = np.full((h, width), -80.0)
    peat = np.zeros((h, width))
    boxes = {}
    c = gap
    for p in parcels:
        w = int(np.ceil(p.cols))
        oc[:p.rows, c:c + w] = p.oc
        if p.oc_rows is not None:
            oc[:p.rows, c:c + w] = np.asarray(p.oc_rows, dtype=float)[:, None]
        gvs[:p.rows, c:c + w] = p.gvs
        peat[:p.rows, c:c + w] = p.peat
        boxes[p.pid] = (c, 0, c + p.cols, p.rows)
        c += w + gap
    carbon = write_raster(tmp / "carbon.tif", oc)
    water = write_raster(tmp / "gvsmax.tif", gvs)
    peat_p = write_raster(tmp / "peat.tif", peat)
    cols = {"pid": [p.pid for p in parcels], "omdrift": [p.rotation for p in parcels]}
    for k, v in (extra or {}).items():
        cols[k] = v
    gdf = gpd.GeoDataFrame(cols, geometry=[cell_box(*boxes[p.pid]) for p in parcels], crs=CRS)
    path = tmp / "parcels.gpkg"
    gdf.to_file(path, engine="pyogrio")
    return Scene(carbon, water, peat_p, path, boxes)


#: One parcel per criterion (Done-when of issue 3). Hand-computed expectations in
#: test_scene.py.
CRITERIA_PARCELS = [
    Parcel("ok", 20, 20),                                   # 4 ha, all pass
    Parcel("small", 19.9, 10),                              # 1.99 ha peat
    Parcel("big", 35, 30),                                  # 10.5 ha → secondary
    Parcel("share74", 10, 50, oc_rows=[10.0] * 37 + [6.0] * 13),   # 74 % > 6 %
    Parcel("share75", 10, 40, oc_rows=[10.0] * 30 + [6.0] * 10),   # 75 % exactly
    Parcel("wet", 20, 20, gvs=-42.5),                       # not deeper than −42.5
    Parcel("thin", 20, 20, peat=29.0),                      # drained peat 29 cm
    Parcel("meadow", 20, 10, oc=10.0, rotation="nej"),      # 2 ha, 6–12 %, not in rotation
]


@pytest.fixture
def scene(tmp_path: Path) -> Scene:
    return build_scene(tmp_path, CRITERIA_PARCELS)


def run_cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the installed ``naturkapital`` console script as a user would."""
    return subprocess.run([str(NAUT), *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env={"COLUMNS": "220", "PATH": "/usr/bin:/bin"},
                          timeout=300)
