"""Biodiversity: the Natural Capital Index and NKI natur of each zone (0–100).

Uses the index functions of :mod:`naturkapital.nki.index` on the class areas, so
baseline and scenario are computed exactly as ``naturkapital nki`` computes them
(open-data method: nature values from the scheme).
"""

from __future__ import annotations

import pandas as pd

from naturkapital.landcover.scheme import Scheme
from naturkapital.nki.index import land_type_sums, nki, nki_nature, shares_and_values


def land_type_tables(classes: pd.DataFrame, scheme: Scheme,
                     total_id: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Area (ha) and Σ area × value per zone × land type; with ``total_id`` a total row."""
    t = scheme.table
    area, value = land_type_sums(classes, dict(zip(t["value"], t["land_type"], strict=True)),
                                 dict(zip(t["value"], t["nature_value"], strict=True)))
    if total_id is not None:
        area.loc[total_id] = area.sum()
        value.loc[total_id] = value.sum()
    return area, value


def index_table(area: pd.DataFrame, value_ha: pd.DataFrame
                ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """``(table, shares, values)``: table has columns nki, nki_nature per zone."""
    shares, values = shares_and_values(area, value_ha)
    table = pd.DataFrame({"nki": nki(shares, values), "nki_nature": nki_nature(shares, values)})
    return table, shares, values
