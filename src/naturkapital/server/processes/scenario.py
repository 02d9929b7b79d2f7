"""The ``scenario-evaluate`` process: a land-conversion scenario's services and NKI,
baseline and scenario, per zone (:func:`naturkapital.scenario.evaluate.evaluate_scenario`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from naturkapital.core.errors import InputError
from naturkapital.scenario.spec import EVALUATE
from naturkapital.server.processes import ProcessContext, ProcessSpec, register
from naturkapital.server.scenario_editor import LayerFiles, evaluate_request
from naturkapital.server.uploads import UploadError, read_upload, with_upload_dir


def execute_scenario(inputs: Any, ctx: ProcessContext) -> dict[str, Any]:
    """The long indicator table, the lowland checks and the method metadata."""
    from naturkapital.landcover.sources import resolve_landcover

    settings = ctx.services.settings if ctx.services is not None else None
    max_bytes = settings.max_upload_bytes if settings is not None else 20 * 1024 * 1024
    lc = resolve_landcover(inputs.landcover, inputs.year)
    zones = None
    if inputs.zones is not None:
        with with_upload_dir() as tmp:
            try:
                zones = read_upload(json.dumps(inputs.zones).encode("utf-8"), "zones.geojson",
                                    inputs.id_field, inputs.name_field, max_bytes,
                                    settings.max_zones if settings else 2000, Path(tmp)).zones
            except UploadError as exc:
                raise InputError("zones", exc.detail) from None
    max_cells = settings.max_raster_cells if settings is not None else 16_000_000
    layers = LayerFiles.of(inputs.carbon, inputs.groundwater, max_bytes, max_cells)
    ctx.progress(20, "evaluating the scenario")
    with with_upload_dir() as tmp:
        res = evaluate_request(inputs.scenario, lc, max_bytes, zones,
                               layers=layers.write(Path(tmp)), soil=inputs.soil)
    doc = res.to_dict(inputs.scenario if isinstance(inputs.scenario, str) else "upload")
    return {k: doc[k] for k in ("table", "lowland", "meta")}


SPEC = register(ProcessSpec(EVALUATE, execute_scenario))
