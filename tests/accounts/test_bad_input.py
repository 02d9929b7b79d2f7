"""Bad input to ``naturkapital accounts``: one line naming the file or option and the
problem, exit code 2, nothing written."""

from __future__ import annotations

from tests.conftest import run_cli
from tests.nki.test_bad_input import check_clean_error


def _args(e, out, *extra):
    return ["accounts", "--from", str(e["from"]), "--to", str(e["to"]), "--zones",
            str(e["zones"]), "--id-field", "zid", "--scheme", str(e["scheme"]),
            "--typology", str(e["typology"]), "--out", str(out), *extra]


def test_epochs_on_different_grids(tmp_path):
    out = tmp_path / "a.csv"
    r = run_cli("accounts", "--from", "basemap2021", "--to", "corine:2018", "--out", str(out))
    check_clean_error(r, "corine_dk_1990-2018_100m.tif", "not on the grid", "one grid")
    assert not out.exists()


def test_class_missing_from_typology(two_epochs, tmp_path):
    typ = tmp_path / "short.csv"
    typ.write_text("value,ecosystem_type,source\n1,woodland_forest,x\n2,cropland,x\n",
                   encoding="utf-8")
    out = tmp_path / "a.csv"
    check_clean_error(run_cli(*_args({**two_epochs, "typology": typ}, out)),
                      "lc1990.tif", "class code(s) 3, 4, 5", "typology 'short'")
    assert not out.exists()


def test_unknown_ecosystem_type(two_epochs, tmp_path):
    typ = tmp_path / "bad.csv"
    typ.write_text("value,ecosystem_type,source\n1,jungle,x\n", encoding="utf-8")
    check_clean_error(run_cli(*_args({**two_epochs, "typology": typ}, tmp_path / "a.csv")),
                      "bad.csv", "unknown ecosystem_type jungle")


def test_bad_outputs_and_zone(two_epochs, tmp_path):
    check_clean_error(run_cli(*_args(two_epochs, tmp_path / "a.csv", "--workbook",
                                     str(tmp_path / "w.xls"))), "w.xls", ".xlsx")
    check_clean_error(run_cli(*_args(two_epochs, tmp_path / "a.txt")), "a.txt", ".csv")
    out = tmp_path / "a.csv"
    check_clean_error(run_cli(*_args(two_epochs, out, "--zone", "999")), "--zone", "999")
    assert not out.exists()
