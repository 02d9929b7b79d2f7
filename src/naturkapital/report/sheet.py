"""The municipality sheet (kommuneark): one municipality on one or two pages, HTML or
PDF (WeasyPrint), Danish with English beside it.

It shows the NKI and NKI natur with the rank nationally and within the municipality's
group, the NKI diagram, the land types (share, nature value, contribution), the change
between two epochs (split into an area and a value part; Basemap04 and CORINE levels
are labelled as different sources), a summary of the indicative lowland candidates
(embedded data), the urban indicators where the embedded urban demo city covers the
municipality, and the notes: the open-data proxy, assumptions and demo labels.

Every number comes from the models (:func:`naturkapital.nki.compute.compute_nki`,
:func:`~naturkapital.nki.compute.compare`,
:func:`naturkapital.lowland.candidates.find_candidates`,
:func:`naturkapital.urban.compute.run_urban`); the web server passes its cached results.
:func:`sheet_tables` gives the same tables for a spreadsheet.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape

from naturkapital.core.errors import InputError
from naturkapital.io.output import check_out, write_atomic
from naturkapital.io.vectors import ZONE_ID
from naturkapital.landcover.landtypes import LAND_TYPES
from naturkapital.lowland.screening import num_da
from naturkapital.nki.compute import CompareResult, NKIResult, compare, compute_nki, load_zones
from naturkapital.nki.index import contributions
from naturkapital.nki.ranking import GROUP_LABELS
from naturkapital.report.diagram import nki_figure
from naturkapital.report.html import write_html_or_pdf
from naturkapital.report.nki_diagram import _nature_only, diagram_data
from naturkapital.report.spreadsheet import Column, workbook

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
#: Municipalities the embedded urban demo city (``demo:kobenhavn``) covers in part.
URBAN_DEMO_ZONES = {"101": "København", "147": "Frederiksberg"}
#: District names of the demo city per municipality (Copenhagen's ten bydele).
URBAN_DEMO_FREDERIKSBERG = "Frederiksberg"
TOP_CANDIDATES = 5
SOURCES = {"basemap": "Basemap04", "corine": "CORINE"}


def source_of(epoch: str) -> str:
    """The dataset of an epoch name: ``basemap2021`` → Basemap04, ``corine:2018`` → CORINE."""
    e = str(epoch).lower()
    for key, name in SOURCES.items():
        if e.startswith(key):
            return name
    return str(epoch)


def epoch_label(epoch: str) -> str:
    e = str(epoch)
    if e.startswith("basemap"):
        return f"Basemap04 {e[len('basemap') :]}".strip()
    if ":" in e:
        name, _, year = e.partition(":")
        return f"{SOURCES.get(name, name)} {year}"
    return e


@dataclass
class Sheet:
    """Everything the sheet shows (numbers as numbers; the template formats them)."""

    zone_id: str
    name: str
    epoch: str
    nki: float
    nki_nature: float | None
    rank: int | None
    rank_nature: int | None
    n_ranked: int
    group: str
    group_label: str
    group_rank: int | None
    group_n: int
    area_ha: float
    land_types: list[dict[str, Any]]
    change: dict[str, Any]
    lowland: dict[str, Any] | None
    urban: list[dict[str, Any]] | None
    notes: list[str] = field(default_factory=list)
    diagram_png: str = ""
    diagram_nature_png: str = ""


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _num(x: Any) -> float | None:
    return None if x is None or pd.isna(x) else float(x)


def _int(x: Any) -> int | None:
    return None if x is None or pd.isna(x) else int(x)


def land_type_table(result: NKIResult, zone_id: str) -> list[dict[str, Any]]:
    """Per land type: share of the mapped area (%), nature value, contribution (NKI
    points; the contributions sum to the NKI)."""
    shares = result.shares.loc[[zone_id]]
    values = result.values.loc[[zone_id]]
    contrib = contributions(shares, values).iloc[0]
    out = []
    for t in LAND_TYPES:
        share = 100.0 * float(shares.iloc[0][t.key])
        value = _num(values.iloc[0][t.key])
        out.append(
            {
                "key": t.key,
                "da": t.da,
                "en": t.en,
                "nature": t.nature,
                "colour": t.colour,
                "share_pct": share,
                "value": value,
                "contribution": float(contrib[t.key]) if value is not None else None,
            }
        )
    return out


def group_rank(result: NKIResult, zone_id: str) -> tuple[int | None, int]:
    """The zone's rank within its group (the table's ``rank_in_group``, 1 = highest NKI)
    and the number of ranked zones in the group."""
    t = result.table[(result.table[ZONE_ID] != "0") & result.table["rank"].notna()]
    row = result.row(zone_id)
    n = int((t["group"] == row["group"]).sum())
    return _int(row.get("rank_in_group")), n


def change_summary(
    cmp: CompareResult, zone_id: str, from_epoch: str, to_epoch: str, level_epoch: str
) -> dict[str, Any]:
    """The zone's change between two epochs and the labels that explain the levels."""
    hit = cmp.table[cmp.table[ZONE_ID] == zone_id]
    if hit.empty:
        raise InputError("--zone", f"zone {zone_id} is not in the change table")
    r = hit.iloc[0]
    src_from, src_to, src_level = (
        source_of(from_epoch),
        source_of(to_epoch),
        source_of(level_epoch),
    )
    notes = []
    if src_from != src_to:
        notes.append(
            f"{epoch_label(from_epoch)} og {epoch_label(to_epoch)} er forskellige "
            "kilder; ændringen blander natur- og dataskift (different sources: "
            "the change mixes nature change and data change)."
        )
    if src_level not in (src_from, src_to):
        notes.append(
            f"Niveauet øverst er fra {epoch_label(level_epoch)}, ændringen fra "
            f"{src_from if src_from == src_to else src_from + '/' + src_to}: "
            "forskellige kilder, så niveauerne kan ikke sammenlignes direkte "
            "(the level above and the change come from different sources; their "
            "levels are not comparable)."
        )
    return {
        "from": from_epoch,
        "to": to_epoch,
        "from_label": epoch_label(from_epoch),
        "to_label": epoch_label(to_epoch),
        "nki_from": _num(r.get("nki_from")),
        "nki_to": _num(r.get("nki_to")),
        "delta": _num(r.get("delta")),
        "delta_area": _num(r.get("delta_area")),
        "delta_value": _num(r.get("delta_value")),
        "rank_from": _int(r.get("rank_from")),
        "rank_to": _int(r.get("rank_to")),
        "notes": notes,
        "warning": cmp.meta.get("warning", ""),
    }


