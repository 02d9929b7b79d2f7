"""The index itself: land-type shares and values per zone, NKI, NKI natur, Andet rule.

For a zone with area A_t and Σ(area × nature value) S_t per land type t:

* share a_t = A_t / Σ A (fraction; reported in %),
* value v_t = S_t / A_t (0–100),
* "Andet" gets v_andet = Σ_{t≠andet} S_t / Σ_{t≠andet} A_t (the zone's mean value of
  the other types),
* NKI = Σ a_t · v_t (0–100),
* NKI natur = the same over skov, sø, eng og mose, hede og overdrev only, with their
  shares renormalised to sum to 1.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from naturkapital.landcover.landtypes import KEYS, NATURE_KEYS


def land_type_sums(classes: pd.DataFrame, scheme_land_type: dict[int, str],
                   scheme_value: dict[int, float]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per zone × land type: area A (ha) and S = Σ area × nature value (ha·points).

    ``classes`` has columns zone_id, value, area_ha and optionally bio_area_ha,
    bio_value_ha. Where a bioscore covers (part of) a class, its values are used;
    the rest of the class area takes the scheme's nature value.
    """
    c = classes.copy()
    c["land_type"] = c["value"].map(scheme_land_type)
    table_value = c["value"].map(scheme_value).astype(float)
    if "bio_value_ha" in c.columns:
        bio_area = c["bio_area_ha"].fillna(0.0)
        c["value_ha"] = c["bio_value_ha"].fillna(0.0) + (c["area_ha"] - bio_area) * table_value
    else:
        c["value_ha"] = c["area_ha"] * table_value
    area = c.pivot_table(index="zone_id", columns="land_type", values="area_ha",
                         aggfunc="sum", fill_value=0.0)
    value = c.pivot_table(index="zone_id", columns="land_type", values="value_ha",
                          aggfunc="sum", fill_value=0.0)
    return (area.reindex(columns=list(KEYS), fill_value=0.0),
            value.reindex(columns=list(KEYS), fill_value=0.0))


def shares_and_values(area: pd.DataFrame, value_ha: pd.DataFrame
                      ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Shares (fractions summing to 1) and nature values (0–100) with the Andet rule.

    Land types absent from a zone have share 0 and value NaN.
    """
    a = area.to_numpy(dtype=float)
    s = value_ha.to_numpy(dtype=float)
    total = a.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(total > 0, a / total, np.nan)
        values = np.where(a > 0, s / a, np.nan)
        other = [KEYS.index(k) for k in KEYS if k != "andet"]
        andet = KEYS.index("andet")
        other_mean = s[:, other].sum(axis=1) / a[:, other].sum(axis=1)
    values[:, andet] = np.where(a[:, andet] > 0, other_mean, np.nan)
    cols = list(KEYS)
    return (pd.DataFrame(shares, index=area.index, columns=cols),
            pd.DataFrame(values, index=area.index, columns=cols))


def contributions(shares: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
    """Each land type's contribution a_t · v_t in index points (shares as fractions,
    values 0–100); a type without a value (absent from the zone) contributes 0.

    It is the area of the land type's bar in the NKI diagram; a zone's contributions
    sum to its NKI.
    """
    return shares * values.fillna(0.0)


def nature_shares(shares: pd.DataFrame) -> pd.DataFrame:
    """Shares of the four nature types renormalised to sum to 1 (NaN without nature)."""
    nat = shares[list(NATURE_KEYS)]
    total = nat.sum(axis=1)
    return nat.div(total.where(total > 0), axis=0)


def nki(shares: pd.DataFrame, values: pd.DataFrame) -> pd.Series:
    """NKI = Σ a_t · v_t (shares as fractions, values 0–100)."""
    contrib = contributions(shares, values).sum(axis=1, min_count=1)
    return contrib.where(shares.sum(axis=1) > 0)


def nki_nature(shares: pd.DataFrame, values: pd.DataFrame) -> pd.Series:
    """NKI natur: the index over the four nature types, shares renormalised."""
    renorm = nature_shares(shares)
    return nki(renorm, values[list(NATURE_KEYS)]).where(renorm.notna().any(axis=1))
