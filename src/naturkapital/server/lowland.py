"""Lowland (peat) rewetting in the HTTP API, by Klimaskovfonden's criteria.

* Indicative candidate areas of one municipality on the embedded data
  (:func:`naturkapital.lowland.candidates.find_candidates`, as ``naturkapital lowland
  candidates``), computed once per municipality and kept; always labelled
  *vejledende / indicative*, because no carbon map is embedded.
* The rules as data: the Klimaskovfonden table, its funding conditions, the SEGES
  emission factors and the candidate-search parameters, each row with its source
  (rows without a published source are flagged as assumptions).
* Screening of uploaded parcels with the user's three rasters (organic carbon %,
  GVSmax cm, peat depth cm), bounded: every file is size-limited, the rasters must be
  single GeoTIFFs (checked by their bytes, then by
  :func:`naturkapital.io.rasters.check_raster_file` with the GTiff driver only: a
  projected CRS, at most ``max_raster_cells`` cells), at most ``max_zones`` parcels.
  The bytes go into a fresh temporary folder under fixed names; the client's names are
  only shown as text.
"""

from __future__ import annotations

import json
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import geopandas as gpd
import pandas as pd
import shapely
from fastapi import APIRouter, Form, Query, Request
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from naturkapital.core.errors import InputError, TooLargeError
from naturkapital.io.local import InMemory, error_text
from naturkapital.io.rasters import check_raster_file
from naturkapital.io.vectors import ZONE_ID, vector_fields
from naturkapital.lowland.spec import SCREEN
from naturkapital.server.cache import DiskCache, _Memo, gzip_once, records
from naturkapital.server.errors import ApiError, responses
from naturkapital.server.rest import add_rest_route, extra, input_file
from naturkapital.server.uploads import UploadError, display_name, sniff

router = APIRouter(prefix="/api/lowland", tags=["lowland"])

CSV = "text/csv; charset=utf-8"
GPKG = "application/geopackage+sqlite3"
GEOJSON = "application/geo+json"
TIFF_MAGIC = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")
RASTERS = ("carbon", "water_table", "peat_depth")
RASTER_TITLES = {"carbon": "carbon raster (organic carbon %)",
                 "water_table": "water-table raster (GVSmax cm)",
                 "peat_depth": "peat-depth raster (cm)"}
#: Columns of the candidate table (the rest of the unit's columns are constant: meta).
CANDIDATE_COLUMNS = ["candidate_id", "rank", "area_ha", "wet_nature_nearby_ha",
                     "on_wet_nature_ha"]
#: Columns of a screened parcel carried onto the map.
PARCEL_MAP_COLUMNS = ["parcel_id", "status", "status_da", "failed_criteria", "area_ha",
                      "peat_area_ha", "co2e_reduction_t_per_year", "max_support_dkk"]
KommunePath = Annotated[str, PathParam(
    pattern=r"^[0-9]{1,4}$", description="Kommunekode / municipality code, e.g. 563 Fanø, "
                                         "760 Ringkøbing-Skjern", examples=["563"])]

# ---------------------------------------------------------------- models
class RuleRow(BaseModel):
    key: str
    value: float
    unit: str
    source: str
    description_da: str
    description_en: str
    assumption: bool = Field(description="true when the row has no published source")


class FactorRow(BaseModel):
    situation: str
    in_rotation: str
    water_table: str
    oc_interval_pct: str
    co2: float
    n2o: float
    ch4: float
    total: float
    unit: str
    source: str
    assumption: bool


class RuleTable(BaseModel):
    version: str
    rows: list[RuleRow]


class FactorTable(BaseModel):
    version: str
    unit: str
    rows: list[FactorRow]
    gwp: dict[str, float]


class Condition(BaseModel):
    key: str
    stage: str = Field(description="after_project or application")
    da: str
    en: str
    source: str


class LowlandRules(BaseModel):
    """Klimaskovfonden's rules, SEGES factors and candidate-search parameters."""

    rules: RuleTable
    emission_factors: FactorTable
    candidate_search: RuleTable
    conditions: list[Condition]
    conditions_source: str


class CandidateRow(BaseModel):
    candidate_id: str
    rank: int
    area_ha: float
    wet_nature_nearby_ha: float
    on_wet_nature_ha: float


class CandidateMeta(BaseModel):
    model_config = ConfigDict(extra="allow")
    indicative: bool
    label_da: str
    label_en: str
    zone_id: str
    kommune: str
    method: str
    assumptions: list[str]
    n_units: int
    total_ha: float
    shown: int


