"""Invariants on random maps: shares sum to 100, NKI in 0–100, change adds up."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from naturkapital.landcover.landtypes import KEYS
from naturkapital.nki.change import decompose
from naturkapital.nki.index import nki, nki_nature, shares_and_values

area_rows = st.lists(st.floats(0, 1e4, allow_nan=False), min_size=len(KEYS),
                     max_size=len(KEYS))
value_rows = st.lists(st.floats(0, 100, allow_nan=False), min_size=len(KEYS),
                      max_size=len(KEYS))


def frames(areas: list[list[float]], values: list[list[float]]):
    a = pd.DataFrame(areas, columns=list(KEYS), index=[str(i) for i in range(len(areas))])
    v = pd.DataFrame(values, columns=list(KEYS), index=a.index)
    return shares_and_values(a, a * v)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(area_rows, value_rows), min_size=1, max_size=5))
def test_shares_sum_to_one_and_index_in_range(rows):
    shares, values = frames([r[0] for r in rows], [r[1] for r in rows])
    total = shares.sum(axis=1)
    has_area = pd.Series([sum(r[0]) > 0 for r in rows], index=shares.index)
    assert np.allclose(total[has_area], 1.0)
    n = nki(shares, values)
    assert ((n[has_area] >= -1e-9) & (n[has_area] <= 100 + 1e-9)).all()
    nn = nki_nature(shares, values).dropna()
    assert ((nn >= -1e-9) & (nn <= 100 + 1e-9)).all()


@settings(max_examples=200, deadline=None)
@given(area_rows, value_rows, area_rows, value_rows)
def test_change_parts_add_up(a1, v1, a2, v2):
    s1, w1 = frames([a1], [v1])
    s2, w2 = frames([a2], [v2])
    d = decompose(s1, w1, s2, w2).iloc[0]
    if sum(a1) > 0 and sum(a2) > 0:
        assert abs(d["delta"] - (d["delta_area"] + d["delta_value"])) < 1e-9
        assert abs(d["nki_from"] - nki(s1, w1).iloc[0]) < 1e-9
        assert abs(d["nki_to"] - nki(s2, w2).iloc[0]) < 1e-9
