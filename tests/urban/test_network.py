"""Walking network by hand: snapping to edges, distances to an area's edge, edge
splitting, and the one-pass multi-source distance against networkx."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import shapely

from naturkapital.core.errors import InputError
from naturkapital.urban.network import (
    build_network,
    nearest_distance,
    node_distance,
    snap_points,
)

# A(0,0) — B(100,0) — D(200,0), and B — C(100,100); a park whose edge is 10 m north of C
XY = np.array([[0, 0], [100, 0], [100, 100], [200, 0]], dtype=float)
WAYS = [np.array([0, 1, 3]), np.array([1, 2])]
PARK = np.array([shapely.box(90, 110, 110, 130)])


@pytest.mark.parametrize("max_edge", [1000.0, 30.0, 7.0])
def test_hand_computed_distances(max_edge: float) -> None:
    net = build_network(XY, WAYS, max_edge_m=max_edge)
    pts = shapely.points([[50, 20], [150, -5], [100, 60]])
    snap = snap_points(net, pts)
    # P(50,20): 20 m to edge A–B, 50 m to B, 100 m B→C, 10 m C→park edge = 180
    # Q(150,-5): 5 + 50 + 100 + 10 = 165; R(100,60) on B–C: 0 + 40 + 10 = 50
    d = nearest_distance(net, snap, PARK, entry_m=30)
    assert d == pytest.approx([180, 165, 50])
    assert snap.offset == pytest.approx([20, 5, 0])
    # straight line beside it, to the area's edge (not its centroid)
    straight = shapely.distance(pts, PARK[0])
    assert straight == pytest.approx([np.hypot(40, 90), np.hypot(40, 115), 50])


def test_edges_are_split() -> None:
    net = build_network(XY, WAYS, max_edge_m=30)
    assert net.n_nodes == 4 + 3 * 3  # three 100 m edges in four 25 m parts
    assert net.length == pytest.approx(25.0)
    assert net.length.sum() == pytest.approx(300.0)


def test_entry_distance_matters() -> None:
    net = build_network(XY, WAYS)
    snap = snap_points(net, shapely.points([[50, 20]]))
    assert np.isinf(nearest_distance(net, snap, PARK, entry_m=5.0)).all()  # no entrance


def test_empty_network() -> None:
    with pytest.raises(InputError, match="walking network is empty"):
        build_network(XY, [np.array([0])])


def test_multi_source_equals_networkx() -> None:
    rng = np.random.default_rng(3)
    xy = rng.random((60, 2)) * 1000
    ways = [rng.choice(60, size=5, replace=False) for _ in range(40)]
    net = build_network(xy, ways, max_edge_m=1e9)
    src = np.array([3, 17, 42])
    off = np.array([5.0, 0.0, 12.0])
    d = node_distance(net, src, off)
    g = nx.Graph()
    for a, b, w in zip(net.u, net.v, net.length, strict=True):
        g.add_edge(int(a), int(b), weight=float(w))
    for n in range(net.n_nodes):
        if n not in g:
            continue
        best = min((o + nx.dijkstra_path_length(g, int(s), n) if nx.has_path(g, int(s), n)
                    else np.inf) for s, o in zip(src, off, strict=True))
        assert d[n] == pytest.approx(best, abs=1e-6)
