"""Uploaded zone files: size limit, type sniffing, validation, NKI.

The bytes are read in memory (:class:`naturkapital.io.local.InMemory`: the same checks
as a file, no temporary file); the client's file name is only kept as text, for
messages. Reading goes through :func:`naturkapital.nki.compute.load_zones` and the index through
:func:`naturkapital.nki.compute.compute_nki`, like the command line. Every problem with the
file becomes an :class:`UploadError` (HTTP 4xx) whose message names the client's file.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import shapely

from naturkapital.core.errors import InputError, first_line
from naturkapital.io.local import InMemory, check_geojson_crs
from naturkapital.io.vectors import ZONE_ID, vector_fields
from naturkapital.nki import compute as nki_compute
from naturkapital.store import ZoneRecord

GPKG_MAGIC = b"SQLite format 3\x00"
NAME_FIELDS = ("navn", "name", "label_dk", "label", "titel", "title", "kommune")
SAFE_NAME = re.compile(r"[^\w.\- ()]+", re.UNICODE)


class UploadError(Exception):
    """A bad upload: HTTP ``status`` and a one-line message for the user."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


@dataclass
class ZoneUpload:
    """A checked upload: bytes, their kind, and the zones read from them."""

    filename: str
    fmt: str
    size_bytes: int
    sha256: str
    id_field: str
    name_field: str | None
    zones: nki_compute.Zones


def display_name(name: str | None) -> str:
    """The client's file name reduced to harmless characters (for messages only)."""
    base = (name or "upload").replace("\\", "/").rsplit("/", 1)[-1]
    return SAFE_NAME.sub("_", base)[:120] or "upload"


def sniff(data: bytes, filename: str) -> str:
    """``gpkg`` or ``geojson`` from the content (not the name); UploadError otherwise."""
    if not data:
        raise UploadError(422, f"{filename}: the file is empty")
    if data.startswith(GPKG_MAGIC):
        return "gpkg"
    head = data.lstrip()[:1]
    if head in (b"{",):
        try:
            doc = json.loads(data.decode("utf-8-sig"))
        except RecursionError:
            raise UploadError(422, f"{filename}: the JSON is nested too deeply to be "
                                   "GeoJSON") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise UploadError(422, f"{filename}: not valid JSON ({exc})") from None
        kind = doc.get("type") if isinstance(doc, dict) else None
        if kind not in ("FeatureCollection", "Feature"):
            raise UploadError(422, f"{filename}: GeoJSON must be a FeatureCollection or a "
                                   f"Feature, not {kind!r}")
        try:
            check_crs_member(doc)
        except ValueError as exc:
            raise UploadError(422, f"{filename}: {exc}") from None
        return "geojson"
    raise UploadError(415, f"{filename}: not a GeoJSON or GeoPackage file (upload .geojson "
                           "or .gpkg polygons)")


def check_crs_member(doc: Any) -> None:
    """Allow only a named CRS in a GeoJSON ``crs`` member, anywhere (ValueError otherwise).

    GDAL follows ``{"type": "link", "properties": {"href": URL}}`` — at the top level,
    on a feature or on a geometry — so an upload could make the server fetch any URL;
    only ``{"type": "name", "properties": {"name": "EPSG:25832"}}`` (or an OGC URN of an
    EPSG code / CRS84) is accepted. See :func:`naturkapital.io.local.check_geojson_crs`
    (and :mod:`naturkapital.io.network`: GDAL cannot fetch URLs in this process anyway)."""
    check_geojson_crs(doc)


def read_upload(data: bytes, filename: str | None, id_field: str | None,
                name_field: str | None, max_bytes: int, max_zones: int) -> ZoneUpload:
    """Check the bytes and read the zones (in memory)."""
    shown = display_name(filename)
    if len(data) > max_bytes:
        raise UploadError(413, f"{shown}: the file is over the upload limit of "
                               f"{max_bytes / 1e6:.1f} MB")
    fmt = sniff(data, shown)
    upload = InMemory(data, shown)
    try:
        fields = vector_fields(upload)
    except InputError as exc:
        raise UploadError(422, str(exc)) from None
    if id_field is None or not id_field.strip():
        if not fields:
            raise UploadError(422, f"{shown}: the file has no attribute fields; add one that "
                                   "identifies each zone")
        id_field = fields[0]
    if name_field is None or not name_field.strip():
        name_field = next((f for f in fields if f.lower() in NAME_FIELDS and f != id_field),
                          None)
    for f in (id_field, name_field):
        if f and f not in fields:
            raise UploadError(422, f"{shown}: field '{f}' not found (fields: "
                                   f"{', '.join(fields) or 'none'})")
    try:
        zones = nki_compute.load_zones(upload, id_field, name_field or None)
    except InputError as exc:
        raise UploadError(422, f"{shown}: {exc.problem}") from None
    except Exception as exc:  # malformed content GDAL/GEOS could not handle
        raise UploadError(422, f"{shown}: cannot read the zones ({first_line(exc)})") from None
    if len(zones.gdf) > max_zones:
        raise UploadError(422, f"{shown}: {len(zones.gdf)} zones; at most {max_zones} per "
                               "upload")
    zones.source = f"upload {shown}"
    return ZoneUpload(shown, fmt, len(data), hashlib.sha256(data).hexdigest(), id_field,
                      name_field or None, zones)


def process_zones(value: Any, id_field: str | None, name_field: str | None,
                  settings: Any = None) -> ZoneUpload:
    """The ``zones`` input of a process (an upload, a GeoJSON object or a qualified
    value), read and checked within ``settings``' limits; problems are an
    :class:`InputError` on ``zones`` that names the user's file."""
    from naturkapital.server.config import Settings
    from naturkapital.server.rest import input_file

    settings = settings or Settings()
    data, filename = input_file(value, "zones", "zones.geojson")
    try:
        return read_upload(data, filename, id_field, name_field, settings.max_upload_bytes,
                           settings.max_zones)
    except UploadError as exc:
        raise InputError("zones", exc.detail) from None


def compute_upload(up: ZoneUpload, epoch: str, proxy: str = "context"
                   ) -> nki_compute.NKIResult:
    """The index of the uploaded zones on an embedded epoch."""
    try:
        return nki_compute.compute_nki(up.zones, landcover=epoch, proxy=proxy)
    except InputError as exc:
        raise UploadError(422, f"{up.filename}: {exc.problem}") from None


def zone_records(gdf: gpd.GeoDataFrame) -> list[ZoneRecord]:
    """Zones as (id, name, GeoJSON in EPSG:4326) for the store."""
    wgs = gdf.to_crs(4326)
    geoms = shapely.to_geojson(wgs.geometry.values)
    return [ZoneRecord(str(z), str(n), str(g))
            for z, n, g in zip(wgs[ZONE_ID], wgs["name"], geoms, strict=True)]


def zones_from_records(recs: list[ZoneRecord]) -> gpd.GeoDataFrame:
    geoms = shapely.from_geojson([r.geojson for r in recs])
    return gpd.GeoDataFrame({ZONE_ID: [r.zone_id for r in recs],
                             "name": [r.name for r in recs]}, geometry=list(geoms),
                            crs="EPSG:4326")


def params_of(up: ZoneUpload, epoch: str) -> dict[str, Any]:
    return {"epoch": epoch, "filename": up.filename, "id_field": up.id_field,
            "name_field": up.name_field, "format": up.fmt}
