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
