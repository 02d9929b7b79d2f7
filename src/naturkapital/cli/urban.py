"""``naturkapital urban``: urban nature (KM-GBF target 12), coarse national or one city."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from rich.table import Table

from naturkapital.cli.app import app, console, progress_bar
from naturkapital.cli.generate import spec_command
from naturkapital.io.output import TABLE_SUFFIXES, check_out, write_table
from naturkapital.nki.compute import load_zones
from naturkapital.urban.compute import run_urban
from naturkapital.urban.spec import URBAN


def _f(x: object, digits: int = 1) -> str:
    return "" if x is None or pd.isna(x) else f"{x:,.{digits}f}"


def national_table(table: pd.DataFrame, title: str, limit: int | None) -> Table:
    """The ranking as a rich table."""
    t = Table(title=title, header_style="bold")
    cols = [("Nr. (rank)", "right"), ("Kode (id)", "right"), ("Navn (name)", "left"),
            ("Bebygget ha (built-up)", "right"), ("Grønning % (greening)", "right"),
            ("≤ regel % (within rule)", "right"), ("Nr. regel", "right"),
            ("CORINE 141 Δ ha 1990–2018", "right"), ("Nettotab 2012–18", "left")]
    for col, just in cols:
        t.add_column(col, justify=just)
    rows = table if limit is None else pd.concat([table.head(limit), table.tail(1)])
    for r in rows.itertuples():
        t.add_row("" if pd.isna(r.rank_greening) else str(r.rank_greening), str(r.zone_id),
                  str(r.name), _f(r.built_up_ha, 0), _f(r.greening_pct),
                  _f(r.within_rule_pct),
                  "" if pd.isna(r.rank_within_rule) else str(r.rank_within_rule),
                  _f(getattr(r, "c141_change_ha", None), 0),
                  str(getattr(r, "no_net_loss_2012_2018", "")))
    return t


@spec_command(app, URBAN)
def urban_cmd(zones: Path | None, id_field: str | None, name_field: str | None,
              rule_m: float, min_nature_ha: float, fabric_gap_m: float, min_urban_ha: float,
              out: Path | None, top: int | None, quiet: bool) -> None:
    """Coarse indicators per zone (default) — print the ranking and write ``out``."""
    if out is not None:
        check_out(out, TABLE_SUFFIXES)
    z = load_zones(zones, id_field, name_field)
    with progress_bar("Bynatur (urban nature)", 2 * len(z.gdf)) as advance:
        res = run_urban(z, rule_m=rule_m, min_nature_ha=min_nature_ha,
                        fabric_gap_m=fabric_gap_m, min_urban_ha=min_urban_ha,
                        progress=advance)
    if not quiet:
        console.print(national_table(res.table, "Bynatur — grove indikatorer (coarse "
                                                "indicators), Basemap04 2021", top))
    console.print(f"[yellow]NB:[/] {res.meta['coarse']}", highlight=False)
    console.print(f"[dim]{res.meta['corine_note']}[/]", highlight=False)
    if res.meta["assumptions"] and not quiet:
        console.print("[yellow]Antagelser (assumptions, no published source):[/]")
        for a in res.meta["assumptions"]:
            console.print(f"  · {a}", highlight=False)
    if out is not None:
        write_table(res.table, out, res.meta, res.zones)
        console.print(f"Skrev (wrote) {out}")
