"""The ``consolidate`` process: a land-consolidation swap plan
(:func:`naturkapital.consolidation.compute.consolidate`) from GeoJSON objects or files
(GeoJSON or GeoPackage as qualified values); the same checks as the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import geopandas as gpd
from shapely.geometry import Point

from naturkapital.consolidation.compute import consolidate
from naturkapital.consolidation.spec import CONSOLIDATE
from naturkapital.core.errors import InputError
from naturkapital.io.local import InMemory
from naturkapital.server.lowland import geojson_4326
from naturkapital.server.processes import ProcessContext, ProcessSpec, register
from naturkapital.server.rest import input_file

SUFFIXES = (".geojson", ".json", ".gpkg")


def _file(value: Any, name: str, limit: int) -> InMemory:
    """One vector input, in memory, under a fixed name (``parcels.geojson``)."""
    data, filename = input_file(value, name, f"{name}.geojson")
    if len(data) > limit:
        raise InputError(name, f"the file is larger than {limit // (1024 * 1024)} MB")
    suffix = Path(filename).suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(name, f"give GeoJSON or a GeoPackage ({', '.join(SUFFIXES)})")
    return InMemory(data, f"{name}{suffix}")


def _split(text: str | None) -> list[str]:
    return [t.strip() for t in (text or "").split(",") if t.strip()]


def _input_name(source: str, files: dict[str, InMemory]) -> str:
    for name, f in files.items():
        if source == f.name:
            return name
    return source.removeprefix("--").replace("-", "_")


def _run(inputs: Any, files: dict[str, InMemory], max_parcels: int) -> Any:
    return consolidate(files.get("parcels"), files.get("farms"), files.get("project"),
                       files.get("land_bank"), inputs.id_field, inputs.owner_field,
                       inputs.value_field, inputs.soil_field, inputs.farm_owner_field,
                       inputs.target_use, inputs.tolerance, _split(inputs.sellers),
                       _split(inputs.fixed), inputs.max_cash, inputs.weight_distance,
                       inputs.weight_move, inputs.weight_cash, inputs.time_limit,
                       max_parcels=max_parcels, demo=inputs.demo)


def execute_consolidate(inputs: Any, ctx: ProcessContext) -> dict[str, Any]:
    """Swap list, balance sheet, project parcels (scenario) and summary."""
    settings = getattr(ctx.services, "settings", None)
    limit = settings.max_upload_bytes if settings else 20 * 1024 * 1024
    max_parcels = settings.max_zones if settings else 2000
    files = {k: _file(getattr(inputs, k), k, limit)
             for k in ("parcels", "farms", "project", "land_bank")
             if getattr(inputs, k) is not None}
    ctx.progress(10, "solving the swap plan")
    try:
        res = _run(inputs, files, max_parcels)
    except InputError as exc:  # name the input
        raise InputError(_input_name(exc.source, files), exc.problem) from None
    doc = res.to_dict()
    scenario = json.loads(res.scenario.to_crs(4326).to_json())
    parcels = res.parcels.rename(columns={"to": "owner_after"})
    label = doc["meta"].get("label")
    if label:
        parcels["label"] = label
    cols = ["parcel_id", "owner", "owner_after", "area_ha", "value_dkk", "in_project",
            "target_use"] + (["label"] if label else [])
    farms = gpd.GeoDataFrame({"owner": list(res.farms)}, geometry=[
        Point(xy) for xy in res.farms.values()], crs=res.parcels.crs)
    area = res.project_area if res.project_area is not None else \
        gpd.GeoDataFrame(geometry=[], crs=res.parcels.crs)
    return {"swaps": doc["swaps"], "balance": doc["balance"], "scenario": scenario,
            "parcels": geojson_4326(parcels, cols), "project_area": geojson_4326(area, []),
            "farms": geojson_4326(farms, ["owner"]), "summary": doc["summary"],
            "meta": doc["meta"]}


SPEC = register(ProcessSpec(CONSOLIDATE, execute_consolidate))
