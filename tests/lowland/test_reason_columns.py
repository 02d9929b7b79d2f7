"""The table's failure sentences, written once per (criterion, branch, rounded value),
must be exactly the per-parcel sentences (:meth:`Screened.reasons`), also for values
that lie on a rounding tie, negative zeros, NaN and the budget's breaches."""

from __future__ import annotations

import numpy as np
import pytest

from naturkapital.lowland.budget import budget_arrays
from naturkapital.lowland.rules import load_rules
from naturkapital.lowland.screening import (
    CRITERIA,
    FAIL,
    Screened,
    _round6,
    judge_arrays,
    reason_columns,
    status_arrays,
    value_keys,
)

RULES = load_rules()


def screened_from(m: dict[str, np.ndarray], bid: np.ndarray, total: np.ndarray,
                  price: np.ndarray) -> Screened:
    """A Screened of made-up measured values (no cells, no emissions needed)."""
    n = len(price)
    bud = budget_arrays(m["area_ha"], RULES, bid, total)
    res = judge_arrays(m, bud, price, RULES)
    return Screened(ids=[f"p{i}" for i in range(n)], metrics=m, emissions=None,  # type: ignore[arg-type]
                    budget=bud, price=price, results=res, status=status_arrays(res),
                    horizon=20.0, rules=RULES)


def per_parcel(s: Screened) -> tuple[list[str], list[str], list[str]]:
    failed, da, en = [], [], []
    for i in range(len(s.ids)):
        d, e = s.reasons(i)
        failed.append(";".join(k for k in CRITERIA if s.results[k][i] == FAIL))
        da.append(" ".join(d))
        en.append("; ".join(e))
    return failed, da, en


def test_reason_columns_equal_the_per_parcel_sentences() -> None:
    rng = np.random.default_rng(7)
    n = 3000
    ties = np.array([0.005, 0.015, 1.005, 1.995, 2.675, -0.05, -0.0, 0.0, -0.04, 0.25,
                     np.nan, 1e-7, -1e-7, 29.95, -42.45, 74.95])

    def values(lo: float, hi: float, digits: int) -> np.ndarray:
        x = rng.uniform(lo, hi, n)
        x[: n // 4] = np.round(x[: n // 4], digits + 1)  # many exact ...5 decimals
        x[rng.integers(0, n, n // 10)] = rng.choice(ties, n // 10)
        return x

    area = rng.uniform(0.5, 12, n)
    area[:5] = 0.0
    m = {"area_ha": area, "peat_area_ha": values(-0.1, 12, 2),
         "share_oc_above_6_pct": values(0, 100, 1), "gvsmax_cm": values(-80, 5, 1),
         "drained_peat_cm": values(0, 60, 1)}
    bid = np.where(rng.uniform(size=n) < 0.2, np.nan, rng.uniform(20_000, 140_000, n))
    total = np.where(rng.uniform(size=n) < 0.3, np.nan, bid * area + rng.uniform(0, 9e5, n))
    price = values(0, 3000, 0)
    price[rng.integers(0, n, 50)] = np.nan
    price[:20] = np.arange(20) + 0.5  # ties at 0 decimals: 0.5 → "0", 1.5 → "2"
    s = screened_from(m, bid, total, price)
    failed, da, en = reason_columns(s)
    want = per_parcel(s)
    assert list(failed) == want[0]
    assert list(da) == want[1]
    assert list(en) == want[2]
    # the test covers every branch: fails, a secondary, budget breaches, NaN price
    assert any("sekundær" in t for t in da) and any("tilskud" in t for t in da)
    assert any("ingen CO2-reduktion" in t for t in da) and any(t == "" for t in da)


def test_value_keys_group_values_that_print_alike() -> None:
    x = np.array([0.125, 0.135, 0.13, -0.0, 0.0, -0.001, np.nan, np.nan, 2.675, 2.67])
    k = value_keys(x, 2)
    printed = [f"{v:.2f}" for v in x.tolist()]
    for i in range(x.size):
        for j in range(x.size):
            if k[i] == k[j]:
                assert printed[i] == printed[j], (x[i], x[j])
    assert k[6] == k[7]  # NaN is one key
    assert k[3] != k[4]  # "-0.00" and "0.00" differ


@pytest.mark.parametrize("x", [
    [2.0000005, 1.9999995, 0.0000005, 2.675, 1e16, -1e-300, -0.0, 0.1 + 0.2],
    list(np.arange(0, 200_000) / 2e6),  # every half-micro tie below 0.1
])
def test_round6_is_pythons_round(x: list[float]) -> None:
    a = np.asarray(x, dtype=float)
    got = _round6(np.concatenate([a, [np.nan, np.inf, -np.inf]]))
    want = np.array([round(v, 6) for v in a.tolist()] + [np.nan, np.inf, -np.inf])
    assert np.array_equal(got, want, equal_nan=True)
    assert np.array_equal(np.signbit(got), np.signbit(want))
