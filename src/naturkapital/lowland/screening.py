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

Every figure is computed once, for all parcels at once, with arrays
(:func:`screen_arrays`); a one-parcel :class:`Verdict` is one row of it plus its
sentences (:meth:`Screened.verdict`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial

import geopandas as gpd
import numpy as np
import pandas as pd

from naturkapital.core.numbers import check_number
from naturkapital.core.parallel import map_chunks
from naturkapital.lowland.budget import (
    BREACHES,
    Budget,
    BudgetArrays,
    breach_sentences,
    budget_arrays,
)
from naturkapital.lowland.cells import (
    PARCEL_ID,
    Extraction,
    LowlandRasters,
    ValueRanges,
    check_ranges,
    combine_ranges,
    extract_cells,
    on_carbon_grid,
    segment_sums,
    value_ranges,
)
from naturkapital.lowland.co2 import (
    EmissionArrays,
    Emissions,
    emissions_arrays,
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

#: The longest CO2 horizon accepted (years); the spec's bound (lowland/spec.py).
MAX_HORIZON_YEARS = 200.0


def check_horizon(horizon_years: float | None) -> float | None:
    """The CO2 horizon (years) checked: finite, above 0, at most
    :data:`MAX_HORIZON_YEARS`; None means the rules table's default."""
    return check_number(horizon_years, "--horizon-years", above=0, at_most=MAX_HORIZON_YEARS)


def num_da(x: float, digits: int = 1) -> str:
    """A number the Danish way: decimal comma, minus sign (−42,5)."""
    if x is None or not np.isfinite(x):
        return "–"
    if round(x, digits) == 0:
        x = 0.0  # no "−0"
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


def measure_arrays(ext: Extraction, pos: np.ndarray, rules: ParamTable
                   ) -> dict[str, np.ndarray]:
    """Measured values of every parcel (ha, %, cm; NaN where no data), see the module
    docstring; ``pos`` maps each parcel row to its position in ``ext`` (−1: no cells,
    area 0). Also ``carbon_mapped_ha``, ``peat_cells_with_depth_ha``,
    ``water_table_rise_cm`` (target − GVSmax) and the nodata shares (%) per map."""
    n_ext = len(ext.parcel_ids)
    idx = ext.parcel_index
    a, oc, g, peat = ext.area_ha, ext.carbon, ext.gvsmax, ext.peat
    has_c, has_g, has_p = ~np.isnan(oc), ~np.isnan(g), ~np.isnan(peat)

    def total(mask: np.ndarray, values: np.ndarray | None = None) -> np.ndarray:
        w = a[mask] if values is None else values[mask] * a[mask]
        return segment_sums(idx[mask], w, n_ext)

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


def _round6(x: np.ndarray) -> np.ndarray:
    """``round(x, 6)`` element by element (Python's correctly rounded decimal rounding,
    as the rules compare): measured values are rounded so that exactly 2 ha is not
    failed by float noise. Vectorised: ``rint(x·10⁶)/10⁶`` is Python's result except
    where x·10⁶ lies within a few ulps of a tie (or is huge); those go to ``round``."""
    x = np.asarray(x, dtype=float)
    with np.errstate(invalid="ignore", over="ignore"):
        y = x * 1e6
        ay = np.abs(y)
        out = np.rint(y) / 1e6
        doubt = np.isfinite(x) & ((ay >= 2.0 ** 50) | ~np.isfinite(y)
                                  | (np.abs(ay - np.floor(ay) - 0.5) <= 4 * np.spacing(ay)))
    out = np.where(np.isfinite(x), out, x)
    at = np.flatnonzero(doubt)
    if at.size:
        out[at] = [round(v, 6) for v in x[at].tolist()]
    return out


def judge_arrays(m: Mapping[str, np.ndarray], budget: BudgetArrays, price: np.ndarray,
                 rules: ParamTable) -> dict[str, np.ndarray]:
    """Result (pass, fail, secondary, n/a) of every criterion in :data:`CRITERIA`, per
    parcel, from the measured values ``m`` (see :func:`measure_arrays`), the budgets
    and the price per tonne (DKK/t CO2e over the horizon).

    Peat area (ha) within [min, max] passes, above max is secondary; the share with
    OC above the threshold (%) must reach the minimum; GVSmax (cm) must lie strictly
    deeper than the limit; the drained peat (cm) must reach the minimum; NaN fails.
    Budget and price are assessed only for parcels with a bid (else n/a).
    """
    r = rules
    pa, share = np.asarray(m["peat_area_ha"]), np.asarray(m["share_oc_above_6_pct"])
    g, d = np.asarray(m["gvsmax_cm"]), np.asarray(m["drained_peat_cm"])
    pa_r, share_r, g_r, d_r = _round6(pa), _round6(share), _round6(g), _round6(d)
    ok = price_within_cap(price, rules)
    with np.errstate(invalid="ignore"):
        return {
            "peat_area": np.where(np.isnan(pa) | (pa_r < r["min_peat_area_ha"]), FAIL,
                                  np.where(pa_r > r["max_peat_area_ha"], SECONDARY, PASS)),
            "oc_share": np.where(np.isnan(share) | (share_r < r["min_share_oc_above_pct"]),
                                 FAIL, PASS),
            "gvsmax": np.where(np.isnan(g) | ~(g_r < r["max_gvsmax_cm"]), FAIL, PASS),
            "drained_peat": np.where(np.isnan(d) | (d_r < r["min_drained_peat_cm"]), FAIL,
                                     PASS),
            "budget": np.where(budget.is_bid, np.where(budget.within_rules, PASS, FAIL), NA),
            "price": np.where(budget.is_bid, np.where(ok, PASS, FAIL), NA),
        }


def price_within_cap(price: np.ndarray, rules: ParamTable) -> np.ndarray:
    """True where the price (DKK/t CO2e, rounded to 6 decimals) is at most the cap."""
    price = np.asarray(price, dtype=float)
    return np.isfinite(price) & (_round6(price) <= rules["max_dkk_per_t_co2e"])


def status_arrays(results: Mapping[str, np.ndarray]) -> np.ndarray:
    """eligible, secondary or ineligible per parcel: any fail → ineligible; else any
    secondary → secondary; else eligible."""
    keys = [k for k in CRITERIA if k in results]
    fails = np.column_stack([results[k] == FAIL for k in keys])
    secs = np.column_stack([results[k] == SECONDARY for k in keys])
    return np.where(fails.any(axis=1), INELIGIBLE,
                    np.where(secs.any(axis=1), SECONDARY, ELIGIBLE))


def requirements(rules: ParamTable) -> dict[str, str]:
    """The requirement of each criterion in words (Danish numbers), e.g. "2–10 ha"."""
    r = rules
    return {
        "peat_area": f"{num_da(r['min_peat_area_ha'], 0)}–{num_da(r['max_peat_area_ha'], 0)} ha",
        "oc_share": f"≥ {num_da(r['min_share_oc_above_pct'], 0)} % af arealet med OC > "
                    f"{num_da(r['share_oc_threshold_pct'], 0)} %",
        "gvsmax": f"dybere end {num_da(r['max_gvsmax_cm'])} cm",
        "drained_peat": f"≥ {num_da(r['min_drained_peat_cm'], 0)} cm",
        "budget": f"≤ {num_da(r['max_support_dkk_per_ha'], 0)} kr./ha",
        "price": f"≤ {num_da(r['max_dkk_per_t_co2e'], 0)} kr./t",
    }


def _peat_area(m: Mapping[str, float], res: Mapping[str, str], r: ParamTable,
               req: Mapping[str, str]) -> Criterion:
    """Peat-soil area (ha) with the sentence of a fail or secondary."""
    lo, hi = r["min_peat_area_ha"], r["max_peat_area_ha"]
    pa = m["peat_area_ha"]
    crit = partial(Criterion, "peat_area", "Areal med tørvejord", "peat-soil area",
                   req["peat_area"], pa, "ha", res["peat_area"])
    if res["peat_area"] == FAIL and np.isnan(pa):
        return crit("Der er ingen kulstofdata for parcellen, så arealet med tørvejord "
                    "kan ikke opgøres.", "no carbon data for the parcel; peat area unknown")
    if res["peat_area"] == FAIL:
        return crit(f"Arealet med tørvejord (mindst {num_da(r['peat_oc_min_pct'], 0)} % "
                    f"organisk kulstof) er {num_da(pa, 2)} ha; det skal være mindst "
                    f"{num_da(lo, 0)} ha.", f"peat area {pa:.2f} ha is below {lo:g} ha")
    if res["peat_area"] == SECONDARY:
        return crit(f"Arealet med tørvejord er {num_da(pa, 2)} ha, over {num_da(hi, 0)} "
                    "ha; projektet kan kun komme i betragtning som sekundær mulighed.",
                    f"peat area {pa:.2f} ha is above {hi:g} ha: secondary option only")
    return crit()


def _oc_share(m: Mapping[str, float], res: Mapping[str, str], r: ParamTable,
              req: Mapping[str, str]) -> Criterion:
    """Share of the area with OC above the threshold (%), with the sentence of a fail."""
    share = m["share_oc_above_6_pct"]
    need, thr = r["min_share_oc_above_pct"], r["share_oc_threshold_pct"]
    crit = partial(Criterion, "oc_share", "Andel med kulstof over 6 %", "share with OC > 6 %",
                   req["oc_share"], share, "%", res["oc_share"])
    if res["oc_share"] == FAIL and np.isnan(share):
        return crit("Der er ingen kulstofdata for parcellen.", "no carbon data")
    if res["oc_share"] == FAIL:
        return crit(f"Kun {num_da(share)} % af arealet har over {num_da(thr, 0)} % "
                    f"organisk kulstof; kravet er mindst {num_da(need, 0)} %.",
                    f"only {share:.1f} % of the area has OC > {thr:g} %; {need:g} % "
                    "required")
    return crit()


def _gvsmax(m: Mapping[str, float], res: Mapping[str, str], r: ParamTable,
            req: Mapping[str, str]) -> Criterion:
    """Water table before (GVSmax, cm), with the sentence of a fail."""
    g, lim = m["gvsmax_cm"], r["max_gvsmax_cm"]
    crit = partial(Criterion, "gvsmax", "Vandstand før (GVSmax)", "water table before (GVSmax)",
                   req["gvsmax"], g, "cm", res["gvsmax"])
    if res["gvsmax"] == FAIL and np.isnan(g):
        return crit("Der er ingen data om vandstanden (GVSmax) for parcellen.",
                    "no water-table data")
    if res["gvsmax"] == FAIL:
        return crit(f"Vandstanden før (GVSmax) er {num_da(g)} cm; den skal ligge dybere "
                    f"end {num_da(lim)} cm, ellers er jorden allerede for våd til at give "
                    "en CO2-gevinst.", f"GVSmax {g:.1f} cm is not deeper than {lim:g} cm")
    return crit()


def _drained_peat(m: Mapping[str, float], res: Mapping[str, str], r: ParamTable,
                  req: Mapping[str, str]) -> Criterion:
    """Drained peat layer (cm), with the sentence of a fail."""
    d, need_d, pa = m["drained_peat_cm"], r["min_drained_peat_cm"], m["peat_area_ha"]
    crit = partial(Criterion, "drained_peat", "Drænet tørvelag", "drained peat",
                   req["drained_peat"], d, "cm", res["drained_peat"])
    if res["drained_peat"] == FAIL and np.isnan(d):
        no_peat = not np.isnan(pa) and pa <= 0
        return crit("Der er ingen tørvejord i parcellen at måle tørvelaget på." if no_peat
                    else "Der mangler data om tørvedybde eller vandstand på tørvejorden.",
                    "no peat cells" if no_peat else "no peat-depth/water data")
    if res["drained_peat"] == FAIL:
        return crit(f"Det drænede tørvelag (den mindste af tørvedybden og dybden til "
                    f"grundvandet) er {num_da(d)} cm; det skal være mindst "
                    f"{num_da(need_d, 0)} cm.",
                    f"drained peat {d:.1f} cm is below {need_d:g} cm")
    return crit()


#: The four soil and water criteria, in :data:`CRITERIA` order.
SOIL_CRITERIA = (_peat_area, _oc_share, _gvsmax, _drained_peat)


def _soil_criteria(m: Mapping[str, float], res: Mapping[str, str], rules: ParamTable,
                   req: Mapping[str, str]) -> list[Criterion]:
    """The four soil and water criteria of one parcel: measured values ``m``, the
    results ``res`` from :func:`judge_arrays`, the requirements ``req`` (see
    :func:`requirements`), and the sentence that explains a fail or secondary."""
    return [f(m, res, rules, req) for f in SOIL_CRITERIA]


def _money_criteria(area_ha: float, total_dkk: float, price: float, res: Mapping[str, str],
                    problems: tuple[str, str], horizon: float, rules: ParamTable,
                    req: Mapping[str, str]) -> list[Criterion]:
    """Budget and price criteria of one parcel: area (ha), budget total (DKK), price
    (DKK/t CO2e), results from :func:`judge_arrays`, the Danish/English sentences of
    the budget's breaches and the requirements ``req``."""
    if res["budget"] == NA:
        return [Criterion("budget", "Budget inden for grænserne", "budget within limits",
                          "intet bud / no bid", np.nan, "DKK/ha", NA),
                _price(price, res["price"], horizon, rules, req)]
    return [Criterion("budget", "Budget inden for grænserne", "budget within limits",
                      req["budget"], total_dkk / area_ha if area_ha else np.nan, "DKK/ha",
                      res["budget"], *problems),
            _price(price, res["price"], horizon, rules, req)]


def _price(price: float, result: str, horizon: float, rules: ParamTable,
           req: Mapping[str, str]) -> Criterion:
    """Price per tonne CO2e over the horizon, with the sentence of a fail."""
    cap = rules["max_dkk_per_t_co2e"]
    name = ("price", "Pris pr. ton CO2e", "price per t CO2e", req["price"], price, "DKK/t",
            result)
    if result == FAIL and np.isnan(price):
        return Criterion(*name, "Projektet giver ingen CO2-reduktion, så prisen pr. ton "
                                "kan ikke beregnes.", "no CO2 reduction")
    if result == FAIL:
        return Criterion(*name, price_over_cap_da(price, horizon, cap),
                         f"{price:.0f} DKK/t over {horizon:g} years exceeds {cap:g} DKK/t")
    return Criterion(*name)


def price_over_cap_da(price: float, horizon: float, cap: float) -> str:
    """The Danish sentence for a price (DKK/t CO2e over ``horizon`` years) above the
    cap."""
    return (f"Buddet svarer til {num_da(price, 0)} kr. pr. ton CO2e over "
            f"{num_da(horizon, 0)} år; højst {num_da(cap, 0)} kr./t er tilladt.")


def _nodata_notes(m: Mapping[str, float]) -> tuple[list[str], list[str]]:
    """Danish and English notes on missing map data of one parcel (empty when the
    maps cover at least 99.95 % of it)."""
    if not m["nodata_pct"] > 0.05:
        return [], []
    if m["nodata_pct"] >= 99.95:
        return (["Parcellen ligger uden for kortene eller kun på nodata."],
                ["parcel lies outside the maps or on nodata only"])
    where = ", ".join(f"{lbl} {num_da(m[f'nodata_{k}_pct'])} %" for k, lbl in
                      (("carbon", "kulstof"), ("water", "GVSmax"), ("peat", "tørvedybde"))
                      if m[f"nodata_{k}_pct"] > 0.05)
    return ([f"Kortene mangler data for en del af parcellen ({where}); værdierne er "
             "beregnet på cellerne med data, og celler uden kulstofdata tæller ikke som "
             "tørvejord."],
            [f"nodata in part of the parcel ({m['nodata_pct']:.1f} % of the area lacks at "
             "least one map); values from cells with data only"])


@dataclass
class Screened:
    """Every figure of a screening as arrays, one entry per parcel row.

    This is the one implementation of the lowland formulas: ``metrics`` (ha, %, cm,
    see :func:`measure_arrays`), ``emissions`` (t CO2e/yr), ``budget`` (DKK),
    ``price`` (DKK per t CO2e over ``horizon`` years), ``results`` per criterion and
    ``status``. A one-parcel :class:`Verdict` (:meth:`verdict`) is one row of it plus
    its sentences.
    """

    ids: list[str]
    metrics: dict[str, np.ndarray]
    emissions: EmissionArrays
    budget: BudgetArrays
    price: np.ndarray
    results: dict[str, np.ndarray]
    status: np.ndarray
    horizon: float
    rules: ParamTable

    @property
    def reduction(self) -> np.ndarray:
        """t CO2e/yr saved by rewetting (before − after)."""
        return self.emissions.before_total - self.emissions.after_total

    def _lists(self) -> tuple[dict[str, list], dict[str, list], list, list]:
        """The arrays as Python lists (made once): metrics, results, budget totals and
        prices, so that one parcel's row is read without NumPy scalars."""
        got = self.__dict__.get("_as_lists")
        if got is None:
            got = self.__dict__["_as_lists"] = (
                {k: np.asarray(v, dtype=float).tolist() for k, v in self.metrics.items()},
                {k: np.asarray(v).astype(str).tolist() for k, v in self.results.items()},
                np.asarray(self.budget.total_dkk, dtype=float).tolist(),
                np.asarray(self.price, dtype=float).tolist())
        return got

    def metrics_row(self, i: int) -> dict[str, float]:
        """Measured values of parcel ``i`` (ha, %, cm; NaN where no data)."""
        return {k: v[i] for k, v in self._lists()[0].items()}

    def criteria(self, i: int, budget: Budget | None = None) -> list[Criterion]:
        """The criteria of parcel ``i`` with their results and sentences (``budget``:
        its :class:`Budget` if already built)."""
        metrics, results, totals, prices = self._lists()
        m = {k: v[i] for k, v in metrics.items()}
        res = {k: v[i] for k, v in results.items()}
        problems = ("", "")
        if res["budget"] == FAIL:
            budget = budget or self.budget.row(i, self.rules)
            problems = (" ".join(budget.problems_da), "; ".join(budget.problems_en))
        req = self.__dict__.get("_requirements")
        if req is None:
            req = self.__dict__["_requirements"] = requirements(self.rules)
        return (_soil_criteria(m, res, self.rules, req)
                + _money_criteria(m["area_ha"], totals[i], prices[i], res, problems,
                                  self.horizon, self.rules, req))

    def reasons(self, i: int) -> tuple[list[str], list[str]]:
        """Danish and English sentences of the failed and secondary criteria."""
        crits = [c for c in self.criteria(i) if c.result in (FAIL, SECONDARY)]
        return [c.sentence_da for c in crits], [c.sentence_en for c in crits]

    def verdict(self, i: int) -> Verdict:
        """Everything about parcel ``i``: criteria, emissions, budget, price, notes."""
        bud = self.budget.row(i, self.rules)
        em = self.emissions.row(i)
        notes_da, notes_en = _nodata_notes(self.metrics_row(i))
        return Verdict(parcel_id=self.ids[i], status=str(self.status[i]),
                       criteria=self.criteria(i, bud), metrics=self.metrics_row(i),
                       emissions=em, budget=bud, price_dkk_per_t=float(self.price[i]),
                       price_basis=bud.basis, notes_da=notes_da, notes_en=notes_en,
                       assumptions=list(em.assumptions))


@dataclass
class Measured:
    """Per parcel row: the measured values (:func:`measure_arrays`) and emissions; the
    grid they were read on (CRS, cell area in ha)."""

    metrics: dict[str, np.ndarray]
    emissions: EmissionArrays
    crs: str
    cell_ha: float

    @classmethod
    def concat(cls, parts: list[Measured]) -> Measured:
        """The parcel rows of ``parts`` one after the other."""
        return cls({k: np.concatenate([p.metrics[k] for p in parts])
                    for k in parts[0].metrics},
                   EmissionArrays.concat([p.emissions for p in parts]),
                   parts[0].crs, parts[0].cell_ha)


def measure_cells(parcels: pd.DataFrame, ext: Extraction, rules: ParamTable,
                  factors: EmissionFactors) -> Measured:
    """Measured values and emissions of every parcel row of ``parcels`` (columns
    ``parcel_id``, ``in_rotation``) from the extracted cells ``ext``."""
    ids = parcels[PARCEL_ID].tolist()
    where = {pid: i for i, pid in enumerate(ext.parcel_ids)}
    if len(where) == len(ids) and ext.parcel_ids == ids:  # the usual case: same rows
        pos = np.arange(len(ids), dtype=np.int64)
    else:
        pos = np.array([where.get(pid, -1) for pid in ids], dtype=np.int64)
    m = measure_arrays(ext, pos, rules)

    # CO2: cells of the extraction, rotation of the parcel row they belong to.
    rot = parcels["in_rotation"].astype(bool).to_numpy()
    rot_ext = np.ones(len(ext.parcel_ids), dtype=bool)
    rot_ext[pos[pos >= 0]] = rot[pos >= 0]
    em = emissions_arrays(ext.parcel_index, ext.carbon, ext.area_ha, rot_ext,
                          factors).take(pos)
    return Measured(m, em, ext.crs, ext.cell_ha)


#: Parcels per chunk when screening many: one chunk's cells are in memory at a time
#: (100 000 parcels of about 1 ha hold 12 million cells of 10 m, 470 MB at once).
CHUNK_PARCELS = 10_000


def _measure_chunk(task: tuple[gpd.GeoDataFrame, LowlandRasters, ParamTable,
                               EmissionFactors, str]) -> tuple[Measured, ValueRanges]:
    """One chunk of :func:`measure_parcels` (run in a worker process)."""
    parcels, rasters, rules, factors, source = task
    ext = extract_cells(parcels, rasters, source, checks=False)
    return measure_cells(parcels, ext, rules, factors), value_ranges(ext)


def measure_parcels(parcels: gpd.GeoDataFrame, rasters: LowlandRasters, rules: ParamTable,
                    factors: EmissionFactors, parcels_source: str = "parcels",
                    progress: Callable[[int], None] | None = None,
                    chunk: int | None = None, n_workers: int | None = None) -> Measured:
    """Measured values and emissions of every parcel, read from the rasters ``chunk``
    parcels at a time, in :func:`naturkapital.core.parallel.workers` processes (each
    parcel is measured from its own cells, so chunks change no number). The checks of
    :func:`naturkapital.lowland.cells.extract_cells` hold for all parcels together
    (``chunk`` defaults to :data:`CHUNK_PARCELS`)."""
    chunk = chunk or CHUNK_PARCELS
    if len(parcels) <= chunk:
        ext = extract_cells(parcels, rasters, parcels_source, progress)
        return measure_cells(parcels, ext, rules, factors)
    pr = on_carbon_grid(parcels, rasters, parcels_source)
    tasks = [(pr.iloc[i:i + chunk], rasters, rules, factors, parcels_source)
             for i in range(0, len(pr), chunk)]
    parts = map_chunks(_measure_chunk, tasks, n_workers,
                       done=(lambda i: progress(len(tasks[i][0]))) if progress else None)
    check_ranges(combine_ranges([r for _, r in parts]), rasters)
    return Measured.concat([m for m, _ in parts])


def screen_arrays(parcels: pd.DataFrame, ext: Extraction, rules: ParamTable,
                  factors: EmissionFactors, horizon: float) -> Screened:
    """Screen every parcel row of ``parcels`` (columns ``parcel_id``, ``in_rotation``
    and optionally ``bid_dkk_per_ha``, ``total_bid_dkk``) from the extracted cells
    ``ext``; ``horizon`` in years."""
    return judge_measured(parcels, measure_cells(parcels, ext, rules, factors), rules,
                          horizon)


def judge_measured(parcels: pd.DataFrame, measured: Measured, rules: ParamTable,
                   horizon: float) -> Screened:
    """Budget, price per tonne and verdicts of every parcel row from its measured
    values and emissions."""
    m, em = measured.metrics, measured.emissions

    def given(col: str) -> np.ndarray:
        return pd.to_numeric(parcels.get(col, pd.Series(np.nan, index=parcels.index)),
                             errors="coerce").to_numpy(dtype=float)

    bud = budget_arrays(m["area_ha"], rules, given("bid_dkk_per_ha"), given("total_bid_dkk"))
    price = price_per_tonne(bud.total_dkk, em.before_total - em.after_total, horizon)
    res = judge_arrays(m, bud, price, rules)
    status = status_arrays(res)
    return Screened(ids=parcels[PARCEL_ID].tolist(), metrics=m, emissions=em, budget=bud,
                    price=price, results=res, status=status, horizon=horizon, rules=rules)


def screen(parcels: gpd.GeoDataFrame, rasters: LowlandRasters, rules: ParamTable,
           factors: EmissionFactors, horizon_years: float | None = None,
           parcels_source: str = "parcels",
           progress: Callable[[int], None] | None = None) -> ScreenResult:
    """Screen every parcel (from :func:`naturkapital.lowland.parcels.read_parcels`).

    ``horizon_years`` defaults to the rules table's ``default_horizon_years`` (an
    assumption, then listed as such). Returns a :class:`ScreenResult`.
    """
    horizon_years = check_horizon(horizon_years)
    measured = measure_parcels(parcels, rasters, rules, factors, parcels_source, progress)
    return _result(parcels, measured, rasters, rules, factors, horizon_years)


def screen_extracted(parcels: gpd.GeoDataFrame, ext: Extraction, rasters: LowlandRasters,
                     rules: ParamTable, factors: EmissionFactors,
                     horizon_years: float | None = None) -> ScreenResult:
    """Screening from already extracted cells (see :func:`screen`)."""
    return _result(parcels, measure_cells(parcels, ext, rules, factors), rasters, rules,
                   factors, check_horizon(horizon_years))


def _result(parcels: gpd.GeoDataFrame, measured: Measured, rasters: LowlandRasters,
            rules: ParamTable, factors: EmissionFactors,
            horizon_years: float | None) -> ScreenResult:
    """The screening's table, verdicts and metadata from the measured parcels."""
    horizon_given = horizon_years is not None
    horizon = float(horizon_years if horizon_given else rules["default_horizon_years"])
    screened = judge_measured(parcels, measured, rules, horizon)
    table = _table(parcels, screened, factors, horizon_given)
    assumptions: list[str] = []
    if not horizon_given:
        assumptions += rules.assumptions(["default_horizon_years"])
    rotation_default = ~parcels["in_rotation_given"].astype(bool)
    if rotation_default.any():
        assumptions += rules.assumptions(["default_in_rotation"])
    for notes in screened.emissions.notes:
        assumptions += notes
    assumptions = list(dict.fromkeys(assumptions))
    verdicts = LazyVerdicts(screened)
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
        "grid_crs": measured.crs,
        "cell_ha": measured.cell_ha,
        "assumptions": assumptions,
        "units": {"*_ha": "ha", "*_pct": "%", "*_cm": "cm (GVSmax negative below surface)",
                  "co2e_*_t_per_year": "t CO2e per year", "*_dkk": "DKK",
                  "dkk_per_t_co2e": "DKK per t CO2e over horizon_years"},
    }
    return ScreenResult(table=table, verdicts=verdicts, parcels=parcels, meta=meta)


class LazyVerdicts(Mapping):
    """``parcel id → Verdict``, each built on first access as one row of the screened
    arrays (:meth:`Screened.verdict`)."""

    def __init__(self, screened: Screened) -> None:
        self._screened = screened
        self._first: dict[str, int] = {}
        for i, pid in enumerate(screened.ids):
            self._first.setdefault(pid, i)
        self._done: dict[str, Verdict] = {}

    def __getitem__(self, pid: str) -> Verdict:
        if pid not in self._done:
            self._done[pid] = self._screened.verdict(self._first[pid])
        return self._done[pid]

    def __iter__(self) -> Iterator[str]:
        return iter(self._first)

    def __len__(self) -> int:
        return len(self._first)


def value_keys(x: np.ndarray, digits: int) -> np.ndarray:
    """An int64 key per value such that equal keys format alike with ``digits``
    decimals (``f"{x:.{digits}f}"``, :func:`num_da`): the value rounded to ``digits``
    decimals and its sign; NaN is one key; a value whose rounding is in doubt (within a
    few ulps of a tie, or too large) gets a key of its own."""
    x = np.asarray(x, dtype=float)
    nan = np.isnan(x)
    with np.errstate(invalid="ignore", over="ignore"):
        y = x * 10.0 ** digits
        ay = np.abs(y)
        tie = np.abs(ay - np.floor(ay) - 0.5) <= 4 * np.spacing(ay)
        doubt = ~nan & (~np.isfinite(y) | (ay >= 2.0 ** 50) | tie)
        k = np.where(nan | doubt, 0.0, np.rint(y)).astype(np.int64)
    key = k * 2 + np.signbit(x)
    low = np.iinfo(np.int64).min
    key[nan] = low
    own = np.flatnonzero(doubt)
    key[own] = low + 1 + own
    return key


def once_per_key(rows: np.ndarray, keys: list[np.ndarray],
                 make: Callable[[int], tuple[str, str]]) -> tuple[np.ndarray, np.ndarray]:
    """Danish and English texts (object arrays) of ``rows``: ``make(row)`` is called
    once per distinct combination of ``keys`` (int arrays over ``rows``) and its texts
    shared by the rows of that combination."""
    if rows.size == 0:
        return np.array([], dtype=object), np.array([], dtype=object)
    _, first, inverse = np.unique(np.column_stack(keys), axis=0, return_index=True,
                                  return_inverse=True)
    made = [make(int(rows[j])) for j in first.tolist()]
    inverse = inverse.ravel()
    da = np.empty(len(made), dtype=object)
    en = np.empty(len(made), dtype=object)
    da[:], en[:] = [t[0] for t in made], [t[1] for t in made]
    return da[inverse], en[inverse]


def reason_columns(s: Screened) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``failed_criteria``, ``reasons_da`` and ``reasons_en`` of every parcel: the same
    texts as :meth:`Screened.reasons`, each sentence written once per distinct
    (criterion, branch, rounded value) and shared by the parcels it fits."""
    m, res, rules, n = s.metrics, s.results, s.rules, len(s.ids)
    req = requirements(rules)
    texts: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    shown = {k: (res[k] == FAIL) | (res[k] == SECONDARY) for k in CRITERIA}

    def column(key: str, keys: Callable[[np.ndarray], list[np.ndarray]],
               make: Callable[[int], tuple[str, str]]) -> None:
        rows = np.flatnonzero(shown[key])
        da, en = np.full(n, None, dtype=object), np.full(n, None, dtype=object)
        da[rows], en[rows] = once_per_key(rows, keys(rows), make)
        texts[key] = da, en

    def soil(f: Callable[..., Criterion]) -> Callable[[int], tuple[str, str]]:
        def make(i: int) -> tuple[str, str]:
            c = f(s.metrics_row(i), {k: str(v[i]) for k, v in res.items()}, rules, req)
            return c.sentence_da, c.sentence_en
        return make

    pa, d = m["peat_area_ha"], m["drained_peat_cm"]
    is_sec = (res["peat_area"] == SECONDARY).astype(np.int64)
    column("peat_area", lambda r: [is_sec[r], value_keys(pa[r], 2)], soil(_peat_area))
    column("oc_share", lambda r: [value_keys(m["share_oc_above_6_pct"][r], 1)],
           soil(_oc_share))
    column("gvsmax", lambda r: [value_keys(m["gvsmax_cm"][r], 1)], soil(_gvsmax))
    with np.errstate(invalid="ignore"):
        no_peat = (~np.isnan(pa) & (pa <= 0)).astype(np.int64)
    column("drained_peat", lambda r: [value_keys(d[r], 1), no_peat[r]], soil(_drained_peat))

    # budget: the sentences of its breaches, each written once per rounded DKK/ha
    bud = s.budget
    fail = np.flatnonzero(res["budget"] == FAIL)
    parts: list[tuple[np.ndarray, np.ndarray]] = []
    for kind, amount in zip(BREACHES, (bud.income_comp_dkk, bud.total_dkk,
                                       bud.project_costs_dkk), strict=True):
        da, en = np.full(n, None, dtype=object), np.full(n, None, dtype=object)
        rows = fail[getattr(bud, kind)[fail]]
        per_ha = amount[rows] / bud.area_ha[rows]
        at = {int(i): float(v) for i, v in zip(rows.tolist(), per_ha.tolist(), strict=True)}
        da[rows], en[rows] = once_per_key(
            rows, [value_keys(per_ha, 0)],
            lambda i, kind=kind, at=at: breach_sentences(kind, at[i], rules))
        parts.append((da, en))
    texts["budget"] = (_join_present([p[0] for p in parts], fail, " ", n, None),
                       _join_present([p[1] for p in parts], fail, "; ", n, None))

    price = np.asarray(s.price, dtype=float)
    column("price", lambda r: [value_keys(price[r], 0)],
           lambda i: (lambda c: (c.sentence_da, c.sentence_en))(
               _price(float(price[i]), FAIL, s.horizon, rules, req)))

    reasons_da = _join_present([texts[k][0] for k in CRITERIA], None, " ", n)
    reasons_en = _join_present([texts[k][1] for k in CRITERIA], None, "; ", n)
    code = np.zeros(n, dtype=np.int64)
    for j, k in enumerate(CRITERIA):
        code |= (res[k] == FAIL).astype(np.int64) << j
    names = np.empty(1 << len(CRITERIA), dtype=object)
    names[:] = [";".join(k for j, k in enumerate(CRITERIA) if c >> j & 1)
                for c in range(1 << len(CRITERIA))]
    return names[code], reasons_da, reasons_en


def _join_present(cols: list[np.ndarray], rows: np.ndarray | None, sep: str, n: int,
                  other: str | None = "") -> np.ndarray:
    """Per row (of ``rows``; None: all), the texts of ``cols`` that are not None joined
    by ``sep``, in column order ("" when none); other rows ``other``."""
    out = np.full(n, other, dtype=object)
    if rows is not None:
        out[rows] = ""
    if rows is None:
        rows = np.arange(n)
    present = np.column_stack([c[rows] != None for c in cols]) if cols else \
        np.zeros((rows.size, 0), dtype=bool)  # noqa: E711
    pattern = present @ (1 << np.arange(len(cols), dtype=np.int64))
    for p in np.unique(pattern).tolist():
        sel = rows[pattern == p]
        got = [c[sel] for j, c in enumerate(cols) if p >> j & 1]
        if not got:
            continue
        text = got[0]
        for g in got[1:]:
            text = text + sep + g
        out[sel] = text
    return out


def _table(parcels: gpd.GeoDataFrame, s: Screened, factors: EmissionFactors,
           horizon_given: bool) -> pd.DataFrame:
    """The result table of the screened parcels; sentences are written for the
    parcels that need them only."""
    rules, horizon, m, res = s.rules, s.horizon, s.metrics, s.results
    n = len(s.ids)
    area, em, bud = m["area_ha"], s.emissions, s.budget
    before, after = em.before, em.after
    reduction = s.reduction
    failed, reasons_da, reasons_en = reason_columns(s)

    notes = np.full(n, "", dtype=object)
    for i in np.flatnonzero(m["nodata_pct"] > 0.05).tolist():
        notes[i] = " ".join(_nodata_notes(s.metrics_row(i))[0])

    extra = [] if horizon_given else rules.assumptions(["default_horizon_years"])
    rot_note = rules.assumptions(["default_in_rotation"])
    given = parcels["in_rotation_given"].astype(bool).to_numpy()
    cache: dict[tuple, str] = {}
    assumption = []
    for notes_i, gv in zip(em.notes, given.tolist(), strict=True):
        key = (tuple(notes_i), gv)
        if key not in cache:
            na = list(notes_i) + extra + ([] if gv else rot_note)
            cache[key] = "yes: " + "; ".join(dict.fromkeys(na)) if na else "no"
        assumption.append(cache[key])

    gwp = factors.gwp
    col = lambda c: parcels[c].to_numpy()  # noqa: E731
    table = pd.DataFrame({
        PARCEL_ID: s.ids,
        "status": s.status,
        "status_da": pd.Series(s.status).map(STATUS_DA).to_numpy(),
        "failed_criteria": failed,
        "reasons_da": reasons_da,
        "reasons_en": reasons_en,
        "area_ha": area,
        "peat_area_ha": m["peat_area_ha"],
        "share_oc_above_6_pct": m["share_oc_above_6_pct"],
        "gvsmax_cm": m["gvsmax_cm"],
        "drained_peat_cm": m["drained_peat_cm"],
        "water_table_rise_cm": m["water_table_rise_cm"],
        "nodata_pct": m["nodata_pct"],
        "in_rotation": parcels["in_rotation"].astype(bool).to_numpy(),
        "co2e_before_t_per_year": em.before_total,
        "co2e_after_t_per_year": em.after_total,
        "co2e_reduction_t_per_year": reduction,
        "horizon_years": np.full(n, horizon),
        "co2e_reduction_t_horizon": reduction * horizon,
        "co2_before_t_per_year": before["co2"],
        "n2o_before_t_co2e_per_year": before["n2o"],
        "n2o_before_t_per_year": before["n2o"] / gwp["n2o"],
        "ch4_after_t_co2e_per_year": after["ch4"],
        "ch4_after_t_per_year": after["ch4"] / gwp["ch4"],
        "max_support_dkk": bud.max_support_dkk,
        "max_income_comp_dkk": bud.max_income_comp_dkk,
        "min_project_costs_dkk": bud.min_project_costs_dkk,
        "bid_dkk_per_ha": col("bid_dkk_per_ha"),
        "total_bid_dkk": col("total_bid_dkk"),
        "synergy_points": col("synergy_points"),
        "applicant_type": col("applicant_type"),
        "budget_total_dkk": bud.total_dkk,
        "dkk_per_t_co2e": s.price,
        "price_basis": bud.basis,
        "price_ok": price_within_cap(s.price, rules),
        **{f"crit_{k}": res[k] for k in CRITERIA},
        "notes": notes,
        "rules_version": rules.version,
        "emission_factors": factors.version,
        "assumption": assumption,
    })
    if n == 0:
        table = table.iloc[0:0]
    return table
