"""Greenhouse-gas flux from organic soils, t CO2e per year (SEGES factors).

The factors are those of the lowland module (:func:`naturkapital.lowland.rules.
load_emission_factors`, ``lowland/tables/seges_emission_factors.csv``) and are applied
with its own function :func:`naturkapital.lowland.co2.parcel_emissions`: a land type's
SEGES situation comes from ``land_management.csv`` — in rotation yes/no, water table
``low`` (drained: the "before" factors) or ``high`` (wet: the rewetted factor) or
``none`` (not counted). Soil below 6 % organic carbon (OC) takes the table's
mineral-soil row (0, an assumption of that table).

Organic carbon comes from an OC raster (% OC, e.g. Kulstof 2022) or from the
``oc_pct`` attribute of a conversion polygon. On the raster's grid the land-cover
class of each cell is read from the land-cover raster warped onto that grid by
*nearest* (class codes are never averaged); cells cut by a zone or conversion
boundary count by their covered fraction (exactextract).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
from exactextract.raster import RasterioRasterSource
from rasterio.enums import Resampling
from rasterio.vrt import WarpedVRT
from shapely.geometry import box

from naturkapital.core.errors import InputError
from naturkapital.io.local import Source
from naturkapital.io.rasters import cell_area_ha, open_raster
from naturkapital.io.zonal import extract_batches
from naturkapital.landcover.sources import Landcover
from naturkapital.lowland.co2 import parcel_emissions
from naturkapital.lowland.rules import EmissionFactors
from naturkapital.services.tables import Coefficients


@dataclass(frozen=True)
class Cells:
    """Cells of one polygon on the OC grid: covered area (ha), OC (%), class (0 = none)."""

    area_ha: np.ndarray
    oc: np.ndarray
    value: np.ndarray


@dataclass
class Flux:
    """A flux in t CO2e/yr and the assumption notes of the factors it used."""

    t_co2e: float = 0.0
    assumptions: list[str] = field(default_factory=list)

    def __add__(self, other: Flux) -> Flux:
        return Flux(self.t_co2e + other.t_co2e,
                    list(dict.fromkeys(self.assumptions + other.assumptions)))

    def __sub__(self, other: Flux) -> Flux:
        return Flux(self.t_co2e - other.t_co2e,
                    list(dict.fromkeys(self.assumptions + other.assumptions)))


def flux(area_ha: np.ndarray, oc: np.ndarray, land_types: np.ndarray,
         management: Coefficients, factors: EmissionFactors) -> Flux:
    """t CO2e/yr of cells with area (ha), OC (%) and land type; NaN OC is skipped."""
    out = Flux()
    area_ha = np.asarray(area_ha, dtype=float)
    oc = np.asarray(oc, dtype=float)
    land_types = np.asarray(land_types, dtype=object)
    for lt in dict.fromkeys(land_types.tolist()):
        if lt is None or lt not in management.table.index:
            continue
        row = management.table.loc[lt]
        if row["water_table"] == "none":
            continue
        m = land_types == lt
        em = parcel_emissions(oc[m], area_ha[m], row["in_rotation"] == "yes", factors)
        value = em.before_total if row["water_table"] == "low" else em.after_total
        notes = list(em.assumptions)
        if row["is_assumption"] and (area_ha[m] * ~np.isnan(oc[m])).sum() > 0:
            notes.append(f"land management {lt}: {row['source']}")
        out = out + Flux(value, notes)
    return out


def extract_cells(polys: gpd.GeoDataFrame, id_col: str, carbon: Source, lc: Landcover
                  ) -> dict[str, Cells]:
    """Cells of each polygon on the OC raster's grid with the land-cover class of each.

    Raises :class:`InputError` when no polygon overlaps the OC raster or its values are
    outside 0–100 % OC.
    """
    with open_raster(carbon, 1, "carbon (OC %) raster") as oc_ds, \
            open_raster(lc.path, lc.band, "land-cover raster") as lc_ds:
        pr = polys.to_crs(oc_ds.crs)
        if not pr.intersects(box(*oc_ds.bounds)).any():
            raise InputError(carbon, "the zones/conversions do not overlap the carbon "
                                     "raster (check the CRS and extent)")
        cell_ha = cell_area_ha(oc_ds)
        with WarpedVRT(lc_ds, crs=oc_ds.crs, transform=oc_ds.transform, width=oc_ds.width,
                       height=oc_ds.height, resampling=Resampling.nearest,
                       src_nodata=lc_ds.nodata if lc_ds.nodata is not None else 0,
                       nodata=0) as vrt:
            sources = [RasterioRasterSource(oc_ds, 1, name="oc"),
                       RasterioRasterSource(vrt, lc.band, name="lc")]
            out: dict[str, Cells] = {}
            for batch in extract_batches(pr, sources, ["values", "coverage", "cell_id"],
                                         [id_col], oc_ds.res):
                for rec in batch.result.to_dict("records"):
                    out[rec[id_col]] = _join(rec, cell_ha)
    seen = [c.oc[~np.isnan(c.oc)] for c in out.values()]
    vals = np.concatenate(seen) if seen else np.array([])
    if vals.size and (vals.min() < 0 or vals.max() > 100):
        raise InputError(carbon, f"carbon raster values must be organic carbon in % (0–100); "
                                 f"found {vals.min():g} to {vals.max():g} (set the nodata "
                                 "value?)")
    return out


def _join(rec: dict, cell_ha: float) -> Cells:
    """Join the OC and class cells by cell id; a cell missing in one is NaN / 0."""
    oc_id = np.asarray(rec["oc_cell_id"], dtype=np.int64)
    lc_id = np.asarray(rec["lc_cell_id"], dtype=np.int64)
    ids = np.unique(np.concatenate([oc_id, lc_id]))
    cover = np.zeros(ids.size)
    oc = np.full(ids.size, np.nan)
    value = np.zeros(ids.size, dtype=np.int64)
    pos = np.searchsorted(ids, oc_id)
    oc[pos] = np.asarray(rec["oc_values"], dtype=float)
    cover[pos] = np.asarray(rec["oc_coverage"], dtype=float)
    pos = np.searchsorted(ids, lc_id)
    value[pos] = np.asarray(rec["lc_values"], dtype=float).astype(np.int64)
    cover[pos] = np.maximum(cover[pos], np.asarray(rec["lc_coverage"], dtype=float))
    return Cells(area_ha=cover * cell_ha, oc=oc, value=value)