def lowland_summary(units: pd.DataFrame, meta: dict[str, Any]) -> dict[str, Any]:
    """Count, area and the first candidates of the indicative lowland search."""
    top = units.head(TOP_CANDIDATES)
    return {
        "n": int(len(units)),
        "area_ha": float(units["area_ha"].sum()) if len(units) else 0.0,
        "farmland_ha": float(meta.get("farmland_ha", 0.0)),
        "wet_nature_ha": float(meta.get("wet_nature_ha", 0.0)),
        "top": [
            {
                "candidate_id": str(r.candidate_id),
                "area_ha": float(r.area_ha),
                "wet_nature_nearby_ha": float(r.wet_nature_nearby_ha),
            }
            for r in top.itertuples()
        ],
        "label_da": meta.get("label_da", ""),
        "label_en": meta.get("label_en", ""),
        "method": meta.get("method", ""),
        "assumptions": list(meta.get("assumptions", [])),
    }


URBAN_KEYS = (
    "name",
    "residents",
    "greening_pct",
    "public_green_blue_pct",
    "canopy_pct",
    "within_rule_pct",
    "median_network_m",
    "pass_all_pct",
)


def urban_rows(districts: pd.DataFrame, zone_id: str) -> list[dict[str, Any]]:
    """The demo city's district rows inside the municipality (Frederiksberg is one
    district; Copenhagen's are the others)."""
    d = (
        districts[districts["district_id"].astype(str) != "0"]
        if "district_id" in districts
        else districts
    )
    is_fb = d["name"].astype(str) == URBAN_DEMO_FREDERIKSBERG
    part = d[is_fb] if zone_id == "147" else d[~is_fb]
    return [
        {k: (r.get(k) if k == "name" else _num(r.get(k))) for k in URBAN_KEYS}
        for r in part.to_dict(orient="records")
    ]


