"""Read parcels (any polygon file, any CRS) with their optional lowland fields.

Output columns: ``parcel_id`` (str), ``in_rotation`` (bool), ``in_rotation_given``
(bool: from the file, not the rules default), ``bid_dkk_per_ha`` (income-compensation
bid, DKK/ha), ``total_bid_dkk`` (total support applied for, DKK), ``synergy_points``
(0–23), ``applicant_type`` (canonical English name or the raw text) and geometry.
Missing optional fields are NaN / empty. Parts sharing an id are dissolved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from naturkapital.core.errors import InputError
from naturkapital.io.local import InMemory, Source
from naturkapital.io.vectors import read_vector
from naturkapital.lowland.cells import PARCEL_ID
from naturkapital.lowland.rules import ParamTable

_TRUE = {"1", "true", "yes", "y", "ja", "j", "omdrift", "t"}
_FALSE = {"0", "false", "no", "n", "nej", "f", "vedvarende", "permanent"}

#: Applicant types Klimaskovfonden accepts (PRODUCT.md §B), with accepted spellings.
APPLICANT_TYPES: dict[str, tuple[str, set[str]]] = {
    "private": ("privat lodsejer", {"private", "privat", "privatperson", "lodsejer",
                                    "person", "owner"}),
    "company": ("virksomhed", {"company", "virksomhed", "selskab", "firma"}),
    "church": ("kirke/menighedsråd", {"church", "kirke", "menighedsråd", "menighedsraad",
                                      "parish", "parish council"}),
    "region": ("region", {"region"}),
    "municipality": ("kommune", {"municipality", "kommune"}),
}


@dataclass(frozen=True)
class ParcelFields:
    """Names of the optional fields in the parcel file (None = not given)."""

    in_rotation: str | None = None
    bid: str | None = None
    total_bid: str | None = None
    synergy: str | None = None
    applicant: str | None = None


def canonical_applicant(value: object) -> str:
    """Canonical applicant type (private, company, …) or the stripped raw text."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    text = str(value).strip()
    low = text.lower()
    for key, (_, spellings) in APPLICANT_TYPES.items():
        if low in spellings:
            return key
    return text


