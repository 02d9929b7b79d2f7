"""Urban nature: the city map (dwellings coloured by walking distance, green areas,
suggested sites), the Lorenz curves and a council-readable HTML/PDF report."""

from __future__ import annotations

import base64
import html as _html
import io
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.figure import Figure

from naturkapital.io.output import write_atomic
from naturkapital.report.html import write_html_or_pdf
from naturkapital.urban.city import CITY_ID, CityResult
from naturkapital.urban.national import UrbanNational

BANDS = [0, 100, 200, 300, 500, 800, 1e9]
COLOURS = ["#1a9850", "#66bd63", "#a6d96a", "#fdae61", "#f46d43", "#a50026"]


def map_figure(res: CityResult) -> Figure:
    """Dwellings coloured by walking distance (green ≤ rule, red beyond), public green
    areas counted, district outlines and the sites chosen by HiGHS."""
    fig = Figure(figsize=(9, 8.5), dpi=110)
    ax = fig.add_subplot(1, 1, 1)
    res.district_geometry.boundary.plot(ax=ax, color="#555555", linewidth=0.8)
    res.green.plot(ax=ax, color="#b8e186", edgecolor="#4d9221", linewidth=0.3)
    dw = res.dwellings
    d = np.where(np.isfinite(dw["network_m"]), dw["network_m"], 5000.0)
    cmap = ListedColormap(COLOURS)
    norm = BoundaryNorm(BANDS, cmap.N)
    used = dw["used"].to_numpy()
    xy = np.column_stack([dw.geometry.x, dw.geometry.y])
    ax.scatter(xy[~used, 0], xy[~used, 1], s=1.5, c="#bbbbbb", linewidths=0,
               label="ved kanten, udeladt (near the edge, left out)")
    sc = ax.scatter(xy[used, 0], xy[used, 1], s=1.5, c=d[used], cmap=cmap, norm=norm,
                    linewidths=0)
    chosen = res.sites[res.sites["chosen_highs"]] if len(res.sites) else res.sites
    if len(chosen):
        chosen.boundary.plot(ax=ax, color="#2166ac", linewidth=2.0)
    for r in res.district_geometry.itertuples():
        if not r.geometry.is_empty and r.district_id in set(res.districts["district_id"]):
            p = r.geometry.representative_point()
            ax.annotate(r.name, (p.x, p.y), fontsize=7, ha="center", color="#333333")
    bounds = dw.total_bounds
    ax.set_xlim(bounds[0] - 200, bounds[2] + 200)
    ax.set_ylim(bounds[1] - 200, bounds[3] + 200)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    cb = fig.colorbar(sc, ax=ax, shrink=0.6, ticks=BANDS[:-1] + [1500])
    cb.ax.set_yticklabels(["0", "100", "200", "300", "500", "800 m+", ""])
    cb.set_label("Gangafstand til grønt område ≥ {:g} ha (walking distance, m)".format(
        res.meta["min_green_ha"]))
    ax.set_title(f"Afstand fra bolig til grønt område — {res.meta['city']}\n"
                 "Distance from each dwelling to a public green area (blue outline: "
                 "suggested sites)", fontsize=10)
    ax.legend(loc="lower left", fontsize=7, markerscale=6)
    fig.text(0.01, 0.01, res.meta["data"], fontsize=6, wrap=True)
    fig.tight_layout()
    return fig


def lorenz_figure(res: CityResult) -> Figure:
    """Lorenz curves of walking distance, the whole city bold."""
    fig = Figure(figsize=(5.5, 5), dpi=110)
    ax = fig.add_subplot(1, 1, 1)
    names = dict(zip(res.districts["district_id"], res.districts["name"], strict=True))
    for zid, part in res.lorenz.groupby("district_id", sort=False):
        if part["population_share"].iloc[-1] <= 0:
            continue
        bold = zid == CITY_ID
        ax.plot(part["population_share"] * 100, part["distance_share"] * 100,
                linewidth=2.5 if bold else 0.9, color="black" if bold else None,
                label=names.get(zid, zid))
    ax.plot([0, 100], [0, 100], linestyle=":", color="grey", linewidth=0.8)
    ax.set_xlabel("Andel af beboere, kortest først (% of residents, nearest first)")
    ax.set_ylabel("Andel af samlet afstand (% of total distance)")
    ax.set_title("Lorenz-kurve for afstand til grønt (Lorenz curve of distance)", fontsize=9)
    ax.legend(fontsize=6)
    fig.tight_layout()
    return fig


def _save(fig: Figure, out: Path) -> Path:
    return write_atomic(out, lambda tmp: fig.savefig(tmp, format="png"))


def _png64(fig: Figure) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def city_map(res: CityResult, out: Path) -> Path:
    """The map as a PNG."""
    return _save(map_figure(res), out)


