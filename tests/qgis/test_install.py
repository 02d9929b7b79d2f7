"""``naturkapital qgis install-plugin``: copies the plugin into a profile, names this
program, enables the plugin in the profile's settings without touching other lines;
``--zip`` writes the same files for the plugin manager."""

from __future__ import annotations

import zipfile
from pathlib import Path

from typer.testing import CliRunner

from naturkapital.cli import app
from naturkapital.cli.frontends import enable_in_settings, this_program

PLUGIN = Path(__file__).resolve().parents[2] / "qgis" / "naturkapital_qgis"
FILES = {"__init__.py", "metadata.txt", "plugin.py", "provider.py", "algorithm.py", "bridge.py"}


def test_install_into_a_profile(tmp_path: Path) -> None:
    ini = tmp_path / "QGIS" / "QGIS3.ini"
    ini.parent.mkdir()
    ini.write_text(
        "[General]\nlocale=da\n\n[PythonPlugins]\nprocessing=true\n"
        "naturkapital_qgis=false\n\n[Other]\nnaturkapital_qgis=keep\n"
    )
    res = CliRunner().invoke(app, ["qgis", "install-plugin", "--profile-dir", str(tmp_path)])
    assert res.exit_code == 0, res.output
    target = tmp_path / "python" / "plugins" / "naturkapital_qgis"
    assert FILES <= {p.name for p in target.iterdir()}
    assert (target / "bridge.py").read_bytes() == (PLUGIN / "bridge.py").read_bytes()
    assert (target / "naturkapital_exe.txt").read_text().strip() == this_program()
    assert ini.read_text() == (
        "[General]\nlocale=da\n\n[PythonPlugins]\nprocessing=true\n"
        "naturkapital_qgis=true\n\n[Other]\nnaturkapital_qgis=keep\n"
    )
    # installing again replaces the old copy
    (target / "stale.py").write_text("x")
    assert (
        CliRunner()
        .invoke(app, ["qgis", "install-plugin", "--profile-dir", str(tmp_path)])
        .exit_code
        == 0
    )
    assert not (target / "stale.py").exists()


def test_enable_in_new_settings(tmp_path: Path) -> None:
    ini = tmp_path / "QGIS" / "QGIS3.ini"
    enable_in_settings(ini)
    assert ini.read_text() == "[PythonPlugins]\nnaturkapital_qgis=true\n"
    ini.write_text("[General]\nx=1\n")
    enable_in_settings(ini)
    assert ini.read_text() == "[General]\nx=1\n\n[PythonPlugins]\nnaturkapital_qgis=true\n"


def test_zip_for_the_plugin_manager(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["qgis", "install-plugin", "--zip", str(tmp_path / "p.zip")])
    assert res.exit_code == 0, res.output
    names = set(zipfile.ZipFile(tmp_path / "p.zip").namelist())
    assert {f"naturkapital_qgis/{f}" for f in FILES | {"naturkapital_exe.txt"}} <= names
    assert not any("__pycache__" in n for n in names)
