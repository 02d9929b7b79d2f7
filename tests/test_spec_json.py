"""``naturkapital spec --json``: the specs as external front ends (the QGIS plugin) read
them, generated from the same declarations as the command line."""

from __future__ import annotations

import json

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from naturkapital.cli import app
from naturkapital.cli.app import PROGRESS_ENV, progress_bar
from naturkapital.lowland.screening import MAX_HORIZON_YEARS
from naturkapital.report.reference import ALL_SPECS


@pytest.fixture(scope="module")
def doc() -> dict:
    res = CliRunner().invoke(app, ["spec", "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def _command(path: list[str]):
    cmd = get_command(app)
    for part in path:
        cmd = cmd.commands[part]  # type: ignore[attr-defined]
    return cmd


def test_every_model_and_its_command_line_inputs(doc: dict) -> None:
    from naturkapital import __version__

    assert doc["naturkapital"] == __version__
    assert [m["id"] for m in doc["models"]] == [s.id for s in ALL_SPECS]
    for spec, model in zip(ALL_SPECS, doc["models"], strict=True):
        assert [i["name"] for i in model["inputs"]] == [p.name for p in spec.face("cli")]
        # every option the front end would pass is an option of the real command
        opts = {o for p in _command(model["command"]).params for o in p.opts + p.secondary_opts}
        for i in model["inputs"]:
            assert i["flag"] in opts, (spec.id, i["flag"])
            if i["flag_off"]:
                assert i["flag_off"] in opts


def test_values_of_single_inputs(doc: dict) -> None:
    models = {m["id"]: m for m in doc["models"]}
    nki = {i["name"]: i for i in models["nki"]["inputs"]}
    assert nki["zones"]["geometry"] == "polygon" and not nki["zones"]["required"]
    assert nki["landcover"]["default"] == "basemap2021"
    assert nki["out"]["suffixes"] == [".csv", ".json", ".gpkg"]
    assert nki["quiet"]["short"] == "-q"
    assert nki["top"]["minimum"] == 1
    assert nki["year"]["choices"][0] == 1990
    screen = {i["name"]: i for i in models["lowland-screen"]["inputs"]}
    assert screen["parcels"]["required"] is True
    assert screen["carbon"]["projected"] is True and screen["carbon"]["unit"] == "% OC"
    h = screen["horizon_years"]
    assert (h["exclusive_minimum"], h["maximum"], h["unit"]) == (0, MAX_HORIZON_YEARS, "years")
    assert screen["id_field"]["of"] == "parcels"
    assert screen["id_field"]["label"] == {"da": "Id-felt", "en": "Id field"}
    diagram = {i["name"]: i for i in models["nki-diagram"]["inputs"]}
    assert (diagram["nature_only"]["flag"], diagram["nature_only"]["flag_off"]) == (
        "--kun-natur",
        "--alle",
    )
    compare = {i["name"]: i for i in models["nki-compare"]["inputs"]}
    assert compare["from_epoch"]["flag"] == "--from"
    # the command line's own help where it can do more than HTTP
    assert "raster" in compare["from_epoch"]["help"]["en"]


def test_progress_lines_for_front_ends(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(PROGRESS_ENV, "lines")
    with progress_bar("Beregner (computing)", 3) as advance:
        advance(1)
        advance(2)
    assert capsys.readouterr().err.splitlines() == [
        "PROGRESS 0/3 Beregner (computing)",
        "PROGRESS 1/3 Beregner (computing)",
        "PROGRESS 3/3 Beregner (computing)",
    ]
