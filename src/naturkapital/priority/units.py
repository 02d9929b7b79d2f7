"""Planning units: a square grid over a municipality, with each unit's area per land type.

Squares of ``size_m`` metres, aligned to multiples of the size in the land-cover CRS,
are clipped to the municipality. Areas per class come from
:func:`naturkapital.nki.zonal.zonal_class_areas` (exact cell fractions at the unit
edges). The convertible land of a unit (farmland by default) is also returned as
polygons (the convertible cells, clipped to the unit), so a plan converts exactly the
hectares it counts.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from rasterio.features import shapes
from rasterio.windows import Window, from_bounds

from naturkapital.core.errors import InputError
from naturkapital.io.rasters import open_raster
from naturkapital.io.vectors import ZONE_ID, ZONE_NAME
from naturkapital.landcover.landtypes import KEYS
from naturkapital.landcover.sources import Landcover
from naturkapital.nki.zonal import zonal_class_areas
from naturkapital.priority.allocate import UNIT_ID


def municipality(kommune: str, crs) -> tuple[str, str, shapely.Geometry]:
    """(code, name, geometry in ``crs``) of an embedded municipality."""
    from naturkapital.nki.compute import load_zones

    z = load_zones()
    hit = z.gdf[z.gdf[ZONE_ID] == str(kommune).strip()]
    if hit.empty:
        raise InputError("--kommune", f"unknown kommune code {kommune} (not among the "
                                      "embedded municipalities, e.g. 766 Hedensted)")
    return (str(hit[ZONE_ID].iloc[0]), str(hit[ZONE_NAME].iloc[0]),
            hit.to_crs(crs).geometry.iloc[0])


def grid(geom: shapely.Geometry, size_m: float, crs) -> gpd.GeoDataFrame:
    """Squares of ``size_m`` over ``geom``, clipped to it (``unit_id`` 'r{row}c{col}')."""
    x0, y0, x1, y1 = geom.bounds
    gx0, gy1 = np.floor(x0 / size_m) * size_m, np.ceil(y1 / size_m) * size_m
    nx = int(np.ceil((x1 - gx0) / size_m))
    ny = int(np.ceil((gy1 - y0) / size_m))
    if nx * ny > 2_000_000:
        raise InputError("--unit-size", f"{size_m:g} m units give {nx * ny:,} squares; use "
                                        "larger units")
    cols, rows = np.meshgrid(np.arange(nx), np.arange(ny))
    cols, rows = cols.ravel(), rows.ravel()
    boxes = shapely.box(gx0 + cols * size_m, gy1 - (rows + 1) * size_m,
                        gx0 + (cols + 1) * size_m, gy1 - rows * size_m)
    shapely.prepare(geom)
    hit = shapely.intersects(geom, boxes)
    clipped = shapely.intersection(boxes[hit], geom)
    ids = [f"r{r}c{c}" for r, c in zip(rows[hit], cols[hit], strict=True)]
    gdf = gpd.GeoDataFrame({UNIT_ID: ids}, geometry=clipped, crs=crs)
    gdf = gdf[~gdf.geometry.is_empty & (gdf.geometry.area > 0)].reset_index(drop=True)
    gdf["geometry"] = gdf.geometry.apply(
        lambda g: g if g.geom_type in ("Polygon", "MultiPolygon")
        else shapely.union_all([p for p in getattr(g, "geoms", [g])
                                if p.geom_type in ("Polygon", "MultiPolygon")]))
    return gdf


def unit_areas(units: gpd.GeoDataFrame, landcover: Landcover,
               convertible: tuple[str, ...]) -> pd.DataFrame:
    """Per unit: ``area_ha``, ha per land type and ``available_ha`` (the convertible
    land types)."""
    bad = [k for k in convertible if k not in KEYS]
    if bad:
        raise InputError("--convertible", f"unknown land type {', '.join(bad)}; use "
                                          f"{', '.join(KEYS)}")
    zones = units.rename(columns={UNIT_ID: ZONE_ID})[[ZONE_ID, "geometry"]]
    za = zonal_class_areas(zones, landcover, "planning units")
    cls = za.classes.copy()
    cls["land_type"] = landcover.scheme.land_type_of(cls["value"].to_numpy())
    wide = cls.pivot_table(index=ZONE_ID, columns="land_type", values="area_ha",
                           aggfunc="sum", fill_value=0.0)
    out = pd.DataFrame({UNIT_ID: units[UNIT_ID].astype(str)})
    out["area_ha"] = units.geometry.area.to_numpy() / 10_000.0
    for k in KEYS:
        out[f"{k}_ha"] = out[UNIT_ID].map(wide[k]).fillna(0.0).to_numpy() if k in wide else 0.0
    out["available_ha"] = out[[f"{k}_ha" for k in convertible]].sum(axis=1)
    # exact cell fractions carry float noise (0.99999998 ha for a whole 1 ha cell); at
    # 1e-6 ha (0.01 m²) a target of 10 ha met by ten cells reads 10, not 9.9999999
    ha = [c for c in out.columns if c.endswith("_ha")]
    out[ha] = out[ha].round(6)
    return out


def convertible_polygons(units: gpd.GeoDataFrame, landcover: Landcover,
                         convertible: tuple[str, ...]) -> gpd.GeoDataFrame:
    """The convertible cells inside ``units`` as polygons, one (multi)polygon per unit."""
    table = landcover.scheme.table
    codes = table.loc[table["land_type"].isin(convertible), "value"].astype(int).to_numpy()
    with open_raster(landcover.path, landcover.band, "land-cover raster") as ds:
        ur = units.to_crs(ds.crs)
        w = from_bounds(*ur.total_bounds, transform=ds.transform)
        c0, r0 = int(np.floor(w.col_off)), int(np.floor(w.row_off))
        win = Window(c0, r0, int(np.ceil(w.col_off + w.width)) - c0,
                     int(np.ceil(w.row_off + w.height)) - r0)
        data = ds.read(landcover.band, window=win, boundless=True, fill_value=0)
        transform = ds.window_transform(win)
        crs = ds.crs
    mask = np.isin(data, codes)
    polys = [shapely.geometry.shape(g) for g, _ in
             shapes(mask.astype(np.uint8), mask=mask, transform=transform)]
    if not polys:
        return gpd.GeoDataFrame({UNIT_ID: []}, geometry=[], crs=crs)
    cells = gpd.GeoDataFrame(geometry=polys, crs=crs)
    parts = gpd.overlay(ur[[UNIT_ID, "geometry"]], cells, how="intersection",
                        keep_geom_type=True)
    return parts.dissolve(by=UNIT_ID, as_index=False)

