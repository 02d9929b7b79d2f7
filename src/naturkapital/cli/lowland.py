"""``naturkapital lowland screen | auction | candidates | report`` (Klimaskovfonden)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.markup import escape
from rich.table import Table

from naturkapital.cli.app import console, progress_bar, sub_app
from naturkapital.cli.generate import spec_command
from naturkapital.core.errors import InputError
from naturkapital.io.output import TABLE_SUFFIXES, check_out, write_table
from naturkapital.lowland.spec import AUCTION, CANDIDATES, REPORT, SCREEN

lowland_app = sub_app(
    "lowland",
    "Lavbundsprojekter efter Klimaskovfondens kriterier: screening, CO2, budget, "
    "auktion, kandidater og ansøgningsmateriale. Lowland (peat) rewetting.",
)

IdFieldOpt = Annotated[str, typer.Option("--id-field", help="Felt med parcel-id / id field.")]
BidOpt = Annotated[str | None, typer.Option(
    "--bid-field", help="Felt: bud på lodsejerkompensation, kr./ha / income-compensation bid, "
                        "DKK/ha.")]
SynOpt = Annotated[str | None, typer.Option(
    "--synergy-field", help="Felt: synergipoint (0–23) / synergy points.")]
CarbonOpt = Annotated[Path, typer.Option(
    "--carbon", help="Kulstofkort, % organisk kulstof / organic carbon % raster (Kulstof 2022).")]
PeatOpt = Annotated[Path, typer.Option(
    "--peat-depth", help="Tørvedybde, cm / peat depth raster, cm.")]
AlignOpt = Annotated[bool, typer.Option(
    "--align", help="Tilpas vandstand og tørvedybde til kulstofkortets gitter (gennemsnit) / "
                    "resample water table and peat depth onto the carbon grid by average.")]
RulesOpt = Annotated[Path | None, typer.Option(
    "--rules", help="Regeltabel CSV / rules table (default: klimaskovfonden_2024).")]
#: Rows ``lowland screen`` prints when the result goes to a file (``--out``) and no
#: ``--top`` is given: drawing 100 000 rows in a terminal takes minutes.
SCREEN_ROWS_WITH_OUT = 50

TopOpt = Annotated[int | None, typer.Option("--top", help="Vis kun de første N / print only "
                                                          "the first N rows.")]


def _f(x: float, digits: int = 1) -> str:
    return "" if x is None or pd.isna(x) else f"{x:,.{digits}f}"


def _print_assumptions(items: list[str]) -> None:
    if items:
        console.print("[yellow]Antagelser (assumptions, no published source):[/]")
        for a in items:
            console.print(f"  · {a}", highlight=False)


def _load_tables(rules: Path | None, factors: Path | None):
    from naturkapital.lowland.rules import load_emission_factors, load_rules

    return load_rules(rules), load_emission_factors(factors)


def _rasters(carbon: Path, water: Path, peat: Path, positive: bool, align: bool):
    from naturkapital.lowland.cells import LowlandRasters

    return LowlandRasters(carbon, water, peat, positive_depths=positive, align=align)


def _screen_table(table: pd.DataFrame, title: str, top: int | None) -> Table:
    t = Table(title=title, header_style="bold")
    cols = [("Parcel", "left"), ("Status", "left"), ("Areal ha", "right"),
            ("Tørv ha (peat)", "right"), ("OC>6 %", "right"), ("GVSmax cm", "right"),
            ("Drænet tørv cm", "right"), ("CO2e før t/år", "right"), ("efter", "right"),
            ("reduktion", "right"), ("Maks. tilskud kr.", "right"), ("Fejlede (failed)", "left")]
    for c, j in cols:
        t.add_column(c, justify=j)
    rows = table if top is None else table.head(top)
    for r in rows.itertuples():
        t.add_row(str(r.parcel_id), r.status, _f(r.area_ha, 2), _f(r.peat_area_ha, 2),
                  _f(r.share_oc_above_6_pct), _f(r.gvsmax_cm), _f(r.drained_peat_cm),
                  _f(r.co2e_before_t_per_year, 2), _f(r.co2e_after_t_per_year, 2),
                  _f(r.co2e_reduction_t_per_year, 2), _f(r.max_support_dkk, 0),
                  r.failed_criteria or "–")
    return t


def _fetch_missing(values: dict, kommune: str | None, cache: str | None):
    """Fetch the inputs of SCREEN that ``--fetch`` can supply and the user left out."""
    from naturkapital.cli.data import download_progress
    from naturkapital.fetch.get import fetch_inputs

    needed = {p.name: (p.fetch, p.kind) for p in SCREEN.inputs
              if p.fetch and values.get(p.name) is None}
    with download_progress("Henter kort (fetching maps)") as progress:
        got = fetch_inputs(needed, kommune, Path(cache) if cache else None, progress)
    for e in got.entries:
        console.print(f"  {e['name']}: {e['publisher']}, {e['licence']} — "
                      f"{'cache' if e['cache'] == 'hit' else 'hentet (fetched)'} "
                      f"{e['fetched']}, sha256 {e['sha256'][:12]}…", highlight=False)
    return got


@spec_command(lowland_app, SCREEN)
def screen_cmd(parcels: Path | None, id_field: str | None, carbon: Path | None,
               water_table: Path | None, peat_depth: Path | None,
               in_rotation_field: str | None, bid_field: str | None,
               total_bid_field: str | None, synergy_field: str | None,
               applicant_field: str | None, positive_depths: bool, align: bool,
               horizon_years: float | None, rules: Path | None,
               emission_factors: Path | None, kommune: str | None, fetch: bool,
               cache: str | None, out: Path | None, top: int | None) -> None:
    """Screen parceller mod Klimaskovfondens kriterier. Screen parcels: verdict, CO2, budget."""
    from naturkapital.lowland.parcels import ParcelFields, read_parcels
    from naturkapital.lowland.screening import screen

    if out is not None:
        check_out(out, TABLE_SUFFIXES)
    got = None
    if fetch:
        got = _fetch_missing({"parcels": parcels, "carbon": carbon,
                              "water_table": water_table, "peat_depth": peat_depth},
                             kommune, cache)
        parcels = parcels or got.paths.get("parcels")
        carbon = carbon or got.paths.get("carbon")
        water_table = water_table or got.paths.get("water_table")
        peat_depth = peat_depth or got.paths.get("peat_depth")
        align = True  # fetched maps come on their own grids
        if id_field is None and "parcels" in got.paths:
            import pyogrio

            id_field = str(pyogrio.read_info(got.paths["parcels"])["fields"][0])
    elif kommune is not None:
        raise InputError("--kommune", "is used with --fetch (fetch the maps for it)")
    if id_field is None:
        raise InputError("--id-field", "give the field that identifies each parcel")
    r, f = _load_tables(rules, emission_factors)
    fields = ParcelFields(in_rotation_field, bid_field, total_bid_field, synergy_field,
                          applicant_field)
    gdf = read_parcels(parcels, id_field, fields, r)
    ras = _rasters(carbon, water_table, peat_depth, positive_depths, align)
    with progress_bar("Screener parceller (screening)", len(gdf)) as advance:
        res = screen(gdf, ras, r, f, horizon_years, str(parcels), advance)
    if got is not None:
        res.meta["fetched"] = got.meta()
        res.meta["assumptions"] = list(dict.fromkeys(res.meta["assumptions"]
                                                     + got.assumptions))
    tbl = res.table
    if top is None and out is not None:
        top = SCREEN_ROWS_WITH_OUT  # the file has every parcel; the terminal a sample
    console.print(_screen_table(tbl, f"Lavbundsscreening (lowland screening) — {r.version}, "
                                     f"horisont {res.meta['horizon_years']:g} år", top))
    if top is not None and len(tbl) > top:
        console.print(f"… {len(tbl) - top:,} parceller mere (more parcels)"
                      + (f" i (in) {escape(str(out))}" if out is not None else "")
                      + "; --top 0 … N styrer tabellen (sets the table's rows)",
                      highlight=False)
    counts = tbl["status"].value_counts()
    console.print("Status: " + ", ".join(f"{k} {int(counts.get(k, 0))}" for k in
                                         ("eligible", "secondary", "ineligible")))
    console.print(f"CO2e-reduktion i alt (total reduction): "
                  f"{tbl['co2e_reduction_t_per_year'].sum():,.2f} t/år; over "
                  f"{res.meta['horizon_years']:g} år: {tbl['co2e_reduction_t_horizon'].sum():,.1f}"
                  f" t (horizon {res.meta['horizon_years']:g} years)")
    shown = tbl if top is None else tbl.head(max(top, 0))
    for row in shown.itertuples():
        if row.reasons_da:
            console.print(f"  {row.parcel_id}: {row.reasons_da}", highlight=False)
    for row in shown[shown["notes"] != ""].itertuples():
        console.print(f"[yellow]NB[/] {row.parcel_id}: {row.notes} (nodata "
                      f"{row.nodata_pct:.1f} %)", highlight=False)
    _print_assumptions(res.meta["assumptions"])
    if out is not None:
        write_table(tbl, out, res.meta, res.parcels, key="parcel_id")
        console.print(f"Skrev (wrote) {out}")


@spec_command(lowland_app, AUCTION)
def auction_cmd(bids: Path, id_field: str, budget: float | None, horizon_years: float | None,
                rules: Path | None, out: Path | None) -> None:
    """Afgør en ansøgningsrunde. Rank bids by DKK/ha, synergy gate, 5 % rule, marginal bid."""
    from naturkapital.lowland.auction import read_bids, run_auction
    from naturkapital.lowland.rules import load_rules

    if out is not None:
        check_out(out, (".csv", ".json"))
    r = load_rules(rules)
    res = run_auction(read_bids(bids), r, id_field, budget, horizon_years, str(bids))
    s = res.summary
    t = Table(title=f"Auktion (auction) — {r.version}", header_style="bold")
    for c, j in [("Nr.", "right"), ("Id", "left"), ("Afgørelse (decision)", "left"),
                 ("Bud kr./ha", "right"), ("Samlet kr.", "right"), ("Synergi", "right"),
                 ("Kumuleret kr.", "right"), ("kr./t CO2e", "right"), ("Begrundelse", "left")]:
        t.add_column(c, justify=j)
    for row in res.table.itertuples():
        mark = " ← marginalt bud (marginal)" if row.marginal else ""
        t.add_row("" if pd.isna(row.rank) else str(row.rank), str(getattr(row, id_field)),
                  row.decision + mark, _f(row.bid_dkk_per_ha, 0), _f(row.total_bid_dkk, 0),
                  _f(row.synergy_points, 0), _f(row.cumulative_funded_dkk, 0),
                  _f(row.dkk_per_t_co2e, 0), row.reason_da or "")
    console.print(t)
    console.print(f"Bud (bids) {s['bids']}: afvist ved krav (rejected by gates) "
                  f"{s['rejected_by_gates']}, rangeret {s['ranked']}, tilsagn (funded) "
                  f"{s['funded']}")
    console.print(f"Ansøgt i alt (applied, ranked bids) {s['applied_sum_dkk']:,.0f} kr.; loft "
                  f"(cap, {s['cap_from']}) {s['funding_cap_dkk']:,.0f} kr.; tilsagn "
                  f"{s['funded_sum_dkk']:,.0f} kr.; afslag {s['not_funded_sum_dkk']:,.0f} kr.")
    if s["marginal_id"] is not None:
        console.print(f"Marginalt bud (marginal bid): {s['marginal_id']} med "
                      f"{s['marginal_bid_dkk_per_ha']:,.0f} kr./ha")
    else:
        console.print("Intet bud får tilsagn (no bid funded)")
    _print_assumptions(s["assumptions"])
    if out is not None:
        write_table(res.table, out, s)
        console.print(f"Skrev (wrote) {out}")


@spec_command(lowland_app, CANDIDATES)
def candidates_cmd(kommune: str, top: int | None, out: Path | None, carbon: Path | None,
                   water_table: Path | None, peat_depth: Path | None, positive_depths: bool,
                   align: bool, horizon_years: float | None, rules: Path | None,
                   emission_factors: Path | None, params: Path | None) -> None:
    """Find vejledende kandidatarealer i en kommune. Indicative candidate areas (embedded data)."""
    from naturkapital.lowland.candidates import candidate_parcels, find_candidates
    from naturkapital.lowland.rules import load_candidate_params

    top = 15 if top is None else top  # printed rows; 0 prints all
    if out is not None:
        check_out(out, TABLE_SUFFIXES)
    given = [p for p in (carbon, water_table, peat_depth) if p is not None]
    if given and len(given) != 3:
        raise InputError("--carbon/--water-table/--peat-depth", "give all three rasters to "
                                                                "screen the candidates, or none")
    r, f = _load_tables(rules, emission_factors)
    res = find_candidates(kommune, load_candidate_params(params), r)
    units = res.units
    meta = dict(res.meta)
    if given and len(units):
        from naturkapital.lowland.screening import screen

        ras = _rasters(carbon, water_table, peat_depth, positive_depths, align)
        parcels = candidate_parcels(units, r)
        with progress_bar("Screener kandidater (screening)", len(parcels)) as advance:
            sres = screen(parcels, ras, r, f, horizon_years, f"candidates {kommune}", advance)
        keep = ["parcel_id", "status", "failed_criteria", "reasons_da", "peat_area_ha",
                "share_oc_above_6_pct", "gvsmax_cm", "drained_peat_cm", "nodata_pct",
                "co2e_reduction_t_per_year", "horizon_years", "max_support_dkk"]
        units = units.merge(sres.table[keep].rename(columns={"parcel_id": "candidate_id"}),
                            on="candidate_id", how="left")
        meta["screening"] = {k: v for k, v in sres.meta.items() if k != "units"}
        meta["assumptions"] = list(dict.fromkeys(meta["assumptions"]
                                                 + sres.meta["assumptions"]))
    t = Table(title=f"Kandidatarealer (candidate areas) — {meta['kommune']} ({meta['zone_id']})"
                    " — VEJLEDENDE / INDICATIVE", header_style="bold")
    cols = ["Nr.", "Id", "Areal ha", f"Våd natur ≤ {meta['neighbourhood_m']:g} m, ha",
            "På våd natur ha"]
    if "status" in units.columns:
        cols += ["Status", "Tørv ha", "CO2e-red. t/år"]
    for c in cols:
        t.add_column(c, justify="left" if c in ("Id", "Status") else "right")
    view = units if top is None or top <= 0 else units.head(top)
    for row in view.itertuples():
        cells = [str(row.rank), row.candidate_id, _f(row.area_ha, 2),
                 _f(row.wet_nature_nearby_ha, 1), _f(row.on_wet_nature_ha, 2)]
        if "status" in units.columns:
            cells += [str(row.status), _f(row.peat_area_ha, 2),
                      _f(row.co2e_reduction_t_per_year, 2)]
        t.add_row(*cells)
    if top is None or top > 0:
        console.print(t)
    console.print(f"{len(units)} enheder (units) på {units['area_ha'].sum():,.1f} ha; "
                  f"landbrug ved våd natur (farmland by wet nature) "
                  f"{meta['candidate_land_ha']:,.1f} ha")
    if "status" in units.columns:
        counts = units["status"].value_counts()
        console.print("Status: " + ", ".join(f"{k} {int(counts.get(k, 0))}" for k in
                                             ("eligible", "secondary", "ineligible")))
    console.print(f"[bold yellow]{meta['label_da']}[/]", highlight=False)
    console.print(f"[yellow]{meta['label_en']}[/]", highlight=False)
    console.print(f"Metode (method): {meta['method']}", highlight=False)
    _print_assumptions(meta["assumptions"])
    if out is not None:
        table = pd.DataFrame(units.drop(columns="geometry"))
        write_table(table, out, meta, units[["candidate_id", "geometry"]], key="candidate_id")
        console.print(f"Skrev (wrote) {out}")


@spec_command(lowland_app, REPORT)
def lowland_report_cmd(parcels: Path, id_field: str, ids: list[str], carbon: Path,
                       water_table: Path, peat_depth: Path, out: Path,
                       in_rotation_field: str | None, bid_field: str | None,
                       total_bid_field: str | None, synergy_field: str | None,
                       applicant_field: str | None, positive_depths: bool, align: bool,
                       horizon_years: float | None, rules: Path | None,
                       emission_factors: Path | None) -> None:
    """Skriv ansøgningsmateriale (HTML/PDF) pr. parcel. Application pack per parcel."""
    from naturkapital.lowland.cells import PARCEL_ID
    from naturkapital.lowland.parcels import ParcelFields, read_parcels
    from naturkapital.lowland.screening import screen
    from naturkapital.report.lowland_pack import write_application_pack

    check_out(out, (".html", ".pdf"))
    r, f = _load_tables(rules, emission_factors)
    fields = ParcelFields(in_rotation_field, bid_field, total_bid_field, synergy_field,
                          applicant_field)
    gdf = read_parcels(parcels, id_field, fields, r)
    wanted = [i.strip() for i in ids]
    unknown = [i for i in wanted if i not in set(gdf[PARCEL_ID])]
    if unknown:
        raise InputError(parcels, f"no parcel with {id_field} = {', '.join(unknown)}")
    gdf = gdf[gdf[PARCEL_ID].isin(wanted)].reset_index(drop=True)
    ras = _rasters(carbon, water_table, peat_depth, positive_depths, align)
    with progress_bar("Screener parceller (screening)", len(gdf)) as advance:
        res = screen(gdf, ras, r, f, horizon_years, str(parcels), advance)
    write_application_pack(res, wanted, ras, r, f, out)
    for row in res.table.itertuples():
        console.print(f"{row.parcel_id}: {row.status} ({row.status_da}); reduktion "
                      f"{row.co2e_reduction_t_per_year:,.2f} t CO2e/år; maks. tilskud "
                      f"{row.max_support_dkk:,.0f} kr.", highlight=False)
    _print_assumptions(res.meta["assumptions"])
    console.print(f"Skrev (wrote) {out}")