def build_sheet(
    zone: str,
    landcover: str = "basemap2021",
    year: int | None = None,
    from_epoch: str = "corine:2012",
    to_epoch: str = "corine:2018",
    result: NKIResult | None = None,
    change: CompareResult | None = None,
    candidates: Any = None,
    urban: Any = None,
    lowland: bool = True,
    with_urban: bool = True,
) -> Sheet:
    """Collect the sheet of municipality ``zone`` (cached results may be passed in)."""
    from naturkapital.landcover.sources import epoch_of

    zid = str(zone).strip()
    if result is None:  # check the code before computing anything
        known = set(load_zones().gdf[ZONE_ID].astype(str))
        if zid == "0" or zid not in known:
            raise InputError(
                "--zone",
                f"unknown municipality code {zid!r} (embedded "
                "municipalities, e.g. 630 Vejle, 563 Fanø)",
            )
    epoch = epoch_of(landcover, year) if ":" not in str(landcover) else str(landcover)
    res = result or compute_nki(landcover=epoch)
    if zid == "0" or res.table[res.table[ZONE_ID] == zid].empty:
        raise InputError(
            "--zone",
            f"unknown municipality code {zid!r} (embedded "
            "municipalities, e.g. 630 Vejle, 563 Fanø)",
        )
    row = res.row(zid)
    n_ranked = int(res.table["rank"].notna().sum())
    g_rank, g_n = group_rank(res, zid)
    cmp = change or compare(from_epoch, to_epoch, load_zones())
    chg = change_summary(cmp, zid, from_epoch, to_epoch, epoch)
    low = None
    if lowland:
        if candidates is None:
            from naturkapital.lowland.candidates import find_candidates
            from naturkapital.lowland.rules import load_candidate_params, load_rules

            candidates = find_candidates(zid, load_candidate_params(), load_rules())
        low = lowland_summary(candidates.units, candidates.meta)
    urb = None
    if with_urban and zid in URBAN_DEMO_ZONES:
        if urban is None:
            from naturkapital.urban.compute import run_urban

            urban = run_urban(city="demo:kobenhavn")
        urb = urban_rows(urban.districts, zid)
    notes = [
        "NKI er beregnet med åbne data: arealanvendelse som proxy for naturværdi, ikke DCE's "
        "biodiversitetsdata (open-data NKI: land use as a proxy for nature value, not DCE's "
        "biodiversity data). Metode (method): " + str(res.meta.get("method", "")),
        f"Data: {res.meta.get('landcover', epoch)}.",
    ]
    notes += [f"Antagelse (assumption): {a}" for a in res.meta.get("assumptions", [])]
    if low is not None:
        notes.append(f"Lavbund (lowland): {low['label_da']} / {low['label_en']}")
        notes += [f"Antagelse (assumption): {a}" for a in low["assumptions"]]
    if urb is not None:
        notes.append(
            "Bynatur: demobyen demo:kobenhavn (OpenStreetMap 2011) dækker kun en del "
            "af kommunen (urban indicators: the demo city covers part of the "
            "municipality only). " + str(urban.meta.get("demo", "")).strip()
        )
    notes.append(chg["warning"])
    data = diagram_data(res, zid, epoch_label(epoch))
    fig = nki_figure(data)
    fig_nat = nki_figure(_nature_only(data, res, zid), nature_only=True)
    group = str(row.get("group", ""))
    return Sheet(
        zone_id=zid,
        name=str(row["name"]),
        epoch=epoch,
        nki=float(row["nki"]),
        nki_nature=_num(row.get("nki_nature")),
        rank=_int(row.get("rank")),
        rank_nature=_int(row.get("rank_nature")),
        n_ranked=n_ranked,
        group=group,
        group_label=GROUP_LABELS.get(group, group),
        group_rank=g_rank,
        group_n=g_n,
        area_ha=float(row.get("area_ha", float("nan"))),
        land_types=land_type_table(res, zid),
        change=chg,
        lowland=low,
        urban=urb,
        notes=[n for n in notes if n],
        diagram_png=_png(fig),
        diagram_nature_png=_png(fig_nat),
    )


