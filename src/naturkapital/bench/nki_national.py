"""The national benchmark: one bare NumPy pass, our engine, exactextract, rasterstats.

All four read the same national 10 m input (:mod:`naturkapital.bench.national_input`) and
the same zones (the embedded municipalities). Wall-clock seconds and the peak resident
memory of the process and its children (sampled every 20 ms) are recorded per method.

* **numpy** — the practical limit: the class, bioscore and a pre-burnt zone-id raster
  read once, block by block, and one ``np.bincount`` over zone × class (plus one
  weighted by the bioscore). Single thread; cell-centre zones (no exact boundaries);
  the same small GDAL block cache as the engine.
* **engine** — :func:`naturkapital.nki.zonal.zonal_class_areas` with ``dask=DaskEngine(…)``.
* **exactextract** — the in-memory path, :func:`naturkapital.nki.zonal.zonal_class_areas`.
* **rasterstats** — ``zonal_stats(categorical=True)`` on the class raster plus a
  ``sum`` on the bioscore for a sample of zones; time extrapolated by zone area.

The engine and exactextract results are turned into NKI per zone with the same index
code, and the largest difference is reported (target: ≤ 0.01 NKI points).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import psutil
import rasterio
from rasterio.features import rasterize
from rasterio.windows import Window

from naturkapital.bench.measure import cpu_seconds as finished_cpu_seconds
from naturkapital.bench.national_input import BIOSCORE_NODATA, NationalInput
from naturkapital.io.vectors import ZONE_ID
from naturkapital.landcover.bioscore import BioscoreRule
from naturkapital.landcover.scheme import Scheme
from naturkapital.landcover.sources import Landcover
from naturkapital.nki.chunked import GDAL_CACHE_MB
from naturkapital.nki.index import land_type_sums, nki, shares_and_values
from naturkapital.nki.zonal import ZonalAreas

ZONES_FILE = "zones_10m.tif"
BLOCK = 2048


@dataclass
class Measurement:
    """One benchmarked method: wall seconds, peak RSS (bytes) and notes."""

    name: str
    seconds: float
    peak_rss: int
    note: str = ""
    extrapolated: bool = False
    nki: pd.Series | None = field(default=None, repr=False)
    all_seconds: list[float] = field(default_factory=list)
    cpu_seconds: float = 0.0  # CPU time of this process and its children
    load: tuple[float, float] = (0.0, 0.0)  # 1-min load average before, after

    @property
    def parallelism(self) -> float:
        """CPU seconds per wall second: the cores this run actually got."""
        return self.cpu_seconds / self.seconds if self.seconds else 0.0


class RssSampler:
    """Peak resident memory of this process and all its children, sampled in a thread."""

    def __init__(self, interval: float = 0.02) -> None:
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _sample(self) -> int:
        me = psutil.Process(os.getpid())
        total = me.memory_info().rss
        for child in me.children(recursive=True):
            try:
                total += child.memory_info().rss
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                pass
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            self._stop.wait(self.interval)

    def __enter__(self) -> RssSampler:
        self.peak = self._sample()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.peak = max(self.peak, self._sample())


def cpu_seconds() -> tuple[float, dict[int, float]]:
    """CPU time (user + system, s) of this process and its finished children, and of
    each live child process by pid."""
    live: dict[int, float] = {}
    for child in psutil.Process(os.getpid()).children(recursive=True):
        try:
            t = child.cpu_times()
            live[child.pid] = t.user + t.system
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return finished_cpu_seconds(), live


@contextmanager
def timed(name: str, note: str = "") -> Iterator[Measurement]:
    """Time a block; sample its peak memory, CPU time and the load average."""
    m = Measurement(name, 0.0, 0, note)
    load0 = os.getloadavg()[0]
    cpu0, live0 = cpu_seconds()
    with RssSampler() as rss:
        t0 = time.perf_counter()
        yield m
        m.seconds = time.perf_counter() - t0
    cpu1, live1 = cpu_seconds()
    m.cpu_seconds = cpu1 - cpu0 + sum(v - live0.get(pid, 0.0) for pid, v in live1.items())
    m.peak_rss = rss.peak
    m.load = (load0, os.getloadavg()[0])


def zone_raster(data: NationalInput, zones: gpd.GeoDataFrame) -> Path:
    """Burn zone numbers 1..n (cell centres, 0 = none) on the class grid, once; cached.

    The file's ``zone_ids`` tag lists the zone ids in order, so a cached file made for
    other zones is rebuilt.
    """
    path = data.folder / ZONES_FILE
    ids = ",".join(zones[ZONE_ID].astype(str))
    if path.exists():
        with rasterio.open(path) as ds:
            if ds.tags().get("zone_ids") == ids:
                return path
    with rasterio.open(data.landcover) as ref:
        zr = zones.to_crs(ref.crs)
        shapes = list(zip(zr.geometry, range(1, len(zr) + 1), strict=True))
        profile = dict(driver="GTiff", width=ref.width, height=ref.height, count=1,
                       dtype="uint16", crs=ref.crs, transform=ref.transform, nodata=0,
                       tiled=True, blockxsize=512, blockysize=512, compress="deflate")
        tmp = path.with_suffix(".tmp.tif")
        with rasterio.open(tmp, "w", **profile) as dst:
            for r in range(0, ref.height, BLOCK):
                for c in range(0, ref.width, BLOCK):
                    win = Window(c, r, min(BLOCK, ref.width - c), min(BLOCK, ref.height - r))
                    burnt = rasterize(shapes, out_shape=(win.height, win.width),
                                      transform=ref.window_transform(win), fill=0,
                                      dtype="uint16")
                    dst.write(burnt, 1, window=win)
            dst.update_tags(zone_ids=ids)
        tmp.replace(path)
    return path


def numpy_pass(class_path: Path, zone_path: Path, bio_path: Path, n_zones: int
               ) -> tuple[np.ndarray, np.ndarray]:
    """One bare pass: cell counts and Σ bioscore by zone (0 = none) × raw class (0–255)."""
    nbins = (n_zones + 1) * 256
    counts = np.zeros(nbins, dtype=np.int64)
    bio_sum = np.zeros(nbins, dtype=np.float64)
    with rasterio.Env(GDAL_CACHEMAX=GDAL_CACHE_MB), rasterio.open(class_path) as dc, \
            rasterio.open(zone_path) as dz, rasterio.open(bio_path) as db:
        for r in range(0, dc.height, BLOCK):
            for c in range(0, dc.width, BLOCK):
                win = Window(c, r, min(BLOCK, dc.width - c), min(BLOCK, dc.height - r))
                cls = dc.read(1, window=win)
                key = dz.read(1, window=win).astype(np.intp)
                bio = db.read(1, window=win)
                key *= 256
                key += cls
                counts += np.bincount(key.ravel(), minlength=nbins)
                weights = np.where(bio == BIOSCORE_NODATA, 0, bio).ravel()
                bio_sum += np.bincount(key.ravel(), weights=weights, minlength=nbins)
    return counts.reshape(n_zones + 1, 256), bio_sum.reshape(n_zones + 1, 256)


def rasterstats_pass(zones: gpd.GeoDataFrame, class_path: Path, bio_path: Path,
                     sample: int = 6) -> tuple[float, float, int]:
    """rasterstats on ``sample`` zones spread over the size range.

    Returns (seconds for the sample, extrapolated seconds for all zones by area, n).
    """
    from rasterstats import zonal_stats

    with rasterio.open(class_path) as ds:
        zr = zones.to_crs(ds.crs)
    areas = zr.geometry.area.to_numpy()
    order = np.argsort(areas)
    pick = order[np.linspace(0, len(order) - 1, sample).round().astype(int)]
    pick = np.unique(pick)
    geoms = list(zr.geometry.iloc[pick])
    t0 = time.perf_counter()
    for g in geoms:
        zonal_stats([g], str(class_path), categorical=True, nodata=0)
        zonal_stats([g], str(bio_path), stats=["sum", "count"], nodata=BIOSCORE_NODATA)
    spent = time.perf_counter() - t0
    return spent, spent * areas.sum() / areas[pick].sum(), len(pick)


def nki_by_zone(areas: ZonalAreas, scheme: Scheme) -> pd.Series:
    """NKI (0–100) per zone id from extracted class areas, plus ``"0"`` for all zones."""
    tbl = scheme.table
    area, value_ha = land_type_sums(areas.classes,
                                    dict(zip(tbl["value"], tbl["land_type"], strict=True)),
                                    dict(zip(tbl["value"], tbl["nature_value"], strict=True)))
    area.loc["0"] = area.sum()
    value_ha.loc["0"] = value_ha.sum()
    shares, values = shares_and_values(area, value_ha)
    return nki(shares, values)


def max_nki_diff(a: pd.Series, b: pd.Series) -> float:
    """Largest |a − b| over zones present in either (NaN where only one has a value)."""
    joined = pd.concat([a.rename("a"), b.rename("b")], axis=1)
    both = joined.dropna()
    if len(both) != len(joined.dropna(how="all")):
        return float("nan")
    return float((both["a"] - both["b"]).abs().max()) if len(both) else 0.0


@dataclass
class BenchResult:
    """Everything the national benchmark measured."""

    measurements: list[Measurement]
    numpy: Measurement
    engine: Measurement
    exact: Measurement | None
    rasterstats: Measurement | None
    workers: dict[int, float]  # local workers → engine seconds
    nki_diff: float
    cells: int
    load: tuple[float, float]  # 1-min load average before and after
    startup: float = 0.0  # seconds to start the engine's local cluster (not in engine time)
    scheduler_diff: float = 0.0  # largest NKI difference between engine runs (schedulers)

    @property
    def ratio_vs_numpy(self) -> float:
        return self.engine.seconds / self.numpy.seconds

    @property
    def speedup_vs_exactextract(self) -> float:
        return self.exact.seconds / self.engine.seconds if self.exact else float("nan")

    @property
    def peak_rss_gb(self) -> float:
        return self.engine.peak_rss / 1e9

    def line(self) -> str:
        return (f"ratio_vs_numpy={self.ratio_vs_numpy:.2f} "
                f"speedup_vs_exactextract={self.speedup_vs_exactextract:.2f} "
                f"peak_rss_gb={self.peak_rss_gb:.2f}")


def run_national(data: NationalInput, zones: gpd.GeoDataFrame, scheme: Scheme,
                 rule: BioscoreRule, scheduler: str = "local:2",
                 workers: tuple[int, ...] = (1, 2), with_exact: bool = True,
                 rasterstats_sample: int = 6,
                 say: Callable[[str], None] = lambda s: None,
                 repeat: int = 1) -> BenchResult:
    """Run every method on the national input; see the module docstring.

    ``repeat`` > 1 runs the NumPy pass and the engine runs that many times, interleaved,
    and keeps the fastest of each (the least disturbed by other load on the machine);
    the peak memory is the largest of the runs. exactextract and rasterstats run once.
    """
    from naturkapital.nki.zonal import zonal_class_areas

    lc = Landcover(data.landcover, 1, scheme, data.landcover.name)
    load0 = os.getloadavg()[0]
    say("burning the zone raster for the NumPy baseline (cached, not timed)")
    zpath = zone_raster(data, zones)
    with rasterio.open(data.landcover) as ds:
        cells = ds.width * ds.height
    out: list[Measurement] = []

    np_runs: list[Measurement] = []
    en_runs: list[Measurement] = []
    w_runs: dict[int, list[Measurement]] = {n: [] for n in workers
                                            if f"local:{n}" != scheduler}
    res = None
    startup = 0.0
    for rep in range(max(1, repeat)):
        tag = f" (run {rep + 1}/{repeat})" if repeat > 1 else ""
        say(f"(a) bare NumPy pass{tag}")
        with timed("numpy", "bincount zone × class + Σ bioscore, 1 thread, "
                              "cell centres") as m:
            numpy_pass(data.landcover, zpath, data.bioscore, len(zones))
        np_runs.append(m)
        say(f"(b) engine, scheduler {scheduler}{tag}")
        m, res, startup = _engine_run("engine", scheduler, zones, lc, data, rule)
        en_runs.append(m)
        for n in w_runs:
            say(f"    engine on {n} local worker(s){tag}")
            m_w, res_w, _ = _engine_run(f"engine local:{n}", f"local:{n}", zones, lc, data,
                                        rule)
            m_w.nki = nki_by_zone(res_w, scheme)
            w_runs[n].append(m_w)
    m_np, m_en = _best(np_runs), _best(en_runs)
    m_en.nki = nki_by_zone(res, scheme)
    out += [m_np, m_en]
    speed: dict[int, float] = {}
    sched_diff = 0.0
    for n in workers:
        if n in w_runs:
            best = _best(w_runs[n])
            out.append(best)
            speed[n] = best.seconds
            for m in w_runs[n]:
                sched_diff = max(sched_diff, max_nki_diff(m_en.nki, m.nki))
        else:
            speed[n] = m_en.seconds

    m_ex = None
    diff = float("nan")
    if with_exact:
        say("(c) exactextract, in-memory path")
        with timed("exactextract", "nki.zonal (values+coverage+weights), 1 thread") as m_ex:
            ref = zonal_class_areas(zones, lc, "zones", data.bioscore, rule)
        m_ex.nki = nki_by_zone(ref, scheme)
        diff = max_nki_diff(m_en.nki, m_ex.nki)
        out.append(m_ex)

    m_rs = None
    if rasterstats_sample > 0:
        say(f"(d) rasterstats on {rasterstats_sample} zones, extrapolated")
        with timed("rasterstats") as m_rs:
            spent, total, n = rasterstats_pass(zones, data.landcover, data.bioscore,
                                               rasterstats_sample)
        m_rs.seconds = total
        m_rs.extrapolated = True
        m_rs.note = (f"categorical + sum, {n} zones took {spent:.1f} s, extrapolated by "
                     "area; cell centres, no Σ bioscore per class")
        out.append(m_rs)
    return BenchResult(out, m_np, m_en, m_ex, m_rs, speed, diff, cells,
                       (load0, os.getloadavg()[0]), startup, sched_diff)


def _best(runs: list[Measurement]) -> Measurement:
    """The fastest run, with the largest peak memory of all runs and every time noted."""
    best = min(runs, key=lambda m: m.seconds)
    best.peak_rss = max(m.peak_rss for m in runs)
    best.all_seconds = [m.seconds for m in runs]
    if len(runs) > 1:
        times = ", ".join(f"{m.seconds:.1f}" for m in runs)
        best.note += f"; best of {len(runs)} runs ({times} s)"
    return best


def _engine_run(name: str, spec: str, zones: gpd.GeoDataFrame, lc: Landcover,
                data: NationalInput, rule: BioscoreRule
                ) -> tuple[Measurement, ZonalAreas, float]:
    """Time the engine on ``spec``. A ``local:N`` cluster is started first (its start-up
    time is returned apart, as a long-lived cluster would not pay it per run); its
    worker processes count in the peak memory."""
    from naturkapital.engine.scheduler import dask_runner
    from naturkapital.nki.zonal import DaskEngine, zonal_class_areas

    if not spec.startswith("local"):
        with timed(name, f"scheduler {spec}") as m:
            res = zonal_class_areas(zones, lc, "zones", data.bioscore, rule,
                                    dask=DaskEngine(spec))
        return m, res, 0.0
    t0 = time.perf_counter()
    with dask_runner(spec) as runner:
        startup = time.perf_counter() - t0
        n = runner.workers
        with timed(name, f"LocalCluster {n} worker(s) × 1 thread (+{startup:.1f} s "
                           "start-up, not counted)") as m:
            res = zonal_class_areas(zones, lc, "zones", data.bioscore, rule,
                                    dask=DaskEngine(runner.client.scheduler.address))
    return m, res, startup
