"""Read a CSV table (coefficients, class schemes, typologies, costs) and check its
columns: the one reader behind every table with a ``source`` column."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from naturkapital.core.errors import InputError, first_line
from naturkapital.io.local import InMemory, Source, check_local, is_remote


def read_csv_table(path: Source, what: str, required: Sequence[str] = (),
                   dtype: Any = None) -> pd.DataFrame:
    """The table at ``path`` — a path, or bytes (:class:`InMemory`) — (UTF-8, a
    byte-order mark allowed, empty cells kept as ""), with its header names stripped.
    Errors name the file: missing, a folder, remote, unreadable, a column of
    ``required`` missing, or no rows."""
    p: Path | InMemory
    if isinstance(path, InMemory):
        p = path
    else:
        if is_remote(str(path)):
            check_local(str(path), what)
        p = Path(path)
        if not p.exists():
            raise InputError(p, f"{what} not found / tabellen findes ikke")
        if p.is_dir():
            raise InputError(p, f"is a folder, not a {what} CSV")
    try:
        table = pd.read_csv(io.BytesIO(p.data) if isinstance(p, InMemory) else p,
                            dtype=dtype, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError,
            OSError) as exc:
        raise InputError(p, f"cannot read the {what} CSV ({first_line(exc)})") from None
    table.columns = [str(c).strip() for c in table.columns]
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise InputError(p, f"{what} is missing column(s) {', '.join(missing)}; expected "
                            f"{','.join(required)}")
    if table.empty:
        raise InputError(p, f"{what} has no rows")
    return table


def require_columns(table: pd.DataFrame, columns: Sequence[str], path: str | Path,
                    what: str) -> None:
    """InputError naming the file when a coefficient table lacks one of ``columns``
    (with a hint when the missing ones are the source or the range)."""
    missing = [c for c in columns if c not in table.columns]
    if missing:
        hint = (" (every coefficient needs a source and a range low ≤ value ≤ high)"
                if {"low", "high", "source"} & set(missing) else "")
        raise InputError(path, f"{what} is missing column(s) {', '.join(missing)}; expected "
                               f"{','.join(columns)}{hint}")


def check_known(table: pd.DataFrame, column: str, known: Sequence[str], path: Any,
                blank_ok: bool = False) -> None:
    """InputError naming the file when ``column`` holds a value that is not one of
    ``known`` (a class table's land types, ecosystem types …)."""
    bad = sorted(set(table[column]) - set(known) - ({""} if blank_ok else set()))
    if bad:
        raise InputError(path, f"unknown {column} {', '.join(map(str, bad))}; use one of "
                               f"{', '.join(known)}")


def check_unique_codes(table: pd.DataFrame, path: Any) -> None:
    """InputError naming the file when a class code (``value``) appears twice."""
    dup = table["value"][table["value"].duplicated()]
    if not dup.empty:
        raise InputError(path, f"class value {int(dup.iloc[0])} appears more than once")


def check_ranges(table: pd.DataFrame, value: pd.Series, path: str | Path, what: str,
                 low: str = "low", high: str = "high") -> tuple[pd.Series, pd.Series]:
    """The ``low`` and ``high`` columns of a coefficient table as numbers, checked.

    Every coefficient carries a range beside its central ``value`` (from its source, or a
    stated wide range for an assumption). Raises :class:`InputError` naming the file when
    a column is missing, a bound is not a number, or ``low ≤ value ≤ high`` fails. Rows
    whose ``value`` is NaN (not costed) may leave both bounds empty.
    """
    p = Path(path)
    missing = [c for c in (low, high) if c not in table.columns]
    if missing:
        raise InputError(p, f"{what} has no {'/'.join(missing)} column: every coefficient "
                            "needs a range (low ≤ value ≤ high) beside its source")
    out = []
    for col in (low, high):
        text = table[col].astype(str).str.strip().replace({"": pd.NA, "nan": pd.NA})
        nums = pd.to_numeric(text, errors="coerce")
        bad = (text.notna() & nums.isna()) | (nums.isna() & value.notna())
        if bad.any():
            i = int(bad.to_numpy().argmax())
            raise InputError(p, f"column {col} must hold a number in row {i + 2} (found "
                                f"'{'' if pd.isna(text.iloc[i]) else text.iloc[i]}')")
        out.append(nums.astype(float))
    lo, hi = out
    tol = 1e-9 * np.maximum(1.0, np.abs(value.to_numpy(dtype=float)))
    wrong = (lo.to_numpy() > value.to_numpy() + tol) | (value.to_numpy() > hi.to_numpy() + tol)
    if wrong.any():
        i = int(wrong.argmax())
        raise InputError(p, f"row {i + 2}: the range must hold the value (low ≤ value ≤ "
                            f"high); found low {lo.iloc[i]:g}, value {value.iloc[i]:g}, high "
                            f"{hi.iloc[i]:g}")
    return lo, hi
