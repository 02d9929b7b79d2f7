"""The national 10 m test input is deterministic, window-independent and cut-out exact."""

from __future__ import annotations

import json

import numpy as np
import pytest
import rasterio

from naturkapital.bench.national_input import (
    BIOSCORE_NODATA,
    NationalInput,
    generate_national,
    make_window,
)
from naturkapital.core.errors import InputError
from naturkapital.data.catalogue import dataset_path

# 3 km × 2 km on the Esbjerg–Fanø coast: land, sea and several classes.
BBOX = (463_000.0, 6_140_000.0, 466_000.0, 6_142_000.0)


@pytest.fixture(scope="module")
def parent():
    with rasterio.open(dataset_path("basemap2021")) as ds:
        yield ds


def test_windows_do_not_change_values(parent):
    r, c = 27_000, 3_000
    cls, bio = make_window(parent, r, c, 96, 160)
    left_c, left_b = make_window(parent, r, c, 96, 70)
    right_c, right_b = make_window(parent, r, c + 70, 96, 90)
    assert np.array_equal(cls, np.hstack([left_c, right_c]))
    assert np.array_equal(bio, np.hstack([left_b, right_b]))


def test_sub_cell_variation_and_bioscore(parent):
    cls, bio = make_window(parent, 27_000, 3_000, 400, 400)
    coarse = cls.reshape(40, 10, 40, 10)
    varied = (coarse != coarse[:, :1, :, :1]).any(axis=(1, 3))
    assert varied.mean() > 0.05  # not just 100 m blocks
    assert set(np.unique(cls)) <= {0, 2, 4, 5, 6, 7, 8, 9, 10, 11}
    assert (bio[cls == 0] == BIOSCORE_NODATA).all()
    assert (bio[cls == 4] == BIOSCORE_NODATA).all()
    land = (cls != 0) & (cls != 4)
    assert bio[land].max() <= 20


def test_cut_out_is_identical_and_reproducible(tmp_path, parent):
    a = generate_national(tmp_path / "a", bbox=BBOX)
    b = generate_national(tmp_path / "b", bbox=BBOX)
    with rasterio.open(a.landcover) as da, rasterio.open(b.landcover) as db, \
            rasterio.open(a.bioscore) as ba:
        assert da.profile["tiled"] and da.profile["compress"] == "deflate"
        assert da.res == (10.0, 10.0) and da.crs == parent.crs
        assert da.block_shapes[0] == (512, 512)
        arr = da.read(1)
        assert np.array_equal(arr, db.read(1))
        row0, col0 = (~parent.transform * (da.bounds.left, da.bounds.top))
        row_off, col_off = int(round(col0)) * 10, int(round(row0)) * 10
        cls, bio = make_window(parent, row_off, col_off, da.height, da.width)
        assert np.array_equal(arr, cls)
        assert np.array_equal(ba.read(1), bio)
    meta = json.loads(a.manifest.read_text())
    assert meta["class_cells"] == json.loads(b.manifest.read_text())["class_cells"]
    assert a.exists(meta["extent_100m_cells"])
    assert not a.exists([0, 0, 1, 1])


def test_bad_bbox(tmp_path):
    with pytest.raises(InputError, match="--bbox"):
        generate_national(tmp_path, bbox=(10.0, 10.0, 5.0, 20.0))
    with pytest.raises(InputError, match="does not overlap"):
        generate_national(tmp_path, bbox=(0.0, 0.0, 1000.0, 1000.0))


def test_national_input_paths(tmp_path):
    ni = NationalInput.in_folder(tmp_path)
    assert ni.landcover.name.endswith("10m.tif") and not ni.exists()
