"""Per-cell values of the three lowland maps inside each parcel, with exact coverage.

The carbon raster (organic carbon, % OC) defines the grid. Parcels are reprojected to
its CRS; the carbon raster is never resampled. The water-table raster (GVSmax, cm
relative to the surface, negative below it) and the peat-depth raster (cm) must be on
exactly the same grid (CRS, cell size, origin, size); otherwise the run stops with an
:class:`InputError` — unless ``align=True``, which warps them onto the carbon grid by
*average* resampling (cell-area weighted mean of the source cells, nodata ignored;
both are continuous quantities). Cells cut by a parcel boundary count by the fraction
the parcel covers (exactextract). Nodata cells are kept as NaN, never as zero.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import rasterio
from exactextract import exact_extract
from exactextract.raster import RasterioRasterSource
from rasterio.enums import Resampling
from rasterio.vrt import WarpedVRT
from shapely.geometry import box

from naturkapital.errors import InputError
from naturkapital.io.rasters import cell_area_ha, open_raster

#: Parcels per exactextract call; progress advances per batch.
BATCH = 64
PARCEL_ID = "parcel_id"
NAMES = ("carbon", "water", "peat")


@dataclass(frozen=True)
class LowlandRasters:
    """The user's three maps.

    ``carbon``: organic carbon in % (0–100), the Kulstof 2022 form.
    ``water_table``: GVSmax in cm relative to the surface, negative below it; with
    ``positive_depths`` the raster holds depths below the surface as positive cm.
    ``peat_depth``: peat thickness from the surface, cm (≥ 0).
    ``align``: warp water table and peat depth onto the carbon grid (average).
    """

    carbon: Path
    water_table: Path
    peat_depth: Path
    positive_depths: bool = False
    align: bool = False


@dataclass(frozen=True)
class ParcelCells:
    """Cells of one parcel. Arrays have one entry per cell touched by the parcel.

    ``area_ha``: covered area of each cell (coverage fraction × cell area), ha.
    ``carbon`` % OC, ``gvsmax`` cm relative to the surface (negative below),
    ``peat`` cm; NaN where the map has no data. ``parcel_ha``: the polygon's area in
    the raster CRS, ha (includes any part outside the rasters).
    """

    area_ha: np.ndarray
    carbon: np.ndarray
    gvsmax: np.ndarray
    peat: np.ndarray
    parcel_ha: float


@dataclass(frozen=True)
class Extraction:
    """All parcels' cells plus the grid they were read on."""

    cells: dict[str, ParcelCells]
    crs: str
    cell_ha: float
    aligned: bool


def check_same_grid(ref: rasterio.DatasetReader, other: rasterio.DatasetReader,
                    other_path: Path, what: str, ref_name: str) -> None:
    """Raise an InputError naming ``other_path`` if its grid differs from ``ref``'s."""
    problems = []
    if other.crs != ref.crs:
        problems.append(f"CRS {other.crs} vs {ref.crs}")
    if not np.allclose(other.res, ref.res, rtol=0, atol=1e-6 * min(ref.res)):
        problems.append(f"cell size {other.res[0]:g} m vs {ref.res[0]:g} m")
    elif not np.allclose((other.transform.c, other.transform.f),
                         (ref.transform.c, ref.transform.f), rtol=0, atol=1e-3 * ref.res[0]):
        problems.append(f"origin ({other.transform.c:g}, {other.transform.f:g}) vs "
                        f"({ref.transform.c:g}, {ref.transform.f:g})")
    elif (other.width, other.height) != (ref.width, ref.height):
        problems.append(f"size {other.width}×{other.height} vs {ref.width}×{ref.height} cells")
    if problems:
        raise InputError(other_path, f"{what} is not on the grid of the {ref_name} "
                                     f"({'; '.join(problems)}); warp it onto that grid "
                                     "(e.g. gdalwarp) or pass --align to resample it by "
                                     "cell-area average")


