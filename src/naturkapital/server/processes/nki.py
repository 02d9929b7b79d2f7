"""The ``nki`` process: the Natural Capital Index of the municipalities or given zones."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from naturkapital.core.errors import InputError
from naturkapital.nki.compute import NKIResult, compare
from naturkapital.nki.spec import COMPARE, NKI
from naturkapital.server.cache import epoch_of, records
from naturkapital.server.processes import ProcessContext, ProcessSpec, register
from naturkapital.server.rest import input_file
from naturkapital.server.uploads import (
    UploadError,
    ZoneUpload,
    compute_upload,
    process_zones,
    read_upload,
)


@dataclass
class NKIRun:
    """The index of uploaded zones (``upload``/``result``), or only the epoch when no
    zones were given (the embedded municipalities, served from the cache)."""

    epoch: str
    upload: ZoneUpload | None = None
    result: NKIResult | None = None
    proxy: str = "context"

    def meta(self) -> dict[str, Any]:
        assert self.result is not None
        meta = dict(self.result.meta)
        meta.pop("landcover_path", None)
        return meta


def run_nki(values: dict[str, Any], services: Any) -> NKIRun:
    """The NKI of the given zones (a file upload, GeoJSON or qualified value); the one
    implementation behind the process and its REST alias. Raises :class:`UploadError`."""
    epoch = epoch_of(values["landcover"], values["year"])
    proxy = values.get("proxy") or "context"
    if values["zones"] is None:
        return NKIRun(epoch, proxy=proxy)
    data, filename = input_file(values["zones"], "zones", "zones.geojson")
    up = read_upload(data, filename, values["id_field"], values["name_field"],
                     services.settings.max_upload_bytes, services.settings.max_zones)
    res = compute_upload(up, epoch, proxy)
    return NKIRun(epoch, up, res, proxy)


def execute_nki(inputs: Any, ctx: ProcessContext) -> dict[str, Any]:
    """Rows of the NKI table and the method metadata."""
    services = ctx.services
    ctx.progress(10, "computing the index")
    try:
        run = run_nki(inputs.model_dump(), services)
    except UploadError as exc:
        raise InputError("zones", exc.detail) from None
    if run.result is None:
        return {"table": services.nki.rows(run.epoch, run.proxy),
                "meta": services.nki.meta(run.epoch, run.proxy)}
    return {"table": records(run.result.table), "meta": run.meta()}


SPEC = register(ProcessSpec(NKI, execute_nki))


def execute_compare(inputs: Any, ctx: ProcessContext) -> dict[str, Any]:
    """The change table and its method between two embedded epochs."""
    services = ctx.services
    frm, to = inputs.from_epoch, inputs.to_epoch
    if inputs.zones is None:
        ctx.progress(10, "comparing the municipalities")
        res = services.nki.compare(frm, to)
        return {"table": services.nki.compare_rows(frm, to),
                "meta": {**res.meta, "from_epoch": frm, "to_epoch": to}}
    up = process_zones(inputs.zones, inputs.id_field, inputs.name_field, services.settings)
    ctx.progress(20, f"comparing {len(up.zones.gdf)} zones")
    res = compare(frm, to, up.zones)
    return {"table": records(res.table), "meta": {**res.meta, "from_epoch": frm,
                                                 "to_epoch": to}}


COMPARE_PROCESS = register(ProcessSpec(COMPARE, execute_compare))
