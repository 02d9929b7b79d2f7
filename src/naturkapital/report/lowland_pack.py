"""Application pack per parcel: HTML (jinja2) or PDF (weasyprint) with a map.

One section per parcel: status and reasons, project area, a map of the carbon classes
(< 6 %, 6–12 %, > 12 % OC) with the parcel outline, the criteria table, the CO2
effect with the factors used, the budget and payment plan, the conditions after the
project, and the data, method, sources and assumptions. Written atomically.
"""

from __future__ import annotations

import base64
import io
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pyproj import Transformer
from rasterio.windows import Window, from_bounds

from naturkapital.core.errors import InputError
from naturkapital.io.output import check_out
from naturkapital.io.rasters import open_raster
from naturkapital.lowland.cells import PARCEL_ID, LowlandRasters
from naturkapital.lowland.parcels import APPLICANT_TYPES
from naturkapital.lowland.rules import EmissionFactors, ParamTable, load_conditions
from naturkapital.lowland.screening import FAIL, NA, PASS, SECONDARY, ScreenResult, Verdict, num_da
from naturkapital.report.html import write_html_or_pdf

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
RESULT_DA = {PASS: "opfyldt / pass", FAIL: "ikke opfyldt / fail",
             SECONDARY: "sekundær / secondary", NA: "ikke vurderet / not assessed"}
CSS = {PASS: "pass", FAIL: "fail", SECONDARY: "secondary-t", NA: "na"}
DIGITS = {"ha": 2, "DKK/ha": 0, "DKK/t": 0}
CLASS_COLOURS = ["#e8e1c8", "#b5a46b", "#5b3e1f"]  # < 6 %, 6–12 %, > 12 % OC


def parcel_map_png(geom_raster_crs, rasters: LowlandRasters, pid: str) -> str:
    """Base64 PNG: carbon classes around the parcel with its outline (raster CRS)."""
    from matplotlib.colors import ListedColormap
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    x0, y0, x1, y1 = geom_raster_crs.bounds
    pad = max(x1 - x0, y1 - y0) * 0.25 + 20.0
    with open_raster(rasters.carbon, 1, "carbon raster") as ds:
        win = from_bounds(x0 - pad, y0 - pad, x1 + pad, y1 + pad, ds.transform)
        win = win.round_offsets().round_lengths()
        win = Window(win.col_off, win.row_off, max(win.width, 1), max(win.height, 1))
        arr = ds.read(1, window=win, boundless=True, masked=True, fill_value=ds.nodata or 0)
        t = ds.window_transform(win)
        ds_crs = ds.crs.to_string()
    data = np.ma.filled(arr.astype(float), np.nan)
    cls = np.full(data.shape, np.nan)
    cls[data < 6] = 0
    cls[(data >= 6) & (data <= 12)] = 1
    cls[data > 12] = 2
    extent = (t.c, t.c + t.a * data.shape[1], t.f + t.e * data.shape[0], t.f)
    fig = Figure(figsize=(6.2, 4.6), dpi=110)  # no pyplot: the user's backend is untouched
    ax = fig.subplots()
    ax.imshow(np.ma.masked_invalid(cls), cmap=ListedColormap(CLASS_COLOURS), vmin=0, vmax=2,
              extent=extent, interpolation="nearest")
    gpd.GeoSeries([geom_raster_crs]).boundary.plot(ax=ax, color="#c62828", linewidth=2)
    ax.set_xlim(x0 - pad, x1 + pad)
    ax.set_ylim(y0 - pad, y1 + pad)
    ax.set_aspect("equal")
    ax.ticklabel_format(useOffset=False, style="plain")
    ax.tick_params(labelsize=6)
    ax.set_xlabel(f"Øst / easting (m, {ds_crs})", fontsize=6)
    ax.set_ylabel("Nord / northing (m)", fontsize=6)
    ax.set_title(f"Parcel {pid}: organisk kulstof (organic carbon, Kulstof-kort)", fontsize=8)
    handles = [Patch(color=c, label=lbl) for c, lbl in
               zip(CLASS_COLOURS, ["OC < 6 %", "OC 6–12 %", "OC > 12 %"], strict=True)]
    handles.append(Patch(facecolor="white", edgecolor="#999", label="ingen data (nodata)"))
    handles.append(Patch(facecolor="none", edgecolor="#c62828", label="parcel"))
    ax.legend(handles=handles, loc="lower left", fontsize=6, framealpha=0.85)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _location(geom, crs) -> str:
    c = geom.representative_point()
    lon, lat = Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform(c.x, c.y)
    return (f"{num_da(c.x, 0)} E, {num_da(c.y, 0)} N ({crs}); {num_da(lat, 5)}° N, "
            f"{num_da(lon, 5)}° Ø")


def _dkk(x: float) -> str:
    return num_da(x, 0)


