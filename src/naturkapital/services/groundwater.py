"""Groundwater protection: area without fertiliser or pesticides inside a
groundwater-protection layer (e.g. drinking-water areas, BNBO), ha.

protected_ha = Σ area_ha of the classes whose land type ``protects_groundwater`` (yes in
``land_management.csv``) inside the layer. The layer is dissolved first, so
overlapping protection polygons count once.
"""

from __future__ import annotations

import pandas as pd

from naturkapital.io.vectors import ZONE_ID
from naturkapital.services.tables import Coefficients


def protected_area(classes: pd.DataFrame, land_type_of: dict[int, str],
                   management: Coefficients) -> pd.Series:
    """ha per zone of unfertilised land types in ``classes`` (already cut to the layer)."""
    yes = management.table["protects_groundwater"] == "yes"
    c = classes.copy()
    c["ok"] = c["value"].map(land_type_of).map(yes).fillna(False).astype(bool)
    return c.loc[c["ok"]].groupby(ZONE_ID)["area_ha"].sum()
