"""Ranges of the service coefficients carried into the results: intervals and sensitivity.

Every coefficient of the service tables (and of the SEGES emission factors) has a central
value and a range ``low``–``high`` (:mod:`naturkapital.services.tables`). Given a
function that evaluates the indicators for a set of coefficients, this module

* varies each coefficient alone to its ``low`` and its ``high`` (one at a time, the
  others central) — the *swings* behind the sensitivity (tornado) chart;
* gives each indicator an interval: where the indicator is linear in the coefficients
  (carbon stock, nitrogen, greenhouse gases, cost — sums of area × coefficient) by
  interval arithmetic, exact: ``central + Σ min(swing_low, swing_high, 0)`` to
  ``central + Σ max(swing_low, swing_high, 0)``; where it is not (flood retention =
  area × rise(water table before) × porosity) by a seeded Monte Carlo: ``DRAWS`` draws,
  each coefficient uniform in its range (numpy ``default_rng(SEED)``, so the result is
  the same on every run), the interval being the smallest and largest result (the
  central value and the one-at-a-time results included).

The coefficients vary independently; baseline, scenario and delta get intervals of
their own (the delta's interval is not the difference of the others' intervals: the
same coefficient moves both, and the delta interval accounts for that).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from naturkapital.lowland.rules import EmissionFactors, ParamTable
from naturkapital.services.tables import POOLS, Coefficients

SEED = 20141
DRAWS = 400
PARTS = ("baseline", "scenario", "delta")

#: Indicator values per zone: ``{indicator: (baseline, scenario)}``.
Values = dict[str, tuple[pd.Series, pd.Series]]


@dataclass(frozen=True)
class Coef:
    """One coefficient: where it lives (``group``, ``key``, ``gas``), its central value,
    range and whether it has no published source."""

    group: str  # pools | nitrogen | params | factors | costs
    key: str
    gas: str
    value: float
    low: float
    high: float
    assumption: bool
    label: str

    @property
    def varies(self) -> bool:
        return self.high > self.low


def _table_coefs(
    group: str, table: pd.DataFrame, column: str, label: str, name: str | None = None
) -> list[Coef]:
    """One coefficient per row of a coefficient table: ``column`` with its range,
    labelled ``label``, the row key and (if given) the row's ``name`` column."""
    return [
        Coef(
            group,
            str(k),
            "",
            float(r[column]),
            float(r["low"]),
            float(r["high"]),
            bool(r["is_assumption"]),
            f"{label} {k} {r.get(name, '') if name else ''}".strip(),
        )
        for k, r in table.iterrows()
    ]


