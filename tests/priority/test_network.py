"""The ecological network: PC/ECA/dPC by hand on three patches, a least-cost path on a
tiny grid, fireman's classes on a constructed map, and bad inputs."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
import shapely
from affine import Affine

from naturkapital.core.errors import InputError
from naturkapital.landcover.scheme import load_scheme
from naturkapital.priority.connectivity import (
    decay,
    dpc_fractions,
    eca,
    eca_gain_attached,
    link_graph,
    pc_eca,
)
from naturkapital.priority.costdistance import cost_field, link_path, planar_links
from naturkapital.priority.network import network_from_grid
from naturkapital.priority.patches import NatureGrid
from naturkapital.priority.rank import fireman_classes, rank_units
from naturkapital.priority.resistance import ResistanceTable, resistance_surface

# Three patches a = 1, 2, 3 ha; links 1–2 100 m, 2–3 200 m; p = 0.5 at 100 m.
# p12 = 0.5, p23 = 0.25, best p*13 = 0.125 (over 2).
# PCnum = 1 + 4 + 9 + 2 (2·0.5 + 6·0.25 + 3·0.125) = 14 + 5.75 = 19.75
A = np.array([1.0, 2.0, 3.0])
G = link_graph(3, np.array([0, 1]), np.array([1, 2]), np.array([100.0, 200.0]))


def test_pc_eca_three_patches_by_hand():
    ix = pc_eca(A, G, 100.0, landscape_area=10.0)
    assert ix["pc_num"] == pytest.approx(19.75)
    assert ix["eca"] == pytest.approx(math.sqrt(19.75))
    assert ix["pc"] == pytest.approx(0.1975)
    assert decay(100.0, 0.5) == pytest.approx(math.log(2) / 100)
    d = np.array([[0, 100, np.inf], [100, 0, 200], [np.inf, 200, 0]])
    assert eca(A, d, 100.0) == pytest.approx(math.sqrt(19.75))
    # p = 0.05 at 100 m: p12 = 0.05, p23 = 0.0025, p13 = 0.000125
    num05 = 14 + 2 * (2 * 0.05 + 6 * 0.0025 + 3 * 0.000125)
    assert eca(A, d, 100.0, p_at=0.05) == pytest.approx(math.sqrt(num05))


def test_dpc_fractions_three_patches_by_hand():
    fr = dpc_fractions(A, G, 100.0)
    # patch 2: removing it leaves 1 + 9 = 10 → dPC = 9.75 / 19.75
    assert fr["dpc"][1] == pytest.approx(9.75 / 19.75)
    assert fr["intra"][1] == pytest.approx(4 / 19.75)
    assert fr["flux"][1] == pytest.approx(2 * (1 + 1.5) / 19.75)
    assert fr["connector"][1] == pytest.approx(2 * 0.375 / 19.75)
    assert fr["connector"][0] == 0 and fr["connector"][2] == 0
    assert fr["flux"][0] == pytest.approx(2 * (1 + 0.375) / 19.75)
    assert fr["reach"][0] == pytest.approx(1 + 2 * 0.5 + 3 * 0.125)
    no_conn = dpc_fractions(A, G, 100.0, connector=False)
    assert np.isnan(no_conn["connector"]).all()


def test_eca_gain_of_an_attached_node_by_hand():
    # new 1 ha node linked with p = 0.5 to patch 1 (reach 2.375):
    # PCnum' = 19.75 + 1 + 2·1·0.5·2.375 = 23.125
    got = eca_gain_attached(math.sqrt(19.75), np.array([1.0]), np.array([2.375]),
                            np.array([0.5]))
    assert got[0] == pytest.approx(math.sqrt(23.125) - math.sqrt(19.75))


def test_least_cost_path_on_a_tiny_grid():
    # 3 × 5 cells of 1 m; patches at (1,0) and (1,4); the middle row costs 10, the bottom
    # row 2, the top row 1. Top route: √2 + 1 + 1 + √2 = 4.828 (middle 31, bottom > 4.83).
    labels = np.zeros((3, 5), dtype=np.int32)
    labels[1, 0], labels[1, 4] = 1, 2
    res = np.ones((3, 5))
    res[1, 1:4] = 10.0
    res[2, :] = 2.0
    res[1, 0] = res[1, 4] = 1.0
    fld = cost_field(labels, res, 1.0)
    links = planar_links(fld, res, 1.0)
    assert len(links) == 1 and links["cost_m"].iloc[0] == pytest.approx(2 + 2 * math.sqrt(2))
    path = link_path(fld, int(links["u"].iloc[0]), int(links["v"].iloc[0]))
    assert path == [5, 1, 2, 3, 9]
    assert fld.cost[0, 2] == pytest.approx(math.sqrt(2) + 1)
    with pytest.raises(InputError, match="does not match"):
        cost_field(labels, res[:, :4], 1.0)
    with pytest.raises(InputError, match="no nature patch"):
        cost_field(np.zeros_like(labels), res, 1.0)


def test_missing_resistance_class_is_named():
    t = ResistanceTable({8: 1.0}, [], "r.csv")
    with pytest.raises(InputError, match="no resistance for land-cover class.*5"):
        resistance_surface(np.array([[8, 5]], np.uint8), np.ones((1, 2), bool), t, "r.csv")


def constructed_grid() -> NatureGrid:
    """10 × 10 cells of 100 m: forest in columns 0–1, built-up in columns 8–9, farmland
    between."""
    scheme = load_scheme("basemap04")
    classes = np.full((10, 10), 5, dtype=np.uint8)
    classes[:, :2] = 8
    classes[:, 8:] = 6
    lut = np.zeros(256)
    lut[scheme.table["value"].to_numpy(int)] = scheme.table["nature_value"].to_numpy()
    return NatureGrid(classes, np.ones_like(classes, bool), classes == 8, lut[classes],
                      Affine(100, 0, 0, 0, -100, 1000), "EPSG:25832", 100.0)


def test_firemans_classes_on_a_constructed_map():
    net = network_from_grid(constructed_grid(), [1000.0])
    strips = gpd.GeoDataFrame({"unit_id": [f"s{i}" for i in range(5)]},
                              geometry=[shapely.box(200 * i, 0, 200 * (i + 1), 1000)
                                        for i in range(5)], crs="EPSG:25832")
    prot = gpd.GeoDataFrame(geometry=[shapely.box(0, 500, 200, 1000)], crs="EPSG:25832")
    r = rank_units(net, strips, buffer_m=200.0, protection=prot).units.set_index("unit_id")
    # s0 forest → protect; s1 farmland next to it → buffer; s2, s3 farther → new nature;
    # s4 built-up → nothing. Half of s0's forest lies in the protection layer (not < ½).
    assert r["fireman_class"].tolist() == [1, 2, 3, 3, 0]
    assert r.loc["s0", "protected_share"] == pytest.approx(0.5)
    assert not r.loc["s0", "unprotected"]
    assert r.loc["s1", "farmland_ha"] == pytest.approx(20.0)
    assert r.loc["s1", "eca_gain_ha"] > r.loc["s3", "eca_gain_ha"] > 0
    assert r.loc["s1", "rank"] == 1 and np.isnan(r.loc["s0", "rank"])
    small = gpd.GeoDataFrame(geometry=[shapely.box(0, 900, 200, 1000)], crs="EPSG:25832")
    r2 = rank_units(net, strips, 200.0, small).units.set_index("unit_id")
    assert r2.loc["s0", "unprotected"]
    cls = fireman_classes(np.array([0.6, 0.0, 0.0, 0.0]), np.array([1, 3, 3, 0]),
                          np.array([False, False, True, False]),
                          np.array([False, True, False, False]))
    assert cls.tolist() == [1, 2, 2, 0]


def test_network_of_the_constructed_map():
    net = network_from_grid(constructed_grid(), [500.0, 1000.0])
    assert len(net.patches) == 1 and len(net.links) == 0
    ix = net.indices.set_index("distance_m")
    # one patch: ECA = its habitat (20 cells × 1 ha × 85/100)
    assert ix.loc[1000.0, "eca_ha"] == pytest.approx(17.0)
    assert ix.loc[1000.0, "pc"] == pytest.approx(17.0 ** 2 / 100.0 ** 2)
    assert net.patches["dpc_1000"].iloc[0] == pytest.approx(1.0)
    with pytest.raises(InputError, match="no nature patch of at least"):
        network_from_grid(constructed_grid(), [1000.0], min_patch_ha=50)