class Candidates(BaseModel):
    """Indicative candidate areas: method, table and polygons (EPSG:4326)."""

    meta: CandidateMeta
    table: list[CandidateRow]
    candidates: dict[str, Any] = Field(description="GeoJSON FeatureCollection (EPSG:4326) "
                                                   "of the units, ranked")


class ScreenResult(BaseModel):
    """Screened parcels: one row per parcel, the parcels on a map, the method."""

    meta: dict[str, Any]
    table: list[dict[str, Any]]
    parcels: dict[str, Any] = Field(description="GeoJSON FeatureCollection (EPSG:4326) with "
                                                "status per parcel")


# ---------------------------------------------------------------- service
#: The map view's candidates: outlines simplified by this many metres (half a 10 m
#: Basemap04 cell, under a screen pixel up to zoom 14) with each polygon kept valid, and
#: coordinates rounded to 1e-5° (about 1 m). Downloads keep the full geometry.
MAP_TOLERANCE_M = 5.0
MAP_PRECISION_DEG = 1e-5
#: The map's feature properties (the table beside it carries every column once).
MAP_PROPERTIES = ["candidate_id", "rank", "area_ha", "indicative"]


def _json_key() -> str:
    """Cache key of the map JSON: changes with its geometry, so files cached with
    another geometry are not served."""
    return f"json-s{MAP_TOLERANCE_M:g}-p{MAP_PRECISION_DEG:g}"


def geojson_4326(gdf: gpd.GeoDataFrame, columns: list[str], simplify_m: float = 0.0,
             precision: float = 1e-6) -> dict[str, Any]:
    """Polygons in EPSG:4326 (``precision`` degrees, 1e-6 ≈ 0.1 m) with the given
    columns; ``simplify_m`` > 0 simplifies them first (metres, topology-preserving per
    polygon, in the layer's projected CRS)."""
    part = gdf[columns + ["geometry"]]
    if simplify_m > 0 and part.crs is not None and part.crs.is_projected:
        part = part.copy()
        part["geometry"] = shapely.simplify(part.geometry.values, simplify_m,
                                            preserve_topology=True)
    wgs = part.to_crs(4326)
    wgs["geometry"] = shapely.set_precision(wgs.geometry.values, precision)  # stays valid
    return json.loads(wgs.to_json(drop_id=True, na="null"))


