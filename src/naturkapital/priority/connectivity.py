"""Probability of Connectivity (PC), Equivalent Connected Area (ECA) and dPC fractions.

Saura & Pascual-Hortal (2007, Landscape and Urban Planning 83: 91–103)::

    p_ij  = exp(-k · d_ij)               k = -ln(p₀) / D  (p = p₀ at the dispersal distance D)
    p*_ij = max over paths of Π p_mn     (the best path; p*_ii = 1)
    PC    = Σ_i Σ_j a_i a_j p*_ij / A_L²
    ECA   = sqrt(Σ_i Σ_j a_i a_j p*_ij)  (Saura et al. 2011, Ecological Indicators 11: 407)

Because ``-ln p_ij = k · d_ij``, the best-probability path is the shortest path in
least-cost distance, so ``p*_ij = exp(-k · D_ij)`` with ``D`` the graph's shortest
distances (:func:`scipy.sparse.csgraph.dijkstra`).

The importance of patch k, ``dPC_k = (PCnum − PCnum_without_k) / PCnum`` (here as a
fraction, not %), splits as in Saura & Rubio (2010, Ecography 33: 523–537) into
``intra = a_k² / PCnum``, ``flux = 2 Σ_{j≠k} a_k a_j p*_kj / PCnum`` and
``connector = dPC − intra − flux`` (what k adds as a stepping stone between others).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components, dijkstra

from naturkapital.core.errors import InputError

#: Probability at the dispersal distance by default (Saura & Pascual-Hortal 2007 use 0.5
#: for the median dispersal distance; 0.05 for a maximum one).
P_AT_DISTANCE = 0.5
#: Pairs with p* below this are left out of the sums (they change PC by < 1e-6 relative).
P_MIN = 1e-6


def decay(dispersal_m: float, p_at: float = P_AT_DISTANCE) -> float:
    """``k`` in ``p = exp(-k d)`` so that ``p = p_at`` at ``d = dispersal_m``."""
    if not (dispersal_m > 0 and math.isfinite(dispersal_m)):
        raise InputError("--distance", f"dispersal distance must be > 0 m, found {dispersal_m}")
    if not 0 < p_at < 1:
        raise InputError("--p-at-distance", f"probability must be between 0 and 1, found {p_at}")
    return -math.log(p_at) / float(dispersal_m)


def link_graph(n: int, i: np.ndarray, j: np.ndarray, d: np.ndarray) -> sparse.csr_matrix:
    """The undirected patch graph (n nodes, each link i–j once with distance d; zero
    distances kept as a tiny positive value so that csgraph does not drop them)."""
    d = np.maximum(np.asarray(d, dtype=float), 1e-9)
    g = sparse.coo_matrix((np.concatenate([d, d]), (np.concatenate([i, j]),
                                                   np.concatenate([j, i]))), shape=(n, n))
    return g.tocsr()


def _best_p(graph: sparse.csr_matrix, k: float, rows: np.ndarray) -> np.ndarray:
    """p*_ij for the source patches ``rows`` (dense, len(rows) × n)."""
    limit = -math.log(P_MIN) / k
    dist = dijkstra(graph, directed=False, indices=rows, limit=limit)
    return np.exp(-k * dist)


def pc_numerator(attr: np.ndarray, graph: sparse.csr_matrix, k: float,
                 chunk: int = 512) -> tuple[float, np.ndarray]:
    """``PCnum = Σ_i Σ_j a_i a_j p*_ij`` and each patch's flux row sum
    ``Σ_{j≠i} a_i a_j p*_ij``, computed per connected component in chunks of sources."""
    a = np.asarray(attr, dtype=float)
    n = len(a)
    flux = np.zeros(n)
    _, comp = connected_components(graph, directed=False)
    order = np.argsort(comp, kind="stable")
    bounds = np.flatnonzero(np.diff(comp[order])) + 1
    for members in np.split(order, bounds):
        if len(members) == 1:
            continue
        sub = graph[members][:, members]
        am = a[members]
        for s in range(0, len(members), chunk):
            rows = np.arange(s, min(s + chunk, len(members)))
            p = _best_p(sub, k, rows)
            p[np.arange(len(rows)), rows] = 0.0
            flux[members[rows]] = am[rows] * (p @ am)
    total = float((a * a).sum() + flux.sum())
    return total, flux


def pc_eca(attr: np.ndarray, graph: sparse.csr_matrix, dispersal_m: float,
           landscape_area: float, p_at: float = P_AT_DISTANCE) -> dict[str, float]:
    """PC (0–1) and ECA (the unit of ``attr``) of a patch graph."""
    num, _ = pc_numerator(attr, graph, decay(dispersal_m, p_at))
    return {"pc": num / float(landscape_area) ** 2, "eca": math.sqrt(num), "pc_num": num}


def eca(patch_areas: np.ndarray, distances: np.ndarray, dispersal_m: float,
        p_at: float = P_AT_DISTANCE) -> float:
    """ECA of patches with areas ``patch_areas`` and a full matrix of least-cost (or
    Euclidean) ``distances`` between them (``inf``: no link); best paths through other
    patches are found as in :func:`pc_eca`. The unit is that of ``patch_areas``.

    For other models (e.g. land consolidation) that have a handful of patches."""
    a = np.asarray(patch_areas, dtype=float)
    d = np.asarray(distances, dtype=float)
    if d.shape != (len(a), len(a)):
        raise InputError("distances", f"need a {len(a)} × {len(a)} distance matrix, found "
                                      f"{d.shape}")
    if len(a) == 0:
        return 0.0
    d = np.minimum(d, d.T)
    iu, ju = np.nonzero(np.isfinite(d) & np.triu(np.ones_like(d, dtype=bool), 1))
    g = link_graph(len(a), iu, ju, d[iu, ju])
    num, _ = pc_numerator(a, g, decay(dispersal_m, p_at))
    return math.sqrt(num)


def dpc_fractions(attr: np.ndarray, graph: sparse.csr_matrix, dispersal_m: float,
                  p_at: float = P_AT_DISTANCE, connector: bool = True) -> dict[str, np.ndarray]:
    """Per patch: ``dpc`` and its ``intra``, ``flux`` and ``connector`` fractions (of
    PCnum), ``reach`` = Σ_j a_j p*_kj (j = k included) and ``pc_num`` (one value).

    The connector fraction of k is what the pairs (i, j), i, j ≠ k, lose when k is
    removed; only sources whose best-path tree runs through k are recomputed (the others
    keep every distance). With ``connector=False`` it is NaN and dPC is intra + flux."""
    a = np.asarray(attr, dtype=float)
    k = decay(dispersal_m, p_at)
    num, flux_row = pc_numerator(a, graph, k)
    n = len(a)
    intra = a * a / num
    flux = 2 * flux_row / num
    conn = np.full(n, np.nan)
    if connector:
        conn[:] = 0.0
        if n >= 3:
            limit = -math.log(P_MIN) / k
            dist, pred = dijkstra(graph, directed=False, limit=limit,
                                  return_predecessors=True)
            p_now = np.exp(-k * dist)
            src = np.arange(n)[:, None]
            inner = (pred >= 0) & (pred != src)
            rows_i, _ = np.nonzero(inner)
            via = pred[inner]
            pairs = np.unique(np.column_stack([via, rows_i]), axis=0)
            order = np.flatnonzero(np.diff(pairs[:, 0])) + 1
            for grp in np.split(pairs, order):
                kk = int(grp[0, 0])
                rows = grp[:, 1]
                keep = np.ones(n)
                keep[kk] = 0.0
                d = sparse.diags(keep)
                g2 = (d @ graph @ d).tocsr()
                g2.eliminate_zeros()
                p_new = np.exp(-k * dijkstra(g2, directed=False, indices=rows, limit=limit))
                w = a.copy()
                w[kk] = 0.0
                lost = (p_now[rows] - p_new) @ w
                conn[kk] = max(float((a[rows] * lost).sum()) / num, 0.0)
    dpc = intra + flux + np.nan_to_num(conn)
    reach = a + np.divide(flux_row, a, out=np.zeros(n), where=a > 0)
    return {"dpc": dpc, "intra": intra, "flux": flux, "connector": conn, "reach": reach,
            "pc_num": np.array([num])}


def eca_gain_attached(eca_now: float, added: np.ndarray, reach: np.ndarray,
                      p_link: np.ndarray) -> np.ndarray:
    """ECA gain of new habitat ``added`` (same unit as ECA) linked with probability
    ``p_link`` to one patch whose ``reach`` is Σ_j a_j p*_kj: the new node's best paths
    run through that patch, so PCnum grows by ``Δa² + 2 Δa p_link reach`` (its own
    stepping-stone role between other patches is not counted)."""
    da = np.asarray(added, dtype=float)
    num = eca_now * eca_now
    return np.sqrt(num + da * da + 2 * da * np.asarray(p_link) * np.asarray(reach)) - eca_now
