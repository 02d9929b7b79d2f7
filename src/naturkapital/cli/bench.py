"""``naturkapital bench make-national | nki-national | lowland | urban | consolidate |
priority | load | nki-zones``."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from naturkapital.cli.app import console, console_err, sub_app
from naturkapital.core.errors import InputError

bench_app = sub_app(
    "bench",
    "Ydelsesmålinger / benchmarks: national 10 m NKI against a bare NumPy pass, "
    "exactextract and rasterstats; lowland screening throughput.",
)

DataOpt = Annotated[Path, typer.Option(
    "--data", help="Mappe til det genererede nationale 10 m input / folder of the generated "
                   "national 10 m input (created when missing).")]
BboxOpt = Annotated[str | None, typer.Option(
    "--bbox", help="Kun et udsnit / only a cut-out: XMIN,YMIN,XMAX,YMAX in EPSG:25832 metres "
                   "(quick runs).")]


def _bbox(text: str | None) -> tuple[float, float, float, float] | None:
    if text is None:
        return None
    try:
        parts = tuple(float(v) for v in text.split(","))
    except ValueError:
        raise InputError("--bbox", f"'{text}' is not four numbers XMIN,YMIN,XMAX,YMAX") from None
    if len(parts) != 4:
        raise InputError("--bbox", f"'{text}' is not four numbers XMIN,YMIN,XMAX,YMAX")
    return parts  # type: ignore[return-value]


def _generate(data: Path, bbox: tuple[float, float, float, float] | None,
              force: bool = False):
    from naturkapital.bench.national_input import NationalInput, generate_national

    if force or not NationalInput.in_folder(data).exists():
        console_err.print(f"[dim]Genererer 10 m input i (generating the 10 m input in) {data}"
                          " — once, about 2 minutes for all of Denmark[/]")
    return generate_national(data, force=force, bbox=bbox)


@bench_app.command("make-national")
def make_national_cmd(
    out: Annotated[Path, typer.Option("--out", help="Mappe / output folder.")]
        = Path("benchmarks/data"),
    bbox: BboxOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Write again even if present.")]
        = False,
) -> None:
    """Generér det nationale 10 m testinput. Generate the national 10 m test input."""
    res = _generate(out, _bbox(bbox), force)
    meta = json.loads(res.manifest.read_text())
    g = meta["grid"]
    land = sum(v for k, v in meta["class_cells"].items() if k != "0")
    console.print(f"Skrev (wrote) {res.landcover} and {res.bioscore}: {g['width']} × "
                  f"{g['height']} cells at {g['cell_m']} m, {land:,} land cells")


@bench_app.command("nki-national")
def nki_national_cmd(
    data: DataOpt = Path("benchmarks/data"),
    scheduler: Annotated[str, typer.Option(
        "--scheduler", help="Scheduler for the engine run: local:2 (default), threads, "
                            "processes or tcp://host:8786.")] = "local:2",
    workers: Annotated[str, typer.Option(
        "--workers", help="Local worker counts for the speed-up runs, e.g. 1,2 ('' = none).")]
        = "1,2",
    exactextract: Annotated[bool, typer.Option(
        "--exactextract/--no-exactextract", help="Run the in-memory exactextract path.")]
        = True,
    rasterstats_sample: Annotated[int, typer.Option(
        "--rasterstats-sample", help="Zones for rasterstats (0 = skip).")] = 6,
    bbox: BboxOpt = None,
    repeat: Annotated[int, typer.Option(
        "--repeat", help="Run NumPy and engine this many times, interleaved; keep the "
                         "fastest (robust to other load on the machine).")] = 1,
    out: Annotated[Path | None, typer.Option("--out", help="Write the numbers as JSON.")]
        = None,
) -> None:
    """Mål NKI-motoren på nationalt 10 m input. National 10 m NKI benchmark.

    Prints a table and, last, ratio_vs_numpy=X speedup_vs_exactextract=Y peak_rss_gb=Z.
    """
    from naturkapital.bench.nki_national import run_national
    from naturkapital.engine.scheduler import check_scheduler
    from naturkapital.landcover.bioscore import parse_rule
    from naturkapital.landcover.scheme import load_scheme
    from naturkapital.nki.compute import load_zones

    check_scheduler(scheduler)
    try:
        counts = tuple(int(w) for w in workers.split(",") if w.strip())
    except ValueError:
        raise InputError("--workers", f"'{workers}' is not a list of numbers such as 1,2"
                         ) from None
    if any(n < 1 for n in counts):
        raise InputError("--workers", "worker counts must be 1 or more")
    box = _bbox(bbox)
    inp = _generate(data, box)
    zones = load_zones().gdf
    if box is not None:
        from shapely.geometry import box as make_box

        zr = zones.to_crs("EPSG:25832")
        zones = zones[zr.intersects(make_box(*box)).to_numpy()].reset_index(drop=True)
        if zones.empty:
            raise InputError("--bbox", "no municipality overlaps the box")

    def say(text: str) -> None:
        console_err.print(f"[dim]{text}[/]")

    if repeat < 1:
        raise InputError("--repeat", "must be 1 or more")
    res = run_national(inp, zones, load_scheme("basemap04"), parse_rule(), scheduler,
                       counts, exactextract, rasterstats_sample, say, repeat)
    t = Table(title=f"NKI national 10 m — {res.cells / 1e6:,.0f} M cells, {len(zones)} zones, "
                    f"{os.cpu_count()} cores", header_style="bold")
    for col, just in [("", "right"), ("method", "left"), ("seconds", "right"),
                      ("M cells/s", "right"), ("× numpy", "right"), ("peak RSS GB", "right"),
                      ("CPU s", "right"), ("cores", "right"), ("load", "right")]:
        t.add_column(col, justify=just)
    for i, m in enumerate(res.measurements, 1):
        secs = f"{m.seconds:.1f}" + (" *" if m.extrapolated else "")
        measured = not m.extrapolated
        t.add_row(str(i), m.name, secs, f"{res.cells / m.seconds / 1e6:.0f}",
                  f"{m.seconds / res.numpy.seconds:.2f}",
                  f"{m.peak_rss / 1e9:.2f}" if measured else "",
                  f"{m.cpu_seconds:.1f}" if measured else "",
                  f"{m.parallelism:.2f}" if measured else "",
                  f"{m.load[0]:.1f}→{m.load[1]:.1f}")
    # The table is wider than a default 80-column pipe; keep it readable in logs.
    Console(width=max(console.width, 120)).print(t)
    for i, m in enumerate(res.measurements, 1):
        console.print(f"  {i}. {m.name}: {m.note}", highlight=False)
    console.print("  * extrapolated from a sample. Peak RSS: this process and its children "
                  "(dask workers), sampled every 20 ms. CPU s: user + system of the same; "
                  "cores = CPU s / seconds; load = 1-min load average before → after "
                  "(other work on the machine takes cores from the run).", highlight=False)
    if res.workers:
        base = res.workers.get(1)
        parts = [f"{n} worker(s) {s:.1f} s" + (f" (×{base / s:.2f})" if base else "")
                 for n, s in sorted(res.workers.items())]
        console.print("Speed-up with local workers: " + ", ".join(parts))
    if len(res.workers) > 1 or any(f"local:{n}" != scheduler for n in res.workers):
        console.print(f"NKI between engine runs on different schedulers/workers: max |Δ| = "
                      f"{res.scheduler_diff:.2e} points")
    if res.exact is not None:
        console.print(f"NKI engine vs exactextract: max |Δ| = {res.nki_diff:.2e} points over "
                      f"{len(zones)} zones + all zones (target ≤ 0.01)")
    console.print(f"Load average (1 min) before/after: {res.load[0]:.2f} / {res.load[1]:.2f}")
    if out is not None:
        out.write_text(json.dumps({
            "cells": res.cells, "zones": len(zones), "scheduler": scheduler,
            "methods": {m.name: {"seconds": m.seconds, "peak_rss_gb": m.peak_rss / 1e9,
                                 "extrapolated": m.extrapolated, "note": m.note,
                                 "all_seconds": m.all_seconds or [m.seconds],
                                 "cpu_seconds": m.cpu_seconds, "load_average": m.load}
                        for m in res.measurements},
            "workers": res.workers, "nki_max_abs_diff": res.nki_diff,
            "nki_max_abs_diff_between_engine_runs": res.scheduler_diff,
            "ratio_vs_numpy": res.ratio_vs_numpy,
            "speedup_vs_exactextract": res.speedup_vs_exactextract,
            "peak_rss_gb": res.peak_rss_gb, "load_average": res.load,
        }, indent=2))
    console.print(res.line(), highlight=False, soft_wrap=True)


@bench_app.command("lowland")
def lowland_cmd(
    data: Annotated[Path, typer.Option(
        "--data", help="Mappe til genererede parceller og kort / folder of the generated "
                       "parcels and maps (created when missing).")]
        = Path("benchmarks/data/lowland"),
    parcels: Annotated[int, typer.Option("--parcels", help="Antal parceller / parcels.")]
        = 100_000,
    no_baseline: Annotated[bool, typer.Option(
        "--no-baseline", help="Skip the previous extraction (baseline).")] = False,
    out: Annotated[Path | None, typer.Option("--out", help="Write the numbers as JSON.")]
        = None,
) -> None:
    """Mål lavbundsscreening. Lowland screening throughput on generated parcels.

    Prints the timings and, last, parcels=N seconds=S parcels_per_s=P (per wall second)
    parcels_per_cpu_s=C ratio_vs_baseline=R identical=… cpu_seconds=… load_1min=L (the
    machine's load average when the run started) workers=W (worker processes; set
    NATURKAPITAL_WORKERS to change) peak_mb=M (the largest process's peak memory);
    the baseline is the same run with the previous cell extraction (timed separately,
    checked to give the same cells).
    """
    from naturkapital.bench.lowland import generate_lowland, run_lowland

    console_err.print(f"[dim]Genererer (generating) {parcels:,} parcels and three maps in "
                      f"{data} if missing (not timed)[/]")
    inp = generate_lowland(data, parcels)
    console_err.print("[dim]Screener (screening): read_parcels + screen[/]")
    load0 = os.getloadavg()[0]
    res = run_lowland(inp, baseline=not no_baseline)
    t = Table(title=f"Lavbundsscreening — {res.n:,} parceller (parcels)", header_style="bold")
    for col in ("step", "seconds", "parcels/s"):
        t.add_column(col, justify="left" if col == "step" else "right")
    t.add_row("read + check parcels", f"{res.read_s:.1f}", f"{res.n / res.read_s:,.0f}")
    t.add_row("screen (extract, judge, CO2, budget)", f"{res.screen_s:.1f}",
              f"{res.n / res.screen_s:,.0f}")
    t.add_row("total", f"{res.wall_s:.1f}", f"{res.per_s:,.0f}")
    t.add_row(f"total, CPU ({res.workers} worker processes)", f"{res.cpu_s:.1f}",
              f"{res.per_cpu_s:,.0f}")
    t.add_row("cell extraction alone, current", f"{res.extract_s:.1f}",
              f"{res.n / res.extract_s:,.0f}")
    t.add_row("cell extraction alone, baseline (previous)", f"{res.baseline_extract_s:.1f}",
              f"{res.n / res.baseline_extract_s:,.0f}")
    console.print(t)
    console.print("Status: " + ", ".join(f"{k} {v:,}" for k, v in sorted(res.status.items())))
    console.print(f"Load average (1 min) before/after: {load0:.2f} / {os.getloadavg()[0]:.2f}")
    if out is not None:
        out.write_text(json.dumps({"parcels": res.n, "read_s": res.read_s,
                                   "screen_s": res.screen_s, "total_s": res.wall_s,
                                   "parcels_per_s": res.per_s,
                                   "cpu_s": res.cpu_s, "workers": res.workers,
                                   "peak_mb": res.peak_mb, "extract_s": res.extract_s,
                                   "baseline_extract_s": res.baseline_extract_s,
                                   "ratio_vs_baseline": res.ratio_vs_baseline,
                                   "identical": res.identical,
                                   "status": res.status}, indent=2))
    console.print(f"parcels={res.n} seconds={res.wall_s:.1f} "
                  f"parcels_per_s={res.per_s:.0f} "
                  f"parcels_per_cpu_s={res.per_cpu_s:.0f} "
                  f"ratio_vs_baseline={res.ratio_vs_baseline:.3f} identical={res.identical} "
                  f"cpu_seconds={res.cpu_s:.1f} load_1min={load0:.2f} "
                  f"workers={res.workers} peak_mb={res.peak_mb:.0f}",
                  highlight=False, soft_wrap=True)


@bench_app.command("urban")
def bench_urban_cmd(
    city: Annotated[str, typer.Option("--city", help="demo:kobenhavn or an .osm.pbf file.")]
        = "demo:kobenhavn",
    sample: Annotated[int, typer.Option(
        "--sample", help="Boliger til networkx-basislinjen / dwellings in the per-dwelling "
                         "networkx baseline (extrapolated to all).")] = 300,
    repeat: Annotated[int, typer.Option(
        "--repeat", help="Run the one-pass method this many times; keep the fastest.")] = 3,
    out: Annotated[Path | None, typer.Option("--out", help="Write the numbers as JSON.")]
        = None,
) -> None:
    """Mål gangafstand for alle boliger. Walking distance for every dwelling: one
    multi-source pass against per-dwelling networkx, measured in the same run.

    Prints the timings and, last, dwellings=N seconds=S speedup_vs_baseline=X.
    """
    from naturkapital.bench.urban import run_urban_bench

    if sample < 1:
        raise InputError("--sample", "must be 1 or more")
    if repeat < 1:
        raise InputError("--repeat", "must be 1 or more")
    load0 = os.getloadavg()[0]
    res = run_urban_bench(city, sample, repeat,
                          say=lambda s: console_err.print(f"[dim]{s}[/]"))
    t = Table(title=f"Gangafstand til grønt (walking distance to green) — {res.dwellings:,} "
                    f"boliger, {res.nodes:,} knuder (nodes), {res.edges:,} kanter (edges), "
                    f"{res.entrances:,} indgange (entrances)", header_style="bold")
    for col, just in [("method", "left"), ("seconds", "right"), ("dwellings/s", "right"),
                      ("× one pass", "right")]:
        t.add_column(col, justify=just)
    t.add_row("one pass: scipy.sparse.csgraph.dijkstra, multi-source", f"{res.fast_s:.3f}",
              f"{res.dwellings / res.fast_s:,.0f}", "1.0")
    t.add_row(f"networkx per dwelling (sample {res.baseline_sample}, extrapolated) *",
              f"{res.baseline_s:.1f}", f"{res.dwellings / res.baseline_s:,.0f}",
              f"{res.speedup:.1f}")
    console.print(t)
    console.print(f"  one-pass runs: {', '.join(f'{s:.3f}' for s in res.fast_runs)} s; "
                  f"baseline sample: {res.baseline_sample} dwellings in "
                  f"{res.baseline_sample_s:.2f} s; network preparation (not timed): "
                  f"{res.prepare_s:.1f} s", highlight=False)
    console.print(f"  sample distances, networkx vs one pass: max |Δ| = "
                  f"{res.max_abs_diff_m:.2e} m", highlight=False)
    console.print(f"Load average (1 min) before/after: {load0:.2f} / "
                  f"{os.getloadavg()[0]:.2f}")
    if out is not None:
        out.write_text(json.dumps({
            "dwellings": res.dwellings, "nodes": res.nodes, "edges": res.edges,
            "entrances": res.entrances, "one_pass_s": res.fast_s,
            "one_pass_runs_s": res.fast_runs, "baseline_sample": res.baseline_sample,
            "baseline_sample_s": res.baseline_sample_s,
            "baseline_extrapolated_s": res.baseline_s, "speedup_vs_baseline": res.speedup,
            "max_abs_diff_m": res.max_abs_diff_m}, indent=2))
    console.print(res.line(), highlight=False, soft_wrap=True)


@bench_app.command("consolidate")
def bench_consolidate_cmd(
    parcels: Annotated[int, typer.Option("--parcels", help="Antal parceller / parcels.")]
        = 2000,
    owners: Annotated[int, typer.Option("--owners", help="Antal ejere / owners.")] = 100,
    time_limit: Annotated[float, typer.Option(
        "--time-limit", help="Løserens tidsgrænse, s / the solver's time limit, s.")] = 60.0,
    out: Annotated[Path | None, typer.Option("--out", help="Write the numbers as JSON.")]
        = None,
) -> None:
    """Mål mageskifteplanen. Land-consolidation swap plan on a generated fabric: HiGHS
    against the greedy baseline.

    Prints the numbers and, last, parcels=N owners=M seconds=S gap_pct=G
    objective_vs_greedy=R.
    """
    from naturkapital.bench.consolidation import run_consolidation_bench

    if not 10 <= parcels <= 100_000:
        raise InputError("--parcels", "must be 10–100 000")
    if not 2 <= owners <= parcels // 2:
        raise InputError("--owners", "must be 2 or more and at most half the parcels")
    if not 0 < time_limit <= 3600:
        raise InputError("--time-limit", "must be more than 0 and at most 3600 s")
    load0 = os.getloadavg()[0]
    res = run_consolidation_bench(parcels, owners, time_limit)
    p, g = res.plan, res.greedy
    gap = float("nan") if p.gap is None else 100 * p.gap
    t = Table(title=f"Mageskifteplan (swap plan) — {parcels:,} parceller, {owners} ejere "
                    "(generated fabric)", header_style="bold")
    for col in ("method", "seconds", "objective", "ha·km", "moved", "cash DKK", "gap %"):
        t.add_column(col, justify="left" if col == "method" else "right")
    for name, pl in (("HiGHS", p), ("greedy baseline", g)):
        t.add_row(name, f"{pl.seconds:.2f}", f"{pl.objective:,.1f}",
                  f"{pl.parts['ha_km']:,.1f}", f"{pl.parts['parcels_moved']:,.0f}",
                  f"{pl.parts['cash_dkk']:,.0f}",
                  "–" if pl.gap is None else f"{100 * pl.gap:.2f}")
    console.print(t)
    console.print(f"HiGHS (scipy.optimize.milp): {escape(str(p.status))}", highlight=False)
    console.print(f"Grådig (greedy): {escape(str(g.status))}", highlight=False)
    console.print(f"Load average (1 min) before/after: {load0:.2f} / {os.getloadavg()[0]:.2f}")
    if out is not None:
        out.write_text(json.dumps({"parcels": parcels, "owners": owners,
                                   "seconds": p.seconds, "gap_pct": gap,
                                   "objective": p.objective, "greedy_objective": g.objective,
                                   "greedy_status": g.status,
                                   "objective_vs_greedy": res.ratio}, indent=2))
    console.print(f"parcels={parcels} owners={owners} seconds={p.seconds:.1f} "
                  f"gap_pct={gap:.2f} objective_vs_greedy={res.ratio:.3f}", highlight=False,
                  soft_wrap=True)


@bench_app.command("priority")
def bench_priority_cmd(
    distance: Annotated[float, typer.Option(
        "--distance", help="Spredningsafstand, m / dispersal distance, m.")] = 1000.0,
    block: Annotated[int, typer.Option(
        "--block", help="Enhedens side i 100 m-celler / unit side in 100 m cells.")] = 7,
    time_limit: Annotated[float, typer.Option(
        "--time-limit", help="Løserens tidsgrænse, s / the solver's time limit, s.")] = 60.0,
    out: Annotated[Path | None, typer.Option("--out", help="Write the numbers as JSON.")]
        = None,
) -> None:
    """Mål netværk og fordeling. The national patch graph at 100 m and a national
    allocation (≥ 50 000 planning units) against the greedy baseline.

    Prints the numbers and, last, network_seconds=T units=N seconds=S gap_pct=G
    cost_vs_greedy=R.
    """
    from naturkapital.bench.priority import run_priority_bench

    if not 0 < distance <= 100_000:
        raise InputError("--distance", "must be more than 0 and at most 100 000 m")
    if not 2 <= block <= 50:
        raise InputError("--block", "must be 2–50 cells")
    if not 0 < time_limit <= 3600:
        raise InputError("--time-limit", "must be more than 0 and at most 3600 s")
    load0 = os.getloadavg()[0]
    r = run_priority_bench(distance, block=block, time_limit=time_limit)
    m = r.meta
    gap = float("nan") if r.gap_pct is None else r.gap_pct
    ratio = float("nan") if r.cost_vs_greedy is None else r.cost_vs_greedy
    console.print(f"Netværk (network), Danmark 100 m: {r.patches:,} patches, {r.links:,} "
                  f"links, ECA {r.eca_ha:,.0f} ha at {distance:g} m — "
                  f"{r.network_seconds:.1f} s", highlight=False)
    console.print(f"Fordeling (allocation): {r.units:,} units of {m['block_m']:g} m "
                  f"({m['candidate_units']:,} with farmland), targets "
                  f"{m['targets_ha']} ha, ECA floor {m['eca_floor_ha']:,.1f} ha", highlight=False)
    console.print(f"  HiGHS: {m['cost_dkk']:,.0f} DKK, ECA gain {m['eca_gain_ha']:,.1f} ha, "
                  f"{m['status']}, gap {gap:.3f} %, {r.seconds:.1f} s", highlight=False)
    console.print(f"  greedy: {m['greedy_cost_dkk']:,.0f} DKK, ECA gain "
                  f"{m['greedy_eca_gain_ha']:,.1f} ha", highlight=False)
    console.print(f"Load average (1 min) before/after: {load0:.2f} / {os.getloadavg()[0]:.2f}")
    if out is not None:
        out.write_text(json.dumps({"network_seconds": r.network_seconds, "patches": r.patches,
                                   "links": r.links, "eca_ha": r.eca_ha, "units": r.units,
                                   "seconds": r.seconds, "gap_pct": gap,
                                   "cost_vs_greedy": ratio, **m}, indent=2, default=str))
    console.print(f"network_seconds={r.network_seconds:.1f} units={r.units} "
                  f"seconds={r.seconds:.1f} gap_pct={gap:.2f} cost_vs_greedy={ratio:.3f}",
                  highlight=False, soft_wrap=True)


@bench_app.command("load")
def bench_load_cmd(
    clients: Annotated[int, typer.Option("--clients", help="Samtidige klienter / concurrent "
                                                           "clients.", min=1, max=256)] = 16,
    reads: Annotated[int, typer.Option("--reads", help="Interactive reads per client.",
                                       min=1, max=1000)] = 30,
    no_baseline: Annotated[bool, typer.Option(
        "--no-baseline", help="Skip the baseline server (no disk cache, no pre-rendering, "
                              "no gzip).")] = False,
    cache_dir: Annotated[Path | None, typer.Option(
        "--cache-dir", help="Disk cache folder of the current server, kept (default: a "
                            "fresh temporary one, so everything is pre-rendered anew).")]
        = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write the numbers as JSON.")]
        = None,
) -> None:
    """Belastningstest af serveren. HTTP load test on a loopback server.

    Starts ``naturkapital serve`` on a random loopback port (fresh database and diagram
    cache), then times the first Ringkøbing-Skjern lowland candidates, every
    municipality's diagram cold and warm, and interactive reads (ranking, zone detail,
    candidates), N clients at once; the baseline server first, then the current one.
    """
    from naturkapital.bench.load import run_load

    load0 = os.getloadavg()[0]
    runs = run_load(clients, reads, baseline=not no_baseline,
                    say=lambda s: console_err.print(f"[dim]{s}[/]", highlight=False),
                    cache_dir=cache_dir)
    t = Table(title=f"HTTP load — {clients} concurrent clients, loopback", header_style="bold")
    for col in ("run", "request", "n", "p50 ms", "p95 ms", "max ms", "MB on wire"):
        t.add_column(col, justify="left" if col in ("run", "request") else "right")
    for r in runs:
        for tm in (r.candidates_first, r.cold, r.warm, *r.reads.values()):
            t.add_row(r.label, tm.name, str(len(tm.seconds)), f"{tm.pct(50) * 1000:,.0f}",
                      f"{tm.pct(95) * 1000:,.0f}", f"{max(tm.seconds, default=0) * 1000:,.0f}",
                      f"{tm.wire_bytes / 1e6:,.2f}")
    console.print(t)
    console.print(f"Load average (1 min) before/after: {load0:.2f} / {os.getloadavg()[0]:.2f}")
    cur = runs[-1]
    reads_p95 = max(tm.pct(95) for tm in cur.reads.values())
    line = (f"clients={clients} diagram_cold_p95_ms={cur.cold.pct(95) * 1000:.0f} "
            f"diagram_warm_p95_ms={cur.warm.pct(95) * 1000:.0f} "
            f"reads_p95_ms={reads_p95 * 1000:.0f} "
            f"candidates_760_first_ms={cur.candidates_first.pct(50) * 1000:.0f} "
            f"candidates_760_wire_bytes={cur.candidates_first.wire_bytes}")
    if len(runs) > 1:
        base = runs[0]
        base_reads = max(tm.pct(95) for tm in base.reads.values())
        line += (f" ratio_cold_p95_vs_baseline={cur.cold.pct(95) / base.cold.pct(95):.3f}"
                 f" ratio_reads_p95_vs_baseline={reads_p95 / base_reads:.3f}"
                 f" ratio_candidates_first_vs_baseline="
                 f"{cur.candidates_first.pct(50) / base.candidates_first.pct(50):.3f}")
    if out is not None:
        out.write_text(json.dumps([r.as_dict() for r in runs], indent=2))
    console.print(line, highlight=False, soft_wrap=True)


@bench_app.command("nki-zones")
def bench_nki_zones_cmd(
    zones: Annotated[int, typer.Option("--zones", help="Antal zoner / zones.", min=1,
                                       max=1_000_000)] = 100_000,
    data: Annotated[Path, typer.Option(
        "--data", help="Mappe til de genererede zoner / folder of the generated zones "
                       "(created when missing).")] = Path("benchmarks/data/zones"),
    no_baseline: Annotated[bool, typer.Option(
        "--no-baseline", help="Skip the previous extraction (baseline).")] = False,
    out: Annotated[Path | None, typer.Option("--out", help="Write the numbers as JSON.")]
        = None,
) -> None:
    """Mål NKI på mange små zoner. NKI on N small zones (the nki command), with the
    previous extraction as baseline.

    Prints, last, zones=N seconds=S cpu_seconds=C zones_per_s=Z ratio_vs_baseline=R
    identical=… peak_rss_mb=M load_1min=L (the machine's load average when the run
    started; on a shared machine wall time ≈ CPU time × load ÷ cores).
    """
    from naturkapital.bench.zones import generate_zones, run_zones

    console_err.print(f"[dim]Genererer (generating) {zones:,} zones in {data} if missing "
                      "(not timed)[/]")
    path = generate_zones(data, zones)
    load0 = os.getloadavg()[0]
    res = run_zones(path, zones, baseline=not no_baseline)
    t = Table(title=f"NKI — {zones:,} små zoner (small zones), Basemap04 2021",
              header_style="bold")
    for col in ("step", "seconds"):
        t.add_column(col, justify="left" if col == "step" else "right")
    t.add_row("nki (read, extract, index) — wall", f"{res.nki_s:.1f}")
    t.add_row("nki — CPU of this process", f"{res.cpu_s:.1f}")
    t.add_row("class-area extraction, current", f"{res.extract_s:.1f}")
    t.add_row("class-area extraction, baseline (previous)", f"{res.baseline_extract_s:.1f}")
    console.print(t)
    console.print(f"Load average (1 min) before/after: {load0:.2f} / {os.getloadavg()[0]:.2f}")
    if out is not None:
        out.write_text(json.dumps({"zones": zones, "nki_s": res.nki_s,
                                   "nki_cpu_s": res.cpu_s, "extract_s": res.extract_s,
                                   "baseline_extract_s": res.baseline_extract_s,
                                   "identical": res.identical,
                                   "peak_rss_mb": res.peak_mb}, indent=2))
    console.print(f"zones={zones} seconds={res.nki_s:.1f} cpu_seconds={res.cpu_s:.1f} "
                  f"zones_per_s={res.per_s:.0f} "
                  f"ratio_vs_baseline={res.ratio_vs_baseline:.3f} identical={res.identical} "
                  f"peak_rss_mb={res.peak_mb:.0f} load_1min={load0:.2f}", highlight=False,
                  soft_wrap=True)
