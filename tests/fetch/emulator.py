"""A loopback HTTP server that answers like the national services (tests only).

One ``http.server`` in a thread on a random 127.0.0.1 port, serving:

* ``/wfs`` — WFS 2.0.0 GetCapabilities and GetFeature (GeoJSON when ``outputFormat``
  asks for JSON, else GML written by GDAL), features filtered by the request's bbox;
* ``/wcs`` — WCS 2.0.1 GetCoverage: a GeoTIFF cut from a raster by the two ``subset``s;
* ``/files/NAME`` — static files (zip, GeoTIFF) honouring ``Range: bytes=N-`` (206);
* ``/dataverse/api/access/datafile/:persistentId?persistentId=…`` — Dataverse file API.

Switches on :class:`Emulator` make it misbehave on purpose: ``break_after`` (close a
download after N bytes, once), ``status`` (answer every request with an HTTP error),
``delay`` (sleep before answering), ``require_token``. Every request is logged in
``requests`` (path, query, Range header) so a test can count them.
"""

from __future__ import annotations

import io
import re
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import geopandas as gpd
import numpy as np
import rasterio
from rasterio.windows import from_bounds
from shapely.geometry import box

CAPS = """<?xml version="1.0" encoding="UTF-8"?>
<wfs:WFS_Capabilities version="2.0.0" xmlns:wfs="http://www.opengis.net/wfs/2.0"
 xmlns:ows="http://www.opengis.net/ows/1.1" xmlns:xlink="http://www.w3.org/1999/xlink"
 xmlns:fes="http://www.opengis.net/fes/2.0">
<ows:ServiceIdentification><ows:Title>Emulated WFS</ows:Title>
<ows:ServiceType>WFS</ows:ServiceType><ows:ServiceTypeVersion>2.0.0</ows:ServiceTypeVersion>
</ows:ServiceIdentification>
<ows:OperationsMetadata>
<ows:Operation name="GetCapabilities"><ows:DCP><ows:HTTP><ows:Get xlink:href="{url}"/>
</ows:HTTP></ows:DCP></ows:Operation>
<ows:Operation name="GetFeature"><ows:DCP><ows:HTTP><ows:Get xlink:href="{url}"/>
</ows:HTTP></ows:DCP>
<ows:Parameter name="outputFormat"><ows:AllowedValues>{formats}</ows:AllowedValues>
</ows:Parameter></ows:Operation>
</ows:OperationsMetadata>
<wfs:FeatureTypeList>{types}</wfs:FeatureTypeList>
</wfs:WFS_Capabilities>"""

FEATURE_TYPE = """<wfs:FeatureType><wfs:Name>{name}</wfs:Name><wfs:Title>{name}</wfs:Title>
<wfs:DefaultCRS>urn:ogc:def:crs:EPSG::25832</wfs:DefaultCRS>
<ows:WGS84BoundingBox><ows:LowerCorner>8 54.5</ows:LowerCorner>
<ows:UpperCorner>13 57.8</ows:UpperCorner></ows:WGS84BoundingBox></wfs:FeatureType>"""


@dataclass
class Emulator:
    layers: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    rasters: dict[str, Path] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    json_output: bool = True
    break_after: int | None = None
    status: int | None = None
    delay: float = 0.0
    require_token: str | None = None
    requests: list[dict] = field(default_factory=list)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def count(self, path_prefix: str) -> int:
        return sum(r["path"].startswith(path_prefix) for r in self.requests)


def _gml(gdf: gpd.GeoDataFrame) -> bytes:
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "out.gml"
        gdf.to_file(p, driver="GML", FORMAT="GML3.2", SRSNAME_FORMAT="OGC_URN")
        return p.read_bytes()


def _bbox(q: dict[str, list[str]]) -> tuple[float, ...] | None:
    raw = (q.get("bbox") or q.get("BBOX") or [None])[0]
    if not raw:
        return None
    return tuple(float(v) for v in raw.split(",")[:4])


