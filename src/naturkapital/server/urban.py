"""Urban nature in the HTTP API: the map layers of an embedded demo city (dwellings
coloured by walking distance, public green areas counted, candidate sites) for the
web view; the tables come from the ``urban`` process (:mod:`.processes.urban`)."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any, Literal

import geopandas as gpd
import shapely
from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from naturkapital.server.errors import responses
from naturkapital.server.processes.urban import _demo
from naturkapital.urban.city import DEMOS

router = APIRouter(prefix="/api/urban", tags=["urban"])

DemoName = Literal[DEMOS]  # type: ignore[valid-type]


def _fc(gdf: gpd.GeoDataFrame, columns: list[str], precision: int = 6) -> dict[str, Any]:
    g = gdf[columns + ["geometry"]].to_crs("EPSG:4326")
    g["geometry"] = shapely.set_precision(g.geometry.values, 10.0 ** -precision)
    return json.loads(g.to_json(drop_id=True, to_wgs84=False))


@lru_cache(maxsize=4)
def map_layers(city: str) -> bytes:
    """The demo's layers as one JSON document (GeoJSON per layer), computed once with
    the process's default inputs."""
    res = _demo(city, 300.0, 1.0, False, 50_000_000.0)
    dw = res.dwellings.copy()
    dw["d"] = dw["network_m"].where(dw["network_m"] < 1e6).round(0)
    dw["s"] = dw["straight_m"].round(0)
    dw["edge"] = ~dw["used"]
    dw["residents"] = dw["residents"].round(1)
    doc = {"meta": {"city": res.meta["city"], "data": res.meta["data"],
                    "rule_m": res.meta["rule_m"], "min_green_ha": res.meta["min_green_ha"]},
           "dwellings": _fc(dw, ["d", "s", "edge", "residents"], 5),
           "green": _fc(res.green.assign(area_ha=res.green["area_ha"].round(2)),
                        ["area_ha"]),
           "sites": _fc(res.sites, ["rank", "site", "tag", "residents_gained",
                                    "chosen_highs", "chosen_greedy"])
           if len(res.sites) else {"type": "FeatureCollection", "features": []}}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@router.get("/{city}/map", summary="Map layers of an embedded demo city: dwellings with "
                                   "walking distance (m), green areas counted, sites",
            responses={200: {"content": {"application/json": {"schema": {"type": "object"}}},
                             "description": "meta and three GeoJSON layers (EPSG:4326)"},
                       **responses(422)})
async def urban_map(city: DemoName) -> Response:  # type: ignore[valid-type]
    data = await run_in_threadpool(map_layers, city)
    return Response(data, media_type="application/json")
