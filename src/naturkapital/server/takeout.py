"""Taking results out of the web app: spreadsheets, the scenario report and the
municipality sheet.

* ``POST /api/export`` — any table the web app shows, as Excel (.xlsx) or CSV for
  Danish Excel (``;``, decimal comma, UTF-8 BOM), by the one helper
  :func:`naturkapital.report.spreadsheet.table_file`. The app posts the rows it holds
  (numbers as numbers) with Danish and English headers and the table's notes.
* ``POST /api/scenario/report?format=pdf|html`` — the scenario report
  (:mod:`naturkapital.report.scenario_report`) of the scenario in the editor, from the
  same cached evaluation as ``POST /api/scenario/evaluate``.
* ``GET /api/sheet/{zone_id}.{html|pdf|xlsx}`` — the municipality sheet
  (:mod:`naturkapital.report.sheet`).
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from naturkapital.io.tables import read_csv_table
from naturkapital.report.sheet import TEMPLATE_DIR, epoch_label
from naturkapital.report.spec import SHEET
from naturkapital.report.spreadsheet import MEDIA, Column, table_file
from naturkapital.server.cache import _Memo, epoch_of
from naturkapital.server.errors import ApiError, responses
from naturkapital.server.rest import query
from naturkapital.server.scenario_editor import PROJECT_ID, EvaluateIn

router = APIRouter(prefix="/api", tags=["export"])

PDF = "application/pdf"
HTML = "text/html; charset=utf-8"
_SLUG = re.compile(r"[^A-Za-z0-9_.-]+")


def slug(name: str, default: str = "tabel") -> str:
    """A safe file-name stem: letters, digits, ``_ . -`` (Danish letters spelled out)."""
    s = name.translate(
        str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})
    )
    s = _SLUG.sub("_", s).strip("._")[:80]
    return s or default


def file_response(data: bytes, media: str, filename: str, inline: bool = False) -> Response:
    disp = "inline" if inline else "attachment"
    return Response(
        data, media_type=media, headers={"Content-Disposition": f'{disp}; filename="{filename}"'}
    )


def file_responses(description: str, media: tuple[str, ...], *errors: int) -> dict:
    """The OpenAPI ``responses`` of a route answering a file in one of ``media``."""
    content = {m: {"schema": {"type": "string", "format": "binary"}} for m in media}
    return {200: {"content": content, "description": description}, **responses(*errors)}


# ---------------------------------------------------------------- tables
class ExportColumn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    key: str = Field(..., max_length=100)
    da: str = Field(..., max_length=200, description="Danish header")
    en: str = Field("", max_length=200, description="English header")
    digits: int | None = Field(None, ge=0, le=8, description="Decimals shown in Excel")


class ExportIn(BaseModel):
    """A table to download: its columns (Danish and English headers) and rows."""

    model_config = ConfigDict(extra="forbid", strict=True)
    title: str = Field("Tabel (table)", max_length=200)
    filename: str = Field("tabel", max_length=120, description="File name without suffix")
    columns: list[ExportColumn] = Field(..., min_length=1, max_length=80)
    rows: list[dict[str, Any]] = Field(..., max_length=100_000)
    notes: list[str] = Field(
        default_factory=list,
        max_length=200,
        description="Sources, assumptions, demo labels (sheet 'Om')",
    )
    format: Literal["xlsx", "csv"] = "xlsx"
    decimal: Literal["comma", "point"] = Field(
        "comma", description="CSV decimal separator (comma for Danish Excel)"
    )


@router.post(
    "/export",
    summary="Download a table as Excel (.xlsx) or CSV for Danish Excel",
    description="Rows (numbers as JSON numbers) and columns with Danish and English "
    "headers become an .xlsx workbook with numeric cells and an 'Om "
    "(about)' sheet with the notes, or a CSV with ';' separator, "
    "decimal comma (decimal=point for a dot) and a UTF-8 BOM.",
    response_class=Response,
    responses=file_responses("The table", (MEDIA["xlsx"], "text/csv"), 413, 422),
)
async def export_table(body: ExportIn) -> Response:
    cols = [Column(c.key, c.da, c.en, c.digits) for c in body.columns]

    def run() -> bytes:
        return table_file(
            body.rows,
            cols,
            body.format,
            body.title,
            [n[:2000] for n in body.notes],
            body.decimal == "comma",
        )

    data = await run_in_threadpool(run)
    return file_response(data, MEDIA[body.format], f"{slug(body.filename)}.{body.format}")


# ---------------------------------------------------------------- scenario report
@router.post(
    "/scenario/report",
    tags=["scenarios"],
    summary="The scenario report (PDF or HTML) of a scenario, as in the editor",
    description="The same evaluation as POST /api/scenario/evaluate (cached), "
    "written as the report of 'naturkapital scenario report': map of "
    "the conversions, indicator table, NKI diagrams before and after, "
    "lowland check and budget, cost and every assumption. With zone_id P "
    "the report is on the project area (the scenario's polygons as one zone).",
    response_class=Response,
    responses=file_responses("The report", (PDF, "text/html"), 400, 413, 422),
)
async def scenario_report(
    request: Request,
    body: EvaluateIn,
    format: Annotated[Literal["pdf", "html"], Query(description="pdf or html")] = "pdf",
) -> Response:
    from naturkapital.report.scenario_report import write_scenario_report

    svc = request.app.state.scenario_editor
    settings = request.app.state.settings

    project = body.zone_id == PROJECT_ID

    def run() -> bytes:
        res, _key = svc.result_for(body, settings, project=project)
        zone = body.zone_id if body.zone_id in res.names else None
        with tempfile.TemporaryDirectory(prefix="nk-report-") as tmp:
            out = Path(tmp) / f"scenario.{format}"
            write_scenario_report(res, out, zone)
            return out.read_bytes()

    data = await run_in_threadpool(run)
    name = body.scenario.split(":", 1)[1] if isinstance(body.scenario, str) else "scenarie"
    name += "_projektomraade" if project else ""
    return file_response(
        data, PDF if format == "pdf" else HTML, f"scenarierapport_{slug(name)}.{format}"
    )


# ---------------------------------------------------------------- municipality sheet
LandcoverQ = query(SHEET.param("landcover"))
YearQ = query(SHEET.param("year"))
FromQ = query(SHEET.param("from_epoch"), alias="from")
ToQ = query(SHEET.param("to_epoch"), alias="to")
_SHEETS = _Memo(maxsize=64)
SHEET_MEDIA = {"pdf": PDF, "html": HTML, "xlsx": MEDIA["xlsx"]}


def make_sheet(request: Request, zone_id: str, epoch: str, from_: str, to: str) -> Any:
    """The :class:`~naturkapital.report.sheet.Sheet` of one municipality from the server's
    cached results (NKI, change, lowland candidates, the urban demo city)."""
    from naturkapital.report.sheet import URBAN_DEMO_ZONES, build_sheet
    from naturkapital.server.processes.urban import _demo

    svc = request.app.state.nki
    if zone_id == "0" or svc.row(epoch, zone_id) is None:
        raise ApiError(404, f"unknown municipality code {zone_id!r} (e.g. 630 for Vejle)")
    low = getattr(request.app.state, "lowland", None)
    cands = low.candidates(zone_id) if low is not None else None
    urban = (
        _demo("demo:kobenhavn", 300.0, 1.0, False, 50_000_000.0)
        if zone_id in URBAN_DEMO_ZONES
        else None
    )
    return build_sheet(
        zone_id,
        epoch,
        None,
        from_,
        to,
        result=svc.result(epoch),
        change=svc.compare(from_, to),
        candidates=cands,
        urban=urban,
    )


@router.get(
    "/sheet/{zone_id}.{fmt}",
    tags=["nki"],
    summary="Municipality sheet (kommuneark): PDF, HTML or Excel",
    description="NKI, NKI natur, rank nationally and in the group, the diagram, land "
    "types, change between two epochs (from/to), indicative lowland "
    "candidates, urban indicators where the demo city covers the "
    "municipality, and the notes; as 'naturkapital sheet'.",
    response_class=Response,
    responses=file_responses("The sheet", (PDF, "text/html", MEDIA["xlsx"]), 404, 422),
)
async def municipality_sheet(
    request: Request,
    zone_id: str,
    fmt: Literal["pdf", "html", "xlsx"],
    landcover: LandcoverQ = "basemap2021",
    year: YearQ = None,
    from_: FromQ = "corine:2012",
    to: ToQ = "corine:2018",
    download: Annotated[bool, Query(description="as an attachment (else inline)")] = True,
) -> Response:
    from naturkapital.report.sheet import render_sheet_html, sheet_xlsx

    epoch = epoch_of(landcover, year)
    zone_id = zone_id.strip()

    def run() -> bytes:
        def make() -> bytes:
            sheet = make_sheet(request, zone_id, epoch, from_, to)
            if fmt == "xlsx":
                return sheet_xlsx(sheet)
            html = render_sheet_html(sheet)
            if fmt == "html":
                return html.encode("utf-8")
            from weasyprint import HTML as WeasyHTML

            return WeasyHTML(string=html, base_url=str(TEMPLATE_DIR)).write_pdf()

        return _SHEETS.get((zone_id, epoch, from_, to, fmt), make)

    data = await run_in_threadpool(run)
    name = request.app.state.nki.row(epoch, zone_id)["name"]
    return file_response(
        data, SHEET_MEDIA[fmt], f"kommuneark_{slug(str(name))}_{zone_id}.{fmt}", inline=not download
    )


# ---------------------------------------------------------------- whole tables
#: Danish and English headers of the whole tables' columns, one row per column.
TABLE_COLUMNS = Path(__file__).parent / "tables" / "table_columns.csv"


@cache
def table_columns(table: str) -> tuple[Column, ...]:
    """The columns of the whole table ``table`` (``nki`` or ``compare``) from
    :data:`TABLE_COLUMNS`; a row whose key holds ``{key}`` stands for one column per
    land type, with ``{key}``, ``{da}`` and ``{en}`` filled in from the land type."""
    from naturkapital.landcover.landtypes import LAND_TYPES

    rows = read_csv_table(
        TABLE_COLUMNS, "table columns", ("table", "key", "da", "en", "digits"), dtype=str
    )
    cols: list[Column] = []
    for r in rows[rows["table"] == table].itertuples():
        digits = int(r.digits) if r.digits else None
        fills = (
            [{"key": t.key, "da": t.da, "en": t.en} for t in LAND_TYPES]
            if "{key}" in r.key
            else [{}]
        )
        cols += [
            Column(r.key.format(**f), r.da.format(**f), r.en.format(**f), digits) for f in fills
        ]
    return tuple(cols)


def table_route(path: str, summary: str) -> Callable[[Callable], Callable]:
    """The route of a whole table: tag, response class and the files it answers."""
    return router.get(
        path,
        summary=summary,
        tags=["nki"],
        response_class=Response,
        responses=file_responses("The table", (MEDIA["xlsx"], "text/csv"), 422),
    )


def assumption_notes(meta: dict, *first: str) -> list[str]:
    """A table's notes: ``first``, then one line per assumption of ``meta``."""
    return [*first, *[f"Antagelse (assumption): {a}" for a in meta.get("assumptions", [])]]


