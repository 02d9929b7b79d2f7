"""Two tiny epochs on one grid (4×4 cells of 10 m = 0.01 ha), a typology and zones."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.conftest import write_raster, write_zones

TYPOLOGY_CSV = """value,label,ecosystem_type,nki_land_type,source
1,skov,woodland_forest,skov,test table
2,mark,cropland,mark,test table
3,by,urban,by_graa,test table
4,andet,sparsely_vegetated,andet,assumption: test
5,eng,wetlands,eng_mose,test table
"""

#: epoch 1 (the NKI tests' tiny raster) and epoch 2; 0 = nodata
EPOCH1 = np.array([[1, 1, 2, 2], [1, 1, 2, 2], [5, 5, 3, 3], [4, 4, 3, 0]], dtype=np.uint8)
EPOCH2 = np.array([[1, 1, 1, 2], [1, 3, 2, 2], [5, 5, 3, 3], [5, 4, 3, 2]], dtype=np.uint8)


@pytest.fixture
def two_epochs(tmp_path: Path, scheme: Path) -> dict[str, Path]:
    typ = tmp_path / "typology.csv"
    typ.write_text(TYPOLOGY_CSV, encoding="utf-8")
    return {
        "from": write_raster(tmp_path / "lc1990.tif", EPOCH1),
        "to": write_raster(tmp_path / "lc2018.tif", EPOCH2),
        "scheme": scheme,
        "typology": typ,
        # A: the whole raster; B: two full cells and two half cells of column 1
        "zones": write_zones(tmp_path / "zones.gpkg", {"A": (0, 0, 4, 4),
                                                       "B": (0, 0, 1.5, 2)}),
    }
