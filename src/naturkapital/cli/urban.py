"""``naturkapital urban``: urban nature (KM-GBF target 12), coarse national or one city."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from rich.table import Table

from naturkapital.cli.app import app, console, progress_bar
from naturkapital.cli.generate import spec_command
from naturkapital.core.errors import InputError
from naturkapital.io.output import TABLE_SUFFIXES, check_out, check_outs, write_atomic, write_table
from naturkapital.nki.compute import load_zones
from naturkapital.urban.city import CityResult
from naturkapital.urban.compute import run_urban
from naturkapital.urban.national import UrbanNational
from naturkapital.urban.spec import URBAN


def _num(x: object, digits: int = 1) -> str:
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
                  str(r.name), _num(r.built_up_ha, 0), _num(r.greening_pct),
                  _num(r.within_rule_pct),
                  "" if pd.isna(r.rank_within_rule) else str(r.rank_within_rule),
                  _num(getattr(r, "c141_change_ha", None), 0),
                  str(getattr(r, "no_net_loss_2012_2018", "")))
    return t


def city_table(table: pd.DataFrame) -> Table:
    """The district table of a city run as a rich table."""
    t = Table(title="Bynatur pr. bydel (urban nature per district)", header_style="bold")
    cols = [("Bydel (district)", "left"), ("Beboere", "right"), ("Grøn %", "right"),
            ("GBF 12.1 %", "right"), ("≤ regel %", "right"), ("Median m", "right"),
            ("Gini", "right"), ("Værste 1/5 m", "right"), ("3-30-300 %", "right")]
    for col, just in cols:
        t.add_column(col, justify=just)
    for r in table.itertuples():
        t.add_row(str(r.name), _num(r.residents, 0), _num(r.greening_pct),
                  _num(r.public_green_blue_pct), _num(r.within_rule_pct),
                  _num(r.median_network_m, 0), _num(r.gini_distance, 2),
                  _num(r.least_served_fifth_from_m, 0), _num(r.pass_all_pct))
    t.caption = ("Beboere = residents; Grøn = greening; GBF 12.1 = public green/blue space; "
                 "≤ regel = within the rule (walking); Værste 1/5 = least-served fifth from")
    return t


def _print_city(res: CityResult) -> None:
    m = res.meta
    console.print(city_table(res.districts))
    s = m["siting"]
    if "highs" in s:
        h, g = s["highs"], s["greedy"]
        console.print(f"[bold]Nye grønne steder (new green sites)[/], budget "
                      f"{s['budget_dkk']:,.0f} DKK, {s['candidates']} kandidater: HiGHS "
                      f"{h['sites']} steder, +{h['residents_gained']:,.0f} beboere, "
                      f"{h['cost_dkk']:,.0f} DKK (gap {h['mip_gap']:.2g}; {h['status']}); "
                      f"grådig (greedy) {g['sites']} steder, +{g['residents_gained']:,.0f}; "
                      f"≤ regel {s['within_rule_pct_before']:.1f} % → "
                      f"{s['within_rule_pct_after']:.1f} %", highlight=False)
    else:
        console.print(f"Steder (sites): {s.get('message', '')}", highlight=False)
    console.print(f"[dim]By (city): {m['city']} · {m['data']}[/]", highlight=False)
    console.print(f"[dim]Tæller med (counts): {m['which_green_counts']}; ikke for adgang "
                  f"(not for access): {m['not_counted_for_access']}[/]", highlight=False)
    console.print(f"[dim]Boliger (dwellings) {m['dwellings']}, ved kanten (near the edge, "
                  f"{'kept' if m['keep_edge'] else 'left out'}) {m['dwellings_near_edge']}, "
                  f"uden for bydele (outside districts) {m['dwellings_outside_districts']}[/]",
                  highlight=False)
    for p in m["proxies"]:
        console.print(f"[yellow]Proxy:[/] {p}", highlight=False)
    city = res.tracking[res.tracking["district_id"] == "0"]
    t = Table(title="Målopfølgning, hele byen (target tracking, whole city)",
              header_style="bold")
    for col, just in [("Mål (target)", "left"), ("Værdi", "right"), ("Tærskel", "right"),
                      ("Mangler (gap)", "right"), ("Status", "left")]:
        t.add_column(col, justify=just)
    for r in city.itertuples():
        t.add_row(str(r.target), _num(r.value), _num(r.threshold), _num(r.gap), str(r.status))
    console.print(t)


def write_city(res: CityResult, out_dir: Path) -> list[Path]:
    """Every city output in ``out_dir`` (atomic writes); returns the paths."""
    from naturkapital.report.urban import city_map, city_report

    meta = {k: v for k, v in res.meta.items()}
    paths = [
        write_table(res.districts, out_dir / "districts.csv", meta),
        write_table(res.districts, out_dir / "districts.gpkg", meta,
                    res.district_geometry, key="district_id"),
        write_table(res.lorenz, out_dir / "lorenz.csv", meta),
        write_table(res.tracking, out_dir / "tracking.csv", meta),
        write_table(res.sites.drop(columns="geometry"), out_dir / "sites.csv", meta),
    ]
    dw = res.dwellings.copy()
    dw.insert(0, "dwelling", [str(i) for i in range(len(dw))])
    paths.append(write_table(dw.drop(columns="geometry"), out_dir / "dwellings.gpkg", meta,
                             dw[["dwelling", "geometry"]], key="dwelling"))
    if len(res.sites):
        paths.append(write_table(res.sites.drop(columns="geometry"), out_dir / "sites.gpkg",
                                 meta, res.sites[["site", "geometry"]], key="site"))
    meta_path = out_dir / "meta.json"
    write_atomic(meta_path, lambda tmp: tmp.write_text(
        json.dumps(meta, ensure_ascii=False, indent=1, default=str), encoding="utf-8"))
    paths.append(meta_path)
    paths.append(city_map(res, out_dir / "map.png"))
    paths.append(city_report(res, out_dir / "report.html", (out_dir / "map.png").read_bytes()))
    return paths


@spec_command(app, URBAN)
def urban_cmd(zones: Path | None, id_field: str | None, name_field: str | None,
              rule_m: float, min_nature_ha: float, fabric_gap_m: float, min_urban_ha: float,
              city: str | None, districts: Path | None, district_field: str | None,
              dwellings: Path | None, green: Path | None, canopy: Path | None,
              population: Path | None,
              population_field: str | None, sites: Path | None,
              site_cost_field: str | None, keep_edge: bool, budget: float,
              targets: Path | None, out: Path | None, out_dir: Path | None,
              report: Path | None, map: Path | None, top: int | None, quiet: bool) -> None:
    """Coarse indicators per zone (default), or one city with ``--city``."""
    from naturkapital.report.urban import city_report, map_figure, national_map

    check_outs((out, TABLE_SUFFIXES), (map, (".png", ".svg")))
    if report is not None:
        if city is None:
            raise InputError("--report", "only with --city (the national run writes --out "
                                         "and --map)")
        check_out(report, (".html", ".pdf"))
    fetched = None
    if city is not None:
        from naturkapital.cli.data import resolve_fetch_ref

        city_path, fetched = resolve_fetch_ref(city, "--city")
        city = str(city_path)
    if city is not None:
        if out_dir is not None and not out_dir.parent.exists():
            raise InputError(out_dir, f"folder {out_dir.parent} does not exist")
        if zones is not None:
            raise InputError("--zones", "give --zones or --city, not both (use --districts "
                                        "for the districts of a city)")
        with progress_bar("Bynatur, by (urban nature, city)", 8) as advance:
            res = run_urban(city=city, districts=districts, district_field=district_field,
                            rule_m=rule_m, min_nature_ha=min_nature_ha, keep_edge=keep_edge,
                            budget=budget, targets=targets, population=population,
                            population_field=population_field, sites=sites,
                            site_cost_field=site_cost_field, dwellings=dwellings,
                            green=green, canopy=canopy, progress=advance)
        assert isinstance(res, CityResult)
        if fetched is not None:
            res.meta["fetched"] = [fetched]
        if not quiet:
            _print_city(res)
        if out is not None:
            write_table(res.districts, out, res.meta, res.district_geometry, key="district_id")
            console.print(f"Skrev (wrote) {out}")
        if map is not None:
            write_atomic(map, lambda tmp: map_figure(res).savefig(
                tmp, format=map.suffix.lower().lstrip(".")))
            console.print(f"Skrev (wrote) {map}")
        if report is not None:
            city_report(res, report)
            console.print(f"Skrev (wrote) {report}")
        if out_dir is not None:
            out_dir.mkdir(exist_ok=True)
            paths = write_city(res, out_dir)
            console.print(f"Skrev (wrote) {len(paths)} filer i (files in) {out_dir}")
        return
    if out_dir is not None or targets is not None:
        raise InputError("--out-dir" if out_dir is not None else "--targets",
                         "only with --city; use --out for the national table")
    z = load_zones(zones, id_field, name_field)
    with progress_bar("Bynatur (urban nature)", 2 * len(z.gdf)) as advance:
        res = run_urban(z, rule_m=rule_m, min_nature_ha=min_nature_ha,
                        fabric_gap_m=fabric_gap_m, min_urban_ha=min_urban_ha,
                        progress=advance)
    assert isinstance(res, UrbanNational)
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
    if map is not None:
        national_map(res, map)
        console.print(f"Skrev (wrote) {map}")
