"""The land-consolidation outputs for the landowner meeting: a before/after ownership map
(PNG) and a report (HTML or PDF) with the plan's summary, the balance sheet per owner and
the swap list."""

from __future__ import annotations

import base64
import io
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
from jinja2 import Environment, FileSystemLoader, select_autoescape
from matplotlib import colormaps
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from naturkapital.consolidation.compute import ConsolidationResult
from naturkapital.consolidation.model import BANK, PROJECT
from naturkapital.io.output import check_out, write_atomic
from naturkapital.lowland.screening import num_da
from naturkapital.report.html import write_html_or_pdf

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
PROJECT_COLOUR = "#2e7d32"
BANK_COLOUR = "#bdbdbd"
#: tab20 shades for owners: all but the greens (the project) and greys (the land bank).
OWNER_SHADES = (0, 1, 2, 3, 6, 7, 8, 9, 10, 11, 12, 13, 16, 17, 18, 19)


def _colours(owners: list[str]) -> dict[str, str]:
    """A colour per owner (tab20 without greens and greys, repeated for more owners),
    the project green and the land bank grey."""
    cmap = colormaps["tab20"]
    palette = [to_hex(cmap(k)) for k in OWNER_SHADES]
    out = {o: palette[k % len(palette)] for k, o in enumerate(sorted(owners))}
    out[PROJECT] = PROJECT_COLOUR
    out[BANK] = BANK_COLOUR
    return out


def ownership_figure(res: ConsolidationResult) -> Figure:
    """Two maps side by side: ownership before, and after the plan (project green, land
    bank grey); each owner keeps one colour, farms as black points."""
    p: gpd.GeoDataFrame = res.parcels
    owners = [o for o in p["owner"].unique() if o != BANK]
    col = _colours(owners)
    fig = Figure(figsize=(11, 5.6))
    axes = fig.subplots(1, 2)
    titles = ("Før (before)", "Efter planen (after the plan)")
    for ax, field, title in zip(axes, ("owner", "to"), titles, strict=True):
        colours = [col.get(v, "#ffffff") for v in p[field]]
        p.plot(ax=ax, color=colours, edgecolor="white", linewidth=0.3)
        proj = p[p["in_project"]]
        if len(proj):
            proj.dissolve().boundary.plot(ax=ax, color="black", linewidth=1.2)
        if res.farms:
            xy = np.array(list(res.farms.values()), dtype=float)
            ax.scatter(xy[:, 0], xy[:, 1], s=8, c="black", marker="^", zorder=5)
        ax.set_title(title, fontsize=11)
        ax.set_axis_off()
        ax.set_aspect("equal")
    handles = [Patch(facecolor=PROJECT_COLOUR, label="Projekt (project)"),
               Patch(facecolor=BANK_COLOUR, label="Jordbank (land bank)"),
               Patch(facecolor="white", edgecolor="black", label="Projektområde (project area)")]
    if len(owners) <= 20:
        handles += [Patch(facecolor=col[o], label=str(o)) for o in sorted(owners)]
    fig.legend(handles=handles, loc="lower center", ncol=min(6, len(handles)), fontsize=7,
               frameon=False)
    label = res.summary.get("label")
    s = res.summary
    head = (f"Mageskifteplan (swap plan): {s['parcels']} parceller, {s['owners']} ejere · "
            f"projekt {num_da(s['project_ha'], 1)} ha i {s['project_pieces']} stykke(r) "
            f"(pieces)")
    fig.suptitle(head, fontsize=11)
    if label:
        fig.text(0.5, 0.905, label, ha="center", fontsize=8, color="#8a5a00")
    fig.subplots_adjust(left=0.01, right=0.99, top=0.86, bottom=0.14, wspace=0.03)
    return fig


def write_ownership_map(res: ConsolidationResult, out: str | Path) -> Path:
    """The before/after ownership map as PNG, atomically."""
    path = check_out(out, (".png",))
    fig = ownership_figure(res)
    return write_atomic(path, lambda tmp: fig.savefig(tmp, format="png", dpi=130))


def _png(fig: Figure) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def render_consolidation_html(res: ConsolidationResult) -> str:
    """The report for the landowner meeting as HTML."""
    env = Environment(loader=FileSystemLoader(TEMPLATE_DIR),
                      autoescape=select_autoescape(["html", "j2"]))
    tpl = env.get_template("consolidation_report.html.j2")
    balance = res.balance.to_dict("records")
    return tpl.render(summary=res.summary, meta=res.meta, balance=balance,
                      swaps=res.swaps.to_dict("records"), map_png=_png(ownership_figure(res)),
                      n=num_da, generated=date.today().isoformat(),
                      assumptions=res.meta.get("assumptions", []))


def write_consolidation_report(res: ConsolidationResult, out: str | Path) -> Path:
    """Write the report as ``.html`` or ``.pdf`` (WeasyPrint), atomically."""
    check_out(out, (".html", ".pdf"))
    return write_html_or_pdf(render_consolidation_html(res), out, TEMPLATE_DIR)
