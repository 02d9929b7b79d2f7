"""Where to add green: choose candidate sites that bring the most residents within the
distance rule for a budget — a budgeted maximum-coverage integer program solved with
HiGHS (``scipy.optimize.milp``), with the ratio-greedy baseline beside it.

    maximise   Σ_i w_i y_i
    subject to y_i ≤ Σ_{j covers i} x_j      (a resident group counts once covered)
               Σ_j c_j x_j ≤ B              (budget)
               x_j ∈ {0, 1},  0 ≤ y_i ≤ 1
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix, hstack, identity, vstack

from naturkapital.core.errors import InputError


@dataclass
class Choice:
    """A set of chosen sites: indices, the weight covered, the cost and, for the
    integer program, HiGHS's status and relative gap."""

    sites: list[int]
    covered: float
    cost: float
    status: str = ""
    gap: float = 0.0


def _covered(cover: csr_matrix, w: np.ndarray, sites: list[int]) -> float:
    if not sites:
        return 0.0
    hit = np.asarray(cover[:, sites].sum(axis=1)).ravel() > 0
    return float(w[hit].sum())


def greedy(cover: csr_matrix, w: np.ndarray, cost: np.ndarray, budget: float) -> Choice:
    """Ratio greedy (largest new weight per cost that still fits), compared with the
    best single affordable site; the better of the two (Khuller, Moss & Naor 1999)."""
    cover = csr_matrix(cover)
    n_groups, n_sites = cover.shape
    csc = cover.tocsc()
    left = np.ones(n_groups, bool)
    chosen: list[int] = []
    spent = 0.0
    open_ = np.ones(n_sites, bool)
    while True:
        gains = np.asarray(csc.T @ (w * left)).ravel()
        fits = open_ & (spent + cost <= budget + 1e-9) & (gains > 0)
        if not fits.any():
            break
        ratio = np.where(fits, gains / np.maximum(cost, 1e-12), -np.inf)
        j = int(np.argmax(ratio))
        chosen.append(j)
        spent += float(cost[j])
        open_[j] = False
        left &= ~(np.asarray(csc[:, j].todense()).ravel() > 0)
    singles = np.asarray(csc.T @ w).ravel()
    singles[cost > budget + 1e-9] = -np.inf
    best = int(np.argmax(singles)) if n_sites else -1
    value = _covered(cover, w, chosen)
    if best >= 0 and singles[best] > value:
        return Choice([best], float(singles[best]), float(cost[best]), "greedy (single)")
    return Choice(chosen, value, spent, "greedy")


def max_coverage(cover: csr_matrix, w: np.ndarray, cost: np.ndarray, budget: float,
                 time_limit: float = 60.0, mip_rel_gap: float = 1e-6) -> Choice:
    """The budgeted maximum-coverage integer program solved by HiGHS.

    ``cover``: groups × sites, non-zero where the site brings the group within the
    rule; ``w``: residents per group; ``cost`` per site (DKK); ``budget`` (DKK).
    """
    cover = csr_matrix(cover, dtype=float)
    n_groups, n_sites = cover.shape
    if budget < 0 or not np.isfinite(budget):
        raise InputError("--budget", f"must be a finite amount ≥ 0, not {budget}")
    if n_sites == 0 or n_groups == 0:
        return Choice([], 0.0, 0.0, "nothing to choose", 0.0)
    c = np.concatenate([np.zeros(n_sites), -np.asarray(w, dtype=float)])
    # y_i - Σ_j cover_ij x_j ≤ 0
    a_cov = hstack([-(cover > 0).astype(float), identity(n_groups, format="csr")])
    a_bud = hstack([csr_matrix(np.asarray(cost, dtype=float)[None, :]),
                    csr_matrix((1, n_groups))])
    a = vstack([a_cov, a_bud]).tocsr()
    ub = np.concatenate([np.zeros(n_groups), [budget]])
    cons = LinearConstraint(a, -np.inf, ub)
    integrality = np.concatenate([np.ones(n_sites), np.zeros(n_groups)])
    res = milp(c, constraints=cons, integrality=integrality, bounds=Bounds(0, 1),
               options={"time_limit": time_limit, "mip_rel_gap": mip_rel_gap})
    if res.x is None:
        return Choice([], 0.0, 0.0, res.message, float("nan"))
    sites = [int(j) for j in np.flatnonzero(res.x[:n_sites] > 0.5)]
    gap = float(getattr(res, "mip_gap", 0.0) or 0.0)
    return Choice(sites, _covered(cover, np.asarray(w, float), sites),
                  float(np.asarray(cost)[sites].sum()), res.message, gap)
