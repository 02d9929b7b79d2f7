"""A swap plan from the LP relaxation, improved by local search (large cases).

HiGHS solves the LP relaxation of the consolidation program within seconds, but its
primal heuristics need minutes to find a plan that meets every
owner's tolerance band when there are thousands of parcels. This module gives the
solver's model a good plan fast:

1. round the LP relaxation: a parcel the LP gives whole to a receiver stays there; the
   parcels it splits are placed exactly by HiGHS, in the small independent groups they
   form with the owners they are split between (:func:`round_split`);
2. improve by local search on the program's own objective, with the same soft
   penalty for missing a band and for cash above the maximum:
   * *relocate*: one parcel to another of its allowed receivers;
   * *swap*: two parcels of two owners exchange receivers (both must be allowed);
   each parcel in turn takes its best move when that lowers the objective; passes
   repeat until none does or the time is up.

The plan's objective is then compared with the lower bound (the LP's, raised by the
Lagrangian relaxation of :mod:`naturkapital.consolidation.bound`): the gap reported is
``(objective − bound) / objective``, a proven bound on how far the plan is from the
optimum of the program.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np


@dataclass
class Program:
    """What the search needs from the program: for each parcel its allowed receivers
    (pair indices and receiver columns: an owner index ``0..m-1``, or ``-1`` for a
    receiver that is not an owner — the project or the land bank), the cost of each
    pair, each parcel's value, each owner's holding and the band and cash rules."""

    options: list[np.ndarray]  # per parcel: pair indices
    receiver: np.ndarray  # per pair: owner index or -1
    cost: np.ndarray  # per pair
    value: np.ndarray  # per parcel
    holding: np.ndarray  # per owner
    tolerance: float
    cash_weight: float  # objective per DKK of cash
    penalty: float  # objective per DKK outside a band or above the maximum cash
    max_cash: float | None


class _State:
    """A plan under search: the chosen pair of every parcel and the owners' land."""

    def __init__(self, prog: Program, chosen: np.ndarray) -> None:
        self.p = prog
        self.chosen = chosen.copy()
        self.got = np.zeros(len(prog.holding))
        for i, k in enumerate(chosen):
            j = prog.receiver[k]
            if j >= 0:
                self.got[j] += prog.value[i]
        self.cash_total = float(np.abs(prog.holding - self.got).sum())

    def owner_cost(self, j: int, got: float) -> float:
        """Cash and band penalty of owner ``j`` receiving land worth ``got``."""
        v, t = self.p.holding[j], self.p.tolerance
        miss = max(0.0, v * (1 - t) - got) + max(0.0, got - v * (1 + t))
        return self.p.cash_weight * abs(v - got) + self.p.penalty * miss

    def cash_cost(self, total: float) -> float:
        """Penalty for cash above the maximum settlement."""
        if self.p.max_cash is None:
            return 0.0
        return self.p.penalty * max(0.0, total - self.p.max_cash)

    def objective(self) -> float:
        """The program's objective of this plan."""
        o = float(self.p.cost[self.chosen].sum())
        o += sum(self.owner_cost(j, g) for j, g in enumerate(self.got))
        return o + self.cash_cost(self.cash_total)

    def delta(self, changes: dict[int, float], pair_delta: float) -> tuple[float, float]:
        """Objective change when the owners in ``changes`` gain the given values and the
        pairs' cost changes by ``pair_delta``; and the new cash total."""
        d = pair_delta
        total = self.cash_total
        for j, dv in changes.items():
            old = self.got[j]
            d += self.owner_cost(j, old + dv) - self.owner_cost(j, old)
            v = self.p.holding[j]
            total += abs(v - old - dv) - abs(v - old)
        d += self.cash_cost(total) - self.cash_cost(self.cash_total)
        return d, total

    def apply(self, moves: list[tuple[int, int]], changes: dict[int, float],
              total: float) -> None:
        for i, k in moves:
            self.chosen[i] = k
        for j, dv in changes.items():
            self.got[j] += dv
        self.cash_total = total


def _changes(prog: Program, moves: list[tuple[int, int, int]]) -> dict[int, float]:
    """Owner value changes of moving parcels: (parcel, old pair, new pair)."""
    ch: dict[int, float] = {}
    for i, old, new in moves:
        a, b = prog.receiver[old], prog.receiver[new]
        if a >= 0:
            ch[a] = ch.get(a, 0.0) - prog.value[i]
        if b >= 0:
            ch[b] = ch.get(b, 0.0) + prog.value[i]
    return ch


def round_lp(prog: Program, x: np.ndarray) -> np.ndarray:
    """Each parcel's pair with the largest LP share."""
    return np.array([opts[int(np.argmax(x[opts]))] for opts in prog.options], dtype=int)


