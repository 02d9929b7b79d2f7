"""The one cost model of a conversion, used by ``scenario evaluate`` and by the plans
of ``priority allocate``/``priority plan``.

A conversion of ``area_ha`` from land type ``from_lt`` to ``to_lt`` costs, per hectare:

* **rewetting** (a drained land type — ``water_table`` ``low`` in ``land_management.csv``
  — becomes a wet one, ``high``): the lowland budget at Klimaskovfonden's maximum support
  (:func:`naturkapital.lowland.budget.make_budget` for 1 ha);
* **any other change**: the establishment cost of the target land type in
  ``conversion_costs.csv`` (``cost_dkk_per_ha``; empty = not costed, NaN here).

The cost of a plan is Σ area × rate, so a plan's cost and the scenario's cost of the
same plan are the same number.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from naturkapital.lowland.budget import make_budget
from naturkapital.lowland.rules import ParamTable
from naturkapital.services.tables import Coefficients

NOTE = (
    "Genvådgøring: Klimaskovfondens maksimale tilskud (rewetting at the maximum "
    "support); øvrige omlægninger: anlægsomkostning pr. ha, uden jordkøb "
    "(other conversions: establishment cost per ha, no land purchase)."
)


def is_rewetting(
    changed: np.ndarray, from_lt: pd.Series, to_lt: pd.Series, mgmt: Coefficients
) -> np.ndarray:
    """True where a changed area goes from a drained (``low``) to a wet (``high``) land
    type."""
    wt = mgmt.table["water_table"]
    return (
        np.asarray(changed, dtype=bool)
        & (pd.Series(from_lt).map(wt) == "low").to_numpy()
        & (pd.Series(to_lt).map(wt) == "high").to_numpy()
    )


def rewetting_dkk_per_ha(rules: ParamTable) -> float:
    """The lowland budget per hectare at the maximum support (DKK/ha)."""
    return float(make_budget(1.0, rules).total_dkk)


def cost_per_ha(
    changed: np.ndarray,
    from_lt: pd.Series,
    to_lt: pd.Series,
    costs: Coefficients,
    rules: ParamTable,
    mgmt: Coefficients,
) -> tuple[np.ndarray, np.ndarray]:
    """``(rate DKK/ha, rewetting)`` per row; rate 0 where nothing changes, NaN where the
    target land type is not costed."""
    rewet = is_rewetting(changed, from_lt, to_lt, mgmt)
    rate = pd.Series(to_lt).map(costs.table["cost_dkk_per_ha"]).astype(float).to_numpy()
    rate = np.where(rewet, rewetting_dkk_per_ha(rules), rate)
    return np.where(np.asarray(changed, dtype=bool), rate, 0.0), rewet
