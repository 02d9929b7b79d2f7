"""Input files are local data, never pointers: no URLs, no /vsi paths, no VRTs by default.

GDAL opens a file by its content, so a ``.tif`` or ``.gpkg`` may really be a VRT or a
WMS description that makes GDAL read other files (``/etc/passwd``) or URLs. Every
user file goes through :func:`check_local` before GDAL sees it:

* ``/vsi…`` paths and URLs (``…://…``) are refused;
* pointer formats (GDAL VRT, OGR VRT, WMS/WMTS/WCS/WFS/TMS descriptions) are refused,
  unless the user allows VRTs (``NATURKAPITAL_ALLOW_VRT=1`` or ``naturkapital
  --allow-vrt …``) — and then only if every source they name is itself local;
* a GeoJSON ``crs`` member anywhere (top level, feature, geometry) must be a plain
  EPSG/CRS84 name (:func:`check_geojson_crs`); GDAL would follow a ``link``.

A file may also come as bytes (:class:`InMemory`, e.g. an HTTP upload): the readers in
:mod:`naturkapital.io` take it like a path and run the same checks on the bytes; a VRT
in memory is always refused (its sources would be relative to nothing).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from naturkapital.core.errors import InputError

ALLOW_VRT_ENV = "NATURKAPITAL_ALLOW_VRT"

#: XML root elements of GDAL/OGR formats that point at other files or services.
POINTER_ROOTS = {
    "VRTDataset": "a GDAL virtual raster (VRT)",
    "OGRVRTDataSource": "an OGR virtual vector file (VRT)",
    "GDAL_WMS": "a WMS/TMS service description",
    "GDAL_WMTS": "a WMTS service description",
    "WCS_GDAL": "a WCS service description",
    "GDAL_WCS": "a WCS service description",
    "OGRWFSDataSource": "a WFS service description",
    "WMS_Capabilities": "a WMS capabilities document",
    "WMT_MS_Capabilities": "a WMS capabilities document",
    "Capabilities": "a WMTS capabilities document",
    "TileMap": "a TMS tile map description",
    "PAMDataset": "a GDAL auxiliary (.aux.xml) file",
}
VRT_ROOTS = ("VRTDataset", "OGRVRTDataSource")
#: Element names whose text is the path of a source file in a VRT.
VRT_SOURCE_TAGS = ("SourceFilename", "SrcDataSource", "OverviewFilename", "Filename")
GEOJSON_CRS_NAME = re.compile(r"^(EPSG:{1,2}\d{4,6}|urn:ogc:def:crs:EPSG:[0-9.]*:\d{4,6}|"
                              r"urn:ogc:def:crs:OGC:1\.3:CRS84|OGC:CRS84)$", re.IGNORECASE)
_ROOT = re.compile(rb"<\s*([A-Za-z_][\w.:-]*)")
_PROLOG = re.compile(rb"^(\s*(<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>))*\s*", re.DOTALL)
MAX_VRT_DEPTH = 5
_URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:/")


@dataclass(frozen=True)
class InMemory:
    """A user's file held in memory (e.g. an upload): its bytes and the name shown in
    messages — the client's file name, never a server path. ``str()`` is that name, so
    an :class:`InputError` about it names the user's file."""

    data: bytes
    name: str

    def __str__(self) -> str:
        return self.name

    @property
    def suffix(self) -> str:
        return Path(self.name).suffix.lower()


#: A user's file: a path, or bytes with a name.
Source = str | Path | InMemory


#: How GDAL names an in-memory file in its messages: the /vsimem/ path or its UUID name.
_VSIMEM = re.compile(r"/vsimem/[^\s'\"(),;]*|\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-"
                     r"[0-9a-f]{4}-[0-9a-f]{12}(\.\w+)?")


def error_text(exc: BaseException, source: Any, limit: int = 300) -> str:
    """The first line of a GDAL/OGR error about ``source``, with the in-memory file name
    GDAL used (``/vsimem/…``) replaced by the user's file name."""
    from naturkapital.core.errors import first_line

    return _VSIMEM.sub(str(source), first_line(exc, limit))


