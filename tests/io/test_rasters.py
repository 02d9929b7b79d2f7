"""Raster checks in ``io``: the one place that decides whether a raster file is usable."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin

from naturkapital.core.errors import InputError, TooLargeError
from naturkapital.io.rasters import check_raster_file


def tif(path: Path, crs: str | None, shape: tuple[int, int] = (4, 5),
        driver: str = "GTiff") -> Path:
    profile = {"driver": driver, "width": shape[1], "height": shape[0], "count": 1,
               "dtype": "float32", "transform": from_origin(500_000, 6_200_000, 10, 10)}
    if crs:
        profile["crs"] = crs
    with rasterio.open(path, "w", **profile) as ds:
        ds.write(np.zeros((1, *shape), dtype="float32"))
    return path


def test_a_good_raster_returns_its_cell_count(tmp_path: Path) -> None:
    # 4 rows × 5 columns = 20 cells
    assert check_raster_file(tif(tmp_path / "ok.tif", "EPSG:25832"), max_cells=20) == 20


def test_too_many_cells_is_a_too_large_error_named_as_shown(tmp_path: Path) -> None:
    path = tif(tmp_path / "big.tif", "EPSG:25832")
    with pytest.raises(TooLargeError) as exc:
        check_raster_file(path, "carbon raster", max_cells=19, shown="kulstof.tif")
    assert exc.value.source == "kulstof.tif"
    assert exc.value.problem.startswith("the carbon raster has 20 cells; at most 19")


@pytest.mark.parametrize("crs,needle", [(None, "no CRS"),
                                        ("EPSG:4326", "geographic coordinates")])
def test_crs_is_required_and_must_be_projected(tmp_path: Path, crs: str | None,
                                               needle: str) -> None:
    path = tif(tmp_path / "x.tif", crs)
    with pytest.raises(InputError, match=needle) as exc:
        check_raster_file(path, "carbon raster", shown="upload.tif")
    assert exc.value.source == "upload.tif"
    assert str(tmp_path) not in exc.value.problem


def test_only_the_given_driver_may_open_it(tmp_path: Path) -> None:
    path = tif(tmp_path / "x.img", "EPSG:25832", driver="HFA")  # Erdas Imagine
    assert check_raster_file(path) == 20
    with pytest.raises(InputError, match="cannot read as a peat raster") as exc:
        check_raster_file(path, "peat raster", driver="GTiff", shown="t.img")
    assert str(tmp_path) not in str(exc.value)
