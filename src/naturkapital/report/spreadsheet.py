"""Tables as spreadsheets: Excel (.xlsx, openpyxl) and CSV that opens in Danish Excel.

One helper for every table the web app and the reports hand out (ranking, land types,
change, lowland candidates and screening, scenario results, accounts, urban):
:func:`table_file` turns rows (a list of dicts or a DataFrame) and their
:class:`Column` s into file bytes.

* ``xlsx``: numbers are numeric cells (never text), headers are Danish with the
  English beside them (``Kommune (municipality)``), the header row is frozen, and a
  second sheet ``Om (about)`` holds the title, the notes (sources, assumptions, demo
  labels) and the date. Text that starts like a formula (``=``, ``+``, ``-``, ``@``)
  stays text.
* ``csv``: UTF-8 with BOM, ``;`` as separator and, by default, a decimal comma — what
  Danish Excel expects (a comma-separated file with dot decimals lands in one column).
  ``decimal_comma=False`` gives dot decimals (still ``;``-separated). Notes follow the
  table after an empty line. Text that starts like a formula gets a leading ``'``.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import pandas as pd

SheetFormat = Literal["xlsx", "csv"]
XLSX_MEDIA = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA = "text/csv; charset=utf-8"
MEDIA: dict[str, str] = {"xlsx": XLSX_MEDIA, "csv": CSV_MEDIA}
#: The most rows one exported table may have.
MAX_ROWS = 200_000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_BAD = set("[]:*?/\\")


@dataclass(frozen=True)
class Column:
    """One column: the key in the rows, its Danish and English header, and the number
    of decimals numbers are shown with in Excel (``None``: as they are)."""

    key: str
    da: str
    en: str = ""
    digits: int | None = None

    def header(self) -> str:
        if not self.en or self.en.strip().lower() == self.da.strip().lower():
            return self.da
        return f"{self.da} ({self.en})"


def columns_of(rows: Sequence[Mapping[str, Any]]) -> list[Column]:
    """Columns named by the keys of the rows (in first-seen order), for tables without
    labels."""
    seen: dict[str, None] = {}
    for r in rows:
        for k in r:
            seen.setdefault(str(k), None)
    return [Column(k, k) for k in seen]


def _cell(v: Any) -> Any:
    """A value as a spreadsheet cell: finite numbers stay numbers, missing is None."""
    if v is None:
        return None
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    try:  # numpy scalars
        import numpy as np

        if isinstance(v, np.integer):
            return int(v)
        if isinstance(v, np.floating):
            f = float(v)
            return f if math.isfinite(f) else None
        if isinstance(v, np.bool_):
            return bool(v)
    except ImportError:  # pragma: no cover - numpy is a dependency
        pass
    if isinstance(v, (list, tuple)):
        return "; ".join(str(x) for x in v)
    if isinstance(v, dict):
        return "; ".join(f"{k}: {x}" for k, x in v.items())
    if not isinstance(v, str) and pd.isna(v):
        return None
    return str(v)


def _rows(rows: Sequence[Mapping[str, Any]] | pd.DataFrame) -> list[Mapping[str, Any]]:
    if isinstance(rows, pd.DataFrame):
        return rows.to_dict(orient="records")
    return list(rows)


def _safe_text(s: str) -> str:
    return "'" + s if s.startswith(_FORMULA_START) else s


def number_text(x: float | int, decimal_comma: bool) -> str:
    """A number as CSV text: shortest round-trip form, no thousands separator, the
    decimal point or comma as asked (``1234.5`` → ``1234,5``)."""
    if isinstance(x, bool):
        return "1" if x else "0"
    if isinstance(x, int):
        return str(x)
    s = repr(float(x))
    if "e" in s or "E" in s:
        s = f"{x:.10f}".rstrip("0").rstrip(".")
    if s.endswith(".0"):
        s = s[:-2]
    return s.replace(".", ",") if decimal_comma else s


def to_csv(
    rows: Sequence[Mapping[str, Any]] | pd.DataFrame,
    columns: Sequence[Column],
    notes: Iterable[str] = (),
    decimal_comma: bool = True,
) -> bytes:
    """The table as CSV for Danish Excel: UTF-8 with BOM, ``;``-separated."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow([c.header() for c in columns])
    for r in _rows(rows):
        out = []
        for c in columns:
            v = _cell(r.get(c.key))
            if v is None:
                out.append("")
            elif isinstance(v, (int, float)):
                out.append(number_text(v, decimal_comma))
            else:
                out.append(_safe_text(v))
        w.writerow(out)
    notes = [n for n in notes if n]
    if notes:
        w.writerow([])
        for n in notes:
            w.writerow([_safe_text(n)])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _xl_text(s: str) -> str:
    """Text as an Excel cell accepts it: control characters removed."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", s)


def _sheet_title(title: str) -> str:
    t = "".join("_" if ch in _SHEET_BAD else ch for ch in _xl_text(title)).strip().strip("'")
    t = t or "Tabel"
    return t[:31]


Table = tuple[str, "Sequence[Mapping[str, Any]] | pd.DataFrame", Sequence[Column]]


def _fill(
    ws: Any, rows: Sequence[Mapping[str, Any]] | pd.DataFrame, columns: Sequence[Column]
) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    ws.append([_xl_text(c.header()) for c in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = [min(max(len(c.header()), 8), 40) for c in columns]
    formats = [
        None if c.digits is None else ("0" if c.digits == 0 else "0." + "0" * c.digits)
        for c in columns
    ]
    n = 0
    for r in _rows(rows):
        n += 1
        if n > MAX_ROWS:
            raise ValueError(f"more than {MAX_ROWS} rows")
        for j, c in enumerate(columns, start=1):
            v = _cell(r.get(c.key))
            if isinstance(v, str):
                v = _xl_text(v)
            cell = ws.cell(row=n + 1, column=j)
            cell.value = v
            if isinstance(v, str):
                cell.data_type = "s"  # never a formula
                widths[j - 1] = min(max(widths[j - 1], len(v)), 60)
            elif isinstance(v, float) and formats[j - 1]:
                cell.number_format = formats[j - 1]
    for j, wdt in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = wdt + 2
    ws.freeze_panes = "A2"


def workbook(tables: Sequence[Table], title: str, notes: Iterable[str] = ()) -> bytes:
    """Tables as one Excel workbook, a sheet per table (numeric cells), and a last
    sheet ``Om (about)`` with the title, notes and date."""
    from openpyxl import Workbook

    wb = Workbook()
    used: set[str] = set()
    for i, (name, rows, columns) in enumerate(tables):
        ws = wb.active if i == 0 else wb.create_sheet()
        sheet = _sheet_title(name)
        while sheet in used:
            sheet = _sheet_title(sheet[:28] + f" {i}")
        used.add(sheet)
        ws.title = sheet
        _fill(ws, rows, columns)
    about = wb.create_sheet("Om (about)")
    about.append(["Titel (title)", _xl_text(title)])
    about.append(["Dato (date)", date.today().isoformat()])
    about.append(["Kilde (source)", "Naturkapital"])
    for note in notes:
        if note:
            r = about.max_row + 1
            about.cell(row=r, column=1, value="Note")
            c = about.cell(row=r, column=2, value=_xl_text(note))
            c.data_type = "s"
    about.column_dimensions["A"].width = 18
    about.column_dimensions["B"].width = 120
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def to_xlsx(
    rows: Sequence[Mapping[str, Any]] | pd.DataFrame,
    columns: Sequence[Column],
    title: str = "Tabel (table)",
    notes: Iterable[str] = (),
) -> bytes:
    """One table as an Excel workbook (see :func:`workbook`)."""
    return workbook([(title.split(" (")[0], rows, columns)], title, notes)


def table_file(
    rows: Sequence[Mapping[str, Any]] | pd.DataFrame,
    columns: Sequence[Column] | None,
    fmt: SheetFormat,
    title: str = "Tabel (table)",
    notes: Iterable[str] = (),
    decimal_comma: bool = True,
) -> bytes:
    """The table as ``xlsx`` or ``csv`` bytes (see the module docstring)."""
    rows = _rows(rows)
    cols = list(columns) if columns else columns_of(rows)
    if fmt == "xlsx":
        return to_xlsx(rows, cols, title, list(notes))
    if fmt == "csv":
        return to_csv(rows, cols, list(notes), decimal_comma)
    raise ValueError(f"unknown spreadsheet format {fmt!r}")
