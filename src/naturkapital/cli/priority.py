"""``naturkapital priority network | rank | allocate``: where to act."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from rich.table import Table

from naturkapital.cli.app import console, sub_app
from naturkapital.cli.generate import spec_command
from naturkapital.io.output import TABLE_SUFFIXES, check_out, check_outs, write_table
from naturkapital.priority.spec import ALLOCATE, NETWORK, PLAN, RANK

priority_app = sub_app(
    "priority",
    "Hvor skal vi handle: arealmål (skov, våd og tør natur) til mindst mulig pris. "
    "Where to act: area targets at least cost.",
)


def _n(x: float | None, digits: int = 0) -> str:
    return "–" if x is None or pd.isna(x) else f"{x:,.{digits}f}"


@spec_command(priority_app, ALLOCATE)
def allocate_cmd(kommune: str, forest_ha: float, untouched_forest_ha: float,
                 wet_nature_ha: float, dry_nature_ha: float, unit_size_m: float,
                 budget: float | None, time_limit: float, boundary_penalty: float,
                 staged: bool, maximise_eca: bool, lock_in: list[str] | None,
                 lock_out: list[str] | None, convertible: list[str] | None,
                 costs: Path | None, out: Path | None) -> None:
    """Plan til arealmål. A least-cost plan that meets the hectare targets."""
    from naturkapital.priority.compute import plan_allocation

    if out is not None:
        check_out(out, TABLE_SUFFIXES)
    with console.status("Fordeler omlægninger (allocating) …"):
        res = plan_allocation(kommune, forest_ha, untouched_forest_ha, wet_nature_ha,
                              dry_nature_ha, unit_size_m, budget, lock_in, lock_out,
                              convertible, costs, time_limit, boundary_penalty, staged,
                              maximise_eca)
    m = res.meta
    t = Table(title=f"Plan — {m['kommune_name']} ({m['kommune']}), {m['units']:,} enheder "
                    f"(units) à {m['unit_size_m']:g} m", header_style="bold")
    for c, j in [("Omlægning (conversion)", "left"), ("Mål ha (target)", "right"),
                 ("Tildelt ha (allocated)", "right"), ("Enheder (units)", "right"),
                 ("Omkostning kr. (cost DKK)", "right"), ("Grådig ha (greedy)", "right"),
                 ("Grådig kr. (greedy DKK)", "right")]:
        t.add_column(c, justify=j)
    for r in res.summary.itertuples():
        t.add_row(r.label, _n(r.target_ha, 1), _n(r.allocated_ha, 1), str(r.units),
                  _n(r.cost_dkk), _n(r.greedy_ha, 1), _n(r.greedy_cost_dkk))
    console.print(t)
    gap = "–" if m["mip_gap_pct"] is None else f"{m['mip_gap_pct']:.2f} %"
    ratio = "–" if m["cost_vs_greedy"] is None else f"{m['cost_vs_greedy']:.3f}"
    console.print(f"Løser (solver): {m['solver']}, {m['status']}, gab (gap) {gap}, "
                  f"{m['seconds']:.1f} s", highlight=False)
    console.print(f"Samlet omkostning (total cost): {_n(m['cost_dkk'])} kr.; grådig (greedy): "
                  f"{_n(m['greedy_cost_dkk'])} kr.; forhold (cost vs greedy) {ratio}",
                  highlight=False)
    if m["assumptions"]:
        console.print("[yellow]Antagelser (assumptions, no published source):[/]")
        for a in m["assumptions"]:
            console.print(f"  · {a}", highlight=False)
    if out is not None:
        plan = res.plan
        table = pd.DataFrame(plan.drop(columns="geometry"))
        write_table(table, out, m, geometry=plan[["conv_id", "geometry"]], key="conv_id")
        console.print(f"Skrev (wrote) {out} — {len(plan)} omlægninger (conversions); "
                      f"scenariefil til (scenario file for) naturkapital scenario evaluate",
                      highlight=False)


@spec_command(priority_app, NETWORK)
def network_cmd(kommune: str, distance: list[float] | None, min_patch_ha: float,
                p_at_distance: float, resistance: Path | None, out: Path | None,
                map: Path | None, corridor_raster: Path | None) -> None:
    """Økologisk netværk. Patches, least-cost links, PC/ECA, dPC and corridors."""
    from naturkapital.priority.network import (
        build_network,
        write_corridor_raster,
        write_network,
    )

    check_outs((out, (".gpkg",)), (map, (".png",)), (corridor_raster, (".tif",)))
    with console.status("Bygger netværket (building the network) …"):
        net = build_network(kommune, distance, min_patch_ha, p_at_distance, resistance)
    m = net.meta
    t = Table(title=f"Økologisk netværk (ecological network) — {m['kommune_name']} "
                    f"({m['kommune']})", header_style="bold")
    for c in ("Spredning m (dispersal)", "Områder (patches)", "Forbindelser (links)",
              "Habitat ha", "ECA ha", "ECA %", "PC"):
        t.add_column(c, justify="right")
    for r in net.indices.itertuples():
        t.add_row(f"{r.distance_m:g}", str(r.patches), f"{r.links_within} / {r.links}",
                  _n(r.habitat_ha, 1), _n(r.eca_ha, 1), _n(r.eca_pct_of_habitat, 1),
                  f"{r.pc:.3e}")
    console.print(t)
    d = m["distances_m"][-1]
    top = net.patches.sort_values(f"dpc_{d:g}", ascending=False).head(5)
    console.print(f"Vigtigste områder (most important patches) ved (at) {d:g} m — dPC "
                  "(intra / flux / connector):", highlight=False)
    for r in top.itertuples():
        fr = [getattr(r, f"{k}_{d:g}") for k in ("dpc", "intra", "flux", "connector")]
        console.print(f"  område (patch) {r.patch_id}: {r.area_ha:,.0f} ha, dPC {fr[0]:.3f} "
                      f"({fr[1]:.3f} / {fr[2]:.3f} / {fr[3]:.4f})", highlight=False)
    console.print(f"Korridorer (corridors) ≤ {d:g} m: {len(net.corridors)}", highlight=False)
    if m["assumptions"]:
        console.print("[yellow]Antagelser (assumptions, no published source):[/]")
        for a in m["assumptions"]:
            console.print(f"  · {a}", highlight=False)
    if out is not None:
        write_network(net, out)
        console.print(f"Skrev (wrote) {out}", highlight=False)
    if corridor_raster is not None:
        write_corridor_raster(net, corridor_raster)
        console.print(f"Skrev (wrote) {corridor_raster}", highlight=False)
    if map is not None:
        from naturkapital.report.priority import network_map

        network_map(net, map)
        console.print(f"Skrev (wrote) {map}", highlight=False)


@spec_command(priority_app, RANK)
def rank_cmd(kommune: str, distance: float, unit_size_m: float, buffer_m: float,
             parcels: Path | None, protection: Path | None, min_patch_ha: float,
             out: Path | None, map: Path | None) -> None:
    """Brandmandens regel. Fireman's-rule classes and ranked candidates."""
    from naturkapital.priority.rank import rank_kommune

    check_outs((out, TABLE_SUFFIXES), (map, (".png",)))
    with console.status("Rangordner enheder (ranking units) …"):
        res = rank_kommune(kommune, distance, unit_size_m, buffer_m, parcels, protection,
                           min_patch_ha)
    m, u = res.meta, res.units
    t = Table(title=f"Brandmandens regel (fireman's rule) — {m['kommune_name']} "
                    f"({m['kommune']}), ECA {m['eca_ha']:,.0f} ha ved (at) {m['distance_m']:g} m",
              header_style="bold")
    for c in ("Klasse (class)", "Enheder (units)", "Landbrug ha (farmland)",
              "ECA-gevinst ha (gain)", "Kulstof t C (carbon)", "Lavbund ha (lowland)",
              "Vand m³ (flood)"):
        t.add_column(c, justify="right")
    names = {0: "0 intet (nothing)", 1: "1 beskyt (protect)", 2: "2 buffer/forbind (connect)",
             3: "3 ny natur (new)"}
    for c in (1, 2, 3, 0):
        s = u[u["fireman_class"] == c]
        t.add_row(names[c], str(len(s)), _n(s["farmland_ha"].sum(), 1),
                  _n(s["eca_gain_ha"].sum(), 1), _n(s["carbon_gain_t_c"].sum()),
                  _n(s["lowland_ha"].sum(), 1), _n(s["flood_m3"].sum()))
    console.print(t)
    if "protected_share" in u:
        console.print(f"Ubeskyttet værdifuld natur (unprotected class 1): "
                      f"{int(u['unprotected'].astype(bool).sum())} enheder (units)",
                      highlight=False)
    console.print("Højest rangerede kandidater (top-ranked candidates):", highlight=False)
    for r in u.sort_values("rank").head(5).itertuples():
        console.print(f"  {int(r.rank)}. {r.unit_id} klasse (class) {r.fireman_class}: "
                      f"{r.farmland_ha:,.1f} ha, ECA +{r.eca_gain_ha:,.2f} ha", highlight=False)
    if m["assumptions"]:
        console.print(f"[yellow]Antagelser (assumptions): {len(m['assumptions'])}, listed "
                      "in the output metadata[/]")
    if out is not None:
        table = pd.DataFrame(u.sort_values("rank").drop(columns="geometry"))
        table["unprotected"] = table["unprotected"].astype(object)
        write_table(table, out, m, geometry=u[["unit_id", "geometry"]], key="unit_id")
        console.print(f"Skrev (wrote) {out}", highlight=False)
    if map is not None:
        from naturkapital.report.priority import rank_map

        rank_map(u, f"Brandmandens regel / fireman's rule — {m['kommune_name']}, "
                    f"buffer {m['buffer_m']:g} m, spredning (dispersal) {m['distance_m']:g} m",
                 map)
        console.print(f"Skrev (wrote) {map}", highlight=False)


