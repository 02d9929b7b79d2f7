"""read_zones: zones with unique ids skip the dissolve but give the same table and the
same geometries, byte for byte, as dissolving them would."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon, box

from naturkapital.io.vectors import ZONE_ID, ZONE_NAME, read_zones


def test_unique_ids_give_what_the_dissolve_gives(tmp_path: Path) -> None:
    # a clockwise ring, a ring starting mid-edge, and a multipolygon the union rewrites
    # (its parts reordered): the fast path must do exactly what the dissolve does
    cw = Polygon([(0, 0), (0, 10), (10, 10), (10, 0)])
    mid = Polygon([(25, 0), (30, 0), (30, 10), (20, 10), (20, 0)])
    multi = MultiPolygon([box(46, 0, 50, 5), box(40, 0, 45, 5)])
    touching = MultiPolygon([box(60, 0, 65, 5), box(66, 0, 70, 5)])
    gdf = gpd.GeoDataFrame({"kode": [101.0, 7.0, 12.0, 3.0], "navn": ["A", "B", "C", "D"]},
                           geometry=[cw, mid, multi, touching], crs="EPSG:25832")
    path = tmp_path / "z.gpkg"
    gdf.to_file(path, driver="GPKG", engine="pyogrio")
    got = read_zones(path, "kode", "navn")
    assert got[ZONE_ID].tolist() == ["101", "7", "12", "3"]
    assert got[ZONE_NAME].tolist() == ["A", "B", "C", "D"]
    raw = gpd.read_file(path, engine="pyogrio")
    want = raw.dissolve(by="kode", aggfunc={"navn": "first"}, sort=False)  # the slow path
    assert np.array_equal(shapely.to_wkb(got.geometry.values),
                          shapely.to_wkb(want.geometry.values))
    assert not got.geometry.values[2].equals_exact(multi, 0)  # the union reordered it


def test_repeated_ids_are_dissolved(tmp_path: Path) -> None:
    gdf = gpd.GeoDataFrame({"kode": ["a", "b", "a"]},
                           geometry=[box(0, 0, 1, 1), box(5, 5, 6, 6), box(1, 0, 2, 1)],
                           crs="EPSG:25832")
    path = tmp_path / "z.gpkg"
    gdf.to_file(path, driver="GPKG", engine="pyogrio")
    got = read_zones(path, "kode")
    assert got[ZONE_ID].tolist() == ["a", "b"]
    assert got.geometry.values[0].area == 2.0
