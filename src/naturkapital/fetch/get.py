"""Fetch a catalogue source for a municipality or a box into the cache.

:func:`fetch` asks the service (OWSLib for WFS; plain KVP GETs for WCS; resumable
downloads for zip, HTTPS and Dataverse files), clips the answer to the area, reprojects
it to EPSG:25832 (geopandas ``to_crs``, ``rasterio.warp``) and writes a GeoPackage or
GeoTIFF into the cache with a manifest entry (source, date, sha256, bytes, licence).
What the cache holds is never fetched again: the cached file's checksum is checked
against the manifest and a mismatch is an error. :func:`check` asks each live endpoint
for its capabilities.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
from shapely.geometry import box, mapping
from shapely.geometry.base import BaseGeometry

from naturkapital.core.errors import InputError, first_line
from naturkapital.fetch import http
from naturkapital.fetch.catalogue import Source, get_source
from naturkapital.io.output import write_atomic

TARGET_CRS = "EPSG:25832"
CACHE_ENV = "NATURKAPITAL_CACHE"
MANIFEST = "manifest.json"
RASTER_RESOLUTION_M = 10.0


def default_cache() -> Path:
    """``NATURKAPITAL_CACHE`` or ``$XDG_CACHE_HOME/naturkapital`` (``~/.cache``)."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "naturkapital"


@dataclass(frozen=True)
class Area:
    """Where to fetch: a municipality (embedded boundary) or a box, in EPSG:25832."""

    key: str
    label: str
    geometry: BaseGeometry

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        return tuple(self.geometry.bounds)  # type: ignore[return-value]


def municipality_area(code: str) -> Area:
    """The embedded 2014 boundary of municipality ``code`` (e.g. ``760``)."""
    from naturkapital.data.catalogue import CATALOGUE

    code = str(code).strip()
    if not re.fullmatch(r"[0-9]{1,4}", code):
        raise InputError("--kommune", f"{code!r} is not a municipality code (e.g. 760)")
    gdf = gpd.read_file(CATALOGUE["municipalities"].path)
    hit = gdf[gdf["lau_1"].astype(str).str.lstrip("0") == code.lstrip("0")]
    if hit.empty:
        raise InputError("--kommune", f"no embedded municipality has code {code}")
    geom = hit.to_crs(TARGET_CRS).geometry.union_all()
    return Area(f"k{code.lstrip('0')}", f"kommune {code} {hit.iloc[0]['label_dk']}", geom)


def bbox_area(text: str) -> Area:
    """A box ``minx,miny,maxx,maxy`` in EPSG:25832 metres."""
    try:
        vals = [float(v) for v in text.split(",")]
    except ValueError:
        vals = []
    if len(vals) != 4 or not all(np.isfinite(vals)) or vals[0] >= vals[2] or vals[1] >= vals[3]:
        raise InputError(
            "--bbox",
            f"{text!r} is not minx,miny,maxx,maxy in EPSG:25832 metres (minx < maxx, miny < maxy)",
        )
    digest = hashlib.sha256(",".join(f"{v:.3f}" for v in vals).encode()).hexdigest()[:12]
    return Area(f"bbox-{digest}", "box " + ",".join(f"{v:g}" for v in vals), box(*vals))


def area_from(kommune: str | None, bbox: str | None) -> Area:
    if (kommune is None) == (bbox is None):
        raise InputError(
            "--kommune/--bbox",
            "give exactly one: --kommune CODE or --bbox minx,miny,maxx,maxy (EPSG:25832)",
        )
    return municipality_area(kommune) if kommune is not None else bbox_area(bbox or "")


# ------------------------------------------------------------------ cache and manifest
def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_manifest(cache: Path) -> dict[str, Any]:
    p = cache / MANIFEST
    if not p.exists():
        return {"entries": {}}
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(
            p,
            f"the cache manifest cannot be read ({first_line(exc)}); delete "
            "it to start the cache afresh",
        ) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("entries"), dict):
        raise InputError(p, "the cache manifest is not a naturkapital manifest")
    return doc


