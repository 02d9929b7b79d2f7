"""Carbon stock, t C — the formula of InVEST's Carbon model.

For each zone: stock = Σ_classes area_ha × (c_above + c_below + c_soil + c_dead), with
the four pools in t C/ha from the pool table (InVEST's biophysical table with the
same column names). Areas are the exact class areas of the zone (covered fractions
of cut cells included), so the stock equals InVEST's sum over cells of cell area ×
pool total on the same map.
"""

from __future__ import annotations

import pandas as pd

from naturkapital.io.vectors import ZONE_ID
from naturkapital.services.tables import POOLS, Coefficients


def pool_total(pools: Coefficients) -> pd.Series:
    """c_above + c_below + c_soil + c_dead per class, t C/ha."""
    return pools.table[list(POOLS)].sum(axis=1)


def carbon_stock(classes: pd.DataFrame, pools: Coefficients) -> pd.Series:
    """t C per zone from class areas (``zone_id, value, area_ha``)."""
    total = pool_total(pools)
    c = classes.copy()
    c["t_c"] = c["area_ha"] * c["value"].map(total).astype(float)
    return c.groupby(ZONE_ID)["t_c"].sum()


def carbon_assumptions(classes: pd.DataFrame, pools: Coefficients) -> list[str]:
    """Assumption notes for the pool rows used by classes with area."""
    used = classes.loc[classes["area_ha"] > 0, "value"].unique().tolist()
    return pools.assumptions(used, "t C/ha")
