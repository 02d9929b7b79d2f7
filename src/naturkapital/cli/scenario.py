"""``naturkapital scenario evaluate | report | demos`` — land-conversion scenarios."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

from naturkapital.cli.app import console, console_err, sub_app
from naturkapital.cli.generate import spec_command
from naturkapital.core.errors import InputError
from naturkapital.io.output import TABLE_SUFFIXES, check_out, check_outs, write_table
from naturkapital.scenario.spec import EVALUATE, REPORT

scenario_app = sub_app(
    "scenario",
    "Scenarier for arealomlægning og de fem økosystemtjenester: kulstof, drivhusgas, "
    "kvælstof, grundvand, oversvømmelse og NKI. Land-conversion scenarios.",
)

PoolsOpt = Annotated[Path | None, typer.Option(
    "--carbon-pools", help="Kulstofpuljer CSV / carbon pools: value,c_above,c_below,c_soil,"
                           "c_dead in t C/ha (InVEST Carbon), low,high,source.")]
WaterOpt = Annotated[Path | None, typer.Option(
    "--water-table", help="GVSmax, cm ift. terræn, negativ under / water table before, cm "
                          "(negative below the surface); with --peat-depth.")]
GroundwaterOpt = Annotated[Path | None, typer.Option(
    "--groundwater", help="Grundvandsbeskyttelse / groundwater-protection polygons (e.g. "
                          "drinking-water areas, BNBO).")]


def _fmt(x: float, unit: str) -> str:
    if pd.isna(x):
        return "–"
    digits = 2 if unit in ("0-100", "ha") else 0
    return f"{x:,.{digits}f}"


def _fmt_range(x: float, lo: float, hi: float, unit: str) -> str:
    """The change and, when it has a width, its interval: ``+12 (8 – 15)``."""
    s = _fmt(x, unit)
    if pd.isna(lo) or pd.isna(hi) or _fmt(lo, unit) == _fmt(hi, unit):
        return s
    return f"{s} ({_fmt(lo, unit)} – {_fmt(hi, unit)})"


def _evaluate(scenario: str, landcover: str, year: int | None, scheme: Path | None,
              carbon_pools: Path | None, zones: Path | None, id_field: str | None,
              name_field: str | None, carbon: Path | None, water_table: Path | None,
              peat_depth: Path | None, groundwater: Path | None, soil: str = "national"):
    from naturkapital.scenario.evaluate import evaluate_scenario

    with console_err.status("Beregner scenarie (evaluating) …"):
        return evaluate_scenario(scenario, landcover, year, scheme, carbon_pools, zones,
                                 id_field, name_field, carbon, water_table, peat_depth,
                                 groundwater, soil=soil)


def _print(res) -> None:
    t = Table(title=f"Scenarie (scenario): {Path(res.meta['scenario']).name} — "
                    f"{res.meta['landcover']}", header_style="bold")
    for col, just in [("Zone", "left"), ("Indikator (indicator)", "left"), ("Enhed", "left"),
                      ("Før (baseline)", "right"), ("Efter (scenario)", "right"),
                      ("Δ (interval)", "right"), ("*", "left")]:
        t.add_column(col, justify=just, overflow="fold")
    for r in res.table.itertuples():
        t.add_row(str(r.zone_id), r.indicator, r.unit, _fmt(r.baseline, r.unit),
                  _fmt(r.scenario, r.unit), _fmt_range(r.delta, r.delta_low, r.delta_high,
                                                       r.unit),
                  "*" if str(r.assumption).startswith("yes") else "")
    console.print(t)
    console.print("Zoner (zones): " + ", ".join(f"{k} {v}" for k, v in res.names.items())
                  + " · * = bruger antagelser (uses assumptions)", highlight=False)
    for key, note in res.meta["notes"].items():
        console.print(f"[bold]{key}:[/] {note}", highlight=False)
    for c in res.lowland:
        console.print(f"Lavbund (lowland) {c.conv_id}: {c.status_da} ({c.status}); "
                      f"{c.rewetted_ha:.2f} ha genvådgjort; budget "
                      f"{c.budget.total_dkk:,.0f} DKK", highlight=False)
    if res.meta["assumptions"]:
        console.print(f"[yellow]Antagelser (assumptions, no published source): "
                      f"{len(res.meta['assumptions'])} — listed in the output's assumption "
                      "column / metadata.[/]")


@spec_command(scenario_app, EVALUATE)
def evaluate_cmd(scenario: str, landcover: str, year: int | None, scheme: Path | None,
                 carbon_pools: Path | None, zones: Path | None, id_field: str | None,
                 name_field: str | None, carbon: Path | None, water_table: Path | None,
                 peat_depth: Path | None, groundwater: Path | None, soil: str,
                 out: Path | None, sensitivity: Path | None) -> None:
    """Beregn tjenester og NKI før og efter. Evaluate a scenario per zone."""
    check_outs((out, TABLE_SUFFIXES), (sensitivity, (".png",)))
    res = _evaluate(scenario, landcover, year, scheme, carbon_pools, zones, id_field,
                    name_field, carbon, water_table, peat_depth, groundwater, soil)
    _print(res)
    if out is not None:
        _write(res, out)
    if sensitivity is not None:
        from naturkapital.report.sensitivity import write_sensitivity

        png, csv = write_sensitivity(res, sensitivity)
        console.print(f"Skrev (wrote) {png} og (and) {csv}")


def _write(res, out: Path) -> None:
    doc = res.to_dict()
    write_table(res.table, out, {**doc["meta"], "lowland": doc["lowland"]}, res.zones)
    console.print(f"Skrev (wrote) {out}")


@spec_command(scenario_app, REPORT)
def scenario_report_cmd(scenario: str, out: list[Path], landcover: str, year: int | None,
               scheme: Path | None, carbon_pools: Path | None, zones: Path | None,
               id_field: str | None, name_field: str | None, carbon: Path | None,
               water_table: Path | None, peat_depth: Path | None, groundwater: Path | None,
               soil: str, zone: str | None, table: Path | None) -> None:
    """Rapport (HTML/PDF) med kort, tabel, NKI-diagrammer, lavbund og omkostning."""
    from naturkapital.report.scenario_report import write_scenario_report

    for o in out:
        check_out(o, (".html", ".pdf"))
    if table is not None:
        check_out(table, TABLE_SUFFIXES)
    res = _evaluate(scenario, landcover, year, scheme, carbon_pools, zones, id_field,
                    name_field, carbon, water_table, peat_depth, groundwater, soil)
    if zone is not None and zone not in res.names:
        raise InputError("--zone", f"unknown zone id {zone}; zones: {', '.join(res.names)}")
    for o in out:
        write_scenario_report(res, o, zone)
        console.print(f"Skrev (wrote) {o}")
    if table is not None:
        _write(res, table)


@scenario_app.command("demos")
def demos_cmd() -> None:
    """Vis demo-scenarierne / list the embedded demo scenarios (illustrations)."""
    from naturkapital.scenario.read import DEMO_DIR, DEMOS

    for key, fname in DEMOS.items():
        console.print(f"demo:{key}  →  {DEMO_DIR / fname}", highlight=False)
