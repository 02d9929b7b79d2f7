"""``naturkapital nki | compare | diagram | validate | calibrate``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

from naturkapital.cli.app import app, console, progress_bar
from naturkapital.cli.generate import option, spec_command
from naturkapital.io.output import TABLE_SUFFIXES, check_out, write_table
from naturkapital.nki import compute
from naturkapital.nki.spec import COMPARE, LANDCOVER, NKI, PROXY, SCHEME
from naturkapital.report.nki_diagram import draw_diagram
from naturkapital.report.spec import DIAGRAM, SHEET


def _zone_count(zones: compute.Zones) -> int:
    return len(zones.gdf)


def _ranking(table: pd.DataFrame, title: str, limit: int | None = None) -> Table:
    t = Table(title=title, header_style="bold")
    for col, just in [("Nr. (rank)", "right"), ("Kode (id)", "right"), ("Navn (name)", "left"),
                      ("NKI", "right"), ("NKI natur", "right"), ("Nr. natur", "right"),
                      ("Gruppe (group)", "left"), ("Dækning % (coverage)", "right")]:
        t.add_column(col, justify=just)
    rows = table if limit is None else table.head(limit)
    for r in rows.itertuples():
        t.add_row("" if pd.isna(r.rank) else str(r.rank), str(r.zone_id), str(r.name),
                  _fmt(r.nki), _fmt(r.nki_nature),
                  "" if pd.isna(r.rank_nature) else str(r.rank_nature),
                  "" if pd.isna(r.group) else str(r.group), _fmt(r.coverage_pct))
    return t


def _fmt(x: float) -> str:
    return "" if pd.isna(x) else f"{x:.1f}"


def _print_method(meta: dict) -> None:
    console.print(f"[bold]Metode (method):[/] {meta['method']} · data: {meta['landcover']}"
                  f" · tabel (scheme): {meta['scheme']}"
                  + (f" · proxy: {meta['proxy']}" if meta.get("proxy") else ""))
    if meta["assumptions"]:
        console.print("[yellow]Antagelser (assumptions, no published source):[/]")
        for a in meta["assumptions"]:
            console.print(f"  · {a}", highlight=False)


@spec_command(app, NKI)
def nki_cmd(zones: Path | None, id_field: str | None, name_field: str | None, landcover: str,
            year: int | None, scheme: Path | None, proxy: str, bioscore: Path | None,
            bioscore_rule: str, out: Path | None, top: int | None, quiet: bool, engine: str,
            scheduler: str) -> None:
    """Compute the index per zone; print the ranking and write ``out``."""
    if out is not None:
        check_out(out, TABLE_SUFFIXES)
    fetched = None
    if bioscore is not None:
        from naturkapital.cli.data import resolve_fetch_ref

        bioscore, fetched = resolve_fetch_ref(bioscore, "--bioscore")
    z = compute.load_zones(zones, id_field, name_field)
    with progress_bar("Beregner NKI (computing)", _zone_count(z)) as advance:
        res = compute.compute_nki(z, landcover=landcover, year=year, scheme=scheme,
                                  bioscore=bioscore, bioscore_rule=bioscore_rule,
                                  progress=advance, engine=engine, scheduler=scheduler,
                                  proxy=proxy)
    if fetched is not None:
        res.meta["fetched"] = [fetched]
    if not quiet:
        console.print(_ranking(res.table, f"Naturkapitalindeks — {res.meta['landcover']}",
                               top))
        _print_method(res.meta)
    if out is not None:
        write_table(res.table, out, res.meta, res.zones)
        console.print(f"Skrev (wrote) {out}")


@spec_command(app, COMPARE)
def compare_cmd(from_epoch: str, to_epoch: str, zones: Path | None, id_field: str | None,
                name_field: str | None, scheme_from: Path | None, scheme_to: Path | None,
                out: Path | None, top: int | None) -> None:
    """Compare two epochs; print the change table and write ``out``."""
    if out is not None:
        check_out(out, TABLE_SUFFIXES)
    z = compute.load_zones(zones, id_field, name_field)
    with progress_bar("Sammenligner (comparing)", 2 * _zone_count(z)) as advance:
        res = compute.compare(from_epoch, to_epoch, z, scheme_from=scheme_from,
                              scheme_to=scheme_to, progress=advance)
    t = Table(title=f"NKI {res.meta['from']} → {res.meta['to']}", header_style="bold")
    for col in ["Kode", "Navn (name)", "NKI fra", "NKI til", "Δ", "Δ areal (area)",
                "Δ værdi (value)", "Nr. fra", "Nr. til"]:
        t.add_column(col, justify="left" if col.startswith("Navn") else "right")
    view = res.table if top is None else res.table.head(top)
    for r in view.itertuples():
        t.add_row(str(r.zone_id), str(r.name), _fmt(r.nki_from), _fmt(r.nki_to),
                  _fmt(r.delta), _fmt(r.delta_area), _fmt(r.delta_value),
                  "" if pd.isna(r.rank_from) else str(r.rank_from),
                  "" if pd.isna(r.rank_to) else str(r.rank_to))
    console.print(t)
    console.print(f"[yellow]NB:[/] {res.meta['warning']}")
    if out is not None:
        write_table(res.table, out, res.meta, res.from_.zones)
        console.print(f"Skrev (wrote) {out}")


@spec_command(app, DIAGRAM)
def diagram_cmd(zone: str, zones: Path | None, id_field: str | None, name_field: str | None,
                landcover: str, year: int | None, scheme: Path | None, second: str | None,
                nature_only: bool, out: Path) -> None:
    """Draw the diagram of one zone to ``out``."""
    check_out(out, (".png", ".svg"))
    z = compute.load_zones(zones, id_field, name_field)
    with progress_bar("Beregner NKI (computing)", _zone_count(z)) as advance:
        res = compute.compute_nki(z, landcover=landcover, year=year, scheme=scheme,
                                  progress=advance)
    res.row(zone)  # unknown zone → clean error before drawing
    draw_diagram(zone, out, zones=z, second=second, nature_only=nature_only, result=res)
    console.print(f"Skrev (wrote) {out}")


@spec_command(app, SHEET)
def sheet_cmd(zone: str, landcover: str, year: int | None, from_epoch: str, to_epoch: str,
              out: Path) -> None:
    """Write the municipality sheet of one zone to ``out`` (.pdf, .html, .xlsx)."""
    from naturkapital.report.sheet import write_sheet

    with console.status("Laver kommuneark (making the municipality sheet)"):
        write_sheet(zone, out, landcover, year, from_epoch, to_epoch)
    console.print(f"Skrev (wrote) {out}")


@app.command("validate")
def validate_cmd(
    landcover: option(LANDCOVER) = "basemap2021",  # type: ignore[valid-type]
    scheme: option(SCHEME) = None,  # type: ignore[valid-type]
    proxy: option(PROXY) = "context",  # type: ignore[valid-type]
    plot: Annotated[Path | None, typer.Option(
        "--plot", help="Skriv et punktdiagram publiceret vs beregnet (PNG/SVG). Write a "
                       "published-vs-computed scatter plot.")] = None,
) -> None:
    """Sammenlign åbne-data-NKI med de publicerede tal 2020. Open-data NKI vs published."""
    from naturkapital.landcover.context import load_context
    from naturkapital.landcover.sources import resolve_landcover
    from naturkapital.nki.calibration import fit_context

    if plot is not None:
        check_out(plot, (".png", ".svg"))
    z = compute.load_zones()
    with progress_bar("Beregner NKI (computing)", _zone_count(z)) as advance:
        res = compute.compute_nki(z, landcover=landcover, scheme=scheme, progress=advance,
                                  proxy=proxy)
    v = compute.validate(res)
    cv = None
    if proxy == "context" and landcover == "basemap2021" and scheme is None:
        radius = load_context().radius_m
        with progress_bar("Krydsvaliderer (cross-validating)", _zone_count(z)) as advance:
            cv = fit_context(z.gdf, z.source, resolve_landcover(landcover), (radius,),
                             advance)
    t = Table(title="Åbne data vs publiceret NKI 2020 (open data vs published)",
              header_style="bold")
    for col in ["Kode", "Navn", "Publiceret", "Åbne data", "Fejl (error)", "CV (LOO)",
                "Nr. pub.", "Nr. åbne"]:
        t.add_column(col, justify="left" if col == "Navn" else "right")
    loo = {} if cv is None else {(r.zone_id, r.target): r.loo for r in cv.table.itertuples()}
    for r in v.table.itertuples():
        t.add_row(str(r.zone_id), str(r.name), f"{r.nki_2020:.0f}", _fmt(r.nki),
                  f"{r.error:+.1f}", _fmt(loo.get((r.zone_id, "nki"), float("nan"))),
                  f"{r.rank_2020:.0f}", str(r.rank))
    console.print(t)
    console.print(f"Danmark: åbne data {v.national_open:.1f}, publiceret "
                  f"{v.national_published:.0f}")
    console.print(f"Spearman ρ = {v.spearman_rho:.3f}   mean absolute error = "
                  f"{v.mean_abs_error:.2f} NKI points (n = {len(v.table)}, in-sample / i "
                  "stikprøven)")
    if cv is not None:
        from naturkapital.landcover.calibrate import scores

        rows = list(zip(cv.table["zone_id"], cv.table["target"], strict=True))
        y = cv.table["published"].to_numpy()
        mae, rho, n = scores(cv.table["loo"].to_numpy(), y, rows, "nki")
        console.print(f"Krydsvalideret (leave-one-municipality-out CV, radius "
                      f"{cv.radius_m:g} m, λ {cv.lam:g}): Spearman ρ = {rho:.3f}   mean "
                      f"absolute error = {mae:.2f} NKI points (n = {n})")
    for r in v.natur.itertuples():
        extra = "" if cv is None else f", CV {_fmt(loo.get((r.zone_id, 'natur')))}"
        if r.zone_id == "0" and cv is not None:
            extra += " (national row always in the fit)"
        console.print(f"NKI natur {r.name}: publiceret {r.nki_natur_2020:.0f}, åbne data "
                      f"{r.nki_nature:.1f} ({r.error:+.1f}{extra})")
    nat = res.table.loc[res.table["rank"].notna(), "nki_nature"]
    q = nat.quantile([0, 0.1, 0.5, 0.9, 1]).round(1).tolist()
    console.print(f"NKI natur, {len(nat)} kommuner: min {q[0]}, 10 % {q[1]}, median {q[2]}, "
                  f"90 % {q[3]}, max {q[4]}")
    console.print(f"Metode (method): {res.meta['method']} · proxy: {res.meta.get('proxy')}")
    if plot is not None:
        from naturkapital.report.nki_validation import draw_validation

        draw_validation(v, plot, f"{res.meta['method']} · proxy {res.meta.get('proxy')}",
                        None if cv is None else cv.table, nat)
        console.print(f"Skrev (wrote) {plot}")


@app.command("calibrate")
def calibrate_cmd(
    published: Annotated[Path | None, typer.Option(
        "--published", help="CSV with kommune_code,nki_2020 (default: embedded 2020 "
                            "values).")] = None,
    out_dir: Annotated[Path, typer.Option(
        "--out-dir", help="Where to write context.csv (--proxy context) or basemap04.csv "
                          "and corine.csv (--proxy class).")] = Path("calibrated"),
    proxy: option(PROXY) = "context",  # type: ignore[valid-type]
) -> None:
    """Kalibrér naturværdier mod publicerede NKI. Calibrate nature values."""
    from naturkapital.core.errors import InputError
    from naturkapital.data.catalogue import dataset_path
    from naturkapital.landcover.calibrate import apply_values, calibrate, corine_from_basemap
    from naturkapital.landcover.scheme import BUILTIN_SCHEMES
    from naturkapital.landcover.sources import resolve_landcover
    from naturkapital.nki.zonal import zonal_class_areas

    if not out_dir.is_dir():
        raise InputError(out_dir, "folder does not exist")
    if proxy == "context":
        _calibrate_context(published, out_dir)
        return
    check_out(out_dir / "basemap04.csv", (".csv",))
    from naturkapital.landcover.calibrate import read_published

    pub = read_published(published or dataset_path("nki_published_2020"))
    z = compute.load_zones()
    lc = resolve_landcover("basemap2021")
    with progress_bar("Arealer (areas)", _zone_count(z)) as advance:
        areas = zonal_class_areas(z.gdf, lc, z.source, progress=advance)
    cal = calibrate(areas.classes, lc.scheme, pub)
    labels = dict(zip(lc.scheme.table["value"], lc.scheme.table["label"], strict=True))
    for code, v in cal.values.items():
        console.print(f"  {code:>3} {labels[code]:<32} {v:6.1f}")
    console.print(f"λ = {cal.lam:g}; fit: MAE {cal.fit_mae:.2f}, ρ {cal.fit_rho:.3f}; "
                  f"leave-one-out: MAE {cal.loo_mae:.2f}, ρ {cal.loo_rho:.3f}")
    basemap = apply_values(BUILTIN_SCHEMES["basemap04"], cal.values)
    write_table(basemap, out_dir / "basemap04.csv")
    write_table(corine_from_basemap(basemap), out_dir / "corine.csv")
    console.print(f"Skrev (wrote) {out_dir / 'basemap04.csv'}, {out_dir / 'corine.csv'}")


def _calibrate_context(published: Path | None, out_dir: Path) -> None:
    """Fit the context proxy (radius and λ by leave-one-out CV); write context.csv."""
    from naturkapital.core.errors import InputError
    from naturkapital.landcover.calibrate import scores
    from naturkapital.landcover.sources import resolve_landcover
    from naturkapital.nki.calibration import fit_context

    if published is not None:
        raise InputError("--published", "the context proxy is fitted to the embedded "
                                        "published values only; use --proxy class")
    out = check_out(out_dir / "context.csv", (".csv",))
    z = compute.load_zones()
    lc = resolve_landcover("basemap2021")
    with progress_bar("Vinduesandele (window shares)", 4 * _zone_count(z)) as advance:
        cal = fit_context(z.gdf, z.source, lc, progress=advance)
    for g, v in cal.groups.items():
        console.print(f"  {g:<22} {v:7.2f}")
    rows = list(zip(cal.table["zone_id"], cal.table["target"], strict=True))
    y = cal.table["published"].to_numpy()
    for target in ("nki", "natur"):
        fm, fr, n = scores(cal.table["fitted"].to_numpy(), y, rows, target)
        lm, lr, _ = scores(cal.table["loo"].to_numpy(), y, rows, target)
        console.print(f"{target}: n = {n}; fit MAE {fm:.2f}, ρ {fr:.3f}; leave-one-out MAE "
                      f"{lm:.2f}, ρ {lr:.3f}")
    console.print(f"radius {cal.radius_m:g} m, λ = {cal.lam:g}")
    write_table(cal.parameters(), out)
    console.print(f"Skrev (wrote) {out}")
