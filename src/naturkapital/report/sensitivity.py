"""Charts of the scenario intervals: the change of each service with its interval (error
bars) and the one-at-a-time sensitivity of each indicator (tornado chart), with the CSV
behind the tornado.

The numbers come from :class:`naturkapital.scenario.evaluate.ScenarioResult`: the
``delta_low``/``delta_high`` columns of the long table and ``res.sensitivity`` (one row
per coefficient × indicator × zone: the change of the delta when the coefficient is at
its low and at its high, the others central).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from naturkapital.io.output import check_out, write_atomic, write_table
from naturkapital.io.vectors import ZONE_ID
from naturkapital.scenario.evaluate import BY_KEY, TOTAL_ID, ScenarioResult

#: Indicators whose change depends on coefficients with a range, in display order.
SERVICE_KEYS = (
    "carbon_stock_t_c",
    "ghg_organic_soils_t_co2e_per_year",
    "nitrogen_leaching_kg_n_per_year",
    "nitrogen_removal_kg_n_per_year",
    "nitrogen_load_kg_n_per_year",
    "flood_retention_m3",
    "cost_dkk",
)
TOP = 6


def _zone(res: ScenarioResult, zone: str | None) -> str:
    return str(zone) if zone is not None else TOTAL_ID


def services_figure(res: ScenarioResult, zone: str | None = None) -> Figure | None:
    """One horizontal bar per service: the change (scenario − baseline) with its interval
    as an error bar, each on its own axis (the units differ). None when no service has a
    change."""
    zid = _zone(res, zone)
    t = res.table[(res.table[ZONE_ID] == zid) & res.table["indicator"].isin(SERVICE_KEYS)]
    t = t[t["delta"].notna()]
    if t.empty or not (t[["delta", "delta_low", "delta_high"]].abs() > 0).any(axis=None):
        return None
    fig = Figure(figsize=(7.5, 0.62 * len(t) + 0.7))
    axes = fig.subplots(len(t), 1, squeeze=False)[:, 0]
    for ax, r in zip(axes, t.itertuples(), strict=True):
        ind = BY_KEY[r.indicator]
        color = "#2e7d32" if r.delta >= 0 else "#c62828"
        err = np.array([[max(r.delta - r.delta_low, 0.0)], [max(r.delta_high - r.delta, 0.0)]])
        ax.barh([0], [r.delta], color=color, height=0.6)
        ax.errorbar([r.delta], [0], xerr=err, fmt="none", ecolor="black", capsize=4, lw=1.2)
        lo, hi = min(0.0, r.delta_low, r.delta), max(0.0, r.delta_high, r.delta)
        pad = (hi - lo) * 0.08 or 1.0
        ax.set_xlim(lo - pad, hi + pad)
        ax.axvline(0, color="grey", lw=0.8)
        ax.set_yticks([0])
        ax.set_yticklabels([f"{ind.da}\n({ind.en}), {ind.unit}"], fontsize=7.5)
        ax.tick_params(axis="x", labelsize=7)
        for s in ("top", "right"):
            ax.spines[s].set_visible(False)
    fig.suptitle(
        f"Ændring med interval (change with interval) — {res.names.get(zid, zid)}",
        fontsize=9,
        x=0.02,
        ha="left",
    )
    fig.tight_layout()
    return fig


def sensitivity_table(res: ScenarioResult, zone: str | None = None) -> pd.DataFrame:
    """The swings of one zone (default the total), largest first within each indicator."""
    s = res.sensitivity
    if s.empty:
        return s
    s = s[s[ZONE_ID] == _zone(res, zone)].copy()
    s["unit"] = s["indicator"].map(lambda k: BY_KEY[k].unit)
    return s.sort_values(["indicator", "range"], ascending=[True, False]).reset_index(drop=True)


def tornado_figure(res: ScenarioResult, zone: str | None = None, top: int = TOP) -> Figure:
    """Tornado chart: per indicator, the ``top`` coefficients that move its change most
    (bar from the change at the coefficient's low to the change at its high, relative to
    the central change)."""
    s = sensitivity_table(res, zone)
    keys = [k for k in SERVICE_KEYS if not s.empty and (s["indicator"] == k).any()]
    if not keys:
        fig = Figure(figsize=(7, 1.2))
        ax = fig.subplots()
        ax.axis("off")
        ax.text(
            0.5,
            0.5,
            "Ingen koefficient flytter resultatet (no coefficient moves the result)",
            ha="center",
            va="center",
            fontsize=9,
        )
        return fig
    heights = [min(top, int((s["indicator"] == k).sum())) for k in keys]
    fig = Figure(figsize=(8.5, 0.42 * sum(heights) + 0.9 * len(keys) + 0.4))
    axes = fig.subplots(len(keys), 1, squeeze=False, height_ratios=[h + 1 for h in heights])
    for ax, k, h in zip(axes[:, 0], keys, heights, strict=True):
        d = s[s["indicator"] == k].head(h).iloc[::-1]
        y = np.arange(len(d))
        lo = d["delta_at_low"].to_numpy()
        hi = d["delta_at_high"].to_numpy()
        ax.barh(y, lo, color="#1f77b4", height=0.6, label="koefficient lav (low)")
        ax.barh(y, hi, color="#ff7f0e", height=0.6, label="koefficient høj (high)")
        ax.axvline(0, color="black", lw=0.8)
        labels = [
            f"{c}{' *' if a else ''}"
            for c, a in zip(d["coefficient"], d["assumption"], strict=True)
        ]
        ax.set_yticks(y)
        ax.set_yticklabels([lb if len(lb) <= 60 else lb[:57] + "…" for lb in labels], fontsize=7)
        ind = BY_KEY[k]
        ax.set_title(
            f"{ind.da} ({ind.en}): ændring i Δ, {ind.unit} (change of the delta)",
            fontsize=8.5,
            loc="left",
        )
        ax.tick_params(axis="x", labelsize=7)
        for sp in ("top", "right"):
            ax.spines[sp].set_visible(False)
    axes[0, 0].legend(fontsize=7, loc="lower right", frameon=False)
    fig.suptitle(
        f"Følsomhed (sensitivity, one at a time) — {res.names.get(_zone(res, zone))}"
        "  · * = antagelse (assumption)",
        fontsize=9,
        x=0.02,
        ha="left",
    )
    fig.tight_layout()
    return fig


def write_sensitivity(
    res: ScenarioResult, out: str | Path, zone: str | None = None
) -> tuple[Path, Path]:
    """Write the tornado chart (PNG) and, beside it, its numbers (same name, ``.csv``)."""
    p = check_out(out, (".png",))
    fig = tornado_figure(res, zone)
    write_atomic(p, lambda tmp: fig.savefig(tmp, format="png", dpi=120, bbox_inches="tight"))
    csv = p.with_suffix(".csv")
    write_table(sensitivity_table(res, zone), csv)
    return p, csv
