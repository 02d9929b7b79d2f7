"""Verdict per parcel against Klimaskovfonden's criteria, with CO2 and budget.

Measured per parcel from its cells (covered-fraction weighted, see :mod:`.cells`):

* ``peat_area_ha`` — area with OC ≥ ``peat_oc_min_pct`` (ha). Within
  [``min_peat_area_ha``, ``max_peat_area_ha``] passes; above the maximum the parcel is
  at best ``secondary``.
* ``share_oc_above_6_pct`` — area with OC > ``share_oc_threshold_pct`` as % of the
  whole parcel area; cells without carbon data count as *not* above (conservative).
  Passes at ≥ ``min_share_oc_above_pct``.
* ``gvsmax_cm`` — area-weighted mean GVSmax over the cells with water-table data (cm
  relative to the surface, negative below). Passes when deeper (strictly below)
  ``max_gvsmax_cm``.
* ``drained_peat_cm`` — per peat cell min(peat depth, depth to the water table
  (−GVSmax, at least 0)), area-weighted over the peat cells with both values.
  Passes at ≥ ``min_drained_peat_cm``.
* With a bid: the budget limits (``budget``) and the price per tonne over the horizon
  (``price``, ≤ ``max_dkk_per_t_co2e``).

Measured values are rounded to 6 decimals before comparison so that a parcel of
exactly 2 ha is not failed by floating-point noise. Status: any failed criterion →
``ineligible``; otherwise ``secondary`` if the peat area is above the maximum;
otherwise ``eligible``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from naturkapital.lowland.budget import Budget, make_budget
from naturkapital.lowland.cells import (
    PARCEL_ID,
    Extraction,
    LowlandRasters,
    ParcelCells,
    extract_cells,
)
from naturkapital.lowland.co2 import Emissions, parcel_emissions, price_per_tonne
from naturkapital.lowland.rules import EmissionFactors, ParamTable

ELIGIBLE, SECONDARY, INELIGIBLE = "eligible", "secondary", "ineligible"
STATUS_DA = {ELIGIBLE: "støtteberettiget", SECONDARY: "sekundær mulighed",
             INELIGIBLE: "ikke støtteberettiget"}
PASS, FAIL, NA = "pass", "fail", "n/a"
CRITERIA = ("peat_area", "oc_share", "gvsmax", "drained_peat", "budget", "price")
METHOD = ("Klimaskovfonden lowland screening: covered-fraction weighted cells of the "
          "carbon (% OC), GVSmax (cm) and peat-depth (cm) maps; SEGES emission factors")


def num_da(x: float, digits: int = 1) -> str:
    """A number the Danish way: decimal comma, minus sign (−42,5)."""
    if x is None or not np.isfinite(x):
        return "–"
    s = f"{x:,.{digits}f}".replace(",", "\u00a0").replace(".", ",").replace("\u00a0", ".")
    return s.replace("-", "−")


@dataclass(frozen=True)
class Criterion:
    """One criterion's verdict: measured value, requirement and result.

    ``result`` is pass, fail, secondary or n/a (not assessed, e.g. no bid given);
    ``sentence_da``/``sentence_en`` explain a fail or secondary in plain words.
    """

    key: str
    name_da: str
    name_en: str
    requirement: str
    measured: float
    unit: str
    result: str
    sentence_da: str = ""
    sentence_en: str = ""


@dataclass(frozen=True)
class Verdict:
    """Everything known about one parcel after screening."""

    parcel_id: str
    status: str
    criteria: list[Criterion]
    metrics: dict[str, float]
    emissions: Emissions
    budget: Budget
    price_dkk_per_t: float
    price_basis: str
    notes_da: list[str] = field(default_factory=list)
    notes_en: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[str]:
        return [c.key for c in self.criteria if c.result == FAIL]


@dataclass
class ScreenResult:
    """``table``: one row per parcel; ``verdicts`` by parcel id; ``parcels``: geometry
    (original CRS); ``meta``: method, rule/factor versions, horizon, assumptions."""

    table: pd.DataFrame
    verdicts: dict[str, Verdict]
    parcels: gpd.GeoDataFrame
    meta: dict


def measure(cells: ParcelCells, rules: ParamTable) -> dict[str, float]:
    """Measured values of one parcel (ha, %, cm); NaN where no data."""
    a = cells.area_ha
    oc, g, peat = cells.carbon, cells.gvsmax, cells.peat
    has_c = ~np.isnan(oc)
    has_g = ~np.isnan(g)
    area = cells.parcel_ha
    peat_cell = has_c & (oc >= rules["peat_oc_min_pct"])
    above = has_c & (oc > rules["share_oc_threshold_pct"])
    complete = has_c & has_g & ~np.isnan(peat)
    m: dict[str, float] = {
        "area_ha": area,
        "carbon_mapped_ha": float(a[has_c].sum()),
        "peat_area_ha": float(a[peat_cell].sum()) if has_c.any() else np.nan,
        "share_oc_above_6_pct": (100.0 * float(a[above].sum()) / area
                                 if has_c.any() and area > 0 else np.nan),
        "gvsmax_cm": _wmean(g[has_g], a[has_g]),
    }
    both = peat_cell & has_g & ~np.isnan(peat)
    drained = np.minimum(peat[both], np.maximum(-g[both], 0.0))
    m["drained_peat_cm"] = _wmean(drained, a[both])
    m["peat_cells_with_depth_ha"] = float(a[both].sum())
    m["water_table_rise_cm"] = rules["target_water_table_cm"] - m["gvsmax_cm"]
    m["nodata_pct"] = float(np.clip(100.0 * (1.0 - a[complete].sum() / area), 0, 100)
                            ) if area > 0 else 100.0
    for name, arr in (("carbon", oc), ("water", g), ("peat", peat)):
        m[f"nodata_{name}_pct"] = float(np.clip(
            100.0 * (1.0 - a[~np.isnan(arr)].sum() / area), 0, 100)) if area > 0 else 100.0
    return m


def _wmean(v: np.ndarray, w: np.ndarray) -> float:
    return float(np.sum(v * w) / np.sum(w)) if w.size and np.sum(w) > 0 else np.nan


def _r(x: float) -> float:
    return round(float(x), 6)


def judge(m: dict[str, float], rules: ParamTable) -> list[Criterion]:
    """The four soil and water criteria for measured values ``m``."""
    r = rules
    lo, hi = r["min_peat_area_ha"], r["max_peat_area_ha"]
    out: list[Criterion] = []

    pa = m["peat_area_ha"]
    req = f"{num_da(lo, 0)}–{num_da(hi, 0)} ha"
    if np.isnan(pa):
        out.append(Criterion("peat_area", "Areal med tørvejord", "peat-soil area", req, pa, "ha",
                             FAIL, "Der er ingen kulstofdata for parcellen, så arealet med "
                             "tørvejord kan ikke opgøres.",
                             "no carbon data for the parcel; peat area unknown"))
    elif _r(pa) < lo:
        out.append(Criterion("peat_area", "Areal med tørvejord", "peat-soil area", req, pa, "ha",
                             FAIL, "Arealet med tørvejord (mindst "
                             f"{num_da(r['peat_oc_min_pct'], 0)} % organisk kulstof) er "
                             f"{num_da(pa, 2)} ha; det skal være mindst "
                             f"{num_da(lo, 0)} ha.",
                             f"peat area {pa:.2f} ha is below {lo:g} ha"))
    elif _r(pa) > hi:
        out.append(Criterion("peat_area", "Areal med tørvejord", "peat-soil area", req, pa, "ha",
                             SECONDARY, f"Arealet med tørvejord er {num_da(pa, 2)} ha, over "
                             f"{num_da(hi, 0)} ha; projektet kan kun komme i betragtning som "
                             "sekundær mulighed.",
                             f"peat area {pa:.2f} ha is above {hi:g} ha: secondary option only"))
    else:
        out.append(Criterion("peat_area", "Areal med tørvejord", "peat-soil area", req, pa, "ha",
                             PASS))

    share = m["share_oc_above_6_pct"]
    need = r["min_share_oc_above_pct"]
    thr = r["share_oc_threshold_pct"]
    req = f"≥ {num_da(need, 0)} % af arealet med OC > {num_da(thr, 0)} %"
    if np.isnan(share) or _r(share) < need:
        da = ("Der er ingen kulstofdata for parcellen." if np.isnan(share) else
              f"Kun {num_da(share)} % af arealet har over {num_da(thr, 0)} % organisk kulstof; "
              f"kravet er mindst {num_da(need, 0)} %.")
        en = ("no carbon data" if np.isnan(share) else
              f"only {share:.1f} % of the area has OC > {thr:g} %; {need:g} % required")
        out.append(Criterion("oc_share", "Andel med kulstof over 6 %", "share with OC > 6 %",
                             req, share, "%", FAIL, da, en))
    else:
        out.append(Criterion("oc_share", "Andel med kulstof over 6 %", "share with OC > 6 %",
                             req, share, "%", PASS))

    g = m["gvsmax_cm"]
    lim = r["max_gvsmax_cm"]
    req = f"dybere end {num_da(lim)} cm"
    if np.isnan(g):
        out.append(Criterion("gvsmax", "Vandstand før (GVSmax)", "water table before (GVSmax)",
                             req, g, "cm", FAIL, "Der er ingen data om vandstanden (GVSmax) "
                             "for parcellen.", "no water-table data"))
    elif not _r(g) < lim:
        out.append(Criterion("gvsmax", "Vandstand før (GVSmax)", "water table before (GVSmax)",
                             req, g, "cm", FAIL, f"Vandstanden før (GVSmax) er {num_da(g)} cm; "
                             f"den skal ligge dybere end {num_da(lim)} cm, ellers er jorden "
                             "allerede for våd til at give en CO2-gevinst.",
                             f"GVSmax {g:.1f} cm is not deeper than {lim:g} cm"))
    else:
        out.append(Criterion("gvsmax", "Vandstand før (GVSmax)", "water table before (GVSmax)",
                             req, g, "cm", PASS))

    d = m["drained_peat_cm"]
    need_d = r["min_drained_peat_cm"]
    req = f"≥ {num_da(need_d, 0)} cm"
    name = ("Drænet tørvelag", "drained peat")
    if np.isnan(d):
        no_peat = not np.isnan(m["peat_area_ha"]) and m["peat_area_ha"] <= 0
        da = ("Der er ingen tørvejord i parcellen at måle tørvelaget på." if no_peat else
              "Der mangler data om tørvedybde eller vandstand på tørvejorden.")
        out.append(Criterion("drained_peat", *name, req, d, "cm", FAIL, da,
                             "no peat cells" if no_peat else "no peat-depth/water data"))
    elif _r(d) < need_d:
        out.append(Criterion("drained_peat", *name, req, d, "cm", FAIL,
                             f"Det drænede tørvelag (den mindste af tørvedybden og dybden til "
                             f"grundvandet) er {num_da(d)} cm; det skal være mindst "
                             f"{num_da(need_d, 0)} cm.",
                             f"drained peat {d:.1f} cm is below {need_d:g} cm"))
    else:
        out.append(Criterion("drained_peat", *name, req, d, "cm", PASS))
    return out


def status_of(criteria: list[Criterion]) -> str:
    """eligible, secondary or ineligible from the criteria results."""
    results = {c.result for c in criteria}
    if FAIL in results:
        return INELIGIBLE
    if SECONDARY in results:
        return SECONDARY
    return ELIGIBLE


def verdict_for(pid: str, cells: ParcelCells, attrs: pd.Series, rules: ParamTable,
                factors: EmissionFactors, horizon_years: float) -> Verdict:
    """Screen one parcel: criteria, emissions, budget, price per tonne."""
    m = measure(cells, rules)
    crits = judge(m, rules)
    em = parcel_emissions(cells.carbon, cells.area_ha, bool(attrs["in_rotation"]), factors)
    bid = attrs.get("bid_dkk_per_ha", np.nan)
    total = attrs.get("total_bid_dkk", np.nan)
    bud = make_budget(m["area_ha"], rules, bid, total)
    price = price_per_tonne(bud.total_dkk, em.reduction, horizon_years)
    cap = rules["max_dkk_per_t_co2e"]
    if bud.basis == "bid":
        crits.append(Criterion("budget", "Budget inden for grænserne", "budget within limits",
                               f"≤ {num_da(rules['max_support_dkk_per_ha'], 0)} kr./ha",
                               bud.total_dkk / m["area_ha"] if m["area_ha"] else np.nan,
                               "DKK/ha", PASS if bud.within_rules else FAIL,
                               " ".join(bud.problems_da), "; ".join(bud.problems_en)))
        if np.isnan(price):
            crits.append(Criterion("price", "Pris pr. ton CO2e", "price per t CO2e",
                                   f"≤ {num_da(cap, 0)} kr./t", price, "DKK/t", FAIL,
                                   "Projektet giver ingen CO2-reduktion, så prisen pr. ton kan "
                                   "ikke beregnes.", "no CO2 reduction"))
        else:
            ok = _r(price) <= cap
            crits.append(Criterion("price", "Pris pr. ton CO2e", "price per t CO2e",
                                   f"≤ {num_da(cap, 0)} kr./t", price, "DKK/t",
                                   PASS if ok else FAIL,
                                   "" if ok else f"Buddet svarer til {num_da(price, 0)} kr. pr. "
                                   f"ton CO2e over {num_da(horizon_years, 0)} år; højst "
                                   f"{num_da(cap, 0)} kr./t er tilladt.",
                                   "" if ok else f"{price:.0f} DKK/t over {horizon_years:g} "
                                   f"years exceeds {cap:g} DKK/t"))
    else:
        crits.append(Criterion("budget", "Budget inden for grænserne", "budget within limits",
                               "intet bud / no bid", np.nan, "DKK/ha", NA))
        crits.append(Criterion("price", "Pris pr. ton CO2e", "price per t CO2e",
                               f"≤ {num_da(cap, 0)} kr./t", price, "DKK/t", NA))
    notes_da, notes_en = [], []
    if m["nodata_pct"] > 0.05:
        where = ", ".join(f"{lbl} {num_da(m[f'nodata_{k}_pct'])} %" for k, lbl in
                          (("carbon", "kulstof"), ("water", "GVSmax"), ("peat", "tørvedybde"))
                          if m[f"nodata_{k}_pct"] > 0.05)
        if m["nodata_pct"] >= 99.95:
            notes_da.append("Parcellen ligger uden for kortene eller kun på nodata.")
            notes_en.append("parcel lies outside the maps or on nodata only")
        else:
            notes_da.append(f"Kortene mangler data for en del af parcellen ({where}); "
                            "værdierne er beregnet på cellerne med data, og celler uden "
                            "kulstofdata tæller ikke som tørvejord.")
            notes_en.append(f"nodata in part of the parcel ({m['nodata_pct']:.1f} % of the area "
                            "lacks at least one map); values from cells with data only")
    return Verdict(parcel_id=pid, status=status_of(crits), criteria=crits, metrics=m,
                   emissions=em, budget=bud, price_dkk_per_t=price, price_basis=bud.basis,
                   notes_da=notes_da, notes_en=notes_en, assumptions=list(em.assumptions))


def screen(parcels: gpd.GeoDataFrame, rasters: LowlandRasters, rules: ParamTable,
           factors: EmissionFactors, horizon_years: float | None = None,
           parcels_source: str = "parcels",
           progress: Callable[[int], None] | None = None) -> ScreenResult:
    """Screen every parcel (from :func:`naturkapital.lowland.parcels.read_parcels`).

    ``horizon_years`` defaults to the rules table's ``default_horizon_years`` (an
    assumption, then listed as such). Returns a :class:`ScreenResult`.
    """
    ext = extract_cells(parcels, rasters, parcels_source, progress)
    return screen_extracted(parcels, ext, rasters, rules, factors, horizon_years)


def screen_extracted(parcels: gpd.GeoDataFrame, ext: Extraction, rasters: LowlandRasters,
                     rules: ParamTable, factors: EmissionFactors,
                     horizon_years: float | None = None) -> ScreenResult:
    """Screening from already extracted cells (see :func:`screen`)."""
    horizon_given = horizon_years is not None
    horizon = float(horizon_years if horizon_given else rules["default_horizon_years"])
    verdicts: dict[str, Verdict] = {}
    for _, row in parcels.iterrows():
        pid = row[PARCEL_ID]
        cells = ext.cells.get(pid) or ParcelCells(np.array([]), np.array([]), np.array([]),
                                                  np.array([]), 0.0)
        verdicts[pid] = verdict_for(pid, cells, row, rules, factors, horizon)

    assumptions: list[str] = []
    if not horizon_given:
        assumptions += rules.assumptions(["default_horizon_years"])
    rotation_default = ~parcels["in_rotation_given"].astype(bool)
    if rotation_default.any():
        assumptions += rules.assumptions(["default_in_rotation"])
    for v in verdicts.values():
        assumptions += v.assumptions
    assumptions = list(dict.fromkeys(assumptions))
    table = _table(parcels, verdicts, rules, factors, horizon, horizon_given)
    meta = {
        "method": METHOD,
        "label_da": "Screening efter Klimaskovfondens kriterier for lavbundsprojekter",
        "rules": rules.version,
        "rules_path": str(rules.path),
        "emission_factors": factors.version,
        "horizon_years": horizon,
        "carbon": str(rasters.carbon),
        "water_table": str(rasters.water_table),
        "peat_depth": str(rasters.peat_depth),
        "water_table_sign": ("positive depths below surface (negated)" if
                             rasters.positive_depths else "cm relative to surface, negative "
                                                          "below"),
        "alignment": ("water table and peat depth warped onto the carbon grid by cell-area "
                      "average (--align)" if rasters.align else "all three maps on one grid"),
        "grid_crs": ext.crs,
        "cell_ha": ext.cell_ha,
        "assumptions": assumptions,
        "units": {"*_ha": "ha", "*_pct": "%", "*_cm": "cm (GVSmax negative below surface)",
                  "co2e_*_t_per_year": "t CO2e per year", "*_dkk": "DKK",
                  "dkk_per_t_co2e": "DKK per t CO2e over horizon_years"},
    }
    return ScreenResult(table=table, verdicts=verdicts, parcels=parcels, meta=meta)


def _table(parcels: gpd.GeoDataFrame, verdicts: dict[str, Verdict], rules: ParamTable,
           factors: EmissionFactors, horizon: float, horizon_given: bool) -> pd.DataFrame:
    rows = []
    attrs = parcels.set_index(PARCEL_ID)
    for pid, v in verdicts.items():
        m, em, b = v.metrics, v.emissions, v.budget
        a = attrs.loc[pid]
        crit = {c.key: c for c in v.criteria}
        explained = [c for c in v.criteria if c.result in (FAIL, SECONDARY)]
        notes_assume = list(v.assumptions)
        if not horizon_given:
            notes_assume += rules.assumptions(["default_horizon_years"])
        if not bool(a["in_rotation_given"]):
            notes_assume += rules.assumptions(["default_in_rotation"])
        rows.append({
            PARCEL_ID: pid,
            "status": v.status,
            "status_da": STATUS_DA[v.status],
            "failed_criteria": ";".join(v.failed),
            "reasons_da": " ".join(c.sentence_da for c in explained),
            "reasons_en": "; ".join(c.sentence_en for c in explained),
            "area_ha": m["area_ha"],
            "peat_area_ha": m["peat_area_ha"],
            "share_oc_above_6_pct": m["share_oc_above_6_pct"],
            "gvsmax_cm": m["gvsmax_cm"],
            "drained_peat_cm": m["drained_peat_cm"],
            "water_table_rise_cm": m["water_table_rise_cm"],
            "nodata_pct": m["nodata_pct"],
            "in_rotation": bool(a["in_rotation"]),
            "co2e_before_t_per_year": em.before_total,
            "co2e_after_t_per_year": em.after_total,
            "co2e_reduction_t_per_year": em.reduction,
            "horizon_years": horizon,
            "co2e_reduction_t_horizon": em.reduction * horizon,
            "co2_before_t_per_year": em.before["co2"],
            "n2o_before_t_co2e_per_year": em.before["n2o"],
            "n2o_before_t_per_year": em.gas_tonnes("before", "n2o"),
            "ch4_after_t_co2e_per_year": em.after["ch4"],
            "ch4_after_t_per_year": em.gas_tonnes("after", "ch4"),
            "max_support_dkk": b.max_support_dkk,
            "max_income_comp_dkk": b.max_income_comp_dkk,
            "min_project_costs_dkk": b.min_project_costs_dkk,
            "bid_dkk_per_ha": a["bid_dkk_per_ha"],
            "total_bid_dkk": a["total_bid_dkk"],
            "synergy_points": a["synergy_points"],
            "applicant_type": a["applicant_type"],
            "budget_total_dkk": b.total_dkk,
            "dkk_per_t_co2e": v.price_dkk_per_t,
            "price_basis": "bid" if b.basis == "bid" else "max_support",
            "price_ok": (bool(np.isfinite(v.price_dkk_per_t)
                              and _r(v.price_dkk_per_t) <= rules["max_dkk_per_t_co2e"])),
            **{f"crit_{k}": crit[k].result for k in CRITERIA},
            "notes": " ".join(v.notes_da),
            "rules_version": rules.version,
            "emission_factors": factors.version,
            "assumption": ("yes: " + "; ".join(dict.fromkeys(notes_assume))
                           if notes_assume else "no"),
        })
    return pd.DataFrame(rows)
