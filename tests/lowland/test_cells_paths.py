"""The two extraction paths of :func:`naturkapital.lowland.cells.extract_cells` — cells
taken by index from a window read once (the usual one) and the three maps joined by cell
id (batches too large to read) — give the same cells, values and order."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Polygon

from naturkapital.lowland import cells
from naturkapital.lowland.cells import LowlandRasters, extract_cells

from .conftest import CELL, CRS, X0, Y0, write_raster


@pytest.fixture
def maps(tmp_path: Path) -> tuple[LowlandRasters, gpd.GeoDataFrame]:
    rng = np.random.default_rng(3)
    h, w = 60, 80
    oc = rng.uniform(0, 30, (h, w))
    gvs = rng.uniform(-150, -5, (h, w))
    peat = rng.uniform(0, 250, (h, w))
    oc[rng.random((h, w)) < 0.15] = -9999.0       # nodata in one map only
    gvs[rng.random((h, w)) < 0.15] = -9999.0
    peat[10:20, 10:30] = -9999.0
    oc[10:20, 10:30] = -9999.0
    gvs[10:20, 10:30] = -9999.0                   # all three missing: no cell at all
    r = LowlandRasters(write_raster(tmp_path / "oc.tif", oc),
                       write_raster(tmp_path / "gvs.tif", gvs),
                       write_raster(tmp_path / "peat.tif", peat))
    polys = []
    for k in range(40):  # irregular quadrilaterals cutting cells, some over the gap
        cx, cy = rng.uniform(3, w - 3), rng.uniform(3, h - 3)
        pts = [(X0 + (cx + dx + rng.uniform(-0.7, 0.7)) * CELL,
                Y0 - (cy + dy + rng.uniform(-0.7, 0.7)) * CELL)
               for dx, dy in ((-2.2, -1.7), (2.4, -2.1), (2.1, 2.6), (-1.9, 2.2))]
        polys.append(Polygon(pts))
        if k == 5:  # one parcel reaching past the raster's edge
            polys[-1] = Polygon([(X0 - 30, Y0 + 20), (X0 + 45, Y0 + 20), (X0 + 45, Y0 - 37),
                                 (X0 - 30, Y0 - 37)])
    parcels = gpd.GeoDataFrame({"parcel_id": [f"p{i}" for i in range(len(polys))]},
                               geometry=polys, crs=CRS)
    return r, parcels


def test_window_and_join_paths_agree(maps, monkeypatch: pytest.MonkeyPatch) -> None:
    r, parcels = maps
    fast = extract_cells(parcels, r)
    monkeypatch.setattr(cells, "MAX_WINDOW_CELLS", 0)  # every batch through the join
    joined = extract_cells(parcels, r)
    assert fast.parcel_ids == joined.parcel_ids
    np.testing.assert_array_equal(fast.offsets, joined.offsets)
    for attr in ("parcel_ha", "area_ha", "carbon", "gvsmax", "peat"):
        np.testing.assert_array_equal(getattr(fast, attr), getattr(joined, attr), attr)
    # a cell with only some maps missing is kept, one with all three missing is not
    assert np.isnan(fast.carbon).any() and np.isnan(fast.gvsmax).any()
    all_nan = np.isnan(fast.carbon) & np.isnan(fast.gvsmax) & np.isnan(fast.peat)
    assert not all_nan.any()