class LowlandService:
    """Cached lowland answers: rules, and candidates per municipality (their JSON also
    on disk, see :class:`naturkapital.server.cache.DiskCache`)."""

    def __init__(self, cache_dir: str | Path | None = None) -> None:
        self.disk = DiskCache(cache_dir)
        self.prerendered: dict[str, int] = {"done": 0, "total": 0}
        self._tables = _Memo()
        self._cand = _Memo(maxsize=24)
        self._bytes = _Memo(maxsize=64)

    def rules(self) -> Any:
        from naturkapital.lowland.rules import load_rules

        return self._tables.get("rules", load_rules)

    def factors(self) -> Any:
        from naturkapital.lowland.rules import load_emission_factors

        return self._tables.get("factors", load_emission_factors)

    def candidate_params(self) -> Any:
        from naturkapital.lowland.rules import load_candidate_params

        return self._tables.get("params", load_candidate_params)

    def conditions(self) -> Any:
        from naturkapital.lowland.rules import load_conditions

        return self._tables.get("conditions", load_conditions)

    def rules_doc(self) -> dict[str, Any]:
        from naturkapital.lowland.rules import rules_document

        return self._tables.get("rules_doc", lambda: rules_document(
            self.rules(), self.factors(), self.candidate_params(), self.conditions()))

    def rules_json(self) -> bytes:
        return self._bytes.get("rules", lambda: json.dumps(
            self.rules_doc(), ensure_ascii=False, separators=(",", ":")).encode("utf-8"))

    def candidates(self, kommune: str) -> Any:
        """The CandidateResult of one municipality (InputError if unknown)."""
        from naturkapital.lowland.candidates import find_candidates

        return self._cand.get(kommune, lambda: find_candidates(
            kommune, self.candidate_params(), self.rules()))

    def candidates_doc(self, kommune: str, top: int | None, map_view: bool = True
                       ) -> dict[str, Any]:
        """Meta, table and polygons of the candidates: for the map (``map_view``: the
        simplified outlines with the properties the map shows), or the full geometry with
        every table column (the OGC process)."""
        res = self.candidates(kommune)
        units = res.units if top is None else res.units.head(top)
        meta = {k: v for k, v in res.meta.items() if k != "units"}
        meta.update(n_units=int(len(res.units)), total_ha=float(res.units["area_ha"].sum()),
                    shown=int(len(units)), top=top, units={"*_ha": "ha"})
        table = records(pd.DataFrame(units[CANDIDATE_COLUMNS]))
        if not map_view:
            return {"meta": meta, "table": table,
                    "candidates": geojson_4326(units, CANDIDATE_COLUMNS + ["indicative"])}
        meta["map_geometry"] = (f"simplified for the map ({MAP_TOLERANCE_M:g} m, "
                                f"{MAP_PRECISION_DEG:g}°; areas from the full geometry); "
                                "downloads (format=geojson, gpkg) keep the full geometry")
        return {"meta": meta, "table": table,
                "candidates": geojson_4326(units, MAP_PROPERTIES, MAP_TOLERANCE_M,
                                       MAP_PRECISION_DEG)}

    def candidates_json(self, kommune: str, top: int | None) -> bytes:
        key = ("candidates", kommune, top, _json_key())
        return self._bytes.get(key, lambda: self.disk.get(key, lambda: json.dumps(
            self.candidates_doc(kommune, top), ensure_ascii=False,
            separators=(",", ":")).encode("utf-8")))

    def candidates_answer(self, kommune: str, top: int | None, gzip_ok: bool
                          ) -> tuple[bytes, bool]:
        """The candidate JSON, gzip-compressed (once) when the client accepts it; and
        whether it is."""
        data = self.candidates_json(kommune, top)
        if gzip_ok and len(data) >= 1024:
            return gzip_once(("candidates", kommune, top, _json_key()), data), True
        return data, False

    def prerender(self, kommuner: list[str], stop: threading.Event) -> int:
        """Compute the candidate JSON of ``kommuner`` into the disk cache (those already
        there are skipped), stopping between two municipalities once ``stop`` is set;
        nothing is kept in memory. Returns how many are on disk."""
        self.prerendered = {"done": 0, "total": len(kommuner)}
        if self.disk.folder is None:
            return 0
        for kommune in kommuner:
            if stop.is_set():
                break
            key = ("candidates", kommune, None, _json_key())
            path = self.disk.path(key)
            if path is not None and not path.exists():
                self.disk.get(key, lambda k=kommune: json.dumps(
                    self.candidates_doc(k, None), ensure_ascii=False,
                    separators=(",", ":")).encode("utf-8"))
                self._cand.drop(kommune)
            self.prerendered["done"] += 1
        return self.prerendered["done"]

    def candidates_file(self, kommune: str, fmt: Literal["csv", "gpkg", "geojson"]) -> bytes:
        def make() -> bytes:
            from naturkapital.io.output import write_table

            res = self.candidates(kommune)
            meta = {k: v for k, v in res.meta.items() if k != "units"}
            units = res.units
            if fmt == "geojson":
                cols = [c for c in units.columns if c != "geometry"]
                doc = geojson_4326(units, cols)
                doc["metadata"] = meta
                return json.dumps(doc, ensure_ascii=False).encode("utf-8")
            table = pd.DataFrame(units.drop(columns="geometry"))
            with tempfile.TemporaryDirectory(prefix="nk-lowland-") as tmp:
                out = Path(tmp) / f"kandidater_{kommune}.{fmt}"
                write_table(table, out, meta, units[["candidate_id", "geometry"]],
                            key="candidate_id")
                return out.read_bytes()

        return self._bytes.get(("candidates", kommune, fmt), make)


def known_kommune(services: Any, kommune: str) -> None:
    """404 unless ``kommune`` is an embedded municipality code (``services.nki``: the
    NKIService with the embedded zones)."""
    nki = getattr(services, "nki", None)
    zones = nki.zones().gdf if nki is not None else None
    if zones is None or not (zones[ZONE_ID] == kommune).any():
        raise ApiError(404, f"unknown kommune code {kommune!r} (embedded municipalities, e.g. "
                            "563 Fanø, 760 Ringkøbing-Skjern)")


# ---------------------------------------------------------------- screening uploads
@dataclass
class ScreenFiles:
    """An upload for screening: parcels and the three rasters as bytes + client names."""

    parcels: bytes
    parcels_name: str | None
    rasters: dict[str, tuple[bytes, str | None]]


@dataclass
class ScreenOptions:
    id_field: str | None = None
    in_rotation_field: str | None = None
    positive_depths: bool = False
    align: bool = False
    horizon_years: float | None = None


@dataclass
class ScreenOut:
    table: pd.DataFrame
    parcels: gpd.GeoDataFrame
    meta: dict[str, Any]


