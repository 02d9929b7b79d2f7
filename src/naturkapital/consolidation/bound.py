"""A lower bound on the consolidation program stronger than its LP relaxation.

The LP relaxation lets an owner take part of a parcel, so it meets each owner's value
band (and the value that minimises cash) exactly; a plan made of whole parcels cannot.
The Lagrangian relaxation of the rows "every parcel goes to exactly one receiver"
(multipliers ``λ``) splits the program into one problem per owner that keeps whole
parcels (Geoffrion 1974; Fisher 1981, "The Lagrangian relaxation method for solving
integer programming problems", Management Science 27(1)):

    L(λ) = Σ_i λ_i + Σ_owners min_S [ Σ_{i∈S} (c_ij − λ_i) + w_cash·|V_j − v(S)| ]
                   + Σ_{non-owner pairs} min(0, c_ir − λ_i),

where ``S`` runs over the sets of the owner's candidate parcels whose value ``v(S)``
lies in the owner's band ``[(1 − t)V_j, (1 + t)V_j]``. Every ``L(λ)`` is a lower bound
on the program's optimum (each plan is feasible for every owner's problem and the
dualised rows hold with equality in it). The owner's problem is a 0/1 knapsack solved
exactly by dynamic programming over the value in units of ``g`` DKK: when all parcel
values are whole multiples of ``g`` the value is exact; otherwise each value is rounded
down to the grid and the band and cash are relaxed by the largest possible rounding
error (so the bound stays valid, only a little weaker). The maximum cash settlement is
left out (dropping a constraint keeps the bound valid). ``λ`` starts at the LP duals
(so ``L ≥`` the LP bound) and moves by subgradient steps (Polyak step towards the best
plan's objective, twice Polyak's length, halved when two steps bring no progress).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

#: At most this many value states per owner in the exact (integer) grid.
MAX_STATES = 20_000
#: The grid of the rounded (inexact) case: the largest band top in this many units.
ROUNDED_STATES = 8_000


@dataclass
class Relaxation:
    """What the bound needs: per pair its parcel, receiver (owner index, or -1 for the
    project or the land bank) and cost; per parcel its value; per owner the holding;
    the tolerance and the objective per DKK of cash."""

    parcel: np.ndarray  # per pair
    receiver: np.ndarray  # per pair: owner index or -1
    cost: np.ndarray  # per pair
    value: np.ndarray  # per parcel, DKK
    holding: np.ndarray  # per owner, DKK
    tolerance: float
    cash_weight: float  # objective per DKK of cash


def _grid(value: np.ndarray, top: float) -> tuple[float, bool]:
    """The value unit of the knapsack and whether parcel values are exact multiples."""
    v = np.round(value)
    if np.allclose(value, v, rtol=0, atol=1e-6) and (v > 0).all():
        g = float(np.gcd.reduce(v.astype(np.int64)))
        if g > 0 and top / g <= MAX_STATES:
            return g, True
    return max(top / ROUNDED_STATES, 1e-9), False


class LagrangianBound:
    """The Lagrangian bound of a :class:`Relaxation`; :meth:`value` evaluates ``L(λ)``,
    :meth:`run` improves ``λ`` for a given time."""

    def __init__(self, rel: Relaxation) -> None:
        self.r = rel
        n, m = len(rel.value), len(rel.holding)
        self.n = n
        self.t = rel.tolerance
        top = float(rel.holding.max(initial=0.0)) * (1 + self.t)
        self.g, exact = _grid(rel.value, max(top, 1.0))
        self.w = np.floor(rel.value / self.g + (1e-9 if exact else 0.0)).astype(np.int64)
        self.exact = exact
        self.by_owner = [np.flatnonzero(rel.receiver == j) for j in range(m)]
        self.other = np.flatnonzero(rel.receiver < 0)
        # A parcel with a single allowed receiver that is not an owner (the project)
        # always takes it: its row is kept, not dualised.
        count = np.bincount(rel.parcel, minlength=n)
        self.forced = np.zeros(n, dtype=bool)
        single_other = self.other[count[rel.parcel[self.other]] == 1]
        self.forced[rel.parcel[single_other]] = True

    def _owner(self, j: int, lam: np.ndarray) -> tuple[float, np.ndarray]:
        """Owner ``j``'s knapsack: its minimum and the pairs it takes."""
        r = self.r
        ks = self.by_owner[j]
        v = float(r.holding[j])
        hi, lo = v * (1 + self.t), v * (1 - self.t)
        g = self.g
        top = int(math.floor(hi / g + 1e-9))
        w = self.w[r.parcel[ks]]
        red = r.cost[ks] - lam[r.parcel[ks]]
        dp = np.full(top + 1, np.inf)
        dp[0] = 0.0
        take = np.zeros((len(ks), top + 1), dtype=bool)
        for q in range(len(ks)):
            wq = int(w[q])
            if wq > top:
                continue
            cand = dp[: top + 1 - wq] + red[q]
            better = cand < dp[wq:]
            np.copyto(dp[wq:], cand, where=better)
            take[q, wq:] = better
        s = np.arange(top + 1) * g
        if self.exact:
            low_v, high_v = s, s
        else:  # the true value lies in [s, s + k g) for k parcels; k ≤ hi / min value
            kmax = (
                int(math.floor(hi / max(float(r.value[r.parcel[ks]].min(initial=hi)), 1e-9)))
                if len(ks)
                else 0
            )
            low_v, high_v = s, s + kmax * g
        miss = np.maximum(low_v - v, 0.0) + np.maximum(v - high_v, 0.0)
        tot = dp + r.cash_weight * miss
        tot[high_v < lo - 1e-6] = np.inf
        state = int(np.argmin(tot))
        val = float(tot[state])
        if not np.isfinite(val):
            return math.inf, np.empty(0, dtype=int)
        chosen = []
        for q in range(len(ks) - 1, -1, -1):
            if take[q, state]:
                chosen.append(ks[q])
                state -= int(w[q])
        return val, np.array(chosen, dtype=int)

    def value(self, lam: np.ndarray) -> tuple[float, np.ndarray]:
        """``L(λ)`` and how many times each parcel is taken in the relaxed solution."""
        r = self.r
        lam = np.where(self.forced, 0.0, lam)
        total = float(lam.sum())
        taken = np.zeros(self.n)
        red = r.cost[self.other] - lam[r.parcel[self.other]]
        forced = self.forced[r.parcel[self.other]]
        use = (red < 0) | forced
        total += float(red[use].sum())
        np.add.at(taken, r.parcel[self.other[use]], 1.0)
        for j in range(len(self.by_owner)):
            val, pairs = self._owner(j, lam)
            total += val
            np.add.at(taken, r.parcel[pairs], 1.0)
        return total, taken

    def run(
        self,
        lam0: np.ndarray,
        target: float,
        seconds: float,
        max_iter: int = 10_000,
        step: float = 2.0,
        patience: int = 2,
        enough: float = math.inf,
    ) -> float:
        """The best ``L(λ)`` found from ``λ0`` in ``seconds`` (at least one evaluation;
        no evaluation starts that would end after the time, judged by the last one),
        stepping towards ``target`` (an objective of a known plan): Polyak steps scaled
        by ``step``, halved after ``patience`` steps without progress. Stops as soon as
        the bound reaches ``enough``."""
        start = time.perf_counter()
        deadline = start + seconds
        lam = lam0.astype(float).copy()
        best = -math.inf
        mu, stall = step, 0
        for _ in range(max_iter):
            t_eval = time.perf_counter()
            val, taken = self.value(lam)
            took = time.perf_counter() - t_eval
            if val > best + 1e-9:
                best, stall = val, 0
            else:
                stall += 1
                if stall >= patience:
                    mu, stall = mu / 2, 0
            sub = np.where(self.forced, 0.0, 1.0 - taken)
            norm = float(sub @ sub)
            if val >= enough:
                break
            if norm == 0.0 or val >= target or time.perf_counter() + took >= deadline:
                break  # the relaxed solution is a plan, the bound meets the plan, or time
            lam += mu * (target - val) / norm * sub
        return best
