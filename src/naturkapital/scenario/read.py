"""Read and check a scenario file: polygons, each converted to a class of the scheme.

A scenario is a GeoPackage or GeoJSON (any OGR vector) of polygons with the field
``to_class`` — the class code of the land-cover scheme the polygon becomes (e.g.
Basemap04 11 wet nature, 8 forest). Optional fields per polygon:

* ``name`` (or ``navn``) — a label shown in outputs,
* ``conv_id`` — the conversion's id in outputs (what the web editor keeps); without
  it the unique ``name``, ``navn`` or ``id`` values, else ``#1``, ``#2`` …,
* ``oc_pct`` — organic carbon of the soil, % (0–100): used for the greenhouse-gas
  indicator and the lowland check where no ``--carbon`` raster is given,
* ``gvsmax_cm`` — summer water table before, cm relative to the surface (negative
  below it): used for the water-table rise (flood mitigation) and the lowland check,
* ``peat_depth_cm`` — peat thickness, cm (≥ 0): used for the lowland check,
* ``illustration`` or ``note`` — free text shown in the report.

Checks (each a one-line :class:`InputError` naming the file): a CRS is set, the field
exists, polygons only, valid geometries, ``to_class`` codes are integers of the scheme,
optional numbers are numbers within range, and no two conversions overlap (the
message names the features).
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from naturkapital.core.errors import InputError
from naturkapital.io.local import InMemory, Source
from naturkapital.io.vectors import check_polygons, read_vector
from naturkapital.landcover.scheme import Scheme

DEMO_DIR = Path(__file__).resolve().parent / "demo"
#: The embedded demo scenarios (BioScape pilots, illustrations) by short name.
DEMOS: dict[str, str] = {
    "byn_so": "byn_so_lemvig.gpkg",
    "endelave": "endelave_horsens.gpkg",
    "aastrup_kaer": "aastrup_kaer_hedensted.gpkg",
}
CONV_ID = "conv_id"
TO_CLASS = "to_class"
OPTIONAL_NUMBERS: dict[str, tuple[float, float]] = {
    "oc_pct": (0.0, 100.0),
    "gvsmax_cm": (-10_000.0, 10_000.0),
    "peat_depth_cm": (0.0, 100_000.0),
}
#: Optional numbers of a conversion: what each means, in its unit.
OPTIONAL_NUMBER_HELP: dict[str, str] = {
    "oc_pct": "Organic carbon of the soil, % (greenhouse gases and the lowland check where "
              "no carbon raster is given)",
    "gvsmax_cm": "Summer water table before, cm relative to the surface, negative below it "
                 "(flood mitigation and the lowland check)",
    "peat_depth_cm": "Peat thickness, cm (the lowland check)",
}
#: Every attribute of a conversion a scenario keeps besides its geometry (what a saved
#: scenario must store and the editor must send back).
CONVERSION_FIELDS: tuple[str, ...] = (CONV_ID, "name", TO_CLASS, "note", *OPTIONAL_NUMBERS)
#: Overlaps smaller than this (m²) are taken as shared edges (digitising noise).
OVERLAP_TOLERANCE_M2 = 1.0


def resolve_scenario_path(spec: Source) -> Path | InMemory:
    """A path, or ``demo:NAME`` for an embedded demo (``demo:byn_so``, ``demo:endelave``,
    ``demo:aastrup_kaer``); bytes (:class:`InMemory`) as they are."""
    if isinstance(spec, InMemory):
        return spec
    text = str(spec)
    if text.startswith("demo:"):
        name = text.split(":", 1)[1]
        if name not in DEMOS:
            raise InputError(text, f"unknown demo scenario; use one of "
                                   f"{', '.join('demo:' + k for k in DEMOS)}")
        return DEMO_DIR / DEMOS[name]
    return Path(spec)


def read_scenario(spec: Source, scheme: Scheme) -> gpd.GeoDataFrame:
    """Read a scenario file (a path, bytes as :class:`InMemory`, or ``demo:NAME``) and
    check it against ``scheme``.

    Returns a GeoDataFrame in the file's CRS with columns ``conv_id`` (text: the
    ``conv_id``, ``name``, ``navn`` or ``id`` field when unique, or ``#n``, the 1-based
    feature number), ``to_class`` (int),
    ``name``, ``note``, ``oc_pct``, ``gvsmax_cm``, ``peat_depth_cm`` (NaN where not given) and
    geometry (2-D polygons).
    """
    p = resolve_scenario_path(spec)
    gdf = read_vector(p)
    if gdf.crs is None:
        raise InputError(p, "no CRS (coordinate reference system) is set; define one, e.g. "
                            "EPSG:25832, in QGIS or with ogr2ogr -a_srs")
    if not gdf.crs.is_projected and not gdf.crs.is_geographic:
        raise InputError(p, f"unsupported CRS {gdf.crs}")
    if TO_CLASS not in gdf.columns:
        cols = ", ".join(c for c in gdf.columns if c != "geometry")
        raise InputError(p, f"field '{TO_CLASS}' not found (fields: {cols or 'none'}); give "
                            "each polygon the class code it becomes")
    gdf = gdf.reset_index(drop=True)
    names = _names(gdf)
    empty = gdf.geometry.isna() | gdf.geometry.is_empty
    if empty.any():
        raise InputError(p, f"feature {names[int(np.argmax(empty.to_numpy()))]} has no "
                            "geometry")
    check_polygons(gdf, p, "conversions", names.__getitem__)
    codes = _codes(gdf[TO_CLASS], names, p)
    unknown = scheme.unknown(np.array(sorted(set(codes))))
    if unknown:
        which = [names[i] for i, c in enumerate(codes) if c in unknown]
        known = ", ".join(f"{int(r.value)} {r.label}" for r in scheme.table.itertuples())
        raise InputError(p, f"to_class {', '.join(map(str, unknown))} is not a class of scheme "
                            f"'{scheme.name}' (feature {', '.join(which[:5])}); classes: "
                            f"{known}")
    out = gpd.GeoDataFrame({CONV_ID: names, TO_CLASS: codes,
                            "name": [_label(gdf, i) for i in range(len(gdf))]},
                           geometry=shapely.force_2d(gdf.geometry.values), crs=gdf.crs)
    note_field = next((f for f in ("illustration", "note") if f in gdf.columns), None)
    out["note"] = (gdf[note_field].fillna("").astype(str).to_numpy() if note_field
                   else "")
    for col, (lo, hi) in OPTIONAL_NUMBERS.items():
        out[col] = _optional_numbers(gdf, col, lo, hi, names, p)
    _check_overlaps(out, p)
    return out


def _names(gdf: gpd.GeoDataFrame) -> list[str]:
    """Feature names for messages and ids: the conv_id, name, navn or id field when
    unique, else ``#n``."""
    for field in (CONV_ID, "name", "navn", "id"):
        if field in gdf.columns:
            vals = gdf[field]
            text = [str(v).strip() if v is not None and not (isinstance(v, float) and
                                                             np.isnan(v)) else "" for v in vals]
            if all(text) and len(set(text)) == len(text):
                return text
    return [f"#{i + 1}" for i in range(len(gdf))]


