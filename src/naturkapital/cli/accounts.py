"""``naturkapital accounts`` — natural capital accounts in the SEEA EA format."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from rich.table import Table

from naturkapital.accounts.compute import (
    AccountsResult,
    compute_accounts,
    condition_series,
    series_epochs,
    wide_table,
)
from naturkapital.accounts.extent import EXTENT_ITEMS, ITEM_LABELS
from naturkapital.accounts.spec import ACCOUNTS_SPEC, LONG_SUFFIXES
from naturkapital.accounts.typology import BY_TYPE, TYPE_KEYS
from naturkapital.cli.app import app, console, progress_bar
from naturkapital.cli.generate import spec_command
from naturkapital.core.errors import InputError
from naturkapital.io.output import check_outs, write_atomic, write_table
from naturkapital.io.vectors import ZONE_ID
from naturkapital.nki.compute import Zones, load_zones


def _ha(x: float) -> str:
    return "" if pd.isna(x) else f"{x:,.1f}"


def _extent_table(res: AccountsResult, zid: str) -> Table:
    t = Table(title=f"Udstrækning (extent), ha — {res.names[zid]} — {res.meta['from']} → "
                    f"{res.meta['to']}", header_style="bold")
    t.add_column("Økosystemtype (ecosystem type)")
    for item in EXTENT_ITEMS:
        t.add_column(ITEM_LABELS[item].replace(" / ", "\n"), justify="right")
    ext = res.extent[res.extent[ZONE_ID] == zid].set_index("ecosystem_type")
    for k in TYPE_KEYS:
        r = ext.loc[k]
        t.add_row(BY_TYPE[k].label, *[_ha(r[i]) for i in EXTENT_ITEMS])
    t.add_row("I alt (total)", *[_ha(ext[i].sum()) for i in EXTENT_ITEMS], style="bold")
    return t


def _top_changes(res: AccountsResult, zid: str, n: int = 8) -> Table:
    m = res.matrix[(res.matrix[ZONE_ID] == zid) & (res.matrix["from_type"]
                                                  != res.matrix["to_type"])]
    m = m[m["area_ha"] > 0].nlargest(n, "area_ha")
    t = Table(title="Største ændringer (largest changes), ha", header_style="bold")
    for col in ("Fra (from)", "Til (to)", "ha"):
        t.add_column(col, justify="right" if col == "ha" else "left")
    for r in m.itertuples():
        t.add_row(BY_TYPE[r.from_type].label, BY_TYPE[r.to_type].label, _ha(r.area_ha))
    return t


def _condition_table(res: AccountsResult, zid: str) -> Table:
    c = res.condition[(res.condition[ZONE_ID] == zid)
                      & (res.condition["ecosystem_type"] == "all")]
    y0, y1 = res.meta["period"].split("-", 1)
    t = Table(title="Tilstand (condition)", header_style="bold")
    for col in ("Indikator (indicator)", "Reference", f"Primo {y0}", f"Ultimo {y1}",
                "Ændring (change)"):
        t.add_column(col, justify="left" if col.startswith("Indikator") else "right")
    for r in c.itertuples():
        info = res.meta["indicators"][r.indicator]
        t.add_row(info["label"], "–" if info["reference_level"] is None
                  else f"{info['reference_level']:g}", _ha(r.opening), _ha(r.closing),
                  _ha(r.change))
    return t


def _services_table(res: AccountsResult, zid: str) -> Table:
    from naturkapital.accounts.services import SERVICE_ITEMS

    s = res.services[res.services[ZONE_ID] == zid]
    tot = s.groupby(["item", "period"], sort=False).agg(
        value=("value", "sum"), unit=("unit", "first"), kind=("kind", "first"),
        assumption=("assumption", lambda a: "yes" if (a == "yes").any() else "no"))
    order = {k: i for i, k in enumerate(SERVICE_ITEMS)}
    tot = tot.iloc[sorted(range(len(tot)), key=lambda i: (order[tot.index[i][0]],
                                                          str(tot.index[i][1])))]
    t = Table(title="Økosystemtjenester, alle typer (ecosystem services, all types)",
              header_style="bold")
    for col in ("Post (item)", "Periode (period)", "Enhed (unit)", "Værdi (value)",
                "Art (kind)", "Antagelse (assumption)"):
        t.add_column(col, justify="right" if col.startswith("Værdi") else "left")
    for (item, period), r in tot.iterrows():
        t.add_row(SERVICE_ITEMS[item][0], str(period), r["unit"], _ha(r["value"]), r["kind"],
                  r["assumption"])
    return t


def write_long(res: AccountsResult, table: pd.DataFrame, out: Path) -> Path:
    """The long table as CSV (UTF-8 with BOM, opens in Excel), Parquet (the metadata in
    the file's key-value metadata) or JSON with the meta."""
    if out.suffix.lower() == ".csv":
        return write_table(table, out)
    if out.suffix.lower() == ".gpkg":  # one row per zone with its polygon, for QGIS
        wide = wide_table(res)
        wide = wide[wide[ZONE_ID].isin(set(res.zones[ZONE_ID].astype(str)))]
        meta = {k: v for k, v in res.meta.items() if k in ("method", "from", "to", "period",
                                                           "zones", "sources", "assumptions")}
        return write_table(wide, out, meta, res.zones)
    if out.suffix.lower() == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        def write_parquet(tmp: Path) -> None:
            t = pa.Table.from_pandas(table, preserve_index=False)
            meta = {**(t.schema.metadata or {}),
                    b"naturkapital": json.dumps(res.meta, ensure_ascii=False).encode()}
            pq.write_table(t.replace_schema_metadata(meta), tmp)

        return write_atomic(out, write_parquet)

    def write(tmp: Path) -> None:
        rows = json.loads(table.to_json(orient="records", force_ascii=False))
        tmp.write_text(json.dumps({"metadata": res.meta, "rows": rows}, ensure_ascii=False,
                                  indent=1), encoding="utf-8")

    return write_atomic(out, write)


@spec_command(app, ACCOUNTS_SPEC)
def accounts_cmd(from_epoch: str, to_epoch: str, zones: Path | None, id_field: str | None,
                 name_field: str | None, account: str, scheme: Path | None,
                 typology: Path | None, out: Path | None, workbook: Path | None,
                 chart: Path | None, condition_chart: Path | None, zone: str,
                 quiet: bool) -> None:
    """Compute the accounts; print one zone's accounts and write the outputs."""
    from naturkapital.report.accounts import (
        draw_condition_chart,
        draw_extent_chart,
        write_workbook,
    )

    check_outs((out, LONG_SUFFIXES), (workbook, (".xlsx",)), (chart, (".png", ".svg")),
               (condition_chart, (".png", ".svg")))
    z = load_zones(zones, id_field, name_field)
    if str(zone) != "0" and str(zone) not in set(z.gdf[ZONE_ID].astype(str)):
        raise InputError("--zone", f"unknown zone id {zone} (not in {z.source})")
    with progress_bar("Regnskaber (accounts)", len(z.gdf)) as advance:
        res = compute_accounts(from_epoch, to_epoch, z, scheme=scheme, typology=typology,
                               progress=advance)
    zid = str(zone)
    if not quiet:
        if account in ("all", "extent"):
            console.print(_extent_table(res, zid))
        if account in ("all", "change_matrix"):
            console.print(_top_changes(res, zid))
        if account in ("all", "condition"):
            console.print(_condition_table(res, zid))
        if account in ("all", "services"):
            console.print(_services_table(res, zid))
        console.print(f"[bold]Metode (method):[/] {res.meta['method']}", highlight=False)
        if res.meta["assumptions"]:
            console.print(f"[yellow]Antagelser (assumptions, no published source):[/] "
                          f"{len(res.meta['assumptions'])}; see the workbook or the JSON "
                          "metadata", highlight=False)
    table = res.table if account == "all" else res.table[res.table["account"] == account]
    if out is not None:
        write_long(res, table, out)
        console.print(f"Skrev (wrote) {out}")
    if workbook is not None:
        write_workbook(res, workbook)
        console.print(f"Skrev (wrote) {workbook}")
    if chart is not None:
        draw_extent_chart(res, zid, chart)
        console.print(f"Skrev (wrote) {chart}")
    if condition_chart is not None:
        epochs = series_epochs(from_epoch, to_epoch)
        one = z if zid == "0" else Zones(z.gdf[z.gdf[ZONE_ID].astype(str) == zid], z.source)
        with progress_bar("Tilstand over tid (condition over time)", len(epochs)) as advance:
            series = []
            for e in epochs:
                series.append(condition_series([e], one, scheme=scheme, typology=typology))
                advance(1)
        draw_condition_chart(pd.concat(series, ignore_index=True), zid, res.names[zid],
                             condition_chart)
        console.print(f"Skrev (wrote) {condition_chart}")
