"""The lowland processes (Klimaskovfonden's criteria).

``lowland-candidates``: indicative candidate areas of one municipality on the embedded
data (:func:`naturkapital.lowland.candidates.find_candidates`), always labelled
*vejledende / indicative* — no carbon map is embedded.

``lowland-screen``: parcels (GeoJSON) screened with the user's three rasters, given as
base64 GeoTIFFs (OGC qualified values ``{"value": …, "mediaType": "image/tiff"}``);
the same bounded checks as ``POST /api/lowland/screen``.
"""

from __future__ import annotations

from typing import Any

from naturkapital.core.errors import InputError
from naturkapital.lowland.spec import CANDIDATES, SCREEN
from naturkapital.server.errors import ApiError
from naturkapital.server.lowland import (
    LowlandService,
    ScreenFiles,
    ScreenOptions,
    known_kommune,
    screen_doc,
    screen_files,
)
from naturkapital.server.processes import ProcessContext, ProcessSpec, register
from naturkapital.server.rest import TIFF_MEDIA, input_file
from naturkapital.server.uploads import UploadError


def _lowland(ctx: ProcessContext) -> LowlandService:
    svc = getattr(ctx.services, "lowland", None) if ctx.services is not None else None
    return svc or LowlandService()


def execute_candidates(inputs: Any, ctx: ProcessContext) -> dict[str, Any]:
    """Candidate polygons, the table and the method (with the indicative label)."""
    try:
        known_kommune(ctx.services, inputs.kommune)
    except ApiError as exc:
        raise InputError("kommune", exc.detail) from None
    ctx.progress(10, f"searching candidate areas in {inputs.kommune}")
    doc = _lowland(ctx).candidates_doc(inputs.kommune, inputs.top, map_view=False)
    return {"candidates": doc["candidates"], "table": doc["table"], "meta": doc["meta"]}


CANDIDATES_PROCESS = register(ProcessSpec(CANDIDATES, execute_candidates))


def execute_screen(inputs: Any, ctx: ProcessContext) -> dict[str, Any]:
    """Verdict, CO2 and budget per parcel."""
    settings = getattr(ctx.services, "settings", None)
    max_bytes = settings.max_upload_bytes if settings else 20 * 1024 * 1024
    max_parcels = settings.max_zones if settings else 2000
    max_cells = settings.max_raster_cells if settings else 16_000_000
    rasters = {k: input_file(getattr(inputs, k), k, f"{k}.tif", TIFF_MEDIA)
               for k in ("carbon", "water_table", "peat_depth")}
    files = ScreenFiles(*input_file(inputs.parcels, "parcels", "parcels.geojson"), rasters)
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


SCREEN_PROCESS = register(ProcessSpec(SCREEN, execute_screen))
