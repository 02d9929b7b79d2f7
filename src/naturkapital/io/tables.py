"""Read a CSV table (coefficients, class schemes, typologies, costs) and check its
columns: the one reader behind every table with a ``source`` column."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from naturkapital.core.errors import InputError, first_line
from naturkapital.io.local import check_local, is_remote


def read_csv_table(path: str | Path, what: str, required: Sequence[str] = (),
                   dtype: Any = None) -> pd.DataFrame:
    """The table at ``path`` (UTF-8, a byte-order mark allowed, empty cells kept as
    ""), with its header names stripped. Errors name the file: missing, a folder, remote,
    unreadable, a column of ``required`` missing, or no rows."""
    if is_remote(str(path)):
        check_local(str(path), what)
    p = Path(path)
    if not p.exists():
        raise InputError(p, f"{what} not found / tabellen findes ikke")
    if p.is_dir():
        raise InputError(p, f"is a folder, not a {what} CSV")
    try:
        table = pd.read_csv(p, dtype=dtype, keep_default_na=False, encoding="utf-8-sig")
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