@spec_command(priority_app, PLAN)
def plan_cmd(kommune: str, forest_ha: float, untouched_forest_ha: float,
             wet_nature_ha: float, dry_nature_ha: float, unit_size_m: float, distance: float,
             buffer_m: float, min_patch_ha: float, budget: float | None, time_limit: float,
             staged: bool, boundary_penalty: float, min_unit_share: float,
             out: Path | None) -> None:
    """Én kommando: kort, korridorer, plan og rapport. Network → rank → allocate →
    scenario evaluate, with every output in one folder."""
    from naturkapital.core.errors import InputError
    from naturkapital.priority.plan import plan_kommune

    if out is not None:
        if out.exists() and not out.is_dir():
            raise InputError(out, "is a file; give a folder for the outputs")
        if not out.parent.exists():
            raise InputError(out, f"folder {out.parent} does not exist")
    with console.status("Netværk, rangordning, plan og scenarie (network, ranking, plan, "
                        "scenario) …"):
        res = plan_kommune(kommune, forest_ha, untouched_forest_ha, wet_nature_ha,
                           dry_nature_ha, unit_size_m, distance, buffer_m, min_patch_ha,
                           time_limit, staged, budget, boundary_penalty, min_unit_share)
    m = res.meta
    t = Table(title=f"Plan — {m['kommune_name']} ({m['kommune']}), ECA {m['eca_ha']:,.0f} ha",
              header_style="bold")
    for c, j in [("Omlægning (conversion)", "left"), ("Mål (target) ha", "right"),
                 ("ha", "right"), ("Mio. kr. (M DKK)", "right"), ("CO2 t", "right"),
                 ("N kg/år (yr)", "right"), ("ECA ha", "right"), ("NKI Δ", "right")]:
        t.add_column(c, justify=j)
    for r in res.summary.itertuples():
        t.add_row(r.label, _n(r.target_ha, 1), _n(r.allocated_ha, 1), _n(r.cost_dkk / 1e6, 2),
                  _n(r.co2_t), _n(r.n_load_kg_yr), _n(r.eca_gain_ha, 2), _n(r.nki_change, 3))
    console.print(t)
    sv = m["solver"]
    gap = "–" if sv["mip_gap_pct"] is None else f"{sv['mip_gap_pct']:.2f} %"
    console.print(f"Løser (solver): {sv['status']}, gab (gap) {gap}; grådig (greedy) "
                  f"{_n(sv['greedy_cost_dkk'])} kr.", highlight=False)
    console.print(f"[yellow]Antagelser (assumptions): {len(m['assumptions'])}, listed in the "
                  "report and the metadata[/]")
    if out is not None:
        for p in write_plan(res, out):
            console.print(f"Skrev (wrote) {p}", highlight=False)
        console.print(f"Scenariefil (scenario file): naturkapital scenario evaluate --scenario "
                      f"{out / 'plan.gpkg'}", highlight=False)


def write_plan(res, out: Path) -> list[Path]:
    """Every output of ``priority plan`` in folder ``out`` (atomic writes)."""
    from naturkapital.priority.network import write_corridor_raster, write_network
    from naturkapital.report.priority import write_plan_map, write_plan_report

    out.mkdir(exist_ok=True)
    m = res.meta
    plan = res.allocation.plan
    u = res.ranking.units
    cand = pd.DataFrame(u.sort_values("rank").drop(columns="geometry"))
    cand["unprotected"] = cand["unprotected"].astype(object)
    return [
        write_plan_map(res, out / "priority_map.png"),
        write_network(res.network, out / "network.gpkg"),
        write_corridor_raster(res.network, out / "corridors.tif"),
        write_table(cand, out / "candidates.gpkg", res.ranking.meta,
                    geometry=u[["unit_id", "geometry"]], key="unit_id"),
        write_table(pd.DataFrame(plan.drop(columns="geometry")), out / "plan.gpkg", m,
                    geometry=plan[["conv_id", "geometry"]], key="conv_id"),
        write_table(res.summary, out / "summary.csv", m),
        write_plan_report(res, out / "report.html"),
        write_plan_report(res, out / "report.pdf"),
    ]
