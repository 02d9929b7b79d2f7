"""The ``nki`` process: the Natural Capital Index of the municipalities or given zones."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from naturkapital.core.errors import InputError
from naturkapital.nki.spec import NKI
from naturkapital.server.cache import epoch_of, records
from naturkapital.server.processes import ProcessContext, ProcessSpec, register
from naturkapital.server.uploads import UploadError, compute_upload, read_upload, with_upload_dir


def execute(inputs: Any, ctx: ProcessContext) -> dict[str, Any]:
    """Rows of the NKI table and the method metadata."""
    epoch = epoch_of(inputs.landcover, inputs.year)
    services = ctx.services
    if inputs.zones is None:
        ctx.progress(10, "computing the index for the municipalities")
        return {"table": services.nki.rows(epoch), "meta": services.nki.meta(epoch)}
    data = json.dumps(inputs.zones).encode("utf-8")
    with with_upload_dir() as tmp:
        try:
            up = read_upload(data, "zones.geojson", inputs.id_field, inputs.name_field,
                             services.settings.max_upload_bytes, services.settings.max_zones,
                             Path(tmp))
        except UploadError as exc:
            raise InputError("zones", exc.detail) from None
        ctx.progress(20, f"computing the index for {len(up.zones.gdf)} zones")
        try:
            res = compute_upload(up, epoch)
        except UploadError as exc:
            raise InputError("zones", exc.detail) from None
    meta = dict(res.meta)
    meta.pop("landcover_path", None)
    return {"table": records(res.table), "meta": meta}


SPEC = register(ProcessSpec(NKI, execute))