def handler_for(emu: Emulator) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # quiet
            pass

        def _send(
            self, code: int, body: bytes, ctype: str, extra: dict[str, str] | None = None
        ) -> None:
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802 - http.server API
            parts = urlsplit(self.path)
            q = {k.lower(): v for k, v in parse_qs(parts.query).items()}
            emu.requests.append(
                {
                    "path": parts.path,
                    "query": q,
                    "range": self.headers.get("Range"),
                    "token": self.headers.get("token"),
                }
            )
            if emu.delay:
                time.sleep(emu.delay)
            if emu.status is not None:
                self._send(emu.status, b"<html>boom</html>", "text/html")
                return
            if emu.require_token and self.headers.get("token") != emu.require_token:
                self._send(403, b"forbidden", "text/plain")
                return
            if parts.path == "/wfs":
                self._wfs(q)
            elif parts.path == "/wcs":
                self._wcs(q)
            elif parts.path.startswith("/files/"):
                self._file(emu.files.get(parts.path[len("/files/") :]))
            elif parts.path == "/dataverse/api/access/datafile/:persistentId":
                self._file(emu.files.get((q.get("persistentid") or [""])[0]))
            elif parts.path == "/dataverse/api/info/version":
                self._send(200, b'{"status":"OK","data":{"version":"6.0"}}', "application/json")
            else:
                self._send(404, b"not found", "text/plain")

        def _wfs(self, q: dict[str, list[str]]) -> None:
            req = (q.get("request") or [""])[0].lower()
            if req == "getcapabilities":
                formats = "<ows:Value>application/gml+xml; version=3.2</ows:Value>"
                if emu.json_output:
                    formats += "<ows:Value>application/json</ows:Value>"
                body = CAPS.format(
                    url=f"{emu.url}/wfs",
                    formats=formats,
                    types="".join(FEATURE_TYPE.format(name=n) for n in emu.layers),
                )
                self._send(200, body.encode(), "application/xml")
                return
            if req != "getfeature":
                self._send(400, b"bad request", "text/plain")
                return
            name = (q.get("typenames") or q.get("typename") or [""])[0]
            gdf = emu.layers.get(name)
            if gdf is None:
                self._send(
                    400,
                    b"<ows:ExceptionReport>unknown type</ows:ExceptionReport>",
                    "application/xml",
                )
                return
            bb = _bbox(q)
            if bb is not None:
                gdf = gdf[gdf.intersects(box(*bb))]
            start = int((q.get("startindex") or ["0"])[0])
            count = (q.get("count") or q.get("maxfeatures") or [None])[0]
            gdf = gdf.iloc[start : start + int(count)] if count else gdf.iloc[start:]
            fmt = (q.get("outputformat") or [""])[0]
            if "json" in fmt:
                self._send(200, gdf.to_json().encode(), "application/json")
            else:
                self._send(200, _gml(gdf), "application/gml+xml; version=3.2")

        def _wcs(self, q: dict[str, list[str]]) -> None:
            cov = (q.get("coverageid") or [""])[0]
            path = emu.rasters.get(cov)
            if path is None:
                self._send(404, b"no such coverage", "text/plain")
                return
            sub = {
                m.group(1): (float(m.group(2)), float(m.group(3)))
                for s in q.get("subset", [])
                if (m := re.match(r"(\w+)\(([-\d.e]+),([-\d.e]+)\)", s))
            }
            with rasterio.open(path) as ds:
                (x0, x1), (y0, y1) = sub["x"], sub["y"]
                win = from_bounds(x0, y0, x1, y1, ds.transform).round_offsets().round_lengths()
                data = ds.read(1, window=win, boundless=True, fill_value=ds.nodata or 0)
                prof = ds.profile.copy()
                prof.update(
                    width=data.shape[1],
                    height=data.shape[0],
                    transform=ds.window_transform(win),
                    driver="GTiff",
                )
                prof.pop("blockxsize", None)
                prof.pop("blockysize", None)
                prof["tiled"] = False
            buf = io.BytesIO()
            with rasterio.MemoryFile() as mem:
                with mem.open(**prof) as out:
                    out.write(data, 1)
                buf.write(mem.read())
            self._send(200, buf.getvalue(), "image/tiff")

        def _file(self, body: bytes | None) -> None:
            if body is None:
                self._send(404, b"not found", "text/plain")
                return
            start = 0
            rng = self.headers.get("Range")
            m = re.match(r"bytes=(\d+)-", rng or "")
            if m:
                start = int(m.group(1))
                if start >= len(body):
                    self._send(416, b"", "text/plain")
                    return
            chunk = body[start:]
            self.send_response(206 if m else 200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(chunk)))
            self.send_header("Accept-Ranges", "bytes")
            if m:
                self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
            self.end_headers()
            if emu.break_after is not None and not m:
                self.wfile.write(chunk[: emu.break_after])
                self.wfile.flush()
                emu.break_after = None  # break once
                self.close_connection = True
                return
            self.wfile.write(chunk)

    return Handler


class Running:
    """Context manager: start the emulator's server, stop it afterwards."""

    def __init__(self, emu: Emulator) -> None:
        self.emu = emu
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(emu))
        self.server.daemon_threads = True
        emu.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Emulator:
        self.thread.start()
        return self.emu

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def grid_polygons(
    bounds: tuple[float, float, float, float], step: float, **columns: object
) -> gpd.GeoDataFrame:
    """Square polygons of ``step`` metres over ``bounds`` (EPSG:25832) with an ``id``."""
    minx, miny, maxx, maxy = bounds
    geoms = [
        box(x, y, x + step, y + step)
        for x in np.arange(minx, maxx, step)
        for y in np.arange(miny, maxy, step)
    ]
    gdf = gpd.GeoDataFrame(
        {"id": [f"b{i}" for i in range(len(geoms))]}, geometry=geoms, crs="EPSG:25832"
    )
    for k, v in columns.items():
        gdf[k] = v
    return gdf
