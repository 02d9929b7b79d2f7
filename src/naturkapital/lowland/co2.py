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
from naturkapital.lowland.rules import EmissionFactors


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


def parcel_emissions(oc: np.ndarray, area_ha: np.ndarray, in_rotation: bool,
                     factors: EmissionFactors) -> Emissions:
    """Emissions before (drained) and after rewetting for one parcel's cells: one row
    of :func:`emissions_arrays`.

    ``oc``: organic carbon % per cell (NaN = no data, skipped); ``area_ha``: covered
    cell areas in ha. Factors are t CO2e/ha/yr, so results are t CO2e/yr.
    """
    oc = np.asarray(oc, dtype=float)
    idx = np.zeros(oc.size, dtype=np.int64)
    return emissions_arrays(idx, oc, np.asarray(area_ha, dtype=float),
                            np.array([bool(in_rotation)]), factors).row(0)


def price_per_tonne(total_dkk: float | np.ndarray, reduction_t_per_year: float | np.ndarray,
                    horizon_years: float) -> float | np.ndarray:
    """DKK per t CO2e over the horizon: total / (reduction × years); NaN where there is
    no reduction or no total. Scalars give a float, arrays an array."""
    total = np.asarray(total_dkk, dtype=float)
    total_t = np.asarray(reduction_t_per_year, dtype=float) * horizon_years
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(np.isfinite(total) & (total_t > 0), total / total_t, np.nan)
    return float(out) if out.ndim == 0 else out


@dataclass
class EmissionArrays:
    """Emissions of many parcels at once: t CO2e/yr per parcel by gas.

    ``notes``: per parcel the assumption notes (situations without a published
    source), before-situations first. ``used_by``: per situation that could apply (in
    rotation and not, before and after), in the order of the factor table,
    (``before``/``after``, situation name, area (ha) per parcel, whether it hit a cell
    of the parcel); :meth:`used` gives one parcel's areas as
    ``{"before": {name: ha}, "after": {name: ha}}``.
    """

    before: dict[str, np.ndarray]
    after: dict[str, np.ndarray]
    notes: list[list[str]]
    gwp: dict[str, float] = field(default_factory=dict)
    used_by: list[tuple[str, str, np.ndarray, np.ndarray]] = field(default_factory=list)

    def used(self, i: int) -> dict[str, dict[str, float]]:
        """Area (ha) each situation was applied to in parcel ``i``, before and after;
        only situations that hit a cell of the parcel."""
        out: dict[str, dict[str, float]] = {"before": {}, "after": {}}
        for when, name, a, hit in self.used_by:
            if hit[i]:
                d = out[when]
                d[name] = d.get(name, 0.0) + float(a[i])
        return out

    @property
    def before_total(self) -> np.ndarray:
        return self.before["co2"] + self.before["n2o"] + self.before["ch4"]

    @property
    def after_total(self) -> np.ndarray:
        return self.after["co2"] + self.after["n2o"] + self.after["ch4"]

    @classmethod
    def concat(cls, parts: list[EmissionArrays]) -> EmissionArrays:
        """The parcels of ``parts`` one after the other (parts from the same factor
        table, so their ``used_by`` entries match one by one)."""
        cat = np.concatenate
        first = parts[0]
        return cls(before={k: cat([p.before[k] for p in parts]) for k in first.before},
                   after={k: cat([p.after[k] for p in parts]) for k in first.after},
                   notes=[x for p in parts for x in p.notes], gwp=dict(first.gwp),
                   used_by=[(u[0], u[1], cat([p.used_by[j][2] for p in parts]),
                             cat([p.used_by[j][3] for p in parts]))
                            for j, u in enumerate(first.used_by)])

    def take(self, pos: np.ndarray) -> EmissionArrays:
        """The parcels at positions ``pos`` (−1: a parcel without cells, all zero)."""
        def pick(x: np.ndarray) -> np.ndarray:
            return np.where(pos >= 0, x[np.maximum(pos, 0)], 0.0) if x.size else \
                np.zeros(pos.size)

        return EmissionArrays(
            before={k: pick(v) for k, v in self.before.items()},
            after={k: pick(v) for k, v in self.after.items()},
            notes=[list(self.notes[p]) if p >= 0 else [] for p in pos.tolist()],
            gwp=dict(self.gwp),
            used_by=[(when, name, pick(a), (pos >= 0) & hit[np.maximum(pos, 0)]
                      if hit.size else np.zeros(pos.size, dtype=bool))
                     for when, name, a, hit in self.used_by])

    def row(self, i: int) -> Emissions:
        """The emissions of parcel ``i``."""
        used = self.used(i)
        return Emissions(before={k: float(v[i]) for k, v in self.before.items()},
                         after={k: float(v[i]) for k, v in self.after.items()},
                         gwp=dict(self.gwp), used_before=dict(used["before"]),
                         used_after=dict(used["after"]), assumptions=list(self.notes[i]))


