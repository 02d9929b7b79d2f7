"""``naturkapital bench priority``: the national patch graph at 100 m and a national
allocation with ≥ 50 000 planning units.

1. Network: every nature cell of Denmark (Basemap04 2021, 100 m, plus the 50 m dry/wet
   map) → patches → least-cost planar links → PC and ECA at one dispersal distance
   (dPC connector left out: one re-computation per stepping stone).
2. Allocation: square planning units of ``block`` × ``block`` cells over the whole map
   (every block with land); available = farmland ha; the agreement's national target
   of 250 000 ha new forest (national targets table) at the cost table's rates (one
   conversion type: with two, the 80 000 "one type per unit" rows kept HiGHS past 60 s),
   and an ECA floor: the plan must give at least
   ``eca_factor`` × the ECA gain of the cheapest-per-hectare plan (linearised per-unit
   gains from the national network). Without the floor the plan is separable and the
   cheapest-per-hectare greedy is already (nearly) optimal; the floor couples the units,
   which is what makes the integer program matter. The greedy beside it meets the same
   constraints: cheapest per hectare until the hectare targets are met, then the most
   ECA gain per DKK until the floor is met. (A boundary penalty over ~180 000 shared
   edges did not reach a first plan within 60 s with scipy's HiGHS.)
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from naturkapital.landcover.scheme import load_scheme
from naturkapital.priority.allocate import Extras, allocate_units, greedy_adaptive
from naturkapital.priority.connectivity import decay, eca_gain_attached
from naturkapital.priority.costs import load_costs, load_national_targets
from naturkapital.priority.network import network_from_grid
from naturkapital.priority.patches import nature_grid

FARMLAND = 5


@dataclass
class PriorityBench:
    network_seconds: float
    patches: int
    links: int
    eca_ha: float
    units: int
    seconds: float
    gap_pct: float | None
    cost_vs_greedy: float | None
    meta: dict


def block_units(classes: np.ndarray, inside: np.ndarray, block: int, cell_m: float
                ) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Planning units of ``block`` × ``block`` cells with land: ``unit_id``,
    ``available_ha`` (farmland), their shared edges and perimeters (full squares)."""
    ny, nx = classes.shape
    by, bx = -(-ny // block), -(-nx // block)
    pad = ((0, by * block - ny), (0, bx * block - nx))
    farm = np.pad((classes == FARMLAND) & inside, pad).reshape(by, block, bx, block)
    land = np.pad(inside, pad).reshape(by, block, bx, block)
    farm_ha = farm.sum(axis=(1, 3)) * cell_m * cell_m / 10_000.0
    has = land.any(axis=(1, 3))
    pos = np.full((by, bx), -1)
    pos[has] = np.arange(int(has.sum()))
    rr, cc = np.nonzero(has)
    units = pd.DataFrame({"unit_id": [f"r{r}c{c}" for r, c in zip(rr, cc, strict=True)],
                          "available_ha": farm_ha[has]})
    side = block * cell_m
    a, b = [], []
    for x0, x1 in ((pos[:, :-1], pos[:, 1:]), (pos[:-1, :], pos[1:, :])):
        m = (x0 >= 0) & (x1 >= 0)
        a.append(x0[m])
        b.append(x1[m])
    edges = pd.DataFrame({"a": np.concatenate(a), "b": np.concatenate(b)})
    edges["length_m"] = side
    return units, edges, np.full(len(units), 4 * side)


def block_gains(net, block: int, distance: float) -> np.ndarray:
    """Per block with land (the order of :func:`block_units`): the linearised ECA gain if
    its farmland became forest habitat (value 85) linked to its nearest patch at its
    least-cost distance (:func:`~naturkapital.priority.connectivity.eca_gain_attached`)."""
    g = net.grid
    ny, nx = g.inside.shape
    by, bx = -(-ny // block), -(-nx // block)
    pad = ((0, by * block - ny), (0, bx * block - nx))

    def blocks(a: np.ndarray, fill) -> np.ndarray:
        return np.pad(a, pad, constant_values=fill).reshape(by, block, bx, block).transpose(
            0, 2, 1, 3).reshape(by, bx, block * block)

    farm = blocks((g.classes == FARMLAND) & g.inside & (net.labels == 0), False)
    cost = np.where(farm, blocks(np.nan_to_num(net.field.cost, nan=np.inf), np.inf), np.inf)
    arg = np.argmin(cost, axis=2)
    best = np.take_along_axis(cost, arg[..., None], axis=2)[..., 0]
    patch = np.take_along_axis(blocks(net.field.patch, 0), arg[..., None], axis=2)[..., 0]
    has = blocks(g.inside, False).any(axis=2)
    farm_ha = farm.sum(axis=2) * g.cell_ha
    tag = f"{distance:g}"
    p = net.patches
    reach = np.zeros(int(p["patch_id"].max()) + 1)
    reach[p["patch_id"].to_numpy()] = p[f"reach_{tag}"].to_numpy()
    eca_now = float(net.indices.set_index("distance_m").loc[distance, "eca_ha"])
    k = decay(distance, net.meta["p_at_distance"])
    p_link = np.where(np.isfinite(best), np.exp(-k * np.where(np.isfinite(best), best, 0)), 0)
    gain = np.where(farm_ha > 0, eca_gain_attached(eca_now, farm_ha * 0.85, reach[patch],
                                                   p_link), 0.0)
    return gain[has]


def run_priority_bench(distance: float = 1000.0, min_patch_ha: float = 1.0, block: int = 7,
                       eca_factor: float = 2.0, time_limit: float = 60.0,
                       gap: float = 0.01) -> PriorityBench:
    """Both benchmarks; seconds are wall-clock."""
    t0 = time.perf_counter()
    grid = nature_grid(load_scheme("basemap04"), None)
    net = network_from_grid(grid, [distance], min_patch_ha, connector=False, geometry=False)
    network_seconds = time.perf_counter() - t0
    ix = net.indices.iloc[0]
    units, _, _ = block_units(grid.classes, grid.inside, block, grid.cell_m)
    gain = block_gains(net, block, distance)
    targets = load_national_targets()
    wanted = {"forest": float(targets.loc["new_forest", "value"])}
    conv = load_costs().conversions
    keys = list(wanted)
    avail = units["available_ha"].to_numpy()
    cost = (avail[:, None] * np.array([conv[k].dkk_per_ha for k in keys])[None, :]
            + np.array([conv[k].dkk_per_unit for k in keys])[None, :])
    free = avail > 0
    cheap = greedy_adaptive(avail, cost, np.array([wanted[k] for k in keys]), free,
                            np.zeros(len(avail), bool), np.zeros(len(avail)), None, 0.0)
    floor = eca_factor * float(gain[cheap.any(axis=1)].sum())
    res = allocate_units(units, conv, wanted, Extras(eca_gain=gain, eca_floor=floor),
                         time_limit=time_limit, gap=gap)
    m = res.meta
    meta = {"targets_ha": wanted, "block_m": block * grid.cell_m, "eca_floor_ha": floor,
            "eca_gain_ha": m["eca_gain_ha"], "greedy_eca_gain_ha": m["greedy_eca_gain_ha"],
            "cost_dkk": m["cost_dkk"], "greedy_cost_dkk": m["greedy_cost_dkk"],
            "status": m["status"], "candidate_units": m["candidate_units"],
            "network_eca_ha": float(ix["eca_ha"])}
    return PriorityBench(network_seconds, int(ix["patches"]), int(ix["links"]),
                         float(ix["eca_ha"]), len(units), float(m["seconds"]),
                         m["mip_gap_pct"], m["cost_vs_greedy"], meta)
