"""Rules as data: Klimaskovfonden's thresholds and SEGES's emission factors from CSV tables.

Every number the lowland module uses comes from one of three tables in
``lowland/tables/`` (or a user copy given with ``--rules`` / ``--emission-factors``):

* ``klimaskovfonden_2024.csv`` — ``key,value,unit,source,description``: area limits
  (ha), carbon thresholds (% organic carbon, OC), water-table limits (cm relative to
  the surface, negative below it), support limits (DKK/ha), the price cap (DKK per t
  CO2e), auction and payment rules (%). A new funding round is a new file.
* ``seges_emission_factors.csv`` — one row per situation and gas,
  ``situation,in_rotation,water_table,oc_interval_pct,gas,value,unit,source``; values
  in t CO2e per ha per year, GWP rows (situation ``gwp``) in t CO2e per t gas.
* ``candidate_search.csv`` — parameters of the indicative candidate search.
* ``klimaskovfonden_2024_conditions.csv`` — ``key,stage,da,en,source``: the funding
  conditions that are not numbers (after the project, who may apply, how a round is
  ranked), in Danish and English; ``stage`` is ``after_project`` or ``application``.

A row whose ``source`` is empty or starts with "assumption" has no published source;
every output that uses it lists it as an assumption.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from naturkapital.core.errors import InputError
from naturkapital.io.tables import check_ranges, read_csv_table, require_columns

TABLE_DIR = Path(__file__).resolve().parent / "tables"
DEFAULT_RULES = TABLE_DIR / "klimaskovfonden_2024.csv"
DEFAULT_FACTORS = TABLE_DIR / "seges_emission_factors.csv"
DEFAULT_CANDIDATE_PARAMS = TABLE_DIR / "candidate_search.csv"
DEFAULT_CONDITIONS = TABLE_DIR / "klimaskovfonden_2024_conditions.csv"
#: Stages of a funding condition: kept after the project, or about the application.
CONDITION_STAGES = ("after_project", "application")

#: Keys every rules table must define (see the module docstring for units).
RULE_KEYS = (
    "min_peat_area_ha", "max_peat_area_ha", "peat_oc_min_pct", "share_oc_threshold_pct",
    "min_share_oc_above_pct", "max_gvsmax_cm", "min_drained_peat_cm",
    "target_water_table_cm", "max_support_dkk_per_ha", "max_income_comp_dkk_per_ha",
    "min_project_costs_dkk_per_ha", "max_dkk_per_t_co2e", "auction_reject_share_pct",
    "min_synergy_points", "max_synergy_points", "max_paid_before_completion_pct",
    "paid_after_validation_pct", "default_horizon_years", "default_in_rotation",
)
CANDIDATE_KEYS = ("agriculture_class", "wet_nature_class", "wet_nature_value", "adjacency_m",
                  "neighbourhood_m")
GASES = ("co2", "n2o", "ch4")
_INTERVAL = re.compile(r"^\s*([\[(])\s*([-+0-9.eE]+)\s*,\s*([-+0-9.eE]+)\s*([\])])\s*$")


def is_assumption(source: str) -> bool:
    """True when a table row has no published source (empty or 'assumption…')."""
    s = str(source or "").strip().lower()
    return s == "" or s.startswith("assumption")


@dataclass(frozen=True)
class ParamTable:
    """A validated ``key,value,unit,source`` table (rules or candidate parameters).

    ``version`` is the file stem, e.g. ``klimaskovfonden_2024``.
    """

    version: str
    path: Path
    table: pd.DataFrame  # indexed by key: value (float), unit, source, description
    _rows: dict[str, tuple[float, str, str]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        rows = {str(k): (float(r.value), str(r.unit), str(r.source))
                for k, r in self.table.iterrows()}
        object.__setattr__(self, "_rows", rows)

    def __getitem__(self, key: str) -> float:
        return self._rows[key][0]

    def unit(self, key: str) -> str:
        """Unit of a parameter as written in the table."""
        return self._rows[key][1]

    def source(self, key: str) -> str:
        """Source of a parameter as written in the table."""
        return self._rows[key][2]

    def assumption(self, key: str) -> str | None:
        """An assumption note for an unsourced parameter, else None."""
        if not is_assumption(self.source(key)):
            return None
        return (f"{self.version}: {key} = {self[key]:g} {self.unit(key)} — "
                f"{self.source(key) or 'no source'}")

    def assumptions(self, keys: list[str] | tuple[str, ...]) -> list[str]:
        """Assumption notes for the given keys (only the unsourced ones)."""
        return [a for k in keys if (a := self.assumption(k)) is not None]


Rules = ParamTable


def _read_csv(path: Path, what: str) -> pd.DataFrame:
    return read_csv_table(path, what, dtype=str)


def _load_params(path: str | Path, required: tuple[str, ...], what: str) -> ParamTable:
    p = Path(path)
    t = _read_csv(p, what)
    missing_cols = [c for c in ("key", "value", "unit", "source") if c not in t.columns]
    if missing_cols:
        raise InputError(p, f"{what} is missing column(s) {', '.join(missing_cols)}; expected "
                            "key,value,unit,source")
    t["key"] = t["key"].str.strip()
    dup = t["key"][t["key"].duplicated()]
    if not dup.empty:
        raise InputError(p, f"key {dup.iloc[0]} appears more than once")
    missing = [k for k in required if k not in set(t["key"])]
    if missing:
        raise InputError(p, f"{what} lacks key(s) {', '.join(missing)}")
    values = pd.to_numeric(t["value"].str.strip(), errors="coerce")
    if values.isna().any():
        bad = t.loc[values.isna(), "key"].iloc[0]
        raise InputError(p, f"value of {bad} is not a number")
    t["value"] = values.astype(float)
    if "description" not in t.columns:
        t["description"] = ""
    t["source"] = t["source"].str.strip()
    return ParamTable(version=p.stem, path=p, table=t.set_index("key"))


def load_rules(path: str | Path | None = None) -> ParamTable:
    """Load a Klimaskovfonden rules table (default: the 2024 round) and check it."""
    rules = _load_params(path or DEFAULT_RULES, RULE_KEYS, "rules table")
    _check_rules(rules)
    return rules


def _check_rules(r: ParamTable) -> None:
    checks = [
        (r["min_peat_area_ha"] > 0, "min_peat_area_ha must be above 0"),
        (r["max_peat_area_ha"] >= r["min_peat_area_ha"],
         "max_peat_area_ha must be at least min_peat_area_ha"),
        (0 <= r["min_share_oc_above_pct"] <= 100, "min_share_oc_above_pct must be 0–100"),
        (r["max_income_comp_dkk_per_ha"] <= r["max_support_dkk_per_ha"],
         "max_income_comp_dkk_per_ha must not exceed max_support_dkk_per_ha"),
        (0 <= r["auction_reject_share_pct"] < 100, "auction_reject_share_pct must be 0–<100"),
        (math.isclose(r["max_paid_before_completion_pct"] + r["paid_after_validation_pct"],
                      100.0), "max_paid_before_completion_pct + paid_after_validation_pct "
                              "must be 100"),
        (r["default_horizon_years"] > 0, "default_horizon_years must be above 0"),
    ]
    for ok, problem in checks:
        if not ok:
            raise InputError(r.path, problem)


def load_candidate_params(path: str | Path | None = None) -> ParamTable:
    """Load the candidate-search parameter table."""
    return _load_params(path or DEFAULT_CANDIDATE_PARAMS, CANDIDATE_KEYS,
                        "candidate-search table")


@dataclass(frozen=True)
class Situation:
    """One land-use situation of the SEGES table with its factors per gas.

    ``factors`` are t CO2e per ha per year by gas (co2, n2o, ch4). The OC interval is
    in percent organic carbon; ``lo_closed``/``hi_closed`` say whether the bounds are
    included (``[6,12]`` includes both, ``(12,100]`` excludes 12).
    """

    name: str
    in_rotation: str  # "yes", "no" or "any"
    water_table: str  # "low", "high" or "any"
    lo: float
    hi: float
    lo_closed: bool
    hi_closed: bool
    factors: dict[str, float]
    source: str
    assumed: bool = False
    low: dict[str, float] = field(default_factory=dict)
    high: dict[str, float] = field(default_factory=dict)

    @property
    def total(self) -> float:
        """Sum over the gases, t CO2e/ha/yr."""
        return float(sum(self.factors.values()))

    @property
    def is_assumption(self) -> bool:
        """True when any of the situation's rows has no published source."""
        return self.assumed

    def contains(self, oc: np.ndarray) -> np.ndarray:
        """Boolean mask of OC values (%) inside this situation's interval."""
        lo_ok = oc >= self.lo if self.lo_closed else oc > self.lo
        hi_ok = oc <= self.hi if self.hi_closed else oc < self.hi
        return lo_ok & hi_ok

    def matches(self, in_rotation: bool, water_table: str) -> bool:
        rot = "yes" if in_rotation else "no"
        return (self.in_rotation in (rot, "any")
                and self.water_table in (water_table, "any"))

    @property
    def interval(self) -> str:
        return (f"{'[' if self.lo_closed else '('}{self.lo:g},{self.hi:g}"
                f"{']' if self.hi_closed else ')'}")


