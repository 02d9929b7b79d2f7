"""The models behind the HTTP API, with an in-memory cache of the default tables.

Every number comes from :mod:`naturkapital.nki.compute` (``compute_nki``, ``compare``,
``draw_diagram``, ``load_zones``) — the same functions as the command line. Results on
the embedded zones are computed once per land-cover epoch (about a second each) and
kept; diagrams and downloads are cached as bytes. Only the embedded epochs are
accepted, so no request text ever becomes a file path.

Diagrams are also kept on disk (:class:`DiskCache`, a folder given by the settings),
keyed by every parameter of the request plus a stamp of the installed package and its
embedded data, so a restarted server answers them at once; at startup the diagrams of
the default epoch can be pre-rendered in the background (:meth:`NKIService.prerender`,
bounded and stopped at shutdown).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, TypeVar

import geopandas as gpd
import pandas as pd
import shapely

from naturkapital.core.errors import InputError
from naturkapital.core.jsonable import finite_or_none, records
from naturkapital.io.vectors import ZONE_ID
from naturkapital.landcover.landtypes import LAND_TYPES
from naturkapital.landcover.sources import (  # noqa: F401  (EPOCHS, epoch_of re-exported)
    DEFAULT_CHANGE,
    EPOCHS,
    epoch_of,
)
from naturkapital.nki import compute as nki_compute
from naturkapital.nki.index import contributions, nature_shares
from naturkapital.report.nki_diagram import draw_diagram

T = TypeVar("T")

TableFormat = Literal["json", "csv", "gpkg"]

#: Tolerance (m, EPSG:25832) for the simplified municipality outlines shown on the map.
MAP_SIMPLIFY_M = 120.0


def land_type_rows(result: nki_compute.NKIResult, zone_id: str) -> list[dict[str, Any]]:
    """Per land type of one zone: share (% of the mapped area), nature value, contribution
    (NKI points, :func:`naturkapital.nki.index.contributions`), and for the nature types
    their share of the nature area (%) and contribution to NKI natur. ``None`` where a
    value does not apply (a type absent from the zone has no value)."""
    shares = result.shares.loc[[zone_id]]
    values = result.values.loc[[zone_id]]
    nat_shares = nature_shares(shares)
    contrib = contributions(shares, values).iloc[0]
    contrib_nat = contributions(nat_shares, values[nat_shares.columns]).iloc[0]
    out = []
    for t in LAND_TYPES:
        share = finite_or_none(100.0 * shares.iloc[0][t.key])
        value = finite_or_none(values.iloc[0][t.key])
        known = share is not None and value is not None
        out.append({"key": t.key, "da": t.da, "en": t.en, "nature": t.nature,
                    "colour": t.colour, "share_pct": share, "value": value,
                    "contribution": finite_or_none(contrib[t.key]) if known else None,
                    "share_nature_pct": (finite_or_none(100.0 * nat_shares.iloc[0][t.key])
                                         if t.nature else None),
                    "contribution_nature": (finite_or_none(contrib_nat[t.key])
                                            if t.nature and known else None)})
    return out


class _Memo:
    """A small thread-safe memo: one computation per key, others wait for it."""

    def __init__(self, maxsize: int | None = None) -> None:
        self._data: OrderedDict[Any, Any] = OrderedDict()
        self._locks: dict[Any, threading.Lock] = {}
        self._guard = threading.Lock()
        self.maxsize = maxsize

    def get(self, key: Any, make: Callable[[], T]) -> T:
        with self._guard:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            with self._guard:
                if key in self._data:
                    return self._data[key]
            value = make()
            with self._guard:
                self._data[key] = value
                if self.maxsize is not None:
                    while len(self._data) > self.maxsize:
                        self._data.popitem(last=False)
                self._locks.pop(key, None)
            return value

    def keys(self) -> list[Any]:
        with self._guard:
            return list(self._data)

    def drop(self, key: Any) -> None:
        with self._guard:
            self._data.pop(key, None)


_PLOT_LOCK = threading.Lock()  # one rendering at a time (matplotlib's shared caches)


_GZIPPED = _Memo(maxsize=512)


def gzip_once(key: tuple[Any, ...], data: bytes) -> bytes:
    """``data`` gzip-compressed (level 6), compressed once per ``key`` — the key of the
    cached answer ``data`` is (answers are deterministic, so an evicted entry compresses
    to the same bytes again)."""
    return _GZIPPED.get(key, lambda: gzip.compress(data, compresslevel=6, mtime=0))


def package_stamp() -> str:
    """A short hash of the installed package's files (path, size, mtime): any change of
    code, tables or embedded data gives a new stamp, so old disk-cached files are not
    served."""
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and "static" not in path.parts and path.suffix != ".pyc":
            st = path.stat()
            h.update(f"{path.relative_to(root)}:{st.st_size}:{st.st_mtime_ns};".encode())
    return h.hexdigest()[:16]


class DiskCache:
    """Bytes kept as files under ``folder`` (None: nothing is kept), one file per key.

    A key is any tuple of plain values (every parameter of the answer); the file name is
    the SHA-256 of the key and the package stamp (:func:`package_stamp`). Files are
    written to a temporary name and renamed, so a reader never sees half a file; a
    folder that cannot be written only means nothing is kept.
    """

    def __init__(self, folder: str | Path | None) -> None:
        self.folder = Path(folder) if folder is not None else None
        self._stamp: str | None = None

    def path(self, key: tuple[Any, ...]) -> Path | None:
        if self.folder is None:
            return None
        if self._stamp is None:
            self._stamp = package_stamp()
        digest = hashlib.sha256(repr((self._stamp, key)).encode("utf-8")).hexdigest()
        return self.folder / digest[:2] / digest

    def get(self, key: tuple[Any, ...], make: Callable[[], bytes]) -> bytes:
        path = self.path(key)
        if path is not None:
            try:
                return path.read_bytes()
            except OSError:
                pass
        data = make()
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
                try:
                    with os.fdopen(fd, "wb") as f:
                        f.write(data)
                    os.replace(tmp, path)
                except BaseException:
                    Path(tmp).unlink(missing_ok=True)
                    raise
            except OSError:
                pass  # a read-only or full cache folder: answer without keeping it
        return data


class NKIService:
    """Cached access to the index on the embedded municipalities."""

    def __init__(self, cache_dir: str | Path | None = None) -> None:
        self.disk = DiskCache(cache_dir)
        self.prerendered: dict[str, int] = {"done": 0, "total": 0}
        self._zones = _Memo()
        self._results = _Memo()
        self._rows = _Memo()
        self._compare = _Memo(maxsize=32)
        self._bytes = _Memo(maxsize=256)
        self._json = _Memo(maxsize=4096)

    # -- core results --------------------------------------------------------------------
    def zones(self) -> nki_compute.Zones:
        return self._zones.get("municipalities", nki_compute.load_zones)

    def result(self, epoch: str, proxy: str = "context") -> nki_compute.NKIResult:
        if epoch not in EPOCHS:
            raise InputError("landcover", f"unknown epoch {epoch}")
        key = epoch if proxy == "context" else (epoch, proxy)
        return self._results.get(key, lambda: nki_compute.compute_nki(
            self.zones(), landcover=epoch, proxy=proxy))

    def rows(self, epoch: str, proxy: str = "context") -> list[dict[str, Any]]:
        return self._rows.get(("rows", epoch, proxy),
                              lambda: records(self.result(epoch, proxy).table))

    def row(self, epoch: str, zone_id: str) -> dict[str, Any] | None:
        for r in self.rows(epoch):
            if r[ZONE_ID] == zone_id:
                return r
        return None

    def meta(self, epoch: str, proxy: str = "context") -> dict[str, Any]:
        m = dict(self.result(epoch, proxy).meta)
        m.pop("landcover_path", None)  # a server path is nobody's business
        m["epoch"] = epoch
        return m

    def n_ranked(self, epoch: str) -> int:
        return sum(1 for r in self.rows(epoch) if r.get("rank") is not None)

    def compare(self, from_: str, to: str) -> nki_compute.CompareResult:
        for e in (from_, to):
            if e not in EPOCHS:
                raise InputError("from/to", f"unknown epoch {e}")
        return self._compare.get((from_, to), lambda: nki_compute.compare(from_, to,
                                                                      self.zones()))

    def compare_rows(self, from_: str, to: str) -> list[dict[str, Any]]:
        return self._rows.get(("compare", from_, to),
                              lambda: records(self.compare(from_, to).table))

    def cached_epochs(self) -> list[str]:
        return [k for k in self._results.keys() if isinstance(k, str)]

    def warm(self) -> None:
        """Compute what the web app shows first (run in a background thread)."""
        self.rows("basemap2021")
        self.municipalities_geojson()
        for epoch in DEFAULT_CHANGE:  # the compare tab's levels
            self.rows(epoch)
        self.compare_rows("corine:2012", "corine:2018")  # GET /api/compare's default

    def json_bytes(self, key: tuple[Any, ...], make: Callable[[], Any]) -> bytes:
        """A read-only JSON answer, serialised once (the default tables never change)."""
        return self._json.get(key, lambda: json.dumps(make(), ensure_ascii=False,
                                                      separators=(",", ":")).encode("utf-8"))

    # -- files ---------------------------------------------------------------------------
    def diagram(self, epoch: str, zone_id: str, nature_only: bool,
                fmt: Literal["svg", "png"], lang: str = "both") -> bytes:
        """The diagram's bytes: from memory, else from the disk cache, else drawn once
        (concurrent requests for the same key wait for that one drawing)."""
        key = ("diagram", epoch, zone_id, nature_only, fmt, lang)

        def make() -> bytes:
            res = self.result(epoch)
            with tempfile.TemporaryDirectory(prefix="nk-diagram-") as tmp:
                out = Path(tmp) / f"diagram.{fmt}"
                with _PLOT_LOCK:
                    draw_diagram(zone_id, out, result=res, nature_only=nature_only,
                                 lang=lang)
                return out.read_bytes()

        return self._bytes.get(key, lambda: self.disk.get(key, make))

    def prerender(self, stop: threading.Event, epochs: tuple[str, ...] = ("basemap2021",),
                  formats: tuple[Literal["svg", "png"], ...] = ("svg",),
                  langs: tuple[str, ...] = ("da",)) -> int:
        """Draw the diagrams the web app shows first (every zone of ``epochs``, with and
        without Kun natur, in ``formats``, in the app's default language) into the caches;
        stops between two diagrams once ``stop`` is set. Returns how many were done
        (``prerendered`` counts too)."""
        todo = [(e, r[ZONE_ID], nat, fmt, lang) for e in epochs for r in self.rows(e)
                for nat in (False, True) for fmt in formats for lang in langs]
        self.prerendered = {"done": 0, "total": len(todo)}
        for epoch, zone_id, nat, fmt, lang in todo:
            if stop.is_set():
                break
            self.diagram(epoch, zone_id, nat, fmt, lang)
            self.prerendered["done"] += 1
        return self.prerendered["done"]

    def table_file(self, epoch: str, fmt: Literal["csv", "gpkg"]) -> bytes:
        def make() -> bytes:
            res = self.result(epoch)
            return write_table_bytes(res.table, fmt, self.meta(epoch), res.zones)

        return self._bytes.get(("table", epoch, fmt), make)

    def compare_csv(self, from_: str, to: str) -> bytes:
        def make() -> bytes:
            res = self.compare(from_, to)
            return write_table_bytes(res.table, "csv", res.meta, None)

        return self._bytes.get(("compare", from_, to, "csv"), make)

    def municipalities_geojson(self) -> bytes:
        """Simplified municipality outlines in EPSG:4326 (about 5 decimals ≈ 1 m)."""

        def make() -> bytes:
            gdf = self.zones().gdf
            return simplified_geojson(gdf, MAP_SIMPLIFY_M)

        return self._bytes.get(("geojson", "municipalities"), make)


def simplified_geojson(gdf: gpd.GeoDataFrame, tolerance_m: float,
                       properties: pd.DataFrame | None = None) -> bytes:
    """Zones as a GeoJSON FeatureCollection in EPSG:4326, simplified in EPSG:25832."""
    g = gdf[[ZONE_ID, "name", "geometry"]].copy()
    if g.crs is None:
        raise InputError("zones", "no CRS")
    metric = g.to_crs(25832)
    metric["geometry"] = metric.geometry.simplify(tolerance_m, preserve_topology=True)
    wgs = metric.to_crs(4326)
    wgs["geometry"] = shapely.set_precision(wgs.geometry.values, 1e-5)
    wgs = wgs[~wgs.geometry.is_empty]
    if properties is not None:
        wgs = wgs.merge(properties, on=ZONE_ID, how="left")
    return wgs.to_json(drop_id=True, na="null").encode("utf-8")


def write_table_bytes(table: pd.DataFrame, fmt: Literal["csv", "gpkg"], meta: dict,
                      zones: gpd.GeoDataFrame | None) -> bytes:
    """A result table written by the CLI's writer (io.output.write_table), as bytes."""
    from naturkapital.io.output import write_table

    with tempfile.TemporaryDirectory(prefix="nk-table-") as tmp:
        out = Path(tmp) / f"nki.{fmt}"
        write_table(table, out, meta, zones)
        return out.read_bytes()
