"""The web map's background, offline first.

``GET /tiles/basemap/{z}/{x}/{y}.png``: XYZ tiles (Web Mercator, morecantile's
``WebMercatorQuad``) rendered by rio-tiler from the embedded Basemap04 2021 raster, each
class in the colour of its NKI land type (the diagram's colours, so map and diagram
read alike). Tiles are kept in memory (LRU) once made. ``GET /api/map/config``: the
map's settings — the embedded layer, its legend, and an optional online base map from
``NATURKAPITAL_BASEMAP_URL`` / ``NATURKAPITAL_BASEMAP_ATTRIBUTION`` (off by default; the
server never fetches it, the user's browser does). ``GET /api/map/labels``: one label
point per municipality (inside its polygon) for the name labels.
"""

from __future__ import annotations

import json
import os
import threading
import warnings
from collections import OrderedDict
from functools import lru_cache
from typing import Any

import morecantile
from fastapi import APIRouter, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from rio_tiler.errors import NoOverviewWarning, TileOutsideBounds
from rio_tiler.io import Reader

from naturkapital.data.catalogue import dataset_path
from naturkapital.landcover.landtypes import BY_KEY
from naturkapital.landcover.scheme import load_scheme
from naturkapital.server.errors import ApiError, responses

router = APIRouter(tags=["map"])

TMS = morecantile.tms.get("WebMercatorQuad")
MIN_ZOOM, MAX_ZOOM = 5, 14
TILE_SIZE = 256
CACHE_TILES = 4096
ATTRIBUTION = "Basemap04 2021: DCE – Aarhus Universitet (Levin et al.)"


def _hex(colour: str, alpha: int = 255) -> tuple[int, int, int, int]:
    c = colour.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16), alpha


@lru_cache(maxsize=1)
def legend() -> list[dict[str, Any]]:
    """Basemap04 classes with their land type's colour and Danish/English labels."""
    scheme = load_scheme("basemap04")
    out = []
    for row in scheme.table.itertuples():
        lt = BY_KEY[row.land_type]
        en, _, da = str(row.label).partition(" / ")
        out.append(
            {
                "value": int(row.value),
                "en": en,
                "da": da or en,
                "land_type": lt.key,
                "colour": lt.colour,
            }
        )
    return out


@lru_cache(maxsize=1)
def colormap() -> dict[int, tuple[int, int, int, int]]:
    cmap = {v: (0, 0, 0, 0) for v in range(256)}  # 0 = no data (sea, abroad)
    for c in legend():
        cmap[c["value"]] = _hex(c["colour"])
    return cmap


class TileCache:
    """Rendered PNG tiles by (z, x, y), least recently used out first."""

    def __init__(self, size: int = CACHE_TILES) -> None:
        self.size = size
        self._d: OrderedDict[tuple[int, int, int], bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[int, int, int]) -> bytes | None:
        with self._lock:
            data = self._d.get(key)
            if data is not None:
                self._d.move_to_end(key)
            return data

    def put(self, key: tuple[int, int, int], data: bytes) -> None:
        with self._lock:
            self._d[key] = data
            self._d.move_to_end(key)
            while len(self._d) > self.size:
                self._d.popitem(last=False)


CACHE = TileCache()


_SOURCE_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def tile_source() -> str:
    """The raster the tiles are cut from: a Cloud-Optimised GeoTIFF copy of the embedded
    Basemap04 with nearest-neighbour overviews, made once per process in its temporary
    folder (the low zooms then read an overview, not all 17 million cells); the
    embedded file itself if the copy cannot be made."""
    import tempfile

    import rasterio.shutil

    src = str(dataset_path("basemap2021"))
    with _SOURCE_LOCK:
        out = os.path.join(tempfile.gettempdir(), "basemap04_2021_tiles_cog.tif")
        if os.path.exists(out):
            return out
        tmp = out + f".{os.getpid()}.part"
        try:
            rasterio.shutil.copy(
                src,
                tmp,
                driver="COG",
                OVERVIEW_RESAMPLING="NEAREST",
                COMPRESS="DEFLATE",
                BLOCKSIZE=256,
            )
            os.replace(tmp, out)
            return out
        except Exception:  # no space, read-only temp: tiles from the embedded file
            if os.path.exists(tmp):
                os.remove(tmp)
            return src


