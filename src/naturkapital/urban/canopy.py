"""A user canopy raster for 3-30-300: cells with a value above 0 are tree canopy (a
0/1 canopy map, canopy height in metres or cover %).

* "30" — canopy % of each district: the exact zonal helper
  (:func:`naturkapital.nki.zonal.zonal_class_areas`) on the canopy / no-canopy cells,
  as a share of the district's area the raster covers.
* "3" — canopy area within ``within_m`` of each dwelling (an exact disc of cells,
  summed with row prefix sums at the dwellings only), passed when it is at least
  ``min_trees`` crowns of ``crown_m`` radius: a proxy for "3 trees visible".
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import rasterio
from rasterio.windows import Window, from_bounds

from naturkapital.core.errors import InputError
from naturkapital.io.rasters import open_raster
from naturkapital.io.vectors import ZONE_ID
from naturkapital.landcover.sources import Landcover
from naturkapital.nki.zonal import zonal_class_areas
from naturkapital.urban.national import code_scheme, write_codes


@dataclass
class CanopyResult:
    """Canopy ha and covered ha per district (in order), and canopy m² within the
    radius of every dwelling (NaN outside the raster)."""

    canopy_ha: np.ndarray
    covered_ha: np.ndarray
    near_m2: np.ndarray


def disc_sums(mask: np.ndarray, rows: np.ndarray, cols: np.ndarray,
              radius_cells: float) -> np.ndarray:
    """Number of True cells within ``radius_cells`` (centre to centre) of each
    (row, col), cells outside the array counting as False."""
    r = int(np.floor(radius_cells))
    h, w = mask.shape
    pre = np.zeros((h, w + 1), dtype=np.int64)
    np.cumsum(mask, axis=1, out=pre[:, 1:])
    out = np.zeros(rows.size, dtype=np.int64)
    for dy in range(-r, r + 1):
        half = int(np.floor(np.sqrt(max(radius_cells ** 2 - dy * dy, 0.0)) + 1e-9))
        rr = rows + dy
        ok = (rr >= 0) & (rr < h)
        lo = np.clip(cols - half, 0, w)
        hi = np.clip(cols + half + 1, 0, w)
        out[ok] += pre[rr[ok], hi[ok]] - pre[rr[ok], lo[ok]]
    return out


def canopy_from_raster(path: str | Path, districts: gpd.GeoDataFrame,
                       dwellings: gpd.GeoDataFrame, within_m: float) -> CanopyResult:
    """Canopy per district and near every dwelling from a canopy raster."""
    with open_raster(path, 1, "canopy raster") as ds:
        d = districts.to_crs(ds.crs)
        xmin, ymin, xmax, ymax = d.total_bounds
        pad = within_m + abs(ds.transform.a)
        win = from_bounds(xmin - pad, ymin - pad, xmax + pad, ymax + pad, ds.transform)
        win = win.round_offsets().round_lengths()
        try:
            win = win.intersection(Window(0, 0, ds.width, ds.height))
        except rasterio.errors.WindowError:
            raise InputError(path, "the canopy raster does not cover the city (check the "
                                   "CRS and extent)") from None
        a = ds.read(1, window=win, masked=True)
        transform = ds.window_transform(win)
        profile = {**ds.profile, "width": int(win.width), "height": int(win.height),
                   "transform": transform}
        cell = abs(transform.a)
        crs = ds.crs
    valid = ~np.ma.getmaskarray(a) & np.isfinite(np.ma.filled(a.astype(float), np.nan))
    canopy = valid & (np.ma.filled(a, 0) > 0)
    codes = np.where(valid, np.where(canopy, 2, 1), 0).astype(np.uint8)
    with tempfile.TemporaryDirectory(prefix="naturkapital-canopy-") as tmp:
        p = Path(tmp) / "canopy_codes.tif"
        write_codes(p, codes, profile)
        zones = gpd.GeoDataFrame({ZONE_ID: [str(i) for i in range(len(d))]},
                                 geometry=d.geometry.values, crs=crs)
        try:
            z = zonal_class_areas(zones, Landcover(p, 1, code_scheme(
                "canopy", {1: "no canopy", 2: "canopy"}), "canopy"), str(path))
        except InputError as exc:
            raise InputError(path, exc.problem) from None
    cls = z.classes
    can = cls[cls["value"] == 2].groupby(ZONE_ID)["area_ha"].sum()
    cov = cls.groupby(ZONE_ID)["area_ha"].sum()
    ids = zones[ZONE_ID]
    pts = dwellings.to_crs(crs).geometry
    rows, cols = rasterio.transform.rowcol(transform, pts.x.to_numpy(), pts.y.to_numpy())
    rows, cols = np.asarray(rows), np.asarray(cols)
    inside = (rows >= 0) & (rows < codes.shape[0]) & (cols >= 0) & (cols < codes.shape[1])
    near = np.full(len(dwellings), np.nan)
    if inside.any():
        near[inside] = disc_sums(canopy, rows[inside], cols[inside], within_m / cell) * cell ** 2
    return CanopyResult(can.reindex(ids).fillna(0.0).to_numpy(),
                        cov.reindex(ids).fillna(0.0).to_numpy(), near)
