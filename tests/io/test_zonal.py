"""The one batched exactextract loop: how features are grouped, and that grouping never
changes a number."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
from exactextract.raster import RasterioRasterSource
from rasterio.transform import from_origin
from shapely.geometry import box

from naturkapital.io.zonal import extract_batches, feature_batches

X0, Y0 = 500_000.0, 6_200_000.0


def squares(sides_m: list[float]) -> gpd.GeoDataFrame:
    """Squares of the given sides (m), side by side, EPSG:25832."""
    geoms, x = [], X0
    for s in sides_m:
        geoms.append(box(x, Y0 - s, x + s, Y0))
        x += s
    return gpd.GeoDataFrame({"zid": [f"z{i}" for i in range(len(sides_m))]}, geometry=geoms,
                            crs="EPSG:25832")


def test_batches_by_feature_count() -> None:
    # 5 features, at most 2 per batch → [0:2], [2:4], [4:5]
    got = feature_batches(squares([10.0] * 5), (10.0, 10.0), max_features=2)
    assert [(s.start, s.stop) for s in got] == [(0, 2), (2, 4), (4, 5)]


def test_batches_by_cells_under_the_bounding_boxes() -> None:
    # A 30 m square on a 10 m grid counts (floor(30/10) + 2)² = 25 cells (it may touch a
    # partial cell on every side). Budget 60 cells: 25 + 25 = 50 fit, a third makes 75 →
    # batches [0:2], [2:4]; a lone 100 m square (12² = 144 cells) is a batch of its own.
    got = feature_batches(squares([30.0, 30.0, 30.0, 30.0, 100.0]), (10.0, 10.0),
                          max_cells=60)
    assert [(s.start, s.stop) for s in got] == [(0, 2), (2, 4), (4, 5)]
    assert feature_batches(squares([]), (10.0, 10.0)) == []


def test_batching_never_changes_a_number(tmp_path: Path) -> None:
    values = np.arange(40 * 60, dtype="float32").reshape(40, 60)
    path = tmp_path / "v.tif"
    with rasterio.open(path, "w", driver="GTiff", width=60, height=40, count=1,
                       dtype="float32", crs="EPSG:25832",
                       transform=from_origin(X0 - 5, Y0 + 5, 10, 10)) as ds:
        ds.write(values, 1)
    zones = squares([25.0, 47.5, 13.0, 100.0, 31.0])  # cut cells on every side
    with rasterio.open(path) as ds:
        src = RasterioRasterSource(ds, 1)

        def run(**kw) -> list[tuple]:
            out, done = [], []
            for b in extract_batches(zones, src, ["values", "coverage"], ["zid"], ds.res,
                                     progress=done.append, **kw):
                out += [(r.zid, np.asarray(r.values).tolist(), np.asarray(r.coverage).tolist())
                        for r in b.result.itertuples()]
            assert sum(done) == len(zones)
            return out

        one_each, all_at_once = run(max_features=1), run()
    assert one_each == all_at_once
    # the raster's cell edges lie 5 m off the squares' corner, so the first square (25 m)
    # covers 0.5 + 1 + 1 = 2.5 cells each way: 6.25 cells of coverage in all
    assert sum(all_at_once[0][2]) == pytest.approx(6.25)


@pytest.mark.parametrize("dtype,nodata", [("uint8", 255), ("float32", -9999.0)])
def test_window_source_gives_the_rasterio_sources_numbers(tmp_path: Path, dtype: str,
                                                          nodata: float) -> None:
    # A window read once (its nodata mask dropped for the plain array, exactextract skips
    # the same cells by the nodata value) must give exactly what the rasterio source
    # gives, nodata cells included: 3 nodata cells under the squares.
    from naturkapital.io.zonal import _plain_if_nodata_mask, extract_arrays, window_source

    values = (np.arange(40 * 60) % 7).reshape(40, 60).astype(dtype)
    values[0, 0:3] = nodata
    path = tmp_path / "v.tif"
    with rasterio.open(path, "w", driver="GTiff", width=60, height=40, count=1,
                       dtype=dtype, crs="EPSG:25832", nodata=nodata,
                       transform=from_origin(X0 - 5, Y0 + 5, 10, 10)) as ds:
        ds.write(values, 1)
    zones = squares([25.0, 47.5, 13.0, 100.0, 31.0])
    geoms = np.asarray(zones.geometry.values, dtype=object)
    with rasterio.open(path) as ds:
        src = RasterioRasterSource(ds, 1)
        win = window_source(src, zones.total_bounds)
        assert not isinstance(win.arr, np.ma.MaskedArray)  # the plain array is used
        ops = ["values", "coverage", "cell_id"]
        a = extract_arrays(geoms, src, ops, 0, ds.crs.to_wkt())
        b = extract_arrays(geoms, win, ops, 0, ds.crs.to_wkt())
    assert a["_i"] == b["_i"]
    for op in ("values", "coverage"):
        assert all(np.array_equal(x, y) for x, y in zip(a[op], b[op], strict=True))
    assert not any((np.asarray(v) == nodata).any() for v in b["values"])  # nodata left out
    assert sum(np.asarray(v).size for v in b["values"]) > 0
    # a mask that is not "value == nodata" keeps the masked array
    m = np.ma.masked_array(np.array([[1, 2], [3, 4]], dtype="uint8"), [[True, False],
                                                                         [False, False]])
    assert _plain_if_nodata_mask(m, 255) is m
    assert _plain_if_nodata_mask(np.ma.masked_equal(m.data, 4), 4).__class__ is np.ndarray


def test_extract_arrays_one_row_per_feature_in_order() -> None:
    # Rows are matched to features by position (no id field goes through exactextract),
    # so every feature must give its row in order, one outside the raster too. A 10×10
    # grid of 1 m cells at (0, 0)–(10, 10), cell id = row × 10 + column, row 7 is y 2–3
    # and row 8 y 1–2: box (1, 1)–(2.5, 2.5) covers cell 71 by 1 × 0.5, 72 by 0.5 × 0.5,
    # 81 whole, 82 by 0.5 × 1; the box far away covers nothing; box (3, 3)–(4, 4) covers
    # cell 63 whole. first=5 numbers them 5, 6, 7.
    from exactextract.raster import NumPyRasterSource

    from naturkapital.io.zonal import extract_arrays

    grid = NumPyRasterSource(np.zeros((10, 10), dtype=np.uint8), 0, 0, 10, 10)
    geoms = np.array([box(1, 1, 2.5, 2.5), box(100, 100, 101, 101), box(3, 3, 4, 4)],
                     dtype=object)
    got = extract_arrays(geoms, grid, ["coverage", "cell_id"], first=5)
    assert got["_i"] == [5, 6, 7]
    assert [x.tolist() for x in got["cell_id"]] == [[71, 72, 81, 82], [], [63]]
    assert [x.tolist() for x in got["coverage"]] == [[0.5, 0.25, 1.0, 0.5], [], [1.0]]
