"""The context proxy: hand-computed window values, tiling, monotonicity, the old proxy,
and a deterministic cross-validated fit with a known optimum."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from naturkapital.core.errors import InputError
from naturkapital.landcover.calibrate import (
    CONTEXT_PRIORS,
    ContextSums,
    calibrate_context,
    design,
    targets,
)
from naturkapital.landcover.context import (
    ContextProxy,
    box_sum,
    cell_values,
    load_context,
)
from naturkapital.landcover.landtypes import KEYS
from naturkapital.landcover.scheme import load_scheme

SCHEME = load_scheme("basemap04")
TABLE = pd.DataFrame(columns=["parameter", "land_type", "value", "source"])


def _proxy(radius_m: float = 100.0) -> ContextProxy:
    return ContextProxy(
        radius_m,
        {"skov": 40.0, "mark": 5.0, "by_graa": 2.0},
        {"skov": 40.0, "mark": 20.0, "by_graa": 8.0},
        TABLE,
    )


def test_box_sum_by_hand():
    m = np.eye(3, dtype=bool)
    got = box_sum(m, 1)
    assert got.tolist() == [[2, 2, 1], [2, 3, 2], [1, 2, 2]]
    assert box_sum(m, 0).tolist() == m.astype(int).tolist()


def test_cell_values_by_hand():
    # 100 m cells, radius 100 m → 3 × 3 windows; 0 = nodata (sea)
    a = np.array([[8, 8, 5], [5, 8, 5], [0, 5, 6]], dtype=np.uint8)
    v = cell_values(np.pad(a, 1), 1, 100.0, 0, SCHEME, _proxy())
    # (0,0) forest: window 8,8,5,8 → f = 3/4 → 40 + 40·0.75 = 70
    assert v[0, 0] == pytest.approx(70.0)
    # (1,1) forest: 8 mapped cells, 3 forest → 40 + 40·3/8 = 55
    assert v[1, 1] == pytest.approx(55.0)
    # (0,2) field: window 8,5,8,5 → f = 1/2 → 5 + 20·0.5 = 15
    assert v[0, 2] == pytest.approx(15.0)
    # (2,2) built up: window 8,5,5,6 → f = 1/4 → 2 + 8·0.25 = 4
    assert v[2, 2] == pytest.approx(4.0)
    assert np.isnan(v[2, 0])  # nodata has no value


def test_values_are_clipped_to_100():
    p = ContextProxy(100.0, {"skov": 90.0}, {"skov": 60.0}, TABLE)
    v = cell_values(np.pad(np.full((3, 3), 8, np.uint8), 1), 1, 100.0, 0, SCHEME, p)
    assert (v == 100.0).all()


def test_block_with_halo_equals_whole_raster():
    rng = np.random.default_rng(3)
    a = rng.choice(np.array([0, 2, 5, 6, 7, 8, 9, 10, 11], np.uint8), size=(30, 40))
    p, r = load_context(), 5
    whole = cell_values(np.pad(a, r), r, 100.0, 0, SCHEME, p)
    padded = np.pad(a, r)
    block = padded[7 : 7 + 12 + 2 * r, 11 : 11 + 9 + 2 * r]  # rows 7..18, cols 11..19 + halo
    assert np.array_equal(
        cell_values(block, r, 100.0, 0, SCHEME, p), whole[7:19, 11:20], equal_nan=True
    )


codes = st.sampled_from([0, 2, 4, 5, 6, 7, 8, 9, 10, 11])


@settings(max_examples=60, deadline=None)
@given(
    arrays(np.uint8, (9, 9), elements=codes), st.integers(0, 80), st.sampled_from([7, 8, 10, 11])
)
def test_more_nature_never_lowers_a_value(a, flat, nature_code):
    """Turning any mapped non-nature cell into nature never lowers another cell."""
    p = load_context()
    r, cell = 2, p.radius_m / 2  # a 5 × 5 window
    i, j = divmod(flat, 9)
    if a[i, j] in (0, 7, 8, 10, 11):
        return
    b = a.copy()
    b[i, j] = nature_code
    before = cell_values(np.pad(a, r), r, cell, 0, SCHEME, p)
    after = cell_values(np.pad(b, r), r, cell, 0, SCHEME, p)
    other = np.ones(a.shape, bool)
    other[i, j] = False
    ok = ~np.isnan(before) & other
    assert (after[ok] >= before[ok] - 1e-9).all()
    assert ((after >= 0) & (after <= 100))[~np.isnan(after)].all()


def test_shipped_parameters_are_monotone_and_flagged():
    p = load_context()
    assert p.radius_m > 0
    assert all(g >= 0 for g in p.gain.values())
    for t in KEYS:
        if t != "andet":
            assert 0 <= p.base[t] and p.base[t] + p.gain[t] <= 100.0 + 1e-9
    assert p.assumptions() and all("assumption" in a for a in p.assumptions())


def test_negative_gain_is_refused(tmp_path):
    f = tmp_path / "ctx.csv"
    f.write_text(
        "parameter,land_type,value,source\nradius_m,,500,x\ngain,skov,-1,x\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match="gain must be ≥ 0"):
        load_context(f)


def test_class_proxy_reproduces_todays_table():
    """--proxy class: one value per class, exactly the shipped Basemap04 table (and the
    NKI figures of the version before the context proxy)."""
    from naturkapital.nki.compute import Zones, compute_nki, load_zones

    z = load_zones()
    sub = Zones(z.gdf[z.gdf["zone_id"].isin(["147", "390"])].reset_index(drop=True), "sub")
    res = compute_nki(sub, proxy="class")
    today = {
        "skov": 85.0,
        "soe": 90.0,
        "eng_mose": 100.0,
        "hede_overdrev": 100.0,
        "mark": 4.2,
        "by_groen": 22.3,
        "by_graa": 10.0,
    }
    for zid in ("147", "390"):
        for t, v in today.items():
            got = res.values.loc[zid, t]
            assert np.isnan(got) or got == pytest.approx(v, abs=1e-9), (zid, t)
    t = res.table.set_index("zone_id")
    assert t.loc["390", "nki"] == pytest.approx(21.949738, abs=1e-5)
    assert t.loc["147", "nki"] == pytest.approx(14.597109, abs=1e-5)
    assert t.loc["390", "nki_nature"] == pytest.approx(89.682178, abs=1e-5)
    assert res.meta["proxy"] == "class"
    ctx = compute_nki(sub)
    assert ctx.meta["proxy"] == "context"
    assert ctx.meta["method"].startswith("open-data NKI (land-use proxy)")
    assert any("context proxy gain" in a for a in ctx.meta["assumptions"])
    assert ctx.table.set_index("zone_id").loc["390", "nki"] != t.loc["390", "nki"]


def test_unknown_proxy_is_refused():
    from naturkapital.nki.compute import compute_nki

    with pytest.raises(InputError, match="unknown proxy"):
        compute_nki(proxy="magic")


def _synthetic(theta: dict[str, float], n: int = 14) -> tuple[ContextSums, pd.DataFrame]:
    rng = np.random.default_rng(7)
    ids = [str(100 + i) for i in range(n)]
    area = pd.DataFrame(rng.uniform(1, 50, (n, len(KEYS))), index=ids, columns=list(KEYS))
    f = area * rng.uniform(0, 1, area.shape)
    area.loc["0"], f.loc["0"] = area.sum(), f.sum()
    sums = ContextSums(500.0, area, f)
    priors = pd.read_csv(CONTEXT_PRIORS)
    pub = pd.DataFrame({"zone_id": ids + ["0"], "nki": 0.0, "nki_natur_2020": np.nan})
    pub.loc[[2, n], "nki_natur_2020"] = 0.0
    rows, _ = targets(pub)
    x, groups = design(sums, priors, rows)
    y = x @ np.array([theta[g] for g in groups])
    pub["nki"] = y[: n + 1]
    pub.loc[[2, n], "nki_natur_2020"] = y[n + 1 :]
    return sums, pub


def test_cross_validation_is_deterministic_and_finds_the_known_optimum():
    priors = pd.read_csv(CONTEXT_PRIORS)
    theta = {
        g: float((lo + hi) / 2)
        for g, lo, hi in priors.drop_duplicates("group")[["group", "lower", "upper"]].itertuples(
            index=False
        )
    }
    sums, pub = _synthetic(theta)
    a = calibrate_context({500.0: sums}, pub)
    b = calibrate_context({500.0: sums}, pub)
    assert a.groups == b.groups and a.table.equals(b.table) and a.runs.equals(b.runs)
    assert a.lam == 0.0  # exact data: no pull towards the priors is needed
    for g, v in theta.items():
        assert a.groups[g] == pytest.approx(v, abs=0.05), g
    assert np.allclose(a.table["loo"], a.table["published"], atol=0.05)


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16", "uint16", "int32", "float32"])
def test_class_slots_by_hand_for_every_dtype(dtype):
    # sorted scheme codes [-5, 0, 3, 7, 300]: the slot of a cell is the index of its code,
    # −1 for a code not in the scheme or an invalid cell (a lookup table for small
    # integers, a sorted search otherwise: the same answer)
    from naturkapital.landcover.context import class_slots

    codes = np.array([-5, 0, 3, 7, 300])
    raw = np.array([[0, 3, 7], [1, 3, 0]]).astype(dtype)
    valid = np.array([[True, True, True], [True, False, True]])
    assert class_slots(raw, codes, valid).tolist() == [[1, 2, 3], [-1, -1, 1]]
    if np.dtype(dtype).kind == "i":
        assert class_slots(np.array([-5], dtype=dtype), codes, np.array([True])).tolist() == [0]


def test_box_sum_of_a_large_table_matches_a_small_tiling():
    # the summed-area table's integer type does not change a count: one 300×400 block
    # and its two halves (with an r-cell halo) give the same counts
    rng = np.random.default_rng(5)
    m = rng.uniform(size=(300, 400)) < 0.4
    whole = box_sum(m, 4)
    top = box_sum(m[:154], 4)[:150]
    bottom = box_sum(m[146:], 4)[4:]
    assert np.array_equal(whole, np.vstack([top, bottom]))
    pad = np.pad(m.astype(int), 4)
    brute = sum(pad[i:i + 300, j:j + 400] for i in range(9) for j in range(9))
    assert np.array_equal(whole, brute)
