"""The plugin's command-line bridge (no QGIS needed): the argv it builds is accepted by
the real command, and the error line and progress lines are read as printed."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from naturkapital.cli import app

PLUGIN = Path(__file__).resolve().parents[2] / "qgis" / "naturkapital_qgis"


def _bridge():
    spec = importlib.util.spec_from_file_location("nk_bridge", PLUGIN / "bridge.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _command(path: list[str]):
    cmd = get_command(app)
    for part in path:
        cmd = cmd.commands[part]  # type: ignore[attr-defined]
    return cmd


def _models() -> dict:
    res = CliRunner().invoke(app, ["spec", "--json"])
    return {m["id"]: m for m in json.loads(res.stdout)["models"]}


def test_argv_from_values() -> None:
    bridge, models = _bridge(), _models()
    argv = bridge.build_argv(
        "nk",
        models["nki"],
        {
            "zones": "/d/z.gpkg",
            "id_field": "kode",
            "year": "2018",
            "landcover": "corine",
            "quiet": True,
            "top": 5.0,
            "out": "/d/o.gpkg",
            "name_field": None,
            "scheme": "",
        },
    )
    assert argv == [
        "nk",
        "nki",
        "--zones",
        "/d/z.gpkg",
        "--id-field",
        "kode",
        "--landcover",
        "corine",
        "--year",
        "2018",
        "--out",
        "/d/o.gpkg",
        "--top",
        "5",
        "--quiet",
    ]
    argv = bridge.build_argv("nk", models["lowland-report"], {"ids": ["a", "b"]})
    assert argv == ["nk", "lowland", "report", "--id", "a", "--id", "b"]
    # a false flag is left out (its default is false); the off option exists for true
    assert bridge.build_argv("nk", models["nki-diagram"], {"nature_only": False}) == [
        "nk",
        "diagram",
    ]
    # the real command parses them (types, choices), without running
    for model, values in (
        (models["nki"], {"zones": "z.gpkg", "year": "2018", "top": 5.0, "quiet": True}),
        (
            models["lowland-screen"],
            {
                "parcels": "p.gpkg",
                "carbon": "c.tif",
                "water_table": "w.tif",
                "peat_depth": "d.tif",
                "horizon_years": 30.0,
                "positive_depths": True,
            },
        ),
    ):
        argv = bridge.build_argv("nk", model, values)
        ctx = _command(model["command"]).make_context("nk", argv[1 + len(model["command"]) :])
        assert ctx.params["top" if model["id"] == "nki" else "horizon_years"] in (5, 30.0)


def test_error_and_progress_lines() -> None:
    bridge = _bridge()
    err = "PROGRESS 1/4 Beregner\nFejl (error): z.gpkg: no polygons\n"
    assert bridge.error_line(err) == "Fejl (error): z.gpkg: no polygons"
    assert bridge.error_line("Traceback\n  boom\nValueError: x\n") == "ValueError: x"
    assert bridge.progress("PROGRESS 1/4 Beregner (computing)") == (25.0, "Beregner (computing)")
    assert bridge.progress("Skrev (wrote) x") is None


def test_version_and_missing_program(monkeypatch, tmp_path: Path) -> None:
    bridge = _bridge()
    from naturkapital import __version__

    assert bridge.plugin_version() == __version__
    assert bridge.version_warning({"naturkapital": __version__}) is None
    assert "0.0.1" in bridge.version_warning({"naturkapital": "0.0.1"})
    monkeypatch.setattr(bridge, "EXE_FILE", tmp_path / "none.txt")
    monkeypatch.setenv(bridge.EXE_ENV, str(tmp_path / "nope"))
    with pytest.raises(bridge.BridgeError, match="does not exist.*nope"):
        bridge.find_exe()


def test_program_environment(monkeypatch) -> None:
    bridge = _bridge()
    monkeypatch.setenv("PYTHONPATH", "/usr/share/qgis/python")
    monkeypatch.setenv("GDAL_DATA", "/qgis/gdal")
    monkeypatch.setenv("KEEP_ME", "1")
    env = bridge.child_env()
    assert "PYTHONPATH" not in env and "GDAL_DATA" not in env and env["KEEP_ME"] == "1"
    assert env["NATURKAPITAL_PROGRESS"] == "lines"