@lru_cache(maxsize=1)
def _empty_png() -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGBA", (TILE_SIZE, TILE_SIZE), (0, 0, 0, 0)).save(buf, "PNG", optimize=True)
    return buf.getvalue()


def render_tile(z: int, x: int, y: int) -> bytes:
    """One 256 px PNG tile of Basemap04 (nearest neighbour: classes are not averaged)."""
    key = (z, x, y)
    cached = CACHE.get(key)
    if cached is not None:
        return cached
    try:
        with warnings.catch_warnings():  # 100 m grid, no overviews: fast enough without
            warnings.simplefilter("ignore", NoOverviewWarning)
            with Reader(tile_source(), tms=TMS) as src:
                img = src.tile(
                    x,
                    y,
                    z,
                    tilesize=TILE_SIZE,
                    resampling_method="nearest",
                    reproject_method="nearest",
                )
        data = img.render(img_format="PNG", colormap=colormap())
    except TileOutsideBounds:
        data = _empty_png()
    CACHE.put(key, data)
    return data


@router.get(
    "/tiles/basemap/{z}/{x}/{y}.png",
    summary="Land-cover background tile (Basemap04 2021, XYZ Web Mercator)",
    response_class=Response,
    responses={
        200: {
            "content": {"image/png": {"schema": {"type": "string", "format": "binary"}}},
            "description": "256 px PNG tile, transparent outside Denmark",
        },
        **responses(404, 422),
    },
)
async def basemap_tile(
    z: int = Path(ge=0, le=22), x: int = Path(ge=0), y: int = Path(ge=0)
) -> Response:
    if not MIN_ZOOM <= z <= MAX_ZOOM:
        raise ApiError(
            404,
            f"no base-map tiles at zoom {z} (zoom {MIN_ZOOM}–{MAX_ZOOM}) / "
            f"ingen baggrundskort i zoom {z}",
        )
    if x >= 2**z or y >= 2**z:
        raise ApiError(404, f"tile {z}/{x}/{y} is outside the grid / uden for nettet")
    data = await run_in_threadpool(render_tile, z, x, y)
    return Response(
        data, media_type="image/png", headers={"Cache-Control": "public, max-age=86400"}
    )


def online_basemap() -> dict[str, str] | None:
    """The optional online base map of this server (environment), or None."""
    url = (os.environ.get("NATURKAPITAL_BASEMAP_URL") or "").strip()
    if not url:
        return None
    return {
        "url": url,
        "attribution": (os.environ.get("NATURKAPITAL_BASEMAP_ATTRIBUTION") or "").strip(),
    }


def online_origin() -> str | None:
    """``scheme://host[:port]`` of the online base map, for the page's CSP."""
    from urllib.parse import urlsplit

    cfg = online_basemap()
    if cfg is None:
        return None
    parts = urlsplit(cfg["url"].replace("{", "").replace("}", ""))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


@router.get(
    "/api/map/config",
    tags=["map"],
    summary="The web map's layers: embedded "
    "land-cover tiles, their legend, an optional online base map",
)
def map_config() -> dict[str, Any]:
    return {
        "basemap": {
            "tiles": "/tiles/basemap/{z}/{x}/{y}.png",
            "minzoom": MIN_ZOOM,
            "maxzoom": MAX_ZOOM,
            "attribution": ATTRIBUTION,
            "legend": legend(),
        },
        "online": online_basemap(),
    }


def _labels(request: Request) -> bytes:
    """Label points of the embedded municipalities, made once per app."""
    cached = getattr(request.app.state, "map_labels", None)
    if cached is not None:
        return cached
    gdf = request.app.state.nki.zones().gdf
    pts = gdf.to_crs("EPSG:25832").representative_point().to_crs("EPSG:4326")
    out = [
        {"zone_id": str(z), "name": str(n), "lon": round(p.x, 5), "lat": round(p.y, 5)}
        for z, n, p in zip(gdf["zone_id"], gdf["name"], pts, strict=True)
    ]
    data = json.dumps(out, ensure_ascii=False).encode("utf-8")
    request.app.state.map_labels = data
    return data


@router.get(
    "/api/map/labels",
    tags=["map"],
    summary="One label point per municipality (inside it), EPSG:4326",
)
def map_labels(request: Request) -> Response:
    return Response(
        _labels(request),
        media_type="application/json",
        headers={"Cache-Control": "public, max-age=3600"},
    )