@contextmanager
def open_lowland_rasters(r: LowlandRasters) -> Iterator[tuple[rasterio.DatasetReader,
                                                                list[RasterioRasterSource]]]:
    """Open the three rasters as exactextract sources on the carbon grid."""
    with ExitStack() as stack:
        carbon = stack.enter_context(open_raster(r.carbon, 1, "carbon raster"))
        sources = [RasterioRasterSource(carbon, 1, name="carbon")]
        for path, name, what in ((r.water_table, "water", "water-table raster"),
                                 (r.peat_depth, "peat", "peat-depth raster")):
            ds = stack.enter_context(open_raster(path, 1, what))
            if r.align:
                ds = stack.enter_context(WarpedVRT(
                    ds, crs=carbon.crs, transform=carbon.transform, width=carbon.width,
                    height=carbon.height, resampling=Resampling.average,
                    src_nodata=ds.nodata, nodata=np.nan, dtype="float32"))
            else:
                check_same_grid(carbon, ds, Path(path), what, f"carbon raster "
                                                              f"{Path(r.carbon).name}")
            sources.append(RasterioRasterSource(ds, 1, name=name))
        yield carbon, sources


def extract_cells(parcels: gpd.GeoDataFrame, rasters: LowlandRasters,
                  parcels_source: str = "parcels",
                  progress: Callable[[int], None] | None = None) -> Extraction:
    """Cells of every parcel (column ``parcel_id``) on the carbon grid.

    Raises :class:`InputError` when no parcel overlaps the carbon raster, or when a
    raster holds values outside its physical range (OC 0–100 %, peat depth ≥ 0 cm).
    """
    with open_lowland_rasters(rasters) as (carbon, sources):
        pr = parcels.to_crs(carbon.crs)
        if not pr.intersects(box(*carbon.bounds)).any():
            raise InputError(parcels_source, f"no parcel overlaps the carbon raster "
                                             f"{Path(rasters.carbon).name} (check the CRS "
                                             "and extent)")
        cell_ha = cell_area_ha(carbon)
        cells: dict[str, ParcelCells] = {}
        for start in range(0, len(pr), BATCH):
            part = pr.iloc[start:start + BATCH]
            res = exact_extract(sources, part[[PARCEL_ID, "geometry"]],
                                ["values", "coverage", "cell_id"], include_cols=[PARCEL_ID],
                                output="pandas")
            areas = dict(zip(part[PARCEL_ID], part.geometry.area / 10_000.0, strict=True))
            for rec in res.to_dict("records"):
                pid = rec[PARCEL_ID]
                cells[pid] = _join_cells(rec, cell_ha, areas[pid], rasters.positive_depths)
            if progress:
                progress(len(part))
        crs = carbon.crs.to_string()
    _check_ranges(cells, rasters)
    return Extraction(cells=cells, crs=crs, cell_ha=cell_ha, aligned=rasters.align)


def _join_cells(rec: dict, cell_ha: float, parcel_ha: float,
                positive_depths: bool) -> ParcelCells:
    """Join the three rasters' cells by cell id; a cell missing in one raster is NaN."""
    ids = [np.asarray(rec[f"{n}_cell_id"], dtype=np.int64) for n in NAMES]
    all_ids = np.unique(np.concatenate(ids)) if any(i.size for i in ids) else np.array(
        [], dtype=np.int64)
    cover = np.zeros(all_ids.size)
    arrays = []
    for n, cid in zip(NAMES, ids, strict=True):
        vals = np.full(all_ids.size, np.nan)
        pos = np.searchsorted(all_ids, cid)
        vals[pos] = np.asarray(rec[f"{n}_values"], dtype=float)
        cover[pos] = np.maximum(cover[pos], np.asarray(rec[f"{n}_coverage"], dtype=float))
        arrays.append(vals)
    carbon, water, peat = arrays
    if positive_depths:
        water = -water
    return ParcelCells(area_ha=cover * cell_ha, carbon=carbon, gvsmax=water, peat=peat,
                       parcel_ha=float(parcel_ha))


def _check_ranges(cells: dict[str, ParcelCells], r: LowlandRasters) -> None:
    def seen(attr: str) -> np.ndarray:
        arr = [getattr(c, attr) for c in cells.values()]
        v = np.concatenate(arr) if arr else np.array([])
        return v[~np.isnan(v)]

    oc = seen("carbon")
    if oc.size and (oc.min() < 0 or oc.max() > 100):
        raise InputError(r.carbon, f"carbon raster values must be organic carbon in % (0–100)"
                                   f"; found {oc.min():g} to {oc.max():g} inside the parcels "
                                   "(g/kg? class codes? set the nodata value?)")
    peat = seen("peat")
    if peat.size and peat.min() < 0:
        raise InputError(r.peat_depth, f"peat depth must be cm ≥ 0; found {peat.min():g} "
                                       "inside the parcels (set the nodata value?)")
