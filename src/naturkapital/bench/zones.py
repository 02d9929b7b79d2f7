"""NKI on many small zones: ``naturkapital nki`` on N generated zones, timed end to end.

The input (generated once, deterministic, git-ignored) is ``zones_N.gpkg``: N round
zones (octagons of 80–400 m radius, 2–50 ha) at random points on Danish land (inside
the embedded municipalities), EPSG:25832, field ``zone_id``.

Timed: what ``naturkapital nki --zones zones_N.gpkg --id-field zone_id`` computes
(:func:`naturkapital.nki.compute.compute_nki`: read and check the file, exact class
areas on the embedded Basemap04 2021, the index per zone). The baseline, in the same
run, is the class-area extraction as the in-memory path did it before: exactextract fed
the GeoDataFrame (a GeoJSON text per feature), a pandas frame per batch and a
``np.unique``/``np.bincount`` per zone; its class table must equal the current one.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from naturkapital.bench.measure import Throughput, cpu_seconds, peak_mb
from naturkapital.core.errors import InputError


@dataclass
class ZonesBench(Throughput):
    """Wall seconds of ``compute_nki``; the rest as every throughput run
    (:class:`Throughput`; ``cpu_s`` is the CPU of ``compute_nki``)."""

    nki_s: float

    @property
    def wall_s(self) -> float:
        """``compute_nki``."""
        return self.nki_s

    @property
    def ratio_vs_baseline(self) -> float:
        """Extraction time now / extraction time of the baseline (below 1: faster)."""
        return self.extract_s / self.baseline_extract_s


def generate_zones(folder: str | Path = "benchmarks/data/zones", n: int = 100_000) -> Path:
    """``zones_N.gpkg`` under ``folder`` (skipped if present)."""
    if n < 1:
        raise InputError("--zones", "must be 1 or more")
    f = Path(folder)
    path = f / f"zones_{n}.gpkg"
    if path.exists():
        return path
    from naturkapital.nki.compute import load_zones

    land = shapely.union_all(load_zones().gdf.to_crs(25832).geometry.values)
    shapely.prepare(land)
    rng = np.random.default_rng(100)
    xmin, ymin, xmax, ymax = land.bounds
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    got = 0
    while got < n:
        x, y = rng.uniform(xmin, xmax, n), rng.uniform(ymin, ymax, n)
        ok = shapely.contains_xy(land, x, y)
        xs.append(x[ok])
        ys.append(y[ok])
        got += int(ok.sum())
    pts = shapely.points(np.concatenate(xs)[:n], np.concatenate(ys)[:n])
    geoms = shapely.buffer(pts, rng.uniform(80, 400, n), quad_segs=2)
    gdf = gpd.GeoDataFrame({"zone_id": [f"Z{i:06d}" for i in range(n)]}, geometry=geoms,
                           crs="EPSG:25832")
    try:
        f.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f, f"cannot create the folder ({exc.strerror})") from None
    tmp = path.with_suffix(".tmp.gpkg")
    tmp.unlink(missing_ok=True)
    gdf.to_file(tmp, driver="GPKG", engine="pyogrio")
    tmp.replace(path)
    return path


def baseline_class_areas(zones: gpd.GeoDataFrame, landcover: object) -> pd.DataFrame:
    """The previous in-memory extraction (see the module docstring), for the ratio."""
    from exactextract import exact_extract
    from exactextract.raster import RasterioRasterSource

    from naturkapital.io.rasters import cell_area_ha, open_raster
    from naturkapital.io.zonal import feature_batches

    rows: list[tuple] = []
    with open_raster(landcover.path, landcover.band, "land-cover raster") as ds:  # type: ignore[attr-defined]
        zr = zones.to_crs(ds.crs)
        cell_ha = cell_area_ha(ds)
        src = RasterioRasterSource(ds, landcover.band)  # type: ignore[attr-defined]
        for sl in feature_batches(zr, ds.res):
            res = exact_extract(src, zr.iloc[sl][["zone_id", "geometry"]],
                                ["values", "coverage"], include_cols=["zone_id"],
                                output="pandas")
            for rec in res.itertuples(index=False):
                values = np.asarray(rec.values)
                if values.size == 0:
                    continue
                area = np.asarray(rec.coverage, dtype=float) * cell_ha
                codes, inverse = np.unique(values.astype(np.int64), return_inverse=True)
                sums = np.bincount(inverse, weights=area, minlength=codes.size)
                rows.extend(zip([rec.zone_id] * codes.size, codes.tolist(), sums,
                                strict=True))
    return pd.DataFrame(rows, columns=["zone_id", "value", "area_ha"])


def run_zones(path: Path, n: int, baseline: bool = True) -> ZonesBench:
    """Time ``compute_nki`` on the zone file, the extraction alone, and the baseline."""
    from naturkapital.landcover.sources import resolve_landcover
    from naturkapital.nki.compute import compute_nki, load_zones
    from naturkapital.nki.zonal import zonal_class_areas

    c0, t0 = cpu_seconds(), time.perf_counter()
    res = compute_nki(path, "zone_id")
    nki_s, nki_cpu = time.perf_counter() - t0, cpu_seconds() - c0
    if len(res.table) != n + 1:
        raise RuntimeError(f"expected {n} zones + Denmark, got {len(res.table)} rows")
    zones = load_zones(path, "zone_id").gdf
    lc = resolve_landcover("basemap2021", None, None)
    t0 = time.perf_counter()
    now = zonal_class_areas(zones, lc).classes
    extract_s = time.perf_counter() - t0
    base_s, identical = float("nan"), True
    if baseline:
        t0 = time.perf_counter()
        before = baseline_class_areas(zones, lc)
        base_s = time.perf_counter() - t0
        try:
            pd.testing.assert_frame_equal(now.reset_index(drop=True), before,
                                          check_exact=True, check_dtype=False)
        except AssertionError:
            identical = False
    return ZonesBench(nki_s, n=n, cpu_s=nki_cpu, extract_s=extract_s,
                      baseline_extract_s=base_s, identical=identical, peak_mb=peak_mb())
