"""Extent accounts: the from→to change matrix and opening, additions, reductions, net
change and closing per ecosystem type (SEEA EA 2021, chapter 4, tables 4.1 and 4.2).

The change matrix needs, for every cell, its class in both epochs. Both epochs must
lie on the same grid (the bands of the embedded CORINE raster do); they are read over
the zones' window and combined into one *pair* raster (from index × (n_to + 1) + to
index, 0 = no class in either epoch), which goes through the one exact zonal pass of
the index (:func:`naturkapital.nki.zonal.zonal_class_areas`). A cell cut by a zone
boundary therefore counts by its covered fraction for both its from and its to class,
exactly as in the NKI engine. Zone area without a class in an epoch is the
``unmapped`` row, so the types of a zone always sum to the zone's area.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
from rasterio.windows import Window

from naturkapital.accounts.typology import TYPE_KEYS, UNMAPPED, Typology
from naturkapital.core.errors import InputError
from naturkapital.io.rasters import open_raster
from naturkapital.io.vectors import ZONE_ID
from naturkapital.landcover.scheme import Scheme
from naturkapital.landcover.sources import Landcover
from naturkapital.nki.zonal import zonal_class_areas, zones_on_raster

#: Items of the extent account, in SEEA order.
EXTENT_ITEMS: tuple[str, ...] = ("opening", "additions", "reductions", "net_change", "closing")
ITEM_LABELS: dict[str, str] = {
    "opening": "Primobeholdning / Opening extent",
    "additions": "Tilgang / Additions to extent",
    "reductions": "Afgang / Reductions in extent",
    "net_change": "Nettoændring / Net change in extent",
    "closing": "Ultimobeholdning / Closing extent",
}


@dataclass(frozen=True)
class PairAreas:
    """Exact areas of (from class, to class) pairs per zone.

    ``pairs``: zone_id, from_code, to_code (``Int64``, ``<NA>`` = no class in that
    epoch), area_ha. ``zones``: zone_id, area_ha (polygon area in the raster CRS),
    mapped_ha (area with a class in at least one epoch).
    """

    pairs: pd.DataFrame
    zones: pd.DataFrame


def _same_grid(a: rasterio.DatasetReader, b: rasterio.DatasetReader) -> bool:
    return a.crs == b.crs and a.transform == b.transform and a.shape == b.shape


def _zone_window(ds: rasterio.DatasetReader, zr: gpd.GeoDataFrame) -> Window:
    """The raster window holding the zones (one cell of margin), inside the raster."""
    minx, miny, maxx, maxy = zr.total_bounds
    t = ds.transform
    c0 = math.floor((minx - t.c) / t.a) - 1
    c1 = math.ceil((maxx - t.c) / t.a) + 1
    r0 = math.floor((maxy - t.f) / t.e) - 1
    r1 = math.ceil((miny - t.f) / t.e) + 1
    c0, r0 = max(c0, 0), max(r0, 0)
    c1, r1 = min(c1, ds.width), min(r1, ds.height)
    return Window(c0, r0, max(c1 - c0, 1), max(r1 - r0, 1))


def _codes(data: np.ndarray, nodata: float | None) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct class codes and each cell's index among them (0 = no class)."""
    valid = np.ones(data.shape, bool) if nodata is None else data != nodata
    if np.issubdtype(data.dtype, np.floating):
        valid &= ~np.isnan(data)
    codes = np.unique(data[valid]).astype(np.int64)
    idx = np.zeros(data.shape, np.uint32)
    idx[valid] = np.searchsorted(codes, data[valid].astype(np.int64)).astype(np.uint32) + 1
    return codes, idx


