"""Scenario report (HTML and PDF): map of the conversions, the indicator table, NKI
diagrams before and after, lowland eligibility and budget of the rewetting parts,
the total cost and every assumption used.

HTML from a jinja2 template (``report/templates/scenario_report.html.j2``), PDF by
weasyprint from the same HTML. Figures are matplotlib PNGs embedded as base64, so
the HTML is one self-contained file.
"""

from __future__ import annotations

import base64
import io
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from rasterio.windows import from_bounds

from naturkapital.io.output import check_out
from naturkapital.io.rasters import open_raster
from naturkapital.io.vectors import ZONE_ID
from naturkapital.landcover.landtypes import BY_KEY
from naturkapital.lowland.screening import num_da
from naturkapital.report.diagram import nki_figure
from naturkapital.report.html import write_html_or_pdf
from naturkapital.report.nki_diagram import scenario_diagram_pair
from naturkapital.report.sensitivity import services_figure
from naturkapital.scenario.evaluate import BY_KEY as INDICATOR
from naturkapital.scenario.evaluate import TOTAL_ID, ScenarioResult

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
MAP_MARGIN_M = 1200.0


def _png(fig: Figure) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def conversion_map_png(res: ScenarioResult) -> str:
    """Map of the conversions on the land cover (base64 PNG)."""
    lc = res.landcover
    tbl = lc.scheme.table
    conv = res.conversions
    with open_raster(lc.path, lc.band, "land-cover raster") as ds:
        cr = conv.to_crs(ds.crs)
        x0, y0, x1, y1 = cr.total_bounds
        size = max(x1 - x0, y1 - y0) / 2 + MAP_MARGIN_M
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        win = from_bounds(cx - size, cy - size, cx + size, cy + size, ds.transform)
        win = win.round_offsets().round_lengths()
        data = ds.read(lc.band, window=win, boundless=True, fill_value=0)
        extent = (cx - size, cx + size, cy - size, cy + size)
        zones = res.zones.to_crs(ds.crs)
    codes = tbl["value"].astype(int).tolist()
    colours = ["#ffffff"] + [BY_KEY[lt].colour for lt in tbl["land_type"]]
    index = np.zeros(data.shape, dtype=np.int32)
    for i, code in enumerate(codes, start=1):
        index[data == code] = i
    fig = Figure(figsize=(7.5, 7.5))  # no pyplot: the user's backend is untouched
    ax = fig.subplots()
    ax.imshow(index, cmap=ListedColormap(colours), vmin=0, vmax=len(codes),
              extent=extent, interpolation="nearest", alpha=0.75)
    zones.boundary.plot(ax=ax, color="#333333", linewidth=0.8, linestyle="--")
    lt_of = dict(zip(tbl["value"].astype(int), tbl["land_type"], strict=True))
    for _, r in cr.iterrows():
        lt = lt_of.get(int(r["to_class"]), "andet")
        gs = cr.loc[[_]]
        gs.plot(ax=ax, facecolor=BY_KEY[lt].colour, edgecolor="#b2182b", linewidth=1.6,
                hatch="///", alpha=0.9)
        pt = r.geometry.representative_point()
        ax.annotate(str(r["conv_id"]), (pt.x, pt.y), xytext=(6, 6), textcoords="offset points",
                    fontsize=8, color="#111111",
                    bbox={"boxstyle": "round,pad=0.2", "fc": "white", "alpha": 0.8})
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_aspect("equal")
    ax.ticklabel_format(useOffset=False, style="plain")
    ax.tick_params(labelsize=7)
    present = [lt for lt in dict.fromkeys(lt_of[c] for c in np.unique(data).tolist()
                                          if c in lt_of)]
    handles = [Patch(facecolor=BY_KEY[lt].colour, label=f"{BY_KEY[lt].da} ({BY_KEY[lt].en})")
               for lt in present]
    handles.append(Patch(facecolor="none", edgecolor="#b2182b", hatch="///",
                         label="Omlægning (conversion)"))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.06), ncol=2,
              fontsize=7, frameon=False)
    ax.set_title(f"Omlægninger (conversions) på {res.meta['landcover']} · {ds.crs}",
                 fontsize=9, loc="left")
    return _png(fig)


def _fmt(x: float, unit: str) -> str:
    if x is None or not np.isfinite(x):
        return "–"
    digits = 2 if unit in ("0-100", "ha") else 0
    return num_da(x, digits)


def _signed(x: float, unit: str) -> str:
    s = _fmt(x, unit)
    return ("+" + s) if x is not None and np.isfinite(x) and x > 0 else s