def _owner_cost(prog: Program, j: np.ndarray, got: np.ndarray) -> np.ndarray:
    """Cash and band penalty of owners ``j`` (arrays; ``-1``: not an owner, no cost)
    receiving land worth ``got``."""
    v = np.where(j >= 0, prog.holding[np.maximum(j, 0)], 0.0)
    t = prog.tolerance
    miss = np.maximum(v * (1 - t) - got, 0.0) + np.maximum(got - v * (1 + t), 0.0)
    return np.where(j >= 0, prog.cash_weight * np.abs(v - got) + prog.penalty * miss, 0.0)


def improve(prog: Program, chosen: np.ndarray, seconds: float,
            eps: float = 1e-9) -> tuple[np.ndarray, float]:
    """Local search from ``chosen`` (a pair per parcel) for at most ``seconds``; returns
    the improved pairs and their objective. Each parcel in turn takes the best of its
    relocations and of its swaps with a parcel of another owner (all evaluated at
    once), when that lowers the objective; passes repeat until none does."""
    s = _State(prog, chosen)
    deadline = time.perf_counter() + seconds
    n, m = len(prog.options), len(prog.holding)
    recv = prog.receiver
    # pair index of parcel i to owner j (-1: not allowed)
    pair_to = np.full((n, m + 1), -1, dtype=np.int64)
    for i, opts in enumerate(prog.options):
        for k in opts:
            if recv[k] >= 0:
                pair_to[i, recv[k]] = k
    value = prog.value
    cost = prog.cost
    hold = prog.holding

    def cash_change(j: np.ndarray, dv: np.ndarray) -> np.ndarray:
        """Change of the total cash when owners ``j`` gain ``dv``."""
        v = np.where(j >= 0, hold[np.maximum(j, 0)], 0.0)
        g = np.where(j >= 0, s.got[np.maximum(j, 0)], 0.0)
        return np.where(j >= 0, np.abs(v - g - dv) - np.abs(v - g), 0.0)

    def owner_change(j: np.ndarray, dv: np.ndarray) -> np.ndarray:
        g = np.where(j >= 0, s.got[np.maximum(j, 0)], 0.0)
        return _owner_cost(prog, j, g + dv) - _owner_cost(prog, j, g)

    def cap_change(dtotal: np.ndarray) -> np.ndarray:
        if prog.max_cash is None:
            return np.zeros_like(dtotal)
        old = max(0.0, s.cash_total - prog.max_cash)
        return prog.penalty * (np.maximum(s.cash_total + dtotal - prog.max_cash, 0.0) - old)

    improved = True
    while improved and time.perf_counter() < deadline:
        improved = False
        for i in range(n):
            if time.perf_counter() >= deadline:
                break
            opts = prog.options[i]
            if len(opts) < 2:
                continue
            old = int(s.chosen[i])
            a = int(recv[old])
            vi = float(value[i])
            # relocate to each allowed receiver
            b = recv[opts]
            a_arr = np.full(len(opts), a)
            da = np.where(b == a, 0.0, -vi)
            db = np.where(b == a, 0.0, vi)
            d_rel = (cost[opts] - cost[old] + owner_change(a_arr, da) + owner_change(b, db))
            d_rel += cap_change(cash_change(a_arr, da) + cash_change(b, db))
            d_rel[opts == old] = np.inf
            q = int(np.argmin(d_rel))
            best_d, best_moves = float(d_rel[q]), [(i, int(opts[q]))]
            # swap with a parcel of another owner
            if a >= 0:
                cur = recv[s.chosen]
                cj = np.maximum(cur, 0)
                mask = (cur >= 0) & (cur != a) & (pair_to[i, cj] >= 0) & (pair_to[:, a] >= 0)
                js = np.flatnonzero(mask)
                if len(js):
                    bj = cur[js]
                    k_ib = pair_to[i, bj]
                    k_ja = pair_to[js, a]
                    dv = value[js] - vi  # owner a gains, owner b loses
                    a_js = np.full(len(js), a)
                    d_sw = (cost[k_ib] - cost[old] + cost[k_ja] - cost[s.chosen[js]]
                            + owner_change(a_js, dv) + owner_change(bj, -dv))
                    d_sw += cap_change(cash_change(a_js, dv) + cash_change(bj, -dv))
                    q = int(np.argmin(d_sw))
                    if d_sw[q] < best_d:
                        best_d = float(d_sw[q])
                        best_moves = [(i, int(k_ib[q])), (int(js[q]), int(k_ja[q]))]
            if best_d < -eps:
                moves3 = [(p, int(s.chosen[p]), k) for p, k in best_moves]
                ch = _changes(prog, moves3)
                pair_d = sum(float(cost[k] - cost[o]) for _, o, k in moves3)
                _, total = s.delta(ch, pair_d)
                s.apply(best_moves, ch, total)
                improved = True
    return s.chosen, s.objective()