def _fmt(x: Any, digits: int = 1, signed: bool = False) -> str:
    if x is None or (isinstance(x, float) and pd.isna(x)):
        return "–"
    x = float(x)
    if signed and round(x, digits) == 0:
        return "±" + num_da(0.0, digits)
    s = num_da(x, digits)
    return ("+" + s) if signed and x > 0 else s


def render_sheet_html(sheet: Sheet) -> str:
    """The sheet as one self-contained HTML page (figures embedded)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR), autoescape=select_autoescape(["html", "j2"])
    )
    env.filters["n"] = _fmt
    return env.get_template("municipality_sheet.html.j2").render(
        s=sheet, generated=date.today().isoformat(), epoch_label=epoch_label(sheet.epoch)
    )


def sheet_tables(sheet: Sheet) -> list[tuple[str, list[dict[str, Any]], list[Column]]]:
    """The sheet's tables for a spreadsheet: (title, rows, columns)."""
    key = [
        {"key": "NKI", "value": sheet.nki},
        {"key": "NKI natur", "value": sheet.nki_nature},
        {"key": "Placering (rank)", "value": sheet.rank},
        {"key": "Placering natur (rank nature)", "value": sheet.rank_nature},
        {"key": "Kommuner rangeret (ranked)", "value": sheet.n_ranked},
        {
            "key": f"Placering i gruppen (rank in group: {sheet.group_label})",
            "value": sheet.group_rank,
        },
        {"key": "Kommuner i gruppen (group size)", "value": sheet.group_n},
        {"key": f"NKI {sheet.change['from_label']}", "value": sheet.change["nki_from"]},
        {"key": f"NKI {sheet.change['to_label']}", "value": sheet.change["nki_to"]},
        {"key": "Ændring (change)", "value": sheet.change["delta"]},
        {"key": "heraf areal (area part)", "value": sheet.change["delta_area"]},
        {"key": "heraf værdi (value part)", "value": sheet.change["delta_value"]},
    ]
    out = [
        (
            "Nøgletal (key figures)",
            key,
            [Column("key", "Nøgletal", "key figure"), Column("value", "Værdi", "value")],
        ),
        (
            "Arealtyper (land types)",
            sheet.land_types,
            [
                Column("da", "Arealtype", "land type"),
                Column("en", "Land type"),
                Column("share_pct", "Andel %", "share %", 2),
                Column("value", "Naturværdi", "nature value", 1),
                Column("contribution", "Bidrag", "contribution", 2),
            ],
        ),
    ]
    if sheet.lowland is not None:
        out.append(
            (
                "Lavbund (lowland)",
                sheet.lowland["top"],
                [
                    Column("candidate_id", "Kandidat", "candidate"),
                    Column("area_ha", "Areal ha", "area ha", 2),
                    Column("wet_nature_nearby_ha", "Våd natur nær ha", "wet nature nearby ha", 2),
                ],
            )
        )
    if sheet.urban is not None:
        out.append(("Bynatur (urban)", sheet.urban, [Column(k, k) for k in URBAN_KEYS]))
    return out


def sheet_xlsx(sheet: Sheet) -> bytes:
    """The sheet's tables as one workbook (a sheet per table, notes on 'Om')."""
    title = f"Kommuneark {sheet.name} ({sheet.zone_id})"
    return workbook(sheet_tables(sheet), title, sheet.notes)


def write_sheet(
    zone: str,
    out: str | Path = "kommuneark.pdf",
    landcover: str = "basemap2021",
    year: int | None = None,
    from_epoch: str = "corine:2012",
    to_epoch: str = "corine:2018",
) -> Path:
    """Write the municipality sheet of ``zone`` as ``.pdf``, ``.html`` or ``.xlsx``."""
    p = check_out(out, (".html", ".pdf", ".xlsx"))
    sheet = build_sheet(zone, landcover, year, from_epoch, to_epoch)
    if p.suffix.lower() == ".xlsx":
        data = sheet_xlsx(sheet)
        return write_atomic(p, lambda tmp: tmp.write_bytes(data))
    return write_html_or_pdf(render_sheet_html(sheet), p, TEMPLATE_DIR)
