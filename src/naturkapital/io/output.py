"""Write outputs atomically: a temporary file beside the target, then a rename.

A crash or a bad input never leaves a half-written result at the target path.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd

from naturkapital.core.errors import InputError

TABLE_SUFFIXES = (".csv", ".json", ".gpkg")


def check_out(path: str | Path, suffixes: tuple[str, ...]) -> Path:
    """Validate an output path before any work is done."""
    p = Path(path)
    if p.suffix.lower() not in suffixes:
        raise InputError(p, f"output must end in {', '.join(suffixes)}")
    if not p.parent.exists():
        raise InputError(p, f"folder {p.parent} does not exist")
    return p


def write_atomic(path: Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` then move ``tmp`` to ``path``; remove ``tmp`` on failure."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix,
                                    dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # some drivers (GPKG) refuse to write over an existing empty file
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def write_table(table: pd.DataFrame, path: str | Path, meta: dict | None = None,
                geometry: gpd.GeoDataFrame | None = None, key: str = "zone_id") -> Path:
    """Write a result table as CSV (UTF-8 with BOM, opens in Excel), JSON or GeoPackage.

    JSON holds ``{"metadata": meta, "rows": [...]}``. GeoPackage joins ``geometry`` on
    ``key`` and stores the metadata (method, assumptions) in a ``metadata`` table.
    """
    p = check_out(path, TABLE_SUFFIXES)
    suffix = p.suffix.lower()
    meta = meta or {}

    def write(tmp: Path) -> None:
        if suffix == ".csv":
            table.to_csv(tmp, index=False, encoding="utf-8-sig", float_format="%.4f")
        elif suffix == ".json":
            rows = json.loads(table.to_json(orient="records", force_ascii=False))
            tmp.write_text(json.dumps({"metadata": meta, "rows": rows}, ensure_ascii=False,
                                      indent=1), encoding="utf-8")
        else:
            if geometry is None:
                raise InputError(p, "GeoPackage output needs zone geometries")
            gdf = geometry[[key, "geometry"]].merge(table, on=key, how="right")
            gdf = gpd.GeoDataFrame(gdf, geometry="geometry", crs=geometry.crs)
            gdf.to_file(tmp, layer=p.stem, driver="GPKG", engine="pyogrio")
            md = pd.DataFrame({"key": list(meta), "value": [json.dumps(v, ensure_ascii=False)
                                                              for v in meta.values()]})
            gpd.GeoDataFrame(md).to_file(tmp, layer="metadata", driver="GPKG",
                                         engine="pyogrio")

    return write_atomic(p, write)
