"""Real data: the ecological network and the fireman's rule for Hedensted (766) on the
embedded Basemap04 2021 (100 m) and the 50 m dry/wet nature map."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest

from naturkapital.priority.network import build_network
from naturkapital.priority.rank import rank_units
from naturkapital.priority.units import grid, municipality
from tests.conftest import run_cli


@pytest.fixture(scope="module")
def hedensted():
    return build_network("766", [500.0, 2000.0], min_patch_ha=2.0)


def test_hedensted_network(hedensted):
    ix = hedensted.indices.set_index("distance_m")
    # ECA grows with the dispersal distance and stays within the habitat
    assert 0 < ix.loc[500.0, "eca_ha"] < ix.loc[2000.0, "eca_ha"] < ix.loc[2000.0,
                                                                         "habitat_ha"]
    assert ix.loc[2000.0, "pc"] == pytest.approx(ix.loc[2000.0, "eca_ha"] ** 2 /
                                                 ix.loc[2000.0, "landscape_ha"] ** 2)
    p = hedensted.patches
    assert len(p) > 100 and (p["area_ha"] >= 2.0).all()
    assert p["dpc_2000"].max() <= 1.0 + 1e-9
    parts = p["intra_2000"] + p["flux_2000"] + p["connector_2000"]
    assert np.allclose(parts, p["dpc_2000"])
    assert (p["connector_2000"] > 0).any()  # some patches are stepping stones
    c = hedensted.corridors
    assert len(c) == int((hedensted.links["cost_m"] <= 2000.0).sum()) > 0
    assert hedensted.corridor_raster.max() >= 1
    assert hedensted.meta["kommune_name"] == "Hedensted"
    assert any("assumption" in a for a in hedensted.meta["assumptions"])


def test_hedensted_ranking(hedensted):
    _, _, geom = municipality("766", hedensted.grid.crs)
    units = grid(geom, 1000.0, hedensted.grid.crs)
    r = rank_units(hedensted, units, 200.0, distance=2000.0)
    u = r.units
    assert set(u["fireman_class"]) <= {0, 1, 2, 3} and {1, 2, 3} <= set(u["fireman_class"])
    cand = u[u["fireman_class"] >= 2].sort_values("rank")
    assert cand["rank"].tolist() == list(range(1, len(cand) + 1))
    # the fireman's order: every class-2 candidate ranks before every class-3 candidate
    assert cand["fireman_class"].is_monotonic_increasing
    assert (u.loc[u["fireman_class"] == 2, "eca_gain_ha"].mean()
            > u.loc[u["fireman_class"] == 3, "eca_gain_ha"].mean())


def test_cli_network_writes_layers_and_map(tmp_path):
    out, png = tmp_path / "network.gpkg", tmp_path / "network.png"
    r = run_cli("priority", "network", "--kommune", "766", "--distance", "1000",
                "--min-patch-ha", "5", "--out", str(out), "--map", str(png))
    assert r.returncode == 0, r.stderr
    assert "ECA" in r.stdout
    import pyogrio

    layers = {name for name, _ in pyogrio.list_layers(out)}
    assert {"patches", "links", "indices", "metadata"} <= layers
    assert gpd.read_file(out, layer="patches")["dpc_1000"].notna().all()
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
