"""``/api/…``: municipalities, the NKI table, one zone, diagrams, change, uploads,
stored results and saved scenarios."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import APIRouter, Form, Query, Request, Response, Security

import naturkapital
from naturkapital.io.vectors import ZONE_ID
from naturkapital.nki.spec import COMPARE, NKI
from naturkapital.report.spec import DIAGRAM
from naturkapital.server import models as m
from naturkapital.server.cache import (
    NKIService,
    epoch_of,
    gzip_once,
    land_type_rows,
    records,
    simplified_geojson,
    write_table_bytes,
)
from naturkapital.server.errors import ApiError, responses
from naturkapital.server.processes.accounts import SPEC as ACCOUNTS_PROCESS
from naturkapital.server.processes.nki import COMPARE_PROCESS, run_nki
from naturkapital.server.rest import add_rest_route, extra, process_respond, query
from naturkapital.server.security import check_token, require_token
from naturkapital.server.uploads import (
    UploadError,
    params_of,
    zone_records,
    zones_from_records,
)
from naturkapital.store import Store

router = APIRouter(prefix="/api")

# Query parameters of the read routes, from the model specs.
LandcoverQ = query(NKI.param("landcover"))
YearQ = query(NKI.param("year"))
NatureQ = query(DIAGRAM.param("nature_only"))
FromQ = query(COMPARE.param("from_epoch"), alias="from")
ToQ = query(COMPARE.param("to_epoch"))
CSV = "text/csv; charset=utf-8"
GPKG = "application/geopackage+sqlite3"
FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/json": {}, "text/csv": {"schema": {"type": "string"}},
                      GPKG: {"schema": {"type": "string", "format": "binary"}}},
          "description": "JSON, CSV (UTF-8 with BOM, opens in Excel) or GeoPackage"}}


def _svc(request: Request) -> NKIService:
    return request.app.state.nki


def _store(request: Request) -> Store:
    return request.app.state.store


def _json(request: Request, key: tuple[Any, ...], make: Any) -> Response:
    """JSON served from the cache as bytes (the response model documents its shape)."""
    return cached_response(request, key, _svc(request).json_bytes(key, make),
                           "application/json")


def cached_response(request: Request, key: tuple[Any, ...], data: bytes, media_type: str,
                    headers: dict[str, str] | None = None) -> Response:
    """A cached answer; to clients that accept gzip, its gzip bytes, compressed once per
    ``key`` (the gzip middleware leaves an encoded answer alone)."""
    h = {**(headers or {}), "Vary": "Accept-Encoding"}
    if len(data) >= 1024 and "gzip" in request.headers.get("accept-encoding", ""):
        h["Content-Encoding"] = "gzip"
        return Response(gzip_once(key, data), media_type=media_type, headers=h)
    return Response(data, media_type=media_type, headers=h)


def _download(data: bytes, media: str, filename: str) -> Response:
    return Response(data, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _epoch(landcover: str, year: int | None) -> str:
    return epoch_of(landcover, year)


def _slug(epoch: str) -> str:
    return epoch.replace(":", "_")


@router.get("/status", response_model=m.Status, tags=["meta"],
            summary="Server status: version, database, writes enabled")
def status(request: Request) -> dict[str, Any]:
    st = request.app.state
    return {"version": naturkapital.__version__, "database": st.store.dialect, "schema_version":
            st.store.schema_version(), "writes_enabled": st.settings.writes_enabled,
            "cached_epochs": st.nki.cached_epochs(),
            "diagrams_prerendered": dict(st.nki.prerendered),
            "candidates_prerendered": dict(st.lowland.prerendered),
            "max_upload_bytes": st.settings.max_upload_bytes,
            "max_zones": st.settings.max_zones}


@router.get("/municipalities", response_model=list[m.Municipality], tags=["nki"],
            summary="All municipalities with NKI, NKI natur and rank",
            responses=responses(422))
def municipalities(request: Request, landcover: LandcoverQ = "basemap2021",
                   year: YearQ = None) -> Response:
    epoch = _epoch(landcover, year)
    keys = m.Municipality.model_fields.keys()
    return _json(request, ("municipalities", epoch), lambda: [
        {k: r.get(k) for k in keys} for r in _svc(request).rows(epoch) if r[ZONE_ID] != "0"])


@router.get("/municipalities.geojson", tags=["nki"],
            summary="Municipality outlines, simplified, EPSG:4326 (for the map)",
            responses={200: {"content": {"application/geo+json": {"schema": {
                "type": "object"}}}, "description": "GeoJSON FeatureCollection"}})
def municipalities_geojson(request: Request) -> Response:
    return cached_response(request, ("geojson", "municipalities"),
                           _svc(request).municipalities_geojson(), "application/geo+json",
                           {"Cache-Control": "public, max-age=3600"})


@router.get("/nki", response_model=m.NKITable, tags=["nki"],
            summary="The full NKI table (JSON, CSV or GeoPackage)",
            responses={**FILE_RESPONSES, **responses(422)})
def nki_table(request: Request, landcover: LandcoverQ = "basemap2021", year: YearQ = None,
              format: Annotated[Literal["json", "csv", "gpkg"], Query(
                  description="json, csv or gpkg (with municipality polygons)")] = "json",
              ) -> Any:
    epoch = _epoch(landcover, year)
    svc = _svc(request)
    if format == "json":
        return _json(request, ("table", epoch),
                     lambda: {"meta": svc.meta(epoch), "rows": svc.rows(epoch)})
    data = svc.table_file(epoch, format)
    media = CSV if format == "csv" else GPKG
    return _download(data, media, f"nki_{_slug(epoch)}.{format}")


def _zone_or_404(svc: NKIService, epoch: str, zone_id: str) -> dict[str, Any]:
    row = svc.row(epoch, zone_id)
    if row is None:
        raise ApiError(404, f"unknown zone id {zone_id!r} (municipality codes such as 563 "
                            "for Fanø; 0 = Denmark)")
    return row


@router.get("/nki/{zone_id}", response_model=m.ZoneBreakdown, tags=["nki"],
            summary="One zone: NKI, ranks and the breakdown per land type",
            responses=responses(404, 422))
def nki_zone(request: Request, zone_id: str, landcover: LandcoverQ = "basemap2021",
             year: YearQ = None) -> Response:
    epoch = _epoch(landcover, year)
    svc = _svc(request)
    row = _zone_or_404(svc, epoch, zone_id)
    q = f"?landcover={landcover}" + (f"&year={year}" if year is not None else "")
    return _json(request, ("zone", epoch, zone_id, q), lambda: _breakdown(svc, epoch, row, q))


def _breakdown(svc: NKIService, epoch: str, row: dict[str, Any], q: str) -> dict[str, Any]:
    zone_id = row[ZONE_ID]
    return {**{k: row.get(k) for k in ("zone_id", "name", "nki", "nki_nature", "rank",
                                      "rank_nature", "group", "group_da", "area_ha",
                                      "coverage_pct")},
            "n_ranked": svc.n_ranked(epoch),
            "land_types": land_type_rows(svc.result(epoch), zone_id),
            "meta": svc.meta(epoch),
            "diagram_svg": f"/api/nki/{zone_id}/diagram.svg{q}",
            "diagram_png": f"/api/nki/{zone_id}/diagram.png{q}"}


LangQ = Annotated[Literal["da", "en", "both"], Query(
    description="the diagram's language: da, en, or both (Danish with English)")]


def _diagram(request: Request, zone_id: str, landcover: str, year: int | None,
             nature_only: bool, fmt: Literal["svg", "png"], lang: str = "both") -> Response:
    epoch = _epoch(landcover, year)
    svc = _svc(request)
    _zone_or_404(svc, epoch, zone_id)
    data = svc.diagram(epoch, zone_id, nature_only, fmt, lang)
    headers = {"Cache-Control": "public, max-age=600"}
    if fmt == "png":
        return Response(data, media_type="image/png", headers=headers)
    return cached_response(request, ("diagram", epoch, zone_id, nature_only, fmt, lang), data,
                           "image/svg+xml", headers)


@router.get("/nki/{zone_id}/diagram.svg", tags=["nki"], summary="NKI diagram (SVG)",
            response_class=Response,
            responses={200: {"content": {"image/svg+xml": {"schema": {"type": "string"}}},
                             "description": "The mosaic diagram"}, **responses(404, 422)})
def diagram_svg(request: Request, zone_id: str, landcover: LandcoverQ = "basemap2021",
                year: YearQ = None, nature_only: NatureQ = False,
                lang: LangQ = "both") -> Response:
    return _diagram(request, zone_id, landcover, year, nature_only, "svg", lang)


@router.get("/nki/{zone_id}/diagram.png", tags=["nki"], summary="NKI diagram (PNG)",
            response_class=Response,
            responses={200: {"content": {"image/png": {"schema": {"type": "string",
                                                                    "format": "binary"}}},
                             "description": "The mosaic diagram"}, **responses(404, 422)})
def diagram_png(request: Request, zone_id: str, landcover: LandcoverQ = "basemap2021",
                year: YearQ = None, nature_only: NatureQ = False,
                lang: LangQ = "both") -> Response:
    return _diagram(request, zone_id, landcover, year, nature_only, "png", lang)


@router.get("/compare", response_model=m.CompareTable, tags=["nki"],
            summary="Change between two epochs, split into area and value parts",
            responses={200: {"content": {"application/json": {}, "text/csv": {
                "schema": {"type": "string"}}}, "description": "JSON or CSV"},
                **responses(422)})
def compare_route(request: Request,
                  from_: FromQ = "corine:2012", to: ToQ = "corine:2018",
            format: Annotated[Literal["json", "csv"], Query()] = "json") -> Any:
    svc = _svc(request)
    if format == "csv":
        return _download(svc.compare_csv(from_, to), CSV,
                         f"nki_change_{_slug(from_)}_{_slug(to)}.csv")
    return _json(request, ("compare", from_, to), lambda: {
        "meta": {**svc.compare(from_, to).meta, "from_epoch": from_, "to_epoch": to},
        "rows": svc.compare_rows(from_, to)})


def nki_respond(request: Request, values: dict[str, Any], store: bool = False,
                format: str = "json") -> Any:
    """``POST /api/nki``: the nki process on uploaded zones; JSON with simplified zone
    outlines, CSV or GeoPackage; ``store`` saves upload and result (needs the token)."""
    if store:
        check_token(request)
    if values["zones"] is None:
        raise ApiError(422, "zones: upload a zone file (the embedded municipalities are at "
                            "GET /api/nki)")
    try:
        run = run_nki(values, request.app.state.services)
    except UploadError as exc:
        raise ApiError(exc.status, exc.detail) from None
    up, res = run.upload, run.result
    assert up is not None and res is not None
    meta = run.meta()
    rows = records(res.table)
    upload_id = result_id = None
    if store:
        upload_id, result_id = _store(request).save_upload_result(
            filename=up.filename, fmt=up.fmt, size_bytes=up.size_bytes, sha256=up.sha256,
            id_field=up.id_field, name_field=up.name_field, zones=zone_records(up.zones.gdf),
            kind="nki", params=params_of(up, run.epoch), meta=meta, rows=rows)
    if format in ("csv", "gpkg"):
        data_out = write_table_bytes(res.table, format, meta, res.zones)  # type: ignore[arg-type]
        return _download(data_out, CSV if format == "csv" else GPKG, f"nki_upload.{format}")
    props = res.table[[ZONE_ID, "nki", "nki_nature", "rank"]]
    zones_fc = json.loads(simplified_geojson(res.zones, 5.0, props))
    return {"meta": meta, "rows": rows, "zones": zones_fc, "stored": store,
            "upload_id": upload_id, "result_id": result_id, "filename": up.filename,
            "id_field": up.id_field}


add_rest_route(
    router, NKI, nki_respond,
    extras=(extra("store", Annotated[bool, Form(description="Save upload and result (needs "
                                                            "the token)")], False),
            extra("format", Annotated[Literal["json", "csv", "gpkg"], Form()], "json")),
    summary="Upload zones (GeoJSON or GeoPackage) and get their NKI",
    description="The nki process on your zones (POST /processes/nki/execution). Public "
                "unless store=true, which saves the upload and the result and needs the "
                "write token (Authorization: Bearer TOKEN).",
    response_model=m.UploadResult,
    responses={**FILE_RESPONSES, **responses(401, 403, 413, 415, 422)})


@router.get("/results", response_model=list[m.StoredResultInfo], tags=["results"],
            summary="Stored results (newest first)", responses=responses(422))
def list_results(request: Request, limit: Annotated[int, Query(ge=1, le=500)] = 50,
                 offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> list[dict]:
    return _store(request).list_results(limit, offset)


@router.get("/results/{result_id}", response_model=m.StoredResult, tags=["results"],
            summary="One stored result (JSON, CSV or GeoPackage with the uploaded zones)",
            responses={**FILE_RESPONSES, **responses(404, 422)})
def get_result(request: Request, result_id: str,
               format: Annotated[Literal["json", "csv", "gpkg"], Query()] = "json") -> Any:
    st = _store(request)
    rec = st.get_result(result_id)
    if rec is None:
        raise ApiError(404, f"no stored result {result_id!r}")
    if format == "json":
        return rec
    table = pd.DataFrame(rec["rows"])
    zones = None
    if format == "gpkg":
        if rec["upload_id"] is None:
            raise ApiError(422, "this result has no stored zones; use format=csv")
        zones = zones_from_records(st.upload_zones(rec["upload_id"]))
    data = write_table_bytes(table, format, rec["meta"], zones)
    return _download(data, CSV if format == "csv" else GPKG, f"nki_{result_id}.{format}")


@router.get("/scenarios", response_model=m.ScenarioList, tags=["scenarios"],
            summary="Saved scenarios (newest first)", responses=responses(422))
def list_scenarios(request: Request, limit: Annotated[int, Query(ge=1, le=500)] = 100,
                   offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> dict[str, Any]:
    return {"scenarios": _store(request).list_scenarios(limit, offset)}


@router.post("/scenarios", response_model=m.Scenario, status_code=201, tags=["scenarios"],
             summary="Save a scenario (needs the write token)",
             responses=responses(401, 403, 413, 422))
def create_scenario(request: Request, body: m.ScenarioIn,
                    _auth: None = Security(require_token)) -> dict[str, Any]:
    conversions = [c.model_dump(mode="json") for c in body.conversions]
    return _store(request).create_scenario(body.name, body.description, body.landcover,
                                           conversions)


@router.get("/scenarios/{scenario_id}", response_model=m.Scenario, tags=["scenarios"],
            summary="One saved scenario", responses=responses(404))
def get_scenario(request: Request, scenario_id: str) -> dict[str, Any]:
    rec = _store(request).get_scenario(scenario_id)
    if rec is None:
        raise ApiError(404, f"no scenario {scenario_id!r}")
    return rec


add_rest_route(router, COMPARE, process_respond(COMPARE_PROCESS))
add_rest_route(router, ACCOUNTS_PROCESS.model, process_respond(ACCOUNTS_PROCESS),
               summary="Natural capital accounts (SEEA EA) / naturkapitalregnskab")
