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

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from naturkapital.core.numbers import check_number
from naturkapital.lowland.budget import Budget, make_budget
from naturkapital.lowland.cells import (
    PARCEL_ID,
    Extraction,
    LowlandRasters,
    ParcelCells,
    extract_cells,
)
from naturkapital.lowland.co2 import (
    Emissions,
    emissions_arrays,
    parcel_emissions,
    price_per_tonne,
)
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
    verdicts: Mapping[str, Verdict]
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
    check_number(horizon_years, "--horizon-years", above=0, at_most=200)
    ext = extract_cells(parcels, rasters, parcels_source, progress)
    return screen_extracted(parcels, ext, rasters, rules, factors, horizon_years)


def screen_extracted(parcels: gpd.GeoDataFrame, ext: Extraction, rasters: LowlandRasters,
                     rules: ParamTable, factors: EmissionFactors,
                     horizon_years: float | None = None) -> ScreenResult:
    """Screening from already extracted cells (see :func:`screen`)."""
    horizon_years = check_number(horizon_years, "--horizon-years", above=0, at_most=200)
    horizon_given = horizon_years is not None
    horizon = float(horizon_years if horizon_given else rules["default_horizon_years"])
    table, em_notes = _table(parcels, ext, rules, factors, horizon, horizon_given)
    assumptions: list[str] = []
    if not horizon_given:
        assumptions += rules.assumptions(["default_horizon_years"])
    rotation_default = ~parcels["in_rotation_given"].astype(bool)
    if rotation_default.any():
        assumptions += rules.assumptions(["default_in_rotation"])
    for notes in em_notes:
        assumptions += notes
    assumptions = list(dict.fromkeys(assumptions))
    verdicts = LazyVerdicts(parcels, ext, rules, factors, horizon)
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


class LazyVerdicts(Mapping):
    """``parcel id → Verdict``, each built on first access by :func:`verdict_for`
    from the extracted cells (the table is computed for all parcels at once)."""

    def __init__(self, parcels: gpd.GeoDataFrame, ext: Extraction, rules: ParamTable,
                 factors: EmissionFactors, horizon: float) -> None:
        self._attrs = parcels.set_index(PARCEL_ID, drop=False)
        self._ids = list(parcels[PARCEL_ID])
        self._ext, self._rules, self._factors, self._horizon = ext, rules, factors, horizon
        self._done: dict[str, Verdict] = {}

    def __getitem__(self, pid: str) -> Verdict:
        if pid not in self._done:
            row = self._attrs.loc[pid]
            if isinstance(row, pd.DataFrame):
                row = row.iloc[0]
            cells = self._ext.cells.get(pid) or ParcelCells(
                np.array([]), np.array([]), np.array([]), np.array([]), 0.0)
            self._done[pid] = verdict_for(pid, cells, row, self._rules, self._factors,
                                          self._horizon)
        return self._done[pid]

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys(self._ids))

    def __len__(self) -> int:
        return len(dict.fromkeys(self._ids))


def _round6(x: np.ndarray) -> np.ndarray:
    """``round(x, 6)`` element by element, exactly as :func:`_r` does."""
    return np.array([round(v, 6) for v in x.tolist()], dtype=float)


