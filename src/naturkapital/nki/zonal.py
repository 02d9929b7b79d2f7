"""Zonal extraction: area of every class code in every zone, with exact cell coverage.

Cells cut by a zone boundary count by the fraction the zone covers (exactextract).
Zones are reprojected to the raster's CRS; the class raster is never resampled. An
optional bioscore raster is aligned to the class grid by *average* resampling (it is
continuous) and summed per class as area × nature value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import shapely
from exactextract.raster import NumPyRasterSource, RasterioRasterSource
from rasterio.enums import Resampling
from rasterio.vrt import WarpedVRT
from shapely.geometry import box

from naturkapital.core.errors import InputError
from naturkapital.io.rasters import cell_area_ha, open_raster
from naturkapital.io.vectors import ZONE_ID
from naturkapital.io.zonal import extract_arrays, feature_batches, flatten, window_source
from naturkapital.landcover.bioscore import BioscoreRule
from naturkapital.landcover.sources import Landcover

if TYPE_CHECKING:
    from naturkapital.landcover.context import ContextProxy

#: Block edge in cells of the Dask engine (a multiple of the usual 256/512 GeoTIFF tile).
CHUNK = 2048


@dataclass(frozen=True)
class ZonalAreas:
    """Result of the extraction.

    ``classes``: one row per (zone_id, value) with ``area_ha`` and, when a bioscore
    raster was given, ``bio_area_ha`` (area with a bioscore) and ``bio_value_ha``
    (Σ area × nature value from the bioscore, ha·points).
    ``zones``: one row per zone_id with ``area_ha`` (zone polygon area in the raster
    CRS) and ``mapped_ha`` (area with a valid class code).
    """

    classes: pd.DataFrame
    zones: pd.DataFrame


@dataclass(frozen=True)
class DaskEngine:
    """Run :func:`zonal_class_areas` on the chunked Dask engine
    (:mod:`naturkapital.nki.chunked`): same numbers, bounded memory.

    ``scheduler``: ``threads``, ``processes``, ``synchronous``, ``local[:N]`` or a Dask
    scheduler address (see :mod:`naturkapital.engine.scheduler`); ``chunk``: block edge
    in cells, a multiple of 64; ``workers``: threads/processes of the local schedulers;
    ``context``: the context proxy (per-cell nature values from a moving window, blocks
    read with a halo; summed like a bioscore). Memory is bounded by roughly
    60 bytes × chunk² per worker thread (about 250 MB at the default 2048) plus the zones.
    """

    scheduler: str = "threads"
    chunk: int = CHUNK
    workers: int | None = None
    context: ContextProxy | None = None


def zonal_class_areas(
    zones: gpd.GeoDataFrame,
    landcover: Landcover,
    zones_source: str = "zones",
    bioscore: Path | None = None,
    rule: BioscoreRule | None = None,
    progress: Callable[[int], None] | None = None,
    cell_values: Callable[[rasterio.DatasetReader], np.ndarray] | None = None,
    dask: DaskEngine | None = None,
) -> ZonalAreas:
    """Area (ha) of each class code per zone, exact at zone boundaries.

    ``progress`` is called with the number of zones finished since the last call.
    ``cell_values`` (instead of a bioscore): a function of the open class raster that
    returns a nature value per cell on its grid (e.g. the context proxy); it is summed
    per class like a bioscore (``bio_area_ha``, ``bio_value_ha``).
    Raises :class:`InputError` when no zone overlaps the raster, when the zones hold
    only nodata, or when class codes are missing from the scheme.
    ``dask``: run on the chunked Dask engine instead of in memory (its ``context``
    takes the place of ``cell_values``).
    """
    if dask is not None:
        from naturkapital.nki.chunked import chunked_class_areas

        return chunked_class_areas(zones, landcover, zones_source, bioscore, rule, progress,
                                   dask)
    with open_raster(landcover.path, landcover.band, "land-cover raster") as ds:
        zr = zones_on_raster(zones, ds, zones_source, landcover.path)
        cell_ha = cell_area_ha(ds)
        source = RasterioRasterSource(ds, landcover.band)
        weights = _aligned_bioscore(bioscore, ds) if bioscore is not None else None
        if weights is None and cell_values is not None:
            weights = _values_source(cell_values(ds), ds)
        ops = ["values", "coverage"] + (["weights"] if weights is not None else [])
        geoms = np.asarray(zr.geometry.values, dtype=object)
        ids = zr[ZONE_ID].to_numpy()
        wkt = ds.crs.to_wkt()
        parts = []
        try:
            for sl in feature_batches(zr, ds.res):
                src = window_source(source, shapely.total_bounds(geoms[sl]))
                res = extract_arrays(geoms[sl], src, ops, sl.start, wkt, weights=weights)
                parts.append(_class_table(res, ids, weights is not None, cell_ha, rule))
                if progress:
                    progress(sl.stop - sl.start)
        finally:
            if weights is not None and bioscore is not None:
                weights.ds.src_dataset.close()
                weights.ds.close()
    classes = pd.concat(parts, ignore_index=True) if parts else _class_table(
        {"_i": [], "values": [], "coverage": []}, ids, False, cell_ha, None)
    return assemble(classes, zr, landcover, bioscore, cell_values is not None)


def zones_on_raster(zones: gpd.GeoDataFrame, ds: rasterio.DatasetReader, zones_source: str,
                    raster: Path) -> gpd.GeoDataFrame:
    """Zones reprojected to the raster's CRS; InputError when none overlaps it."""
    zr = zones.to_crs(ds.crs)
    if not zr.intersects(box(*ds.bounds)).any():
        raise InputError(zones_source, f"no zone overlaps the land-cover raster "
                                       f"{raster.name} (check the CRS and extent)")
    return zr