@dataclass(frozen=True)
class EmissionFactors:
    """The SEGES factor table: situations and the GWPs (t CO2e per t N2O / CH4)."""

    version: str
    path: Path
    situations: list[Situation]
    gwp: dict[str, float] = field(default_factory=dict)
    gwp_sources: dict[str, str] = field(default_factory=dict)

    def select(self, in_rotation: bool, water_table: str) -> list[Situation]:
        """Situations applicable to a rotation state and a water table (low/high)."""
        return [s for s in self.situations if s.matches(in_rotation, water_table)]


def load_emission_factors(path: str | Path | None = None) -> EmissionFactors:
    """Load and check the emission-factor table (default: SEGES factors,
    ``seges_emission_factors.csv``); every factor has a range ``low``–``high``."""
    p = Path(path or DEFAULT_FACTORS)
    t = _read_csv(p, "emission-factor table")
    cols = ("situation", "in_rotation", "water_table", "oc_interval_pct", "gas", "value",
            "low", "high", "unit", "source")
    require_columns(t, cols, p, "emission-factor table")
    t = t.apply(lambda c: c.str.strip())
    values = pd.to_numeric(t["value"], errors="coerce")
    if values.isna().any():
        raise InputError(p, f"value in row {int(values.isna().idxmax()) + 2} is not a number")
    t["value"] = values.astype(float)
    t["low"], t["high"] = check_ranges(t, t["value"], p, "emission-factor table")
    t["gas"] = t["gas"].str.lower()
    bad_gas = sorted(set(t["gas"]) - set(GASES))
    if bad_gas:
        raise InputError(p, f"unknown gas {', '.join(bad_gas)}; use co2, n2o, ch4")
    gwp_rows = t[t["situation"].str.lower() == "gwp"]
    gwp = dict(zip(gwp_rows["gas"], gwp_rows["value"], strict=True))
    for gas in ("n2o", "ch4"):
        if gwp.get(gas, 0) <= 0:
            raise InputError(p, f"needs a gwp row for {gas} with a positive value")
    situations: list[Situation] = []
    for name, rows in t[t["situation"].str.lower() != "gwp"].groupby("situation", sort=False):
        first = rows.iloc[0]
        if set(rows["gas"]) != set(GASES) or len(rows) != len(GASES):
            raise InputError(p, f"situation '{name}' needs exactly one row per gas "
                                "(co2, n2o, ch4)")
        m = _INTERVAL.match(first["oc_interval_pct"])
        if m is None:
            raise InputError(p, f"oc_interval_pct '{first['oc_interval_pct']}' of '{name}' is "
                                "not an interval like [6,12] or (12,100]")
        rot, wt = first["in_rotation"].lower(), first["water_table"].lower()
        if rot not in ("yes", "no", "any") or wt not in ("low", "high", "any"):
            raise InputError(p, f"situation '{name}': in_rotation must be yes/no/any and "
                                "water_table low/high/any")
        sources = sorted(set(rows["source"]))
        situations.append(Situation(
            name=str(name), in_rotation=rot, water_table=wt,
            lo=float(m.group(2)), hi=float(m.group(3)),
            lo_closed=m.group(1) == "[", hi_closed=m.group(4) == "]",
            factors=dict(zip(rows["gas"], rows["value"], strict=True)),
            source="; ".join(sources),
            assumed=any(is_assumption(src) for src in rows["source"]),
            low=dict(zip(rows["gas"], rows["low"], strict=True)),
            high=dict(zip(rows["gas"], rows["high"], strict=True))))
    return EmissionFactors(version=p.stem, path=p, situations=situations, gwp=gwp,
                           gwp_sources=dict(zip(gwp_rows["gas"], gwp_rows["source"],
                                                strict=True)))


