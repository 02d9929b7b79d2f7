"""A swap plan from the LP relaxation, improved by local search (large cases).

HiGHS proves a tight lower bound for the consolidation program within seconds (its LP
relaxation), but its primal heuristics need minutes to find a plan that meets every
owner's tolerance band when there are thousands of parcels. This module gives the
solver's model a good plan fast:

1. round the LP relaxation: each parcel goes to the receiver with the largest share;
2. improve by local search on the program's own objective, with the same soft
   penalty for missing a band and for cash above the maximum:
   * *relocate*: one parcel to another of its allowed receivers;
   * *swap*: two parcels of two owners exchange receivers (both must be allowed);
   first-improvement passes until none improves or the time is up.

The plan's objective is then compared with the LP bound: the gap reported is
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


def improve(prog: Program, chosen: np.ndarray, seconds: float,
            eps: float = 1e-9) -> tuple[np.ndarray, float]:
    """Local search from ``chosen`` (a pair per parcel) for at most ``seconds``; returns
    the improved pairs and their objective."""
    s = _State(prog, chosen)
    deadline = time.perf_counter() + seconds
    n = len(prog.options)
    owner_of = prog.receiver
    # pair index of parcel i to owner j, for swaps
    to_owner: list[dict[int, int]] = [
        {int(owner_of[k]): int(k) for k in opts if owner_of[k] >= 0} for opts in prog.options]
    improved = True
    while improved and time.perf_counter() < deadline:
        improved = False
        at: dict[int, list[int]] = {}
        for i in range(n):
            j = int(owner_of[s.chosen[i]])
            if j >= 0:
                at.setdefault(j, []).append(i)
        for i in range(n):
            if time.perf_counter() >= deadline:
                break
            old = int(s.chosen[i])
            if len(prog.options[i]) < 2:
                continue
            # relocate
            best: tuple[float, list[tuple[int, int]], dict[int, float], float] | None = None
            for k in prog.options[i]:
                k = int(k)
                if k == old:
                    continue
                ch = _changes(prog, [(i, old, k)])
                d, total = s.delta(ch, prog.cost[k] - prog.cost[old])
                if d < -eps and (best is None or d < best[0]):
                    best = (d, [(i, k)], ch, total)
            # swap with a parcel of another owner
            a = int(owner_of[old])
            if a >= 0:
                for b, k_ib in to_owner[i].items():
                    if b == a:
                        continue
                    for j in at.get(b, ()):
                        if int(owner_of[s.chosen[j]]) != b:
                            continue  # moved earlier in this pass
                        k_ja = to_owner[j].get(a)
                        if k_ja is None:
                            continue
                        old_j = int(s.chosen[j])
                        ch = _changes(prog, [(i, old, k_ib), (j, old_j, k_ja)])
                        pd_ = (prog.cost[k_ib] - prog.cost[old]
                               + prog.cost[k_ja] - prog.cost[old_j])
                        d, total = s.delta(ch, pd_)
                        if d < -eps and (best is None or d < best[0]):
                            best = (d, [(i, k_ib), (j, k_ja)], ch, total)
            if best is not None:
                s.apply(best[1], best[2], best[3])
                improved = True
    return s.chosen, s.objective()
