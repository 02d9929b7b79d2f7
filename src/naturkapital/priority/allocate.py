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
#: Per-unit programs with this many variables or more skip HiGHS's presolve.
PRESOLVE_MAX = 50_000


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


# --- Per-unit model: boundary penalty, ECA gain, staged (fireman's order) -------------

def shared_edges(units: pd.DataFrame) -> pd.DataFrame:
    """Shared boundary length (m) between planning units that touch: ``a``, ``b`` (row
    positions, a < b) and ``length_m``; ``units`` is a GeoDataFrame."""
    import geopandas as gpd

    g = gpd.GeoDataFrame({"pos": np.arange(len(units))}, geometry=units.geometry.values,
                         crs=units.crs)
    pairs = gpd.sjoin(g, g, predicate="touches")
    pairs = pairs[pairs["pos_left"] < pairs["pos_right"]]
    a = pairs["pos_left"].to_numpy()
    b = pairs["pos_right"].to_numpy()
    geo = g.geometry.values
    length = np.asarray([geo[i].intersection(geo[j]).length for i, j in zip(a, b, strict=True)])
    keep = length > 0
    return pd.DataFrame({"a": a[keep], "b": b[keep], "length_m": length[keep]})


@dataclass(frozen=True)
class Extras:
    """What the per-unit model adds to :func:`allocate`.

    ``edges``: shared edges (``a``, ``b`` row positions, ``length_m``) and ``perimeter_m``
    per unit, with ``boundary_penalty`` DKK per metre of the plan's exposed boundary
    (prioritizr's linearisation: Σ_i b·P_i x_i − 2 b Σ_ij L_ij z_ij, z_ij ≤ x_i, z_ij ≤
    x_j); ``eca_gain``: ha of ECA gained per unit converted, maximised within the budget
    when ``maximise_eca`` or at least ``eca_floor`` at least cost; ``stage``: fireman's
    class per unit — class 2 land is used
    before any class 3 land (first the fewest class-3 hectares, then the least cost)."""

    edges: pd.DataFrame | None = None
    perimeter_m: np.ndarray | None = None
    boundary_penalty: float = 0.0
    eca_gain: np.ndarray | None = None
    maximise_eca: bool = False
    stage: np.ndarray | None = None
    #: Least ECA gain (ha) the plan must give (Σ eca_gain_i x_i ≥ floor), at least cost.
    eca_floor: float | None = None


def _unit_milp(a: np.ndarray, cost: np.ndarray, targets: np.ndarray, lo: np.ndarray,
               edges: tuple[np.ndarray, np.ndarray, np.ndarray], perim: np.ndarray,
               b: float, gain: np.ndarray | None, budget: float | None,
               cap3: tuple[np.ndarray, float] | None, time_limit: float, gap: float,
               objective: np.ndarray | None = None,
               floor: tuple[np.ndarray, float] | None = None):
    """Binary x[f, c] for free units f and continuous z[e] for shared edges."""
    nf, nc = cost.shape
    ea, eb, el = edges
    ne = len(ea)
    nx = nf * nc
    cols = np.arange(nx)
    f_of, c_of = cols // nc, cols % nc
    if objective is not None:
        obj_x = objective
    elif gain is not None:
        obj_x = -np.repeat(gain, nc)
    else:
        obj_x = cost.ravel().copy()
    obj_x = obj_x + b * np.repeat(perim, nc)
    obj = np.concatenate([obj_x, -2.0 * b * el])
    n = nx + ne
    rows = []
    tmask = targets > 0
    if tmask.any():
        m = tmask[c_of]
        a_t = sparse.csr_matrix((a[f_of][m], (np.searchsorted(np.flatnonzero(tmask),
                                                               c_of[m]), cols[m])),
                                shape=(int(tmask.sum()), n))
        rows.append(LinearConstraint(a_t, targets[tmask], np.inf))
    lower = np.zeros(n)
    if nc == 1:  # one type: "at most one type per unit" is the variable's bound
        lower[:nx] = lo
    else:
        a_u = sparse.csr_matrix((np.ones(nx), (f_of, cols)), shape=(nf, n))
        rows.append(LinearConstraint(a_u, lo, 1.0))
    if budget is not None:
        rows.append(LinearConstraint(sparse.csr_matrix(
            np.concatenate([cost.ravel(), np.zeros(ne)])[None, :]), -np.inf, budget))
    if ne:
        e = np.arange(ne)
        for side in (ea, eb):
            r = np.concatenate([np.repeat(e, nc), e])
            c = np.concatenate([(side[:, None] * nc + np.arange(nc)[None, :]).ravel(),
                                nx + e])
            v = np.concatenate([-np.ones(ne * nc), np.ones(ne)])
            rows.append(LinearConstraint(sparse.csr_matrix((v, (r, c)), shape=(ne, n)),
                                         -np.inf, 0.0))
    if floor is not None:
        fg, fv = floor
        rows.append(LinearConstraint(sparse.csr_matrix(
            np.concatenate([np.repeat(fg, nc), np.zeros(ne)])[None, :]), fv, np.inf))
    if cap3 is not None:
        in3, h = cap3
        rows.append(LinearConstraint(sparse.csr_matrix(
            np.concatenate([np.repeat(a * in3, nc), np.zeros(ne)])[None, :]), -np.inf, h))
    integrality = np.concatenate([np.ones(nx), np.zeros(ne)])
    # HiGHS's presolve on tens of thousands of binaries in a few dense rows ran past the
    # time limit (bench priority, 81 527 units: > 60 s in presolve); those programs go
    # to the LP and branch-and-bound directly.
    res = milp(obj, constraints=rows, integrality=integrality,
               bounds=Bounds(lower, np.ones(n)),
               options={"time_limit": float(time_limit), "mip_rel_gap": float(gap),
                        "disp": False, "presolve": n < PRESOLVE_MAX})
    status = {0: "optimal (within the gap tolerance)", 1: "time limit (best plan found)",
              2: "infeasible", 3: "unbounded", 4: "solver error"}.get(res.status, str(res.status))
    if res.x is None or res.status not in (0, 1):
        return None, status
    return res, status


