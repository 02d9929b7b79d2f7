"""The NKI diagram: a mosaic (Marimekko) chart of one zone.

x = area share of each land type (%, sums to 100), y = its mean nature value (0–100),
so each bar's area is the land type's contribution and the coloured area in total is
the NKI. A second epoch can be drawn on top as outlines.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from naturkapital.landcover.landtypes import LAND_TYPES, NATURE_KEYS


@dataclass(frozen=True)
class DiagramData:
    """What one diagram shows. Shares in % (sum 100), values 0–100 (None if absent)."""

    name: str
    shares: dict[str, float]
    values: dict[str, float | None]
    nki: float
    rank: int | None = None
    n_ranked: int | None = None
    epoch: str = ""
    note: str = ""


#: The diagram's words: both languages (reports, command line) or one (the web app
#: follows its interface language).
TEXTS: dict[str, dict[str, str]] = {
    "both": {"title": "Naturkapitalindeks", "x": "Arealandel (%) / area share (%)",
             "y": "Naturværdi (0–100) / nature value", "rank": "nr. {r} af {n} (rank)",
             "nature_only": "kun natur (nature only)", "other": "anden periode",
             "outline": "outline", "nature_label": "NKI natur"},
    "da": {"title": "Naturkapitalindeks", "x": "Arealandel (%)", "y": "Naturværdi (0–100)",
           "rank": "nr. {r} af {n}", "nature_only": "kun natur", "other": "anden periode",
           "outline": "omrids", "nature_label": "NKI natur"},
    "en": {"title": "Natural Capital Index", "x": "Area share (%)", "y": "Nature value (0–100)",
           "rank": "rank {r} of {n}", "nature_only": "nature only", "other": "other period",
           "outline": "outline", "nature_label": "NKI nature"},
}


def one_language(text: str, lang: str) -> str:
    """``"English / dansk"`` → the part in ``lang`` (``both`` keeps the text)."""
    if lang == "both" or " / " not in text:
        return text
    en, _, da = text.partition(" / ")
    return da if lang == "da" else en


def _bars(d: DiagramData, nature_only: bool) -> list[tuple[str, float, float]]:
    keys = [t.key for t in LAND_TYPES if not nature_only or t.key in NATURE_KEYS]
    total = sum(d.shares.get(k, 0.0) or 0.0 for k in keys)
    bars = []
    for k in keys:
        share = d.shares.get(k, 0.0) or 0.0
        value = d.values.get(k)
        if share > 0 and total > 0 and value is not None and value == value:
            bars.append((k, 100.0 * share / total, float(value)))
    return bars


def nki_figure(d: DiagramData, second: DiagramData | None = None,
               nature_only: bool = False, lang: str = "both") -> Figure:
    """Build the diagram as a matplotlib Figure (no file written). ``lang``: ``both``
    (Danish with English), ``da`` or ``en``."""
    tx = TEXTS[lang]
    by_key = {t.key: t for t in LAND_TYPES}
    fig = Figure(figsize=(10, 6.2), dpi=150)  # no pyplot: the user's backend is untouched
    ax = fig.subplots()
    x = 0.0
    for key, width, value in _bars(d, nature_only):
        t = by_key[key]
        ax.add_patch(Rectangle((x, 0), width, value, facecolor=t.colour, edgecolor="white",
                               linewidth=1.2))
        if width >= 4:
            ax.text(x + width / 2, value + 1.5, f"{value:.0f}", ha="center", va="bottom",
                    fontsize=9, color="#333333")
        wide, tall = width >= 14, width >= 5 and value >= 55
        if wide or tall:
            inside = value >= 25
            ax.text(x + width / 2, value / 2 if inside else value + 9,
                    t.en if lang == "en" else t.da, ha="center",
                    va="center", fontsize=8.5, rotation=0 if wide else 90,
                    color="white" if inside and key not in ("mark", "andet", "by_groen")
                    else "#222222")
        x += width
    if second is not None:
        x = 0.0
        for _key, width, value in _bars(second, nature_only):
            ax.add_patch(Rectangle((x, 0), width, value, fill=False, edgecolor="#111111",
                                   linestyle=(0, (4, 2)), linewidth=1.1))
            x += width
    total = d.nki
    ax.axhline(total, color="#b2182b", linestyle="--", linewidth=1.2)
    label = tx["nature_label"] if nature_only else "NKI"
    ax.text(100, total, f" {label} {total:.0f}", color="#b2182b", va="center", ha="left",
            fontsize=11, fontweight="bold", clip_on=False)
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 105)
    ax.set_xlabel(tx["x"])
    ax.set_ylabel(tx["y"])
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    rank = (" · " + tx["rank"].format(r=d.rank, n=d.n_ranked)
            if d.rank is not None and d.n_ranked else "")
    epoch = f" · {d.epoch}" if d.epoch else ""
    ax.set_title(f"{tx['title']} — {d.name}", loc="left", fontsize=14,
                 fontweight="bold", pad=26)
    ax.text(0, 1.025, f"{label} {total:.0f}{rank}{epoch}" + (" · " + tx["nature_only"]
            if nature_only else ""), transform=ax.transAxes, fontsize=11, color="#444444")
    shown = {k for k, _, _ in _bars(d, nature_only)}
    names = {"both": lambda t: f"{t.da} ({t.en})", "da": lambda t: t.da, "en": lambda t: t.en}
    handles = [Patch(facecolor=t.colour, label=names[lang](t)) for t in LAND_TYPES
               if t.key in shown]
    if second is not None:
        handles.append(Patch(fill=False, edgecolor="#111111", linestyle="--",
                             label=f"{second.epoch or tx['other']} ({tx['outline']}): "
                                   f"{label} {second.nki:.0f}"))
    # centred on the figure (not the axes, which sit left of centre), so the widest
    # bilingual legend is not cut at the left edge; just under the x-axis label
    fig.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.2), ncol=3,
               fontsize=8, frameon=False)
    if d.note:
        fig.text(0.01, 0.005, d.note, fontsize=7, color="#666666", ha="left", va="bottom",
                 wrap=True)
    fig.subplots_adjust(left=0.08, right=0.86, top=0.86, bottom=0.27)
    return fig


def save_figure(fig: Figure, out: Path, dpi: float | None = None) -> None:
    """Write PNG or SVG by suffix (``dpi``: the figure's own unless given)."""
    fig.savefig(out, format=out.suffix.lstrip(".").lower(), dpi=dpi or "figure")
