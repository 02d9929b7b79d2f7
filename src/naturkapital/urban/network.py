"""Walking network: build a graph from ways, snap points onto its edges, and measure
the network distance from every point to the nearest of many targets in one
multi-source shortest-path pass (``scipy.sparse.csgraph.dijkstra`` from a virtual
source joined to every target entrance).

Distances are metres in a projected CRS. A point is snapped to the nearest *edge*
(not node): it enters the network at its foot on the edge, at the perpendicular
distance, and goes on along the edge to either end. A target polygon is entered at
every network node inside it or within ``entry_m`` of its edge, starting with the
straight distance from that node to the polygon (0 inside): the distance is measured
to the area's edge, not its centroid.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import dijkstra

from naturkapital.core.errors import InputError

#: Zero-length edges and zero offsets are stored as this (a sparse graph drops zeros).
TINY = 1e-9


@dataclass
class Network:
    """An undirected walking network: node coordinates, edges and their geometries."""

    x: np.ndarray
    y: np.ndarray
    u: np.ndarray
    v: np.ndarray
    length: np.ndarray
    lines: np.ndarray  # shapely LineStrings, one per edge
    tree: shapely.STRtree

    @property
    def n_nodes(self) -> int:
        return int(self.x.size)

    def graph(self, extra: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
              n_extra: int = 0) -> csr_matrix:
        """The symmetric sparse graph, optionally with directed ``extra`` edges
        (from, to, weight) to ``n_extra`` additional nodes."""
        n = self.n_nodes + n_extra
        w = np.maximum(self.length, TINY)
        rows = [self.u, self.v]
        cols = [self.v, self.u]
        data = [w, w]
        if extra is not None:
            rows.append(extra[0])
            cols.append(extra[1])
            data.append(np.maximum(extra[2], TINY))
        r, c, w = np.concatenate(rows), np.concatenate(cols), np.concatenate(data)
        # keep the shortest of parallel edges (a sparse matrix would add them up)
        order = np.lexsort((w, c, r))
        r, c, w = r[order], c[order], w[order]
        first = np.ones(r.size, bool)
        first[1:] = (r[1:] != r[:-1]) | (c[1:] != c[:-1])
        return coo_matrix((w[first], (r[first], c[first])), shape=(n, n)).tocsr()


def build_network(xy: np.ndarray, ways: list[np.ndarray], max_edge_m: float = 25.0,
                  source: str = "network") -> Network:
    """A network from node coordinates ``xy`` (n×2, metres) and ways (arrays of node
    indices). Edges longer than ``max_edge_m`` are split into equal parts so that
    entrances and snapping have a node at least every ``max_edge_m``."""
    pairs = [np.column_stack([w[:-1], w[1:]]) for w in ways if len(w) >= 2]
    if not pairs:
        raise InputError(source, "the walking network is empty (no walkable ways); check "
                                 "the highway tags or the extract")
    e = np.concatenate(pairs)
    e = e[e[:, 0] != e[:, 1]]
    x, y = xy[:, 0].astype(float), xy[:, 1].astype(float)
    seg = np.hypot(x[e[:, 1]] - x[e[:, 0]], y[e[:, 1]] - y[e[:, 0]])
    k = np.maximum(np.ceil(seg / max_edge_m).astype(int), 1)
    # split edge i into k[i] parts: new nodes at fractions j/k[i], j = 1..k[i]-1
    n0 = x.size
    n_new = int((k - 1).sum())
    idx = np.repeat(np.arange(e.shape[0]), k - 1)
    j = np.arange(n_new) - np.repeat(np.cumsum(k - 1) - (k - 1), k - 1) + 1
    f = j / k[idx]
    nx_ = x[e[idx, 0]] + f * (x[e[idx, 1]] - x[e[idx, 0]])
    ny_ = y[e[idx, 0]] + f * (y[e[idx, 1]] - y[e[idx, 0]])
    new_ids = n0 + np.arange(n_new)
    # chain per edge: start, new nodes..., end
    starts = np.cumsum(k) - k
    chain = np.empty(int(k.sum()) + e.shape[0], dtype=np.int64)
    pos = starts + np.arange(e.shape[0])  # position of each edge's first node in chain
    chain[pos] = e[:, 0]
    chain[pos + k] = e[:, 1]
    inner = np.ones(chain.size, bool)
    inner[pos] = False
    inner[pos + k] = False
    chain[inner] = new_ids
    last = np.zeros(chain.size, bool)
    last[pos + k] = True
    uu = chain[:-1][~last[:-1]]
    vv = chain[1:][~last[:-1]]
    X = np.concatenate([x, nx_])
    Y = np.concatenate([y, ny_])
    length = np.hypot(X[vv] - X[uu], Y[vv] - Y[uu])
    lines = shapely.linestrings(np.stack([np.column_stack([X[uu], Y[uu]]),
                                          np.column_stack([X[vv], Y[vv]])], axis=1))
    return Network(X, Y, uu, vv, length, lines, shapely.STRtree(lines))


@dataclass
class Snap:
    """Where points join the network: ``edge``, ``t`` (metres from the edge's ``u``
    end) and ``offset`` (perpendicular distance, metres)."""

    edge: np.ndarray
    t: np.ndarray
    offset: np.ndarray


def snap_points(net: Network, points: np.ndarray) -> Snap:
    """Snap shapely points to their nearest edge."""
    if len(points) == 0:
        return Snap(np.zeros(0, np.int64), np.zeros(0), np.zeros(0))
    idx, dist = net.tree.query_nearest(points, return_distance=True, all_matches=False)
    edge = np.empty(len(points), dtype=np.int64)
    off = np.empty(len(points))
    edge[idx[0]] = idx[1]
    off[idx[0]] = dist
    t = shapely.line_locate_point(net.lines[edge], points)
    return Snap(edge, np.asarray(t, dtype=float), off)


def entrances(net: Network, polygons: np.ndarray, entry_m: float = 30.0
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Network nodes that enter each polygon: (polygon index, node, offset metres)."""
    pts = shapely.points(net.x, net.y)
    tree = shapely.STRtree(pts)
    pi, ni = tree.query(polygons, predicate="dwithin", distance=entry_m)
    off = shapely.distance(pts[ni], polygons[pi]) if len(pi) else np.zeros(0)
    return pi, ni, np.asarray(off, dtype=float)


def node_distance(net: Network, nodes: np.ndarray, offsets: np.ndarray,
                  limit: float = np.inf) -> np.ndarray:
    """Distance (m) from every node to the nearest of ``nodes`` (each starting at its
    ``offsets``): one Dijkstra from a virtual source joined to all of them."""
    n = net.n_nodes
    if len(nodes) == 0:
        return np.full(n, np.inf)
    g = net.graph((np.full(len(nodes), n), nodes, offsets), n_extra=1)
    d = dijkstra(g, directed=True, indices=n, limit=limit)
    return d[:n]


def point_distance(net: Network, snap: Snap, node_dist: np.ndarray) -> np.ndarray:
    """Distance (m) of snapped points: along their edge to either end, then on."""
    u, v, L = net.u[snap.edge], net.v[snap.edge], net.length[snap.edge]
    return snap.offset + np.minimum(snap.t + node_dist[u], (L - snap.t) + node_dist[v])


def nearest_distance(net: Network, snap: Snap, polygons: np.ndarray, entry_m: float = 30.0,
                     limit: float = np.inf) -> np.ndarray:
    """Network distance (m) of snapped points to the nearest polygon's edge."""
    _, nodes, off = entrances(net, polygons, entry_m)
    return point_distance(net, snap, node_distance(net, nodes, off, limit))
