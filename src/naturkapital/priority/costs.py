"""Conversion types and their costs (a CSV table with a ``source`` column).

The table ``tables/conversions.csv`` holds one row per cost item of a conversion type:
``conversion, label, to_class, item, value, unit, source``. ``unit`` is ``DKK/ha``
(summed to the conversion's cost per hectare) or ``DKK/unit`` (a fixed cost per
planning unit converted). ``to_class`` is the land-cover class code the land becomes
(Basemap04: 8 forest, 11 wet nature, 7 dry nature). Values without a published source
have a source starting with ``assumption:``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from naturkapital.core.errors import InputError
from naturkapital.io.local import check_local
from naturkapital.io.tables import read_csv_table

TABLE = Path(__file__).resolve().parent / "tables" / "conversions.csv"
COLUMNS = ("conversion", "label", "to_class", "item", "value", "unit", "source")
UNITS = ("DKK/ha", "DKK/unit")


@dataclass(frozen=True)
class Conversion:
    """One conversion type: what it becomes and what it costs."""

    key: str
    label: str
    to_class: int
    dkk_per_ha: float
    dkk_per_unit: float


@dataclass(frozen=True)
class CostTable:
    """The conversion types of a cost table, and the rows whose source is an
    assumption."""

    conversions: dict[str, Conversion]
    assumptions: list[str]
    source: str


def load_costs(path: str | Path | None = None) -> CostTable:
    """Read the cost table (the embedded one when ``path`` is None)."""
    p = check_local(path, "cost table") if path is not None else TABLE
    df = read_csv_table(p, "cost table", COLUMNS, {"source": str})
    values = pd.to_numeric(df["value"], errors="coerce")
    bad = ~np.isfinite(values.to_numpy(dtype=float)) | (values < 0)
    if bad.any():
        i = int(np.argmax(bad.to_numpy()))
        raise InputError(p, f"value of {df['conversion'].iloc[i]}/{df['item'].iloc[i]} must be "
                            f"a number ≥ 0, found '{df['value'].iloc[i]}'")
    units = ~df["unit"].isin(UNITS)
    if units.any():
        i = int(np.argmax(units.to_numpy()))
        raise InputError(p, f"unit '{df['unit'].iloc[i]}' of {df['conversion'].iloc[i]} is "
                            f"not one of {', '.join(UNITS)}")
    nosrc = df["source"].fillna("").str.strip() == ""
    if nosrc.any():
        i = int(np.argmax(nosrc.to_numpy()))
        raise InputError(p, f"{df['conversion'].iloc[i]}/{df['item'].iloc[i]} has no source; "
                            "write the publication, or 'assumption: …'")
    df = df.assign(value=values)
    out: dict[str, Conversion] = {}
    for key, g in df.groupby("conversion", sort=False):
        classes = pd.to_numeric(g["to_class"], errors="coerce").unique()
        if len(classes) != 1 or not np.isfinite(classes[0]) or not float(classes[0]).is_integer():
            raise InputError(p, f"conversion {key} needs one integer to_class")
        out[str(key)] = Conversion(
            str(key), str(g["label"].iloc[0]), int(classes[0]),
            float(g.loc[g["unit"] == "DKK/ha", "value"].sum()),
            float(g.loc[g["unit"] == "DKK/unit", "value"].sum()))
    assumptions = [f"{r.conversion}/{r.item} {r.value:g} {r.unit}: {r.source}"
                   for r in df.itertuples() if str(r.source).strip().startswith("assumption")]
    return CostTable(out, assumptions, str(p))


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
