"""Indicative candidate areas for lowland rewetting in one municipality, embedded data only.

No carbon, water-table or peat map is embedded, so the result is *indicative*
(vejledende): farmland on or beside wet nature, which in Denmark is where drained
low-lying (often organic) soils are. Method:

1. Municipality from the embedded boundaries (zone id = kommune code), in EPSG:25832.
2. Farmland: Basemap04 2021 class ``agriculture_class`` (100 m), polygonised.
3. Wet nature: Basemap04 class ``wet_nature_class`` (100 m) united with the dry/wet
   nature map's ``wet_nature_value`` (50 m), each polygonised on its own grid — no
   raster is resampled.
4. Candidate land = farmland within ``adjacency_m`` of wet nature (shapely buffer),
   split into connected parts. Parts of ``min_peat_area_ha``–``max_peat_area_ha`` are
   kept whole; larger parts are cut by a square grid whose side is the largest
   multiple of the Basemap cell size with side² ≤ ``max_peat_area_ha``; pieces below
   ``min_peat_area_ha`` are dropped.
5. Ranking: wet nature within ``neighbourhood_m`` of the unit (ha), most first (a
   unit beside a larger wet complex is likelier to be low-lying and buffers or
   connects nature — DCE's "fireman's rule"); ties by larger area.

Areas are ha. With the user's own rasters, the units are screened as parcels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from rasterio.features import shapes
from rasterio.mask import mask

from naturkapital.core.errors import InputError
from naturkapital.data.catalogue import CATALOGUE, dataset_path
from naturkapital.io.rasters import open_raster
from naturkapital.io.vectors import ZONE_ID, ZONE_NAME
from naturkapital.lowland.rules import ParamTable

CRS = "EPSG:25832"
INDICATIVE_DA = ("Vejledende: landbrugsjord på eller ved våd natur (Basemap04 2021). Der er "
                 "intet kulstofkort indlejret; tørvejord, vandstand og tørvedybde skal "
                 "kontrolleres med lowland screen og egne kort.")
INDICATIVE_EN = ("Indicative: farmland on or beside wet nature (Basemap04 2021). No carbon "
                 "map is embedded; check peat, water table and peat depth with lowland "
                 "screen and your own maps.")


@dataclass
class CandidateResult:
    """``units``: GeoDataFrame (EPSG:25832) of ranked units; ``meta``: method, sources."""

    units: gpd.GeoDataFrame
    meta: dict


def municipality(zone: str) -> tuple[str, str, shapely.Geometry]:
    """(code, name, geometry in EPSG:25832) of an embedded municipality."""
    from naturkapital.nki.compute import load_zones

    z = load_zones()
    hit = z.gdf[z.gdf[ZONE_ID] == str(zone).strip()]
    if hit.empty:
        raise InputError("--zone", f"unknown kommune code {zone} (not among the embedded "
                                   "municipalities, e.g. 760 Ringkøbing-Skjern)")
    geom = hit.to_crs(CRS).geometry.iloc[0]
    return str(hit[ZONE_ID].iloc[0]), str(hit[ZONE_NAME].iloc[0]), geom


def _polygons(key: str, geom: shapely.Geometry, values: list[int]) -> tuple[list, float]:
    """Polygons of cells whose value is in ``values`` inside ``geom``; also cell size m."""
    with open_raster(dataset_path(key), 1, CATALOGUE[key].title) as ds:
        if ds.crs.to_string() != CRS:
            raise InputError(ds.name, f"expected {CRS}")
        arr, transform = mask(ds, [geom], crop=True, nodata=0, filled=True)
        cell = float(ds.res[0])
    sel = np.isin(arr[0], values)
    if not sel.any():
        return [], cell
    polys = [shapely.geometry.shape(s) for s, _ in
             shapes(sel.astype(np.uint8), mask=sel, transform=transform)]
    return polys, cell


def find_candidates(zone: str, params: ParamTable, rules: ParamTable) -> CandidateResult:
    """Indicative candidate units for kommune ``zone`` (see the module docstring)."""
    code, name, geom = municipality(zone)
    agri, cell = _polygons("basemap2021", geom, [int(params["agriculture_class"])])
    wet_a, _ = _polygons("basemap2021", geom, [int(params["wet_nature_class"])])
    wet_b, _ = _polygons("dry_wet_nature", geom, [int(params["wet_nature_value"])])
    lo, hi = rules["min_peat_area_ha"], rules["max_peat_area_ha"]
    adj, hood = params["adjacency_m"], params["neighbourhood_m"]
    wet = shapely.union_all(wet_a + wet_b)
    farm = shapely.union_all(agri)
    near = shapely.intersection(farm, shapely.buffer(wet, adj)) if not wet.is_empty else \
        shapely.Polygon()
    parts = [p for p in shapely.get_parts(near) if isinstance(p, shapely.Polygon)]
    side = max(cell, math.floor(math.sqrt(hi * 10_000.0) / cell) * cell)
    units: list[shapely.Polygon] = []
    for part in parts:
        ha = part.area / 10_000.0
        if round(ha, 6) < lo:
            continue
        if round(ha, 6) <= hi:
            units.append(part)
            continue
        units.extend(_tile(part, side, lo))
    gdf = gpd.GeoDataFrame({"area_ha": [u.area / 10_000.0 for u in units]},
                           geometry=units, crs=CRS)
    wet_parts = gpd.GeoDataFrame(geometry=list(shapely.get_parts(wet)), crs=CRS)
    gdf["wet_nature_nearby_ha"] = _overlap_ha(gdf.geometry.buffer(hood), wet_parts)
    gdf["on_wet_nature_ha"] = _overlap_ha(gdf.geometry, wet_parts)
    gdf = gdf.sort_values(["wet_nature_nearby_ha", "area_ha"], ascending=[False, False],
                          kind="mergesort").reset_index(drop=True)
    gdf.insert(0, "rank", np.arange(1, len(gdf) + 1))
    gdf.insert(0, "candidate_id", [f"{code}-{i:04d}" for i in gdf["rank"]])
    gdf.insert(2, ZONE_ID, code)
    gdf.insert(3, "kommune", name)
    gdf["indicative"] = True
    gdf["label_da"] = INDICATIVE_DA
    gdf["label_en"] = INDICATIVE_EN
    assumptions = params.assumptions(["adjacency_m", "neighbourhood_m"])
    gdf["assumption"] = "yes: " + "; ".join(assumptions) if assumptions else "no"
    meta = {
        "method": "indicative candidate search: Basemap04 2021 farmland on or within "
                  f"{adj:g} m of wet nature, {lo:g}–{hi:g} ha units (larger areas cut by a "
                  f"{side:g} m grid), ranked by wet nature within {hood:g} m",
        "indicative": True,
        "label_da": INDICATIVE_DA,
        "label_en": INDICATIVE_EN,
        "zone_id": code,
        "kommune": name,
        "data": [CATALOGUE["basemap2021"].title, CATALOGUE["dry_wet_nature"].title,
                 CATALOGUE["municipalities"].title],
        "parameters": params.version,
        "rules": rules.version,
        "grid_side_m": side,
        "adjacency_m": adj,
        "neighbourhood_m": hood,
        "farmland_ha": farm.area / 10_000.0,
        "wet_nature_ha": wet.area / 10_000.0,
        "candidate_land_ha": near.area / 10_000.0,
        "assumptions": assumptions,
        "units": {"*_ha": "ha"},
    }
    return CandidateResult(units=gdf, meta=meta)


def _tile(part: shapely.Polygon, side: float, lo: float) -> list[shapely.Polygon]:
    """Cut a polygon by a square grid (origin at multiples of ``side``); keep ≥ lo ha."""
    x0, y0, x1, y1 = part.bounds
    xs = np.arange(math.floor(x0 / side) * side, x1, side)
    ys = np.arange(math.floor(y0 / side) * side, y1, side)
    boxes = [shapely.box(x, y, x + side, y + side) for x in xs for y in ys]
    shapely.prepare(part)
    pieces = shapely.intersection(part, boxes)
    out = []
    for piece in pieces:
        for poly in shapely.get_parts(piece):
            if isinstance(poly, shapely.Polygon) and round(poly.area / 10_000.0, 6) >= lo:
                out.append(poly)
    return out


def _overlap_ha(geoms: gpd.GeoSeries, wet: gpd.GeoDataFrame) -> np.ndarray:
    """Area (ha) of wet nature inside each geometry."""
    out = np.zeros(len(geoms))
    if len(geoms) == 0 or wet.empty:
        return out
    left = gpd.GeoDataFrame({"i": np.arange(len(geoms))}, geometry=geoms.to_numpy(), crs=CRS)
    hit = gpd.sjoin(left, wet, predicate="intersects", how="inner")
    if hit.empty:
        return out
    a = shapely.intersection(left.geometry.to_numpy()[hit["i"].to_numpy()],
                             wet.geometry.to_numpy()[hit["index_right"].to_numpy()])
    sums = pd.Series(shapely.area(a) / 10_000.0).groupby(hit["i"].to_numpy()).sum()
    out[sums.index.to_numpy()] = sums.to_numpy()
    return out


def candidate_parcels(units: gpd.GeoDataFrame, rules: ParamTable) -> gpd.GeoDataFrame:
    """Candidate units as a parcel table for :func:`naturkapital.lowland.screening.screen`."""
    return gpd.GeoDataFrame({
        "parcel_id": units["candidate_id"].to_numpy(),
        "in_rotation": bool(rules["default_in_rotation"]),
        "in_rotation_given": False,
        "bid_dkk_per_ha": np.nan, "total_bid_dkk": np.nan, "synergy_points": np.nan,
        "applicant_type": "",
    }, geometry=units.geometry.to_numpy(), crs=units.crs)
