"""Allocation to area targets at least cost: an integer program solved with HiGHS.

Each planning unit ``i`` has ``a_i`` hectares of convertible land (farmland by
default). A binary ``x[i, c]`` converts all of it to conversion type ``c`` at cost
``a_i · rate_c + fixed_c`` (DKK/ha and DKK per unit from the cost table). The
program::

    minimise   Σ cost[i, c] · x[i, c]
    subject to Σ_i a_i · x[i, c] ≥ target_c          for every type with a target
               Σ_c x[i, c] ≤ 1   (= 1 when unit i is locked in, = 0 when locked out)
               Σ cost[i, c] · x[i, c] ≤ budget     (optional)

is solved by HiGHS through :func:`scipy.optimize.milp`; the relative MIP gap is
reported. Beside it a greedy baseline takes (unit, type) pairs cheapest cost per
hectare first until every target is met, so the plan's saving is visible.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from naturkapital.core.errors import InputError
from naturkapital.priority.costs import Conversion

UNIT_ID = "unit_id"


@dataclass
class Allocation:
    """A plan: the units chosen (``plan``: unit_id, conversion, to_class, area_ha,
    cost_dkk), the summary per conversion type (``summary``) and the solver's record
    (``meta``: status, cost, gap, greedy cost, seconds)."""

    plan: pd.DataFrame
    summary: pd.DataFrame
    meta: dict = field(default_factory=dict)


def _check_ids(ids: tuple[str, ...], known: set[str], flag: str) -> None:
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise InputError(flag, f"unknown planning unit(s) {', '.join(unknown[:5])} (ids are "
                               "the unit_id of the units, e.g. 'r12c7')")


def _check_targets(targets: dict[str, float], conversions: dict[str, Conversion],
                   avail: np.ndarray, free: np.ndarray) -> dict[str, float]:
    wanted = {k: float(v) for k, v in targets.items() if v is not None and v > 0}
    unknown = [k for k in wanted if k not in conversions]
    if unknown:
        raise InputError("--target", f"no costs for conversion type {', '.join(unknown)}; the "
                                     f"cost table has {', '.join(conversions)}")
    if not wanted:
        raise InputError("--target", "give at least one area target above 0 ha, e.g. "
                                     "--forest-ha 50")
    total = float(avail[free].sum())
    for k, t in wanted.items():
        if t > total + 1e-9:
            raise InputError(f"target {k}", f"{t:,.1f} ha of {k} exceeds the available "
                                            f"convertible land ({total:,.1f} ha) by "
                                            f"{t - total:,.1f} ha")
    need = sum(wanted.values())
    if need > total + 1e-9:
        raise InputError("targets", f"the targets together ({need:,.1f} ha) exceed the "
                                    f"available convertible land ({total:,.1f} ha) by "
                                    f"{need - total:,.1f} ha")
    return wanted


def allocate(units: pd.DataFrame, conversions: dict[str, Conversion],
             targets: dict[str, float], locked_in: tuple[str, ...] = (),
             locked_out: tuple[str, ...] = (), budget: float | None = None,
             time_limit: float = 60.0, gap: float = 0.01) -> Allocation:
    """Choose units × conversion types that meet ``targets`` (ha per type) at least cost.

    ``units``: ``unit_id`` and ``available_ha`` (convertible land). Raises
    :class:`InputError` naming the target when it exceeds the available land, and when
    the budget or whole units cannot meet the targets.
    """
    ids = units[UNIT_ID].astype(str).to_numpy()
    avail = units["available_ha"].to_numpy(dtype=float)
    known = set(ids.tolist())
    _check_ids(tuple(map(str, locked_in)), known, "--lock-in")
    _check_ids(tuple(map(str, locked_out)), known, "--lock-out")
    both = set(map(str, locked_in)) & set(map(str, locked_out))
    if both:
        raise InputError("--lock-in", f"unit(s) {', '.join(sorted(both)[:5])} are both locked "
                                      "in and locked out")
    out_mask = np.isin(ids, list(map(str, locked_out)))
    in_mask = np.isin(ids, list(map(str, locked_in)))
    free = ~out_mask & (avail > 0)
    wanted = _check_targets(targets, conversions, avail, free)
    keys = list(wanted)
    nu, nc = len(ids), len(keys)
    rate = np.array([conversions[k].dkk_per_ha for k in keys])
    fixed = np.array([conversions[k].dkk_per_unit for k in keys])
    cost = (avail[:, None] * rate[None, :] + fixed[None, :]).ravel()  # k = i * nc + c
    # Units with the same convertible area (and lock) are interchangeable: one integer
    # variable per (group, type) counts how many of them convert — far fewer variables
    # and no symmetry for the solver to explore.
    sel = np.flatnonzero(free)
    gid = pd.DataFrame({"a": np.round(avail[sel], 6), "lk": in_mask[sel]}).groupby(
        ["a", "lk"], sort=False).ngroup().to_numpy()
    ng = int(gid.max()) + 1 if len(gid) else 0
    ga = np.full(ng, np.inf)
    np.minimum.at(ga, gid, avail[sel])
    cnt = np.bincount(gid, minlength=ng).astype(float)
    glock = np.zeros(ng, dtype=bool)
    glock[gid] = in_mask[sel]
    gcost = (ga[:, None] * rate[None, :] + fixed[None, :]).ravel()
    tlist = [wanted[k] for k in keys]
    lo = np.where(glock, cnt, 0.0)
    t0 = time.perf_counter()
    res, status = _solve(ga, gcost, ng, nc, tlist, lo, cnt, budget, time_limit, gap)
    seconds = time.perf_counter() - t0
    if res is None:
        if budget is not None:
            cheapest, _ = _solve(ga, gcost, ng, nc, tlist, lo, cnt, None, time_limit, gap)
            more = "" if cheapest is None else (f"; the cheapest plan costs "
                                                f"{cheapest.fun:,.0f} DKK")
            raise InputError("--budget", f"a budget of {budget:,.0f} DKK cannot meet the "
                                         f"targets{more}")
        if status.startswith("time limit"):
            raise InputError("--time-limit", f"no plan found within {time_limit:g} s; raise "
                                             "the time limit or use larger planning units")
        raise InputError("targets", f"the targets cannot be met with whole planning units "
                                    f"({status}); use smaller units or lower targets")
    y = np.round(res.x).astype(int).reshape(ng, nc)
    x = np.zeros((nu, nc), dtype=bool)
    order = sel[np.argsort(gid, kind="stable")]
    starts = np.concatenate([[0], np.cumsum(cnt.astype(int))])
    for g in np.flatnonzero(y.sum(axis=1)):
        members, pos = order[starts[g]:starts[g + 1]], 0
        for c in range(nc):
            x[members[pos:pos + y[g, c]], c] = True
            pos += y[g, c]
    g_choice = greedy(avail, cost.reshape(nu, nc), [wanted[k] for k in keys], in_mask, free)
    plan = _plan(ids, avail, cost.reshape(nu, nc), x, keys, conversions)
    g_cost = None if g_choice is None else float(cost.reshape(nu, nc)[g_choice].sum())
    rows = []
    for c, k in enumerate(keys):
        rows.append({
            "conversion": k, "label": conversions[k].label,
            "to_class": conversions[k].to_class, "target_ha": wanted[k],
            "allocated_ha": float(avail[x[:, c]].sum()), "units": int(x[:, c].sum()),
            "cost_dkk": float(cost.reshape(nu, nc)[:, c][x[:, c]].sum()),
            "greedy_ha": None if g_choice is None else float(avail[g_choice[:, c]].sum()),
            "greedy_cost_dkk": (None if g_choice is None
                                else float(cost.reshape(nu, nc)[:, c][g_choice[:, c]].sum())),
        })
    total = float(plan["cost_dkk"].sum())
    meta = {
        "solver": "HiGHS (scipy.optimize.milp)", "status": status,
        "cost_dkk": total,
        "mip_gap_pct": (float(res.mip_gap) * 100 if getattr(res, "mip_gap", None) is not None
                        else None),
        "greedy_cost_dkk": g_cost,
        "cost_vs_greedy": (total / g_cost if g_cost else None),
        "seconds": seconds, "units": int(nu), "candidate_units": int(free.sum()),
        "unit_groups": ng,
        "budget_dkk": budget, "locked_in": list(map(str, locked_in)),
        "locked_out": list(map(str, locked_out)),
    }
    return Allocation(plan, pd.DataFrame(rows), meta)


def _solve(avail: np.ndarray, cost: np.ndarray, ng: int, nc: int, targets: list[float],
           lo: np.ndarray, hi: np.ndarray, budget: float | None, time_limit: float,
           gap: float):
    """The program over unit groups: ``y[g, c]`` integer in [0, hi_g] units of group g
    (each ``avail[g]`` ha) converted to type c; lo_g ≤ Σ_c y[g, c] ≤ hi_g."""
    n = ng * nc
    cols = np.arange(n)
    unit_of, type_of = cols // nc, cols % nc
    # Target rows: Σ_g a_g y[g, c] ≥ T_c
    a_t = sparse.csr_matrix((avail[unit_of], (type_of, cols)), shape=(nc, n))
    # Group rows: Σ_c y[g, c] ≤ n_g (= n_g when locked in)
    a_u = sparse.csr_matrix((np.ones(n), (unit_of, cols)), shape=(ng, n))
    cons = [LinearConstraint(a_t, np.asarray(targets, dtype=float), np.inf),
            LinearConstraint(a_u, lo, hi)]
    if budget is not None:
        cons.append(LinearConstraint(sparse.csr_matrix(cost[None, :]), -np.inf, budget))
    upper = np.repeat(hi, nc)
    lower = np.zeros(n)
    res = milp(cost, constraints=cons, integrality=np.ones(n), bounds=Bounds(lower, upper),
               options={"time_limit": float(time_limit), "mip_rel_gap": float(gap),
                        "disp": False})
    status = {0: "optimal (within the gap tolerance)", 1: "time limit (best plan found)",
              2: "infeasible", 3: "unbounded", 4: "solver error"}.get(res.status, str(res.status))
    if res.x is None or res.status not in (0, 1):
        return None, status
    return res, status


def greedy(avail: np.ndarray, cost: np.ndarray, targets: list[float], in_mask: np.ndarray,
           free: np.ndarray) -> np.ndarray | None:
    """The greedy baseline: (unit, type) pairs cheapest cost per hectare first, each unit
    once, a type only while its target is unmet; locked-in units first. ``None`` when it
    does not meet every target."""
    nu, nc = cost.shape
    left = np.asarray(targets, dtype=float).copy()
    choice = np.zeros((nu, nc), dtype=bool)
    taken = ~free.copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        per_ha = np.where(avail[:, None] > 0, cost / avail[:, None], np.inf)
    for i in np.flatnonzero(in_mask & free):
        order = np.argsort(per_ha[i])
        c = next((int(c) for c in order if left[c] > 0), int(order[0]))
        choice[i, c], taken[i] = True, True
        left[c] -= avail[i]
    flat = np.argsort(per_ha, axis=None, kind="stable")
    for k in flat:
        if (left <= 1e-9).all():
            break
        i, c = divmod(int(k), nc)
        if taken[i] or left[c] <= 1e-9:
            continue
        choice[i, c], taken[i] = True, True
        left[c] -= avail[i]
    return choice if (left <= 1e-9).all() else None


def _plan(ids: np.ndarray, avail: np.ndarray, cost: np.ndarray, x: np.ndarray,
          keys: list[str], conversions: dict[str, Conversion]) -> pd.DataFrame:
    iu, ic = np.nonzero(x)
    return pd.DataFrame({
        UNIT_ID: ids[iu],
        "conversion": [keys[c] for c in ic],
        "to_class": [conversions[keys[c]].to_class for c in ic],
        "area_ha": avail[iu],
        "cost_dkk": cost[iu, ic],
    })