@dataclass(frozen=True)
class Bundle:
    """The coefficient tables one evaluation uses."""

    pools: Coefficients
    nitrogen: Coefficients
    params: ParamTable
    factors: EmissionFactors
    costs: Coefficients
    #: Parameter values set by :meth:`with_values` (cheaper than copying the table).
    overrides: dict[str, float] = field(default_factory=dict)

    def param(self, key: str) -> float:
        """A service parameter (``parameters.csv``), with any override."""
        return float(self.overrides.get(key, self.params[key]))

    def coefficients(self) -> list[Coef]:
        """Every numeric coefficient with its range, in table order."""
        pt = self.pools.table
        out: list[Coef] = _table_coefs(
            "pools",
            pt.assign(_total=pt[list(POOLS)].sum(axis=1)),
            "_total",
            "kulstofpuljer (carbon pools)",
            "label",
        )
        nt = self.nitrogen.table
        out += _table_coefs("nitrogen", nt, "n_leach_kg_n_per_ha_yr", "N-udvaskning (N leaching)")
        for k, r in self.params.table.iterrows():
            out.append(
                Coef(
                    "params",
                    str(k),
                    "",
                    float(r["value"]),
                    float(r["low"]),
                    float(r["high"]),
                    self.params.assumption(str(k)) is not None,
                    f"parameter {k}",
                )
            )
        for s in self.factors.situations:
            for gas, v in s.factors.items():
                out.append(
                    Coef(
                        "factors",
                        s.name,
                        gas,
                        float(v),
                        float(s.low.get(gas, v)),
                        float(s.high.get(gas, v)),
                        s.assumed,
                        f"SEGES {gas.upper()}: {s.name}",
                    )
                )
        ct = self.costs.table
        out += _table_coefs(
            "costs", ct[ct["cost_dkk_per_ha"].notna()], "cost_dkk_per_ha", "omkostning (cost)"
        )
        return out

    def with_values(self, values: dict[Coef, float]) -> Bundle:
        """A copy with the given coefficients set to new values."""
        b = self
        for c, v in values.items():
            b = b._with(c, float(v))
        return b

    def _with(self, c: Coef, v: float) -> Bundle:
        if c.group == "pools":
            t = self.pools.table.copy()
            key = _row(t, c.key)
            total = float(t.loc[key, list(POOLS)].sum())
            if total > 0:
                t.loc[key, list(POOLS)] = t.loc[key, list(POOLS)].astype(float) * (v / total)
            else:
                t.loc[key, "c_soil"] = v
            return replace(self, pools=replace(self.pools, table=t))
        if c.group == "nitrogen":
            t = self.nitrogen.table.copy()
            t.loc[_row(t, c.key), "n_leach_kg_n_per_ha_yr"] = v
            return replace(self, nitrogen=replace(self.nitrogen, table=t))
        if c.group == "costs":
            t = self.costs.table.copy()
            t.loc[_row(t, c.key), "cost_dkk_per_ha"] = v
            return replace(self, costs=replace(self.costs, table=t))
        if c.group == "params":
            return replace(self, overrides={**self.overrides, c.key: v})
        sits = [
            replace(s, factors={**s.factors, c.gas: v}) if s.name == c.key else s
            for s in self.factors.situations
        ]
        return replace(self, factors=replace(self.factors, situations=sits))


def _row(t: pd.DataFrame, key: str):
    """The index label of ``t`` whose text is ``key`` (class codes are integers)."""
    return next(i for i in t.index if str(i) == key)


@dataclass
class Propagation:
    """Intervals and swings of the indicators.

    ``intervals[indicator][part]`` is ``(low, high)`` per zone for part baseline,
    scenario or delta. ``swings``: one row per coefficient × indicator × zone with the
    change of the delta when the coefficient is at its low (``delta_at_low``) and its
    high (``delta_at_high``), and ``range`` = |high − low| swing.
    """

    intervals: dict[str, dict[str, tuple[pd.Series, pd.Series]]]
    swings: pd.DataFrame
    method: dict[str, str]


def _parts(v: tuple[pd.Series, pd.Series]) -> dict[str, pd.Series]:
    b, a = v
    return {
        "baseline": b.astype(float),
        "scenario": a.astype(float),
        "delta": (a - b).astype(float),
    }


