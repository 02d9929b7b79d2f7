"""Gini, Lorenz and the least-served fifth by hand; max coverage with a known optimum
that the greedy baseline misses."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse import csr_matrix

from naturkapital.urban.equity import gini, least_served, lorenz
from naturkapital.urban.siting import greedy, max_coverage


def test_gini_by_hand() -> None:
    assert gini(np.array([1.0, 3.0])) == pytest.approx(0.25)  # |1-3|·2/(2·2²·2)
    assert gini(np.array([0.0, 0.0, 0.0, 10.0])) == pytest.approx(0.75)
    assert gini(np.array([5.0, 5.0, 5.0])) == pytest.approx(0.0)
    # weights act as repeated people: (1, 3) with weights (3, 1) = (1, 1, 1, 3)
    assert gini(np.array([1.0, 3.0]), np.array([3.0, 1.0])) == pytest.approx(
        gini(np.array([1.0, 1.0, 1.0, 3.0])))
    assert gini(np.array([1.0, 1.0, 1.0, 3.0])) == pytest.approx(0.25)
    # unreachable (infinite) distances and empty sets are left out / NaN
    assert gini(np.array([1.0, 3.0, np.inf])) == pytest.approx(0.25)
    assert np.isnan(gini(np.array([])))


def test_gini_mean_difference_form() -> None:
    rng = np.random.default_rng(0)
    x, w = rng.random(30) * 500, rng.integers(1, 9, 30).astype(float)
    md = (w[:, None] * w[None, :] * np.abs(x[:, None] - x[None, :])).sum()
    assert gini(x, w) == pytest.approx(md / (2 * w.sum() ** 2 * np.average(x, weights=w)))


def test_lorenz_by_hand() -> None:
    lc = lorenz(np.array([3.0, 1.0]))
    assert lc["population_share"].tolist() == pytest.approx([0, 0.5, 1])
    assert lc["distance_share"].tolist() == pytest.approx([0, 0.25, 1])


def test_least_served_fifth() -> None:
    x = np.arange(1, 11, dtype=float) * 100  # 100 … 1000 m, ten equal households
    start, mean = least_served(x)
    assert start == 900 and mean == pytest.approx(950)
    # weights: the household at 1000 m holds a fifth by itself
    start, mean = least_served(x, np.array([1] * 9 + [9 / 4], dtype=float))
    assert start == 1000 and mean == pytest.approx(1000)


def _case():
    # sites X, Y, Z cover disjoint groups worth 12, 50, 55 and cost 1, 5, 6; budget 11.
    cover = csr_matrix(np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1]]))
    return cover, np.array([12.0, 50.0, 55.0]), np.array([1.0, 5.0, 6.0]), 11.0


def test_max_coverage_known_optimum() -> None:
    cover, w, cost, budget = _case()
    best = max_coverage(cover, w, cost, budget)
    assert sorted(best.sites) == [1, 2] and best.covered == pytest.approx(105)
    assert best.cost == pytest.approx(11) and best.gap == pytest.approx(0, abs=1e-6)
    g = greedy(cover, w, cost, budget)  # ratio 12, 10, 9.2: X, Y, then Z no longer fits
    assert sorted(g.sites) == [0, 1] and g.covered == pytest.approx(62)


def test_overlapping_cover_counts_once() -> None:
    # A covers groups {0,1}, B {1,2}, C {0,2,3}; weights 5,5,6,1; costs 2,2,3; budget 4
    cover = csr_matrix(np.array([[1, 0, 1], [1, 1, 0], [0, 1, 1], [0, 0, 1]]))
    w, cost = np.array([5.0, 5.0, 6.0, 1.0]), np.array([2.0, 2.0, 3.0])
    best = max_coverage(cover, w, cost, 4.0)
    assert sorted(best.sites) == [0, 1] and best.covered == pytest.approx(16)
    assert max_coverage(cover, w, cost, 0.0).covered == 0


def test_tracking_by_hand(tmp_path) -> None:
    import pandas as pd

    from naturkapital.core.errors import InputError
    from naturkapital.urban.targets import load_targets, tracking

    d = pd.DataFrame({"district_id": ["1", "0"], "name": ["A", "By"],
                      "within_rule_pct": [80.0, 100.0], "greening_pct": [22.0, 30.0],
                      "public_green_blue_pct": [10.0, np.nan], "pass_3_pct": [0.0, 0.0],
                      "canopy_pct": [35.0, 10.0], "pass_300_pct": [80.0, 100.0]})
    own = tmp_path / "plan.csv"
    own.write_text("target,indicator,threshold,comparison,year,source\n"
                   "Grønning 25 %,greening_pct,25,>=,2030,Kommuneplan 2025 §4\n",
                   encoding="utf-8")
    t = tracking(d, load_targets(own))
    row = t[(t["indicator"] == "greening_pct") & (t["district_id"] == "1")].iloc[0]
    assert row["gap"] == pytest.approx(3) and row["status"].endswith("not met")
    row = t[(t["indicator"] == "greening_pct") & (t["district_id"] == "0")].iloc[0]
    assert row["gap"] == 0 and row["status"].endswith("met")
    canopy = t[t["indicator"] == "canopy_pct"].set_index("district_id")
    assert canopy.loc["1", "status"].endswith("/ met") and canopy.loc["0", "gap"] == 20
    gbf = t[t["indicator"] == "public_green_blue_pct"].set_index("district_id")
    assert "no threshold" in gbf.loc["1", "status"] and "no data" in gbf.loc["0", "status"]
    bad = tmp_path / "bad.csv"
    bad.write_text("target,indicator,threshold,comparison,year,source\nX,trees,3,>=,,\n",
                   encoding="utf-8")
    with pytest.raises(InputError, match="unknown indicator trees"):
        load_targets(bad)
    bad.write_text("target,indicator,threshold,comparison,year,source\n"
                   "X,canopy_pct,30,>=,,\n", encoding="utf-8")
    with pytest.raises(InputError, match="needs a source"):
        load_targets(bad)