@dataclass(frozen=True)
class Condition:
    """One funding condition that is not a number, in Danish and English."""

    key: str
    stage: str  # "after_project" or "application"
    da: str
    en: str
    source: str


@dataclass(frozen=True)
class Conditions:
    """The conditions of a funding round (``version``: the file stem)."""

    version: str
    path: Path
    rows: list[Condition]

    def stage(self, stage: str) -> list[Condition]:
        """The conditions of one stage, in table order."""
        return [c for c in self.rows if c.stage == stage]

    @property
    def sources(self) -> str:
        """The distinct sources of the rows, joined by "; "."""
        return "; ".join(dict.fromkeys(c.source for c in self.rows))


def load_conditions(path: str | Path | None = None) -> Conditions:
    """Load a funding-conditions table (default: the 2024 round) and check it."""
    p = Path(path or DEFAULT_CONDITIONS)
    t = _read_csv(p, "conditions table")
    cols = ("key", "stage", "da", "en", "source")
    missing = [c for c in cols if c not in t.columns]
    if missing:
        raise InputError(p, f"conditions table is missing column(s) {', '.join(missing)}; "
                            f"expected {','.join(cols)}")
    t = t.apply(lambda c: c.str.strip())
    bad = sorted(set(t["stage"]) - set(CONDITION_STAGES))
    if bad:
        raise InputError(p, f"unknown stage {', '.join(bad)}; use "
                            f"{' or '.join(CONDITION_STAGES)}")
    empty = t[(t["da"] == "") | (t["en"] == "")]
    if not empty.empty:
        raise InputError(p, f"condition {empty['key'].iloc[0]} needs a Danish and an English "
                            "text")
    rows = [Condition(r.key, r.stage, r.da, r.en, r.source) for r in t.itertuples()]
    return Conditions(version=p.stem, path=p, rows=rows)


