"""The one spreadsheet helper: CSV for Danish Excel and .xlsx with numeric cells."""

from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from naturkapital.report.spreadsheet import Column, number_text, table_file, workbook

COLS = [
    Column("name", "Kommune", "municipality"),
    Column("nki", "NKI", "NKI", 2),
    Column("n", "Antal", "count", 0),
]
ROWS = [
    {"name": "Vejle", "nki": 1234.5, "n": 3},
    {"name": '=HYPERLINK("x")', "nki": float("nan"), "n": None},
    {"name": "Fanø", "nki": np.float64(-0.25), "n": np.int64(7)},
]


def test_number_text_hand_cases() -> None:
    assert number_text(1234.5, True) == "1234,5"
    assert number_text(1234.5, False) == "1234.5"
    assert number_text(3, True) == "3"
    assert number_text(2.0, True) == "2"
    assert number_text(1e-7, True) == "0,0000001"
    assert number_text(-0.25, True) == "-0,25"


def test_csv_for_danish_excel() -> None:
    data = table_file(ROWS, COLS, "csv", notes=["Antagelse: demo"])
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM
    text = data.decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[0] == "Kommune (municipality);NKI;Antal (count)"
    assert lines[1] == "Vejle;1234,5;3"
    # a formula-looking text is defused; missing numbers are empty
    assert lines[2] == '"\'=HYPERLINK(""x"")";;'
    assert lines[3] == "Fanø;-0,25;7"
    assert lines[4] == "" and lines[5] == "Antagelse: demo"
    dot = table_file(ROWS, COLS, "csv", decimal_comma=False).decode("utf-8-sig")
    assert dot.split("\r\n")[1] == "Vejle;1234.5;3"
    # pandas reads it back with the Danish settings
    back = pd.read_csv(io.BytesIO(data), sep=";", decimal=",", encoding="utf-8-sig", nrows=3)
    assert back.iloc[0, 1] == 1234.5 and back.iloc[2, 2] == 7


def test_xlsx_numeric_cells_and_about_sheet() -> None:
    data = table_file(
        pd.DataFrame(ROWS),
        COLS,
        "xlsx",
        title="Rangliste (ranking)",
        notes=["Åbne data som proxy", "=1+1"],
    )
    wb = load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    assert ws.title == "Rangliste"
    assert [c.value for c in ws[1]] == ["Kommune (municipality)", "NKI", "Antal (count)"]
    assert ws["B2"].value == 1234.5 and ws["B2"].data_type == "n"
    assert ws["B2"].number_format == "0.00"
    assert ws["C2"].value == 3 and ws["C2"].data_type == "n"
    assert ws["A3"].value == '=HYPERLINK("x")' and ws["A3"].data_type == "s"
    assert ws["B3"].value is None and ws["C3"].value is None
    assert math.isclose(ws["B4"].value, -0.25) and ws["C4"].value == 7
    assert ws.freeze_panes == "A2"
    about = wb["Om (about)"]
    values = [r[1] for r in about.iter_rows(values_only=True)]
    assert values[0] == "Rangliste (ranking)"
    assert "Åbne data som proxy" in values and "=1+1" in values
    assert all(c.data_type != "f" for row in about.iter_rows() for c in row)


def test_workbook_several_tables_unique_names() -> None:
    data = workbook([("Tabel", ROWS[:1], COLS), ("Tabel", ROWS[2:], COLS)], "To (two)")
    wb = load_workbook(io.BytesIO(data))
    assert len(wb.sheetnames) == 3 and len(set(wb.sheetnames)) == 3
    assert wb.worksheets[1]["A2"].value == "Fanø"


def test_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown spreadsheet format"):
        table_file(ROWS, COLS, "ods")  # type: ignore[arg-type]


def test_control_characters_do_not_break_the_workbook() -> None:
    data = table_file(
        [{"a": "x\x00y\x07", "b": 1}],
        [Column("a", "A\x01"), Column("b", "B")],
        "xlsx",
        title="T[1]:\x02",
        notes=["n\x1f"],
    )
    wb = load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    assert ws.title == "T_1__" and ws["A1"].value == "A" and ws["A2"].value == "xy"
    assert wb["Om (about)"]["B4"].value == "n"
