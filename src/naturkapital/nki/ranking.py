"""Ranking (1 = best) and municipality groups."""

from __future__ import annotations

import numpy as np
import pandas as pd

from naturkapital.landcover.landtypes import NATURE_KEYS, URBAN_KEYS

#: Group rule thresholds (fractions of the zone's mapped area). A documented rule of
#: this project, not DCE's: see docs/method.md.
NATURE_GROUP_MIN_SHARE = 0.30
URBAN_GROUP_MIN_SHARE = 0.30

GROUP_LABELS = {
    "nature": "naturkommune (nature municipality)",
    "urban": "bykommune (urban municipality)",
    "agricultural": "landbrugskommune (agricultural municipality)",
}


def rank_desc(score: pd.Series, eligible: pd.Series) -> pd.Series:
    """Rank eligible rows by descending score, 1 = best, ties share the best rank."""
    ranked = score.where(eligible).rank(ascending=False, method="min")
    return ranked.astype("Int64")


def group_of(shares: pd.DataFrame) -> pd.Series:
    """urban / agricultural / nature by land-type shares (fractions).

    Rule: *nature* when the four nature types cover at least 30 % of the mapped
    area; otherwise *urban* when the two urban types cover at least 30 %; otherwise
    *agricultural*. Nature first, so a municipality with large protected nature
    next to a city (e.g. Tårnby) is compared with nature municipalities.
    """
    nature = shares[list(NATURE_KEYS)].sum(axis=1)
    urban = shares[list(URBAN_KEYS)].sum(axis=1)
    group = np.where(nature >= NATURE_GROUP_MIN_SHARE, "nature",
                     np.where(urban >= URBAN_GROUP_MIN_SHARE, "urban", "agricultural"))
    return pd.Series(group, index=shares.index).where(shares.sum(axis=1) > 0)