def plan_boundary(x: np.ndarray, perim: np.ndarray, edges: pd.DataFrame | None) -> float:
    """Exposed boundary (m) of the chosen units ``x`` (bool per unit): their perimeters
    less twice the edges they share."""
    sel = np.asarray(x, dtype=bool)
    shared = 0.0
    if edges is not None and len(edges):
        ea, eb = edges["a"].to_numpy(), edges["b"].to_numpy()
        shared = float(edges["length_m"].to_numpy()[sel[ea] & sel[eb]].sum())
    return float(perim[sel].sum()) - 2 * shared


def greedy_adaptive(avail: np.ndarray, cost: np.ndarray, targets: np.ndarray,
                    free: np.ndarray, in_mask: np.ndarray, perim: np.ndarray,
                    edges: pd.DataFrame | None, b: float,
                    rank: np.ndarray | None = None) -> np.ndarray | None:
    """Greedy baseline for the per-unit model: repeatedly the (unit, type) with the least
    marginal objective per hectare — cost + b × the boundary it adds (its perimeter less
    twice its edges shared with units already chosen) — while that type's target is
    unmet; ``rank`` (e.g. the fireman's class) orders first. Locked-in units first."""
    import heapq

    nu, nc = cost.shape
    nbr: list[list[tuple[int, float]]] = [[] for _ in range(nu)]
    if edges is not None:
        for i, j, ln in edges[["a", "b", "length_m"]].itertuples(index=False):
            nbr[int(i)].append((int(j), float(ln)))
            nbr[int(j)].append((int(i), float(ln)))
    shared = np.zeros(nu)
    left = np.asarray(targets, dtype=float).copy()
    choice = np.zeros((nu, nc), dtype=bool)
    taken = ~free.copy()
    rk = np.zeros(nu) if rank is None else np.asarray(rank, dtype=float)

    def key(i: int, c: int) -> tuple[float, float]:
        return (rk[i], (cost[i, c] + b * (perim[i] - 2 * shared[i])) / avail[i])

    def take(i: int, c: int) -> None:
        choice[i, c], taken[i] = True, True
        left[c] -= avail[i]
        for j, ln in nbr[i]:
            shared[j] += ln
            if not taken[j]:
                for cc in range(nc):
                    heapq.heappush(heap, (*key(j, cc), j, cc))

    heap: list[tuple[float, float, int, int]] = []
    for i in np.flatnonzero(in_mask & free):
        c = int(np.argmin([key(int(i), cc)[1] if left[cc] > 0 else np.inf
                           for cc in range(nc)]))
        take(int(i), c)
    for i in np.flatnonzero(free & ~taken & (avail > 0)):
        for c in range(nc):
            heap.append((*key(int(i), c), int(i), c))
    heapq.heapify(heap)
    while heap and (left > 1e-9).any():
        r, k, i, c = heapq.heappop(heap)
        if taken[i] or left[c] <= 1e-9:
            continue
        if (r, k) != key(i, c):
            heapq.heappush(heap, (*key(i, c), i, c))
            continue
        take(i, c)
    return choice if (left <= 1e-9).all() else None


def greedy_eca(cost: np.ndarray, gain: np.ndarray, free: np.ndarray, budget: float
               ) -> np.ndarray:
    """Greedy for the ECA objective: units by ECA gain per DKK, each if it still fits in
    the budget (type 0)."""
    nu = len(gain)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(free & (cost[:, 0] > 0), gain / cost[:, 0], -np.inf)
    choice = np.zeros(cost.shape, dtype=bool)
    spent = 0.0
    for i in np.argsort(-ratio, kind="stable"):
        if not free[i] or gain[i] <= 0:
            continue
        if spent + cost[i, 0] <= budget + 1e-9:
            choice[i, 0] = True
            spent += cost[i, 0]
    return choice[:nu]