def unknown_codes_error(landcover: Landcover, codes: list) -> InputError:
    """The error for class codes missing from the scheme."""
    return InputError(landcover.path, f"class code(s) {', '.join(map(str, codes))} are not "
                                      f"in scheme '{landcover.scheme.name}'; add them to the "
                                      "scheme CSV")


def assemble(classes: pd.DataFrame, zr: gpd.GeoDataFrame, landcover: Landcover,
             bioscore: Path | None, with_values: bool = False) -> ZonalAreas:
    """Per-class rows → :class:`ZonalAreas`, with the zone table and the final checks
    (only nodata in the zones, class codes missing from the scheme, a ``bioscore``
    raster with no data inside any zone) — shared by both engines. ``with_values``: the
    weights were per-cell nature values (the context proxy), kept like a bioscore's."""
    zone_table = pd.DataFrame({
        ZONE_ID: zr[ZONE_ID].to_numpy(),
        "area_ha": zr.geometry.area.to_numpy() / 10_000.0,
    })
    mapped = classes.groupby(ZONE_ID)["area_ha"].sum()
    zone_table["mapped_ha"] = zone_table[ZONE_ID].map(mapped).fillna(0.0)
    if zone_table["mapped_ha"].sum() <= 0:
        raise InputError(landcover.path, "only nodata inside the zones (no mapped cells); "
                                         "check the zones and the raster's nodata value")
    unknown = landcover.scheme.unknown(classes["value"].unique())
    if unknown:
        raise unknown_codes_error(landcover, unknown)
    if bioscore is None and not with_values:
        classes = classes.drop(columns=["bio_area_ha", "bio_value_ha"])
    elif bioscore is not None and not (classes["bio_area_ha"].fillna(0) > 0).any():
        raise InputError(bioscore, "the bioscore raster has no data inside any zone (every "
                                   "cell there is nodata); check its nodata value and extent")
    return ZonalAreas(classes=classes, zones=zone_table)


def _class_table(res: dict[str, list], ids: np.ndarray, with_weights: bool, cell_ha: float,
                 rule: BioscoreRule | None) -> pd.DataFrame:
    """(zone, class code, area ha, bio area ha, bio value ha·points) per class present in
    each zone of one batch (exactextract's lists, :func:`naturkapital.io.zonal.
    extract_arrays`); zones in batch order, codes ascending within a zone.

    One ``np.bincount`` over the key (zone, class) for the whole batch: each sum runs over
    the zone's cells in exactextract's order, as a per-zone ``bincount`` would."""
    pos = np.asarray(res["_i"], dtype=np.int64)
    lens = np.fromiter((len(v) for v in res["values"]), dtype=np.int64, count=len(pos))
    values = flatten(res["values"], np.float64).astype(np.int64)
    area = flatten(res["coverage"], np.float64) * cell_ha
    codes, code_idx = np.unique(values, return_inverse=True)
    k = max(codes.size, 1)
    key = np.repeat(np.arange(len(pos), dtype=np.int64), lens) * k + code_idx.ravel()
    nbins = len(pos) * k
    present = np.flatnonzero(np.bincount(key, minlength=nbins))
    class_area = np.bincount(key, weights=area, minlength=nbins)[present]
    if with_weights:
        nature = flatten(res["weights"], np.float64)
        nature = rule.apply(nature) if rule is not None else nature
        has = ~np.isnan(nature)
        bio_area = np.bincount(key, weights=area * has, minlength=nbins)[present]
        bio_val = np.bincount(key, weights=np.where(has, area * nature, 0.0),
                              minlength=nbins)[present]
    else:
        bio_area = bio_val = np.full(present.size, np.nan)
    return pd.DataFrame({ZONE_ID: ids[pos[present // k]], "value": codes[present % k],
                         "area_ha": class_area, "bio_area_ha": bio_area,
                         "bio_value_ha": bio_val})


def _values_source(values: np.ndarray, grid: rasterio.DatasetReader) -> NumPyRasterSource:
    """Per-cell values on the class grid as an exactextract weights source (NaN = none)."""
    xmin, ymin, xmax, ymax = grid.bounds
    return NumPyRasterSource(np.asarray(values, dtype=np.float64), xmin, ymin, xmax, ymax,
                             srs_wkt=grid.crs.to_wkt())


def _aligned_bioscore(path: Path, grid: rasterio.DatasetReader) -> RasterioRasterSource:
    """Bioscore raster on the class raster's grid (average resampling, it is continuous)."""
    src = open_raster(path, 1, "bioscore raster")
    vrt = WarpedVRT(src, crs=grid.crs, transform=grid.transform, width=grid.width,
                    height=grid.height, resampling=Resampling.average,
                    src_nodata=src.nodata, nodata=np.nan, dtype="float32")
    return RasterioRasterSource(vrt, 1)