def _context(v: Verdict, geom, crs: str, map_png: str, rules: ParamTable,
             factors: EmissionFactors, meta: dict, row: pd.Series) -> dict:
    """Template values of one parcel (numbers formatted the Danish way)."""
    m, em, b = v.metrics, v.emissions, v.budget
    horizon = meta["horizon_years"]
    factor_rows = []
    for when, used in (("før (before)", em.used_before), ("efter (after)", em.used_after)):
        for name, area in used.items():
            s = next(s for s in factors.situations if s.name == name)
            factor_rows.append({"name": f"{when}: {name} {s.interval} % OC",
                                "area": num_da(area, 2), "total": num_da(s.total, 2),
                                "source": s.source})
    crits = []
    for c in v.criteria:
        crits.append({"name_da": c.name_da, "name_en": c.name_en, "requirement": c.requirement,
                      "measured": ("–" if c.measured is None or not np.isfinite(c.measured)
                                   else f"{num_da(c.measured, DIGITS.get(c.unit, 1))} "
                                        f"{c.unit}"),
                      "result": RESULT_DA[c.result], "css": CSS[c.result],
                      "sentence": c.sentence_da})
    cell_m = (meta["cell_ha"] * 10_000.0) ** 0.5
    return {
        "id": v.parcel_id, "status": v.status, "status_da": row["status_da"],
        "reasons": [c.sentence_da for c in v.criteria if c.result in (FAIL, SECONDARY)],
        "notes": v.notes_da,
        "area_ha": num_da(m["area_ha"], 2), "peat_area_ha": num_da(m["peat_area_ha"], 2),
        "peat_oc": num_da(rules["peat_oc_min_pct"], 0),
        "location": _location(geom, crs),
        "in_rotation": "ja (yes)" if row["in_rotation"] else "nej (no)",
        "applicant": (f"{APPLICANT_TYPES[row['applicant_type']][0]} ({row['applicant_type']})"
                      if row["applicant_type"] in APPLICANT_TYPES
                      else row["applicant_type"] or "–"),
        "gvsmax_cm": num_da(m["gvsmax_cm"]), "target_cm": num_da(rules["target_water_table_cm"]),
        "rise_cm": num_da(m["water_table_rise_cm"]),
        "map_png": map_png, "criteria": crits,
        "horizon": num_da(horizon, 0),
        "before": [num_da(em.before[g], 2) for g in ("co2", "n2o", "ch4")]
        + [num_da(em.before_total, 2)],
        "after": [num_da(em.after[g], 2) for g in ("co2", "n2o", "ch4")]
        + [num_da(em.after_total, 2)],
        "reduction": num_da(em.reduction, 2),
        "reduction_horizon": num_da(em.reduction * horizon, 1),
        "n2o_t": num_da(em.gas_tonnes("before", "n2o"), 4),
        "ch4_t": num_da(em.gas_tonnes("after", "ch4"), 4),
        "factors": factor_rows,
        "max_support": _dkk(b.max_support_dkk), "max_comp": _dkk(b.max_income_comp_dkk),
        "min_costs": _dkk(b.min_project_costs_dkk),
        "max_support_per_ha": _dkk(rules["max_support_dkk_per_ha"]),
        "max_comp_per_ha": _dkk(rules["max_income_comp_dkk_per_ha"]),
        "min_costs_per_ha": _dkk(rules["min_project_costs_dkk_per_ha"]),
        "basis": ("ansøgerens bud (the applicant's bid)" if b.basis == "bid" else
                  "højeste tilskud, intet bud givet (maximum support, no bid given)"),
        "price": num_da(v.price_dkk_per_t, 0), "price_cap": _dkk(rules["max_dkk_per_t_co2e"]),
        "price_ok": "ja (yes)" if row["price_ok"] else "nej (no)",
        "instalments": [{"stage_da": i.stage_da, "stage_en": i.stage_en,
                         "share": num_da(i.share_pct, 0), "amount": _dkk(i.amount_dkk)}
                        for i in b.instalments],
        "budget_problems": b.problems_da,
        "assumptions": [a.strip() for a in row["assumption"].removeprefix("yes:").split(";")
                        if a.strip()] if row["assumption"] != "no" else [],
        "cell_m": num_da(cell_m, 1),
    }


def render_application_pack(result: ScreenResult, ids: list[str], rasters: LowlandRasters,
                rules: ParamTable, factors: EmissionFactors) -> str:
    """The application pack for the parcels ``ids`` as an HTML string."""
    known = set(result.verdicts)
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise InputError("--id", f"unknown parcel id(s) {', '.join(unknown)}")
    env = Environment(loader=FileSystemLoader(TEMPLATE_DIR),
                      autoescape=select_autoescape(["html", "j2"]))
    tpl = env.get_template("application_pack.html.j2")
    meta = result.meta
    crs = result.meta["grid_crs"]
    geoms = result.parcels.to_crs(crs).set_index(PARCEL_ID).geometry
    table = result.table.set_index(PARCEL_ID)
    parcels = []
    for pid in ids:
        png = parcel_map_png(geoms[pid], rasters, pid)
        parcels.append(_context(result.verdicts[pid], geoms[pid], crs, png, rules, factors,
                                meta, table.loc[pid]))
    sources = [f"{rules.version}: {rules.source('min_peat_area_ha')}",
               f"{factors.version}: " + "; ".join(sorted({s.source for s in factors.situations
                                                          if not s.is_assumption}))]
    return tpl.render(parcels=parcels, meta=meta, generated=date.today().isoformat(),
                      rule_sources=sources,
                      conditions=load_conditions().stage("after_project"))


def write_application_pack(result: ScreenResult, ids: list[str], rasters: LowlandRasters,
                 rules: ParamTable, factors: EmissionFactors, out: str | Path) -> Path:
    """Write the pack as ``.html`` or ``.pdf`` (weasyprint), atomically."""
    check_out(out, (".html", ".pdf"))
    html = render_application_pack(result, ids, rasters, rules, factors)
    return write_html_or_pdf(html, out, TEMPLATE_DIR)
