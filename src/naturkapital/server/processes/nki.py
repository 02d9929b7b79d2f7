"""The ``nki`` process: the Natural Capital Index of the municipalities or given zones."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from naturkapital.core.errors import InputError
from naturkapital.server.cache import epoch_of, records
from naturkapital.server.processes import OutputSpec, ProcessContext, ProcessSpec, register
from naturkapital.server.processes.inputs import ZonesLandcoverInputs
from naturkapital.server.uploads import UploadError, compute_upload, read_upload, with_upload_dir


class NKIInputs(ZonesLandcoverInputs):
    """Inputs of the NKI process (default zones: the 98 embedded municipalities)."""


ROW_SCHEMA: dict[str, Any] = {
    "type": "array",
    "items": {"type": "object", "properties": {
        "zone_id": {"type": "string"}, "name": {"type": "string"},
        "nki": {"type": ["number", "null"]}, "nki_nature": {"type": ["number", "null"]},
        "rank": {"type": ["integer", "null"]}}},
}


def execute(inputs: NKIInputs, ctx: ProcessContext) -> dict[str, Any]:
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


SPEC = register(ProcessSpec(
    id="nki",
    title="Naturkapitalindeks (Natural Capital Index)",
    description="NKI and NKI natur per zone, with rank, group and the area share and "
                "nature value of each of the 8 land types, on embedded Basemap04 2021 or "
                "CORINE (open-data method, DCE/DN). Zones: the municipalities or your own "
                "GeoJSON polygons.",
    inputs=NKIInputs,
    outputs={
        "table": OutputSpec("NKI table", "One row per zone, sorted by rank; the all-zones "
                                         "row (zone_id 0) last.", ROW_SCHEMA),
        "meta": OutputSpec("Method", "Method, land cover, scheme, assumptions.",
                           {"type": "object"}),
    },
    execute=execute,
    keywords=("nki", "naturkapitalindeks", "natural capital", "biodiversity"),
))