COLUMNS = [("name", "Bydel (district)", 0), ("dwellings_used", "Boliger (dwellings)", 0),
           ("residents", "Beboere (residents)", 0), ("greening_pct", "Grønning % (greening)", 1),
           ("public_green_blue_pct", "Offentlig grøn/blå % (GBF 12.1)", 1),
           ("canopy_pct", "Trækrone % (canopy)", 1),
           ("within_rule_pct", "≤ regel % (within rule)", 1),
           ("median_network_m", "Median gang m (walk)", 0),
           ("mean_straight_m", "Middel luftlinje m (straight)", 0),
           ("gini_distance", "Gini", 2),
           ("least_served_fifth_from_m", "Dårligst stillede femtedel fra m (least-served "
                                         "fifth from)", 0),
           ("pass_3_pct", "3 %", 1), ("pass_30_pct", "30 %", 1), ("pass_300_pct", "300 %", 1),
           ("pass_all_pct", "3-30-300 %", 1), ("green_blue_components", "Grønne net "
                                                                          "(components)", 0),
           ("largest_component_pct", "Største net % (largest)", 0)]


def _fmt(v: object, digits: int) -> str:
    if v is None or (isinstance(v, float) and not np.isfinite(v)) or pd.isna(v):
        return "–"
    if isinstance(v, str):
        return _html.escape(v)
    return f"{v:,.{digits}f}"


def city_report_html(res: CityResult, map_png: bytes | None = None) -> str:
    """The report as one self-contained HTML page (figures embedded; ``map_png`` is the
    map already rendered by :func:`city_map`, drawn here when not given)."""
    m = res.meta
    map64 = base64.b64encode(map_png).decode("ascii") if map_png else _png64(map_figure(res))
    head = "".join(f"<th>{_html.escape(label)}</th>" for _, label, _ in COLUMNS)
    body = "".join("<tr>" + "".join(f"<td>{_fmt(getattr(r, col), d)}</td>"
                                    for col, _, d in COLUMNS) + "</tr>"
                   for r in res.districts.itertuples())
    s = m["siting"]
    if "highs" in s:
        h, g = s["highs"], s["greedy"]
        siting = (f"<p>Budget {s['budget_dkk']:,.0f} DKK, {s['candidates']} kandidatsteder "
                  f"(candidate sites: car parks, brownfield, construction and railway land "
                  f"that would make a green area of at least {m['min_green_ha']:g} ha). "
                  f"<b>HiGHS</b> (heltalsprogram, integer program): {h['sites']} steder, "
                  f"+{h['residents_gained']:,.0f} beboere inden for {m['rule_m']:g} m, "
                  f"{h['cost_dkk']:,.0f} DKK, gap {h['mip_gap']:.2g}. <b>Grådig</b> "
                  f"(greedy baseline): {g['sites']} steder, +{g['residents_gained']:,.0f} "
                  f"beboere. Andel inden for reglen (share within the rule): "
                  f"{s['within_rule_pct_before']:.1f} % → {s['within_rule_pct_after']:.1f} "
                  "%.</p>")
        top = res.sites.head(10)
        siting += "<table><tr><th>Nr.</th><th>Sted (site)</th><th>Type</th><th>ha</th>" \
                  "<th>DKK</th><th>+beboere (residents)</th><th>HiGHS</th><th>grådig</th>" \
                  "</tr>" + "".join(
                      f"<tr><td>{r.rank}</td><td>{_html.escape(str(r.name or r.site))}</td>"
                      f"<td>{_html.escape(r.tag)}</td><td>{r.area_ha:.2f}</td>"
                      f"<td>{r.cost_dkk:,.0f}</td><td>{r.residents_gained:,.0f}</td>"
                      f"<td>{'✔' if r.chosen_highs else ''}</td>"
                      f"<td>{'✔' if r.chosen_greedy else ''}</td></tr>"
                      for r in top.itertuples()) + "</table>"
    else:
        siting = f"<p>{_html.escape(s.get('message', ''))}</p>"
    tr = res.tracking
    track = "<table><tr><th>Bydel (district)</th><th>Mål (target)</th><th>Værdi (value)</th>" \
            "<th>Tærskel (threshold)</th><th>Mangler (gap)</th><th>Status</th>" \
            "<th>Kilde (source)</th></tr>" + "".join(
                f"<tr><td>{_html.escape(str(r.name))}</td><td>{_html.escape(r.target)}</td>"
                f"<td>{_fmt(r.value, 1)}</td><td>{_fmt(r.threshold, 1)}</td>"
                f"<td>{_fmt(r.gap, 1)}</td><td>{_html.escape(r.status)}</td>"
                f"<td>{_html.escape(r.source)}</td></tr>"
                for r in tr[tr["district_id"] == CITY_ID].itertuples()) + "</table>" \
        if len(tr) else ""
    notes = "".join(f"<li>{_html.escape(p)}</li>" for p in m["proxies"])
    assumptions = "".join(f"<li>{_html.escape(a)}</li>" for a in m["assumptions"])
    return f"""<!doctype html><html lang="da"><head><meta charset="utf-8">
<title>Bynatur — {_html.escape(m['city'])}</title>
<style>body{{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}}
table{{border-collapse:collapse;font-size:12px}}td,th{{border:1px solid #ccc;padding:3px 5px;
text-align:right}}td:first-child,th:first-child{{text-align:left}}
table.districts tr:last-child td{{font-weight:bold}}
.note{{color:#555;font-size:12px}}img{{max-width:100%}}</style></head><body>
<h1>Bynatur og adgang til grønne områder<br><small>Urban nature and access to green space
(Kunming-Montreal target 12)</small></h1>
<p class="note">{_html.escape(m['city'])}. {_html.escape(m['data'])}.</p>
<p>Afstandsregel (distance rule): {m['rule_m']:g} m ad stier og veje (walking network) til
kanten af et offentligt grønt område på mindst {m['min_green_ha']:g} ha.
Boliger (dwellings): {m['dwellings']:,}; ved udsnittets kant (near the extract's edge,
{'medtaget / kept' if m['keep_edge'] else 'udeladt / left out'}):
{m['dwellings_near_edge']:,}.</p>
<h2>Pr. bydel (per district)</h2><table class="districts"><tr>{head}</tr>{body}</table>
<p class="note">Gini: ulighed i afstand vægtet med beboere (population-weighted inequality of
distance; 0 = alle lige langt). Dårligst stillede femtedel: de 20 % af beboerne med længst
vej (the 20 % of residents with the longest walk).</p>
<h2>Kort (map)</h2><img alt="map" src="data:image/png;base64,{map64}">
<h2>Lighed (equity)</h2><img alt="Lorenz" src="data:image/png;base64,{
_png64(lorenz_figure(res))}">
<h2>Hvor skal nyt grønt ligge? (where to add green)</h2>{siting}
<h2>Målopfølgning (target tracking)</h2>{track}
<p class="note">Hele byen; pr. bydel i tracking.csv (whole city; per district in
tracking.csv).</p>
<h2>Metode og forbehold (method and caveats)</h2><ul>{notes}</ul>
<p class="note">Tæller med (counted): {_html.escape(m['which_green_counts'])}.
Ikke for adgang (not for access): {_html.escape(m['not_counted_for_access'])}.
Befolkning (population): {_html.escape(m['population'])}.</p>
<h3>Antagelser (assumptions, no published source)</h3><ul class="note">{assumptions}</ul>
</body></html>"""


