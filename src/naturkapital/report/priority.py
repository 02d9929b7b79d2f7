"""Where to act: maps of the ecological network and of the fireman's-rule classes."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from naturkapital.io.output import write_atomic
from naturkapital.priority.network import Network

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
CLASS_COLOURS = {1: "#1b7837", 2: "#f4a582", 3: "#92c5de"}
CLASS_LABELS = {1: "1 Beskyt / protect", 2: "2 Buffer, forbind / buffer, connect",
                3: "3 Ny natur / new nature"}


def _save(fig: Figure, out: Path) -> Path:
    return write_atomic(Path(out), lambda tmp: fig.savefig(tmp, format="png"))


def network_figure(net: Network, distance: float | None = None) -> Figure:
    """Patches coloured by dPC at ``distance`` (the largest by default), links within it
    and the corridors, over the area's outline."""
    d = distance or net.meta["distances_m"][-1]
    tag = f"{d:g}"
    fig = Figure(figsize=(9, 8.5), dpi=110)
    ax = fig.add_subplot(1, 1, 1)
    g = net.grid
    ny, nx = g.inside.shape
    t = g.transform
    extent = (t.c, t.c + nx * t.a, t.f + ny * t.e, t.f)
    ax.imshow(np.where(g.inside, 1.0, np.nan), extent=extent,
              cmap=ListedColormap(["#f2efe6"]), interpolation="nearest")
    p = net.patches
    vmax = max(float(p[f"dpc_{tag}"].quantile(0.98)), 1e-9)
    p.plot(ax=ax, column=f"dpc_{tag}", cmap="YlGn", vmin=-0.5 * vmax, vmax=vmax, linewidth=0)
    if len(net.corridors):
        net.corridors.plot(ax=ax, color="#d6604d", alpha=0.8, linewidth=0)
    within = net.links[net.links["cost_m"] <= d]
    if len(within):
        within.plot(ax=ax, color="#b2182b", linewidth=0.8)
    ix = net.indices.set_index("distance_m").loc[d]
    name = net.meta.get("kommune_name", "")
    ax.set_title(f"Økologisk netværk / ecological network — {name}\n"
                 f"{int(ix['patches'])} naturområder (patches), ECA {ix['eca_ha']:,.0f} ha "
                 f"af (of) {ix['habitat_ha']:,.0f} ha, PC {ix['pc']:.2e}, spredning "
                 f"(dispersal) {d:g} m", fontsize=10)
    ax.legend(handles=[Patch(color="#31a354", label="Naturområde, farve = dPC / patch, "
                                                    "colour = dPC"),
                       Patch(color="#d6604d", label=f"Korridor ≤ {d:g} m / corridor")],
              loc="lower left", fontsize=8)
    ax.set_axis_off()
    ax.set_aspect("equal")
    fig.tight_layout()
    return fig


def network_map(net: Network, out: Path) -> Path:
    """The network map as a PNG."""
    return _save(network_figure(net), out)


