"""The lowland processes (Klimaskovfonden's criteria).

``lowland-candidates``: indicative candidate areas of one municipality on the embedded
data (:func:`naturkapital.lowland.candidates.find_candidates`), always labelled
*vejledende / indicative* — no carbon map is embedded.

``lowland-screen``: parcels (GeoJSON) screened with the user's three rasters, given as
base64 GeoTIFFs (OGC qualified values ``{"value": …, "mediaType": "image/tiff"}``);
the same bounded checks as ``POST /api/lowland/screen``.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from naturkapital.core.errors import InputError
from naturkapital.server.errors import ApiError
from naturkapital.server.lowland import (
    LowlandService,
    ScreenFiles,
    ScreenOptions,
    decode_raster,
    known_kommune,
    screen_doc,
    screen_files,
)
from naturkapital.server.processes import OutputSpec, ProcessContext, ProcessSpec, register
from naturkapital.server.uploads import UploadError


def _lowland(ctx: ProcessContext) -> LowlandService:
    svc = getattr(ctx.services, "lowland", None) if ctx.services is not None else None
    return svc or LowlandService()


class CandidateInputs(BaseModel):
    """Inputs of lowland-candidates."""

    model_config = ConfigDict(extra="forbid")
    kommune: str = Field(..., pattern=r"^[0-9]{1,4}$", title="Kommunekode / municipality code",
                         description="Embedded municipality code, e.g. 563 Fanø, 760 "
                                     "Ringkøbing-Skjern.")
    top: int | None = Field(None, ge=1, le=100_000, title="Top N",
                            description="Only the first N ranked units (default: all).")


def execute_candidates(inputs: CandidateInputs, ctx: ProcessContext) -> dict[str, Any]:
    """Candidate polygons, the table and the method (with the indicative label)."""
    try:
        known_kommune(ctx.services, inputs.kommune)
    except ApiError as exc:
        raise InputError("kommune", exc.detail) from None
    ctx.progress(10, f"searching candidate areas in {inputs.kommune}")
    doc = _lowland(ctx).candidates_doc(inputs.kommune, inputs.top)
    return {"candidates": doc["candidates"], "table": doc["table"], "meta": doc["meta"]}


CANDIDATES = register(ProcessSpec(
    id="lowland-candidates",
    title="Lavbund: vejledende kandidatarealer (indicative lowland candidate areas)",
    description="Farmland on or beside wet nature in one municipality (Basemap04 2021, dry/wet "
                "nature map), in 2–10 ha units ranked by wet nature nearby. VEJLEDENDE / "
                "INDICATIVE: no carbon map is embedded; screen the units with your own "
                "carbon, water-table and peat-depth maps (lowland-screen).",
    inputs=CandidateInputs,
    outputs={
        "candidates": OutputSpec("Candidate areas", "GeoJSON FeatureCollection (EPSG:4326), "
                                                    "ranked", {"type": "object"}),
        "table": OutputSpec("Table", "candidate_id, rank, area_ha, wet_nature_nearby_ha, "
                                     "on_wet_nature_ha", {"type": "array"}),
        "meta": OutputSpec("Method", "Method, indicative label (Danish/English), "
                                     "assumptions, totals", {"type": "object"}),
    },
    execute=execute_candidates,
    keywords=("lowland", "lavbund", "klimaskovfonden", "peat", "candidates"),
))


class ScreenInputs(BaseModel):
    """Inputs of lowland-screen."""

    model_config = ConfigDict(extra="forbid")
    parcels: dict[str, Any] = Field(
        ..., title="Parcels / parceller",
        description="GeoJSON FeatureCollection of parcel polygons (EPSG:4326, or with a 'crs' "
                    "member).")
    id_field: str | None = Field(None, max_length=255, title="Id field",
                                 description="Parcel id property (default: the first).")
    in_rotation_field: str | None = Field(None, max_length=255, title="In-rotation field",
                                          description="Property: in rotation yes/no.")
    carbon: dict[str, Any] | str = Field(
        ..., title="Organic carbon % (GeoTIFF)",
        description="Base64 GeoTIFF, as {\"value\": …, \"mediaType\": \"image/tiff\"}.")
    water_table: dict[str, Any] | str = Field(
        ..., title="GVSmax cm (GeoTIFF)",
        description="Base64 GeoTIFF; cm relative to the surface, negative below it.")
    peat_depth: dict[str, Any] | str = Field(..., title="Peat depth cm (GeoTIFF)",
                                             description="Base64 GeoTIFF.")
    positive_depths: bool = Field(False, description="GVSmax given as positive depths.")
    align: bool = Field(False, description="Resample water table and peat depth onto the "
                                           "carbon grid (cell-area average).")
    horizon_years: float | None = Field(None, gt=0, le=200, description="CO2 horizon, years "
                                        "(default: the rules table).")


def execute_screen(inputs: ScreenInputs, ctx: ProcessContext) -> dict[str, Any]:
    """Verdict, CO2 and budget per parcel."""
    settings = getattr(ctx.services, "settings", None)
    max_bytes = settings.max_upload_bytes if settings else 20 * 1024 * 1024
    max_parcels = settings.max_zones if settings else 2000
    max_cells = settings.max_raster_cells if settings else 16_000_000
    rasters = {k: (decode_raster(getattr(inputs, k), k), f"{k}.tif")
               for k in ("carbon", "water_table", "peat_depth")}
    files = ScreenFiles(json.dumps(inputs.parcels).encode("utf-8"), "parcels.geojson",
                        rasters)
    opts = ScreenOptions(inputs.id_field, inputs.in_rotation_field, inputs.positive_depths,
                         inputs.align, inputs.horizon_years)
    ctx.progress(10, "screening the parcels")
    svc = _lowland(ctx)
    try:
        out = screen_files(files, opts, max_bytes, max_parcels, max_cells, svc.factors(),
                           svc.rules())
    except UploadError as exc:
        raise InputError("parcels/rasters", exc.detail) from None
    doc = screen_doc(out)
    return {"table": doc["table"], "parcels": doc["parcels"], "meta": doc["meta"]}


SCREEN = register(ProcessSpec(
    id="lowland-screen",
    title="Lavbund: screening efter Klimaskovfondens kriterier (lowland screening)",
    description="Parcels screened against Klimaskovfonden's criteria with your three maps "
                "(organic carbon %, GVSmax cm, peat depth cm; base64 GeoTIFFs on one grid): "
                "status and failed criteria with plain reasons, CO2 before/after (SEGES), "
                "maximum support and payment plan.",
    inputs=ScreenInputs,
    outputs={
        "table": OutputSpec("Screening table", "One row per parcel (as 'naturkapital lowland "
                                               "screen').", {"type": "array"}),
        "parcels": OutputSpec("Parcels", "GeoJSON FeatureCollection (EPSG:4326) with status",
                              {"type": "object"}),
        "meta": OutputSpec("Method", "Rules version, factors, horizon, assumptions",
                           {"type": "object"}),
    },
    execute=execute_screen,
    keywords=("lowland", "lavbund", "klimaskovfonden", "screening", "peat"),
))