def _label(gdf: gpd.GeoDataFrame, i: int) -> str:
    for field in ("name", "navn"):
        if field in gdf.columns and gdf[field].iloc[i] is not None:
            v = gdf[field].iloc[i]
            if not (isinstance(v, float) and np.isnan(v)):
                return str(v)
    return f"#{i + 1}"


def _codes(col: pd.Series, names: list[str], p: Path) -> list[int]:
    out: list[int] = []
    for i, v in enumerate(col):
        try:
            f = float(str(v).strip())
        except ValueError:
            f = float("nan")
        if v is None or not np.isfinite(f) or not f.is_integer():
            raise InputError(p, f"to_class of feature {names[i]} must be a class code (an "
                                f"integer); found '{v}'")
        out.append(int(f))
    return out


def _optional_numbers(gdf: gpd.GeoDataFrame, col: str, lo: float, hi: float,
                      names: list[str], p: Path) -> np.ndarray:
    if col not in gdf.columns:
        return np.full(len(gdf), np.nan)
    text = gdf[col].astype(str).str.strip().replace({"": None, "None": None, "nan": None,
                                                      "<NA>": None})
    nums = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)
    bad = text.notna().to_numpy() & np.isnan(nums)
    if bad.any():
        i = int(np.argmax(bad))
        raise InputError(p, f"field '{col}' of feature {names[i]} must be a number; found "
                            f"'{gdf[col].iloc[i]}'")
    out = (nums < lo) | (nums > hi)
    if out.any():
        i = int(np.argmax(out))
        raise InputError(p, f"field '{col}' of feature {names[i]} is {nums[i]:g}, outside "
                            f"{lo:g}–{hi:g}")
    return nums


def _check_overlaps(gdf: gpd.GeoDataFrame, p: Path) -> None:
    """Two conversions may touch but not overlap (the area would be converted twice)."""
    metric = gdf if gdf.crs.is_projected else gdf.to_crs(gdf.estimate_utm_crs())
    left, right = metric.sindex.query(metric.geometry, predicate="intersects")
    pairs = [(i, j) for i, j in zip(left.tolist(), right.tolist(), strict=True) if i < j]
    for i, j in pairs:
        inter = metric.geometry.iloc[i].intersection(metric.geometry.iloc[j]).area
        if inter > OVERLAP_TOLERANCE_M2:
            raise InputError(p, f"conversions {gdf[CONV_ID].iloc[i]} and "
                                f"{gdf[CONV_ID].iloc[j]} overlap by {inter:,.0f} m²; an area "
                                "can be converted only once — split or merge them")
