"""Read zone polygons: check the file, the CRS and the geometries, dissolve by id."""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from naturkapital.core.errors import InputError
from naturkapital.io.local import (
    InMemory,
    Source,
    check_geojson_file,
    check_local,
    error_text,
)

#: Column names of a normalised zone table.
ZONE_ID = "zone_id"
ZONE_NAME = "name"


def read_vector(path: Source | gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Read any OGR vector file — a path, or bytes (:class:`InMemory`) — or take a
    GeoDataFrame (a copy), failing with a one-line :class:`InputError`.

    The file must be local data (no URL, VRT or service description, no GeoJSON ``crs``
    link; see :mod:`naturkapital.io.local`); bytes get the same checks as a file."""
    if isinstance(path, gpd.GeoDataFrame):
        p: Any = "GeoDataFrame"
        gdf = path.copy()
    else:
        p = check_local(path, "file")
        check_geojson_file(p)
        src = io.BytesIO(p.data) if isinstance(p, InMemory) else p
        try:
            with warnings.catch_warnings():  # GDAL notes a .gpkg in memory has no suffix
                warnings.filterwarnings("ignore", "File /vsimem/", RuntimeWarning)
                gdf = gpd.read_file(src, engine="pyogrio")
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError,
                OSError) as exc:
            raise InputError(p, f"cannot read as a vector file ({error_text(exc, p, 1000)})"
                             ) from None
    if len(gdf) == 0:
        raise InputError(p, "the file has no features (empty file)")
    if "geometry" not in gdf or gdf.geometry.isna().all():
        raise InputError(p, "the file has no geometries")
    return gdf


def vector_fields(path: Source) -> list[str]:
    """The attribute fields of a vector file (a path or bytes), after the checks of
    :func:`read_vector`; InputError when it cannot be read."""
    p = check_local(path, "file")
    check_geojson_file(p)
    src = io.BytesIO(p.data) if isinstance(p, InMemory) else p
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "File /vsimem/", RuntimeWarning)
            info = pyogrio.read_info(src)
    except Exception as exc:  # GDAL raises many types for broken files
        raise InputError(p, f"cannot read as a vector file ({error_text(exc, p)})") from None
    return [str(f) for f in info["fields"]]


def read_zones(
    path: Source | gpd.GeoDataFrame,
    id_field: str,
    name_field: str | None = None,
) -> gpd.GeoDataFrame:
    """Read zones as a GeoDataFrame with columns ``zone_id`` (str), ``name``, geometry.

    Checks: a CRS is set; the id field exists and has no blanks; polygons only;
    geometries valid. Multi-part zones sharing an id are dissolved into one zone.
    """
    p = path if isinstance(path, InMemory | gpd.GeoDataFrame) else Path(path)
    gdf = read_vector(p)
    if isinstance(p, gpd.GeoDataFrame):
        p = "GeoDataFrame"
    if gdf.crs is None:
        raise InputError(p, "no CRS (coordinate reference system) is set; define one, "
                            "e.g. EPSG:25832, in QGIS or with ogr2ogr -a_srs")
    for field in [id_field] + ([name_field] if name_field else []):
        if field not in gdf.columns:
            cols = ", ".join(c for c in gdf.columns if c != "geometry")
            raise InputError(p, f"field '{field}' not found (fields: {cols})")
    if gdf[id_field].isna().any():
        raise InputError(p, f"{int(gdf[id_field].isna().sum())} feature(s) have no "
                            f"value in id field '{id_field}'")
    missing = gdf.geometry.isna() | gdf.geometry.is_empty
    if missing.any():
        first = gdf.loc[missing, id_field].map(_id_text).iloc[0]
        raise InputError(p, f"{int(missing.sum())} feature(s) have no geometry (null or "
                            f"empty), first {id_field}={first}; draw it or delete the "
                            "feature")
    check_polygons(gdf, p, "zones", lambda i: f"{id_field}={gdf[id_field].iloc[i]}")
    col = gdf[id_field]
    # text ids are their own text (_id_text is str()); others are converted one by one
    ids = col if isinstance(col.dtype, pd.StringDtype) else col.map(_id_text)
    out = gpd.GeoDataFrame(
        {
            ZONE_ID: ids,
            ZONE_NAME: gdf[name_field].astype(str) if name_field else ids.copy(),
        },
        geometry=shapely.force_2d(gdf.geometry.values),
        crs=gdf.crs,
    )
    if (out[ZONE_ID] == "0").any():
        raise InputError(p, f"zone id 0 in '{id_field}' is reserved for the national "
                            "(all zones) row; renumber that zone")
    if out[ZONE_ID].is_unique:  # nothing to dissolve: the same union, one per zone
        out["geometry"] = shapely.union_all(out.geometry.values.to_numpy()[:, None], axis=1)
        return out[[ZONE_ID, ZONE_NAME, "geometry"]]
    dissolved = out.dissolve(by=ZONE_ID, aggfunc={ZONE_NAME: "first"}, sort=False)
    return dissolved.reset_index()[[ZONE_ID, ZONE_NAME, "geometry"]]


def check_polygons(gdf: gpd.GeoDataFrame, source: object, what: str,
                   label: Callable[[int], str]) -> None:
    """Polygons only, every geometry valid: else an :class:`InputError` on ``source``
    that names the first invalid feature by ``label(position)``."""
    kinds = set(gdf.geom_type.unique())
    if not kinds <= {"Polygon", "MultiPolygon"}:
        raise InputError(source, f"{what} must be polygons, found {', '.join(sorted(kinds))}")
    invalid = ~gdf.geometry.is_valid.to_numpy()
    if invalid.any():
        i = int(np.argmax(invalid))
        reason = shapely.is_valid_reason(gdf.geometry.iloc[i])
        raise InputError(source, f"invalid geometry in {int(invalid.sum())} feature(s), first "
                                 f"{label(i)}: {reason} (repair it, e.g. QGIS 'Fix "
                                 "geometries')")


def _id_text(value: object) -> str:
    """Zone ids as text; 563.0 (a float read from a file) becomes '563'."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


