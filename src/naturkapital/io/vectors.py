"""Read zone polygons: check the file, the CRS and the geometries, dissolve by id."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from naturkapital.core.errors import InputError, first_line
from naturkapital.io.local import check_geojson_file, check_local

#: Column names of a normalised zone table.
ZONE_ID = "zone_id"
ZONE_NAME = "name"


def read_vector(path: str | Path) -> gpd.GeoDataFrame:
    """Read any OGR vector file, failing with a one-line :class:`InputError`.

    The file must be local data (no URL, VRT or service description, no GeoJSON ``crs``
    link; see :mod:`naturkapital.io.local`)."""
    p = check_local(path, "file")
    check_geojson_file(p)
    try:
        gdf = gpd.read_file(p, engine="pyogrio")
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, OSError) as exc:
        raise InputError(p, f"cannot read as a vector file ({first_line(exc, 1000)})") from None
    if len(gdf) == 0:
        raise InputError(p, "the file has no features (empty file)")
    if "geometry" not in gdf or gdf.geometry.isna().all():
        raise InputError(p, "the file has no geometries")
    return gdf


def read_zones(
    path: str | Path,
    id_field: str,
    name_field: str | None = None,
) -> gpd.GeoDataFrame:
    """Read zones as a GeoDataFrame with columns ``zone_id`` (str), ``name``, geometry.

    Checks: a CRS is set; the id field exists and has no blanks; polygons only;
    geometries valid. Multi-part zones sharing an id are dissolved into one zone.
    """
    p = Path(path)
    gdf = read_vector(p)
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
    kinds = set(gdf.geom_type.unique())
    if not kinds <= {"Polygon", "MultiPolygon"}:
        raise InputError(p, f"zones must be polygons, found {', '.join(sorted(kinds))}")
    invalid = ~gdf.geometry.is_valid
    if invalid.any():
        bad = gdf.loc[invalid, id_field].astype(str).iloc[0]
        reason = shapely.is_valid_reason(gdf.geometry[invalid].iloc[0])
        raise InputError(p, f"invalid geometry in {int(invalid.sum())} feature(s), first "
                            f"{id_field}={bad}: {reason} (repair it, e.g. QGIS 'Fix "
                            "geometries')")
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


def _id_text(value: object) -> str:
    """Zone ids as text; 563.0 (a float read from a file) becomes '563'."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