def _write_manifest(cache: Path, doc: dict[str, Any]) -> None:
    text = json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=True)
    write_atomic(cache / MANIFEST, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def cached(cache: Path, key: str) -> dict[str, Any] | None:
    """The manifest entry ``key`` if its file is in the cache with the recorded
    checksum; None if absent; InputError on a checksum mismatch."""
    entry = read_manifest(cache)["entries"].get(key)
    if entry is None:
        return None
    path = cache / entry["file"]
    if not path.exists():
        return None
    actual = sha256_file(path)
    if actual != entry["sha256"]:
        raise InputError(
            path,
            f"checksum mismatch: sha256 {actual[:16]}… but the manifest "
            f"records {entry['sha256'][:16]}…; the cached file was changed "
            "or damaged — fetch it again with --refresh",
        )
    return {**entry, "path": str(path)}


# ------------------------------------------------------------------ services
def _raw_dir(cache: Path) -> Path:
    d = cache / "_downloads"
    d.mkdir(parents=True, exist_ok=True)
    return d


def _owslib_errors() -> tuple[type[BaseException], ...]:
    from owslib.util import ServiceException

    return (ServiceException,)


def _wfs(src: Source, url: str, token: str | None, area: Area, raw: Path) -> Path:
    """GetFeature of the layer inside the area's box (EPSG:25832), GeoJSON when the
    service offers it, else GML."""
    import requests
    from owslib.wfs import WebFeatureService

    service = f"{src.name} WFS {http.public_url(url)}"
    headers = {"token": token} if token else None
    try:
        wfs = WebFeatureService(url, version="2.0.0", headers=headers, timeout=http.timeout_s())
    except requests.RequestException as exc:
        raise http.request_error(service, exc) from None
    except _owslib_errors() as exc:
        raise InputError(service, f"service error ({first_line(exc)})") from None
    except Exception as exc:  # malformed capabilities (lxml/etree errors)
        raise InputError(
            service, f"GetCapabilities answer not understood ({first_line(exc)})"
        ) from None
    layer = src.layer_for()
    if layer not in wfs.contents:
        names = ", ".join(list(wfs.contents)[:8])
        raise InputError(
            service,
            f"layer {layer!r} is not offered (it offers {names}); set "
            f"NATURKAPITAL_LAYER_{src.env_key}",
        )
    formats = []
    for op in wfs.operations:
        if op.name == "GetFeature":
            formats = list(op.parameters.get("outputFormat", {}).get("values", []))
    fmt = next((f for f in formats if "json" in f.lower()), None)
    minx, miny, maxx, maxy = area.bounds
    crs_urn = "urn:ogc:def:crs:EPSG::25832"
    page = wfs_page_size() if fmt else None  # GeoJSON pages can be counted and merged
    features: list[Any] = []
    start = 0
    while True:
        try:
            resp = wfs.getfeature(
                typename=[layer],
                bbox=(minx, miny, maxx, maxy, crs_urn),
                srsname=crs_urn,
                outputFormat=fmt,
                maxfeatures=page,
                startindex=start if page else None,
            )
            data = resp.read()
        except requests.RequestException as exc:
            raise http.request_error(service, exc) from None
        except _owslib_errors() as exc:
            raise InputError(service, f"service error ({first_line(exc)})") from None
        if isinstance(data, str):
            data = data.encode("utf-8")
        if b"ExceptionReport" in data[:2000]:
            text = first_line(data[:300].decode(errors="replace"))
            raise InputError(service, f"service error ({text})")
        if not fmt:
            out = raw / f"{src.name}-{area.key}.gml"
            out.write_bytes(data)
            return out
        try:
            doc = json.loads(data)
            got = doc["features"]
        except (ValueError, KeyError, TypeError):
            raise InputError(service, "GetFeature answer is not GeoJSON") from None
        features.extend(got)
        if page is None or len(got) < page:
            break
        start += page
    # the request asked for EPSG:25832; say so (GeoJSON without crs means WGS84)
    merged = {
        "type": "FeatureCollection",
        "features": features,
        "crs": {"type": "name", "properties": {"name": crs_urn}},
    }
    out = raw / f"{src.name}-{area.key}.geojson"
    out.write_text(json.dumps(merged), encoding="utf-8")
    return out


WFS_PAGE_ENV = "NATURKAPITAL_WFS_PAGE"


def wfs_page_size() -> int:
    """Features per WFS GetFeature page (``NATURKAPITAL_WFS_PAGE``, default 10 000)."""
    try:
        return max(1, int(os.environ.get(WFS_PAGE_ENV, "10000")))
    except ValueError:
        raise InputError(WFS_PAGE_ENV, "must be a whole number of features") from None


def _wcs(
    src: Source, url: str, token: str | None, area: Area, raw: Path, progress: http.Progress | None
) -> Path:
    """WCS 2.0.1 GetCoverage of the layer inside the area's box, as GeoTIFF."""
    minx, miny, maxx, maxy = area.bounds
    params = [
        ("service", "WCS"),
        ("version", "2.0.1"),
        ("request", "GetCoverage"),
        ("coverageId", src.layer_for()),
        ("format", "image/tiff"),
        ("subsettingCrs", "http://www.opengis.net/def/crs/EPSG/0/25832"),
        ("subset", f"x({minx},{maxx})"),
        ("subset", f"y({miny},{maxy})"),
    ]
    service = f"{src.name} WCS {http.public_url(url)}"
    out = raw / f"{src.name}-{area.key}.tif"
    return http.download(http.session(token), url, out, service, params, progress)  # type: ignore[arg-type]


def _file(
    src: Source, url: str, token: str | None, raw: Path, progress: http.Progress | None
) -> Path:
    """A whole file (HTTPS, ATOM/zip, Dataverse file API), resumable."""
    s = http.session(None if src.service == "dataverse" else token)
    params = None
    if src.service == "dataverse":
        if token:
            s.headers["X-Dataverse-key"] = token
        target = url.rstrip("/") + "/api/access/datafile/:persistentId"
        params = {"persistentId": src.layer_for()}
        name = re.sub(r"[^A-Za-z0-9._-]+", "_", src.layer_for()) or src.name
    else:
        target = url
        name = Path(http.public_url(url)).name or src.name
    service = f"{src.name} {src.service} {http.public_url(target)}"
    return http.download(s, target, raw / f"{src.name}-{name}", service, params, progress)


def _unzip(path: Path, src: Source) -> Path:
    """The data file inside a zip (the catalogue layer, else the first GeoTIFF/GPKG)."""
    if not zipfile.is_zipfile(path):
        return path
    with zipfile.ZipFile(path) as zf:
        names = [n for n in zf.namelist() if not n.endswith("/")]
        want = src.layer_for()
        pick = next((n for n in names if want and Path(n).name == want), None)
        if pick is None:
            pick = next(
                (n for n in names if n.lower().endswith((".tif", ".tiff", ".gpkg", ".geojson"))),
                None,
            )
        if pick is None:
            raise InputError(
                path, f"the zip holds no GeoTIFF or GeoPackage ({', '.join(names[:6])})"
            )
        dest = path.with_name(path.stem + "-" + Path(pick).name)
        with zf.open(pick) as fh_in, open(dest, "wb") as fh_out:
            while block := fh_in.read(1 << 20):
                fh_out.write(block)
    return dest


# ------------------------------------------------------------------ clip and reproject
def clip_vector(path: Path, src: Source, area: Area) -> gpd.GeoDataFrame:
    """The features in ``path`` in EPSG:25832, clipped to the area."""
    from naturkapital.io.local import check_geojson_file

    check_geojson_file(path, f"{src.name} answer")
    # GML names its schema by URL: GDAL must not download it (network may be allowed)
    opts = {"DOWNLOAD_SCHEMA": "NO"} if path.suffix == ".gml" else {}
    try:
        gdf = gpd.read_file(path, **opts)
    except Exception as exc:
        raise InputError(
            f"{src.name} answer", f"not readable as features ({first_line(exc)})"
        ) from None
    if gdf.crs is None:
        gdf = gdf.set_crs(src.crs or TARGET_CRS)
    gdf = gdf.to_crs(TARGET_CRS)
    return gpd.clip(gdf, area.geometry, keep_geom_type=True).reset_index(drop=True)


def clip_raster(path: Path, area: Area, dest: Path, default_crs: str = TARGET_CRS) -> None:
    """``path`` warped to EPSG:25832 (bilinear for floats, nearest for classes) and cut
    to the area (cells outside are nodata), written as a tiled, compressed GeoTIFF."""
    import rasterio
    from rasterio.io import MemoryFile
    from rasterio.mask import mask
    from rasterio.warp import Resampling, calculate_default_transform, reproject

    with rasterio.open(path) as ds:
        crs = ds.crs or rasterio.crs.CRS.from_user_input(default_crs)
        nodata = (
            ds.nodata
            if ds.nodata is not None
            else (-9999.0 if np.dtype(ds.dtypes[0]).kind == "f" else 0)
        )
        profile = ds.profile.copy()
        if crs != rasterio.crs.CRS.from_user_input(TARGET_CRS):
            transform, width, height = calculate_default_transform(
                crs, TARGET_CRS, ds.width, ds.height, *ds.bounds
            )
            data = np.full((ds.count, height, width), nodata, dtype=ds.dtypes[0])
            floats = np.dtype(ds.dtypes[0]).kind == "f"
            for b in range(ds.count):
                reproject(
                    rasterio.band(ds, b + 1),
                    data[b],
                    src_crs=crs,
                    dst_crs=TARGET_CRS,
                    dst_transform=transform,
                    dst_nodata=nodata,
                    resampling=Resampling.bilinear if floats else Resampling.nearest,
                )
        else:
            data, transform = ds.read(), ds.transform
        profile.update(
            driver="GTiff",
            crs=TARGET_CRS,
            transform=transform,
            nodata=nodata,
            width=data.shape[2],
            height=data.shape[1],
        )
    with MemoryFile() as mem, mem.open(**profile) as tmp:
        tmp.write(data)
        try:
            clipped, ctransform = mask(tmp, [mapping(area.geometry)], crop=True, nodata=nodata)
        except ValueError as exc:
            raise InputError(
                path, f"the raster does not cover the area ({first_line(exc)})"
            ) from None
    profile.update(
        transform=ctransform,
        width=clipped.shape[2],
        height=clipped.shape[1],
        compress="deflate",
        tiled=clipped.shape[2] >= 256 and clipped.shape[1] >= 256,
    )
    if not profile["tiled"]:
        profile.pop("blockxsize", None)
        profile.pop("blockysize", None)

    def write(tmp: Path) -> None:
        with rasterio.open(tmp, "w", **profile) as out:
            out.write(clipped)

    write_atomic(dest, write)


def rasterize_vector(
    path: Path, src: Source, area: Area, dest: Path, resolution: float = RASTER_RESOLUTION_M
) -> None:
    """A vector source as a raster on a ``resolution`` grid over the area: the
    catalogue's ``to_raster`` rule (``field=NAME`` or ``constant=VALUE``), nodata
    elsewhere."""
    import rasterio
    from rasterio.features import rasterize
    from rasterio.transform import from_origin

    rule = src.to_raster
    kind, _, value = rule.partition("=")
    if kind not in ("field", "constant") or not value:
        raise InputError(
            f"data fetch {src.name}",
            "the catalogue gives no rule to turn this layer into a raster (to_raster)",
        )
    gdf = gpd.read_file(path)
    # the grid covers the whole area: outside the polygons is a value (0), not nodata
    minx, miny, maxx, maxy = area.bounds
    minx, miny = np.floor(minx / resolution) * resolution, np.floor(miny / resolution) * resolution
    maxx, maxy = np.ceil(maxx / resolution) * resolution, np.ceil(maxy / resolution) * resolution
    width, height = int(round((maxx - minx) / resolution)), int(round((maxy - miny) / resolution))
    transform = from_origin(minx, maxy, resolution, resolution)
    if kind == "field":
        if value not in gdf.columns:
            raise InputError(
                f"data fetch {src.name}",
                f"field {value!r} is not in the layer (fields: {', '.join(gdf.columns[:10])})",
            )
        vals = gdf[value].astype(float)
    else:
        vals = np.full(len(gdf), float(value))
    shapes = [
        (g, v) for g, v in zip(gdf.geometry, vals, strict=True) if g is not None and not g.is_empty
    ]
    # outside the polygons the map says "not in the mapped classes": 0
    nodata = -9999.0
    arr = (
        rasterize(shapes, out_shape=(height, width), transform=transform, fill=0.0, dtype="float32")
        if shapes
        else np.zeros((height, width), dtype="float32")
    )
    profile = {
        "driver": "GTiff",
        "width": width,
        "height": height,
        "count": 1,
        "dtype": "float32",
        "crs": TARGET_CRS,
        "transform": transform,
        "nodata": nodata,
        "compress": "deflate",
    }

    def write(tmp: Path) -> None:
        with rasterio.open(tmp, "w", **profile) as out:
            out.write(arr, 1)

    write_atomic(dest, write)


# ------------------------------------------------------------------ fetch
def fetch(
    name: str,
    area: Area | None,
    cache: Path | None = None,
    endpoint: str | None = None,
    refresh: bool = False,
    progress: http.Progress | None = None,
) -> dict[str, Any]:
    """Fetch ``name`` for ``area`` (None for a whole-file source such as the OSM
    extract) into ``cache``; the manifest entry (with ``path``). A cached copy with a
    matching checksum is returned without any request."""
    src = get_source(name)
    cache = Path(cache) if cache is not None else default_cache()
    area_key = area.key if area is not None else "all"
    key = f"{src.name}/{area_key}"
    if not refresh:
        hit = cached(cache, key)
        if hit is not None:
            return {**hit, "cache": "hit"}
    if src.output == "pbf" and area is not None:  # cut from the (cached) whole extract
        whole = fetch(name, None, cache, endpoint, refresh, progress)
        dest = cache / src.name / f"{src.name}-{area_key}.osm.pbf"
        counts = clip_pbf(Path(whole["path"]), area, dest)
        note = (
            f"cut from {whole['file']} (sha256 {whole['sha256'][:12]}…) to the box of "
            f"{area.label}: {counts} (whole ways and relations kept)"
        )
        return _record(cache, key, src, whole["url"], area, dest, note)
    if src.service == "wms":
        raise InputError(
            f"data fetch {src.name}",
            "a WMS serves pictures, not data; it is listed for viewing only",
        )
    if src.output != "pbf" and area is None:
        raise InputError(f"data fetch {src.name}", "give --kommune CODE or --bbox")
    url = src.endpoint_for(endpoint)
    token = src.token()
    http.require_network(f"data fetch {src.name}")
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(cache, f"cannot create the cache folder ({exc.strerror})") from None
    raw = _raw_dir(cache)
    if src.service == "wfs":
        got = _wfs(src, url, token, area, raw)  # type: ignore[arg-type]
    elif src.service == "wcs":
        got = _wcs(src, url, token, area, raw, progress)  # type: ignore[arg-type]
    else:
        got = _unzip(_file(src, url, token, raw, progress), src)
    out_dir = cache / src.name
    out_dir.mkdir(parents=True, exist_ok=True)
    note = ""
    if src.output == "pbf":
        dest = out_dir / f"{src.name}.osm.pbf"
        os.replace(got, dest)
        note = "whole extract, not clipped (OSM PBF in EPSG:4326)"
    elif src.output == "gpkg":
        dest = out_dir / f"{src.name}-{area_key}.gpkg"
        gdf = clip_vector(got, src, area)  # type: ignore[arg-type]
        write_atomic(dest, lambda tmp: gdf.to_file(tmp, driver="GPKG", layer=src.name))
        note = f"{len(gdf)} features clipped to {area.label}"  # type: ignore[union-attr]
    else:
        dest = out_dir / f"{src.name}-{area_key}.tif"
        clip_raster(got, area, dest, src.crs or TARGET_CRS)  # type: ignore[arg-type]
        note = f"clipped to {area.label}"  # type: ignore[union-attr]
    entry = _record(cache, key, src, http.public_url(url), area, dest, note)
    for leftover in raw.iterdir():
        if not leftover.name.endswith(".part"):
            leftover.unlink(missing_ok=True)
    return entry


def _record(
    cache: Path, key: str, src: Source, url: str, area: Area | None, dest: Path, note: str
) -> dict[str, Any]:
    """Write the manifest entry of ``dest``; the entry with ``path``."""
    entry = {
        "name": src.name,
        "title": src.title,
        "publisher": src.publisher,
        "licence": src.licence,
        "service": src.service,
        "url": url,
        "layer": src.layer_for(),
        "area": area.label if area is not None else "all",
        "crs": TARGET_CRS if src.output != "pbf" else "EPSG:4326",
        "fetched": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "file": str(dest.relative_to(cache)),
        "bytes": dest.stat().st_size,
        "sha256": sha256_file(dest),
        "note": note,
        "catalogue_verified": src.verified,
        "documentation": src.source,
    }
    doc = read_manifest(cache)
    doc["entries"][key] = entry
    _write_manifest(cache, doc)
    return {**entry, "path": str(dest), "cache": "fetched"}


def clip_pbf(path: Path, area: Area, dest: Path) -> str:
    """The OpenStreetMap objects of ``path`` inside the area's box (WGS84): nodes in the
    box, ways with a node in it, relations with such a way or node as member — written
    with every node and way they reference (pyosmium ``BackReferenceWriter``)."""
    import osmium

    lon0, lat0, lon1, lat1 = (
        gpd.GeoSeries([area.geometry], crs=TARGET_CRS).to_crs("EPSG:4326").total_bounds
    )
    bbox = osmium.osm.Box(osmium.osm.Location(lon0, lat0), osmium.osm.Location(lon1, lat1))
    nodes: set[int] = set()
    ways: set[int] = set()
    n_rel = 0

    def write(tmp: Path) -> None:
        nonlocal n_rel
        with osmium.BackReferenceWriter(str(tmp), ref_src=str(path), overwrite=True) as w:
            for o in osmium.FileProcessor(str(path)).with_locations():
                if o.is_node():
                    if bbox.contains(o.location):
                        w.add_node(o)
                        nodes.add(o.id)
                elif o.is_way():
                    if any(n.location.valid() and bbox.contains(n.location) for n in o.nodes):
                        w.add_way(o)
                        ways.add(o.id)
                elif o.is_relation() and any(
                    (m.type == "w" and m.ref in ways) or (m.type == "n" and m.ref in nodes)
                    for m in o.members
                ):
                    w.add_relation(o)
                    n_rel += 1

    write_atomic(dest, write)
    return f"{len(nodes)} nodes, {len(ways)} ways, {n_rel} relations"


def as_raster(entry: dict[str, Any], area: Area, cache: Path) -> Path:
    """The raster of a fetched entry: itself for a GeoTIFF, else the vector layer
    rasterised by the catalogue's ``to_raster`` rule (kept beside it in the cache)."""
    path = Path(entry["path"])
    if path.suffix == ".tif":
        return path
    src = get_source(entry["name"])
    dest = path.with_name(path.stem + f"-{int(RASTER_RESOLUTION_M)}m.tif")
    if not dest.exists() or dest.stat().st_mtime < path.stat().st_mtime:
        rasterize_vector(path, src, area, dest)
    return dest


# ------------------------------------------------------------------ check
def check(names: list[str] | None = None) -> list[dict[str, str]]:
    """Ask each source's live endpoint for its capabilities (or the file's headers):
    one row per source with ``status`` ``ok`` / ``error`` / ``skipped`` and a note."""
    from naturkapital.fetch.catalogue import load_sources

    http.require_network("data check")
    rows = []
    for src in load_sources().values():
        if names and src.name not in names:
            continue
        rows.append({"name": src.name, "service": src.service, **_check_one(src)})
    return rows


def _check_one(src: Source) -> dict[str, str]:
    try:
        url = src.endpoint_for()
        token = src.token()
    except InputError as exc:
        return {"status": "skipped", "note": exc.problem}
    s = http.session(token)
    service = f"{src.name} {http.public_url(url)}"
    try:
        if src.service in ("wfs", "wcs", "wms"):
            resp = http.get(
                s, url, service, {"service": src.service.upper(), "request": "GetCapabilities"}
            )
            layer = src.layer_for()
            found = layer.encode() in resp.content if layer else True
            note = (
                f"capabilities answered ({len(resp.content)} bytes); layer {layer!r} "
                f"{'listed' if found else 'NOT listed'}"
            )
            return {"status": "ok" if found else "error", "note": note}
        if src.service == "dataverse":
            resp = http.get(s, url.rstrip("/") + "/api/info/version", service)
            return {"status": "ok", "note": f"Dataverse answered: {resp.text[:80]}"}
        with s.get(
            url, headers={"Range": "bytes=0-0"}, timeout=http.timeout_s(), stream=True
        ) as resp:
            http.check_status(resp, service)
            size = resp.headers.get("Content-Range", "").rpartition("/")[2]
            return {
                "status": "ok",
                "note": f"HTTP {resp.status_code}{'; ' + size + ' bytes' if size else ''}",
            }
    except InputError as exc:
        return {"status": "error", "note": exc.problem}
    except Exception as exc:  # requests errors not mapped above
        return {"status": "error", "note": first_line(exc)}


@dataclass(frozen=True)
class Fetched:
    """The local files fetched for a model's inputs, and what they are."""

    paths: dict[str, Path]
    entries: list[dict[str, Any]]
    assumptions: list[str]

    def meta(self) -> list[dict[str, Any]]:
        """The manifest entries an output cites (source, version date, checksum)."""
        return [cite(e) for e in self.entries]


def cite(entry: dict[str, Any]) -> dict[str, Any]:
    """What an output says about a fetched input: source, version (date), checksum."""
    keep = (
        "name",
        "title",
        "publisher",
        "licence",
        "url",
        "layer",
        "area",
        "fetched",
        "sha256",
        "file",
        "catalogue_verified",
    )
    return {k: entry[k] for k in keep if k in entry}


def fetch_inputs(
    needed: dict[str, tuple[str, str]],
    kommune: str | None,
    cache: Path | None = None,
    progress: http.Progress | None = None,
) -> Fetched:
    """Fetch the sources for a model's missing inputs: ``needed`` maps an input name to
    ``(catalogue source, kind)``; raster inputs from a vector source are rasterised by
    the catalogue's ``to_raster`` rule (an assumption when it is a constant)."""
    if kommune is None:
        raise InputError("--fetch", "give the municipality to fetch for: --kommune CODE")
    area = municipality_area(kommune)
    cache = Path(cache) if cache is not None else default_cache()
    paths: dict[str, Path] = {}
    entries: list[dict[str, Any]] = []
    assumptions: list[str] = []
    for param, (name, kind) in needed.items():
        entry = fetch(name, area, cache, progress=progress)
        entries.append(entry)
        if kind == "raster":
            paths[param] = as_raster(entry, area, cache)
            src = get_source(name)
            if Path(entry["path"]).suffix != ".tif" and src.to_raster.startswith("constant="):
                assumptions.append(
                    f"assumption: {src.title} rasterised at {src.to_raster.split('=')[1]} in "
                    f"every polygon ({src.units}) and 0 outside — the class attribute is not "
                    "documented, so soils above 12 % count as the lower class"
                )
        else:
            paths[param] = Path(entry["path"])
    return Fetched(paths, entries, assumptions)


FETCH_PREFIX = "fetch:"


def is_fetch_ref(text: object) -> bool:
    return str(text).startswith(FETCH_PREFIX)


def resolve_ref(
    text: str, what: str, cache: Path | None = None, progress: http.Progress | None = None
) -> tuple[Path, dict[str, Any]]:
    """A ``fetch:…`` input as a local file and its manifest entry:
    ``fetch:osm:REGION[:KOMMUNE]`` (the OpenStreetMap extract ``osm-REGION``, whole or
    cut to the municipality's box) or
    ``fetch:NAME:KOMMUNE`` (source ``NAME`` clipped to a municipality)."""
    parts = str(text)[len(FETCH_PREFIX) :].split(":")
    if parts[0] == "osm" and len(parts) in (2, 3) and parts[1] and parts[-1]:
        name = f"osm-{parts[1]}"
        area = municipality_area(parts[2]) if len(parts) == 3 else None
    elif len(parts) == 2 and parts[0] and parts[1]:
        name, area = parts[0], municipality_area(parts[1])
    else:
        raise InputError(
            what,
            f"{text!r}: write fetch:osm:REGION[:KOMMUNE] (e.g. fetch:osm:denmark:101) "
            "or fetch:NAME:KOMMUNE (e.g. fetch:bioscore:760)",
        )
    entry = fetch(name, area, cache, progress=progress)
    return Path(entry["path"]), entry
