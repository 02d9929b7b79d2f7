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

from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import rasterio
import shapely
from exactextract.raster import NumPyRasterSource, RasterioRasterSource
from rasterio.enums import Resampling
from rasterio.errors import WindowError
from rasterio.vrt import WarpedVRT
from rasterio.windows import Window
from shapely.geometry import box

from naturkapital.core.errors import InputError
from naturkapital.io.local import Source, source_name
from naturkapital.io.rasters import cell_area_ha, open_raster
from naturkapital.io.zonal import extract_arrays, feature_batches, flatten

#: Largest raster window (cells) read into memory for one batch; beyond it the batch
#: is read feature by feature through rasterio (same cells, same coverage).
MAX_WINDOW_CELLS = 16_000_000
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

    carbon: Source
    water_table: Source
    peat_depth: Source
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


class _CellsView(Mapping):
    """Read-only ``parcel id → ParcelCells`` view of the flat per-cell arrays."""

    def __init__(self, ext: Extraction) -> None:
        self._ext = ext
        self._pos = {pid: i for i, pid in enumerate(ext.parcel_ids)}

    def __getitem__(self, pid: str) -> ParcelCells:
        e = self._ext
        i = self._pos[pid]
        sl = slice(e.offsets[i], e.offsets[i + 1])
        return ParcelCells(area_ha=e.area_ha[sl], carbon=e.carbon[sl], gvsmax=e.gvsmax[sl],
                           peat=e.peat[sl], parcel_ha=float(e.parcel_ha[i]))

    def __iter__(self) -> Iterator[str]:
        return iter(self._ext.parcel_ids)

    def __len__(self) -> int:
        return len(self._ext.parcel_ids)


@dataclass(frozen=True)
class Extraction:
    """All parcels' cells plus the grid they were read on.

    The cells are stored flat, parcel after parcel in the order of ``parcel_ids``
    (cells of parcel ``i`` are ``offsets[i]:offsets[i + 1]``, sorted by cell id);
    ``parcel_index`` gives each cell's parcel position. ``cells`` is a
    ``parcel id → ParcelCells`` view of the same arrays.
    """

    parcel_ids: list[str]
    offsets: np.ndarray
    parcel_ha: np.ndarray
    area_ha: np.ndarray
    carbon: np.ndarray
    gvsmax: np.ndarray
    peat: np.ndarray
    crs: str
    cell_ha: float
    aligned: bool

    @property
    def cells(self) -> Mapping[str, ParcelCells]:
        view = self.__dict__.get("_view")
        if view is None:
            view = _CellsView(self)
            object.__setattr__(self, "_view", view)
        return view

    @property
    def parcel_index(self) -> np.ndarray:
        return np.repeat(np.arange(len(self.parcel_ids)), np.diff(self.offsets))

    @classmethod
    def from_cells(cls, cells: Mapping[str, ParcelCells], crs: str = "",
                   cell_ha: float = float("nan")) -> Extraction:
        """An extraction from per-parcel cells (e.g. values given per polygon instead
        of read from rasters), parcels in the order of ``cells``."""
        ids = list(cells)
        parts = [cells[pid] for pid in ids]
        offsets = np.zeros(len(ids) + 1, dtype=np.int64)
        np.cumsum([p.area_ha.size for p in parts], out=offsets[1:])

        def cat(attr: str) -> np.ndarray:
            arrays = [np.asarray(getattr(p, attr), dtype=float) for p in parts]
            return np.concatenate(arrays) if arrays else np.array([], dtype=float)

        return cls(parcel_ids=ids, offsets=offsets,
                   parcel_ha=np.array([p.parcel_ha for p in parts], dtype=float),
                   area_ha=cat("area_ha"), carbon=cat("carbon"), gvsmax=cat("gvsmax"),
                   peat=cat("peat"), crs=crs, cell_ha=cell_ha, aligned=False)


