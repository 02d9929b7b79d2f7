"""Coefficient tables of the ecosystem services, each a CSV with a ``source`` column.

Built-in tables live in ``services/tables/``; a user copy can replace any of them.
A row whose ``source`` is empty or starts with ``assumption`` has no published
source: every output that uses it lists it as an assumption (same rule as the
land-cover schemes and the lowland tables, :func:`naturkapital.lowland.rules.is_assumption`).

Every numeric table carries ``low`` and ``high`` beside the central value (the range
from the source, or a stated wide range for an assumption; ``range_note`` says which);
a table without ``source``, ``low`` or ``high``, or with a value outside its range, is
refused with one line naming the file. The ranges feed the intervals and the
sensitivity of the scenario results (:mod:`naturkapital.services.uncertainty`).

* ``carbon_pools_basemap04.csv`` — ``value,c_above,c_below,c_soil,c_dead,low,high,source``
  (t C/ha per Basemap04 class; the ``--carbon-pools`` format, InVEST Carbon's pools plus
  a source and the range of the pool total).
* ``nitrogen_leaching.csv`` — ``land_type,n_leach_kg_n_per_ha_yr,low,high,source``
  (kg N/ha/yr per NKI land type, so it works with any scheme); ``nitrogen_leaching_sand.csv``
  and ``nitrogen_leaching_clay.csv`` differ only in the field (``mark``) row: the root-zone
  leaching of sandy (western) and loamy (eastern) farmland, chosen by ``--soil``.
* ``land_management.csv`` — ``land_type,protects_groundwater,in_rotation,water_table,
  source``: whether a land type is unfertilised and unsprayed (yes/no), and its SEGES
  situation on organic soil (in rotation yes/no; water table low/high, or ``none`` =
  not counted as organic farmland/nature soil). Categorical: no range.
* ``parameters.csv`` — ``key,value,low,high,unit,source,description``: N removal on rewetted
  lowland (kg N/ha/yr), the water table before rewetting (cm, negative below the
  surface), drainable porosity (fraction).
* ``conversion_costs.csv`` — ``land_type,cost_dkk_per_ha,low,high,source``: establishment cost
  of a conversion to a land type (DKK/ha; empty = not costed). Rewetting conversions
  use the Klimaskovfonden budget of the lowland module instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from naturkapital.core.errors import InputError
from naturkapital.io.tables import check_ranges, read_csv_table, require_columns
from naturkapital.landcover.landtypes import KEYS
from naturkapital.landcover.scheme import Scheme
from naturkapital.lowland.rules import ParamTable, is_assumption

TABLE_DIR = Path(__file__).resolve().parent / "tables"
DEFAULT_CARBON_POOLS = TABLE_DIR / "carbon_pools_basemap04.csv"
DEFAULT_NITROGEN = TABLE_DIR / "nitrogen_leaching.csv"
#: Nitrogen-leaching table per soil (``--soil``): the national table, or the field value
#: of sandy (western) or loamy/clay (eastern) soils; the other land types are the same.
SOILS = ("national", "sand", "clay")
NITROGEN_BY_SOIL = {"national": DEFAULT_NITROGEN,
                    "sand": TABLE_DIR / "nitrogen_leaching_sand.csv",
                    "clay": TABLE_DIR / "nitrogen_leaching_clay.csv"}
DEFAULT_MANAGEMENT = TABLE_DIR / "land_management.csv"
DEFAULT_PARAMETERS = TABLE_DIR / "parameters.csv"
DEFAULT_COSTS = TABLE_DIR / "conversion_costs.csv"

POOLS = ("c_above", "c_below", "c_soil", "c_dead")
PARAMETER_KEYS = ("n_removal_rewetted_kg_n_per_ha_yr", "gvsmax_before_cm",
                  "drainable_porosity")
#: Basemap04 class standing for each land type when the pools table does not know a
#: class of another scheme (cross-walk by NKI land type, flagged as an assumption).
LAND_TYPE_BASEMAP = {"skov": 8, "soe": 10, "eng_mose": 11, "hede_overdrev": 7, "mark": 5,
                     "by_groen": 9, "by_graa": 6, "andet": 2}


@dataclass(frozen=True)
class Coefficients:
    """A validated coefficient table indexed by its key (class ``value`` or ``land_type``).

    ``table`` keeps the numeric columns, ``source`` and ``is_assumption``.
    """

    name: str
    path: Path
    key: str
    table: pd.DataFrame

    def assumptions(self, used: list | None = None, what: str = "") -> list[str]:
        """Notes for the unsourced rows (only those in ``used`` when given)."""
        t = self.table if used is None else self.table[self.table.index.isin(list(used))]
        label = f" {what}" if what else ""
        return [f"{self.name} {k}{label}: {r.source or 'no source'}"
                for k, r in t[t["is_assumption"]].iterrows()]

    def sources(self, used: list | None = None) -> list[str]:
        """Distinct sources of the rows used (or all)."""
        t = self.table if used is None else self.table[self.table.index.isin(list(used))]
        return list(dict.fromkeys(str(s) for s in t["source"]))


def _read(path: Path, what: str) -> pd.DataFrame:
    return read_csv_table(path, what, dtype=str).apply(lambda c: c.str.strip())


def _numbers(t: pd.DataFrame, cols: tuple[str, ...], path: Path, allow_empty: bool = False,
             minimum: float | None = None) -> None:
    for c in cols:
        text = t[c].replace("", pd.NA)
        nums = pd.to_numeric(text, errors="coerce")
        bad = (text.notna() & nums.isna()) | (nums.isna() & (not allow_empty))
        if bad.any():
            raise InputError(path, f"column {c} must hold numbers; row {int(bad.idxmax()) + 2} "
                                   f"has '{t.at[bad.idxmax(), c]}'")
        if minimum is not None and (nums < minimum).any():
            raise InputError(path, f"column {c} must be ≥ {minimum:g}; row "
                                   f"{int((nums < minimum).idxmax()) + 2} has "
                                   f"{nums[nums < minimum].iloc[0]:g}")
        t[c] = nums.astype(float)


def _finish(t: pd.DataFrame, key: str, path: Path, what: str) -> pd.DataFrame:
    dup = t[key][t[key].duplicated()]
    if not dup.empty:
        raise InputError(path, f"{key} {dup.iloc[0]} appears more than once in the {what}")
    t["is_assumption"] = t["source"].map(is_assumption)
    return t.set_index(key)


def load_carbon_pools(path: str | Path | None = None) -> Coefficients:
    """Carbon pools per class (t C/ha): ``value,c_above,c_below,c_soil,c_dead,low,high,
    source``.

    The InVEST Carbon pool table plus a ``source`` per row (``assumption: reason`` when
    unsourced) and the range ``low``–``high`` of the pool total.
    """
    p = Path(path or DEFAULT_CARBON_POOLS)
    what = "carbon-pools table"
    t = _read(p, what)
    require_columns(t, ("value",) + POOLS + ("low", "high", "source"), p, what)
    _numbers(t, ("value",), p)
    _numbers(t, POOLS, p, minimum=0.0)
    t["low"], t["high"] = check_ranges(t, t[list(POOLS)].sum(axis=1), p, what)
    t["value"] = t["value"].astype(int)
    if "label" not in t.columns:
        t["label"] = t["value"].astype(str)
    return Coefficients("carbon pools" if path is None else p.stem, p, "value",
                        _finish(t, "value", p, what))


def pools_for_scheme(pools: Coefficients, scheme: Scheme, user_given: bool) -> Coefficients:
    """Pools for every class of ``scheme``.

    A user table must cover the scheme's classes (else :class:`InputError`). The
    built-in Basemap04 table is cross-walked by land type for other schemes (each
    class takes the pools of the Basemap04 class of its land type), flagged as an
    assumption.
    """
    codes = scheme.table["value"].astype(int).tolist()
    missing = [c for c in codes if c not in pools.table.index]
    if not missing:
        return pools
    if user_given:
        raise InputError(pools.path, f"class code(s) {', '.join(map(str, missing))} of scheme "
                                     f"'{scheme.name}' have no carbon pools; add rows")
    rows = []
    for r in scheme.table.itertuples():
        src = pools.table.loc[LAND_TYPE_BASEMAP[r.land_type]]
        rows.append({"value": int(r.value), "label": r.label,
                     **{c: float(src[c]) for c in POOLS},
                     "low": float(src["low"]), "high": float(src["high"]),
                     "source": f"assumption: cross-walk by land type {r.land_type} to Basemap04 "
                               f"class {LAND_TYPE_BASEMAP[r.land_type]} ({src['source']})"})
    t = pd.DataFrame(rows)
    return Coefficients(f"carbon pools via land type ({scheme.name})", pools.path, "value",
                        _finish(t, "value", pools.path, "carbon-pools table"))


def _by_land_type(t: pd.DataFrame, p: Path, what: str) -> pd.DataFrame:
    bad = sorted(set(t["land_type"]) - set(KEYS))
    if bad:
        raise InputError(p, f"unknown land_type {', '.join(bad)}; use {', '.join(KEYS)}")
    missing = [k for k in KEYS if k not in set(t["land_type"])]
    if missing:
        raise InputError(p, f"{what} lacks land type(s) {', '.join(missing)}")
    return _finish(t, "land_type", p, what)


def nitrogen_table(soil: str = "national") -> Path:
    """The built-in nitrogen-leaching table of a soil (one of :data:`SOILS`)."""
    if soil not in NITROGEN_BY_SOIL:
        raise InputError("--soil", f"unknown soil '{soil}'; use {', '.join(SOILS)}")
    return NITROGEN_BY_SOIL[soil]


def load_nitrogen(path: str | Path | None = None) -> Coefficients:
    """Root-zone nitrogen leaching per land type, kg N/ha/yr."""
    p = Path(path or DEFAULT_NITROGEN)
    what = "nitrogen-leaching table"
    t = _read(p, what)
    require_columns(t, ("land_type", "n_leach_kg_n_per_ha_yr", "low", "high", "source"), p, what)
    _numbers(t, ("n_leach_kg_n_per_ha_yr",), p, minimum=0.0)
    t["low"], t["high"] = check_ranges(t, t["n_leach_kg_n_per_ha_yr"], p, what)
    return Coefficients("nitrogen leaching", p, "land_type", _by_land_type(t, p, what))


def load_management(path: str | Path | None = None) -> Coefficients:
    """Management per land type: groundwater protection and SEGES situation."""
    p = Path(path or DEFAULT_MANAGEMENT)
    what = "land-management table"
    t = _read(p, what)
    require_columns(t, ("land_type", "protects_groundwater", "in_rotation", "water_table",
                        "source"), p, what)
    for col, allowed in (("protects_groundwater", ("yes", "no")), ("in_rotation", ("yes", "no")),
                         ("water_table", ("low", "high", "none"))):
        t[col] = t[col].str.lower()
        bad = t.loc[~t[col].isin(allowed), col]
        if not bad.empty:
            raise InputError(p, f"column {col} must be {'/'.join(allowed)}; found "
                                f"'{bad.iloc[0]}'")
    bad = t[(t["in_rotation"] == "yes") & (t["water_table"] == "high")]
    if not bad.empty:
        raise InputError(p, f"land type {bad['land_type'].iloc[0]}: the SEGES table has no "
                            "'in rotation, high water table' situation")
    return Coefficients("land management", p, "land_type", _by_land_type(t, p, what))


def load_costs(path: str | Path | None = None) -> Coefficients:
    """Establishment cost of a conversion per target land type, DKK/ha (NaN = not costed)."""
    p = Path(path or DEFAULT_COSTS)
    what = "conversion-cost table"
    t = _read(p, what)
    require_columns(t, ("land_type", "cost_dkk_per_ha", "low", "high", "source"), p, what)
    _numbers(t, ("cost_dkk_per_ha",), p, allow_empty=True, minimum=0.0)
    t["low"], t["high"] = check_ranges(t, t["cost_dkk_per_ha"], p, what)
    t = _by_land_type(t, p, what)
    t["is_assumption"] = t["is_assumption"] & t["cost_dkk_per_ha"].notna()
    return Coefficients("conversion costs", p, "land_type", t)


def load_parameters(path: str | Path | None = None) -> ParamTable:
    """Service parameters as a :class:`naturkapital.lowland.rules.ParamTable`."""
    p = Path(path or DEFAULT_PARAMETERS)
    what = "service-parameter table"
    t = _read(p, what)
    require_columns(t, ("key", "value", "low", "high", "unit", "source"), p, what)
    missing = [k for k in PARAMETER_KEYS if k not in set(t["key"])]
    if missing:
        raise InputError(p, f"{what} lacks key(s) {', '.join(missing)}")
    _numbers(t, ("value",), p)
    t["low"], t["high"] = check_ranges(t, t["value"], p, what)
    if "description" not in t.columns:
        t["description"] = ""
    dup = t["key"][t["key"].duplicated()]
    if not dup.empty:
        raise InputError(p, f"key {dup.iloc[0]} appears more than once")
    params = ParamTable(version=p.stem, path=p, table=t.set_index("key"))
    if not 0 < params["drainable_porosity"] <= 1:
        raise InputError(p, "drainable_porosity must be a fraction in (0, 1]")
    if params["n_removal_rewetted_kg_n_per_ha_yr"] < 0:
        raise InputError(p, "n_removal_rewetted_kg_n_per_ha_yr must be ≥ 0")
    return params