def _split(text: str) -> tuple[str, str]:
    """'Dansk / English' → ('Dansk', 'English'); text without " / " is both."""
    da, sep, en = str(text).partition(" / ")
    return (da.strip(), en.strip()) if sep else (str(text).strip(), str(text).strip())


def param_records(table: ParamTable) -> list[dict[str, object]]:
    """The rows of a parameter table as records: key, value, unit, source, the Danish
    and English description, and ``assumption`` (no published source)."""
    out: list[dict[str, object]] = []
    for key, r in table.table.iterrows():
        da, en = _split(r["description"])
        out.append({"key": str(key), "value": float(r["value"]), "unit": str(r["unit"]),
                    "source": str(r["source"]), "description_da": da, "description_en": en,
                    "assumption": is_assumption(r["source"])})
    return out


def factor_records(factors: EmissionFactors) -> list[dict[str, object]]:
    """One record per SEGES situation: its factors per gas and their total (t CO2e per
    ha per year), source and ``assumption``."""
    return [{"situation": s.name, "in_rotation": s.in_rotation, "water_table": s.water_table,
             "oc_interval_pct": s.interval,
             **{g: float(s.factors.get(g, 0.0)) for g in GASES},
             "total": s.total, "unit": "t CO2e/ha/yr", "source": s.source,
             "assumption": bool(s.is_assumption)} for s in factors.situations]


def rules_document(rules: ParamTable, factors: EmissionFactors, params: ParamTable,
                   conditions: Conditions) -> dict[str, object]:
    """Every lowland rule as one JSON-ready document: the rules table, the emission
    factors (with the GWPs), the candidate-search parameters and the conditions."""
    return {"rules": {"version": rules.version, "rows": param_records(rules)},
            "emission_factors": {"version": factors.version, "unit": "t CO2e/ha/yr",
                                 "rows": factor_records(factors), "gwp": dict(factors.gwp)},
            "candidate_search": {"version": params.version, "rows": param_records(params)},
            "conditions": [asdict(c) for c in conditions.rows],
            "conditions_source": conditions.sources}