async def table_response(
    table: str,
    key: tuple[str, ...],
    fmt: str,
    filename: str,
    make: Callable[[], tuple[Any, str, list[str]]],
) -> Response:
    """The whole table ``table`` (see :func:`table_columns`) as a file, made once per
    ``key`` in a worker thread from ``make()``: its rows, title and notes."""

    def file() -> bytes:
        rows, title, notes = make()
        return table_file(rows, table_columns(table), fmt, title, notes)

    data = await run_in_threadpool(lambda: _SHEETS.get((*key, fmt), file))
    return file_response(data, MEDIA[fmt], f"{filename}.{fmt}")


@table_route("/tables/nki.{fmt}", "The whole NKI table as Excel (.xlsx) or CSV for Danish Excel")
async def nki_table_file(
    request: Request,
    fmt: Literal["xlsx", "csv"],
    landcover: LandcoverQ = "basemap2021",
    year: YearQ = None,
) -> Response:
    svc = request.app.state.nki
    epoch = epoch_of(landcover, year)

    def make() -> tuple[Any, str, list[str]]:
        meta = svc.meta(epoch)
        method, data = str(meta.get("method", "")), f"Data: {meta.get('landcover', epoch)}"
        return svc.rows(epoch), f"NKI {epoch_label(epoch)}", assumption_notes(meta, method, data)

    return await table_response("nki", ("nki-table", epoch), fmt, f"nki_{slug(epoch)}", make)


@table_route(
    "/tables/compare.{fmt}", "Change between two epochs as Excel (.xlsx) or CSV for Danish Excel"
)
async def compare_table_file(
    request: Request,
    fmt: Literal["xlsx", "csv"],
    from_: FromQ = "corine:2012",
    to: ToQ = "corine:2018",
) -> Response:
    svc = request.app.state.nki

    def make() -> tuple[Any, str, list[str]]:
        meta = svc.compare(from_, to).meta
        title = f"Ændring (change) {epoch_label(from_)} → {epoch_label(to)}"
        notes = assumption_notes(meta, meta.get("warning", ""))
        return svc.compare_rows(from_, to), title, notes

    name = f"nki_aendring_{slug(from_)}_{slug(to)}"
    return await table_response("compare", ("compare-table", from_, to), fmt, name, make)
