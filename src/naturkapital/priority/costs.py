"""Conversion types and their costs — by the one cost model of the scenario.

``tables/conversions.csv`` names the conversion types a plan can use:
``conversion, label, to_class, source`` (``to_class``: the Basemap04 class the land
becomes: 8 forest, 11 wet nature, 7 dry nature). What a conversion costs is not in
this table: it is :func:`naturkapital.services.costs.cost_per_ha` on the scenario's
cost table (``services/tables/conversion_costs.csv``, or the user's copy) — rewetting
at Klimaskovfonden's maximum support, other changes at the establishment cost of the
target land type — so a plan costs exactly what ``scenario evaluate`` reports for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from naturkapital.core.errors import InputError
from naturkapital.io.local import check_local
from naturkapital.io.tables import read_csv_table

TABLE = Path(__file__).resolve().parent / "tables" / "conversions.csv"
COLUMNS = ("conversion", "label", "to_class", "source")
#: The columns of a user cost table (the scenario's conversion-cost table).
COST_COLUMNS = ("land_type", "cost_dkk_per_ha", "low", "high", "source")


@dataclass(frozen=True)
class Conversion:
    """One conversion type: what it becomes and what it costs (DKK/ha for the
    optimiser; ``dkk_per_unit`` a fixed cost per unit converted, 0 in the one cost
    model)."""

    key: str
    label: str
    to_class: int
    dkk_per_ha: float
    dkk_per_unit: float = 0.0


@dataclass(frozen=True)
class CostTable:
    """The conversion types with their rates; ``rates[key][land_type]`` is the DKK/ha
    of converting that convertible land type; ``assumptions``: the cost rows without a
    published source that are used; ``source``: the cost table."""

    conversions: dict[str, Conversion]
    assumptions: list[str]
    source: str
    rates: dict[str, dict[str, float]] = field(default_factory=dict)
    to_land_type: dict[str, str] = field(default_factory=dict)


def load_conversions(path: str | Path | None = None) -> pd.DataFrame:
    """The conversion types (``conversion, label, to_class, source``)."""
    p = check_local(path, "conversion table") if path is not None else TABLE
    df = read_csv_table(p, "conversion table", COLUMNS, {"source": str, "label": str})
    cls = pd.to_numeric(df["to_class"], errors="coerce")
    if cls.isna().any() or not all(float(c).is_integer() for c in cls):
        i = int(np.argmax(cls.isna().to_numpy() | ~np.isclose(cls.fillna(0.5) % 1, 0)))
        raise InputError(p, f"conversion {df['conversion'].iloc[i]} needs one integer to_class")
    return df.assign(to_class=cls.astype(int))


def load_costs(path: str | Path | None = None,
               convertible: tuple[str, ...] = ("mark",)) -> CostTable:
    """The conversion types with the rate of each convertible land type, from the
    scenario's cost table (the embedded one when ``path`` is None). Raises
    :class:`InputError` naming the table when a conversion's land type has no cost."""
    from naturkapital.landcover.scheme import load_scheme
    from naturkapital.lowland.rules import load_rules
    from naturkapital.services import tables as st
    from naturkapital.services.costs import cost_per_ha

    costs = st.load_costs(check_local(path, "cost table") if path is not None else None)
    rules, mgmt = load_rules(), st.load_management()
    scheme = load_scheme("basemap04")
    lt_of = dict(zip(scheme.table["value"].astype(int), scheme.table["land_type"],
                     strict=True))
    conv = load_conversions()
    out: dict[str, Conversion] = {}
    rates: dict[str, dict[str, float]] = {}
    to_lt: dict[str, str] = {}
    used: list[str] = []
    for r in conv.itertuples():
        lt = lt_of[int(r.to_class)]
        src = pd.Series(list(convertible))
        rate, rewet = cost_per_ha(np.asarray([c != lt for c in convertible]), src,
                                  pd.Series([lt] * len(src)), costs, rules, mgmt)
        if np.isnan(rate).any():
            raise InputError(costs.path, f"no cost for conversion {r.conversion} (land type "
                                         f"{lt}): cost_dkk_per_ha is empty; fill it in")
        if (~rewet).any():
            used.append(lt)
        rates[str(r.conversion)] = dict(zip(convertible, map(float, rate), strict=True))
        to_lt[str(r.conversion)] = lt
        out[str(r.conversion)] = Conversion(str(r.conversion), str(r.label),
                                            int(r.to_class), float(np.max(rate)))
    assumptions = costs.assumptions(sorted(set(used)), "DKK/ha")
    return CostTable(out, assumptions, str(costs.path), rates, to_lt)


TARGETS = Path(__file__).resolve().parent / "tables" / "national_targets.csv"


def load_national_targets(path: str | Path | None = None) -> pd.DataFrame:
    """The national targets and grant rates of the Green Tripartite agreement (24 June
    2024): ``target, value, unit, year, note, source``; a municipality's share is the
    user's input."""
    p = check_local(path, "targets table") if path is not None else TARGETS
    df = read_csv_table(p, "targets table", ("target", "value", "unit", "year", "source"),
                        {"source": str, "note": str, "unit": str})
    values = pd.to_numeric(df["value"], errors="coerce")
    if values.isna().any() or (values < 0).any():
        i = int(np.argmax((values.isna() | (values < 0)).to_numpy()))
        raise InputError(p, f"value of {df['target'].iloc[i]} must be a number ≥ 0")
    if (df["source"].str.strip() == "").any():
        raise InputError(p, "every target needs a source")
    return df.assign(value=values.astype(float)).set_index("target")
