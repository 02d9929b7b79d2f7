"""Apply conversions to the per-zone class areas, exact at cell and zone boundaries.

The zones are cut by the conversions with :func:`geopandas.overlay` (GEOS does the
geometry); every piece (zone ∩ conversion) then gets its class areas from the same
exactextract routine as the index (:func:`naturkapital.nki.zonal.zonal_class_areas`),
so a conversion covering half a cell moves half that cell's area. The scenario's
class areas per zone are the baseline's minus each piece's areas under their old
class plus the same areas under the piece's ``to_class``. Cells without land-cover
data (nodata) stay unmapped: a conversion never creates mapped area.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import shapely

from naturkapital.core.errors import InputError
from naturkapital.io.rasters import open_raster
from naturkapital.io.vectors import ZONE_ID
from naturkapital.landcover.sources import Landcover
from naturkapital.nki.zonal import zonal_class_areas
from naturkapital.scenario.read import CONV_ID, TO_CLASS

PIECE_ID = "piece_id"
_SEP = " ∩ "
#: Pieces smaller than this (m²) are slivers of the overlay and are dropped.
SLIVER_M2 = 1e-4


@dataclass(frozen=True)
class Applied:
    """Baseline and scenario class areas, and what moved where.

    ``baseline``/``scenario``: ``zone_id, value, area_ha`` (ha per class per zone).
    ``moves``: ``zone_id, conv_id, piece_id, from_value, to_value, area_ha`` — the area
    of each class inside each piece (``from_value == to_value`` where the piece was
    already of the target class). ``pieces``: zone ∩ conversion polygons in the
    land-cover CRS with ``area_ha`` (polygon) and ``mapped_ha`` (with a class).
    ``zone_info``: ``zone_id, area_ha, mapped_ha`` of the zones. ``outside_ha``:
    conversion area outside every zone. ``crs``: the land-cover CRS.
    """

    baseline: pd.DataFrame
    scenario: pd.DataFrame
    moves: pd.DataFrame
    pieces: gpd.GeoDataFrame
    zone_info: pd.DataFrame
    outside_ha: float
    crs: object


def landcover_crs(lc: Landcover) -> object:
    """CRS of the land-cover raster (checked by :func:`open_raster`)."""
    with open_raster(lc.path, lc.band, "land-cover raster") as ds:
        return ds.crs


def cut_pieces(zones: gpd.GeoDataFrame, conversions: gpd.GeoDataFrame, crs: object
               ) -> gpd.GeoDataFrame:
    """Zone ∩ conversion pieces in ``crs`` with ``piece_id, zone_id, conv_id, to_class``."""
    zr = zones[[ZONE_ID, "geometry"]].to_crs(crs)
    cr = conversions[[CONV_ID, TO_CLASS, "geometry"]].to_crs(crs)
    pieces = gpd.overlay(zr, cr, how="intersection", keep_geom_type=True)
    pieces = pieces[pieces.geometry.area > SLIVER_M2].reset_index(drop=True)
    pieces[PIECE_ID] = pieces[ZONE_ID].astype(str) + _SEP + pieces[CONV_ID].astype(str)
    pieces["area_ha"] = pieces.geometry.area / 10_000.0
    return pieces[[PIECE_ID, ZONE_ID, CONV_ID, TO_CLASS, "area_ha", "geometry"]]


def piece_moves(pieces: gpd.GeoDataFrame, lc: Landcover, source: str) -> pd.DataFrame:
    """Class areas inside each piece as moves ``from_value → to_value`` (ha)."""
    cols = [ZONE_ID, CONV_ID, PIECE_ID, "from_value", "to_value", "area_ha"]
    if pieces.empty:
        return pd.DataFrame(columns=cols)
    extract = pieces[[PIECE_ID, "geometry"]].rename(columns={PIECE_ID: ZONE_ID})
    try:
        areas = zonal_class_areas(extract, lc, source)
    except InputError as exc:
        if "only nodata" in exc.problem or "no zone overlaps" in exc.problem:
            raise InputError(source, "the conversions lie only on cells without land-cover "
                                     f"data in {lc.path.name} (sea, outside the map?)") from None
        raise
    cls = areas.classes.rename(columns={ZONE_ID: PIECE_ID, "value": "from_value"})
    info = pieces[[PIECE_ID, ZONE_ID, CONV_ID, TO_CLASS]].rename(columns={TO_CLASS: "to_value"})
    moves = cls.merge(info, on=PIECE_ID, how="left")
    moves["from_value"] = moves["from_value"].astype(int)
    moves["to_value"] = moves["to_value"].astype(int)
    return moves[cols].reset_index(drop=True)


def move_areas(base: pd.DataFrame, moves: pd.DataFrame) -> pd.DataFrame:
    """``base`` class areas (zone_id, value, area_ha) with ``moves`` applied."""
    b = base.groupby([ZONE_ID, "value"])["area_ha"].sum()
    if moves.empty:
        return b.reset_index()
    out_ = moves.groupby([ZONE_ID, "from_value"])["area_ha"].sum()
    in_ = moves.groupby([ZONE_ID, "to_value"])["area_ha"].sum()
    out_.index.names = in_.index.names = [ZONE_ID, "value"]
    s = b.add(-out_, fill_value=0.0).add(in_, fill_value=0.0)
    # a piece's exact coverage can exceed the zone's by rounding (1e-12 ha): clip at 0
    s = s.where(s > 1e-9, 0.0)
    return s.reset_index()


def apply_conversions(zones: gpd.GeoDataFrame, conversions: gpd.GeoDataFrame,
                      lc: Landcover, zones_source: str = "zones",
                      scenario_source: str = "scenario",
                      progress: Callable[[int], None] | None = None) -> Applied:
    """Baseline and scenario class areas per zone (see the module docstring)."""
    crs = landcover_crs(lc)
    base = zonal_class_areas(zones, lc, zones_source, progress=progress)
    pieces = cut_pieces(zones, conversions, crs)
    total_ha = float(conversions.to_crs(crs).geometry.area.sum() / 10_000.0)
    if pieces.empty:
        raise InputError(scenario_source, "no conversion lies inside the zones (check the "
                                          "CRS, or give --zones that cover the scenario)")
    moves = piece_moves(pieces, lc, scenario_source)
    mapped = moves.groupby(PIECE_ID)["area_ha"].sum()
    pieces["mapped_ha"] = pieces[PIECE_ID].map(mapped).fillna(0.0)
    scenario = move_areas(base.classes, moves)
    baseline = base.classes.groupby([ZONE_ID, "value"])["area_ha"].sum().reset_index()
    outside = max(0.0, total_ha - float(pieces["area_ha"].sum()))
    return Applied(baseline=baseline, scenario=scenario, moves=moves, pieces=pieces,
                   zone_info=base.zones, outside_ha=outside, crs=crs)


def clip_to(gdf: gpd.GeoDataFrame, mask: shapely.Geometry) -> gpd.GeoDataFrame:
    """Polygons of ``gdf`` cut to ``mask`` (same CRS); empty results dropped."""
    out = gdf.copy()
    out["geometry"] = shapely.intersection(out.geometry.values, mask)
    out = out[~out.geometry.is_empty & (out.geometry.area > SLIVER_M2)]
    out["geometry"] = out.geometry.map(_polygonal)
    return out[~out.geometry.is_empty].reset_index(drop=True)


def _polygonal(g: shapely.Geometry) -> shapely.Geometry:
    """Keep only the polygon parts of an intersection result."""
    if g.geom_type in ("Polygon", "MultiPolygon"):
        return g
    parts = [p for p in getattr(g, "geoms", []) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()
