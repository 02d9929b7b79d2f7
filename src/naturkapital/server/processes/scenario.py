"""The ``scenario-evaluate`` process: a land-conversion scenario's services and NKI,
baseline and scenario, per zone (:func:`naturkapital.scenario.evaluate.evaluate_scenario`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from naturkapital.core.errors import InputError
from naturkapital.scenario.spec import EVALUATE
from naturkapital.server.processes import ProcessContext, ProcessSpec, register
from naturkapital.server.uploads import (
    UploadError,
    check_crs_member,
    read_upload,
    with_upload_dir,
)


def execute_scenario(inputs: Any, ctx: ProcessContext) -> dict[str, Any]:
    """The long indicator table, the lowland checks and the method metadata."""
    from naturkapital.landcover.sources import resolve_landcover
    from naturkapital.scenario.evaluate import evaluate_scenario
    from naturkapital.scenario.read import read_scenario

    settings = ctx.services.settings if ctx.services is not None else None
    max_bytes = settings.max_upload_bytes if settings is not None else 20 * 1024 * 1024
    lc = resolve_landcover(inputs.landcover, inputs.year)
    with with_upload_dir() as tmp:
        if isinstance(inputs.scenario, str):
            scen: str | Path = inputs.scenario
        else:
            try:
                check_crs_member(inputs.scenario)  # GDAL would fetch a 'link' CRS
            except ValueError as exc:
                raise InputError("scenario", str(exc)) from None
            data = json.dumps(inputs.scenario).encode("utf-8")
            if len(data) > max_bytes:
                raise InputError("scenario", f"over the upload limit of {max_bytes / 1e6:.1f} MB")
            scen = Path(tmp) / "scenario.geojson"
            scen.write_bytes(data)
            try:
                read_scenario(scen, lc.scheme)
            except InputError as exc:
                raise InputError("scenario", exc.problem) from None
            except Exception as exc:  # malformed content GDAL/GEOS could not handle
                first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else \
                    type(exc).__name__
                raise InputError("scenario", f"cannot read the scenario ({first})") from None
        zones = None
        if inputs.zones is not None:
            zdata = json.dumps(inputs.zones).encode("utf-8")
            try:
                up = read_upload(zdata, "zones.geojson", inputs.id_field, inputs.name_field,
                                 max_bytes, settings.max_zones if settings else 2000,
                                 Path(tmp))
            except UploadError as exc:
                raise InputError("zones", exc.detail) from None
            zones = up.zones
        ctx.progress(20, "evaluating the scenario")
        try:
            res = evaluate_scenario(scen, lc, zones=zones)
        except InputError as exc:
            src = "scenario" if str(tmp) in exc.source else exc.source
            raise InputError(src, exc.problem.replace(str(tmp) + "/", "")) from None
    doc = res.to_dict(inputs.scenario if isinstance(inputs.scenario, str) else "upload")
    return {k: doc[k] for k in ("table", "lowland", "meta")}


SPEC = register(ProcessSpec(EVALUATE, execute_scenario))