def top_up_eca(choice: np.ndarray, cost: np.ndarray, gain: np.ndarray, free: np.ndarray,
               floor: float) -> np.ndarray | None:
    """Greedy second phase for an ECA floor: add free units not yet chosen, the most ECA
    gain per DKK first (cheapest type), until the plan's gain reaches ``floor``."""
    out = choice.copy()
    got = float(gain[out.any(axis=1)].sum())
    c = np.argmin(cost, axis=1)
    cheapest = cost[np.arange(len(c)), c]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(free & ~out.any(axis=1) & (gain > 0), gain / cheapest, -np.inf)
    for i in np.argsort(-ratio, kind="stable"):
        if got >= floor - 1e-9 or not np.isfinite(ratio[i]):
            break
        out[i, c[i]] = True
        got += gain[i]
    return out if got >= floor - 1e-9 else None


def allocate_units(units: pd.DataFrame, conversions: dict[str, Conversion],
                   targets: dict[str, float], extras: Extras, locked_in: tuple[str, ...] = (),
                   locked_out: tuple[str, ...] = (), budget: float | None = None,
                   time_limit: float = 60.0, gap: float = 0.01,
                   eca_type: str = "forest") -> Allocation:
    """The per-unit program (one binary per unit × type): :func:`allocate`'s model plus a
    boundary penalty, an ECA-gain objective or the staged fireman's order
    (:class:`Extras`). Beside it the greedy baseline on the same objective."""
    ids = units[UNIT_ID].astype(str).to_numpy()
    avail = units["available_ha"].to_numpy(dtype=float)
    known = set(ids.tolist())
    _check_ids(tuple(map(str, locked_in)), known, "--lock-in")
    _check_ids(tuple(map(str, locked_out)), known, "--lock-out")
    out_mask = np.isin(ids, list(map(str, locked_out)))
    in_mask = np.isin(ids, list(map(str, locked_in)))
    free = ~out_mask & (avail > 0)
    if extras.maximise_eca:
        if budget is None:
            raise InputError("--budget", "maximising the ECA gain needs a budget")
        if extras.eca_gain is None or len(extras.eca_gain) != len(ids):
            raise InputError("eca gain", "maximising the ECA gain needs one gain per unit")
        if eca_type not in conversions:
            raise InputError("--target", f"no costs for conversion type {eca_type}")
        wanted = {k: float(v) for k, v in targets.items() if v and v > 0}
        if any(k not in conversions for k in wanted):
            wanted = _check_targets(targets, conversions, avail, free)
        keys = list(wanted) or [eca_type]
    else:
        wanted = _check_targets(targets, conversions, avail, free)
        keys = list(wanted)
    nu, nc = len(ids), len(keys)
    rate = np.array([conversions[k].dkk_per_ha for k in keys])
    fixed = np.array([conversions[k].dkk_per_unit for k in keys])
    cost = avail[:, None] * rate[None, :] + fixed[None, :]
    tvec = np.array([wanted.get(k, 0.0) for k in keys])
    perim = (np.zeros(nu) if extras.perimeter_m is None
             else np.asarray(extras.perimeter_m, dtype=float))
    b = float(extras.boundary_penalty)
    if b < 0 or not np.isfinite(b):
        raise InputError("--boundary-penalty", f"must be ≥ 0 DKK/m, found {b}")
    if b > 0 and (extras.edges is None or extras.perimeter_m is None):
        raise InputError("--boundary-penalty", "needs the units' shared edges and perimeters")
    sel = np.flatnonzero(free)
    pos = np.full(nu, -1)
    pos[sel] = np.arange(len(sel))
    if extras.edges is not None and len(extras.edges) and b > 0:
        ea, eb = extras.edges["a"].to_numpy(), extras.edges["b"].to_numpy()
        ok = (pos[ea] >= 0) & (pos[eb] >= 0)
        edges = (pos[ea[ok]], pos[eb[ok]], extras.edges["length_m"].to_numpy()[ok])
    else:
        edges = (np.zeros(0, int), np.zeros(0, int), np.zeros(0))
    lo = in_mask[sel].astype(float)
    gain = None if not extras.maximise_eca else np.asarray(extras.eca_gain, float)[sel]
    args = (avail[sel], cost[sel], tvec, lo, edges, perim[sel], b, gain, budget)
    t0 = time.perf_counter()
    cap3 = None
    if extras.stage is not None:
        in3 = (np.asarray(extras.stage)[sel] >= 3).astype(float)
        first, status = _unit_milp(*args[:8], budget, None, time_limit, gap,
                                   objective=np.repeat(avail[sel] * in3, nc))
        if first is None:
            raise InputError("targets", f"the targets cannot be met ({status})")
        h = float(np.round(first.x[:len(sel) * nc]).reshape(len(sel), nc).sum(axis=1)
                  @ (avail[sel] * in3))
        cap3 = (in3, h + 1e-6)
    floor = None
    if extras.eca_floor is not None:
        if extras.eca_gain is None or len(extras.eca_gain) != len(ids):
            raise InputError("eca gain", "an ECA floor needs one gain per unit")
        if np.asarray(extras.eca_gain, float)[free].sum() < extras.eca_floor:
            raise InputError("--eca-floor", f"an ECA gain of {extras.eca_floor:,.1f} ha "
                                            "exceeds what all free units can give")
        floor = (np.asarray(extras.eca_gain, float)[sel], float(extras.eca_floor))
    res, status = _unit_milp(*args, cap3, time_limit, gap, floor=floor)
    seconds = time.perf_counter() - t0
    if res is None:
        if budget is not None:
            raise InputError("--budget", f"a budget of {budget:,.0f} DKK cannot meet the "
                                         "targets")
        raise InputError("targets", f"the targets cannot be met with whole planning units "
                                    f"({status})")
    x = np.zeros((nu, nc), dtype=bool)
    x[sel] = np.round(res.x[:len(sel) * nc]).reshape(len(sel), nc) > 0.5
    if extras.maximise_eca:
        g_choice = greedy_eca(cost, np.asarray(extras.eca_gain, float), free, float(budget))
    else:
        rank = None if extras.stage is None else np.asarray(extras.stage, dtype=float)
        g_choice = greedy_adaptive(avail, cost, tvec, free, in_mask, perim,
                                   extras.edges if b > 0 else None, b, rank)
        if g_choice is not None and floor is not None:
            g_choice = top_up_eca(g_choice, cost, np.asarray(extras.eca_gain, float), free,
                                  float(extras.eca_floor))
    plan = _plan(ids, avail, cost, x, keys, conversions)

    def score(ch: np.ndarray | None) -> dict:
        if ch is None:
            return {"cost": None, "boundary": None, "objective": None, "eca": None}
        c = float(cost[ch].sum())
        bd = plan_boundary(ch.any(axis=1), perim, extras.edges)
        eg = (None if extras.eca_gain is None
              else float(np.asarray(extras.eca_gain, float)[ch.any(axis=1)].sum()))
        return {"cost": c, "boundary": bd, "objective": c + b * bd, "eca": eg}

    mine, base = score(x), score(g_choice)
    rows = []
    for c, k in enumerate(keys):
        rows.append({
            "conversion": k, "label": conversions[k].label,
            "to_class": conversions[k].to_class, "target_ha": float(tvec[c]),
            "allocated_ha": float(avail[x[:, c]].sum()), "units": int(x[:, c].sum()),
            "cost_dkk": float(cost[:, c][x[:, c]].sum()),
            "greedy_ha": None if g_choice is None else float(avail[g_choice[:, c]].sum()),
            "greedy_cost_dkk": (None if g_choice is None
                                else float(cost[:, c][g_choice[:, c]].sum())),
        })
    if extras.maximise_eca:
        ratio = (mine["eca"] / base["eca"]) if base["eca"] else None
    else:
        ratio = (mine["objective"] / base["objective"]) if base["objective"] else None
    meta = {
        "solver": "HiGHS (scipy.optimize.milp), one binary per unit", "status": status,
        "cost_dkk": mine["cost"], "boundary_m": mine["boundary"],
        "objective": mine["objective"], "boundary_penalty_dkk_per_m": b,
        "eca_gain_ha": mine["eca"], "eca_floor_ha": extras.eca_floor,
        "mip_gap_pct": (float(res.mip_gap) * 100 if getattr(res, "mip_gap", None) is not None
                        else None),
        "greedy_cost_dkk": base["cost"], "greedy_boundary_m": base["boundary"],
        "greedy_objective": base["objective"], "greedy_eca_gain_ha": base["eca"],
        "cost_vs_greedy": None if extras.maximise_eca else ratio,
        "eca_vs_greedy": ratio if extras.maximise_eca else None,
        "seconds": seconds, "units": int(nu), "candidate_units": int(free.sum()),
        "budget_dkk": budget, "staged": extras.stage is not None,
        "class3_ha": (None if cap3 is None else float(avail[x.any(axis=1) &
                                                            (np.asarray(extras.stage) >= 3)]
                                                      .sum())),
        "locked_in": list(map(str, locked_in)), "locked_out": list(map(str, locked_out)),
    }
    return Allocation(plan, pd.DataFrame(rows), meta)