def segment_sums(idx: np.ndarray, weights: np.ndarray, n: int) -> np.ndarray:
    """Sum of ``weights`` per parcel index (``idx`` sorted ascending, values 0…n−1),
    with ``np.add.reduceat`` over each parcel's segment."""
    counts = np.bincount(idx, minlength=n)
    out = np.zeros(n)
    if weights.size:
        starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
        nz = counts > 0
        out[nz] = np.add.reduceat(weights, starts[nz])
    return out


def check_same_grid(ref: rasterio.DatasetReader, other: rasterio.DatasetReader,
                    other_path: Source, what: str, ref_name: str) -> None:
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
                check_same_grid(carbon, ds, path, what,
                                f"carbon raster {source_name(r.carbon)}")
            sources.append(RasterioRasterSource(ds, 1, name=name))
        yield carbon, sources


def check_overlap(parcels: gpd.GeoDataFrame, carbon: rasterio.DatasetReader,
                  rasters: LowlandRasters, parcels_source: str) -> None:
    """Raise an InputError naming ``parcels_source`` when no parcel (in the carbon
    raster's CRS) overlaps the carbon raster."""
    if not parcels.intersects(box(*carbon.bounds)).any():
        raise InputError(parcels_source, f"every parcel lies outside the carbon raster "
                                         f"{rasters.carbon} (outside the area it covers, "
                                         "e.g. in the sea or another municipality; "
                                         "check the CRS and extent)")


def on_carbon_grid(parcels: gpd.GeoDataFrame, rasters: LowlandRasters,
                   parcels_source: str = "parcels") -> gpd.GeoDataFrame:
    """The parcels in the carbon raster's CRS, checked by :func:`check_overlap`
    (reprojected once for all chunks: :func:`extract_cells` then only copies them)."""
    with open_raster(rasters.carbon, 1, "carbon raster") as carbon:
        pr = parcels.to_crs(carbon.crs)
        check_overlap(pr, carbon, rasters, parcels_source)
    return pr


def extract_cells(parcels: gpd.GeoDataFrame, rasters: LowlandRasters,
                  parcels_source: str = "parcels",
                  progress: Callable[[int], None] | None = None,
                  checks: bool = True) -> Extraction:
    """Cells of every parcel (column ``parcel_id``) on the carbon grid.

    Parcels go to exactextract in batches (:func:`naturkapital.io.zonal.feature_batches`);
    for each batch the rasters' window around the batch is read once, exactextract gives
    each parcel's cells (ids and covered fractions) on that window's grid, and the three
    maps' values are taken at those cells by index. A batch whose window would be too
    large goes to exactextract with the three maps as sources, joined by cell id.

    Raises :class:`InputError` when no parcel overlaps the carbon raster, or when a
    raster holds values outside its physical range (OC 0–100 %, peat depth ≥ 0 cm);
    ``checks=False`` leaves both to the caller (a chunk of a larger set of parcels:
    :func:`check_overlap`, :func:`value_ranges`, :func:`check_ranges`).
    """
    with open_lowland_rasters(rasters) as (carbon, sources):
        pr = parcels.to_crs(carbon.crs)
        if checks:
            check_overlap(pr, carbon, rasters, parcels_source)
        cell_ha = cell_area_ha(carbon)
        n = len(pr)
        parcel_ha = np.asarray(pr.geometry.area, dtype=float) / 10_000.0
        pieces: list[tuple[np.ndarray, ...]] = []
        seen = np.zeros(n, dtype=bool)
        geoms = np.asarray(pr.geometry.values, dtype=object)
        wkt = carbon.crs.to_wkt()
        for sl in feature_batches(pr, carbon.res):
            part = geoms[sl]
            window = _batch_window(carbon, shapely.total_bounds(part))
            if window is None:  # too large to read at once: the three maps as sources
                res = extract_arrays(part, sources, ["values", "coverage", "cell_id"],
                                     sl.start, wkt)
                piece = _join_batch(res, carbon.width * carbon.height)
            else:
                grid, maps = _read_window(carbon, sources, window)
                res = extract_arrays(part, grid, ["coverage", "cell_id"], sl.start, wkt)
                piece = _take_cells(res, maps)
            seen[np.asarray(res["_i"], dtype=np.int64)] = True
            pieces.append(piece)
            if progress:
                progress(len(part))
        crs = carbon.crs.to_string()
    idx, cover, carbon_v, water, peat = (np.concatenate(x) for x in zip(*pieces, strict=True))
    if rasters.positive_depths:
        water = -water
    parcel_ha[~seen] = 0.0  # parcels exactextract returned nothing for: no cells, no area
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(idx, minlength=n), out=offsets[1:])
    ext = Extraction(parcel_ids=pr[PARCEL_ID].tolist(), offsets=offsets, parcel_ha=parcel_ha,
                     area_ha=cover * cell_ha, carbon=carbon_v, gvsmax=water, peat=peat,
                     crs=crs, cell_ha=cell_ha, aligned=rasters.align)
    if checks:
        check_ranges(value_ranges(ext), rasters)
    return ext