def screen_files(files: ScreenFiles, opts: ScreenOptions, max_bytes: int, max_parcels: int,
                 max_cells: int, factors: Any = None, rules: Any = None) -> ScreenOut:
    """Check and screen an upload, in memory. Problems raise :class:`UploadError`
    (HTTP 4xx) naming the client's file."""
    from naturkapital.lowland.cells import LowlandRasters
    from naturkapital.lowland.parcels import ParcelFields, read_parcels
    from naturkapital.lowland.rules import load_emission_factors, load_rules
    from naturkapital.lowland.screening import screen

    rules = rules or load_rules()
    factors = factors or load_emission_factors()
    if opts.horizon_years is not None and not 0 < opts.horizon_years <= 200:
        raise UploadError(422, "horizon_years: must be above 0 and at most 200")
    shown_p = display_name(files.parcels_name or "parcels")
    if len(files.parcels) > max_bytes:
        raise UploadError(413, f"{shown_p}: the file is over the upload limit of "
                               f"{max_bytes / 1e6:.1f} MB")
    sniff(files.parcels, shown_p)  # GeoJSON or GeoPackage, by content
    parcels = InMemory(files.parcels, shown_p)
    rasters: dict[str, InMemory] = {}
    for key in RASTERS:
        data, client = files.rasters[key]
        shown = display_name(client or f"{key}.tif")
        what = RASTER_TITLES[key]
        if not data:
            raise UploadError(422, f"{shown}: the {what} is empty")
        if len(data) > max_bytes:
            raise UploadError(413, f"{shown}: the {what} is over the upload limit of "
                                   f"{max_bytes / 1e6:.1f} MB")
        if not data.startswith(TIFF_MAGIC):
            raise UploadError(415, f"{shown}: the {what} must be a GeoTIFF (.tif)")
        rasters[key] = InMemory(data, shown)
        try:
            check_raster_file(rasters[key], what, max_cells, shown, driver="GTiff")
        except TooLargeError as exc:
            raise UploadError(413, str(exc)) from None
        except InputError as exc:
            raise UploadError(422, str(exc)) from None
    try:
        fields = vector_fields(parcels)
    except InputError as exc:
        raise UploadError(422, str(exc)) from None
    id_field = opts.id_field or (fields[0] if fields else None)
    if not id_field:
        raise UploadError(422, f"{shown_p}: the file has no attribute fields; add one that "
                               "identifies each parcel")
    try:
        gdf = read_parcels(parcels, id_field, ParcelFields(opts.in_rotation_field), rules)
        if len(gdf) > max_parcels:
            raise UploadError(422, f"{shown_p}: {len(gdf)} parcels; at most {max_parcels} "
                                   "per upload")
        ras = LowlandRasters(rasters["carbon"], rasters["water_table"],
                             rasters["peat_depth"], positive_depths=opts.positive_depths,
                             align=opts.align)
        res = screen(gdf, ras, rules, factors, opts.horizon_years, shown_p)
    except InputError as exc:
        raise UploadError(422, str(exc)) from None
    except UploadError:
        raise
    except Exception as exc:  # malformed content GDAL/GEOS could not handle
        raise UploadError(422, "cannot screen the upload: " + error_text(exc, "upload")
                          ) from None
    meta = {k: v for k, v in res.meta.items() if k not in ("rules_path",)}
    for key in RASTERS:
        meta[key] = rasters[key].name
    meta["parcels"] = shown_p
    meta["id_field"] = id_field
    meta["label_da"] = res.meta.get("label_da", "")
    return ScreenOut(table=res.table, parcels=res.parcels, meta=meta)


def screen_doc(out: ScreenOut) -> dict[str, Any]:
    """The JSON answer of a screening: meta, rows, parcels with status (EPSG:4326)."""
    tbl = out.table
    geo = out.parcels[["parcel_id", "geometry"]].merge(
        tbl[[c for c in PARCEL_MAP_COLUMNS if c in tbl.columns]], on="parcel_id", how="left")
    geo = gpd.GeoDataFrame(geo, geometry="geometry", crs=out.parcels.crs)
    return {"meta": out.meta, "table": records(tbl),
            "parcels": geojson_4326(geo, [c for c in PARCEL_MAP_COLUMNS if c in geo.columns])}


# ---------------------------------------------------------------- routes
def _svc(request: Request) -> LowlandService:
    return request.app.state.lowland


@router.get("/rules", response_model=LowlandRules,
            summary="Klimaskovfonden's rules, SEGES emission factors, candidate-search "
                    "parameters (each with its source)")
def lowland_rules(request: Request) -> Response:
    data = _svc(request).rules_json()
    return Response(data, media_type="application/json")