def measure_arrays(ext: Extraction, pos: np.ndarray, rules: ParamTable
                   ) -> dict[str, np.ndarray]:
    """:func:`measure` for all parcels at once; ``pos`` maps each parcel row to its
    position in ``ext`` (−1: no cells, area 0)."""
    n_ext = len(ext.parcel_ids)
    idx = ext.parcel_index
    a, oc, g, peat = ext.area_ha, ext.carbon, ext.gvsmax, ext.peat
    has_c, has_g, has_p = ~np.isnan(oc), ~np.isnan(g), ~np.isnan(peat)

    def total(mask: np.ndarray, values: np.ndarray | None = None) -> np.ndarray:
        # Per-parcel sums of the selected cells with np.add.reduceat, which sums each
        # segment as np.sum does (pairwise), so the results match measure() exactly.
        w = a[mask] if values is None else values[mask] * a[mask]
        counts = np.bincount(idx[mask], minlength=n_ext)
        out = np.zeros(n_ext)
        if w.size:
            starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
            nz = counts > 0
            out[nz] = np.add.reduceat(w, starts[nz])
        return out

    def take(x: np.ndarray, fill: float) -> np.ndarray:
        return np.where(pos >= 0, x[np.maximum(pos, 0)], fill) if x.size else \
            np.full(pos.size, fill)

    area = take(ext.parcel_ha, 0.0)
    any_c = take(np.bincount(idx, weights=has_c.astype(float), minlength=n_ext), 0.0) > 0
    peat_cell = has_c & (oc >= rules["peat_oc_min_pct"])
    above = has_c & (oc > rules["share_oc_threshold_pct"])
    complete = has_c & has_g & has_p
    both = peat_cell & has_g & has_p
    drained = np.minimum(peat, np.maximum(-g, 0.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        sw_g, sw_d = take(total(has_g), 0.0), take(total(both), 0.0)
        m = {
            "area_ha": area,
            "carbon_mapped_ha": take(total(has_c), 0.0),
            "peat_area_ha": np.where(any_c, take(total(peat_cell), 0.0), np.nan),
            "share_oc_above_6_pct": np.where(any_c & (area > 0),
                                             100.0 * take(total(above), 0.0) / area, np.nan),
            "gvsmax_cm": np.where(sw_g > 0, take(total(has_g, g), 0.0) / sw_g, np.nan),
            "drained_peat_cm": np.where(sw_d > 0, take(total(both, drained), 0.0) / sw_d,
                                        np.nan),
            "peat_cells_with_depth_ha": sw_d,
        }
        m["water_table_rise_cm"] = rules["target_water_table_cm"] - m["gvsmax_cm"]

        def nodata(mask: np.ndarray) -> np.ndarray:
            return np.where(area > 0, np.clip(100.0 * (1.0 - take(total(mask), 0.0) / area),
                                              0, 100), 100.0)

        m["nodata_pct"] = nodata(complete)
        for name, has in (("carbon", has_c), ("water", has_g), ("peat", has_p)):
            m[f"nodata_{name}_pct"] = nodata(has)
    return m


def _table(parcels: gpd.GeoDataFrame, ext: Extraction, rules: ParamTable,
           factors: EmissionFactors, horizon: float, horizon_given: bool
           ) -> tuple[pd.DataFrame, list[list[str]]]:
    """The result table for all parcels, computed with arrays; sentences are written
    for the parcels that need them only. Returns the table and, per parcel, the
    emission assumptions."""
    r = rules
    ids = list(parcels[PARCEL_ID])
    where = {pid: i for i, pid in enumerate(ext.parcel_ids)}
    pos = np.array([where.get(pid, -1) for pid in ids], dtype=np.int64)
    n = len(ids)
    m = measure_arrays(ext, pos, rules)
    area = m["area_ha"]

    # CO2: cells of the extraction, rotation of the parcel row they belong to.
    rot = parcels["in_rotation"].astype(bool).to_numpy()
    rot_ext = np.ones(len(ext.parcel_ids), dtype=bool)
    rot_ext[pos[pos >= 0]] = rot[pos >= 0]
    em = emissions_arrays(ext.parcel_index, ext.carbon, ext.area_ha, rot_ext, factors)

    def take(x: np.ndarray) -> np.ndarray:
        return np.where(pos >= 0, x[np.maximum(pos, 0)], 0.0) if x.size else np.zeros(n)

    before = {k: take(v) for k, v in em.before.items()}
    after = {k: take(v) for k, v in em.after.items()}
    em_notes = [list(em.notes[p]) if p >= 0 else [] for p in pos.tolist()]
    before_total = before["co2"] + before["n2o"] + before["ch4"]
    after_total = after["co2"] + after["n2o"] + after["ch4"]
    reduction = before_total - after_total

    # Budget (see make_budget), per parcel.
    bid = pd.to_numeric(parcels.get("bid_dkk_per_ha", pd.Series(np.nan, index=parcels.index)),
                        errors="coerce").to_numpy(dtype=float)
    total_bid = pd.to_numeric(parcels.get("total_bid_dkk",
                                          pd.Series(np.nan, index=parcels.index)),
                              errors="coerce").to_numpy(dtype=float)
    max_total = r["max_support_dkk_per_ha"] * area
    max_comp = r["max_income_comp_dkk_per_ha"] * area
    min_costs = r["min_project_costs_dkk_per_ha"] * area
    has_bid, has_total = ~np.isnan(bid), ~np.isnan(total_bid)
    is_bid = has_bid | has_total
    with np.errstate(invalid="ignore", divide="ignore"):
        comp = np.where(has_bid, bid * area,
                        np.maximum(0.0, np.minimum(max_comp, total_bid - min_costs)))
        comp = np.where(is_bid, comp, max_comp)
        total = np.where(has_total, total_bid, comp + min_costs)
        total = np.where(is_bid, total, max_total)
        costs = total - comp
        tol = 0.5
        chk = is_bid & (area > 0)
        bud_bad = chk & ((comp > max_comp + tol) | (total > max_total + tol)
                         | (costs < min_costs - tol))
        total_t = reduction * horizon
        price = np.where(np.isfinite(total) & (total_t > 0), total / total_t, np.nan)
    cap = r["max_dkk_per_t_co2e"]
    price_r = _round6(price)

    # Criteria results (judge + verdict_for).
    pa, share = m["peat_area_ha"], m["share_oc_above_6_pct"]
    g, d = m["gvsmax_cm"], m["drained_peat_cm"]
    pa_r, share_r, g_r, d_r = _round6(pa), _round6(share), _round6(g), _round6(d)
    res = {
        "peat_area": np.where(np.isnan(pa) | (pa_r < r["min_peat_area_ha"]), FAIL,
                              np.where(pa_r > r["max_peat_area_ha"], SECONDARY, PASS)),
        "oc_share": np.where(np.isnan(share) | (share_r < r["min_share_oc_above_pct"]),
                             FAIL, PASS),
        "gvsmax": np.where(np.isnan(g) | ~(g_r < r["max_gvsmax_cm"]), FAIL, PASS),
        "drained_peat": np.where(np.isnan(d) | (d_r < r["min_drained_peat_cm"]), FAIL, PASS),
        "budget": np.where(is_bid, np.where(bud_bad, FAIL, PASS), NA),
        "price": np.where(is_bid, np.where(~np.isnan(price) & (price_r <= cap), PASS, FAIL),
                          NA),
    }
    fails = np.column_stack([res[k] == FAIL for k in CRITERIA])
    secs = np.column_stack([res[k] == SECONDARY for k in CRITERIA])
    status = np.where(fails.any(axis=1), INELIGIBLE,
                      np.where(secs.any(axis=1), SECONDARY, ELIGIBLE))
    failed = np.full(n, "", dtype=object)
    reasons_da = np.full(n, "", dtype=object)
    reasons_en = np.full(n, "", dtype=object)
    soil = ("peat_area", "oc_share", "gvsmax", "drained_peat")
    explained = fails | secs
    for i in np.flatnonzero(explained.any(axis=1)).tolist():
        da, en = [], []
        if any(res[k][i] != PASS for k in soil):
            mi = {k: float(v[i]) for k, v in m.items()}
            for c in judge(mi, rules):
                if c.result in (FAIL, SECONDARY):
                    da.append(c.sentence_da)
                    en.append(c.sentence_en)
        if res["budget"][i] == FAIL:
            b = make_budget(float(area[i]), rules, float(bid[i]), float(total_bid[i]))
            da.append(" ".join(b.problems_da))
            en.append("; ".join(b.problems_en))
        if res["price"][i] == FAIL:
            p = float(price[i])
            if np.isnan(p):
                da.append("Projektet giver ingen CO2-reduktion, så prisen pr. ton kan ikke "
                          "beregnes.")
                en.append("no CO2 reduction")
            else:
                da.append(f"Buddet svarer til {num_da(p, 0)} kr. pr. ton CO2e over "
                          f"{num_da(horizon, 0)} år; højst {num_da(cap, 0)} kr./t er tilladt.")
                en.append(f"{p:.0f} DKK/t over {horizon:g} years exceeds {cap:g} DKK/t")
        failed[i] = ";".join(k for j, k in enumerate(CRITERIA) if fails[i, j])
        reasons_da[i] = " ".join(da)
        reasons_en[i] = "; ".join(en)

    notes = np.full(n, "", dtype=object)
    labels = (("carbon", "kulstof"), ("water", "GVSmax"), ("peat", "tørvedybde"))
    for i in np.flatnonzero(m["nodata_pct"] > 0.05).tolist():
        if m["nodata_pct"][i] >= 99.95:
            notes[i] = "Parcellen ligger uden for kortene eller kun på nodata."
        else:
            at = ", ".join(f"{lbl} {num_da(float(m[f'nodata_{k}_pct'][i]))} %"
                           for k, lbl in labels if m[f"nodata_{k}_pct"][i] > 0.05)
            notes[i] = (f"Kortene mangler data for en del af parcellen ({at}); værdierne er "
                        "beregnet på cellerne med data, og celler uden kulstofdata tæller "
                        "ikke som tørvejord.")

    extra = [] if horizon_given else rules.assumptions(["default_horizon_years"])
    rot_note = rules.assumptions(["default_in_rotation"])
    given = parcels["in_rotation_given"].astype(bool).to_numpy()
    cache: dict[tuple, str] = {}
    assumption = []
    for notes_i, gv in zip(em_notes, given.tolist(), strict=True):
        key = (tuple(notes_i), gv)
        if key not in cache:
            na = list(notes_i) + extra + ([] if gv else rot_note)
            cache[key] = "yes: " + "; ".join(dict.fromkeys(na)) if na else "no"
        assumption.append(cache[key])

    gwp = factors.gwp
    col = lambda c: parcels[c].to_numpy()  # noqa: E731
    table = pd.DataFrame({
        PARCEL_ID: ids,
        "status": status,
        "status_da": pd.Series(status).map(STATUS_DA).to_numpy(),
        "failed_criteria": failed,
        "reasons_da": reasons_da,
        "reasons_en": reasons_en,
        "area_ha": area,
        "peat_area_ha": pa,
        "share_oc_above_6_pct": share,
        "gvsmax_cm": g,
        "drained_peat_cm": d,
        "water_table_rise_cm": m["water_table_rise_cm"],
        "nodata_pct": m["nodata_pct"],
        "in_rotation": rot,
        "co2e_before_t_per_year": before_total,
        "co2e_after_t_per_year": after_total,
        "co2e_reduction_t_per_year": reduction,
        "horizon_years": np.full(n, horizon),
        "co2e_reduction_t_horizon": reduction * horizon,
        "co2_before_t_per_year": before["co2"],
        "n2o_before_t_co2e_per_year": before["n2o"],
        "n2o_before_t_per_year": before["n2o"] / gwp["n2o"],
        "ch4_after_t_co2e_per_year": after["ch4"],
        "ch4_after_t_per_year": after["ch4"] / gwp["ch4"],
        "max_support_dkk": max_total,
        "max_income_comp_dkk": max_comp,
        "min_project_costs_dkk": min_costs,
        "bid_dkk_per_ha": col("bid_dkk_per_ha"),
        "total_bid_dkk": col("total_bid_dkk"),
        "synergy_points": col("synergy_points"),
        "applicant_type": col("applicant_type"),
        "budget_total_dkk": total,
        "dkk_per_t_co2e": price,
        "price_basis": np.where(is_bid, "bid", "max_support"),
        "price_ok": np.isfinite(price) & (price_r <= cap),
        **{f"crit_{k}": res[k] for k in CRITERIA},
        "notes": notes,
        "rules_version": rules.version,
        "emission_factors": factors.version,
        "assumption": assumption,
    })
    if n == 0:
        table = table.iloc[0:0]
    return table, em_notes