def city_report(res: CityResult, out: Path, map_png: bytes | None = None) -> Path:
    """The report as ``.html`` or ``.pdf``."""
    return write_html_or_pdf(city_report_html(res, map_png), out, out.parent)


def national_figure(res: UrbanNational) -> Figure:
    """Two choropleths of the zones: greening % and share of built-up land within the
    rule, each labelled coarse."""
    t = res.table[res.table["zone_id"] != "0"]
    g = res.zones.merge(t[["zone_id", "greening_pct", "within_rule_pct"]], on="zone_id")
    g = g.to_crs("EPSG:25832")
    fig = Figure(figsize=(12, 6.8), dpi=110)
    rule = res.meta["rule_m"]
    for i, (col, title, cmap) in enumerate([
            ("greening_pct", "Grønningsprocent i byområder (greening %)", "YlGn"),
            ("within_rule_pct", f"Bebyggelse ≤ {rule:g} m fra natur ≥ "
                                f"{res.meta['min_nature_ha']:g} ha (% of built-up)", "RdYlGn")]):
        ax = fig.add_subplot(1, 2, i + 1)
        g.plot(column=col, ax=ax, cmap=cmap, legend=True, edgecolor="#666666", linewidth=0.2,
               missing_kwds={"color": "#dddddd"},
               legend_kwds={"shrink": 0.6, "label": "%"})
        ax.set_title(title, fontsize=10)
        ax.set_axis_off()
        ax.set_aspect("equal")
    fig.suptitle("Bynatur pr. kommune — grov: 100 m arealanvendelse som proxy "
                 "(urban nature per municipality — coarse: 100 m land-use proxy)", fontsize=11)
    fig.text(0.01, 0.01, f"{res.meta['landcover']}; {res.meta['coarse']}", fontsize=7)
    fig.tight_layout(rect=(0, 0.03, 1, 0.95))
    return fig


def national_map(res: UrbanNational, out: Path) -> Path:
    """The national maps as a PNG or SVG."""
    fig = national_figure(res)
    fmt = out.suffix.lower().lstrip(".")
    return write_atomic(out, lambda tmp: fig.savefig(tmp, format=fmt))