def round_split(prog: Program, x: np.ndarray, seconds: float,
                extra: np.ndarray | None = None) -> np.ndarray:
    """LP rounding that keeps every whole LP assignment and places the split parcels
    exactly. The split parcels and the owners they are split between fall apart into
    small independent groups; each group is solved by HiGHS on its own (the parcels
    among the receivers the LP shares them with; each owner's band as in the program,
    soft with the program's penalty, and cash). ``extra`` marks further pairs to offer
    (e.g. those with a reduced cost near zero); a parcel with one becomes free too. A
    group that does not solve in time keeps the plain rounding."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_matrix

    deadline = time.perf_counter() + seconds
    chosen = round_lp(prog, x)
    recv = prog.receiver
    m = len(prog.holding)
    use = x > 1e-6 if extra is None else (x > 1e-6) | extra
    split = [i for i, o in enumerate(prog.options)
             if x[o].max() < 1 - 1e-6 or use[o].sum() > 1]
    parent = list(range(m))

    def root(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    shares: dict[int, np.ndarray] = {}
    for i in split:
        ks = prog.options[i][use[prog.options[i]]]
        shares[i] = ks
        own = [int(r) for r in recv[ks] if r >= 0]
        for o in own[1:]:
            parent[root(o)] = root(own[0])
    groups: dict[int, list[int]] = {}
    for i in split:
        own = [int(r) for r in recv[shares[i]] if r >= 0]
        groups.setdefault(root(own[0]) if own else -1 - i, []).append(i)
    in_split = np.zeros(len(prog.options), dtype=bool)
    in_split[split] = True
    cur = recv[chosen]
    keep = ~in_split & (cur >= 0)
    got = np.bincount(cur[keep], weights=prog.value[keep], minlength=m)
    t = prog.tolerance
    for parcels in groups.values():
        left = deadline - time.perf_counter()
        if left <= 0.05:
            break
        cols = [(q, int(k)) for q, i in enumerate(parcels) for k in shares[i]]
        owners = sorted({int(recv[k]) for _, k in cols if recv[k] >= 0})
        if not owners:
            continue
        pos = {o: p for p, o in enumerate(owners)}
        nc, no = len(cols), len(owners)
        nv = nc + 4 * no  # pairs, cash in, cash out, band slack below, above
        c = np.concatenate([prog.cost[[k for _, k in cols]],
                            np.full(2 * no, prog.cash_weight), np.full(2 * no, prog.penalty)])
        r_, c_, d_ = [q for q, _ in cols], list(range(nc)), [1.0] * nc
        lo, hi = [1.0] * len(parcels), [1.0] * len(parcels)
        row = len(parcels)
        for o in owners:
            p = pos[o]
            ks = [j for j, (_, k) in enumerate(cols) if recv[k] == o]
            vals = [float(prog.value[parcels[cols[j][0]]]) for j in ks]
            v, base = float(prog.holding[o]), float(got[o])
            for extra, low, high in (
                    ([(nc + p, 1.0), (nc + no + p, -1.0)], v - base, v - base),
                    ([(nc + 2 * no + p, 1.0)], v * (1 - t) - base, np.inf),
                    ([(nc + 3 * no + p, -1.0)], -np.inf, v * (1 + t) - base)):
                r_ += [row] * (len(ks) + len(extra))
                c_ += ks + [e for e, _ in extra]
                d_ += vals + [w for _, w in extra]
                lo.append(low)
                hi.append(high)
                row += 1
        a = coo_matrix((d_, (r_, c_)), shape=(row, nv)).tocsr()
        integrality = np.zeros(nv)
        integrality[:nc] = 1
        ub = np.full(nv, np.inf)
        ub[:nc] = 1.0
        res = milp(c, constraints=LinearConstraint(a, np.array(lo), np.array(hi)),
                   bounds=Bounds(np.zeros(nv), ub), integrality=integrality,
                   options={"time_limit": left, "disp": False})
        # the plain rounding of the group, in the same terms (a solve stopped by the
        # time limit may hold a worse plan)
        now = np.array([float(chosen[parcels[q]] == k) for q, k in cols])
        at = np.array([pos.get(int(recv[k]), -1) for _, k in cols])
        v_now = now * prog.value[[parcels[q] for q, _ in cols]]
        g = got[owners] + np.bincount(at[at >= 0], weights=v_now[at >= 0], minlength=no)
        v = prog.holding[owners]
        miss = np.maximum(v * (1 - t) - g, 0.0) + np.maximum(g - v * (1 + t), 0.0)
        cost_now = (float(c[:nc] @ now) + prog.cash_weight * float(np.abs(v - g).sum())
                    + prog.penalty * float(miss.sum()))
        if res.x is None or res.fun >= cost_now - 1e-9:
            continue
        for j in np.flatnonzero(res.x[:nc] > 0.5):
            chosen[parcels[cols[j][0]]] = cols[j][1]
    return chosen
