"""Classification schemes: raster class code → NKI land type and nature value.

A scheme is a CSV table with the columns ``value,land_type,nature_value,source``
(an optional ``label`` column names the class). ``nature_value`` is 0–100. A row
whose ``source`` is empty or starts with "assumption" has no published source; every
output that uses it lists it as an assumption.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from naturkapital.core.errors import InputError
from naturkapital.io.local import is_remote
from naturkapital.io.tables import check_known, check_unique_codes, read_csv_table
from naturkapital.landcover.landtypes import KEYS

SCHEME_DIR = Path(__file__).resolve().parent / "schemes"
BUILTIN_SCHEMES: dict[str, Path] = {
    "basemap04": SCHEME_DIR / "basemap04.csv",
    "corine": SCHEME_DIR / "corine.csv",
}
REQUIRED_COLUMNS = ("value", "land_type", "nature_value", "source")


@dataclass(frozen=True)
class Scheme:
    """A validated classification table."""

    name: str
    table: pd.DataFrame  # columns value (int), land_type, nature_value (float), source, label

    def land_type_of(self, values: np.ndarray) -> np.ndarray:
        """Land-type key for each class code (codes must be in the table)."""
        lookup = dict(zip(self.table["value"], self.table["land_type"], strict=True))
        return np.array([lookup[int(v)] for v in values], dtype=object)

    def nature_value_of(self, values: np.ndarray) -> np.ndarray:
        """Nature value 0–100 for each class code."""
        lookup = dict(zip(self.table["value"], self.table["nature_value"], strict=True))
        return np.array([lookup[int(v)] for v in values], dtype=float)

    def unknown(self, values: np.ndarray) -> list[int]:
        """Class codes that are not in the table."""
        known = set(self.table["value"].tolist())
        return sorted(int(v) for v in set(np.asarray(values).tolist()) - known)

    def assumptions(self, used: np.ndarray | None = None) -> list[str]:
        """Human-readable list of unsourced (assumed) rows, optionally only those used."""
        t = self.table
        if used is not None:
            t = t[t["value"].isin([int(v) for v in used])]
        flagged = t[t["is_assumption"]]
        return [
            f"{self.name} {int(r.value)} ({r.label}) nature value {r.nature_value:g}: "
            f"{r.source or 'no source'}"
            for r in flagged.itertuples()
        ]


def load_scheme(spec: str | Path) -> Scheme:
    """Load a built-in scheme by name (``basemap04``, ``corine``) or a CSV file."""
    if str(spec) in BUILTIN_SCHEMES:
        path, name = BUILTIN_SCHEMES[str(spec)], str(spec)
    else:
        path = Path(spec)
        name = path.stem
    table = read_csv_table(spec if is_remote(str(spec)) else path, "scheme",
                           REQUIRED_COLUMNS, {"source": str, "label": str})
    try:
        table["value"] = pd.to_numeric(table["value"], errors="raise").astype(int)
        table["nature_value"] = pd.to_numeric(table["nature_value"], errors="raise")
    except (ValueError, TypeError):
        raise InputError(path, "columns value and nature_value must be numbers") from None
    check_known(table, "land_type", KEYS, path)
    if not table["nature_value"].between(0, 100).all():
        raise InputError(path, "nature_value must be between 0 and 100")
    check_unique_codes(table, path)
    if "label" not in table.columns:
        table["label"] = table["value"].astype(str)
    table["source"] = table["source"].fillna("").astype(str).str.strip()
    table["is_assumption"] = (table["source"] == "") | table["source"].str.lower().str.startswith(
        "assumption"
    )
    return Scheme(name=name, table=table.reset_index(drop=True))