@router.get("/candidates/{kommune}", response_model=Candidates,
            summary="Indicative candidate areas for lowland rewetting in a municipality",
            description="Farmland on or beside wet nature (Basemap04 2021, dry/wet nature map)"
                        " in 2–10 ha units, ranked by wet nature nearby. VEJLEDENDE / "
                        "INDICATIVE: no carbon map is embedded; check peat, water table and "
                        "peat depth with screening and your own maps. format=geojson, csv or "
                        "gpkg downloads every unit with the label.",
            responses={200: {"content": {"application/json": {}, GEOJSON: {"schema": {
                "type": "object"}}, "text/csv": {"schema": {"type": "string"}},
                GPKG: {"schema": {"type": "string", "format": "binary"}}},
                "description": "JSON (meta, table, polygons), GeoJSON, CSV or GeoPackage"},
                **responses(404, 422)})
async def lowland_candidates(
    request: Request, kommune: KommunePath,
    top: Annotated[int | None, Query(ge=1, le=100_000, description="Only the first N units "
                                                                   "(JSON)")] = None,
    format: Annotated[Literal["json", "geojson", "csv", "gpkg"], Query()] = "json",
) -> Response:
    known_kommune(request.app.state, kommune)
    svc = _svc(request)
    if format == "json":
        gz = "gzip" in request.headers.get("accept-encoding", "")
        data, encoded = await run_in_threadpool(svc.candidates_answer, kommune, top, gz)
        headers = {"Vary": "Accept-Encoding"}
        if encoded:
            headers["Content-Encoding"] = "gzip"
        return Response(data, media_type="application/json", headers=headers)
    data = await run_in_threadpool(svc.candidates_file, kommune, format)
    media = {"geojson": GEOJSON, "csv": CSV, "gpkg": GPKG}[format]
    return Response(data, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="lavbund_kandidater_{kommune}.{format}"'})


def screen_respond(request: Request, values: dict[str, Any], format: str = "json") -> Response:
    """``POST /api/lowland/screen``: the lowland-screen process on uploaded files; JSON,
    CSV or GeoPackage."""
    settings = request.app.state.settings
    limit = settings.max_upload_bytes
    if values["parcels"] is None:
        raise ApiError(422, "parcels: upload a parcel file")
    files = ScreenFiles(*input_file(values["parcels"], "parcels", "parcels.geojson"), {
        k: input_file(values[k], k, f"{k}.tif") for k in ("carbon", "water_table",
                                                           "peat_depth")})
    opts = ScreenOptions(values["id_field"], values["in_rotation_field"],
                         bool(values["positive_depths"]), bool(values["align"]),
                         values["horizon_years"])
    svc = _svc(request)
    try:
        out = screen_files(files, opts, limit, settings.max_zones, settings.max_raster_cells,
                           svc.factors(), svc.rules())
    except UploadError as exc:
        raise ApiError(exc.status, exc.detail) from None
    if format == "json":
        return Response(json.dumps(screen_doc(out), ensure_ascii=False,
                                   allow_nan=False).encode("utf-8"),
                        media_type="application/json")
    from naturkapital.io.output import write_table

    with tempfile.TemporaryDirectory(prefix="nk-lowland-") as tmp:
        path = Path(tmp) / f"screening.{format}"
        write_table(out.table, path, out.meta, out.parcels[["parcel_id", "geometry"]],
                    key="parcel_id")
        data = path.read_bytes()
    return Response(data, media_type=CSV if format == "csv" else GPKG, headers={
        "Content-Disposition": f'attachment; filename="lavbund_screening.{format}"'})


add_rest_route(
    router, SCREEN, screen_respond,
    extras=(extra("format", Annotated[Literal["json", "csv", "gpkg"], Form()], "json"),),
    summary="Screen uploaded parcels against Klimaskovfonden's criteria",
    description="Parcels (GeoJSON or GeoPackage polygons, any CRS) and three GeoTIFFs on one "
                "grid: organic carbon % (Kulstof 2022 form), GVSmax cm relative to the "
                "surface (negative below), peat depth cm. Public; nothing is stored. "
                "format=csv or gpkg downloads the table. The lowland-screen process "
                "(POST /processes/lowland-screen/execution) on uploaded files.",
    response_model=ScreenResult,
    responses={200: {"content": {"application/json": {}, "text/csv": {
        "schema": {"type": "string"}}, GPKG: {"schema": {"type": "string",
                                                         "format": "binary"}}},
        "description": "JSON, CSV or GeoPackage"}, **responses(413, 415, 422)})
