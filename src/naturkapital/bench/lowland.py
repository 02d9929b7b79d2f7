"""Lowland screening throughput: generated parcels and maps, timed end to end.

The input (generated once, deterministic, git-ignored) is a block of about 79 km ×
79 km (for 100 000 parcels) in EPSG:25832 with

* ``parcels.gpkg`` — N quadrilateral parcels on a 250 m lattice with jittered corners
  (about 2.5–6 ha each), with an in-rotation flag, an income-compensation bid
  (DKK/ha), a total bid (DKK), synergy points (0–23) and an applicant type;
* ``carbon.tif`` (% organic carbon, 0–20), ``gvsmax.tif`` (cm relative to the
  surface, −160 to −5) and ``peat.tif`` (cm, 0–300) on one 20 m grid, float32 with
  NaN as no data; smooth 1 km patterns plus cell noise, so some parcels pass and
  others fail each criterion.

The timed job is what ``naturkapital lowland screen`` runs: read and check the parcel
file, extract the three maps with exact coverage, judge every criterion, CO2 and
budget (:func:`naturkapital.lowland.screening.screen`).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import rasterio
import shapely
from affine import Affine

from naturkapital.bench.measure import Throughput, cpu_seconds, peak_mb
from naturkapital.bench.national_input import _hash
from naturkapital.core.errors import InputError

X0, Y0 = 480_000.0, 6_200_000.0  # top-left corner, EPSG:25832
SPACING = 250.0  # parcel lattice, m
CELL = 20.0  # map cells, m
VERSION = 1


@dataclass(frozen=True)
class LowlandInput:
    """Paths of the generated lowland benchmark input."""

    folder: Path
    parcels: Path
    carbon: Path
    water_table: Path
    peat_depth: Path
    n: int


def _field(rows: np.ndarray, cols: np.ndarray, salt: int, lo: float, hi: float) -> np.ndarray:
    """A smooth (1 km) plus noisy (cell) field between ``lo`` and ``hi``."""
    coarse = _hash(rows // 50, cols // 50, salt) % np.uint32(1000) / 1000.0
    mid = _hash(rows // 10, cols // 10, salt + 1) % np.uint32(1000) / 1000.0
    fine = _hash(rows, cols, salt + 2) % np.uint32(1000) / 1000.0
    return (lo + (hi - lo) * (0.6 * coarse + 0.3 * mid + 0.1 * fine)).astype(np.float32)


def generate_lowland(folder: str | Path = "benchmarks/data/lowland", n: int = 100_000,
                     force: bool = False) -> LowlandInput:
    """Write ``n`` parcels and the three maps under ``folder`` (skipped if present)."""
    if n < 1:
        raise InputError("--parcels", "must be 1 or more")
    f = Path(folder)
    out = LowlandInput(f, f / "parcels.gpkg", f / "carbon.tif", f / "gvsmax.tif",
                       f / "peat.tif", n)
    manifest = f / "manifest.json"
    if not force and manifest.exists() and all(
            p.exists() for p in (out.parcels, out.carbon, out.water_table, out.peat_depth)):
        try:
            meta = json.loads(manifest.read_text())
        except ValueError:
            meta = {}
        if meta.get("version") == VERSION and meta.get("parcels") == n:
            return out
    try:
        f.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f, f"cannot create the folder ({exc.strerror})") from None
    side = int(np.ceil(np.sqrt(n)))
    k = np.arange(n)
    pr, pc = k // side, k % side
    # Corners jittered inside the lattice cell: 2–20 % in from each side (2.5–6 ha).
    corners = []
    for i, (dr, dc) in enumerate(((0, 0), (0, 1), (1, 1), (1, 0))):
        jx = _hash(pr, pc, 10 + i) % np.uint32(1000) / 1000.0 * 0.18 + 0.02
        jy = _hash(pr, pc, 20 + i) % np.uint32(1000) / 1000.0 * 0.18 + 0.02
        x = X0 + (pc + dc) * SPACING + np.where(dc, -jx, jx) * SPACING
        y = Y0 - (pr + dr) * SPACING - np.where(dr, -jy, jy) * SPACING
        corners.append(np.stack([x, y], axis=1))
    rings = np.stack(corners + [corners[0]], axis=1)
    geoms = shapely.polygons(rings)
    h = lambda salt, m: _hash(pr, pc, salt) % np.uint32(m)  # noqa: E731
    area_ha = shapely.area(geoms) / 10_000.0
    bid = 40_000 + h(31, 70_001).astype(float)
    gdf = gpd.GeoDataFrame({
        "parcel_id": [f"P{i:06d}" for i in k],
        "in_rotation": np.where(h(32, 3) > 0, "ja", "nej"),
        "bid": bid,
        "total_bid": (bid + 50_000 + h(33, 40_001)) * area_ha,
        "synergy": h(34, 24).astype(float),
        "applicant": np.array(["privat", "virksomhed", "kommune", "kirke",
                               "region"])[h(35, 5)],
    }, geometry=geoms, crs="EPSG:25832")
    tmp = out.parcels.with_suffix(".tmp.gpkg")
    tmp.unlink(missing_ok=True)
    gdf.to_file(tmp, driver="GPKG", engine="pyogrio")
    tmp.replace(out.parcels)

    size = int(np.ceil(side * SPACING / CELL))
    rows = np.arange(size)[:, None]
    cols = np.arange(size)[None, :]
    t = Affine(CELL, 0, X0, 0, -CELL, Y0)
    profile = dict(driver="GTiff", width=size, height=size, count=1, dtype="float32",
                   crs="EPSG:25832", transform=t, nodata=float("nan"), tiled=True,
                   blockxsize=512, blockysize=512, compress="deflate")
    carbon = _field(rows, cols, 40, 0.0, 20.0)
    water = _field(rows, cols, 50, -160.0, -5.0)
    peat = _field(rows, cols, 60, 0.0, 300.0)
    gap = _hash(rows // 25, cols // 25, 70) % np.uint32(100) < 2  # 2 % of 500 m squares
    carbon[gap] = np.nan
    for path, arr in ((out.carbon, carbon), (out.water_table, water), (out.peat_depth, peat)):
        with rasterio.open(path, "w", **profile) as dst:
            dst.write(arr, 1)
    manifest.write_text(json.dumps({"version": VERSION, "parcels": n, "map_cells": size,
                                    "cell_m": CELL}, indent=2))
    return out


@dataclass
class LowlandBench(Throughput):
    """Seconds to read and to screen (wall), the worker processes used and the status
    counts; CPU (with the workers), peak memory and the extraction alone now and in the
    baseline as every throughput run (:class:`Throughput`)."""

    read_s: float
    screen_s: float
    status: dict[str, int]
    workers: int = 1

    @property
    def wall_s(self) -> float:
        """Reading and screening."""
        return self.read_s + self.screen_s

    @property
    def baseline_total_s(self) -> float:
        """The run with the baseline extraction in place of the current one."""
        return self.wall_s - self.extract_s + self.baseline_extract_s

    @property
    def ratio_vs_baseline(self) -> float:
        """Parcels/s now ÷ parcels/s with the baseline extraction (above 1: faster)."""
        return self.baseline_total_s / self.wall_s


def baseline_extract(parcels: gpd.GeoDataFrame, inp: LowlandInput) -> tuple:
    """The previous extraction, for the ratio: exactextract fed the GeoDataFrame (a
    GeoJSON text per feature) with the three maps' windows as sources and a pandas frame
    per batch, the maps joined by cell id. Returns (parcel index, coverage, carbon,
    water, peat) per cell, to compare with the current extraction."""
    from exactextract import exact_extract
    from exactextract.raster import NumPyRasterSource

    from naturkapital.io.zonal import feature_batches
    from naturkapital.lowland.cells import (
        PARCEL_ID,
        LowlandRasters,
        _batch_window,
        _join_batch,
        _read_window,
        open_lowland_rasters,
    )

    pieces = []
    with open_lowland_rasters(LowlandRasters(inp.carbon, inp.water_table,
                                             inp.peat_depth)) as (carbon, sources):
        feats = parcels.to_crs(carbon.crs)[[PARCEL_ID, "geometry"]].reset_index(drop=True)
        feats["_i"] = np.arange(len(feats), dtype=np.int64)
        for sl in feature_batches(feats, carbon.res):
            part = feats.iloc[sl]
            w = _batch_window(carbon, part.total_bounds)
            if w is None:
                raise RuntimeError("baseline: batch window too large")
            grid, maps = _read_window(carbon, sources, w)
            shape = (int(w.height), int(w.width))
            xmin, ymin, xmax, ymax = rasterio.windows.bounds(w, carbon.transform)
            srcs = [NumPyRasterSource(m.reshape(shape), xmin, ymin, xmax, ymax, name=nm,
                                      srs_wkt=carbon.crs.to_wkt())
                    for m, nm in zip(maps, ("carbon", "water", "peat"), strict=True)]
            res = exact_extract(srcs, part[["_i", "geometry"]], ["values", "coverage",
                                                                 "cell_id"],
                                include_cols=["_i"], output="pandas")
            pieces.append(_join_batch(res, shape[0] * shape[1]))
    return tuple(np.concatenate(x) for x in zip(*pieces, strict=True))


def run_lowland(inp: LowlandInput, baseline: bool = True) -> LowlandBench:
    """Time ``read_parcels`` + ``screen`` on the generated input; then the extraction
    alone, and (``baseline``) the previous extraction, checked to give the same cells."""
    from naturkapital.core.parallel import workers
    from naturkapital.lowland.cells import LowlandRasters, extract_cells
    from naturkapital.lowland.parcels import ParcelFields, read_parcels
    from naturkapital.lowland.rules import load_emission_factors, load_rules
    from naturkapital.lowland.screening import screen

    rules, factors = load_rules(), load_emission_factors()
    fields = ParcelFields("in_rotation", "bid", "total_bid", "synergy", "applicant")
    rasters = LowlandRasters(inp.carbon, inp.water_table, inp.peat_depth)
    c0 = cpu_seconds()
    t0 = time.perf_counter()
    parcels = read_parcels(inp.parcels, "parcel_id", fields, rules)
    t1 = time.perf_counter()
    res = screen(parcels, rasters, rules, factors, None, str(inp.parcels))
    t2 = time.perf_counter()
    cpu = cpu_seconds() - c0
    counts = res.table["status"].value_counts()
    out = LowlandBench(t1 - t0, t2 - t1, {str(k): int(v) for k, v in counts.items()},
                       n=len(parcels), cpu_s=cpu, workers=workers(), peak_mb=peak_mb())
    t0 = time.perf_counter()
    ext = extract_cells(parcels, rasters)
    out.extract_s = time.perf_counter() - t0
    if baseline:
        t0 = time.perf_counter()
        base = baseline_extract(parcels, inp)
        out.baseline_extract_s = time.perf_counter() - t0
        now = (ext.parcel_index, ext.area_ha, ext.carbon, ext.gvsmax, ext.peat)
        base = (base[0], base[1] * ext.cell_ha, *base[2:])
        out.identical = all(np.array_equal(a, b, equal_nan=True)
                            for a, b in zip(now, base, strict=True))
    return out
