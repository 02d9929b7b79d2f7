"""Resistance per land-cover class: the cost of crossing one metre of it (habitat = 1).

The table has ``value,label,resistance,source``; a row whose source starts with
"assumption" is listed as such in every output that uses it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from naturkapital.core.errors import InputError
from naturkapital.io.local import check_local
from naturkapital.io.tables import read_csv_table

TABLE = Path(__file__).resolve().parent / "tables" / "resistance.csv"
COLUMNS = ("value", "label", "resistance", "source")


@dataclass(frozen=True)
class ResistanceTable:
    """Resistance per class code, the unsourced rows and the file read."""

    values: dict[int, float]
    assumptions: list[str]
    source: str


def load_resistance(path: str | Path | None = None) -> ResistanceTable:
    """Read the resistance table (the embedded one when ``path`` is None)."""
    p = check_local(path, "resistance table") if path is not None else TABLE
    df = read_csv_table(p, "resistance table", COLUMNS, {"source": str, "label": str})
    codes = pd.to_numeric(df["value"], errors="coerce")
    res = pd.to_numeric(df["resistance"], errors="coerce")
    bad = codes.isna() | res.isna() | ~np.isfinite(res.to_numpy(dtype=float)) | (res < 1)
    if bad.any():
        i = int(np.argmax(bad.to_numpy()))
        raise InputError(p, f"row {i + 2}: value must be a class code and resistance a number "
                            f"≥ 1, found '{df['value'].iloc[i]}', '{df['resistance'].iloc[i]}'")
    nosrc = df["source"].str.strip() == ""
    if nosrc.any():
        i = int(np.argmax(nosrc.to_numpy()))
        raise InputError(p, f"class {df['value'].iloc[i]} has no source; write the "
                            "publication, or 'assumption: …'")
    values = dict(zip(codes.astype(int), res.astype(float), strict=True))
    assumptions = [f"resistance {int(c)} ({lab}) {r:g}: {s}" for c, lab, r, s in
                   zip(codes, df["label"], res, df["source"], strict=True)
                   if str(s).strip().startswith("assumption")]
    return ResistanceTable(values, assumptions, str(p))


def resistance_surface(classes: np.ndarray, inside: np.ndarray, table: ResistanceTable,
                       where: str | Path = "resistance table") -> np.ndarray:
    """Resistance per cell (NaN outside the area). Raises :class:`InputError` naming the
    classes of the map that the table lacks."""
    present = np.unique(classes[inside])
    missing = [int(c) for c in present if int(c) not in table.values]
    if missing:
        raise InputError(where, f"no resistance for land-cover class(es) "
                                f"{', '.join(map(str, missing))}; add a row per class")
    lut = np.full(256, np.nan)
    for c, r in table.values.items():
        if 0 <= c < 256:
            lut[c] = r
    return np.where(inside, lut[classes], np.nan)