def _batch_window(carbon: rasterio.DatasetReader, bounds: np.ndarray) -> Window | None:
    """The carbon grid's window around ``bounds`` (a cell of margin), or None when it is
    empty or larger than :data:`MAX_WINDOW_CELLS`."""
    full = Window(0, 0, carbon.width, carbon.height)
    try:
        w = carbon.window(*bounds)
        w = Window(int(np.floor(w.col_off)) - 1, int(np.floor(w.row_off)) - 1,
                   int(np.ceil(w.width)) + 3, int(np.ceil(w.height)) + 3).intersection(full)
    except (WindowError, ValueError):
        return None
    return None if w.width * w.height > MAX_WINDOW_CELLS else w


def _read_window(carbon: rasterio.DatasetReader, sources: list[RasterioRasterSource],
                 w: Window) -> tuple[NumPyRasterSource, list[np.ndarray]]:
    """The three maps' cells in window ``w`` as flat float64 arrays (nodata → NaN), and a
    grid source of the window (zeros, no nodata) for exactextract's coverage."""
    xmin, ymin, xmax, ymax = rasterio.windows.bounds(w, carbon.transform)
    maps = []
    for s in sources:
        read = s.ds.read(s.band_idx, window=w, masked=True)
        arr = np.ma.getdata(read).astype(np.float64)  # plain arrays: masked ones are slow
        if s.scaled:
            arr *= s.scale
            arr += s.offset
        arr[np.ma.getmaskarray(read)] = np.nan
        maps.append(arr.ravel())
    grid = NumPyRasterSource(np.zeros((int(w.height), int(w.width)), dtype=np.uint8),
                             xmin, ymin, xmax, ymax, name="grid",
                             srs_wkt=carbon.crs.to_wkt())
    return grid, maps


def _take_cells(res, maps: list[np.ndarray]) -> tuple[np.ndarray, ...]:
    """One batch's cells from exactextract's coverage and cell ids on the window grid:
    parcel index, coverage, carbon, water and peat per cell (NaN where a map has no
    data), cells where all three maps have no data left out, sorted by parcel and cell
    id — the same cells and order as :func:`_join_batch` gives."""
    pidx = np.asarray(res["_i"], dtype=np.int64)
    ids_col = res["cell_id"]
    lens = np.fromiter((len(x) for x in ids_col), dtype=np.int64, count=len(ids_col))
    ids = flatten(ids_col, np.int64)
    cover = flatten(res["coverage"], float)
    idx = np.repeat(pidx, lens)
    key = idx * maps[0].size + ids
    if key.size > 1 and not (np.diff(key) > 0).all():  # exactextract gives them sorted
        order = np.argsort(key, kind="stable")
        idx, ids, cover = idx[order], ids[order], cover[order]
    vals = [m[ids] for m in maps]
    keep = ~(np.isnan(vals[0]) & np.isnan(vals[1]) & np.isnan(vals[2]))
    if not keep.all():
        idx, cover, vals = idx[keep], cover[keep], [v[keep] for v in vals]
    return (idx, cover, *vals)


