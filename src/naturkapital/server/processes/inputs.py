"""Inputs shared by the processes that run on zones and an embedded land cover."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class ZonesLandcoverInputs(BaseModel):
    """Zones (GeoJSON, optional) and an embedded land cover with its year."""

    model_config = ConfigDict(extra="forbid")
    zones: dict[str, Any] | None = Field(
        None, title="Zones / zoner",
        description="GeoJSON FeatureCollection of polygons (EPSG:4326, or with a 'crs' "
                    "member). Default: the embedded municipalities.")
    id_field: str | None = Field(None, max_length=255, title="Id field",
                                 description="Property that identifies each zone (default: "
                                             "the first property).")
    name_field: str | None = Field(None, max_length=255, title="Name field",
                                   description="Property with the zone's name.")
    landcover: Literal["basemap2021", "corine"] = Field(
        "basemap2021", title="Land cover / arealdække",
        description="Embedded land cover: Basemap04 2021 or CORINE (with year).")
    year: int | None = Field(None, ge=1990, le=2100, title="Year / år",
                             description="CORINE year: 1990, 2000, 2006, 2012 or 2018.")