def id_text(value: object) -> str:
    """Ids as text; 12.0 (a float read from a file) becomes '12'."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_parcels(path: Source, id_field: str, fields: ParcelFields | None = None,
                 rules: ParamTable | None = None) -> gpd.GeoDataFrame:
    """Read and check a parcel file; see the module docstring for the columns.

    Checks (each failure is a one-line :class:`InputError` naming the file): a CRS is
    set, the fields exist, ids are not blank, polygons only, valid geometries,
    in-rotation values are yes/no-like, bids and synergy points are numbers, synergy
    points within 0–max (rules ``max_synergy_points``).
    """
    p = path if isinstance(path, InMemory) else Path(path)
    fields = fields or ParcelFields()
    gdf = read_vector(p)
    if gdf.crs is None:
        raise InputError(p, "no CRS (coordinate reference system) is set; define one, "
                            "e.g. EPSG:25832, in QGIS or with ogr2ogr -a_srs")
    wanted = [id_field] + [f for f in (fields.in_rotation, fields.bid, fields.total_bid,
                                       fields.synergy, fields.applicant) if f]
    for f in wanted:
        if f not in gdf.columns:
            cols = ", ".join(c for c in gdf.columns if c != "geometry")
            raise InputError(p, f"field '{f}' not found (fields: {cols})")
    blank = gdf[id_field].isna() | (gdf[id_field].astype(str).str.strip() == "")
    if blank.any():
        raise InputError(p, f"{int(blank.sum())} feature(s) have no value in id field "
                            f"'{id_field}'")
    missing = gdf.geometry.isna() | gdf.geometry.is_empty
    if missing.any():
        first = id_text(gdf.loc[missing, id_field].iloc[0])
        raise InputError(p, f"{int(missing.sum())} feature(s) have no geometry (null or "
                            f"empty), first {id_field}={first}; draw it or delete the "
                            "feature")
    gdf = gdf.copy()
    kinds = set(gdf.geom_type.unique())
    if not kinds <= {"Polygon", "MultiPolygon"}:
        raise InputError(p, f"parcels must be polygons, found {', '.join(sorted(kinds))}")
    invalid = ~gdf.geometry.is_valid
    if invalid.any():
        bad = id_text(gdf.loc[invalid, id_field].iloc[0])
        reason = shapely.is_valid_reason(gdf.geometry[invalid].iloc[0])
        raise InputError(p, f"invalid geometry in {int(invalid.sum())} feature(s), first "
                            f"{id_field}={bad}: {reason} (repair it, e.g. QGIS 'Fix "
                            "geometries')")
    out = pd.DataFrame({PARCEL_ID: _per_value(gdf[id_field], id_text, object)})
    default_rot = bool(rules["default_in_rotation"]) if rules is not None else True
    if fields.in_rotation:
        out["in_rotation"] = _per_value(gdf[fields.in_rotation],
                                        lambda v: _bool(v, p, fields.in_rotation), bool)
        out["in_rotation_given"] = True
    else:
        out["in_rotation"] = default_rot
        out["in_rotation_given"] = False
    for col, f in (("bid_dkk_per_ha", fields.bid), ("total_bid_dkk", fields.total_bid),
                   ("synergy_points", fields.synergy)):
        out[col] = _numbers(gdf[f], p, f) if f else np.nan
    max_syn = rules["max_synergy_points"] if rules is not None else np.inf
    syn = out["synergy_points"]
    bad_syn = syn.notna() & ((syn < 0) | (syn > max_syn))
    if bad_syn.any():
        raise InputError(p, f"synergy points must be 0–{max_syn:g}; parcel "
                            f"{out.loc[bad_syn, PARCEL_ID].iloc[0]} has "
                            f"{syn[bad_syn].iloc[0]:g}")
    out["applicant_type"] = (_per_value(gdf[fields.applicant], canonical_applicant, object)
                             if fields.applicant else "")
    parcels = gpd.GeoDataFrame(out, geometry=shapely.force_2d(gdf.geometry.values),
                               crs=gdf.crs)
    if parcels[PARCEL_ID].duplicated().any():
        attrs = parcels.drop(columns="geometry").groupby(PARCEL_ID, sort=False).first()
        geoms = parcels.dissolve(by=PARCEL_ID, sort=False).geometry
        parcels = gpd.GeoDataFrame(attrs.join(geoms), geometry="geometry",
                                   crs=gdf.crs).reset_index()
    return parcels.reset_index(drop=True)


def _per_value(col: pd.Series, fn: Callable[[object], object], dtype: type) -> np.ndarray:
    """``fn`` of every value of ``col``, called once per distinct value (in order of first
    appearance, so the first bad value is the one reported)."""
    codes, uniques = pd.factorize(col, use_na_sentinel=False)
    return np.array([fn(u) for u in uniques], dtype=dtype)[codes] if len(col) else \
        np.array([], dtype=dtype)


def _bool(value: object, path: Source, field: str) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    text = id_text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InputError(path, f"field '{field}' must say whether the parcel is in rotation "
                           f"(ja/nej, yes/no, 1/0); found '{value}'")


def _numbers(col: pd.Series, path: Source, field: str) -> pd.Series:
    if isinstance(col.dtype, np.dtype) and col.dtype.kind in "fi":  # numbers already
        return col.astype(float).reset_index(drop=True)
    text = col.astype(str).str.strip().replace({"": np.nan, "None": np.nan, "nan": np.nan})
    nums = pd.to_numeric(text, errors="coerce")
    bad = text.notna() & nums.isna()
    if bad.any():
        raise InputError(path, f"field '{field}' must hold numbers; found "
                               f"'{text[bad].iloc[0]}'")
    return nums.astype(float).reset_index(drop=True)
