"""Auction of a funding round: gates, ranking by DKK/ha, the 5 % rule, the marginal bid.

1. Gates (a bid failing any is ``rejected``, with the reason): screening status
   ``ineligible`` (when the bids carry a status), an applicant type Klimaskovfonden does
   not accept, fewer than ``min_synergy_points`` synergy points, the budget limits per
   ha (:func:`naturkapital.lowland.budget.budget_arrays`), and — when the CO2 reduction is
   known — a price above ``max_dkk_per_t_co2e`` over the horizon.
2. The remaining bids are ranked by the income-compensation bid (DKK/ha), lowest
   first; ties by more synergy points, then lower total, then input order. Bids whose
   screening status is ``secondary`` (peat area above the maximum: "only as a
   secondary option") are ranked after all other bids — this project's reading of
   the rule.
3. The 5 % rule: funding stops before the total funded would exceed
   (100 − ``auction_reject_share_pct``) % of the total applied sum of the ranked bids
   (and, if given, the round's budget). The first bid that does not fit and all after
   it are ``not_funded``; there is no skipping to cheaper-in-total bids further down,
   because the ranking is by price per ha.
4. The marginal bid is the last funded bid: its DKK/ha is the highest price accepted.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from naturkapital.core.errors import InputError
from naturkapital.core.numbers import check_number
from naturkapital.io.local import check_local
from naturkapital.lowland.budget import budget_arrays
from naturkapital.lowland.co2 import price_per_tonne
from naturkapital.lowland.parcels import APPLICANT_TYPES, canonical_applicant, id_text
from naturkapital.lowland.rules import ParamTable
from naturkapital.lowland.screening import (
    INELIGIBLE,
    SECONDARY,
    num_da,
    price_over_cap_da,
    price_within_cap,
)

#: The longest CO2 horizon accepted (years).
MAX_HORIZON_YEARS = 200.0
REQUIRED = ("area_ha", "bid_dkk_per_ha", "total_bid_dkk", "synergy_points")
FUNDED, NOT_FUNDED, REJECTED = "funded", "not_funded", "rejected"
DECISION_DA = {FUNDED: "får tilsagn", NOT_FUNDED: "får afslag (konkurrence)",
               REJECTED: "afvist"}


@dataclass
class AuctionResult:
    """``table``: one row per bid in decision order; ``summary``: round totals."""

    table: pd.DataFrame
    summary: dict


def read_bids(path: str | Path) -> pd.DataFrame:
    """Read bids from CSV (e.g. the ``lowland screen`` output) or any vector file."""
    p = Path(path)
    if not p.exists():
        raise InputError(p, "file not found / filen findes ikke")
    if p.suffix.lower() in (".csv", ".txt"):
        p = check_local(p, "bids file")
        if p.is_dir() or p.stat().st_size == 0:
            raise InputError(p, "the bids file is empty (0 bytes); give a CSV with a header "
                                "row and one row per bid")
        try:
            return pd.read_csv(p, encoding="utf-8-sig", sep=None, engine="python")
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError,
                csv.Error) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else "empty"
            raise InputError(p, f"cannot read the bids CSV ({first})") from None
    from naturkapital.io.vectors import read_vector

    return pd.DataFrame(read_vector(p).drop(columns="geometry"))


def run_auction(bids: pd.DataFrame, rules: ParamTable, id_col: str = "parcel_id",
                budget_dkk: float | None = None, horizon_years: float | None = None,
                source: str = "bids") -> AuctionResult:
    """Decide a round. Columns: ``id_col``, area_ha (ha), bid_dkk_per_ha (income
    compensation, DKK/ha), total_bid_dkk (DKK), synergy_points; optional status,
    applicant_type, co2e_reduction_t_per_year and horizon_years. Rows with neither
    bid nor total (e.g. screened parcels that do not bid) are left out and counted."""
    budget_dkk = check_number(budget_dkk, "--budget", above=0)  # bounds as lowland.spec
    horizon_years = check_number(horizon_years, "--horizon-years", above=0,
                                 at_most=MAX_HORIZON_YEARS)
    b, without_bid = _validate(bids, rules, id_col, source)
    horizon = (float(horizon_years) if horizon_years is not None
               else rules["default_horizon_years"])
    min_syn, cap_t = rules["min_synergy_points"], rules["max_dkk_per_t_co2e"]
    reasons_da: list[list[str]] = []
    reasons_en: list[list[str]] = []
    # Budgets and prices of every bid at once (the screening's own formulas).
    bud = budget_arrays(b["area_ha"].to_numpy(dtype=float), rules,
                        b["bid_dkk_per_ha"].to_numpy(dtype=float),
                        b["total_bid_dkk"].to_numpy(dtype=float))
    hz = (pd.to_numeric(b["horizon_years"], errors="coerce").to_numpy(dtype=float)
          if "horizon_years" in b.columns and horizon_years is None
          else np.full(len(b), np.nan))
    hz = np.where(np.isfinite(hz), hz, horizon)
    red = (pd.to_numeric(b["co2e_reduction_t_per_year"], errors="coerce").to_numpy(dtype=float)
           if "co2e_reduction_t_per_year" in b.columns else np.full(len(b), np.nan))
    prices = price_per_tonne(b["total_bid_dkk"].to_numpy(dtype=float), red, hz)
    over_cap = np.isfinite(prices) & ~price_within_cap(prices, rules)
    for i, r in enumerate(b.itertuples(index=False)):
        da, en = [], []
        if "status" in b.columns and str(r.status) == INELIGIBLE:
            da.append("Parcellen opfylder ikke Klimaskovfondens kriterier (se screeningen).")
            en.append("parcel is ineligible in the screening")
        if "applicant_type" in b.columns and r.applicant_type and \
                r.applicant_type not in APPLICANT_TYPES:
            da.append(f"Ansøgertypen '{r.applicant_type}' kan ikke søge (privat, virksomhed, "
                      "kirke/menighedsråd, region, kommune).")
            en.append(f"applicant type '{r.applicant_type}' not accepted")
        if r.synergy_points < min_syn:
            da.append(f"Buddet har {num_da(r.synergy_points, 0)} synergipoint; mindst "
                      f"{num_da(min_syn, 0)} af {num_da(rules['max_synergy_points'], 0)} kræves.")
            en.append(f"{r.synergy_points:g} synergy points, at least {min_syn:g} required")
        if not bud.within_rules[i]:
            row = bud.row(i, rules)
            da += row.problems_da
            en += row.problems_en
        if np.isfinite(red[i]):
            price, h = float(prices[i]), float(hz[i])
            if not np.isfinite(price):
                da.append("Projektet giver ingen CO2-reduktion.")
                en.append("no CO2 reduction")
            elif over_cap[i]:
                da.append(price_over_cap_da(price, h, cap_t))
                en.append(f"{price:.0f} DKK/t CO2e exceeds {cap_t:g}")
        reasons_da.append(da)
        reasons_en.append(en)
    b["dkk_per_t_co2e"] = np.where(np.isfinite(red), prices, np.nan)
    b["reason_da"] = [" ".join(x) for x in reasons_da]
    b["reason_en"] = ["; ".join(x) for x in reasons_en]
    valid = b["reason_da"] == ""
    b["_secondary"] = (b["status"].astype(str) == SECONDARY) if "status" in b.columns else False
    ranked = b[valid].sort_values(["_secondary", "bid_dkk_per_ha", "synergy_points",
                                   "total_bid_dkk", "_order"],
                                  ascending=[True, True, False, True, True])
    applied = float(ranked["total_bid_dkk"].sum())
    share = rules["auction_reject_share_pct"]
    cap = applied * (1.0 - share / 100.0)
    budget_binds = budget_dkk is not None and budget_dkk < cap
    if budget_binds:
        cap = float(budget_dkk)
    cum = 0.0
    stopped = False
    decisions, cums, ranks = {}, {}, {}
    for rank, (idx, r) in enumerate(ranked.iterrows(), start=1):
        ranks[idx] = rank
        if not stopped and cum + r["total_bid_dkk"] <= cap + 0.5:
            cum += r["total_bid_dkk"]
            decisions[idx] = FUNDED
        else:
            stopped = True
            decisions[idx] = NOT_FUNDED
            if budget_binds:
                b.at[idx, "reason_da"] = (f"Rundens budget på {num_da(cap, 0)} kr. er brugt "
                                          "af billigere bud (kr./ha).")
                b.at[idx, "reason_en"] = "round budget used by cheaper bids (DKK/ha)"
            else:
                b.at[idx, "reason_da"] = (f"{num_da(share, 0)} %-reglen: mindst "
                                          f"{num_da(share, 0)} % af det samlede ansøgte beløb "
                                          f"({num_da(applied, 0)} kr.) får afslag, og dette "
                                          "bud er blandt de dyreste pr. ha.")
                b.at[idx, "reason_en"] = (f"{share:g} % rule: at least {share:g} % of the "
                                          "applied sum is turned down; among the dearest per ha")
        cums[idx] = cum
    b["rank"] = pd.Series(ranks, dtype="Int64")
    b["decision"] = pd.Series(decisions).reindex(b.index).fillna(REJECTED)
    b["decision_da"] = b["decision"].map(DECISION_DA)
    b["cumulative_funded_dkk"] = pd.Series(cums).reindex(b.index)
    funded = b[b["decision"] == FUNDED]
    marginal_idx = ranked.index[[decisions[i] == FUNDED for i in ranked.index]]
    marginal = marginal_idx[-1] if len(marginal_idx) else None
    b["marginal"] = b.index == marginal
    first_out = next((i for i in ranked.index if decisions[i] == NOT_FUNDED), None)
    order = pd.concat([b.loc[ranked.index], b[~valid]])
    cols = [id_col, "rank", "decision", "decision_da", "reason_da", "reason_en",
            "bid_dkk_per_ha", "total_bid_dkk", "area_ha", "synergy_points",
            "cumulative_funded_dkk", "dkk_per_t_co2e", "marginal"]
    cols += [c for c in ("applicant_type", "status", "co2e_reduction_t_per_year")
             if c in b.columns]
    table = order[cols].reset_index(drop=True)
    summary = {
        "rules": rules.version,
        "bids": int(len(b)),
        "rows_without_bid": without_bid,
        "rejected_by_gates": int((~valid).sum()),
        "ranked": int(len(ranked)),
        "applied_sum_dkk": applied,
        "reject_share_pct": share,
        "funding_cap_dkk": cap,
        "cap_from": "budget" if budget_binds else f"{share:g} % rule",
        "funded": int(len(funded)),
        "funded_sum_dkk": float(funded["total_bid_dkk"].sum()),
        "not_funded_sum_dkk": applied - float(funded["total_bid_dkk"].sum()),
        "marginal_id": None if marginal is None else str(b.at[marginal, id_col]),
        "marginal_bid_dkk_per_ha": (None if marginal is None
                                    else float(b.at[marginal, "bid_dkk_per_ha"])),
        "first_not_funded_id": None if first_out is None else str(b.at[first_out, id_col]),
        "first_not_funded_bid_dkk_per_ha": (None if first_out is None else
                                            float(b.at[first_out, "bid_dkk_per_ha"])),
        "horizon_years": horizon,
        "assumptions": (rules.assumptions(["default_horizon_years"])
                        if horizon_years is None and "co2e_reduction_t_per_year" in b.columns
                        and "horizon_years" not in b.columns else []),
    }
    return AuctionResult(table=table, summary=summary)


def _validate(bids: pd.DataFrame, rules: ParamTable, id_col: str,
              source: str) -> tuple[pd.DataFrame, int]:
    if id_col not in bids.columns:
        raise InputError(source, f"id column '{id_col}' not found (columns: "
                                 f"{', '.join(map(str, bids.columns))}); use --id-field")
    missing = [c for c in REQUIRED if c not in bids.columns]
    if missing:
        raise InputError(source, f"bids need column(s) {', '.join(missing)} (screen with "
                                 "--bid-field, --total-bid-field and --synergy-field, or add "
                                 "them)")
    if bids.empty:
        raise InputError(source, "no bids in the file")
    b = bids.copy()
    no_bid = (_blank(b["bid_dkk_per_ha"]) & _blank(b["total_bid_dkk"]))
    b = b[~no_bid].copy()
    if b.empty:
        raise InputError(source, "no row has a bid (bid_dkk_per_ha, total_bid_dkk are empty)")
    b[id_col] = b[id_col].map(id_text)
    if b[id_col].duplicated().any():
        raise InputError(source, f"bid id {b[id_col][b[id_col].duplicated()].iloc[0]} "
                                 "appears more than once")
    for c in REQUIRED + ("co2e_reduction_t_per_year", "horizon_years"):
        if c not in b.columns:
            continue
        nums = pd.to_numeric(b[c], errors="coerce")
        bad = nums.isna() & (c in REQUIRED)
        if bad.any():
            raise InputError(source, f"column {c} must hold a number for every bid; bid "
                                     f"{b.loc[bad, id_col].iloc[0]} has '{b.loc[bad, c].iloc[0]}'")
        b[c] = nums.astype(float)
        inf = np.isinf(b[c])
        if inf.any():
            raise InputError(source, f"column {c} must hold finite numbers; bid "
                                     f"{b.loc[inf, id_col].iloc[0]} has "
                                     f"'{bids.loc[inf[inf].index[0], c]}'")
    for c in ("bid_dkk_per_ha", "total_bid_dkk"):
        neg = b[c] < 0
        if neg.any():
            raise InputError(source, f"column {c} must not be negative; bid "
                                     f"{b.loc[neg, id_col].iloc[0]} has "
                                     f"{b.loc[neg, c].iloc[0]:g}")
    if (b["area_ha"] <= 0).any():
        raise InputError(source, f"area_ha must be above 0; bid "
                                 f"{b.loc[b['area_ha'] <= 0, id_col].iloc[0]}")
    max_syn = rules["max_synergy_points"]
    bad = (b["synergy_points"] < 0) | (b["synergy_points"] > max_syn)
    if bad.any():
        raise InputError(source, f"synergy_points must be 0–{max_syn:g}; bid "
                                 f"{b.loc[bad, id_col].iloc[0]} has "
                                 f"{b.loc[bad, 'synergy_points'].iloc[0]:g}")
    if "applicant_type" in b.columns:
        b["applicant_type"] = b["applicant_type"].map(canonical_applicant)
    b["_order"] = np.arange(len(b))
    return b, int(no_bid.sum())


def _blank(col: pd.Series) -> pd.Series:
    """True where a cell is empty (NaN or blank text)."""
    return col.isna() | (col.astype(str).str.strip().isin(["", "nan", "None"]))
