"""Multifunctional land consolidation (multifunktionel jordfordeling): the swap plan.

Every parcel goes to one *receiver*: an owner, the project (nature, forest, groundwater
protection) or the land bank (jordbanken: parcels for sale that nobody takes stay
there). The plan is an integer program solved with HiGHS (``scipy.optimize.milp``):

* ``x[i, r] = 1`` when parcel *i* goes to receiver *r*; every parcel goes to exactly
  one receiver;
* parcels inside the project area go to the project, and no other parcel does;
* parcels that must not move stay with their owner;
* an ordinary owner's parcels go to ordinary owners (or the project); the parcels of
  the land bank and of owners who only sell go to ordinary owners or the land bank;
* every ordinary owner receives land worth their original holding ``V`` within the
  tolerance (``(1 - t) V ≤ R ≤ (1 + t) V``); cash settles the rest
  (``R + cash_in - cash_out = V``) and all cash together is at most the maximum
  cash settlement;
* minimise ``w_dist · Σ ha·km to the farm + w_move · parcels that change hands +
  w_cash · cash / 100 000 DKK``.

When the program has no solution the cause is named: the land bank is too small (the
total value short), the tolerance is too tight for an owner (the smallest possible
miss, from an elastic re-solve), or the maximum cash settlement is too low.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import coo_matrix, vstack

from naturkapital.consolidation.bound import LagrangianBound, Relaxation
from naturkapital.consolidation.search import Program, improve, round_split
from naturkapital.core.errors import InputError
from naturkapital.priority.connectivity import eca

#: Receiver names of the project and the land bank (never an owner id).
PROJECT = "__project__"
BANK = "__landbank__"
#: Cash is counted in units of 100 000 DKK in the objective.
CASH_UNIT = 100_000.0
#: Large cases solve with the tolerance band as a soft constraint (so the solver always
#: holds a plan); a miss costs this much per 100 000 DKK and a plan that still misses
#: the band is never returned.
SOFT_PENALTY = 10_000.0
#: Dispersal distance (m) at which two project pieces are linked with probability 0.5,
#: for the project's Equivalent Connected Area.
ECA_DISPERSAL_M = 1000.0
#: From this many candidate pairs on, the soft form is used.
SOFT_FROM_PAIRS = 20_000


@dataclass(frozen=True)
class Weights:
    """Objective weights: per ha·km to the farm, per parcel that changes hands, per
    100 000 DKK of cash settlement."""

    distance: float = 1.0
    move: float = 0.5
    cash: float = 1.0


@dataclass(frozen=True)
class Rules:
    """The rules of a consolidation."""

    tolerance: float = 0.05
    sellers: frozenset[str] = frozenset()
    fixed: frozenset[str] = frozenset()
    max_cash: float | None = None
    weights: Weights = field(default_factory=Weights)
    time_limit: float = 60.0
    mip_gap: float = 0.001
    #: Each parcel may go only to its own owner and the ``nearest`` owners by farm
    #: distance (``None``: any owner) — keeps large cases small; land rarely moves to
    #: a far farm when distance is in the objective.
    nearest: int | None = 12


@dataclass
class Fabric:
    """The parcels of a consolidation, ready for the program.

    ``parcels`` has ``parcel_id``, ``owner`` (``BANK`` for the land bank),
    ``area_ha``, ``value_dkk`` (the parcel's value), ``in_project`` and a geometry in
    a projected CRS (metres). ``farms`` maps each owner to a farm point (x, y).
    """

    parcels: gpd.GeoDataFrame
    farms: dict[str, tuple[float, float]]
    rules: Rules

    @property
    def owners(self) -> list[str]:
        """Ordinary owners: they receive land (not the bank, not the sellers)."""
        own = sorted(set(self.parcels["owner"]) - {BANK} - set(self.rules.sellers))
        return own

    def holding(self) -> pd.Series:
        """Each ordinary owner's original holding value, DKK."""
        p = self.parcels
        return p.groupby("owner")["value_dkk"].sum().reindex(self.owners).fillna(0.0)


@dataclass
class Plan:
    """A swap plan: the receiver of each parcel, the cash per owner and its scores."""

    to: pd.Series  # parcel_id -> receiver
    cash: pd.Series  # owner -> cash paid to the owner (DKK; negative: the owner pays)
    objective: float
    method: str
    seconds: float = 0.0
    gap: float | None = None
    status: str = ""
    parts: dict[str, float] = field(default_factory=dict)


def _dist_km(fabric: Fabric) -> np.ndarray:
    """Distance (km) from every parcel's centroid to every owner's farm."""
    c = fabric.parcels.geometry.centroid
    xy = np.column_stack([c.x.to_numpy(), c.y.to_numpy()])
    farms = np.array([fabric.farms[o] for o in fabric.owners], dtype=float).reshape(-1, 2)
    return np.hypot(xy[:, None, 0] - farms[None, :, 0],
                    xy[:, None, 1] - farms[None, :, 1]) / 1000.0


def _pre_check(fabric: Fabric) -> None:
    """The infeasibilities that need no solver: named, with their size."""
    p, r = fabric.parcels, fabric.rules
    clash = p[p["in_project"] & p["parcel_id"].isin(r.fixed)]
    if len(clash):
        raise InputError("fixed", f"parcel {clash['parcel_id'].iloc[0]} must not move but "
                                  "lies inside the project area; free it or change the area")
    missing = [o for o in fabric.owners if o not in fabric.farms]
    if missing:
        raise InputError("farms", f"no farm point for owner {missing[0]}")
    need = fabric.holding().sum()
    supply = float(p.loc[~p["in_project"], "value_dkk"].sum())
    low = need * (1 - r.tolerance)
    if supply < low - 1e-6:
        mean = float(p["value_dkk"].sum() / max(p["area_ha"].sum(), 1e-9))
        short = low - supply
        raise InputError(
            "land_bank", f"land bank too small: owners need land worth at least "
                         f"{low:,.0f} DKK (holdings −{r.tolerance:.0%}) but only {supply:,.0f}"
                         f" DKK is outside the project area; short by {short:,.0f} DKK "
                         f"(about {short / mean:,.1f} ha at the mean value)")
    if r.max_cash is not None:
        # Every owner must get land worth V ± cash; with little cash the supply must
        # come close to the need from below.
        if supply < need - r.max_cash - 1e-6 and low <= supply:
            short = need - r.max_cash - supply
            raise InputError(
                "max_cash", f"maximum cash settlement too low: owners' holdings are worth "
                            f"{need:,.0f} DKK, land outside the project {supply:,.0f} DKK; "
                            f"the cash needed exceeds the maximum by {short:,.0f} DKK")


def _build(fabric: Fabric, elastic: str | None = None):
    """The program: variables, bounds, constraints and objective.

    Variables: ``x[i, r]`` for the allowed pairs, then ``cash_in[o]``, ``cash_out[o]``
    per owner, then (``elastic``) slack below/above the tolerance band per owner and
    slack on the cash total."""
    p, r = fabric.parcels, fabric.rules
    owners = fabric.owners
    o_index = {o: k for k, o in enumerate(owners)}
    n, m = len(p), len(owners)
    dist = _dist_km(fabric)
    ids = p["parcel_id"].to_numpy()
    own = p["owner"].to_numpy()
    area = p["area_ha"].to_numpy(dtype=float)
    val = p["value_dkk"].to_numpy(dtype=float)
    inproj = p["in_project"].to_numpy(dtype=bool)
    fixed = p["parcel_id"].isin(r.fixed).to_numpy()
    w = r.weights

    pairs: list[tuple[int, str]] = []
    cost: list[float] = []
    near = r.nearest if r.nearest is not None and r.nearest < m else None
    if near is not None:
        order = np.argsort(dist, axis=1, kind="stable")[:, :near]
    for i in range(n):
        if near is None:
            close = list(owners)
        else:
            close = [owners[j] for j in order[i]]
            if own[i] in o_index and own[i] not in close:
                close.append(own[i])
        if inproj[i]:
            options = [PROJECT]
        elif fixed[i] and own[i] in o_index:
            options = [own[i]]
        elif own[i] in o_index:
            options = close
        else:  # land bank and sellers
            options = [*close, BANK]
        for rc in options:
            c = 0.0
            if rc in o_index:
                c += w.distance * area[i] * dist[i, o_index[rc]]
            if rc != PROJECT and rc != own[i] and not (rc == BANK and own[i] == BANK):
                c += w.move
            pairs.append((i, rc))
            cost.append(c)
    nx = len(pairs)
    n_el = 2 * m + 1 if elastic else 0
    nv = nx + 2 * m + n_el
    c_vec = np.zeros(nv)
    if elastic == "only":
        big = 1.0 / max(val.sum(), 1.0)
        c_vec[nx + 2 * m:] = big
    else:
        c_vec[:nx] = cost
        c_vec[nx:nx + 2 * m] = w.cash / CASH_UNIT
        if elastic:  # "soft": a miss of the band costs SOFT_PENALTY per 100 000 DKK
            c_vec[nx + 2 * m:] = SOFT_PENALTY / CASH_UNIT
    lb = np.zeros(nv)
    ub = np.ones(nv)
    ub[nx:] = np.inf
    integrality = np.zeros(nv)
    integrality[:nx] = 1

    rows, cols, data, lo, hi = [], [], [], [], []
    row = 0
    # each parcel to exactly one receiver
    for k, (i, _) in enumerate(pairs):
        rows.append(i)
        cols.append(k)
        data.append(1.0)
    lo += [1.0] * n
    hi += [1.0] * n
    row = n
    hold = fabric.holding().to_numpy()
    tol = r.tolerance
    recv_rows: dict[int, list[int]] = {k: [] for k in range(m)}
    for k, (_i, rc) in enumerate(pairs):
        if rc in o_index:
            recv_rows[o_index[rc]].append(k)

    def value_row(j: int, extra: list[tuple[int, float]], low: float, high: float) -> None:
        """One row: the value owner ``j`` receives (+ extra columns) within low..high."""
        nonlocal row
        for k in recv_rows[j]:
            rows.append(row)
            cols.append(k)
            data.append(val[pairs[k][0]])
        for c, coef in extra:
            rows.append(row)
            cols.append(c)
            data.append(coef)
        lo.append(low)
        hi.append(high)
        row += 1

    for j in range(m):
        # value balance: R + cash_in - cash_out = V
        value_row(j, [(nx + j, 1.0), (nx + m + j, -1.0)], hold[j], hold[j])
        # tolerance band: (1 - t) V <= R (+ slack_lo) ; R (- slack_hi) <= (1 + t) V
        value_row(j, [(nx + 2 * m + j, 1.0)] if elastic else [], hold[j] * (1 - tol), np.inf)
        value_row(j, [(nx + 3 * m + j, -1.0)] if elastic else [], -np.inf, hold[j] * (1 + tol))
    if r.max_cash is not None:
        for j in range(m):
            rows += [row, row]
            cols += [nx + j, nx + m + j]
            data += [1.0, 1.0]
        if elastic:
            rows.append(row)
            cols.append(nv - 1)
            data.append(-1.0)
        lo.append(-np.inf)
        hi.append(r.max_cash)
        row += 1
    a = coo_matrix((data, (rows, cols)), shape=(row, nv)).tocsr()
    cons = LinearConstraint(a, np.array(lo), np.array(hi))
    return {"pairs": pairs, "c": c_vec, "cons": cons, "bounds": Bounds(lb, ub),
            "integrality": integrality, "nx": nx, "m": m, "ids": ids, "owners": owners,
            "cost": np.array(cost)}


def _diagnose(fabric: Fabric) -> InputError:
    """Why the program has no solution: the elastic re-solve names the owner (or the
    cash total) that misses most, and by how much."""
    b = _build(fabric, elastic="only")
    res = milp(b["c"], constraints=b["cons"], bounds=b["bounds"],
               integrality=b["integrality"],
               options={"time_limit": fabric.rules.time_limit, "disp": False})
    if res.x is None:
        return InputError("rules", "the swap plan has no solution (the solver found no "
                                   "plan even with relaxed balances)")
    nx, m = b["nx"], b["m"]
    slack = res.x[nx + 2 * m:]
    lo_s, hi_s = slack[:m], slack[m:2 * m]
    cash_s = slack[2 * m] if len(slack) > 2 * m else 0.0
    hold = fabric.holding().to_numpy()
    tol = fabric.rules.tolerance
    worst = int(np.argmax(np.maximum(lo_s, hi_s) / np.maximum(hold, 1.0)))
    miss = max(lo_s[worst], hi_s[worst])
    if miss > 1e-6 * max(hold[worst], 1.0):
        owner = b["owners"][worst]
        side = "below" if lo_s[worst] >= hi_s[worst] else "above"
        return InputError(
            "tolerance", f"tolerance ±{tol:.1%} too tight for owner {owner}: the closest "
                         f"plan gives land {miss:,.0f} DKK ({miss / hold[worst]:.1%} of the "
                         f"holding) {side} the band; widen the tolerance or add land")
    if cash_s > 1e-6:
        return InputError("max_cash", f"maximum cash settlement too low by {cash_s:,.0f} "
                                      "DKK")
    return InputError("rules", "the swap plan has no solution within the time limit")


def _program(fabric: Fabric, b: dict[str, Any]) -> Program:
    """The soft program in the form the local search works on."""
    o_index = {o: k for k, o in enumerate(b["owners"])}
    n = len(fabric.parcels)
    by_parcel: list[list[int]] = [[] for _ in range(n)]
    receiver = np.empty(len(b["pairs"]), dtype=int)
    for k, (i, rc) in enumerate(b["pairs"]):
        by_parcel[i].append(k)
        receiver[k] = o_index.get(rc, -1)
    r = fabric.rules
    return Program([np.array(o, dtype=int) for o in by_parcel], receiver, b["cost"],
                   fabric.parcels["value_dkk"].to_numpy(dtype=float),
                   fabric.holding().to_numpy(), r.tolerance, r.weights.cash / CASH_UNIT,
                   SOFT_PENALTY / CASH_UNIT, r.max_cash)


def _as_solution(prog: Program, chosen: np.ndarray, nx: int) -> np.ndarray:
    """The program's variable vector of a plan (pairs, cash, band and cash slacks)."""
    m = len(prog.holding)
    x = np.zeros(nx + 4 * m + 1)
    x[chosen] = 1.0
    got = np.zeros(m)
    np.add.at(got, prog.receiver[chosen][prog.receiver[chosen] >= 0],
              prog.value[prog.receiver[chosen] >= 0])
    v, t = prog.holding, prog.tolerance
    x[nx:nx + m] = np.maximum(v - got, 0.0)
    x[nx + m:nx + 2 * m] = np.maximum(got - v, 0.0)
    x[nx + 2 * m:nx + 3 * m] = np.maximum(v * (1 - t) - got, 0.0)
    x[nx + 3 * m:nx + 4 * m] = np.maximum(got - v * (1 + t), 0.0)
    if prog.max_cash is not None:
        x[-1] = max(0.0, float(np.abs(v - got).sum()) - prog.max_cash)
    return x


def _lp(b: dict[str, Any], n: int) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """The LP relaxation (HiGHS): its value, solution, the duals of the first ``n``
    rows (every parcel to exactly one receiver) and the reduced costs of the pairs."""
    a = b["cons"].A.tocsr()
    lo, hi = b["cons"].lb, b["cons"].ub
    eq = lo == hi
    up = ~eq & np.isfinite(hi)
    down = ~eq & np.isfinite(lo)
    a_ub = vstack([a[up], -a[down]]).tocsr()
    b_ub = np.concatenate([hi[up], -lo[down]])
    bounds = np.column_stack([b["bounds"].lb, b["bounds"].ub])
    res = linprog(b["c"], A_ub=a_ub, b_ub=b_ub, A_eq=a[eq], b_eq=lo[eq], bounds=bounds,
                  method="highs")
    if res.x is None:
        raise InputError("rules", f"the relaxation has no solution: {res.message}")
    return (float(res.fun), res.x, np.asarray(res.eqlin.marginals)[:n],
            np.asarray(res.lower.marginals)[:b["nx"]])


def _relaxation(fabric: Fabric, b: dict[str, Any]) -> Relaxation:
    """The program in the form the Lagrangian bound works on."""
    o_index = {o: k for k, o in enumerate(b["owners"])}
    parcel = np.array([i for i, _ in b["pairs"]], dtype=int)
    receiver = np.array([o_index.get(rc, -1) for _, rc in b["pairs"]], dtype=int)
    r = fabric.rules
    return Relaxation(parcel, receiver, b["cost"],
                      fabric.parcels["value_dkk"].to_numpy(dtype=float),
                      fabric.holding().to_numpy(), r.tolerance, r.weights.cash / CASH_UNIT)


#: Small cases: the share of the time limit kept for the Lagrangian bound when HiGHS
#: stops at its time limit above the gap target.
BOUND_SHARE_SMALL = 0.1
#: Shares of the time limit: placing the LP's split parcels ends by the first, the
#: local search by the second; the Lagrangian bound has the rest.
SPLIT_SHARE, SEARCH_SHARE = 0.35, 0.55
#: A pair the LP leaves out but whose reduced cost is below this is an alternative in
#: the exact placement of the split parcels.
NEAR_REDUCED_COST = 0.05


def _solve_large(fabric: Fabric, b: dict[str, Any], t0: float) -> tuple[np.ndarray, float,
                                                                        float, str]:
    """Large cases: the LP relaxation; a plan from LP rounding (the parcels the LP splits
    placed exactly by HiGHS, group by group) improved by local search;
    the bound raised from the LP's by the Lagrangian relaxation with whole parcels per
    owner (see :mod:`naturkapital.consolidation.bound`). Returns the best solution
    vector, its objective, the proven gap and a status."""
    r = fabric.rules
    nx = b["nx"]

    def left(share: float) -> float:
        return share * r.time_limit - (time.perf_counter() - t0)

    def gap_of(obj: float, bound: float) -> float:
        return max(0.0, (obj - bound) / abs(obj)) if obj else 0.0

    bound, lp_x, lam, reduced = _lp(b, len(fabric.parcels))
    prog = _program(fabric, b)
    # pairs the LP leaves out although they cost (almost) nothing more: alternatives
    # for the exact placement
    near = (reduced < NEAR_REDUCED_COST) & (lp_x[:nx] < 1e-6)
    start = round_split(prog, lp_x[:nx], max(left(SPLIT_SHARE), 0.5), near)
    chosen, best_obj = improve(prog, start, max(left(SEARCH_SHARE), 1.0))
    best_x = _as_solution(prog, chosen, nx)
    status = "LP rounding (split parcels placed by HiGHS) and local search"
    if gap_of(best_obj, bound) > r.mip_gap:
        lag = LagrangianBound(_relaxation(fabric, b)).run(
            lam, best_obj, max(left(1.0), 0.5), enough=best_obj * (1 - r.mip_gap))
        if np.isfinite(lag) and lag > bound:
            bound = lag
            status += "; bound: Lagrangian relaxation"
    return best_x, best_obj, gap_of(best_obj, bound), status


def solve(fabric: Fabric) -> Plan:
    """The optimal swap plan (HiGHS), or one :class:`InputError` naming why none
    exists. Large cases (from ``SOFT_FROM_PAIRS`` pairs) start from the LP relaxation
    improved by local search (see :mod:`naturkapital.consolidation.search`); the gap is
    always proven against the solver's lower bound."""
    _pre_check(fabric)
    t0 = time.perf_counter()
    b = _build(fabric)
    soft = len(b["pairs"]) >= SOFT_FROM_PAIRS
    r = fabric.rules
    if soft:
        b = _build(fabric, elastic="soft")
        x, fun, gap, status = _solve_large(fabric, b, t0)
    else:
        res = milp(b["c"], constraints=b["cons"], bounds=b["bounds"],
                   integrality=b["integrality"],
                   options={"time_limit": r.time_limit * (1 - BOUND_SHARE_SMALL),
                            "mip_rel_gap": r.mip_gap, "disp": False})
        x = res.x
        if x is None:
            if res.status == 1:  # time limit, no plan found
                raise InputError("time_limit", f"no swap plan found within "
                                               f"{r.time_limit:g} s; raise the time limit")
            raise _diagnose(fabric)
        fun = float(res.fun)
        g = getattr(res, "mip_gap", None)
        gap = None if g is None else float(g)
        status = {0: "optimal", 1: "time limit"}.get(res.status, str(res.message))
        dual = getattr(res, "mip_dual_bound", None)
        if gap is not None and gap > r.mip_gap and dual is not None and fun:
            # HiGHS stopped at the time limit: the Lagrangian bound may prove more
            _lp_fun, _x, lam, _rc = _lp(b, len(fabric.parcels))
            left = r.time_limit - (time.perf_counter() - t0)
            lag = LagrangianBound(_relaxation(fabric, b)).run(
                lam, fun, max(left, 0.5), enough=fun * (1 - r.mip_gap))
            if np.isfinite(lag) and lag > float(dual):
                gap = max(0.0, (fun - lag) / abs(fun))
                status += "; bound: Lagrangian relaxation"
    seconds = time.perf_counter() - t0
    nx, m = b["nx"], b["m"]
    if soft:
        _check_misses(fabric, b, x, seconds)
    to = {}
    for k, (i, rc) in enumerate(b["pairs"]):
        if x[k] > 0.5:
            to[b["ids"][i]] = rc
    to_s = pd.Series(to).reindex(b["ids"])
    cash = pd.Series(x[nx:nx + m] - x[nx + m:nx + 2 * m], index=b["owners"])
    plan = Plan(to_s, cash, fun, "milp", seconds, gap, status)
    plan.parts = score(fabric, plan.to, plan.cash)
    return plan


def _check_misses(fabric: Fabric, b: dict[str, Any], x: np.ndarray, seconds: float) -> None:
    """A soft plan that still misses a band or the maximum cash is never returned: the
    miss is named instead."""
    r = fabric.rules
    nx, m = b["nx"], b["m"]
    miss = x[nx + 2 * m:]
    hold = fabric.holding().to_numpy()
    if miss.max(initial=0.0) <= 1.0:
        return
    j = int(np.argmax(np.maximum(miss[:m], miss[m:2 * m])))
    if miss[2 * m:].sum() > 1.0 and miss[:2 * m].max() <= 1.0:
        raise InputError("max_cash", f"maximum cash settlement too low by "
                                     f"{miss[2 * m:].sum():,.0f} DKK in the best "
                                     f"plan found in {seconds:.0f} s")
    worst = max(miss[j], miss[m + j])
    raise InputError(
        "tolerance", f"tolerance ±{r.tolerance:.1%} not met for owner "
                     f"{b['owners'][j]}: the best plan found in {seconds:.0f} s misses"
                     f" the band by {worst:,.0f} DKK ({worst / hold[j]:.1%} of the "
                     "holding); widen the tolerance, add land or raise the time "
                     "limit")


def score(fabric: Fabric, to: pd.Series, cash: pd.Series) -> dict[str, float]:
    """The objective's parts of a plan (ha·km, parcels moved, cash) and its total."""
    p = fabric.parcels
    owners = fabric.owners
    o_index = {o: k for k, o in enumerate(owners)}
    dist = _dist_km(fabric)
    recv = to.reindex(p["parcel_id"]).to_numpy()
    own = p["owner"].to_numpy()
    area = p["area_ha"].to_numpy(dtype=float)
    hakm = sum(area[i] * dist[i, o_index[rc]] for i, rc in enumerate(recv) if rc in o_index)
    moved = sum(1 for i, rc in enumerate(recv) if rc != PROJECT and rc != own[i])
    cash_abs = float(np.abs(cash.reindex(owners).fillna(0.0)).sum())
    w = fabric.rules.weights
    total = w.distance * hakm + w.move * moved + w.cash * cash_abs / CASH_UNIT
    return {"ha_km": float(hakm), "parcels_moved": float(moved), "cash_dkk": cash_abs,
            "objective": float(total)}


def greedy(fabric: Fabric) -> Plan:
    """The baseline: owners keep what they have outside the project; land of sellers
    and of the bank is handed out, nearest parcel first, to the owner furthest below
    their holding while it fits in the band; cash settles the rest. No swaps between
    owners. ``status`` says whether every balance is within the tolerance."""
    t0 = time.perf_counter()
    p, r = fabric.parcels, fabric.rules
    owners = fabric.owners
    o_index = {o: k for k, o in enumerate(owners)}
    dist = _dist_km(fabric)
    hold = fabric.holding()
    to = {}
    got = pd.Series(0.0, index=owners)
    pool = []
    for i, row in enumerate(p.itertuples()):
        if row.in_project:
            to[row.parcel_id] = PROJECT
        elif row.owner in o_index:
            to[row.parcel_id] = row.owner
            got[row.owner] += row.value_dkk
        else:
            to[row.parcel_id] = BANK
            pool.append(i)
    vals = p["value_dkk"].to_numpy(dtype=float)
    pids = p["parcel_id"].to_numpy()
    while pool:
        deficit = (hold * (1 - r.tolerance) - got)
        need = deficit[deficit > 1e-9]
        if need.empty:
            break
        o = need.idxmax()
        j = o_index[o]
        cands = [i for i in pool if got[o] + vals[i] <= hold[o] * (1 + r.tolerance)]
        if not cands:
            cands = list(pool)
        i = min(cands, key=lambda i: dist[i, j])
        pool.remove(i)
        to[pids[i]] = o
        got[o] += vals[i]
    cash = hold - got
    ok = bool((np.abs(cash) <= hold * r.tolerance + 1e-6).all())
    if r.max_cash is not None:
        ok = ok and float(np.abs(cash).sum()) <= r.max_cash + 1e-6
    to_s = pd.Series(to).reindex(pids)
    parts = score(fabric, to_s, cash)
    return Plan(to_s, cash, parts["objective"], "greedy", time.perf_counter() - t0, None,
                "feasible" if ok else "outside tolerance", parts)


def project_eca(geoms: Any, dispersal_m: float = ECA_DISPERSAL_M) -> float:
    """Equivalent Connected Area (ha) of the union of polygons: its pieces as patches,
    linked by their edge-to-edge distance (Saura & Pascual-Hortal 2007; the formula is
    :func:`naturkapital.priority.connectivity.eca`). One piece: its area."""
    g = [x for x in geoms if x is not None and not x.is_empty]
    if not g:
        return 0.0
    parts = shapely.get_parts(shapely.union_all(shapely.set_precision(np.array(g), 0.01)))
    areas = shapely.area(parts) / 10_000.0
    dist = shapely.distance(parts[:, None], parts[None, :])
    return eca(areas, dist, dispersal_m)


def pieces(geoms: Any) -> tuple[int, float]:
    """Number of pieces of the union of polygons and the largest piece, ha."""
    g = [x for x in geoms if x is not None and not x.is_empty]
    if not g:
        return 0, 0.0
    u = shapely.union_all(shapely.set_precision(np.array(g), 0.01))
    parts = shapely.get_parts(u)
    areas = shapely.area(parts) / 10_000.0
    return int(len(parts)), float(areas.max())
