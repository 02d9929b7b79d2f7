"""Nitrogen: root-zone leaching by land use and removal on rewetted lowland, kg N/yr.

* leaching = Σ_land types area_ha × n_leach (kg N/ha/yr, ``nitrogen_leaching.csv``);
* removal = rewetted area_ha × ``n_removal_rewetted_kg_n_per_ha_yr`` (``parameters.csv``),
  counted for area converted from a drained land type (water table ``low``) to a wet
  one (``high``) in ``land_management.csv``; the baseline has no new removal (0);
* net load = leaching − removal.
"""

from __future__ import annotations

import pandas as pd

from naturkapital.io.vectors import ZONE_ID
from naturkapital.services.tables import Coefficients


def leaching(classes: pd.DataFrame, land_type_of: dict[int, str],
             table: Coefficients) -> pd.Series:
    """kg N/yr per zone from class areas (``zone_id, value, area_ha``)."""
    c = classes.copy()
    rate = table.table["n_leach_kg_n_per_ha_yr"]
    c["kg"] = c["area_ha"] * c["value"].map(land_type_of).map(rate).astype(float)
    return c.groupby(ZONE_ID)["kg"].sum()


def removal(rewetted_ha: pd.Series, rate_kg_per_ha: float) -> pd.Series:
    """kg N/yr removed per zone: rewetted area (ha) × rate (kg N/ha/yr)."""
    return rewetted_ha * rate_kg_per_ha
