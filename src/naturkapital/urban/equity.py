"""Equity of access: population-weighted Gini of distance, Lorenz curve and the
least-served fifth."""

from __future__ import annotations

import numpy as np
import pandas as pd


def _clean(x: np.ndarray, w: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(x, dtype=float)
    w = np.ones_like(x) if w is None else np.asarray(w, dtype=float)
    keep = np.isfinite(x) & np.isfinite(w) & (w > 0)
    return x[keep], w[keep]


def lorenz(x: np.ndarray, w: np.ndarray | None = None) -> pd.DataFrame:
    """Lorenz curve of ``x`` weighted by ``w``: cumulative population share against
    cumulative share of the total (sorted ascending), starting at (0, 0)."""
    x, w = _clean(x, w)
    order = np.argsort(x, kind="stable")
    x, w = x[order], w[order]
    pop = np.concatenate([[0.0], np.cumsum(w)])
    tot = np.concatenate([[0.0], np.cumsum(w * x)])
    return pd.DataFrame({"population_share": pop / pop[-1] if pop[-1] > 0 else pop,
                         "distance_share": tot / tot[-1] if tot[-1] > 0 else tot})


def gini(x: np.ndarray, w: np.ndarray | None = None) -> float:
    """Population-weighted Gini coefficient of ``x`` (0 = everyone equal, → 1 = all of
    it on one person): 1 − Σ p_i (L_{i−1} + L_i) over the Lorenz curve, which equals
    Σ_i Σ_j w_i w_j |x_i − x_j| / (2 W² μ). NaN for no data or a zero total;
    non-finite values and zero weights are left out."""
    x, w = _clean(x, w)
    if x.size == 0 or (w * x).sum() <= 0:
        return float("nan")
    lc = lorenz(x, w)
    p = np.diff(lc["population_share"].to_numpy())
    L = lc["distance_share"].to_numpy()
    return float(1.0 - np.sum(p * (L[:-1] + L[1:])))


def least_served(x: np.ndarray, w: np.ndarray | None = None, share: float = 0.2
                 ) -> tuple[float, float]:
    """The ``share`` of the population with the longest distances: the distance where
    it starts and its weighted mean distance (infinite distances included as such)."""
    x = np.asarray(x, dtype=float)
    w = np.ones_like(x) if w is None else np.asarray(w, dtype=float)
    keep = ~np.isnan(x) & (w > 0)
    x, w = x[keep], w[keep]
    if x.size == 0:
        return float("nan"), float("nan")
    order = np.argsort(-x, kind="stable")
    x, w = x[order], w[order]
    target = share * w.sum()
    cum = np.cumsum(w)
    k = int(np.searchsorted(cum, target - 1e-12)) + 1  # smallest prefix reaching target
    k = min(k, x.size)
    part_w = w[:k].copy()
    part_w[-1] -= max(cum[k - 1] - target, 0.0)  # count only the needed part of the last
    with np.errstate(invalid="ignore"):
        mean = float(np.sum(part_w * x[:k]) / part_w.sum())
    return float(x[k - 1]), mean
