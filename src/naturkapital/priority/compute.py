"""Python API: where to act — a least-cost plan that meets area targets in a municipality.

:func:`plan_allocation` builds planning units over an embedded municipality (Basemap04
2021, 100 m), counts each unit's convertible land (farmland by default), allocates the
conversion types (forest, untouched forest, wet nature, dry nature) to meet the
hectare targets at least cost (HiGHS), and returns the plan as scenario polygons that
``naturkapital scenario evaluate`` reads unchanged (``to_class``, ``conv_id``, ``name``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from naturkapital.core.errors import InputError
from naturkapital.priority.allocate import UNIT_ID, allocate
from naturkapital.priority.costs import load_costs
from naturkapital.priority.units import convertible_polygons, grid, municipality, unit_areas

METHOD = ("least-cost allocation to area targets, integer program (HiGHS) / mindste-"
          "omkostningsfordeling til arealmål, heltalsprogram")


@dataclass
class PriorityPlan:
    """``plan``: the scenario polygons (one per converted unit: conv_id, name, to_class,
    conversion, unit_id, area_ha, cost_dkk); ``summary``: one row per conversion type
    (target, allocated ha and cost, greedy ha and cost); ``units``: every planning unit
    with its land-type areas; ``meta``: method, solver status, gap, costs, assumptions."""

    plan: gpd.GeoDataFrame
    summary: pd.DataFrame
    units: gpd.GeoDataFrame
    meta: dict = field(default_factory=dict)


def plan_allocation(kommune: str, forest_ha: float = 0.0, untouched_forest_ha: float = 0.0,
                    wet_nature_ha: float = 0.0, dry_nature_ha: float = 0.0,
                    unit_size_m: float = 500.0, budget: float | None = None,
                    lock_in: list[str] | tuple[str, ...] | None = None,
                    lock_out: list[str] | tuple[str, ...] | None = None,
                    convertible: list[str] | tuple[str, ...] | None = None,
                    costs: str | Path | None = None,
                    time_limit: float = 60.0, boundary_penalty: float = 0.0,
                    staged: bool = False, maximise_eca: bool = False,
                    distance: float = 1000.0, ranking=None,
                    min_unit_share: float = 0.0) -> PriorityPlan:
    """The least-cost plan for kommune ``kommune`` meeting the hectare targets.

    ``boundary_penalty`` (DKK per metre of the plan's outer edge) asks for compact plans;
    ``staged`` follows the fireman's order (buffer/connect land before new nature) and
    ``maximise_eca`` spends the ``budget`` on the most ECA gain (the targets then are
    floors); the last two build the ecological network at ``distance`` m, unless a
    ``ranking`` (:class:`~naturkapital.priority.rank.Ranking` of the same grid) is given.
    Costs are the scenario's cost model (:mod:`naturkapital.priority.costs`).
    ``min_unit_share`` (0–1): only units whose convertible land is at least this share
    of their area are candidates (whole blocks of farmland rather than scraps), unless
    those cannot meet the targets — then every unit is a candidate and meta says so."""
    from naturkapital.landcover.sources import resolve_landcover

    lc = resolve_landcover("basemap2021")
    conv = tuple(convertible or ("mark",))
    table = load_costs(costs, conv)
    import rasterio

    with rasterio.open(lc.path) as ds:
        crs = ds.crs
    code, name, geom = municipality(kommune, crs)
    units = grid(geom, float(unit_size_m), crs)
    areas = unit_areas(units, lc, conv)
    targets = {"forest": forest_ha, "untouched_forest": untouched_forest_ha,
               "wet_nature": wet_nature_ha, "dry_nature": dry_nature_ha}
    extra_meta: dict = {}
    given_out = tuple(lock_out or ())
    if min_unit_share > 0:
        lock_out, extra_meta = _small_units_out(areas, targets, float(min_unit_share),
                                                lock_in, lock_out)
    extras = None
    if boundary_penalty > 0 or staged or maximise_eca:
        from naturkapital.priority.allocate import Extras, shared_edges

        stage = gain = None
        if staged or maximise_eca:
            if ranking is None:
                from naturkapital.priority.network import build_network
                from naturkapital.priority.rank import rank_units

                ranking = rank_units(build_network(code, [distance]), units,
                                     distance=distance)
            ranked = units[[UNIT_ID]].merge(ranking.units.drop(columns="geometry"),
                                            on=UNIT_ID, how="left")
            stage = np.where(ranked["fireman_class"].to_numpy() == 2, 2, 3)
            gain = ranked["eca_gain_ha"].fillna(0.0).to_numpy()
            extra_meta |= {"eca_ha": float(ranking.meta["eca_ha"]),
                          "distance_m": float(ranking.meta["distance_m"])}
        extras = Extras(shared_edges(units) if boundary_penalty > 0 else None,
                        units.geometry.length.to_numpy(), float(boundary_penalty),
                        gain, maximise_eca, stage if staged else None)

    def solve(out: tuple[str, ...]):
        if extras is not None:
            from naturkapital.priority.allocate import allocate_units

            return allocate_units(areas[[UNIT_ID, "available_ha"]], table.conversions,
                                  targets, extras, tuple(lock_in or ()), out, budget,
                                  time_limit)
        return allocate(areas[[UNIT_ID, "available_ha"]], table.conversions, targets,
                        tuple(lock_in or ()), out, budget, time_limit)

    try:
        alloc = solve(tuple(lock_out or ()))
    except InputError:
        if tuple(lock_out or ()) == given_out:
            raise
        alloc = solve(given_out)  # whole blocks alone cannot meet the targets
        extra_meta |= {"units_below_share_excluded": 0, "min_unit_share_note":
                       f"relaxed: units with ≥ {min_unit_share:.0%} convertible land "
                       "cannot meet the targets with whole units"}
    if len(conv) > 1:
        _exact_costs(alloc, areas, table)
    chosen = units[units[UNIT_ID].isin(alloc.plan[UNIT_ID])]
    polys = convertible_polygons(chosen, lc, conv)
    plan = polys.merge(alloc.plan, on=UNIT_ID, how="inner")
    plan.insert(0, "conv_id", plan[UNIT_ID] + ":" + plan["conversion"])
    labels = {k: c.label for k, c in table.conversions.items()}
    plan.insert(1, "name", [f"{labels[c]} ({u})" for c, u in
                            zip(plan["conversion"], plan[UNIT_ID], strict=True)])
    plan["geometry_ha"] = plan.geometry.area / 10_000.0
    plan = plan[["conv_id", "name", "to_class", "conversion", UNIT_ID, "area_ha",
                 "geometry_ha", "cost_dkk", "geometry"]].reset_index(drop=True)
    unit_gdf = units.merge(areas, on=UNIT_ID)
    unit_gdf["conversion"] = unit_gdf[UNIT_ID].map(
        alloc.plan.set_index(UNIT_ID)["conversion"]).fillna("")
    meta = {"method": METHOD, "kommune": code, "kommune_name": name,
            "landcover": lc.label, "unit_size_m": float(unit_size_m),
            "convertible_land_types": list(conv), "cost_table": table.source,
            "cost_model": "scenario evaluate's cost model: rewetting at Klimaskovfonden's "
                          "maximum support, other changes at the establishment cost per ha "
                          "of the target land type (services/costs.py)",
            "assumptions": table.assumptions, **extra_meta, **alloc.meta}
    return PriorityPlan(gpd.GeoDataFrame(plan, geometry="geometry", crs=crs),
                        alloc.summary, unit_gdf, meta)


def _exact_costs(alloc, areas: pd.DataFrame, table) -> None:
    """With several convertible land types the optimiser priced each conversion at its
    highest rate; the plan's cost is recomputed per unit as Σ land-type ha × rate."""
    a = areas.set_index(UNIT_ID)
    plan = alloc.plan
    plan["cost_dkk"] = [sum(float(a.at[u, f"{lt}_ha"]) * r
                            for lt, r in table.rates[c].items())
                        for u, c in zip(plan[UNIT_ID], plan["conversion"], strict=True)]
    by = plan.groupby("conversion")["cost_dkk"].sum()
    alloc.summary["cost_dkk"] = alloc.summary["conversion"].map(by).fillna(0.0)
    alloc.meta["cost_dkk"] = float(plan["cost_dkk"].sum())


def _small_units_out(areas: pd.DataFrame, targets: dict[str, float], share: float,
                     lock_in, lock_out) -> tuple[tuple[str, ...], dict]:
    """``lock_out`` plus the units whose convertible share is below ``share`` — when the
    remaining units can still meet the targets together."""
    if not 0 <= share <= 1:
        raise InputError("--min-unit-share", f"must be between 0 and 1, found {share:g}")
    keep = set(map(str, lock_in or ()))
    small = areas.loc[(areas["available_ha"] < share * areas["area_ha"])
                      & ~areas[UNIT_ID].isin(keep), UNIT_ID]
    left = areas.loc[~areas[UNIT_ID].isin(small), "available_ha"].sum()
    need = sum(float(v or 0.0) for v in targets.values())
    if left >= need:
        return tuple(lock_out or ()) + tuple(small), {
            "min_unit_share": share, "units_below_share_excluded": int(len(small))}
    return tuple(lock_out or ()), {
        "min_unit_share": share, "units_below_share_excluded": 0,
        "min_unit_share_note": f"relaxed: units with ≥ {share:.0%} convertible land hold "
                               f"{left:,.1f} ha, less than the targets ({need:,.1f} ha)"}
