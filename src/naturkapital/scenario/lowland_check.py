"""Lowland (Klimaskovfonden) eligibility and budget of the rewetting conversions.

A conversion is *rewetting* where it turns a drained land type (water table ``low``
in ``services/tables/land_management.csv``, e.g. fields) into a wet one (``high``,
e.g. meadow and bog). Each such polygon is screened with the lowland module's own
functions (:func:`naturkapital.lowland.screening.screen_arrays`, its rules and SEGES
tables), from, in order of preference:

* the polygon's attributes ``oc_pct``, ``gvsmax_cm``, ``peat_depth_cm`` (one value
  for the whole polygon),
* the rasters ``--carbon`` (% OC) and ``--water-table`` + ``--peat-depth`` (cells
  with covered fractions, :func:`naturkapital.lowland.cells.extract_cells`, the two
  warped onto the carbon grid by average),
* nothing: the criterion is reported as *not assessed* (ikke vurderet), never as a
  made-up value.

The budget is the lowland budget at the maximum support (no bid), which is also
the cost of the rewetting part in the scenario's total.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from naturkapital.core.jsonable import jsonable
from naturkapital.io.local import Source
from naturkapital.landcover.sources import Landcover
from naturkapital.lowland.budget import Budget
from naturkapital.lowland.cells import PARCEL_ID, Extraction, LowlandRasters, ParcelCells
from naturkapital.lowland.cells import extract_cells as lowland_cells
from naturkapital.lowland.rules import EmissionFactors, ParamTable
from naturkapital.lowland.screening import FAIL, NA, STATUS_DA, screen_arrays
from naturkapital.scenario.read import CONV_ID
from naturkapital.services.ghg import extract_cells as oc_cells

NOT_ASSESSED = "not assessed"
INCOMPLETE = "incomplete"
STATUS_DA_ALL = {**STATUS_DA, INCOMPLETE: "ikke fuldt vurderet (mangler data)"}
RESULT_DA = {"pass": "opfyldt", "fail": "ikke opfyldt", "secondary": "sekundær",
             NA: "–", NOT_ASSESSED: "ikke vurderet (ingen data)"}


@dataclass
class RewettingCheck:
    """Screening of one rewetting conversion.

    ``area_ha``: polygon area; ``rewetted_ha``: area converted from drained to wet
    land types (ha); ``criteria``: rows with key, name_da, name_en, requirement,
    measured, unit, result, result_da, explanation; ``gvsmax_before_cm`` and where it
    came from (attribute, raster or the assumed default of
    ``services/tables/parameters.csv``); ``co2e_*``: t CO2e/yr
    of the polygon before and after (NaN without carbon data).
    """

    conv_id: str
    name: str
    area_ha: float
    rewetted_ha: float
    status: str
    criteria: list[dict]
    budget: Budget
    gvsmax_before_cm: float
    gvsmax_basis: str
    co2e_before_t_per_year: float
    co2e_after_t_per_year: float
    data_basis: str
    notes: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)

    @property
    def status_da(self) -> str:
        return STATUS_DA_ALL.get(self.status, self.status)

    def to_dict(self) -> dict[str, Any]:
        """The check as one JSON-ready record (NaN → ``None``): the single serialisation
        used by the CLI's metadata, the HTTP API, the ``scenario-evaluate`` process and
        the report. ``max_support_dkk`` and ``budget_dkk`` repeat the budget's maximum
        support and total; ``budget`` holds the whole plan with its instalments."""
        return jsonable({
            "conv_id": self.conv_id, "name": self.name, "status": self.status,
            "status_da": self.status_da, "area_ha": self.area_ha,
            "rewetted_ha": self.rewetted_ha, "max_support_dkk": self.budget.max_support_dkk,
            "budget_dkk": self.budget.total_dkk, "gvsmax_before_cm": self.gvsmax_before_cm,
            "gvsmax_basis": self.gvsmax_basis, "data_basis": self.data_basis,
            "co2e_before_t_per_year": self.co2e_before_t_per_year,
            "co2e_after_t_per_year": self.co2e_after_t_per_year,
            "criteria": self.criteria,
            "budget": self.budget, "notes": self.notes, "assumptions": self.assumptions})


def check_rewetting(conv: gpd.GeoDataFrame, rewetted_ha: dict[str, float],
                    in_rotation: dict[str, bool], lc: Landcover, rules: ParamTable,
                    factors: EmissionFactors, default_gvsmax_cm: float,
                    default_note: str | None,
                    carbon: Source | None = None, water_table: Source | None = None,
                    peat_depth: Source | None = None) -> list[RewettingCheck]:
    """Screen every conversion in ``rewetted_ha`` (conv_id → ha) with the lowland rules."""
    polys = conv[conv[CONV_ID].isin(list(rewetted_ha))].copy()
    if polys.empty:
        return []
    polys[PARCEL_ID] = polys[CONV_ID]
    cells: dict[str, ParcelCells] = {}
    basis = "polygon attributes"
    if carbon is not None and water_table is not None and peat_depth is not None:
        ext = lowland_cells(polys[[PARCEL_ID, "geometry"]],
                            LowlandRasters(carbon, water_table, peat_depth, align=True),
                            "scenario")
        cells = ext.cells
        basis = "rasters (carbon, GVSmax, peat depth)"
    elif carbon is not None:
        for pid, c in oc_cells(polys[[PARCEL_ID, "geometry"]], PARCEL_ID, carbon, lc).items():
            nan = np.full(c.area_ha.size, np.nan)
            cells[pid] = ParcelCells(c.area_ha, c.oc, nan, nan.copy(), 0.0)
        basis = "carbon raster"
    horizon = rules["default_horizon_years"]
    metric = polys.to_crs(lc_crs(lc))
    final: dict[str, ParcelCells] = {}
    areas: list[float] = []
    attrs_used: list[list[str]] = []
    for (_, row), geom in zip(polys.iterrows(), metric.geometry, strict=True):
        pid = row[CONV_ID]
        area = float(geom.area / 10_000.0)
        c = cells.get(pid)
        if c is None or c.area_ha.size == 0:
            c = ParcelCells(np.array([area]), np.array([np.nan]), np.array([np.nan]),
                            np.array([np.nan]), area)
        used_attr = []
        arrays = {"carbon": c.carbon.copy(), "gvsmax": c.gvsmax.copy(), "peat": c.peat.copy()}
        for attr, key in (("oc_pct", "carbon"), ("gvsmax_cm", "gvsmax"),
                          ("peat_depth_cm", "peat")):
            if np.isfinite(row[attr]):
                arrays[key][:] = row[attr]
                used_attr.append(attr)
        final[pid] = ParcelCells(c.area_ha, arrays["carbon"], arrays["gvsmax"],
                                 arrays["peat"], area)
        areas.append(area)
        attrs_used.append(used_attr)
    ids = list(final)
    screened = screen_arrays(
        pd.DataFrame({PARCEL_ID: ids, "in_rotation": [in_rotation.get(p, True) for p in ids]}),
        Extraction.from_cells(final), rules, factors, horizon)
    out: list[RewettingCheck] = []
    for i, ((_, row), area, used_attr) in enumerate(zip(polys.iterrows(), areas, attrs_used,
                                                        strict=True)):
        pid = row[CONV_ID]  # conversion ids are unique: row i is parcel i of ``screened``
        c = final[pid]
        v = screened.verdict(i)
        crits, missing, failed = [], False, False
        for k in v.criteria:
            result = k.result
            if k.key in ("peat_area", "oc_share", "gvsmax", "drained_peat") and \
                    not np.isfinite(k.measured):
                result, missing = NOT_ASSESSED, True
            elif result == FAIL:
                failed = True
            crits.append({"key": k.key, "name_da": k.name_da, "name_en": k.name_en,
                          "requirement": k.requirement, "measured": k.measured,
                          "unit": k.unit, "result": result,
                          "result_da": RESULT_DA.get(result, result),
                          "explanation": k.sentence_da})
        status = "ineligible" if failed else (INCOMPLETE if missing else v.status)
        g = v.metrics["gvsmax_cm"]
        if np.isfinite(row["gvsmax_cm"]):
            gv, gbasis = float(row["gvsmax_cm"]), "attribute gvsmax_cm"
        elif np.isfinite(g):
            gv, gbasis = float(g), "water-table raster"
        else:
            gv, gbasis = default_gvsmax_cm, "assumed default (services/tables/parameters.csv)"
        has_c = bool(np.isfinite(c.carbon).any())
        notes = list(v.notes_da) if pid in cells else []  # map coverage notes: rasters only
        assumptions = list(v.assumptions)
        if gbasis.startswith("assumed") and default_note:
            assumptions.append(default_note)
        if not has_c:
            notes.append("Ingen kulstofdata (no carbon data): give --carbon or oc_pct for "
                         "the CO2 effect and the peat criteria.")
        out.append(RewettingCheck(
            conv_id=pid, name=str(row["name"]), area_ha=area,
            rewetted_ha=float(rewetted_ha[pid]), status=status, criteria=crits,
            budget=v.budget, gvsmax_before_cm=gv, gvsmax_basis=gbasis,
            co2e_before_t_per_year=v.emissions.before_total if has_c else np.nan,
            co2e_after_t_per_year=v.emissions.after_total if has_c else np.nan,
            data_basis=" + ".join(([basis] if pid in cells else [])
                                  + ([f"attributes {', '.join(used_attr)}"] if used_attr
                                     else [])) or "none (ingen data)",
            notes=notes, assumptions=assumptions))
    return out


def lc_crs(lc: Landcover) -> object:
    """CRS of the land-cover raster (areas in its metres)."""
    from naturkapital.scenario.apply import landcover_crs

    return landcover_crs(lc)
