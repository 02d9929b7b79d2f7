"""Chunked zonal extraction on Dask: class areas (and bioscore sums) per zone, any size.

The same numbers as :func:`naturkapital.nki.zonal.zonal_class_areas` (exactextract over
the whole raster), computed block by block so memory stays bounded whatever the
raster size, and in parallel on any Dask scheduler.

How one block (``chunk`` × ``chunk`` cells, default 2048) is reduced:

1. The class raster (and the bioscore raster) are opened lazily with rioxarray (not
   loaded); a Dask array of one task per block reduces the blocks, and each task
   reads only its own window. Blocks that touch no zone are not read.
2. GDAL (``rasterio.features.rasterize``) burns, for the block's window, (a) the zone
   id of every cell whose centre lies in a zone and (b) an *edge* mask: every cell
   that a zone boundary touches (``all_touched``). A cell off the edge mask lies
   wholly inside one zone or wholly outside all, so its coverage is exactly 1 or 0
   and the centre rule gives its zone.
3. Interior cells: one ``np.bincount`` over the key zone × class × bioscore-class.
4. Edge cells: exact coverage fractions from exactextract — the same library and
   the same cell geometry as the in-memory path — but only where needed: each zone
   is cut (GEOS) into pieces on 64 × 64-cell sub-tiles that hold edge cells, and one
   exactextract call per block returns the fraction of every edge cell in every
   piece; these are added to the bincount as weights.
5. The block results (small vectors of cell counts) are summed by a Dask tree
   reduction; areas are counts × the cell area.

Zones that overlap are put in separate non-overlapping layers, one burn each, so an
overlapped cell counts for every zone that covers it, as in exactextract. With an
integer bioscore raster on the class grid, the nature value of each bioscore value
is looked up once (exact, no float sums per cell); otherwise the bioscore is aligned
to the class grid by GDAL average resampling exactly like the in-memory path.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dask
import dask.array as da
import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import shapely
from affine import Affine
from exactextract import exact_extract
from exactextract._exactextract import Feature
from exactextract.feature import FeatureSource
from exactextract.raster import NumPyRasterSource
from rasterio.enums import Resampling
from rasterio.errors import NotGeoreferencedWarning
from rasterio.features import rasterize
from rasterio.vrt import WarpedVRT

from naturkapital.core.errors import InputError
from naturkapital.engine.scheduler import check_scheduler, dask_runner
from naturkapital.io.rasters import cell_area_ha, open_raster
from naturkapital.io.vectors import ZONE_ID
from naturkapital.landcover.bioscore import BioscoreRule
from naturkapital.landcover.context import ContextProxy, cell_values, pad_fill
from naturkapital.landcover.scheme import Scheme
from naturkapital.landcover.sources import Landcover
from naturkapital.nki.zonal import (
    CHUNK,
    DaskEngine,
    ZonalAreas,
    assemble,
    unknown_codes_error,
    zones_on_raster,
)

# Under the threaded scheduler, concurrent rasterize calls now and then warn that their
# in-memory raster has no geotransform although it has one and the burn is correct
# (checked: 1 600 burns in 4 threads, all identical to the single-thread burn; likely
# a thread-safety gap in rasterio's warning check). Silence only that message there.
warnings.filterwarnings("ignore", message="Dataset has no geotransform",
                        category=NotGeoreferencedWarning, module="rasterio.features")

#: Sub-tile edge in cells for the exact edge pieces.
SUBTILE = 64
#: GDAL block cache (MB) while the engine reads: every block is read once, so a large
#: cache only grows memory (the default, 5 % of RAM, held 1.3 GB per process here).
GDAL_CACHE_MB = 64
#: Largest raw integer range handled by a lookup table (16-bit rasters).
LUT_MAX = 1 << 16


# ---------------------------------------------------------------------------------------
# exactextract input from WKB pieces (avoids GeoJSON conversion of every piece)


class _WKBFeature(Feature):
    def __init__(self, wkb: bytes) -> None:
        Feature.__init__(self)
        self.wkb = wkb

    def geometry(self) -> bytes:
        return self.wkb

    def get(self, name: str) -> Any:
        raise KeyError(name)

    def fields(self) -> list[str]:
        return []

    def set(self, name: str, value: Any) -> None:  # exactextract writes nothing back here
        pass

    def set_geometry(self, wkb: bytes) -> None:
        self.wkb = wkb

    def set_geometry_format(self) -> str:
        return "wkb"


class _WKBSource(FeatureSource):
    def __init__(self, wkbs: Sequence[bytes], srs_wkt: str) -> None:
        super().__init__()
        self.wkbs = wkbs
        self.wkt = srs_wkt

    def count(self) -> int:
        return len(self.wkbs)

    def __iter__(self):
        for w in self.wkbs:
            yield _WKBFeature(w)

    def srs_wkt(self) -> str:
        return self.wkt


# ---------------------------------------------------------------------------------------
# Plan: everything a block task needs, shipped once to each worker


@dataclass
class _Codes:
    """Raw raster value → compact slot index.

    Class codes: slots 0..n-1 are the scheme codes (``sorted_values``), n is "unknown
    code", n+1 is nodata (skipped). Bioscore: slots 0..n-1 are the distinct nature
    values (``sorted_values``, 0–100), n is "no bioscore".
    """

    lut: np.ndarray | None  # integer rasters ≤ 16 bit: slot = lut[raw - offset]
    offset: int
    sorted_values: np.ndarray
    n: int
    nodata: float | None


@dataclass
class _Sources:
    """Lazy (not loaded) rioxarray views of the inputs; a task reads only its window."""

    classes: Any  # xarray.DataArray (band, y, x), opened with lock=False
    band: int  # 0-based band index
    bioscore: Any = None  # xarray.DataArray or None (aligned to the class grid)
    bio_nodata: float | None = None  # turned into NaN for float bioscores
    context: _Context | None = None  # context proxy: nature value per cell from a halo

    def read(self, row0: int, col0: int, h: int, w: int
             ) -> tuple[np.ndarray, np.ndarray | None]:
        if self.context is not None:
            return self.context.read(self, row0, col0, h, w)
        with rasterio.Env(GDAL_CACHEMAX=GDAL_CACHE_MB):
            cls = np.asarray(self.classes[self.band, row0:row0 + h, col0:col0 + w].values)
            if self.bioscore is None:
                return cls, None
            bio = np.asarray(self.bioscore[0, row0:row0 + h, col0:col0 + w].values)
        if bio.dtype.kind == "f" and self.bio_nodata is not None \
                and not np.isnan(self.bio_nodata):
            bio = np.where(bio == self.bio_nodata, np.float32(np.nan), bio)
        return cls, bio


@dataclass
class _Context:
    """The context proxy on blocks: each block is read with a halo of ``depth`` cells
    (padded with ``fill`` beyond the raster), the overlap of ``dask.array.map_overlap``,
    and valued by :func:`naturkapital.landcover.context.cell_values` like the in-memory
    path, so the two engines give the same value to every cell."""

    proxy: ContextProxy
    scheme: Scheme
    depth: int
    cell_size: float
    nodata: float | None
    fill: float
    shape: tuple[int, int]

    def read(self, src: _Sources, row0: int, col0: int, h: int, w: int
             ) -> tuple[np.ndarray, np.ndarray]:
        d = self.depth
        r0, c0 = max(0, row0 - d), max(0, col0 - d)
        r1, c1 = min(self.shape[0], row0 + h + d), min(self.shape[1], col0 + w + d)
        with rasterio.Env(GDAL_CACHEMAX=GDAL_CACHE_MB):
            raw = np.asarray(src.classes[src.band, r0:r1, c0:c1].values)
        padded = np.pad(raw, ((r0 - (row0 - d), (row0 + h + d) - r1),
                              (c0 - (col0 - d), (col0 + w + d) - c1)),
                        constant_values=self.fill)
        values = cell_values(padded, d, self.cell_size, self.nodata, self.scheme, self.proxy)
        return padded[d:d + h, d:d + w], values


#: Per-process cache of geometries rebuilt from WKB, keyed by the plan token.
_GEOMS: dict[str, tuple[np.ndarray, np.ndarray, shapely.STRtree]] = {}
_LOCK = threading.Lock()


@dataclass
class _Plan:
    """What every block task needs: zones (as WKB), grid, code tables, sources.

    Pickles small (WKB bytes); each process rebuilds the shapely geometries, their
    boundaries and an STRtree once per plan token.
    """

    token: str
    wkb: list[bytes]  # zones in the raster CRS
    layers: list[np.ndarray]  # zone indices per non-overlapping layer
    transform: Affine
    shape: tuple[int, int]  # raster rows, columns
    chunk: int
    crs_wkt: str
    classes: _Codes  # slots: scheme codes (sorted), "unknown", nodata (skipped)
    unknown_slot: int
    bio: _Codes | None  # integer bioscore on the class grid: raw value → nature slot
    bio_float: bool  # bioscore read as float (aligned by GDAL); nature per cell
    rule: BioscoreRule | None
    sources: _Sources
    pair_lut: np.ndarray | None = None  # uint8 class (+ uint8 bioscore) → base code
    subtile: int = SUBTILE

    def _geoms(self) -> tuple[np.ndarray, np.ndarray, shapely.STRtree]:
        hit = _GEOMS.get(self.token)
        if hit is None:
            with _LOCK:
                hit = _GEOMS.get(self.token)
                if hit is None:
                    geoms = shapely.from_wkb(np.asarray(self.wkb, dtype=object))
                    hit = (geoms, shapely.boundary(geoms), shapely.STRtree(geoms))
                    if len(_GEOMS) > 8:
                        _GEOMS.clear()
                    _GEOMS[self.token] = hit
        return hit

    @property
    def geoms(self) -> np.ndarray:
        return self._geoms()[0]

    @property
    def boundaries(self) -> np.ndarray:
        return self._geoms()[1]

    @property
    def tree(self) -> shapely.STRtree:
        return self._geoms()[2]

    @property
    def nz(self) -> int:
        return len(self.wkb)

    @property
    def ncls(self) -> int:
        """Class slots including "unknown" and the nodata skip slot."""
        return self.classes.n + 2

    @property
    def nbio(self) -> int:
        return 1 if self.bio is None else self.bio.n + 1

    @property
    def nbins(self) -> int:
        per = (self.nz + 1) * self.ncls
        return 3 * per if self.bio_float else per * self.nbio

    @property
    def numblocks(self) -> tuple[int, int]:
        return (-(-self.shape[0] // self.chunk), -(-self.shape[1] // self.chunk))

    def window(self, i: int, j: int) -> tuple[int, int, int, int]:
        """Block (i, j) as (row0, col0, height, width) in cells."""
        r0, c0 = i * self.chunk, j * self.chunk
        return r0, c0, min(self.chunk, self.shape[0] - r0), min(self.chunk, self.shape[1] - c0)


def _layers(geoms: np.ndarray) -> list[np.ndarray]:
    """Greedy colouring of zones whose interiors overlap into non-overlapping layers."""
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    if left.size:
        overlap = shapely.relate_pattern(geoms[left], geoms[right], "2********")
        left, right = left[overlap], right[overlap]
    color = np.zeros(len(geoms), dtype=np.intp)
    if left.size:
        nbrs: dict[int, list[int]] = {}
        for a, b in zip(left.tolist(), right.tolist(), strict=True):
            nbrs.setdefault(a, []).append(b)
            nbrs.setdefault(b, []).append(a)
        for i in range(len(geoms)):
            used = {int(color[j]) for j in nbrs.get(i, []) if j < i}
            c = 0
            while c in used:
                c += 1
            color[i] = c
    return [np.flatnonzero(color == c) for c in range(int(color.max()) + 1 if len(color) else 0)]


def _class_codes(codes: Sequence[int], dtype: np.dtype, nodata: float | None) -> _Codes:
    """Scheme codes → slots 0..k-1, every other value → k ("unknown"), nodata → k+1."""
    vals = np.array(sorted(int(c) for c in codes), dtype=np.float64)
    k = vals.size
    if np.issubdtype(dtype, np.integer) and np.iinfo(dtype).bits <= 16:
        info = np.iinfo(dtype)
        lut = np.full(int(info.max) - int(info.min) + 1, k, dtype=np.intp)
        for i, v in enumerate(vals.astype(np.int64)):
            if info.min <= v <= info.max:
                lut[v - info.min] = i
        if nodata is not None and float(nodata).is_integer() and info.min <= nodata <= info.max:
            lut[int(nodata) - info.min] = k + 1
        return _Codes(lut, int(info.min), vals, k, nodata)
    return _Codes(None, 0, vals, k, nodata)


def _class_index(plan: _Plan, raw: np.ndarray) -> np.ndarray:
    codes = plan.classes
    if codes.lut is not None:
        return codes.lut[raw.astype(np.intp, copy=False) - codes.offset]
    vals = raw.astype(np.float64, copy=False)
    n = codes.n
    if n:
        pos = np.searchsorted(codes.sorted_values, vals).clip(0, n - 1)
        idx = np.where(codes.sorted_values[pos] == vals, pos, n)
    else:
        idx = np.full(vals.shape, n, dtype=np.intp)
    skip = np.isnan(vals) if codes.nodata is None else (vals == codes.nodata) | np.isnan(vals)
    idx[skip] = n + 1
    return idx.astype(np.intp, copy=False)


def _bio_codes(dtype: np.dtype, nodata: float | None, rule: BioscoreRule) -> _Codes:
    """Integer bioscore: raw value → slot of its nature value; nodata → last slot."""
    info = np.iinfo(dtype)
    raw = np.arange(int(info.min), int(info.max) + 1, dtype=np.float64)
    nature = rule.apply(raw)
    if nodata is not None:
        nature[raw == nodata] = np.nan
    uniq = np.unique(nature[~np.isnan(nature)])
    lut = np.full(raw.size, uniq.size, dtype=np.intp)
    ok = ~np.isnan(nature)
    lut[ok] = np.searchsorted(uniq, nature[ok])
    return _Codes(lut, int(info.min), uniq, int(uniq.size), nodata)


def _pair_lut(plan: _Plan, cdtype: np.dtype, bdtype: np.dtype | None) -> np.ndarray | None:
    """Lookup table for uint8 classes (and a uint8 bioscore): raw code(s) → base code."""
    if cdtype != np.uint8 or (bdtype is not None and bdtype != np.uint8):
        return None
    small = np.uint16 if plan.ncls * plan.nbio < 1 << 16 else np.intp  # less memory traffic
    cslot = plan.classes.lut  # 256 entries
    if bdtype is None:
        return (cslot * plan.nbio).astype(small)
    bslot = plan.bio.lut
    return (cslot[:, None] * plan.nbio + bslot[None, :]).astype(small).ravel()


# ---------------------------------------------------------------------------------------
# One block


def _block_bounds(plan: _Plan, row0: int, col0: int, h: int, w: int
                  ) -> tuple[Affine, tuple[float, float, float, float]]:
    t = plan.transform * Affine.translation(col0, row0)
    x0, y0 = t.c, t.f
    x1, y1 = x0 + w * t.a, y0 + h * t.e
    return t, (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def _edge_pieces(plan: _Plan, cand: np.ndarray, edge: np.ndarray, t: Affine,
                 bounds: tuple[float, float, float, float]
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Zone pieces on the sub-tiles that hold edge cells: (geoms, zone index, tile rc)."""
    s = plan.subtile
    h, w = edge.shape
    th, tw = -(-h // s), -(-w // s)
    padded = np.zeros((th * s, tw * s), dtype=bool)
    padded[:h, :w] = edge
    tr, tc = np.nonzero(padded.reshape(th, s, tw, s).any(axis=(1, 3)))
    if tr.size == 0:
        return np.empty(0, object), np.empty(0, np.intp), np.empty((0, 2), np.intp)
    margin = abs(t.a)
    xmin, ymin, xmax, ymax = bounds
    local = shapely.clip_by_rect(plan.geoms[cand], xmin - margin, ymin - margin,
                                 xmax + margin, ymax + margin)
    r0 = tr * s
    c0 = tc * s
    r1 = np.minimum(r0 + s, h)
    c1 = np.minimum(c0 + s, w)
    xa, ya = t * (c0, r0)
    xb, yb = t * (c1, r1)
    boxes = shapely.box(np.minimum(xa, xb), np.minimum(ya, yb), np.maximum(xa, xb),
                        np.maximum(ya, yb))
    ti, zi = shapely.STRtree(local).query(boxes, predicate="intersects")
    pieces = _polygonal(shapely.intersection(local[zi], boxes[ti]))
    area = shapely.area(pieces)
    keep = area > 0
    return pieces[keep], cand[zi[keep]], np.stack([tr[ti[keep]], tc[ti[keep]]], axis=1)


def _polygonal(geoms: np.ndarray) -> np.ndarray:
    """Keep only the polygon parts of overlay results (drop stray lines and points)."""
    mixed = np.flatnonzero(shapely.get_type_id(geoms) == 7)  # GeometryCollection
    for i in mixed:
        parts = shapely.get_parts(geoms[i])
        polys = parts[np.isin(shapely.get_type_id(parts), (3, 6))]
        geoms[i] = shapely.multipolygons(shapely.get_parts(polys)) if polys.size else \
            shapely.Polygon()
    return geoms


def _base_codes(plan: _Plan, cls: np.ndarray, bio: np.ndarray | None) -> np.ndarray:
    """Per cell: class slot × bioscore slots + bioscore slot (uint16 or intp)."""
    if plan.pair_lut is not None:
        if bio is None or plan.bio is None:
            return plan.pair_lut[cls]
        code = cls.astype(np.uint16)
        code <<= 8
        code |= bio
        return plan.pair_lut[code]
    cidx = _class_index(plan, cls)
    if plan.bio is None:
        return cidx
    cidx *= plan.nbio
    cidx += plan.bio.lut[bio.astype(np.intp, copy=False) - plan.bio.offset]
    return cidx


def _block_task(plan: _Plan, block_info: dict | None = None) -> np.ndarray:
    """Dask task: read block (i, j) of the inputs and reduce it, shaped (1, 1, nbins)."""
    i, j = block_info[None]["chunk-location"][:2]
    r0, c0, h, w = plan.window(i, j)
    out = np.zeros(plan.nbins, dtype=np.float64)
    _, bounds = _block_bounds(plan, r0, c0, h, w)
    # Blocks that touch no zone are not even read.
    if plan.tree.query(shapely.box(*bounds), predicate="intersects").size:
        cls, bio = plan.sources.read(r0, c0, h, w)
        block_sums(cls, bio, plan, r0, c0, out)
    return out.reshape(1, 1, -1)


def block_sums(cls: np.ndarray, bio: np.ndarray | None, plan: _Plan, r0: int, c0: int,
               out: np.ndarray) -> None:
    """Add the cell counts of one block (class and bioscore arrays at row ``r0``, column
    ``c0``) by zone × class × bioscore slot to ``out``.

    Counts are fractional at zone edges (exact coverage). Layout: see :func:`decode`.
    """
    h, w = cls.shape
    t, bounds = _block_bounds(plan, r0, c0, h, w)
    cand = plan.tree.query(shapely.box(*bounds), predicate="intersects")
    if cand.size == 0:
        return
    nodata = plan.classes.nodata
    if nodata is not None and not np.isnan(nodata) and not (cls != nodata).any():
        return
    base = _base_codes(plan, cls, bio)
    nature = has = None
    if plan.bio_float and bio is not None:
        nature = plan.rule.apply(bio) if plan.rule is not None else bio
        has = ~np.isnan(nature)
        nature = np.where(has, nature, 0.0)

    # GDAL burns only what lies near the block: clip the zones first (1-cell margin).
    m = abs(t.a) + abs(t.e)
    xmin, ymin, xmax, ymax = bounds
    lines = shapely.clip_by_rect(plan.boundaries[cand], xmin - m, ymin - m, xmax + m, ymax + m)
    edge = rasterize(((g, 1) for g in lines if not g.is_empty), out_shape=(h, w),
                     transform=t, all_touched=True, fill=0, dtype="uint8").view(bool)
    stride = plan.ncls * plan.nbio
    per = (plan.nz + 1) * plan.ncls
    label_dtype = "uint16" if plan.nz < 65535 else "uint32"
    key_dtype = np.int32 if plan.nbins < 1 << 31 else np.intp
    for layer in plan.layers:
        members = np.intersect1d(cand, layer, assume_unique=True)
        if members.size == 0:
            continue
        polys = shapely.clip_by_rect(plan.geoms[members], xmin - m, ymin - m, xmax + m,
                                     ymax + m)
        shapes = [(g, int(z) + 1) for g, z in zip(polys, members, strict=True)
                  if not g.is_empty]
        if not shapes:
            continue
        lab = rasterize(shapes, out_shape=(h, w), transform=t, fill=0, dtype=label_dtype)
        np.putmask(lab, edge, 0)  # edge cells leave the centre-rule count
        key = np.multiply(lab, stride, dtype=key_dtype)
        key += base
        _add(out, plan, key.ravel(), None, nature, has, per)

    flat = np.flatnonzero(edge)
    if flat.size:
        skip_base = (plan.ncls - 1) * plan.nbio
        flat = flat[base.ravel()[flat] < skip_base]  # edge cells with a class value
    if flat.size:
        valid_edge = np.zeros(h * w, dtype=bool)
        valid_edge[flat] = True
        pieces, zones, tiles = _edge_pieces(plan, cand, valid_edge.reshape(h, w), t, bounds)
        if len(pieces):
            ids = np.full(h * w, -1, dtype=np.int32)
            ids[flat] = flat
            src = NumPyRasterSource(ids.reshape(h, w), xmin, ymin, xmax, ymax, nodata=-1,
                                    srs_wkt=plan.crs_wkt)
            res = exact_extract(src, _WKBSource(shapely.to_wkb(pieces).tolist(), plan.crs_wkt),
                                ["values", "coverage"], output="geojson")
            keys, covs, cells = [], [], []
            s = plan.subtile
            for feat, z, (tr, tc) in zip(res, zones, tiles, strict=True):
                v = np.asarray(feat["properties"]["values"], dtype=np.intp)
                if v.size == 0:
                    continue
                cov = np.asarray(feat["properties"]["coverage"], dtype=np.float64)
                inside = ((v // w) // s == tr) & ((v % w) // s == tc)
                v = v[inside]
                cells.append(v)
                covs.append(cov[inside])
                keys.append((z + 1) * stride + base.ravel()[v])
            if keys:
                c = np.concatenate(cells)
                _add(out, plan, np.concatenate(keys), np.concatenate(covs),
                     None if nature is None else nature.ravel()[c],
                     None if has is None else has.ravel()[c], per)


def _add(out: np.ndarray, plan: _Plan, key: np.ndarray, weight: np.ndarray | None,
         nature: np.ndarray | None, has: np.ndarray | None, per: int) -> None:
    """Accumulate counts (× coverage weight) into ``out`` by key."""
    if not plan.bio_float:
        out += np.bincount(key, weights=weight, minlength=out.size)[:out.size]
        return
    nat = nature.ravel()
    hs = has.ravel()
    wt = np.ones(key.size) if weight is None else weight
    out[:per] += np.bincount(key, weights=weight, minlength=per)[:per]
    out[per:2 * per] += np.bincount(key, weights=wt * hs, minlength=per)[:per]
    out[2 * per:] += np.bincount(key, weights=wt * nat, minlength=per)[:per]


# ---------------------------------------------------------------------------------------
# Public entry point


@dataclass
class Lazy:
    """The lazy reduction: ``total`` (Dask array of summed counts) and its parts."""

    total: da.Array
    block_name: str
    plan: Any  # dask Delayed of the _Plan
    n_blocks: int


def chunked_class_areas(zones: gpd.GeoDataFrame, landcover: Landcover, zones_source: str,
                        bioscore: Path | None, rule: BioscoreRule | None,
                        progress: Callable[[int], None] | None,
                        engine: DaskEngine) -> ZonalAreas:
    """Area (ha) of each class code per zone, exact at zone boundaries, on Dask: the
    ``dask`` engine of :func:`naturkapital.nki.zonal.zonal_class_areas` (call that), with
    its arguments, result and errors; ``engine`` holds the Dask settings."""
    scheduler, chunk, workers, context = (engine.scheduler, engine.chunk, engine.workers,
                                          engine.context)
    check_scheduler(scheduler)
    if chunk < SUBTILE or chunk % SUBTILE:
        raise InputError("--chunk", f"chunk must be a multiple of {SUBTILE} cells, not {chunk}")
    lazy, plan, zr, cell_ha = prepare(zones, landcover, zones_source, bioscore, rule, chunk,
                                      context)
    # One setting for the whole run, so threads that enter and leave their own Env
    # (in Sources.read) always restore the same small cache.
    with rasterio.Env(GDAL_CACHEMAX=GDAL_CACHE_MB), dask_runner(scheduler, workers) as runner:
        total = _compute(lazy, runner.compute_kwargs, progress, len(zr),
                         distributed=runner.distributed)
        if (_area_cube(total, plan)[:, plan.unknown_slot] > 0).any():
            codes = _unknown_codes(lazy, plan, runner.compute_kwargs)
            raise unknown_codes_error(landcover, codes)
    return decode(total, plan, zr, landcover, cell_ha, bioscore, context is not None)


def prepare(zones: gpd.GeoDataFrame, landcover: Landcover, zones_source: str = "zones",
            bioscore: Path | None = None, rule: BioscoreRule | None = None,
            chunk: int = CHUNK, context: ContextProxy | None = None
            ) -> tuple[Lazy, _Plan, gpd.GeoDataFrame, float]:
    """Check inputs and build the lazy reduction.

    Returns the :class:`Lazy` graph, the plan, the zones in the raster CRS and the cell
    area (ha). Raises :class:`InputError` like the in-memory path.
    """
    import rioxarray

    with open_raster(landcover.path, landcover.band, "land-cover raster") as ds:
        zr = zones_on_raster(zones, ds, zones_source, landcover.path)
        tr = ds.transform
        if not (tr.b == 0 and tr.d == 0 and tr.a > 0 and tr.e < 0):
            raise InputError(landcover.path, "the dask engine needs a north-up raster "
                                             "(no rotation); warp it with gdalwarp or use "
                                             "--engine exact")
        cell_ha = cell_area_ha(ds)
        dtype = np.dtype(ds.dtypes[landcover.band - 1])
        nodata = ds.nodatavals[landcover.band - 1]
        grid = dict(crs=ds.crs, transform=ds.transform, width=ds.width, height=ds.height)
        crs_wkt = ds.crs.to_wkt()
    opts = dict(lock=False, cache=False, parse_coordinates=False)
    sources = _Sources(rioxarray.open_rasterio(landcover.path, **opts), landcover.band - 1)

    bio_codes = None
    bio_float = False
    bdtype = None
    if context is not None and bioscore is None:
        sources.context = _Context(context, landcover.scheme,
                                   context.radius_cells(tr.a), abs(tr.a), nodata,
                                   pad_fill(dtype, nodata), (grid["height"], grid["width"]))
        bio_float = True
    if bioscore is not None:
        if rule is None:
            raise InputError("--bioscore-rule", "a bioscore raster needs a conversion rule")
        with open_raster(bioscore, 1, "bioscore raster") as bs:
            same_grid = (bs.crs == grid["crs"] and bs.width == grid["width"]
                         and bs.height == grid["height"]
                         and bs.transform.almost_equals(grid["transform"]))
            bdtype = np.dtype(bs.dtypes[0])
            sources.bio_nodata = bs.nodata
        if same_grid:
            sources.bioscore = rioxarray.open_rasterio(bioscore, **opts)
            if np.issubdtype(bdtype, np.integer) and np.iinfo(bdtype).bits <= 16:
                bio_codes = _bio_codes(bdtype, sources.bio_nodata, rule)
            else:
                bio_float = True
        else:  # another grid: GDAL average resampling, exactly as the in-memory path
            src = rasterio.open(bioscore)
            vrt = WarpedVRT(src, crs=grid["crs"], transform=grid["transform"],
                            width=grid["width"], height=grid["height"],
                            resampling=Resampling.average, src_nodata=src.nodata,
                            nodata=np.nan, dtype="float32")
            sources.bioscore = rioxarray.open_rasterio(vrt, **opts)
            sources.bio_nodata = None
            bio_float = True

    geoms = np.asarray(zr.geometry.values, dtype=object)
    wkb = shapely.to_wkb(geoms).tolist()
    codes = landcover.scheme.table["value"].to_numpy()
    stamp = [(str(p), Path(p).stat().st_mtime_ns) for p in (landcover.path, bioscore) if p]
    ctx_token = None if sources.context is None else (
        sources.context.depth, context.table.to_csv(index=False),
        landcover.scheme.table.to_csv(index=False))
    plan = _Plan(token=dask.base.tokenize(wkb, stamp, landcover.band, chunk,
                                          rule.text if rule else None, ctx_token),
                 wkb=wkb, layers=_layers(geoms), transform=grid["transform"],
                 shape=(grid["height"], grid["width"]), chunk=chunk, crs_wkt=crs_wkt,
                 classes=_class_codes(codes, dtype, nodata), unknown_slot=len(codes),
                 bio=bio_codes, bio_float=bio_float,
                 rule=rule if bioscore is not None else None, sources=sources)
    plan.pair_lut = _pair_lut(plan, dtype, bdtype if bio_codes is not None else None)
    # An explicit key: tokenizing the plan itself would walk the lazy rasters.
    plan_d = dask.delayed(plan, name=f"naturkapital-plan-{plan.token}")
    nby, nbx = plan.numblocks
    parts = da.map_blocks(_block_task, plan_d, chunks=((1,) * nby, (1,) * nbx, (plan.nbins,)),
                          dtype=np.float64, meta=np.zeros((0, 0, 0)))
    return Lazy(parts.sum(axis=(0, 1)), parts.name, plan_d, nby * nbx), plan, zr, cell_ha


def _compute(lazy: Lazy, kwargs: dict, progress: Callable[[int], None] | None,
             n_zones: int, distributed: bool) -> np.ndarray:
    """Run the reduction; report progress in zone units (blocks done / all blocks)."""
    if progress is None or distributed:
        (total,) = dask.compute(lazy.total, **kwargs)
        if progress is not None:
            progress(n_zones)
        return total
    from dask.callbacks import Callback

    name = lazy.block_name
    n_blocks = max(1, lazy.n_blocks)
    state = {"done": 0, "reported": 0}

    def posttask(key: Any, result: Any, dsk: Any, st: Any, worker_id: Any) -> None:
        if isinstance(key, tuple) and key[0] == name:
            state["done"] += 1
            target = n_zones * state["done"] // n_blocks
            if target > state["reported"]:
                progress(target - state["reported"])
                state["reported"] = target

    with Callback(posttask=posttask):
        (total,) = dask.compute(lazy.total, **kwargs)
    if state["reported"] < n_zones:
        progress(n_zones - state["reported"])
    return total


def _unknown_in_block(plan: _Plan, i: int, j: int) -> np.ndarray:
    """Raw class values of block (i, j) that are not in the scheme, on or inside a zone."""
    r0, c0, h, w = plan.window(i, j)
    t, bounds = _block_bounds(plan, r0, c0, h, w)
    cand = plan.tree.query(shapely.box(*bounds), predicate="intersects")
    if cand.size == 0:
        return np.empty(0)
    cls, _ = plan.sources.read(r0, c0, h, w)
    unknown = _class_index(plan, cls) == plan.unknown_slot
    if not unknown.any():
        return np.empty(0)
    touched = rasterize(((g, 1) for g in plan.geoms[cand]), out_shape=(h, w), transform=t,
                        all_touched=True, fill=0, dtype="uint8").view(bool)
    return np.unique(cls[unknown & touched])


def _unknown_codes(lazy: Lazy, plan: _Plan, kwargs: dict) -> list[int | float]:
    """Second pass, only on error: which codes are missing from the scheme."""
    nby, nbx = plan.numblocks
    tasks = [dask.delayed(_unknown_in_block)(lazy.plan, i, j)
             for i in range(nby) for j in range(nbx)]
    found = dask.compute(*tasks, **kwargs)
    vals = np.unique(np.concatenate([np.asarray(f, dtype=np.float64) for f in found]))
    return [int(v) if float(v).is_integer() else float(v) for v in vals]


def _area_cube(total: np.ndarray, plan: _Plan) -> np.ndarray:
    """Cell counts (coverage-weighted) by zone × class slot."""
    if plan.bio_float:
        return total.reshape(3, plan.nz + 1, plan.ncls)[0, 1:]
    return total.reshape(plan.nz + 1, plan.ncls, plan.nbio)[1:].sum(axis=2)


def decode(total: np.ndarray, plan: _Plan, zr: gpd.GeoDataFrame, landcover: Landcover,
           cell_ha: float, bioscore: Path | None, with_values: bool = False) -> ZonalAreas:
    """Summed counts → the ``ZonalAreas`` tables of the in-memory path (areas in ha);
    ``with_values``: the weights are per-cell nature values (the context proxy)."""
    nz, ncls = plan.nz, plan.ncls
    if plan.bio_float:
        cube = total.reshape(3, nz + 1, ncls)[:, 1:, :]
        area, bio_area, bio_val = cube[0], cube[1], cube[2]
    else:
        cube = total.reshape(nz + 1, ncls, plan.nbio)[1:]
        area = cube.sum(axis=2)
        if plan.bio is not None:
            bio_area = cube[:, :, :-1].sum(axis=2)
            bio_val = (cube[:, :, :-1] * plan.bio.sorted_values).sum(axis=2)
        else:
            bio_area = bio_val = np.full(area.shape, np.nan)
    codes = plan.classes.sorted_values.astype(np.int64)
    k = plan.unknown_slot
    area, bio_area, bio_val = area[:, :k], bio_area[:, :k], bio_val[:, :k]
    zi, ci = np.nonzero(area > 0)
    ids = zr[ZONE_ID].to_numpy()
    classes = pd.DataFrame({
        ZONE_ID: ids[zi],
        "value": codes[ci],
        "area_ha": area[zi, ci] * cell_ha,
        "bio_area_ha": bio_area[zi, ci] * cell_ha,
        "bio_value_ha": bio_val[zi, ci] * cell_ha,
    })
    return assemble(classes, zr, landcover, bioscore, with_values)
