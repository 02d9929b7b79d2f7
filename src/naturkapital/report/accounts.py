"""The ecosystem accounts as an Excel workbook in the SEEA EA layout, and charts.

:func:`write_workbook` writes one sheet per account — extent (SEEA EA table 4.1:
opening, additions, reductions, net change, closing in rows, ecosystem types in
columns), change matrix (table 4.2: opening type in rows, closing type in columns),
condition (indicators with reference level, opening, closing, index) — after a sheet
with the method, sources and assumptions, and the typology. One block per zone, all
zones (Denmark) first. :func:`draw_extent_chart` draws the extent of one zone at
opening and closing (stacked shares) and its additions, reductions and net change.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from naturkapital.accounts.compute import AccountsResult
from naturkapital.accounts.condition import ALL_TYPES, indicators
from naturkapital.accounts.extent import EXTENT_ITEMS, ITEM_LABELS
from naturkapital.accounts.typology import BY_TYPE, TYPE_KEYS, UNMAPPED, load_typology, types_table
from naturkapital.core.errors import InputError
from naturkapital.io.output import check_out, write_atomic
from naturkapital.io.vectors import ZONE_ID
from naturkapital.report.diagram import save_figure

NUMBER = "#,##0.00"


def _zone_check(res: AccountsResult, zone: str) -> str:
    zid = str(zone)
    if zid not in res.names:
        raise InputError("--zone", f"unknown zone id {zid} (not in {res.meta['zones']})")
    return zid


def write_workbook(res: AccountsResult, path: str | Path) -> Path:
    """Write the accounts to ``path`` (.xlsx), atomically."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    p = check_out(path, (".xlsx",))
    bold = Font(bold=True)
    title_font = Font(bold=True, size=13)
    head_fill = PatternFill("solid", fgColor="DDE6D5")
    zone_fill = PatternFill("solid", fgColor="F2F2F2")
    wrap = Alignment(wrap_text=True, vertical="top")
    labels = [BY_TYPE[k].label for k in TYPE_KEYS]
    ids = res.zone_ids()
    y0, y1 = res.meta["period"].split("-", 1)

    wb = Workbook()
    ws = wb.active
    ws.title = "Om (about)"
    about = [
        ("Naturkapitalregnskab / Natural capital accounts (SEEA EA)", title_font),
        (f"Periode (period): {res.meta['from']} → {res.meta['to']}", None),
        (f"Zoner (zones): {res.meta['zones']}", None),
        (f"Metode (method): {res.meta['method']}", None),
        ("Enhed (unit): ha for udstrækning og ændringsmatrix / ha for extent and change "
         "matrix; indikatorernes enheder står på arket Tilstand / indicator units on the "
         "condition sheet.", None),
        ("Identiteter (identities): primo + tilgang − afgang = ultimo; typerne summer til "
         "zonens areal; zonerne summer til alle zoner. / opening + additions − reductions "
         "= closing; types sum to the zone's area; zones sum to all zones.", None),
        ("", None), ("Kilder (sources)", bold),
        *[(s, None) for s in res.meta["sources"]],
        ("", None), ("Antagelser uden publiceret kilde (assumptions, no published source)",
                     bold),
        *[(a, None) for a in res.meta["assumptions"]],
    ]
    for i, (text, font) in enumerate(about, start=1):
        c = ws.cell(row=i, column=1, value=text)
        if font is not None:
            c.font = font
    ws.column_dimensions["A"].width = 140

    def header(sheet, row: int, values: list[str]) -> None:
        for j, v in enumerate(values, start=1):
            c = sheet.cell(row=row, column=j, value=v)
            c.font, c.fill, c.alignment = bold, head_fill, wrap

    def type_columns(sheet, n: int) -> None:
        """Widths of a sheet with a label column and ``n`` type columns plus a total."""
        sheet.column_dimensions["A"].width = 42
        for j in range(2, n + 3):
            sheet.column_dimensions[get_column_letter(j)].width = 16
        sheet.freeze_panes = "B3"

    def zone_row(sheet, row: int, zid: str, ncol: int) -> None:
        c = sheet.cell(row=row, column=1, value=f"{res.names[zid]} ({zid})")
        c.font = bold
        for j in range(1, ncol + 1):
            sheet.cell(row=row, column=j).fill = zone_fill

    # extent (SEEA EA table 4.1)
    ws = wb.create_sheet("Udstrækning (extent)")
    ws.cell(row=1, column=1, value="Fysisk udstrækningsregnskab / Physical ecosystem extent "
            f"account (SEEA EA table 4.1), ha, {res.meta['from']} → {res.meta['to']}"
            ).font = title_font
    ext = {zid: g.set_index("ecosystem_type").reindex(list(TYPE_KEYS))
           for zid, g in res.extent.groupby(ZONE_ID, sort=False)}
    row = 3
    for zid in ids:
        zone_row(ws, row, zid, len(labels) + 2)
        header(ws, row + 1, ["Post (item)"] + labels + ["I alt (total)"])
        block = ext[zid]
        for i, item in enumerate(EXTENT_ITEMS):
            r = row + 2 + i
            ws.cell(row=r, column=1, value=ITEM_LABELS[item]).font = (
                bold if item in ("opening", "closing") else Font())
            vals = block[item].tolist()
            for j, v in enumerate(vals, start=2):
                ws.cell(row=r, column=j, value=float(v)).number_format = NUMBER
            ws.cell(row=r, column=len(vals) + 2, value=float(sum(vals))).number_format = NUMBER
        row += 2 + len(EXTENT_ITEMS) + 1
    type_columns(ws, len(labels))

    # change matrix (SEEA EA table 4.2)
    ws = wb.create_sheet("Ændringsmatrix (change)")
    ws.cell(row=1, column=1, value="Ændringsmatrix / Ecosystem type change matrix (SEEA EA "
            f"table 4.2), ha: rækker = primo {y0} (opening), kolonner = ultimo {y1} "
            "(closing)").font = title_font
    mats = {zid: g.pivot(index="from_type", columns="to_type", values="area_ha").reindex(
                index=list(TYPE_KEYS), columns=list(TYPE_KEYS)).fillna(0.0)
            for zid, g in res.matrix.groupby(ZONE_ID, sort=False)}
    row = 3
    for zid in ids:
        zone_row(ws, row, zid, len(labels) + 2)
        header(ws, row + 1, [f"Fra {y0} ↓ / til {y1} →"] + labels + [f"Primo {y0} (opening)"])
        m = mats[zid]
        for i, k in enumerate(TYPE_KEYS):
            r = row + 2 + i
            ws.cell(row=r, column=1, value=labels[i])
            for j, v in enumerate(m.loc[k].tolist(), start=2):
                c = ws.cell(row=r, column=j, value=float(v))
                c.number_format = NUMBER
                if j - 2 == i:
                    c.font = bold
            ws.cell(row=r, column=len(labels) + 2,
                    value=float(m.loc[k].sum())).number_format = NUMBER
        r = row + 2 + len(TYPE_KEYS)
        ws.cell(row=r, column=1, value=f"Ultimo {y1} (closing)").font = bold
        for j, v in enumerate(m.sum(axis=0).tolist(), start=2):
            ws.cell(row=r, column=j, value=float(v)).number_format = NUMBER
        ws.cell(row=r, column=len(labels) + 2,
                value=float(m.to_numpy().sum())).number_format = NUMBER
        row = r + 2
    type_columns(ws, len(labels))

    # condition
    ws = wb.create_sheet("Tilstand (condition)")
    ws.cell(row=1, column=1, value="Tilstandsregnskab / Ecosystem condition account (SEEA EA "
            "ch. 5): indikatorer med referenceniveau / indicators with reference level"
            ).font = title_font
    ind = indicators().set_index("key")
    cond = res.condition.set_index(ZONE_ID)
    cols = ["Indikator (indicator)", "Økosystemtype (ecosystem type)", "Enhed (unit)",
            "Referenceniveau (reference level)", f"Primo {y0} (opening)",
            f"Ultimo {y1} (closing)", "Ændring (change)", f"Indeks {y0} (index)",
            f"Indeks {y1} (index)", "Kilde til referenceniveau (source)"]
    order = {k: i for i, k in enumerate([ALL_TYPES] + list(TYPE_KEYS))}
    iorder = {k: i for i, k in enumerate(ind.index)}
    row = 3
    for zid in ids:
        zone_row(ws, row, zid, len(cols))
        header(ws, row + 1, cols)
        part = cond.loc[[zid]] if zid in cond.index else cond.iloc[0:0]
        part = part.assign(_i=part["indicator"].map(iorder),
                           _t=part["ecosystem_type"].map(order)).sort_values(["_i", "_t"])
        r = row + 2
        for rec in part.itertuples():
            meta = ind.loc[rec.indicator]
            etype = ("Alle typer / All types" if rec.ecosystem_type == ALL_TYPES
                     else BY_TYPE[rec.ecosystem_type].label)
            vals = [f"{meta['da']} / {meta['en']}", etype, meta["unit"], rec.reference_level,
                    rec.opening, rec.closing, rec.change, rec.opening_index,
                    rec.closing_index, meta["source"]]
            for j, v in enumerate(vals, start=1):
                if isinstance(v, float):
                    v = None if pd.isna(v) else float(v)
                c = ws.cell(row=r, column=j, value=v)
                if 4 <= j <= 9:
                    c.number_format = "0.000" if j >= 8 else NUMBER
            r += 1
        row = r + 1
    for j, w in enumerate([40, 36, 18, 16, 14, 14, 12, 12, 12, 90], start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
    ws.freeze_panes = "A3"

    # services (SEEA EA supply table: services in rows, ecosystem types in columns)
    from naturkapital.accounts.services import SERVICE_ITEMS

    ws = wb.create_sheet("Tjenester (services)")
    ws.cell(row=1, column=1, value="Økosystemtjenester / Ecosystem services supply (SEEA EA "
            "ch. 6–7): fysisk og monetært pr. økosystemtype / physical and monetary by "
            "ecosystem type").font = title_font
    ws.cell(row=2, column=1, value="Antagelse = ja: en koefficient bag værdien har ingen "
            "publiceret kilde (se arket Om) / assumption = yes: a coefficient behind the "
            "value has no published source (see the about sheet)")
    svc_types = [k for k in TYPE_KEYS if k != UNMAPPED]
    svc_labels = [BY_TYPE[k].label for k in svc_types]
    grouped = res.services.groupby([ZONE_ID, "item", "period"], sort=False)
    svc_piv = res.services.pivot_table(index=[ZONE_ID, "item", "period"],
                                       columns="ecosystem_type", values="value",
                                       aggfunc="sum").reindex(columns=svc_types)
    svc_vals = dict(zip(svc_piv.index, svc_piv.to_numpy(), strict=True))
    svc_flag = (grouped["assumption"].agg(lambda a: bool((a == "yes").any()))).to_dict()
    keys = list(dict.fromkeys(zip(res.services["item"], res.services["period"],
                                  strict=True)))
    iorder = {k: i for i, k in enumerate(SERVICE_ITEMS)}
    keys.sort(key=lambda k: (iorder[k[0]], str(k[1])))
    row = 4
    for zid in ids:
        zone_row(ws, row, zid, len(svc_labels) + 6)
        header(ws, row + 1, ["Tjeneste (service)", "Periode (period)", "Enhed (unit)",
                             "Art (kind)"] + svc_labels + ["I alt (total)",
                                                           "Antagelse (assumption)"])
        r = row + 2
        for item, period in keys:
            if (zid, item, period) not in svc_vals:
                continue
            vals = pd.Series(svc_vals[(zid, item, period)], index=svc_types)
            label, unit, kind = SERVICE_ITEMS[item]
            for j, v in enumerate([label, str(period), unit,
                                   "fysisk (physical)" if kind == "physical"
                                   else "monetær (monetary)"], start=1):
                ws.cell(row=r, column=j, value=v)
            for j, v in enumerate(vals.tolist(), start=5):
                c = ws.cell(row=r, column=j, value=None if pd.isna(v) else float(v))
                c.number_format = NUMBER
            ws.cell(row=r, column=5 + len(svc_types),
                    value=float(vals.fillna(0.0).sum())).number_format = NUMBER
            ws.cell(row=r, column=6 + len(svc_types),
                    value="ja (yes)" if svc_flag[(zid, item, period)] else "nej (no)")
            r += 1
        row = r + 1
    ws.column_dimensions["A"].width = 52
    for j, w in enumerate([16, 14, 16], start=2):
        ws.column_dimensions[get_column_letter(j)].width = w
    for j in range(5, len(svc_types) + 7):
        ws.column_dimensions[get_column_letter(j)].width = 16
    ws.freeze_panes = "B4"

    # typology
    ws = wb.create_sheet("Typologi (typology)")
    ws.cell(row=1, column=1, value="Økosystemtyper / Ecosystem types (MAES, Maes et al. "
            "2013)").font = title_font
    types = types_table()
    header(ws, 2, ["Nøgle (key)", "Dansk", "English", "Kilde (source)"])
    for i, t in enumerate(types.itertuples(), start=3):
        for j, v in enumerate([t.key, t.da, t.en, t.source], start=1):
            ws.cell(row=i, column=j, value=v)
    row = 3 + len(types) + 1
    for name in res.meta["typology"]:
        try:
            typ = load_typology(name)
        except InputError:
            continue
        ws.cell(row=row, column=1, value=f"Klasser → økosystemtype / classes → ecosystem "
                f"type: {name}").font = bold
        header(ws, row + 1, ["Klasse (value)", "Navn (label)", "Økosystemtype (ecosystem "
                             "type)", "NKI-arealtype (NKI land type)", "Kilde (source)"])
        for i, t in enumerate(typ.table.itertuples(), start=row + 2):
            for j, v in enumerate([int(t.value), t.label, t.ecosystem_type, t.nki_land_type,
                                   t.source], start=1):
                ws.cell(row=i, column=j, value=v)
        row += 2 + len(typ.table) + 1
    for j, w in enumerate([22, 40, 32, 26, 120], start=1):
        ws.column_dimensions[get_column_letter(j)].width = w

    def save(tmp: Path) -> None:
        wb.save(tmp)

    return write_atomic(p, save)


def draw_extent_chart(res: AccountsResult, zone: str, path: str | Path) -> Path:
    """Extent of one zone: opening and closing as stacked shares (left) and additions,
    reductions and net change per ecosystem type in ha (right)."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    p = check_out(path, (".png", ".svg"))
    zid = _zone_check(res, zone)
    ext = res.extent[res.extent[ZONE_ID] == zid].set_index("ecosystem_type").reindex(
        list(TYPE_KEYS)).fillna(0.0)
    keys = [k for k in TYPE_KEYS if k != UNMAPPED or ext.loc[k, "opening"] > 0
            or ext.loc[k, "closing"] > 0]
    y0, y1 = res.meta["period"].split("-", 1)

    fig = Figure(figsize=(13, 6.2))  # no pyplot: the user's backend is untouched
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 2.2]})
    for x, col in ((0, "opening"), (1, "closing")):
        total = ext[col].sum()
        bottom = 0.0
        for k in keys:
            share = 100.0 * ext.loc[k, col] / total if total > 0 else 0.0
            left.bar(x, share, bottom=bottom, color=BY_TYPE[k].colour, edgecolor="#555555",
                     linewidth=0.4, width=0.6, label=BY_TYPE[k].label if x == 0 else None)
            bottom += share
    left.set_xticks([0, 1], [f"Primo {y0}\n(opening)", f"Ultimo {y1}\n(closing)"])
    left.set_ylabel("Andel af zonens areal (% of zone area)")
    left.set_ylim(0, 100)
    left.set_title("Udstrækning (extent)")

    ys = range(len(keys))
    add = [ext.loc[k, "additions"] for k in keys]
    red = [-ext.loc[k, "reductions"] for k in keys]
    net = [ext.loc[k, "net_change"] for k in keys]
    right.barh([y + 0.2 for y in ys], add, height=0.4, color="#4d9221",
               label="Tilgang (additions)")
    right.barh([y + 0.2 for y in ys], red, height=0.4, color="#c51b7d",
               label="Afgang (reductions)")
    right.barh([y - 0.2 for y in ys], net, height=0.4,
               color=[BY_TYPE[k].colour for k in keys], edgecolor="#333333", linewidth=0.6,
               label="Nettoændring (net change)")
    right.axvline(0, color="#333333", linewidth=0.8)
    right.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    right.set_yticks(list(ys), [BY_TYPE[k].label for k in keys])
    right.invert_yaxis()
    right.set_xlabel("ha")
    right.set_title(f"Ændring {y0}–{y1} (change)")
    from matplotlib.patches import Patch

    right.legend(handles=[Patch(color="#4d9221", label="Tilgang (additions)"),
                          Patch(color="#c51b7d", label="Afgang (reductions)"),
                          Patch(facecolor="white", edgecolor="#333333",
                                label="Nettoændring (net change), typens farve")],
                 loc="lower right", fontsize=8)
    handles, lbls = left.get_legend_handles_labels()
    fig.legend(handles[::-1], lbls[::-1], loc="lower center", ncol=4, fontsize=7.5,
               frameon=False)
    fig.suptitle(f"Naturkapitalregnskab (ecosystem extent account): {res.names[zid]} — "
                 f"{res.meta['from']} → {res.meta['to']}", fontsize=12)
    fig.tight_layout(rect=(0, 0.1, 1, 0.96))

    return write_atomic(p, lambda tmp: save_figure(fig, tmp, dpi=130))


def draw_condition_chart(series: pd.DataFrame, zone: str, name: str,
                         path: str | Path) -> Path:
    """Condition over time of one zone: NKI and NKI natur (left), share of wet nature
    (middle), nature value per ecosystem type (right)."""
    from matplotlib.figure import Figure

    p = check_out(path, (".png", ".svg"))
    s = series[series[ZONE_ID] == str(zone)]
    if s.empty:
        raise InputError("--zone", f"no condition values for zone {zone}")
    ind = indicators().set_index("key")
    years = sorted(s["year"].unique(), key=str)
    x = list(range(len(years)))

    def line(ax, rows: pd.DataFrame, **kw) -> None:
        v = rows.set_index("year")["value"].reindex(years)
        ax.plot(x, v.to_numpy(dtype=float), marker="o", **kw)

    fig = Figure(figsize=(14, 4.8))
    axes = fig.subplots(1, 3)
    zone_rows = s[s["ecosystem_type"] == ALL_TYPES]
    for key, colour in (("nki", "#1b7837"), ("nki_nature", "#762a83")):
        line(axes[0], zone_rows[zone_rows["indicator"] == key], color=colour,
             label=f"{ind.loc[key, 'da']} / {ind.loc[key, 'en']}")
    axes[0].set_ylim(0, 100)
    axes[0].set_ylabel("indeks 0–100 (reference 100)")
    axes[0].set_title("Naturkapitalindeks (NKI)")
    axes[0].legend(fontsize=8, loc="center right")
    line(axes[1], zone_rows[zone_rows["indicator"] == "wet_nature_share"], color="#2c7fb8")
    axes[1].set_ylim(bottom=0)
    axes[1].set_ylabel("% af kortlagt areal (% of mapped area)")
    axes[1].set_title("Andel våd natur (share of wet nature)")
    nv = s[(s["indicator"] == "nature_value") & (s["ecosystem_type"] != ALL_TYPES)]
    for k in TYPE_KEYS:
        rows = nv[nv["ecosystem_type"] == k]
        if not rows.empty and rows["value"].notna().any():
            line(axes[2], rows, color=BY_TYPE[k].colour, label=BY_TYPE[k].en,
                 markeredgecolor="#555555")
    axes[2].set_ylim(0, 105)
    axes[2].set_ylabel("naturværdi 0–100 (nature value)")
    axes[2].set_title("Naturværdi pr. økosystemtype (by type)")
    axes[2].legend(fontsize=6.5, loc="center left", bbox_to_anchor=(1.0, 0.5))
    for ax in axes:
        ax.set_xticks(x, [str(y) for y in years])
        ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    fig.suptitle(f"Tilstand over tid (condition over time): {name}", fontsize=12)
    fig.tight_layout(rect=(0, 0, 1, 0.95))

    return write_atomic(p, lambda tmp: save_figure(fig, tmp, dpi=130))