def propagate(
    evaluate: Callable[[Bundle, set[str]], Values],
    bundle: Bundle,
    depends: dict[str, set[str]],
    nonlinear: set[str],
    draws: int = DRAWS,
    seed: int = SEED,
) -> Propagation:
    """Intervals and one-at-a-time swings of the indicators ``evaluate`` returns.

    ``evaluate(bundle, indicators)`` gives the indicators asked for; ``depends`` maps a
    coefficient group (``pools``, ``nitrogen``, …) to the indicators it moves;
    ``nonlinear`` names the indicators that take the seeded Monte Carlo.
    """
    keys = set().union(*depends.values())
    central = {k: _parts(v) for k, v in evaluate(bundle, keys).items()}
    coefs = [c for c in bundle.coefficients() if c.varies]
    lo_sum = {
        k: {p: pd.Series(0.0, index=s.index) for p, s in v.items()} for k, v in central.items()
    }
    hi_sum = {
        k: {p: pd.Series(0.0, index=s.index) for p, s in v.items()} for k, v in central.items()
    }
    oat: dict[str, dict[str, list[pd.Series]]] = {k: {p: [] for p in PARTS} for k in central}
    rows = []
    for c in coefs:
        ind = depends.get(c.group, set()) & set(central)
        if not ind:
            continue
        at = {}
        for side, v in (("low", c.low), ("high", c.high)):
            at[side] = {k: _parts(x) for k, x in evaluate(bundle.with_values({c: v}), ind).items()}
        for k in ind:
            for p in PARTS:
                d_lo = (at["low"][k][p] - central[k][p]).fillna(0.0)
                d_hi = (at["high"][k][p] - central[k][p]).fillna(0.0)
                lo_sum[k][p] += np.minimum(np.minimum(d_lo, d_hi), 0.0)
                hi_sum[k][p] += np.maximum(np.maximum(d_lo, d_hi), 0.0)
                oat[k][p] += [at["low"][k][p], at["high"][k][p]]
                if p == "delta":
                    for z in central[k][p].index:
                        if d_lo[z] != 0 or d_hi[z] != 0:
                            rows.append(
                                {
                                    "zone_id": z,
                                    "indicator": k,
                                    "coefficient": c.label,
                                    "group": c.group,
                                    "key": c.key,
                                    "gas": c.gas,
                                    "value": c.value,
                                    "low": c.low,
                                    "high": c.high,
                                    "assumption": c.assumption,
                                    "delta_at_low": float(d_lo[z]),
                                    "delta_at_high": float(d_hi[z]),
                                }
                            )
    intervals: dict[str, dict[str, tuple[pd.Series, pd.Series]]] = {}
    method: dict[str, str] = {}
    for k, parts in central.items():
        if k in nonlinear:
            intervals[k] = _monte_carlo(
                evaluate, bundle, k, coefs, depends, parts, oat[k], draws, seed
            )
            method[k] = (
                f"seeded Monte Carlo ({draws} draws, uniform within each range, "
                f"seed {seed}): smallest and largest result"
            )
        else:
            intervals[k] = {
                p: ((s + lo_sum[k][p]).where(s.notna()), (s + hi_sum[k][p]).where(s.notna()))
                for p, s in parts.items()
            }
            method[k] = (
                "interval arithmetic (linear in the coefficients): central + sum "
                "of the one-at-a-time swings below and above"
            )
    swings = pd.DataFrame(
        rows,
        columns=[
            "zone_id",
            "indicator",
            "coefficient",
            "group",
            "key",
            "gas",
            "value",
            "low",
            "high",
            "assumption",
            "delta_at_low",
            "delta_at_high",
        ],
    )
    swings["range"] = (swings["delta_at_high"] - swings["delta_at_low"]).abs()
    return Propagation(intervals, swings, method)


def _monte_carlo(
    evaluate: Callable[[Bundle, set[str]], Values],
    bundle: Bundle,
    key: str,
    coefs: list[Coef],
    depends: dict[str, set[str]],
    central: dict[str, pd.Series],
    oat: dict[str, list[pd.Series]],
    draws: int,
    seed: int,
) -> dict[str, tuple[pd.Series, pd.Series]]:
    """Smallest and largest result of seeded uniform draws (plus central and OAT)."""
    mine = [c for c in coefs if key in depends.get(c.group, set())]
    rng = np.random.default_rng(seed)
    samples: dict[str, list[pd.Series]] = {p: [s] + oat[p] for p, s in central.items()}
    for _ in range(draws if mine else 0):
        vals = {c: rng.uniform(c.low, c.high) for c in mine}
        res = _parts(evaluate(bundle.with_values(vals), {key})[key])
        for p in PARTS:
            samples[p].append(res[p])
    out = {}
    for p, lst in samples.items():
        m = pd.concat(lst, axis=1)
        ok = central[p].notna()
        out[p] = (m.min(axis=1).where(ok), m.max(axis=1).where(ok))
    return out
