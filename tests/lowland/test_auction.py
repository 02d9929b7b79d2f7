"""Auction rules: ranking by DKK/ha, the synergy gate, the 5 % rule, the marginal bid."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from naturkapital.core.errors import InputError
from naturkapital.lowland.auction import FUNDED, NOT_FUNDED, REJECTED, run_auction
from naturkapital.lowland.rules import load_rules

RULES = load_rules()


def bids(rows: list[tuple], **extra) -> pd.DataFrame:
    """rows: (id, bid DKK/ha, total DKK, synergy points); every bid is 1 ha."""
    df = pd.DataFrame(rows, columns=["parcel_id", "bid_dkk_per_ha", "total_bid_dkk",
                                     "synergy_points"])
    df["area_ha"] = 1.0
    for k, v in extra.items():
        df[k] = v
    return df


def decisions(res) -> dict[str, str]:
    return dict(zip(res.table["parcel_id"], res.table["decision"], strict=True))


def test_ranking_synergy_gate_five_percent_rule_and_marginal_bid() -> None:
    res = run_auction(bids([
        ("A", 50_000, 150_000, 10),
        ("B", 60_000, 150_000, 12),
        ("C", 70_000, 150_000, 8),     # exactly 8 synergy points: allowed
        ("D", 40_000, 150_000, 7),     # cheapest, but 7 points: rejected
        ("E", 80_000, 150_000, 23),
    ]), RULES)
    assert decisions(res) == {"A": FUNDED, "B": FUNDED, "C": FUNDED, "E": NOT_FUNDED,
                              "D": REJECTED}
    s = res.summary
    # ranked A, B, C, E applied 600 000; 5 % rule caps funding at 570 000
    assert s["applied_sum_dkk"] == 600_000
    assert s["funding_cap_dkk"] == pytest.approx(570_000)
    assert s["funded_sum_dkk"] == 450_000
    assert (s["marginal_id"], s["marginal_bid_dkk_per_ha"]) == ("C", 70_000)
    assert s["first_not_funded_id"] == "E"
    t = res.table.set_index("parcel_id")
    assert list(t.loc[["A", "B", "C", "E"], "rank"]) == [1, 2, 3, 4]
    assert bool(t.loc["C", "marginal"]) and not t["marginal"].drop("C").any()
    assert "7 synergipoint" in t.loc["D", "reason_da"] and "mindst 8 af 23" in \
        t.loc["D", "reason_da"]
    assert "5 %-reglen" in t.loc["E", "reason_da"]


def test_ranking_is_by_dkk_per_ha_not_by_total() -> None:
    df = bids([("cheap_per_ha", 30_000, 900_000, 9), ("dear_per_ha", 90_000, 150_000, 9),
               ("mid", 60_000, 120_000, 9)])
    df.loc[0, "area_ha"] = 10.0   # 900 000 DKK over 10 ha: the largest total, cheapest/ha
    res = run_auction(df, RULES)
    assert list(res.table["parcel_id"][:3]) == ["cheap_per_ha", "mid", "dear_per_ha"]


def test_five_percent_boundary_and_no_skipping() -> None:
    # 1 900 000 + 100 000 applied; cap 1 900 000 → A exactly at the cap is funded, B not
    df = bids([("A", 40_000, 1_900_000, 9), ("B", 50_000, 100_000, 9)])
    df.loc[0, "area_ha"] = 19.0
    res = run_auction(df, RULES)
    assert decisions(res) == {"A": FUNDED, "B": NOT_FUNDED}
    assert res.summary["funding_cap_dkk"] == pytest.approx(1_900_000)
    # A 100 000, B 900 000, C 12 000 (cap 0.95 × 1 012 000 = 961 400): B does not fit,
    # and C is not funded either although it would — no skipping past B
    df = bids([("A", 40_000, 100_000, 9), ("B", 50_000, 900_000, 9),
               ("C", 60_000, 12_000, 9)])
    df["area_ha"] = [1.0, 9.0, 0.1]
    res = run_auction(df, RULES)
    assert decisions(res) == {"A": FUNDED, "B": NOT_FUNDED, "C": NOT_FUNDED}
    assert res.summary["marginal_id"] == "A"


def test_single_bid_is_turned_down_by_the_five_percent_rule() -> None:
    res = run_auction(bids([("A", 50_000, 100_000, 9)]), RULES)
    assert decisions(res) == {"A": NOT_FUNDED}
    assert res.summary["marginal_id"] is None


def test_round_budget_caps_funding() -> None:
    res = run_auction(bids([("A", 50_000, 150_000, 9), ("B", 60_000, 150_000, 9),
                            ("C", 70_000, 150_000, 9)]), RULES, budget_dkk=200_000)
    assert decisions(res) == {"A": FUNDED, "B": NOT_FUNDED, "C": NOT_FUNDED}
    assert res.summary["cap_from"] == "budget"
    assert "budget" in res.table.set_index("parcel_id").loc["B", "reason_da"]


def test_ties_by_more_synergy_points() -> None:
    res = run_auction(bids([("few", 50_000, 100_000, 9), ("many", 50_000, 100_000, 20),
                            ("x", 90_000, 100_000, 9)]), RULES)
    assert list(res.table["parcel_id"][:2]) == ["many", "few"]


def test_gates_price_status_applicant_and_limits() -> None:
    df = bids([("ok", 50_000, 150_000, 9), ("dear_t", 50_000, 150_000, 9),
               ("inel", 50_000, 150_000, 9), ("who", 50_000, 150_000, 9),
               ("comp", 120_000, 160_000, 9)],
              status=["eligible", "eligible", "ineligible", "eligible", "eligible"],
              applicant_type=["kommune", "privat", "privat", "forening", "privat"],
              co2e_reduction_t_per_year=[30.0, 10.0, 30.0, 30.0, 30.0],
              horizon_years=[20.0] * 5)
    res = run_auction(df, RULES)
    t = res.table.set_index("parcel_id")
    # ok: 150 000 / (30 × 20) = 250 DKK/t; dear_t: 150 000 / 200 = 750 DKK/t > 360
    assert t.loc["ok", "dkk_per_t_co2e"] == pytest.approx(250.0)
    assert t.loc["dear_t", "dkk_per_t_co2e"] == pytest.approx(750.0)
    assert decisions(res) == {"ok": NOT_FUNDED, "dear_t": REJECTED, "inel": REJECTED,
                              "who": REJECTED, "comp": REJECTED}
    assert "360 kr./t" in t.loc["dear_t", "reason_da"]
    assert "opfylder ikke" in t.loc["inel", "reason_da"]
    assert "forening" in t.loc["who", "reason_da"]
    assert "110.000 kr./ha" in t.loc["comp", "reason_da"]


def test_price_exactly_360_is_allowed() -> None:
    df = bids([("a", 50_000, 144_000, 9), ("b", 60_000, 10_000, 9)],
              co2e_reduction_t_per_year=[20.0, 20.0])
    res = run_auction(df, RULES, horizon_years=20)
    t = res.table.set_index("parcel_id")
    assert t.loc["a", "dkk_per_t_co2e"] == pytest.approx(360.0)
    assert t.loc["a", "decision"] != REJECTED


def test_rows_without_bid_are_left_out() -> None:
    df = bids([("a", 50_000, 100_000, 9), ("b", np.nan, np.nan, np.nan)])
    res = run_auction(df, RULES)
    assert res.summary["rows_without_bid"] == 1 and res.summary["bids"] == 1


@pytest.mark.parametrize("change,message", [
    (lambda d: d.drop(columns="synergy_points"), "synergy_points"),
    (lambda d: d.assign(synergy_points=[24, 9]), "0–23"),
    (lambda d: d.assign(parcel_id=["a", "a"]), "more than once"),
    (lambda d: d.assign(total_bid_dkk=["mange", 1]), "must hold a number"),
    (lambda d: d.rename(columns={"parcel_id": "id"}), "--id-field"),
])
def test_bad_bid_tables(change, message: str) -> None:
    df = bids([("a", 50_000, 100_000, 9), ("b", 60_000, 100_000, 9)])
    with pytest.raises(InputError, match=message):
        run_auction(change(df), RULES, source="bids.csv")


def test_secondary_bids_rank_after_eligible_ones() -> None:
    df = bids([("big", 40_000, 150_000, 9), ("ok", 60_000, 150_000, 9),
               ("ok2", 70_000, 150_000, 9)], status=["secondary", "eligible", "eligible"])
    res = run_auction(df, RULES)
    assert list(res.table["parcel_id"]) == ["ok", "ok2", "big"]
    assert decisions(res) == {"ok": FUNDED, "ok2": FUNDED, "big": NOT_FUNDED}