def paired_class_areas(zones: gpd.GeoDataFrame, frm: Landcover, to: Landcover,
                       zones_source: str = "zones",
                       progress: Callable[[int], None] | None = None) -> PairAreas:
    """Exact area (ha) of every (from class, to class) pair in every zone.

    Raises :class:`InputError` when the two epochs are not on the same grid, when no
    zone overlaps the raster, or when the zones hold only nodata.
    """
    with open_raster(frm.path, frm.band, "land-cover raster") as a, \
            open_raster(to.path, to.band, "land-cover raster") as b:
        if not _same_grid(a, b):
            raise InputError(to.path, f"{to.label} is not on the grid of {frm.label}; a change "
                                      "matrix needs both epochs on one grid (e.g. two CORINE "
                                      "years; Basemap04 2021 is a separate series)")
        zr = zones_on_raster(zones, a, zones_source, frm.path)
        win = _zone_window(a, zr)
        x, y = a.read(frm.band, window=win), b.read(to.band, window=win)
        from_codes, ix = _codes(x, a.nodata)
        to_codes, iy = _codes(y, b.nodata)
        n_pairs = (from_codes.size + 1) * (to_codes.size + 1)
        dtype = np.uint16 if n_pairs <= np.iinfo(np.uint16).max else np.uint32
        pair = (ix * np.uint32(to_codes.size + 1) + iy).astype(dtype, copy=False)
        profile = {"driver": "GTiff", "width": int(win.width), "height": int(win.height),
                   "count": 1, "dtype": np.dtype(dtype).name, "crs": a.crs, "nodata": 0,
                   "transform": a.window_transform(win), "tiled": True,
                   "blockxsize": 256, "blockysize": 256}
    scheme = Scheme("pairs", pd.DataFrame({"value": np.arange(n_pairs, dtype=np.int64)}))
    with tempfile.TemporaryDirectory(prefix="nk-pairs-") as tmp:
        path = Path(tmp) / "pairs.tif"
        with rasterio.open(path, "w", **profile) as dst:
            dst.write(pair, 1)
        del pair, ix, iy, x, y
        try:
            areas = zonal_class_areas(zr, Landcover(path, 1, scheme, "pairs"), zones_source,
                                      progress=progress)
        except InputError as exc:  # name the user's raster, not the temporary file
            raise InputError(frm.path if exc.source == str(path) else exc.source,
                             exc.problem) from None
    c = areas.classes
    fi = (c["value"].to_numpy() // (to_codes.size + 1)).astype(np.int64)
    ti = (c["value"].to_numpy() % (to_codes.size + 1)).astype(np.int64)
    pairs = pd.DataFrame({
        ZONE_ID: c[ZONE_ID].to_numpy(),
        "from_code": pd.array(np.where(fi > 0, from_codes[np.maximum(fi - 1, 0)]
                                       if from_codes.size else 0, 0), dtype="Int64"),
        "to_code": pd.array(np.where(ti > 0, to_codes[np.maximum(ti - 1, 0)]
                                     if to_codes.size else 0, 0), dtype="Int64"),
        "area_ha": c["area_ha"].to_numpy(dtype=float),
    })
    pairs.loc[fi == 0, "from_code"] = pd.NA
    pairs.loc[ti == 0, "to_code"] = pd.NA
    return PairAreas(pairs, areas.zones)


def check_codes(pairs: pd.DataFrame, frm: Landcover, to: Landcover, tf: Typology,
                tt: Typology) -> None:
    """InputError when a class code in the zones is missing from a typology or scheme."""
    for col, lc, typ in (("from_code", frm, tf), ("to_code", to, tt)):
        codes = pairs[col].dropna().astype(int).unique()
        missing = typ.unknown(codes)
        if missing:
            raise InputError(lc.path, f"class code(s) {', '.join(map(str, missing))} of "
                                      f"{lc.label} are not in typology '{typ.name}'; add them "
                                      "to the typology CSV")
        missing = lc.scheme.unknown(codes)
        if missing:
            raise InputError(lc.path, f"class code(s) {', '.join(map(str, missing))} of "
                                      f"{lc.label} are not in scheme '{lc.scheme.name}'; add "
                                      "them to the scheme CSV")


def type_matrix(pairs: pd.DataFrame, zones: pd.DataFrame, tf: Typology,
                tt: Typology) -> pd.DataFrame:
    """Change matrix per zone: one row per (zone_id, from_type, to_type) with area_ha.

    Every zone gets all types × types (zeros included); the area of a zone without a
    class in both epochs is (unmapped → unmapped), so each zone's matrix sums to its
    polygon area.
    """
    p = pairs.copy()
    p["from_type"] = p["from_code"].map(tf.type_of()).fillna(UNMAPPED).astype(str)
    p["to_type"] = p["to_code"].map(tt.type_of()).fillna(UNMAPPED).astype(str)
    m = p.groupby([ZONE_ID, "from_type", "to_type"], sort=False)["area_ha"].sum()
    idx = pd.MultiIndex.from_product([zones[ZONE_ID].astype(str).tolist(), TYPE_KEYS,
                                      TYPE_KEYS], names=[ZONE_ID, "from_type", "to_type"])
    full = m.reindex(idx, fill_value=0.0)
    unmapped = (zones.set_index(ZONE_ID)["area_ha"] - zones.set_index(ZONE_ID)["mapped_ha"])
    for zid, ha in unmapped.clip(lower=0.0).items():
        full.loc[(str(zid), UNMAPPED, UNMAPPED)] += ha
    return full.reset_index()


def extent_account(matrix: pd.DataFrame) -> pd.DataFrame:
    """Opening, additions, reductions, net change, closing (ha) per zone × type.

    opening = row sum, closing = column sum, additions = closing − unchanged,
    reductions = opening − unchanged; so opening + additions − reductions = closing.
    """
    m = matrix.set_index([ZONE_ID, "from_type", "to_type"])["area_ha"]
    opening = m.groupby(level=[ZONE_ID, "from_type"], sort=False).sum()
    closing = m.groupby(level=[ZONE_ID, "to_type"], sort=False).sum()
    opening.index.names = closing.index.names = [ZONE_ID, "ecosystem_type"]
    same = matrix[matrix["from_type"] == matrix["to_type"]].set_index(
        [ZONE_ID, "from_type"])["area_ha"]
    same.index.names = [ZONE_ID, "ecosystem_type"]
    out = pd.DataFrame({"opening": opening})
    out["closing"] = closing.reindex(out.index)
    unchanged = same.reindex(out.index)
    out["additions"] = out["closing"] - unchanged
    out["reductions"] = out["opening"] - unchanged
    out["net_change"] = out["closing"] - out["opening"]
    return out[list(EXTENT_ITEMS)].reset_index()


def with_total(matrix: pd.DataFrame, total_id: str) -> pd.DataFrame:
    """The matrix with a total zone (``total_id``) that is the sum of all zones."""
    tot = matrix.groupby(["from_type", "to_type"], sort=False)["area_ha"].sum().reset_index()
    tot.insert(0, ZONE_ID, total_id)
    return pd.concat([matrix, tot], ignore_index=True)
