"""Change of the index between two epochs, split into area and value parts.

With shares a_t (fractions) and values v_t per land type in epoch 1 and 2,
NKI_2 − NKI_1 = Σ (a2·v2 − a1·v1) = delta_area + delta_value, where

    delta_area  = Σ (a2 − a1) · (v1 + v2) / 2
    delta_value = Σ (v2 − v1) · (a1 + a2) / 2

(the interaction term split symmetrically), which adds up exactly. A land type
absent in one epoch takes its value from the other epoch, so appearing or vanishing
area counts as area change only.
"""

from __future__ import annotations

import pandas as pd


def decompose(shares_1: pd.DataFrame, values_1: pd.DataFrame,
              shares_2: pd.DataFrame, values_2: pd.DataFrame) -> pd.DataFrame:
    """Per zone: nki_from, nki_to, delta, delta_area, delta_value."""
    index = shares_1.index.union(shares_2.index)
    a1 = shares_1.reindex(index).fillna(0.0)
    a2 = shares_2.reindex(index).fillna(0.0)
    v1 = values_1.reindex(index)
    v2 = values_2.reindex(index)
    v1, v2 = v1.fillna(v2).fillna(0.0), v2.fillna(v1).fillna(0.0)
    nki_1 = (a1 * v1).sum(axis=1)
    nki_2 = (a2 * v2).sum(axis=1)
    delta_area = ((a2 - a1) * (v1 + v2) / 2.0).sum(axis=1)
    delta_value = ((v2 - v1) * (a1 + a2) / 2.0).sum(axis=1)
    valid = (a1.sum(axis=1) > 0) & (a2.sum(axis=1) > 0)
    out = pd.DataFrame({
        "nki_from": nki_1, "nki_to": nki_2, "delta": nki_2 - nki_1,
        "delta_area": delta_area, "delta_value": delta_value,
    })
    return out.where(valid)