def _ranged(x: float, lo: float, hi: float, unit: str, signed: bool = False
            ) -> dict[str, str]:
    """The value and its interval ``low – high`` (empty when the interval has no width);
    the report prints them as ``value (low – high)``."""
    f = _signed if signed else _fmt
    if lo is None or hi is None or not (np.isfinite(lo) and np.isfinite(hi)) \
            or f(lo, unit) == f(hi, unit):
        return {"v": f(x, unit), "range": ""}
    return {"v": f(x, unit), "range": f"{f(lo, unit)} – {f(hi, unit)}"}


def render_scenario_html(res: ScenarioResult, zone: str | None = None) -> str:
    """The report as an HTML string."""
    env = Environment(loader=FileSystemLoader(TEMPLATE_DIR),
                      autoescape=select_autoescape(["html", "j2"]))
    tpl = env.get_template("scenario_report.html.j2")
    zid = str(zone) if zone is not None else res.main_zone()
    before, after = scenario_diagram_pair(res, zid)
    diag_before = _png(nki_figure(before))
    diag_after = _png(nki_figure(after, second=before))
    zones = []
    for z in list(res.names):
        rows = res.table[res.table[ZONE_ID] == z]
        zones.append({"id": z, "name": res.names[z], "rows": [
            {"label": r.label, "indicator": r.indicator, "unit": r.unit,
             "baseline": _ranged(r.baseline, r.baseline_low, r.baseline_high, r.unit),
             "scenario": _ranged(r.scenario, r.scenario_low, r.scenario_high, r.unit),
             "delta": _ranged(r.delta, r.delta_low, r.delta_high, r.unit, signed=True),
             "assumption": str(r.assumption).startswith("yes")} for r in rows.itertuples()]})
    if len(res.names) == 2:  # one zone and a total equal to it: show the zone only
        zones = zones[:1]
    lt_labels = {int(r.value): str(r.label) for r in res.landcover.scheme.table.itertuples()}
    conv = [{"id": r.conv_id, "name": r.name, "to": f"{r.to_class} {lt_labels[int(r.to_class)]}",
             "from": (lt_labels.get(int(r.main_from_class), "") if pd.notna(r.main_from_class)
                      else "–"),
             "area": num_da(r.area_ha, 2), "converted": num_da(r.converted_ha, 2),
             "rewetted": num_da(r.rewetted_ha, 2), "cost": num_da(r.cost_dkk, 0)}
            for r in res.conversions.itertuples()]
    lowland = []
    for c in res.to_dict()["lowland"]:
        b = c["budget"]
        lowland.append({
            "id": c["conv_id"], "status": c["status"], "status_da": c["status_da"],
            "area": num_da(c["area_ha"], 2), "rewetted": num_da(c["rewetted_ha"], 2),
            "basis": c["data_basis"],
            "gvsmax": f"{num_da(c['gvsmax_before_cm'], 1)} cm ({c['gvsmax_basis']})",
            "co2_before": _fmt(c["co2e_before_t_per_year"], "t"),
            "co2_after": _fmt(c["co2e_after_t_per_year"], "t"),
            "criteria": [{**k, "measured_txt": (num_da(k["measured"], 1) + " " + k["unit"]
                                                if k["measured"] is not None else "–")}
                         for k in c["criteria"]],
            "max_support": num_da(b["max_support_dkk"], 0),
            "income_comp": num_da(b["max_income_comp_dkk"], 0),
            "project_costs": num_da(b["project_costs_dkk"], 0),
            "min_project_costs": num_da(b["min_project_costs_dkk"], 0),
            "instalments": [{"da": i["stage_da"], "en": i["stage_en"],
                             "amount": num_da(i["amount_dkk"], 0),
                             "pct": num_da(i["share_pct"], 0)} for i in b["instalments"]],
            "notes": c["notes"]})
    total_cost = res.value(TOTAL_ID, "cost_dkk", "scenario")
    services = services_figure(res)
    notes_conv = [n for n in dict.fromkeys(res.conversions["note"].astype(str)) if n]
    return tpl.render(
        title=Path(res.meta["scenario"]).stem, meta=res.meta, generated=date.today().isoformat(),
        map_png=conversion_map_png(res), diag_before=diag_before, diag_after=diag_after,
        diagram_zone=res.names[zid], zones=zones, conversions=conv, lowland=lowland,
        total_cost=num_da(total_cost, 0), notes=res.meta["notes"],
        assumptions=res.meta["assumptions"], illustration=" ".join(notes_conv),
        nki_delta=_signed(res.value(zid, "nki"), "0-100"),
        services_png=_png(services) if services is not None else None,
        units={k: INDICATOR[k].unit for k in INDICATOR})


def write_scenario_report(res: ScenarioResult, out: str | Path,
                          zone: str | None = None) -> Path:
    """Write the report as ``.html`` or ``.pdf`` (weasyprint), atomically."""
    check_out(out, (".html", ".pdf"))
    return write_html_or_pdf(render_scenario_html(res, zone), out, TEMPLATE_DIR)
