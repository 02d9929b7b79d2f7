"""The context proxy on the Dask engine equals the in-memory path (halo across blocks)."""

from __future__ import annotations

import numpy as np
import pytest

from naturkapital.landcover.context import load_context, raster_values
from naturkapital.nki.compute import Zones, compute_nki
from naturkapital.nki.zonal import DaskEngine, zonal_class_areas

pytestmark = [pytest.mark.filterwarnings("ignore:Dataset has no geotransform")]


@pytest.mark.parametrize("chunk", [64, 128])
def test_context_values_per_class_match(synth, chunk):
    """10 m cells, 500 m radius: a 50-cell halo, wider than a 64-cell block."""
    lc, zones = synth["landcover"], synth["zones"]
    ctx = load_context()
    assert ctx.radius_cells(10.0) == 50
    ref = zonal_class_areas(
        zones, lc, cell_values=lambda ds: raster_values(ds, lc.band, lc.scheme, ctx)
    )
    got = zonal_class_areas(zones, lc, dask=DaskEngine("synchronous", chunk, context=ctx))
    m = ref.classes.merge(got.classes, on=["zone_id", "value"], suffixes=("_a", "_b"))
    assert len(m) == len(ref.classes) == len(got.classes)
    assert np.allclose(m["area_ha_a"], m["area_ha_b"], atol=1e-6)
    assert np.allclose(m["bio_value_ha_a"], m["bio_value_ha_b"], atol=1e-4)
    # the values really vary with the surroundings: not one value per class
    mean = m["bio_value_ha_a"] / m["area_ha_a"]
    assert mean[m["value"] == 8].std() > 0.5


def test_compute_nki_engines_agree_with_context_proxy(synth):
    z = Zones(synth["zones"], "synthetic")
    exact = compute_nki(z, landcover=synth["landcover"])
    dask_ = compute_nki(z, landcover=synth["landcover"], engine="dask", scheduler="threads")
    assert exact.meta["proxy"] == dask_.meta["proxy"] == "context"
    a = exact.table.set_index("zone_id")
    b = dask_.table.set_index("zone_id").loc[a.index]
    assert np.allclose(a["nki"], b["nki"], atol=0.01, equal_nan=True)
    assert np.allclose(a["nki_nature"], b["nki_nature"], atol=0.01, equal_nan=True)
    assert (a["rank"].fillna(-1) == b["rank"].fillna(-1)).all()
