"""``naturkapital consolidate``: multifunctional land consolidation (swap plan)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from rich.table import Table

from naturkapital.cli.app import app, console, console_err
from naturkapital.cli.generate import spec_command
from naturkapital.consolidation.spec import CONSOLIDATE
from naturkapital.io.output import TABLE_SUFFIXES, check_outs, write_table
from naturkapital.report.consolidation import write_consolidation_report, write_ownership_map


def _n(x: object, digits: int = 1) -> str:
    return "–" if x is None or pd.isna(x) else f"{x:,.{digits}f}"


def _split(text: str | None) -> list[str]:
    return [t.strip() for t in (text or "").split(",") if t.strip()]


def balance_table(balance: pd.DataFrame) -> Table:
    """The balance sheet per owner as a rich table."""
    t = Table(title="Balance pr. ejer (balance sheet per owner): før → efter (before → "
                    "after)", header_style="bold")
    for col, just in [("Ejer (owner)", "left"), ("Rolle (role)", "left"), ("ha", "right"),
                      ("Værdi kr. (value DKK)", "right"), ("Jord Δ % (land)", "right"),
                      ("Kontant kr. (cash)", "right"), ("Parceller (parcels)", "right"),
                      ("Marker (fields)", "right"), ("km til gård (to farm)", "right")]:
        t.add_column(col, justify=just)
    for r in balance.itertuples():
        t.add_row(str(r.owner), r.role, f"{_n(r.ha_before, 2)} → {_n(r.ha_after, 2)}",
                  f"{_n(r.value_before_dkk, 0)} → {_n(r.value_after_dkk, 0)}",
                  _n(r.land_balance_pct, 2), _n(r.cash_dkk, 0),
                  f"{r.parcels_before} → {r.parcels_after}",
                  f"{r.fields_before} → {r.fields_after}",
                  f"{_n(r.mean_km_to_farm_before, 2)} → {_n(r.mean_km_to_farm_after, 2)}")
    return t


@spec_command(app, CONSOLIDATE)
def consolidate_cmd(parcels: Path | None, farms: Path | None, project: Path | None,
                    demo: str | None, land_bank: Path | None,
                    id_field: str, owner_field: str, value_field: str | None,
                    soil_field: str | None, farm_owner_field: str, target_use: str,
                    tolerance: float, sellers: str | None, fixed: str | None,
                    max_cash: float | None, weight_distance: float, weight_move: float,
                    weight_cash: float, time_limit: float, value_table: Path | None,
                    out: Path | None, swaps: Path | None, plan: Path | None,
                    map: Path | None, report: Path | None) -> None:
    """Swap plan, balance sheet and scenario file."""
    from naturkapital.consolidation.compute import consolidate, write_scenario

    check_outs((out, TABLE_SUFFIXES), (swaps, TABLE_SUFFIXES), (plan, (".gpkg",)),
               (map, (".png",)), (report, (".html", ".pdf")))
    with console_err.status("Løser mageskifteplanen (solving the swap plan) …"):
        res = consolidate(parcels, farms, project, land_bank, id_field, owner_field,
                          value_field, soil_field, farm_owner_field, target_use, tolerance,
                          _split(sellers), _split(fixed), max_cash, weight_distance,
                          weight_move, weight_cash, time_limit, value_table, demo=demo)
    s = res.summary
    if "label" in s:
        console.print(f"[bold yellow]{s['label']}[/]", highlight=False)
    console.print(balance_table(res.balance))
    console.print(f"Byttes (parcels that change hands): {len(res.swaps)}; projekt (project): "
                  f"{s['project_parcels']} parceller, {s['project_ha']:,.2f} ha, "
                  f"{s['project_pieces']} stykker (pieces), største (largest) "
                  f"{s['project_largest_piece_ha']:,.2f} ha, ECA {s['project_eca_ha']:,.2f} ha",
                  highlight=False)
    gap = "–" if s["gap_pct"] is None else f"{s['gap_pct']:.3f} %"
    console.print(f"Mål (objective) {s['objective']:,.3f} (ha·km {s['ha_km']:,.2f}, flyttet "
                  f"(moved) {s['parcels_moved']}, kontant (cash) {s['cash_dkk']:,.0f} DKK); "
                  f"gap {gap}; {s['seconds']:.2f} s · grådig (greedy) "
                  f"{s['greedy_objective']:,.3f} ({s['greedy_status']}); "
                  f"forhold (objective/greedy) {s['objective_vs_greedy']}", highlight=False)
    if res.meta["assumptions"]:
        console.print(f"[yellow]Antagelser (assumptions, no published source): "
                      f"{len(res.meta['assumptions'])} — listed in the output metadata.[/]")
    if out is not None:
        after = res.parcels[["to", "geometry"]].dissolve("to").reset_index()
        write_table(res.balance, out, res.meta, after.rename(columns={"to": "owner"}),
                    key="owner")
        console.print(f"Skrev (wrote) {out}")
    if swaps is not None:
        geo = res.parcels[["parcel_id", "geometry"]]
        write_table(res.swaps, swaps, res.meta, geo, key="parcel_id")
        console.print(f"Skrev (wrote) {swaps}")
    if plan is not None:
        write_scenario(res, plan)
        console.print(f"Skrev (wrote) {plan}")
    if map is not None:
        write_ownership_map(res, map)
        console.print(f"Skrev (wrote) {map}")
    if report is not None:
        write_consolidation_report(res, report)
        console.print(f"Skrev (wrote) {report}")
