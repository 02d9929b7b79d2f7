"""Pydantic models of the HTTP API (request bodies and JSON responses)."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any, Literal

import shapely
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from shapely.geometry import shape

from naturkapital.landcover.landtypes import KEYS
from naturkapital.scenario.read import CONVERSION_FIELDS, OPTIONAL_NUMBER_HELP, OPTIONAL_NUMBERS

LandTypeKey = Literal["skov", "soe", "eng_mose", "hede_overdrev", "mark", "by_groen",
                      "by_graa", "andet"]
assert tuple(LandTypeKey.__args__) == KEYS  # type: ignore[attr-defined]


class Problem(BaseModel):
    """An error (RFC 9457 problem details; also the OGC API exception format)."""

    type: str
    title: str
    status: int
    detail: str
    detail_da: str | None = Field(None, description="the message in Danish (web app)")
    detail_en: str | None = Field(None, description="the message in English (web app)")


class Municipality(BaseModel):
    zone_id: str
    name: str
    nki: float | None
    nki_nature: float | None
    rank: int | None = Field(description="1 = best NKI; null when not ranked")
    rank_nature: int | None
    group: str | None
    group_da: str | None
    area_ha: float | None
    coverage_pct: float | None


class NKIRow(BaseModel):
    """One row of the full NKI table (shares in % of mapped area, values 0–100)."""

    model_config = ConfigDict(extra="allow")
    zone_id: str
    name: str
    area_ha: float | None
    coverage_pct: float | None
    nki: float | None
    nki_nature: float | None
    rank: int | None
    rank_nature: int | None
    group: str | None
    method: str
    assumption: str


class Meta(BaseModel):
    """Method, land cover, scheme and assumptions of a result."""

    model_config = ConfigDict(extra="allow")
    method: str
    landcover: str
    scheme: str
    zones: str
    assumptions: list[str]


class NKITable(BaseModel):
    meta: Meta
    rows: list[NKIRow]


class LandTypeRow(BaseModel):
    key: LandTypeKey
    da: str
    en: str
    nature: bool
    colour: str
    share_pct: float | None = Field(description="area share, % of the mapped area")
    value: float | None = Field(description="mean nature value 0–100")
    contribution: float | None = Field(description="share × value / 100, NKI points")
    share_nature_pct: float | None = Field(description="share of the nature area (%), "
                                                       "nature types only")
    contribution_nature: float | None = Field(
        None, description="share of the nature area × value / 100, NKI natur points; "
                          "nature types only")


class ZoneBreakdown(BaseModel):
    zone_id: str
    name: str
    nki: float | None
    nki_nature: float | None
    rank: int | None
    rank_nature: int | None
    n_ranked: int
    group: str | None
    group_da: str | None
    area_ha: float | None
    coverage_pct: float | None
    land_types: list[LandTypeRow]
    meta: Meta
    diagram_svg: str
    diagram_png: str


class CompareRow(BaseModel):
    model_config = ConfigDict(extra="allow")
    zone_id: str
    name: str
    nki_from: float | None
    nki_to: float | None
    delta: float | None
    delta_area: float | None
    delta_value: float | None
    rank_from: float | None
    rank_to: float | None
    rank_change: int | None


class CompareTable(BaseModel):
    meta: dict[str, Any]
    rows: list[CompareRow]


class UploadResult(BaseModel):
    """NKI of uploaded zones; ``stored`` when saved (with a token)."""

    meta: Meta
    rows: list[NKIRow]
    zones: dict[str, Any] = Field(description="GeoJSON FeatureCollection (EPSG:4326) of "
                                              "the zones with their NKI")
    stored: bool
    upload_id: str | None = None
    result_id: str | None = None
    filename: str
    id_field: str


class StoredResultInfo(BaseModel):
    id: str
    created_at: datetime
    kind: str
    upload_id: str | None
    params: dict[str, Any]
    meta: dict[str, Any]


class StoredResult(StoredResultInfo):
    rows: list[dict[str, Any]]


class Geometry(BaseModel):
    """A GeoJSON Polygon or MultiPolygon in EPSG:4326 (longitude, latitude)."""

    type: Literal["Polygon", "MultiPolygon"]
    coordinates: list[Any]

    @field_validator("coordinates")
    @classmethod
    def _nonempty(cls, v: list[Any]) -> list[Any]:
        if not v:
            raise ValueError("coordinates are empty")
        return v

    def check(self) -> None:
        """Raise ValueError unless the geometry is a valid polygon in lon/lat bounds."""
        try:
            geom = shape(self.model_dump())
        except Exception as exc:  # shapely raises several types for bad nesting
            raise ValueError(f"not a valid GeoJSON {self.type}: {exc}") from None
        if geom.is_empty:
            raise ValueError("geometry is empty")
        if not geom.is_valid:
            raise ValueError(f"invalid geometry: {shapely.is_valid_reason(geom)}")
        minx, miny, maxx, maxy = geom.bounds
        if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
            raise ValueError("coordinates must be longitude/latitude (EPSG:4326)")


def _optional_number(key: str) -> Any:
    """A conversion's optional number with the scenario reader's bounds and meaning."""
    lo, hi = OPTIONAL_NUMBERS[key]
    return Field(None, ge=lo, le=hi, description=OPTIONAL_NUMBER_HELP[key])


class Conversion(BaseModel):
    """One land conversion of a scenario: this area becomes that land type (or, more
    precisely, that class of the scenario land cover's scheme: ``to_class``)."""

    geometry: Geometry
    to_land_type: LandTypeKey | None = Field(
        None, description="NKI land type; filled in from to_class when that is given")
    to_class: int | None = Field(None, ge=0, le=65535, description="Class code of the "
                                 "scenario land cover's scheme, e.g. Basemap04 11 wet nature, "
                                 "8 forest (see /api/landcover/classes)")
    conv_id: str | None = Field(None, max_length=200, description="The conversion's id in "
                                "results (default: its name when unique, else #1, #2 …)")
    name: str = Field("", max_length=200)
    note: str = Field("", max_length=500)
    oc_pct: float | None = _optional_number("oc_pct")
    gvsmax_cm: float | None = _optional_number("gvsmax_cm")
    peat_depth_cm: float | None = _optional_number("peat_depth_cm")

    @field_validator("geometry")
    @classmethod
    def _valid(cls, g: Geometry) -> Geometry:
        g.check()
        return g

    @model_validator(mode="after")
    def _target(self) -> Conversion:
        if self.to_land_type is None and self.to_class is None:
            raise ValueError("give to_class (a class of the land cover's scheme) or "
                             "to_land_type")
        return self


# a saved scenario keeps every attribute a scenario file may give
assert set(CONVERSION_FIELDS) <= set(Conversion.model_fields)


def scheme_land_types(landcover: str) -> dict[int, str]:
    """Class code → land type of the scheme of a scenario land cover (cached)."""
    return dict(_scheme_land_types(landcover))


@lru_cache(maxsize=8)
def _scheme_land_types(landcover: str) -> tuple[tuple[int, str], ...]:
    from naturkapital.landcover.sources import resolve_landcover

    name, _, year = landcover.partition(":")
    lc = resolve_landcover(name, int(year) if year else None)
    t = lc.scheme.table
    return tuple(zip(t["value"].astype(int).tolist(), t["land_type"].astype(str).tolist(),
                     strict=True))


class ScenarioIn(BaseModel):
    """A scenario to save: a name and a set of land conversions."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    landcover: Literal["basemap2021", "corine:2018"] = "basemap2021"
    conversions: list[Conversion] = Field(default_factory=list, max_length=500)

    @field_validator("name")
    @classmethod
    def _strip(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("name is blank")
        return v.strip()

    @model_validator(mode="after")
    def _classes(self) -> ScenarioIn:
        """to_class must be a class of the land cover's scheme; it sets to_land_type."""
        if not any(c.to_class is not None for c in self.conversions):
            return self
        classes = scheme_land_types(self.landcover)
        for i, c in enumerate(self.conversions):
            if c.to_class is None:
                continue
            lt = classes.get(c.to_class)
            if lt is None:
                raise ValueError(f"conversions[{i}].to_class: {c.to_class} is not a class of "
                                 f"{self.landcover} (classes: "
                                 f"{', '.join(map(str, sorted(classes)))})")
            if c.to_land_type is not None and c.to_land_type != lt:
                raise ValueError(f"conversions[{i}]: to_class {c.to_class} is land type {lt}, "
                                 f"not {c.to_land_type}")
            c.to_land_type = lt  # type: ignore[assignment]
        return self


class Scenario(BaseModel):
    id: str
    created_at: datetime
    name: str
    description: str
    landcover: str
    conversions: list[dict[str, Any]]


class ScenarioList(BaseModel):
    scenarios: list[Scenario]


class Status(BaseModel):
    version: str
    database: str
    schema_version: int
    writes_enabled: bool
    cached_epochs: list[str]
    diagrams_prerendered: dict[str, int] = {}
    candidates_prerendered: dict[str, int] = {}
    max_upload_bytes: int
    max_zones: int
