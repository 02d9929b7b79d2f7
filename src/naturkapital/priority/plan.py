"""Python API: one command from targets to plan — network, fireman's-rule ranking,
least-cost allocation, and the plan evaluated by the scenario model.

:func:`plan_kommune` builds the ecological network of an embedded municipality, ranks
its planning units by the fireman's rule, allocates the hectare targets at least cost,
and evaluates the plan with :func:`naturkapital.scenario.evaluate.evaluate_scenario`
(the same code as ``naturkapital scenario evaluate``). The summary per conversion type
(ha, cost, CO2, N, ECA gain, NKI change) comes from the evaluation's moves with the
services' own functions, so it adds up to what ``scenario evaluate`` reports.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import geopandas as gpd
import pandas as pd

from naturkapital.io.vectors import ZONE_ID
from naturkapital.priority.allocate import UNIT_ID
from naturkapital.priority.compute import PriorityPlan, plan_allocation
from naturkapital.priority.network import Network, build_network
from naturkapital.priority.rank import Ranking, rank_units
from naturkapital.priority.units import grid, municipality

#: t CO2 per t C (molar masses 44/12).
CO2_PER_C = 44.0 / 12.0
SUMMARY_COLUMNS = (
    "conversion",
    "label",
    "target_ha",
    "allocated_ha",
    "units",
    "cost_dkk",
    "co2_t",
    "n_load_kg_yr",
    "eca_gain_ha",
    "nki_change",
    "rewetted_ha",
)


@dataclass
class PlanResult:
    """``network``, ``ranking`` and ``allocation`` of the plan; ``evaluation``: the
    scenario result of the plan; ``summary``: per conversion type (SUMMARY_COLUMNS)
    plus a total row; ``meta``."""

    network: Network
    ranking: Ranking
    allocation: PriorityPlan
    evaluation: object
    summary: pd.DataFrame
    meta: dict = field(default_factory=dict)


def _classes(moves: pd.DataFrame, side: str, key: str) -> pd.DataFrame:
    """Class areas of ``moves`` (``from``/``to`` side) keyed by ``key`` as zone id."""
    return pd.DataFrame(
        {
            ZONE_ID: moves[key].to_numpy(),
            "value": moves[f"{side}_value"],
            "area_ha": moves["area_ha"].to_numpy(),
        }
    )


def conversion_effects(evaluation, plan: gpd.GeoDataFrame) -> pd.DataFrame:
    """Per conversion type, from the evaluation's moves: carbon stock change as t CO2,
    net nitrogen-load change (kg N/yr, leaching change − removal on rewetted land),
    rewetted ha, cost (DKK) and the NKI change of the zone if only that type were
    carried out (the services' and the index's own functions)."""
    from naturkapital.scenario.evaluate import TOTAL_ID
    from naturkapital.services import biodiversity, nitrogen
    from naturkapital.services.carbon import carbon_stock
    from naturkapital.services.tables import (
        load_carbon_pools,
        load_nitrogen,
        load_parameters,
        pools_for_scheme,
    )

    lc = evaluation.landcover
    applied = evaluation.applied
    tbl = lc.scheme.table
    lt_of = dict(zip(tbl["value"].astype(int), tbl["land_type"], strict=True))
    kind = dict(zip(plan["conv_id"], plan["conversion"], strict=True))
    mv = applied.moves.copy()
    mv["kind"] = mv["conv_id"].map(kind)
    mv = mv[mv["from_value"] != mv["to_value"]]
    pools = pools_for_scheme(load_carbon_pools(), lc.scheme, False)
    ntab = load_nitrogen()
    rate = load_parameters()["n_removal_rewetted_kg_n_per_ha_yr"]
    cost = evaluation.conversions.set_index("conv_id")["cost_dkk"]
    rew = evaluation.conversions.set_index("conv_id")["rewetted_ha"]
    dc = carbon_stock(_classes(mv, "to", "kind"), pools) - carbon_stock(
        _classes(mv, "from", "kind"), pools
    )
    dn = nitrogen.leaching(_classes(mv, "to", "kind"), lt_of, ntab) - nitrogen.leaching(
        _classes(mv, "from", "kind"), lt_of, ntab
    )
    base = applied.baseline
    area_b, val_b = biodiversity.land_type_tables(base, lc.scheme, TOTAL_ID)
    nki_b = biodiversity.index_table(area_b, val_b)[0]["nki"]
    rows = []
    for k, g in mv.groupby("kind"):
        after = pd.concat(
            [
                base,
                _classes(g, "to", ZONE_ID),
                _classes(g, "from", ZONE_ID).assign(area_ha=lambda d: -d["area_ha"]),
            ]
        )
        after = after.groupby([ZONE_ID, "value"], as_index=False)["area_ha"].sum()
        area_a, val_a = biodiversity.land_type_tables(after, lc.scheme, TOTAL_ID)
        nki_a = biodiversity.index_table(area_a, val_a)[0]["nki"]
        ids = [c for c in kind if kind[c] == k]
        rw = float(rew.reindex(ids).fillna(0.0).sum())
        rows.append(
            {
                "conversion": k,
                "co2_t": float(dc.get(k, 0.0)) * CO2_PER_C,
                "n_load_kg_yr": float(dn.get(k, 0.0))
                - float(nitrogen.removal(pd.Series([rw]), rate).iloc[0]),
                "rewetted_ha": rw,
                "cost_scenario_dkk": float(cost.reindex(ids).fillna(0.0).sum()),
                "nki_change": float(nki_a[TOTAL_ID] - nki_b[TOTAL_ID]),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "conversion",
            "co2_t",
            "n_load_kg_yr",
            "rewetted_ha",
            "cost_scenario_dkk",
            "nki_change",
        ],
    )


def plan_kommune(
    kommune: str,
    forest_ha: float = 0.0,
    untouched_forest_ha: float = 0.0,
    wet_nature_ha: float = 0.0,
    dry_nature_ha: float = 0.0,
    unit_size_m: float = 500.0,
    distance: float = 1000.0,
    buffer_m: float = 200.0,
    min_patch_ha: float = 1.0,
    time_limit: float = 60.0,
    staged: bool = False,
    budget: float | None = None,
    boundary_penalty: float = 0.0,
    min_unit_share: float = 0.5,
) -> PlanResult:
    """Network → ranking → allocation → scenario evaluation for kommune ``kommune``."""
    from naturkapital.io.rasters import open_raster
    from naturkapital.landcover.sources import resolve_landcover
    from naturkapital.scenario.evaluate import TOTAL_ID, evaluate_scenario

    lc = resolve_landcover("basemap2021")
    with open_raster(lc.path, lc.band, "land-cover raster") as ds:
        crs = ds.crs
    code, name, geom = municipality(kommune, crs)
    units = grid(geom, float(unit_size_m), crs)

    def network_and_ranking() -> tuple[Network, Ranking]:
        net = build_network(code, [distance], min_patch_ha)
        return net, rank_units(net, units.to_crs(net.grid.crs), buffer_m, None, distance)

    plan = partial(
        plan_allocation,
        code,
        forest_ha,
        untouched_forest_ha,
        wet_nature_ha,
        dry_nature_ha,
        unit_size_m,
        budget,
        time_limit=time_limit,
        boundary_penalty=boundary_penalty,
        min_unit_share=min_unit_share,
    )
    # the targets are checked first: a bad target fails in seconds
    alloc: PriorityPlan | None = None if staged else plan()
    net, ranking = network_and_ranking()
    if alloc is None:
        alloc = plan(staged=True, distance=distance, ranking=ranking)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.gpkg"
        alloc.plan.to_file(path, driver="GPKG")
        evaluation = evaluate_scenario(path)
    eff = conversion_effects(evaluation, alloc.plan)
    gain = ranking.units.set_index(UNIT_ID)["eca_gain_ha"]
    eca = alloc.plan.groupby("conversion")[UNIT_ID].apply(
        lambda u: float(gain.reindex(u.unique()).fillna(0.0).sum())
    )
    s = alloc.summary.copy()
    s["eca_gain_ha"] = s["conversion"].map(eca).fillna(0.0)
    s = s.merge(eff, on="conversion", how="left")
    for c in ("co2_t", "n_load_kg_yr", "nki_change", "rewetted_ha", "cost_scenario_dkk"):
        s[c] = s[c].fillna(0.0)
    tab = evaluation.table
    tot = tab[tab["zone_id"] == TOTAL_ID].set_index("indicator")
    total = {
        "conversion": "total",
        "label": "I alt / total",
        "target_ha": float(s["target_ha"].sum()),
        "allocated_ha": float(s["allocated_ha"].sum()),
        "units": int(s["units"].sum()),
        "cost_dkk": float(s["cost_dkk"].sum()),
        "co2_t": float(s["co2_t"].sum()),
        "n_load_kg_yr": float(tot.at["nitrogen_load_kg_n_per_year", "delta"]),
        "eca_gain_ha": float(s["eca_gain_ha"].sum()),
        "nki_change": float(tot.at["nki", "delta"]),
        "rewetted_ha": float(s["rewetted_ha"].sum()),
        "cost_scenario_dkk": float(tot.at["cost_dkk", "delta"]),
    }
    summary = pd.concat(
        [s[list(SUMMARY_COLUMNS) + ["cost_scenario_dkk"]], pd.DataFrame([total])], ignore_index=True
    )
    assumptions = list(
        dict.fromkeys(
            net.meta["assumptions"]
            + ranking.meta["assumptions"]
            + alloc.meta["assumptions"]
            + evaluation.meta["assumptions"]
        )
    )
    meta = {
        "method": "network (PC/ECA) → fireman's-rule ranking → least-cost allocation "
        "(HiGHS) → scenario evaluate on the plan",
        "kommune": code,
        "kommune_name": name,
        "unit_size_m": float(unit_size_m),
        "distance_m": float(distance),
        "buffer_m": float(buffer_m),
        "eca_ha": float(ranking.meta["eca_ha"]),
        "boundary_penalty_dkk_per_m": float(boundary_penalty),
        "min_unit_share": float(min_unit_share),
        "min_unit_share_note": alloc.meta.get("min_unit_share_note"),
        "limitations": [
            "Våd natur placeres efter pris, ikke efter lavbund; se lowland_ha i kandidaterne "
            "og kør lowland screen (wet nature is placed by cost, not by lowland potential; "
            "check lowland_ha of the candidates and run lowland screen).",
            "Ingen tørvekort indlejret: drivhusgas fra organisk jord er ikke i opsummeringen "
            "(no peat map embedded: greenhouse gases from organic soils are not in the "
            "summary; scenario evaluate --carbon adds them).",
        ],
        "solver": {
            k: alloc.meta.get(k)
            for k in (
                "solver",
                "status",
                "mip_gap_pct",
                "seconds",
                "cost_dkk",
                "greedy_cost_dkk",
                "cost_vs_greedy",
            )
        },
        "landcover": alloc.meta["landcover"],
        "classes": ranking.meta["classes"],
        "eca_gain": ranking.meta["eca_gain"],
        "co2": "carbon-stock change of the converted land × 44/12 (t CO2; a stock, not per year)",
        "nki_change": "per type: the municipality's NKI change if only that type were "
        "carried out; total: scenario evaluate's NKI change",
        "assumptions": assumptions,
    }
    return PlanResult(net, ranking, alloc, evaluation, summary, meta)