def rank_figure(units: gpd.GeoDataFrame, title: str, outline=None) -> Figure:
    """Planning units coloured by fireman's-rule class (1 protect, 2 buffer/connect,
    3 new nature); hatched where class 1 is unprotected."""
    fig = Figure(figsize=(9, 8.5), dpi=110)
    ax = fig.add_subplot(1, 1, 1)
    if outline is not None:
        gpd.GeoSeries([outline], crs=units.crs).boundary.plot(ax=ax, color="#555555",
                                                              linewidth=0.8)
    handles = []
    for c, col in CLASS_COLOURS.items():
        sub = units[units["fireman_class"] == c]
        if len(sub):
            sub.plot(ax=ax, color=col, linewidth=0)
            handles.append(Patch(color=col, label=f"{CLASS_LABELS[c]} ({len(sub)})"))
    top = units[units["rank"].notna() & (units["rank"] <= max(10, len(units) // 50))]
    if len(top):
        top.boundary.plot(ax=ax, color="#000000", linewidth=0.9)
        handles.append(Patch(facecolor="none", edgecolor="black",
                             label="Højeste prioritet / top-ranked candidates"))
    ax.legend(handles=handles, loc="lower left", fontsize=8)
    ax.set_title(title, fontsize=10)
    ax.set_axis_off()
    ax.set_aspect("equal")
    fig.tight_layout()
    return fig


def rank_map(units: gpd.GeoDataFrame, title: str, out: Path, outline=None) -> Path:
    """The priority map as a PNG."""
    return _save(rank_figure(units, title, outline), out)


CONVERSION_COLOURS = {"forest": "#7b3294", "untouched_forest": "#c51b7d",
                      "wet_nature": "#0571b0", "dry_nature": "#b35806"}


def scale_bar(ax) -> None:
    """A black scale bar (a round 1/2/5 × 10^k km length about a fifth of the width)
    in the lower right corner of a metric map."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    want = (x1 - x0) / 5.0
    k = 10 ** np.floor(np.log10(want))
    length = max(m * k for m in (1, 2, 5) if m * k <= want)
    xr, yb = x1 - 0.04 * (x1 - x0), y0 + 0.05 * (y1 - y0)
    ax.plot([xr - length, xr], [yb, yb], color="black", linewidth=3, solid_capstyle="butt")
    ax.text(xr - length / 2, yb + 0.012 * (y1 - y0), f"{length / 1000:g} km", ha="center",
            va="bottom", fontsize=8)


def plan_figure(res) -> Figure:
    """The priority map of a plan (:class:`~naturkapital.priority.plan.PlanResult`):
    planning units by fireman's-rule class, nature patches, corridors and the units of
    the plan outlined in the colour of their conversion, with a scale bar."""
    u = res.ranking.units
    x0, y0, x1, y1 = u.total_bounds
    aspect = (y1 - y0) / max(x1 - x0, 1.0)
    fig = Figure(figsize=(9, min(11.0, 9 * aspect + 1.8)), dpi=110)
    ax = fig.add_subplot(1, 1, 1)
    m = res.meta
    handles = []
    for c, col in CLASS_COLOURS.items():
        sub = u[u["fireman_class"] == c]
        if len(sub):
            sub.plot(ax=ax, color=col, alpha=0.45 if c != 1 else 0.25, linewidth=0)
            handles.append(Patch(color=col, alpha=0.5,
                                 label=f"Klasse (class) {CLASS_LABELS[c]}: {len(sub)} enheder "
                                       f"(units)"))
    res.network.patches.plot(ax=ax, color="#1b7837", linewidth=0)
    handles.append(Patch(color="#1b7837", label="Naturområde (nature patch)"))
    if len(res.network.corridors):
        res.network.corridors.plot(ax=ax, color="#d6604d", edgecolor="#d6604d",
                                   linewidth=0.8)
        handles.append(Patch(color="#d6604d", label=f"Korridor (corridor) ≤ "
                                                    f"{m['distance_m']:g} m"))
    plan = res.allocation.plan
    units = u.set_index("unit_id")
    labels = dict(zip(res.summary["conversion"], res.summary["label"], strict=True))
    for k, g in plan.groupby("conversion"):
        col = CONVERSION_COLOURS.get(str(k), "#000000")
        shapes_ = units.loc[g["unit_id"].unique()].geometry
        gpd.GeoSeries(shapes_, crs=u.crs).boundary.plot(ax=ax, color=col, linewidth=2.0)
        g.plot(ax=ax, color=col, alpha=0.8, linewidth=0)
        handles.append(Patch(facecolor=col, edgecolor=col,
                             label=f"Plan: {labels.get(k, k)} {g['area_ha'].sum():,.0f} ha"))
    gpd.GeoSeries([res.ranking.units.union_all()], crs=u.crs).boundary.plot(
        ax=ax, color="#555555", linewidth=0.6)
    ax.set_aspect("equal")
    ax.set_axis_off()
    scale_bar(ax)
    fig.legend(handles=handles, loc="lower center", ncol=2, fontsize=7.5, frameon=False)
    ax.set_title(f"Prioritetskort og plan / priority map and plan — {m['kommune_name']} "
                 f"({m['kommune']})\nenheder (units) {m['unit_size_m']:g} m, buffer "
                 f"{m['buffer_m']:g} m, spredning (dispersal) {m['distance_m']:g} m, "
                 f"ECA {m['eca_ha']:,.0f} ha", fontsize=10)
    fig.tight_layout(rect=(0, 0.11, 1, 1))
    return fig


def write_plan_map(res, out: Path) -> Path:
    """The priority map of a plan as a PNG."""
    return _save(plan_figure(res), out)


def _png(fig: Figure) -> str:
    import base64
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def render_plan_html(res) -> str:
    """The plan report as HTML (template ``priority_plan.html.j2``)."""
    from datetime import date

    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from naturkapital.lowland.screening import num_da

    env = Environment(loader=FileSystemLoader(TEMPLATE_DIR),
                      autoescape=select_autoescape(["html", "j2"]))
    tpl = env.get_template("priority_plan.html.j2")
    ix = res.network.indices.iloc[-1]
    return tpl.render(meta=res.meta, summary=res.summary.to_dict("records"),
                      map_png=_png(plan_figure(res)),
                      network_png=_png(network_figure(res.network)),
                      indices=ix, n=num_da, generated=date.today().isoformat(),
                      assumptions=res.meta.get("assumptions", []),
                      top=res.ranking.units.sort_values("rank").head(10).to_dict("records"))


def write_plan_report(res, out: str | Path) -> Path:
    """The plan report as ``.html`` or ``.pdf`` (WeasyPrint), atomically."""
    from naturkapital.report.html import write_html_or_pdf

    return write_html_or_pdf(render_plan_html(res), out, TEMPLATE_DIR)
