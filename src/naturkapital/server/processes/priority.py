"""The priority processes of an embedded municipality: ``priority-network`` (nature
patches, PC/ECA, corridors), ``priority-rank`` (the fireman's-rule classes) and
``priority-allocate`` (a least-cost plan that meets hectare targets; the plan is scenario
polygons with ``to_class``). Geometries are GeoJSON in EPSG:4326 (1e-6° precision),
tables records, ``meta`` JSON-ready."""

from __future__ import annotations

from typing import Any

from naturkapital.core.jsonable import jsonable, records
from naturkapital.priority.spec import ALLOCATE, NETWORK, PLAN, RANK
from naturkapital.server.lowland import geojson_4326
from naturkapital.server.processes import ProcessContext, ProcessSpec, register


def geojson(gdf: Any) -> dict[str, Any]:
    """A layer with all its columns as GeoJSON in EPSG:4326 (coordinates to 1e-6°)."""
    return geojson_4326(gdf, [c for c in gdf.columns if c != gdf.geometry.name])


def execute_network(inputs: Any, ctx: ProcessContext) -> dict[str, Any]:
    """Indices per dispersal distance, the patches (with dPC fractions) and corridors."""
    from naturkapital.priority.network import build_network

    v = inputs.model_dump()
    ctx.progress(10, f"building the ecological network of {v['kommune']}")
    distances = None if v["distance"] is None else [v["distance"]]
    net = build_network(v["kommune"], distances, v["min_patch_ha"], v["p_at_distance"])
    return {"indices": records(net.indices), "patches": geojson(net.patches),
            "corridors": geojson(net.corridors), "meta": jsonable(net.meta)}


def execute_rank(inputs: Any, ctx: ProcessContext) -> dict[str, Any]:
    """Every planning unit with its fireman's class, criteria and rank."""
    from naturkapital.priority.rank import rank_kommune

    v = inputs.model_dump()
    ctx.progress(10, f"ranking the planning units of {v['kommune']}")
    res = rank_kommune(v["kommune"], v["distance"], v["unit_size_m"], v["buffer_m"],
                       min_patch_ha=v["min_patch_ha"])
    return {"units": geojson(res.units), "meta": jsonable(res.meta)}


NETWORK_SPEC = register(ProcessSpec(NETWORK, execute_network))
RANK_SPEC = register(ProcessSpec(RANK, execute_rank))


def execute_allocate(inputs: Any, ctx: ProcessContext) -> dict[str, Any]:
    """The plan (GeoJSON, EPSG:4326), the summary per conversion and the solver record."""
    from naturkapital.priority.compute import plan_allocation

    v = inputs.model_dump()
    ctx.progress(10, f"allocating the targets in {v['kommune']}")
    res = plan_allocation(v["kommune"], v["forest_ha"], v["untouched_forest_ha"],
                          v["wet_nature_ha"], v["dry_nature_ha"], v["unit_size_m"],
                          v["budget"], time_limit=v["time_limit"],
                          boundary_penalty=v["boundary_penalty"], staged=v["staged"],
                          maximise_eca=v["maximise_eca"])
    meta = dict(res.meta)
    meta.pop("cost_table", None)
    return {"plan": geojson(res.plan),
            "summary": records(res.summary), "meta": jsonable(meta)}


SPEC = register(ProcessSpec(ALLOCATE, execute_allocate))


def execute_plan(inputs: Any, ctx: ProcessContext) -> dict[str, Any]:
    """Network → rank → allocate → scenario evaluate: the plan and the corridors
    (GeoJSON, EPSG:4326), the summary per conversion and the record."""
    from naturkapital.priority.plan import plan_kommune

    v = inputs.model_dump()
    ctx.progress(10, f"network, ranking and plan for {v['kommune']}")
    res = plan_kommune(v["kommune"], v["forest_ha"], v["untouched_forest_ha"],
                       v["wet_nature_ha"], v["dry_nature_ha"], v["unit_size_m"],
                       v["distance"], v["buffer_m"], v["min_patch_ha"], v["time_limit"],
                       v["staged"], v["budget"], v["boundary_penalty"],
                       v["min_unit_share"])

    return {"plan": geojson(res.allocation.plan),
            "summary": records(res.summary),
            "corridors": geojson(res.network.corridors),
            "meta": jsonable(res.meta)}


PLAN_SPEC = register(ProcessSpec(PLAN, execute_plan))
