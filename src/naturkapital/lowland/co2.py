"""CO2 effect of rewetting: emissions before and after, per cell, with the SEGES factors.

Before: every cell with carbon data is taken as drained (low water table) and gets
the factor of its OC class (6–12 % / > 12 %) and the parcel's rotation state. After:
the "not in rotation, high water table (rewetted)" factor on the organic cells.
Cells below 6 % OC use the table's mineral-soil row (an assumption, 0). Cells without
carbon data contribute nothing and are reported as nodata by the screening.
All results in t CO2e per year unless the name says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from naturkapital.core.errors import InputError
from naturkapital.lowland.rules import EmissionFactors, Situation


@dataclass(frozen=True)
class Emissions:
    """Emissions of one parcel.

    ``before``/``after``: t CO2e/yr by gas (co2, n2o, ch4, each as CO2e).
    ``n2o_t_before``/``ch4_t_after`` etc.: tonnes of the gas itself per year.
    ``used``: situation name → area (ha) it was applied to, before and after.
    """

    before: dict[str, float]
    after: dict[str, float]
    gwp: dict[str, float]
    used_before: dict[str, float] = field(default_factory=dict)
    used_after: dict[str, float] = field(default_factory=dict)
    assumptions: list[str] = field(default_factory=list)

    @property
    def before_total(self) -> float:
        """t CO2e/yr before rewetting."""
        return float(sum(self.before.values()))

    @property
    def after_total(self) -> float:
        """t CO2e/yr after rewetting."""
        return float(sum(self.after.values()))

    @property
    def reduction(self) -> float:
        """Reduction, t CO2e/yr (before − after)."""
        return self.before_total - self.after_total

    def gas_tonnes(self, when: str, gas: str) -> float:
        """Tonnes of N2O or CH4 per year (CO2e divided by the GWP)."""
        co2e = (self.before if when == "before" else self.after)[gas]
        return co2e / self.gwp[gas]


def _apply(situations: list[Situation], oc: np.ndarray, area: np.ndarray,
           what: str, factors: EmissionFactors) -> tuple[dict[str, float], dict[str, float],
                                                         list[str]]:
    totals = {"co2": 0.0, "n2o": 0.0, "ch4": 0.0}
    used: dict[str, float] = {}
    notes: list[str] = []
    done = np.zeros(oc.size, dtype=bool)
    for s in situations:
        hit = s.contains(oc) & ~done
        if not hit.any():
            continue
        if (s.contains(oc) & done).any():
            raise InputError(factors.path, f"OC intervals overlap for the {what} situation "
                                           f"'{s.name}'")
        a = float(area[hit].sum())
        for gas, f in s.factors.items():
            totals[gas] += a * f
        used[s.name] = used.get(s.name, 0.0) + a
        done |= hit
        if s.is_assumption:
            notes.append(f"{factors.version}: '{s.name}' {s.interval} % OC — {s.source}")
    if not done.all():
        missing = oc[~done]
        raise InputError(factors.path, f"no {what} emission factor for OC {missing[0]:g} %; "
                                       "the OC intervals must cover 0–100 %")
    return totals, used, notes


def parcel_emissions(oc: np.ndarray, area_ha: np.ndarray, in_rotation: bool,
                     factors: EmissionFactors) -> Emissions:
    """Emissions before (drained) and after rewetting for one parcel's cells.

    ``oc``: organic carbon % per cell (NaN = no data, skipped); ``area_ha``: covered
    cell areas in ha. Factors are t CO2e/ha/yr, so results are t CO2e/yr.
    """
    ok = ~np.isnan(oc)
    oc, area = oc[ok], area_ha[ok]
    before, used_b, notes_b = _apply(factors.select(in_rotation, "low"), oc, area,
                                     "before (drained)", factors)
    after, used_a, notes_a = _apply(factors.select(False, "high"), oc, area,
                                    "after (rewetted)", factors)
    notes = list(dict.fromkeys(notes_b + notes_a))
    return Emissions(before=before, after=after, gwp=dict(factors.gwp), used_before=used_b,
                     used_after=used_a, assumptions=notes)


def price_per_tonne(total_dkk: float, reduction_t_per_year: float,
                    horizon_years: float) -> float:
    """DKK per t CO2e over the horizon; NaN when there is no reduction."""
    total_t = reduction_t_per_year * horizon_years
    if not np.isfinite(total_dkk) or total_t <= 0:
        return float("nan")
    return float(total_dkk / total_t)


@dataclass
class EmissionArrays:
    """Emissions of many parcels at once: t CO2e/yr per parcel by gas.

    ``notes``: per parcel the assumption notes, in the order :func:`parcel_emissions`
    gives them."""

    before: dict[str, np.ndarray]
    after: dict[str, np.ndarray]
    notes: list[list[str]]

    @property
    def before_total(self) -> np.ndarray:
        return self.before["co2"] + self.before["n2o"] + self.before["ch4"]

    @property
    def after_total(self) -> np.ndarray:
        return self.after["co2"] + self.after["n2o"] + self.after["ch4"]


def emissions_arrays(idx: np.ndarray, oc: np.ndarray, area_ha: np.ndarray,
                     in_rotation: np.ndarray, factors: EmissionFactors) -> EmissionArrays:
    """:func:`parcel_emissions` for all parcels: cells with parcel index ``idx``,
    OC % and covered area; ``in_rotation`` one flag per parcel."""
    n = in_rotation.size
    ok = ~np.isnan(oc)
    rot_cell = in_rotation[idx]
    out: dict[str, dict[str, np.ndarray]] = {}
    hits: list[tuple[str, np.ndarray]] = []  # (note, parcels hit) in note order
    for when, water, what in (("before", "low", "before (drained)"),
                              ("after", "high", "after (rewetted)")):
        totals = {g: np.zeros(n) for g in ("co2", "n2o", "ch4")}
        for rot in (True, False):
            cell = ok & (rot_cell == rot)
            if not cell.any():
                continue
            situations = factors.select(rot, water) if when == "before" else \
                factors.select(False, water)
            done = np.zeros(oc.size, dtype=bool)
            for s in situations:
                inside = cell & s.contains(oc)
                hit = inside & ~done
                if not hit.any():
                    continue
                if (inside & done).any():
                    raise InputError(factors.path, f"OC intervals overlap for the {what} "
                                                   f"situation '{s.name}'")
                a = np.bincount(idx[hit], weights=area_ha[hit], minlength=n)
                for gas, f in s.factors.items():
                    totals[gas] += a * f
                done |= hit
                if s.is_assumption:
                    hits.append((f"{factors.version}: '{s.name}' {s.interval} % OC — "
                                 f"{s.source}", np.bincount(idx[hit], minlength=n) > 0))
            if (cell & ~done).any():
                missing = oc[cell & ~done]
                raise InputError(factors.path, f"no {what} emission factor for OC "
                                               f"{missing[0]:g} %; the OC intervals must "
                                               "cover 0–100 %")
        out[when] = totals
    notes: list[list[str]] = [[] for _ in range(n)]
    for note, hit in hits:
        for i in np.flatnonzero(hit):
            if note not in notes[i]:
                notes[i].append(note)
    return EmissionArrays(before=out["before"], after=out["after"], notes=notes)