def emissions_arrays(idx: np.ndarray, oc: np.ndarray, area_ha: np.ndarray,
                     in_rotation: np.ndarray, factors: EmissionFactors) -> EmissionArrays:
    """Emissions before (drained) and after rewetting of every parcel.

    Cells with parcel index ``idx``, OC % (NaN = no data, skipped) and covered area
    (ha); ``in_rotation`` one flag per parcel. Areas are summed per parcel and
    situation in cell order (``np.bincount``). Before: each cell takes the factor of
    its OC class and its parcel's rotation state at a low water table; after: the
    not-in-rotation, high-water-table factor. Factors are t CO2e/ha/yr, so results
    are t CO2e/yr. Raises :class:`InputError` when the OC intervals of the factor
    table overlap or leave an OC value uncovered.
    """
    n = in_rotation.size
    ok = ~np.isnan(oc)
    rot_cell = in_rotation[idx]
    out: dict[str, dict[str, np.ndarray]] = {}
    hits: list[tuple[str, np.ndarray]] = []  # (note, parcels hit) in note order
    used_hits: list[tuple[str, str, np.ndarray, np.ndarray]] = []  # when, name, ha, hit
    for when, water, what in (("before", "low", "before (drained)"),
                              ("after", "high", "after (rewetted)")):
        totals = {g: np.zeros(n) for g in ("co2", "n2o", "ch4")}
        for rot in (True, False):
            cell = ok & (rot_cell == rot)
            situations = factors.select(rot, water) if when == "before" else \
                factors.select(False, water)
            if not cell.any():
                used_hits += [(when, s.name, np.zeros(n), np.zeros(n, dtype=bool))
                              for s in situations]
                continue
            done = np.zeros(oc.size, dtype=bool)
            for s in situations:
                inside = cell & s.contains(oc)
                hit = inside & ~done
                if not hit.any():
                    used_hits.append((when, s.name, np.zeros(n), np.zeros(n, dtype=bool)))
                    continue
                if (inside & done).any():
                    raise InputError(factors.path, f"OC intervals overlap for the {what} "
                                                   f"situation '{s.name}'")
                a = np.bincount(idx[hit], weights=area_ha[hit], minlength=n)
                for gas, f in s.factors.items():
                    totals[gas] += a * f
                done |= hit
                used_hits.append((when, s.name, a, np.bincount(idx[hit], minlength=n) > 0))
                if s.is_assumption:
                    hits.append((f"{factors.version}: '{s.name}' {s.interval} % OC — "
                                 f"{s.source}", np.bincount(idx[hit], minlength=n) > 0))
            if (cell & ~done).any():
                missing = oc[cell & ~done]
                raise InputError(factors.path, f"no {what} emission factor for OC "
                                               f"{missing[0]:g} %; the OC intervals must "
                                               "cover 0–100 %")
        out[when] = totals
    return EmissionArrays(before=out["before"], after=out["after"],
                          notes=_notes_per_parcel(hits, n), gwp=dict(factors.gwp),
                          used_by=used_hits)


def _notes_per_parcel(hits: list[tuple[str, np.ndarray]], n: int) -> list[list[str]]:
    """Per parcel the notes whose ``hit`` flag is set, in order, each once; parcels with
    the same notes share one list (built once per distinct combination)."""
    if not hits:
        return [[] for _ in range(n)]
    flags = np.column_stack([hit for _, hit in hits])
    combos, inverse = np.unique(flags, axis=0, return_inverse=True)
    lists = [list(dict.fromkeys(hits[h][0] for h in np.flatnonzero(row)))
             for row in combos]
    return [lists[k] for k in inverse.ravel().tolist()]
