"""Bad input to ``naturkapital accounts``: one line naming the file or option and the
problem, exit code 2, nothing written. The first case runs the real command line (exit
code, one line on stderr); the others call the command in-process (faster) and check
the error it raises."""

from __future__ import annotations

import pytest
from typer.main import get_command

from naturkapital.cli.app import app
from naturkapital.core.errors import InputError
from tests.conftest import run_cli
from tests.nki.test_bad_input import check_clean_error


def _args(e, out, *extra):
    return ["accounts", "--from", str(e["from"]), "--to", str(e["to"]), "--zones",
            str(e["zones"]), "--id-field", "zid", "--scheme", str(e["scheme"]),
            "--typology", str(e["typology"]), "--out", str(out), *extra]


def _fails(args: list[str], *needles: str) -> None:
    with pytest.raises(InputError) as info:
        get_command(app).main(args, standalone_mode=False)
    for n in needles:
        assert n in str(info.value), (n, str(info.value))


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
    _fails(_args({**two_epochs, "typology": typ}, out), "lc1990.tif", "class code(s) 3, 4, 5",
           "typology 'short'")
    assert not out.exists()


@pytest.mark.parametrize(("text", "needles"), [
    ("value,ecosystem_type,source\n1,jungle,x\n", ("bad.csv", "unknown ecosystem_type jungle")),
    ("value,type,source\n1,urban,x\n", ("bad.csv", "missing column(s) ecosystem_type")),
    ("value,ecosystem_type,source\n1,urban,x\n1,cropland,x\n", ("bad.csv", "more than once")),
])
def test_bad_typology(two_epochs, tmp_path, text, needles):
    typ = tmp_path / "bad.csv"
    typ.write_text(text, encoding="utf-8")
    _fails(_args({**two_epochs, "typology": typ}, tmp_path / "a.csv"), *needles)


def test_bad_outputs_and_zone(two_epochs, tmp_path):
    out = tmp_path / "a.csv"
    _fails(_args(two_epochs, out, "--workbook", str(tmp_path / "w.xls")), "w.xls", ".xlsx")
    _fails(_args(two_epochs, tmp_path / "a.txt"), "a.txt", ".csv")
    _fails(_args(two_epochs, out, "--chart", str(tmp_path / "no" / "c.png")), "does not exist")
    _fails(_args(two_epochs, out, "--zone", "999"), "--zone", "999")
    assert not out.exists()


def test_user_raster_without_scheme(two_epochs, tmp_path):
    args = ["accounts", "--from", str(two_epochs["from"]), "--to", str(two_epochs["to"]),
            "--zones", str(two_epochs["zones"]), "--id-field", "zid"]
    _fails(args, "lc1990.tif", "--scheme")
