"""Published vs computed NKI 2020: the scatter plot ``naturkapital validate --plot``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from naturkapital.io.output import check_out, write_atomic
from naturkapital.nki.compute import ValidationResult
from naturkapital.report.diagram import save_figure


def draw_validation(
    v: ValidationResult,
    out: str | Path,
    method: str,
    cv: pd.DataFrame | None = None,
    natur_all: pd.Series | None = None,
) -> Path:
    """Two panels: NKI (published → computed, in-sample dots, leave-one-out rings) and
    NKI natur (published figures, and the computed spread over all municipalities)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path = check_out(out, (".png", ".svg"))
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(12, 5.6), gridspec_kw={"width_ratios": [1.35, 1]})
    t = v.table
    ax.plot([0, 100], [0, 100], color="#999999", lw=1, zorder=0)
    ax.scatter(
        t["nki_2020"],
        t["nki"],
        color="#2f6b3a",
        s=28,
        label=f"i stikprøven (in-sample): ρ {v.spearman_rho:.3f}, MAE {v.mean_abs_error:.2f}",
    )
    if cv is not None:
        loo = cv[(cv["target"] == "nki") & (cv["zone_id"] != "0")]
        m = t.merge(loo, on="zone_id")
        from scipy.stats import spearmanr

        rho = spearmanr(m["loo"], m["nki_2020"]).statistic
        mae = (m["loo"] - m["nki_2020"]).abs().mean()
        ax.scatter(
            m["nki_2020"],
            m["loo"],
            facecolors="none",
            edgecolors="#c0392b",
            s=60,
            label=f"krydsvalideret (leave-one-out): ρ {rho:.3f}, MAE {mae:.2f}",
        )
    for r in t.itertuples():
        ax.annotate(
            str(r.name), (r.nki_2020, r.nki), fontsize=7, xytext=(3, 3), textcoords="offset points"
        )
    ax.scatter(
        [v.national_published],
        [v.national_open],
        marker="*",
        s=160,
        color="#e8a33d",
        label=f"Danmark: {v.national_open:.1f} (publ. {v.national_published:.0f})",
    )
    ax.set_xlim(0, 100), ax.set_ylim(0, 100)
    ax.set_xlabel("Publiceret NKI 2020 (published)")
    ax.set_ylabel("Åbne data NKI (open data, computed)")
    ax.set_title(f"NKI, {len(t)} kommuner (municipalities)")
    ax.legend(loc="upper left", fontsize=8)
    ax.grid(alpha=0.3)

    if natur_all is not None and len(natur_all.dropna()):
        bx.hist(
            natur_all.dropna(),
            bins=range(40, 101, 2),
            color="#7fbf9f",
            label="beregnet, alle kommuner (computed, all municipalities)",
        )
    colours = ("#c0392b", "#2c3e91", "#8e44ad")
    for k, r in enumerate(v.natur.itertuples()):
        c = colours[k % len(colours)]
        bx.axvline(r.nki_natur_2020, color=c, ls="--", lw=1)
        bx.axvline(
            r.nki_nature,
            color=c,
            lw=1.5,
            label=f"{r.name}: publ. {r.nki_natur_2020:.0f} → {r.nki_nature:.1f}",
        )
    bx.set_xlabel("NKI natur (kun natur / nature areas only)")
    bx.set_ylabel("Antal kommuner (municipalities)")
    bx.set_title("NKI natur: publiceret (--) og beregnet (—)")
    bx.legend(loc="upper left", fontsize=8)
    fig.suptitle(f"Publiceret vs. beregnet NKI 2020 — {method}", fontsize=10)
    fig.tight_layout()
    written = write_atomic(path, lambda tmp: save_figure(fig, tmp))
    plt.close(fig)
    return written
