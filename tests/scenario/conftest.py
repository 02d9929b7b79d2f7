"""Fixtures of the scenario tests: the tiny 4×4 map of tests/conftest.py, carbon pools
for its five classes, and helpers to write scenario files in cell units."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box

from tests.conftest import CELL, CRS, X0, Y0

#: Pools (t C/ha) of the tiny scheme: totals skov 100, mark 40, by 0, andet 0, eng 60.
POOLS_CSV = """value,c_above,c_below,c_soil,c_dead,low,high,source
1,50,10,30,10,80,120,test pools
2,2,0,38,0,30,50,test pools
3,0,0,0,0,0,0,test pools
4,0,0,0,0,0,0,test pools
5,2,4,54,0,60,60,test pools
"""
#: Ranges (low, high) of the pool totals in POOLS_CSV.
POOL_RANGE = {1: (80.0, 120.0), 2: (30.0, 50.0), 3: (0.0, 0.0), 4: (0.0, 0.0), 5: (60.0, 60.0)}
POOL_TOTAL = {1: 100.0, 2: 40.0, 3: 0.0, 4: 0.0, 5: 60.0}
CELL_HA = CELL * CELL / 10_000  # 0.01 ha


def cells_box(c0: float, r0: float, c1: float, r1: float):
    """A box in cell units relative to the raster origin (col0, row0, col1, row1)."""
    return box(X0 + c0 * CELL, Y0 - r1 * CELL, X0 + c1 * CELL, Y0 - r0 * CELL)


def write_scenario(path: Path, parts: list[dict], crs: str | None = CRS) -> Path:
    """Scenario file from dicts with ``cells`` (c0, r0, c1, r1) and attributes."""
    rows = [{k: v for k, v in p.items() if k != "cells"} for p in parts]
    geoms = [cells_box(*p["cells"]) for p in parts]
    gdf = gpd.GeoDataFrame(rows, geometry=geoms, crs=crs)
    gdf.to_file(path, engine="pyogrio")
    return path


@pytest.fixture
def pools(tmp_path: Path) -> Path:
    p = tmp_path / "pools.csv"
    p.write_text(POOLS_CSV, encoding="utf-8")
    return p


@pytest.fixture
def whole(tmp_path: Path) -> Path:
    """One zone 'A' covering the whole tiny raster."""
    from tests.conftest import write_zones

    return write_zones(tmp_path / "zones.gpkg", {"A": (0, 0, 4, 4)})