def source_name(source: Source) -> str:
    """The name of a file to show: a path's file name, or an in-memory file's name."""
    return source.name if isinstance(source, InMemory) else Path(source).name


def vrt_allowed() -> bool:
    """True when the user allowed local VRT files (``NATURKAPITAL_ALLOW_VRT=1``)."""
    return os.environ.get(ALLOW_VRT_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def is_remote(name: str) -> bool:
    """A URL or a GDAL virtual file system path (``/vsicurl/…``, ``/vsis3/…``)."""
    text = name.strip()
    # ``http:/host`` too: a URL passed through pathlib loses one slash
    return ("://" in text or _URL_SCHEME.match(text) is not None
            or text.lower().startswith(("/vsi", "\\vsi")))


def xml_root(head: bytes) -> str | None:
    """The root element name of an XML document from its first bytes, else None."""
    data = head.lstrip(b"\xef\xbb\xbf")
    data = _PROLOG.sub(b"", data, count=1)
    if not data.startswith(b"<"):
        return None
    m = _ROOT.match(data)
    if not m:
        return None
    return m.group(1).decode("ascii", "replace").rsplit(":", 1)[-1]


def pointer_kind(head: bytes) -> str | None:
    """What pointer format the bytes are (a description), or None for plain data."""
    root = xml_root(head[:65536])
    return POINTER_ROOTS.get(root) if root else None


def check_local(path: Source, what: str = "file") -> Any:
    """The user's ``path`` as a local file GDAL may open (a :class:`Path`), or the
    :class:`InMemory` file after the same content checks; InputError otherwise."""
    if isinstance(path, InMemory):
        return _check_in_memory(path, what)
    text = str(path)
    if is_remote(text):
        raise InputError(text, f"{what}: URLs and /vsi… paths are not read (network access "
                               "is disabled); download the file and give its local path")
    p = Path(path)
    if not p.exists():
        raise InputError(p, f"{what} not found / filen findes ikke")
    if p.is_dir():
        return p  # a Shapefile folder or similar: GDAL reads the files in it
    try:
        with open(p, "rb") as fh:
            head = fh.read(65536)
    except OSError as exc:
        raise InputError(p, f"cannot read the {what} ({exc.strerror or exc})") from None
    kind = pointer_kind(head)
    if kind is None and p.suffix.lower() == ".vrt":
        kind = "a virtual file (VRT)"
    if kind is None:
        return p
    root = xml_root(head)
    if root not in VRT_ROOTS or not vrt_allowed():
        hint = (" (set NATURKAPITAL_ALLOW_VRT=1 or use naturkapital --allow-vrt to read a "
                "local VRT)" if root in VRT_ROOTS else "")
        raise InputError(p, f"{what} is {kind}, which points at other files or services; "
                            f"give the data itself, e.g. a GeoTIFF or GeoPackage{hint}")
    check_vrt_sources(p, what)
    return p


def _check_in_memory(f: InMemory, what: str) -> InMemory:
    """:func:`check_local` for bytes: not empty, not a pointer format (a VRT neither:
    in memory its sources would be relative to nothing)."""
    if not f.data:
        raise InputError(f, f"{what} is empty / filen er tom")
    kind = pointer_kind(f.data[:65536])
    if kind is None and f.suffix == ".vrt":
        kind = "a virtual file (VRT)"
    if kind is not None:
        raise InputError(f, f"{what} is {kind}, which points at other files or services; "
                            "give the data itself, e.g. a GeoTIFF or GeoPackage")
    return f


def check_vrt_sources(path: Path, what: str, depth: int = 0) -> None:
    """Every source a (allowed) VRT names is a local file, recursively."""
    if depth > MAX_VRT_DEPTH:
        raise InputError(path, f"{what}: VRTs nested more than {MAX_VRT_DEPTH} deep")
    try:
        tree = ElementTree.parse(path)
    except (ElementTree.ParseError, OSError) as exc:
        raise InputError(path, f"{what}: not a readable VRT ({exc})") from None
    for el in tree.iter():
        tag = el.tag.rsplit("}", 1)[-1] if isinstance(el.tag, str) else ""
        if tag not in VRT_SOURCE_TAGS or not (el.text or "").strip():
            continue
        name = el.text.strip()
        if is_remote(name) or re.match(r"^[A-Za-z][\w]+:", name):
            raise InputError(path, f"{what}: the VRT source {name!r} is not a local file; "
                                   "only local sources are read")
        rel = el.get("relativeToVRT", el.get("relativetoVRT", "0")) == "1"
        src = (path.parent / name) if rel or not Path(name).is_absolute() else Path(name)
        if not src.exists():
            raise InputError(path, f"{what}: the VRT source {name!r} does not exist")
        if src.is_file():
            with open(src, "rb") as fh:
                root = xml_root(fh.read(65536))
            if root in VRT_ROOTS:
                check_vrt_sources(src, what, depth + 1)
            elif root in POINTER_ROOTS:
                raise InputError(path, f"{what}: the VRT source {name!r} is "
                                       f"{POINTER_ROOTS[root]}; only local data are read")
            elif tree.getroot().tag == "VRTDataset" and tag == "SourceFilename":
                _check_raster_source(path, src, name, what)


def _check_raster_source(vrt: Path, src: Path, name: str, what: str) -> None:
    """A raster VRT's source opens as a raster (else the read fails later, far away)."""
    import rasterio
    from rasterio.errors import RasterioError

    try:
        with rasterio.open(src):
            pass
    except RasterioError as exc:
        first = " ".join(str(exc).split())[:200]
        raise InputError(vrt, f"{what}: the VRT source {name!r} cannot be read as a raster "
                              f"({first})") from None


def check_geojson_crs(doc: Any) -> None:
    """Refuse any ``crs`` member, anywhere in a GeoJSON document, that is not a name.

    GDAL follows ``{"type": "link", "properties": {"href": URL}}`` — at the top level,
    on a feature *or on a geometry* — and reads ``"name"`` values that are paths, so
    only ``{"type": "name", "properties": {"name": "EPSG:25832"}}`` (or an OGC URN of
    an EPSG code / CRS84) passes. Raises ValueError. Iterative: no recursion limit.
    """
    stack: list[Any] = [doc]
    while stack:
        obj = stack.pop()
        if isinstance(obj, list):
            stack.extend(obj)
            continue
        if not isinstance(obj, dict):
            continue
        if "crs" in obj and obj["crs"] is not None:
            crs = obj["crs"]
            props = crs.get("properties") if isinstance(crs, dict) else None
            name = props.get("name") if isinstance(props, dict) else None
            if not (isinstance(crs, dict) and crs.get("type") == "name"
                    and isinstance(name, str) and GEOJSON_CRS_NAME.match(name.strip())):
                raise ValueError("unsupported 'crs' member: use {\"type\": \"name\", "
                                 "\"properties\": {\"name\": \"EPSG:25832\"}} (an EPSG code), "
                                 "or leave it out for EPSG:4326")
        for key, value in obj.items():
            if key == "crs" or (key == "properties" and obj.get("type") == "Feature"):
                continue
            if isinstance(value, (dict, list)):
                stack.append(value)


def check_geojson_file(path: Path | InMemory, what: str = "file") -> None:
    """For a GeoJSON file (or bytes): parse it as data and check every ``crs`` member."""
    import json

    if isinstance(path, InMemory):
        data = path.data
    else:
        try:
            with open(path, "rb") as fh:
                head = fh.read(1024)
        except OSError:
            return
        if not head.lstrip(b"\xef\xbb\xbf").lstrip().startswith(b"{"):
            return
        data = path.read_bytes()
    if not data[:1024].lstrip(b"\xef\xbb\xbf").lstrip().startswith(b"{"):
        return
    if b'"crs"' not in data:
        return
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except RecursionError:
        raise InputError(path, f"{what}: the JSON is nested too deeply to be GeoJSON") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise InputError(path, f"{what}: not valid JSON ({exc})") from None
    try:
        check_geojson_crs(doc)
    except ValueError as exc:
        raise InputError(path, f"{what}: {exc}") from None