def _join_batch(res, ncell: int) -> tuple[np.ndarray, ...]:
    """Join one batch's three rasters by (parcel, cell id); a missing cell is NaN.

    Returns parcel index, coverage, carbon, water and peat per cell, sorted by parcel
    and cell id (the order the per-parcel join gave)."""
    pidx = np.asarray(res["_i"], dtype=np.int64)
    keys, vals, covs = [], [], []
    for name in NAMES:
        ids = res[f"{name}_cell_id"]
        lens = np.fromiter((len(x) for x in ids), dtype=np.int64, count=len(ids))
        keys.append(np.repeat(pidx, lens) * ncell + flatten(ids, np.int64))
        vals.append(flatten(res[f"{name}_values"], float))
        covs.append(flatten(res[f"{name}_coverage"], float))
    all_keys = np.unique(np.concatenate(keys))
    cover = np.zeros(all_keys.size)
    arrays = []
    for k, v, c in zip(keys, vals, covs, strict=True):
        out = np.full(all_keys.size, np.nan)
        pos = np.searchsorted(all_keys, k)
        out[pos] = v
        cover[pos] = np.maximum(cover[pos], c)
        arrays.append(out)
    return (all_keys // ncell, cover, *arrays)


#: The three maps' values as the extraction names them.
MAPS = ("carbon", "gvsmax", "peat")


@dataclass(frozen=True)
class ValueRanges:
    """Number of cells and each map's lowest and highest value inside the parcels
    (NaN: no data)."""

    cells: int
    low: dict[str, float]
    high: dict[str, float]


def value_ranges(ext: Extraction) -> ValueRanges:
    """The value ranges of an extraction."""
    def ends(reduce: np.ufunc) -> dict[str, float]:
        return {a: float(reduce.reduce(v)) if v.size else np.nan
                for a in MAPS for v in (getattr(ext, a),)}

    return ValueRanges(int(ext.carbon.size), ends(np.fmin), ends(np.fmax))


def combine_ranges(parts: list[ValueRanges]) -> ValueRanges:
    """The ranges of several extractions together."""
    return ValueRanges(sum(p.cells for p in parts),
                       {a: float(np.fmin.reduce([p.low[a] for p in parts])) for a in MAPS},
                       {a: float(np.fmax.reduce([p.high[a] for p in parts])) for a in MAPS})


def check_ranges(ranges: ValueRanges, r: LowlandRasters) -> None:
    """Raise an InputError naming the raster when a map has no data inside any parcel
    or values outside its physical range (OC 0–100 %, peat depth ≥ 0 cm); nothing to
    check without cells."""
    if not ranges.cells:
        return
    for attr, path, what in (("carbon", r.carbon, "carbon raster"),
                             ("gvsmax", r.water_table, "water-table raster"),
                             ("peat", r.peat_depth, "peat-depth raster")):
        if np.isnan(ranges.low[attr]):
            raise InputError(path, f"the {what} has no data inside any parcel (every "
                                   "cell there is nodata); check the nodata value and "
                                   "the extent")
    lo, hi = ranges.low["carbon"], ranges.high["carbon"]
    if lo < 0 or hi > 100:
        raise InputError(r.carbon, f"carbon raster values must be organic carbon in % (0–100)"
                                   f"; found {lo:g} to {hi:g} inside the parcels "
                                   "(g/kg? class codes? set the nodata value?)")
    if ranges.low["peat"] < 0:
        raise InputError(r.peat_depth, f"peat depth must be cm ≥ 0; found "
                                       f"{ranges.low['peat']:g} inside the parcels "
                                       "(set the nodata value?)")
