"""Walking distance for every dwelling of the demo city: one multi-source shortest-path
pass against a per-dwelling networkx baseline, measured in the same run.

Both sides use the same network, the same snapped dwellings and the same green-area
entrances; what is timed is only the distance computation:

* **one pass** — :func:`naturkapital.urban.network.node_distance` (one
  ``scipy.sparse.csgraph.dijkstra`` from a virtual source joined to every entrance,
  including building the sparse graph) and
  :func:`~naturkapital.urban.network.point_distance` for all dwellings;
* **baseline** — per dwelling, a networkx Dijkstra from the dwelling (joined to both
  ends of its edge) to a virtual sink joined to every entrance, stopping when the sink
  is reached (``nx.dijkstra_path_length``). It is run on a random sample of dwellings
  and extrapolated to all of them (mean seconds per dwelling × dwellings); the sample's
  distances are checked against the one-pass result.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from naturkapital.core.errors import InputError
from naturkapital.urban.city import _dwellings, _network, green_patches, load_city, load_parameters
from naturkapital.urban.network import (
    Network,
    entrances,
    node_distance,
    point_distance,
    snap_points,
)


@dataclass
class UrbanBench:
    """Timings (s) and the check of the sample."""

    dwellings: int
    nodes: int
    edges: int
    entrances: int
    fast_s: float
    fast_runs: list[float]
    baseline_sample: int
    baseline_sample_s: float
    max_abs_diff_m: float
    prepare_s: float

    @property
    def baseline_s(self) -> float:
        """Baseline extrapolated to every dwelling."""
        return self.baseline_sample_s / self.baseline_sample * self.dwellings

    @property
    def speedup(self) -> float:
        return self.baseline_s / self.fast_s

    def line(self) -> str:
        return (f"dwellings={self.dwellings} seconds={self.fast_s:.3f} "
                f"speedup_vs_baseline={self.speedup:.1f}")


def _nx_graph(net: Network, nodes: np.ndarray, off: np.ndarray):
    import networkx as nx

    g = nx.Graph()
    g.add_weighted_edges_from(zip(net.u.tolist(), net.v.tolist(), net.length.tolist(),
                                  strict=True))
    sink = "green"
    best: dict[int, float] = {}
    for n, o in zip(nodes.tolist(), off.tolist(), strict=True):
        best[n] = min(best.get(n, np.inf), o)
    g.add_weighted_edges_from((n, sink, o) for n, o in best.items())
    return g, sink


def run_urban_bench(city: str = "demo:kobenhavn", sample: int = 300, repeat: int = 3,
                    seed: int = 0, say: Callable[[str], None] = lambda s: None) -> UrbanBench:
    """Prepare the demo city (not timed), then time both methods."""
    try:
        import networkx as nx
    except ImportError:
        raise InputError("networkx", "the baseline needs networkx: pip install -e '.[test]'"
                         ) from None

    t0 = time.perf_counter()
    say(f"reading {city} and building the network (not timed)")
    inputs = load_city(city)
    prm = load_parameters()["value"]
    layers = inputs.layers
    dw = _dwellings(layers)
    green = green_patches(layers.areas, 1.0)
    net = _network(layers, prm["max_edge_m"])
    snap = snap_points(net, dw.geometry.values)
    _, nodes, off = entrances(net, green.geometry.values, prm["entry_m"])
    prepare = time.perf_counter() - t0

    say(f"one multi-source pass for {len(dw):,} dwellings × {repeat}")
    runs = []
    dist = np.empty(0)
    for _ in range(max(repeat, 1)):
        t = time.perf_counter()
        dist = point_distance(net, snap, node_distance(net, nodes, off))
        runs.append(time.perf_counter() - t)

    say(f"networkx per dwelling on a sample of {sample} (extrapolated)")
    g, sink = _nx_graph(net, nodes, off)
    rng = np.random.default_rng(seed)
    pick = rng.choice(len(dw), size=min(sample, len(dw)), replace=False)
    diffs = []
    t = time.perf_counter()
    for i in pick.tolist():
        e = snap.edge[i]
        u, v, length = int(net.u[e]), int(net.v[e]), float(net.length[e])
        g.add_edge("home", u, weight=snap.offset[i] + snap.t[i])
        if v != u:
            g.add_edge("home", v, weight=snap.offset[i] + length - snap.t[i])
        try:
            d = nx.dijkstra_path_length(g, "home", sink)
        except nx.NetworkXNoPath:
            d = np.inf
        g.remove_node("home")
        diffs.append(0.0 if (np.isinf(d) and np.isinf(dist[i])) else abs(d - dist[i]))
    base = time.perf_counter() - t
    return UrbanBench(len(dw), net.n_nodes, int(net.u.size), int(len(nodes)), min(runs), runs,
                      len(pick), base, float(max(diffs) if diffs else 0.0), prepare)
