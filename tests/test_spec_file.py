"""Model specs as data files (``<model>/spec.toml``): what the loader builds from a file,
and one clear line naming the file and the key for every mistake in it."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

import pytest

from naturkapital.core.spec import BOTH, CLI, REQUIRED, Output, Param, Text
from naturkapital.core.spec_file import SpecFileError, load_specs
from naturkapital.scenario.spec import EVALUATE
from naturkapital.scenario.spec import REPORT as SCENARIO_REPORT

ROOT = Path(__file__).resolve().parents[1]


def run_model(**kw: object) -> None:
    """The run function of the test files."""


GOOD = """
[params.SHARED_ZONES]
name = "zones"
kind = "vector"
label = {da = "Zoner", en = "Zones"}
help = {da = "Zonefil.", en = "Zone file."}
geometry = "polygon"

[m]
title = {da = "Model", en = "Model"}
about = {da = "Om modellen.", en = "About the model."}
run = "run_model"
command = ["m", "go"]
keywords = ["a", "b"]

[m.inputs.zones]
use = "SHARED_ZONES"
faces = ["cli"]

[m.inputs.year]
kind = "choice"
label = {da = "År", en = "Year"}
help.da = "År: @{YEARS}."
help.en = "Year: @{YEARS}."
default = 2018
choices = "@YEARS"

[m.inputs.kommune]
use = "KOMMUNE"
help = {da = "Kommunen.", en = "The municipality."}

[m.inputs.depth]
kind = "number"
label = {da = "Dybde", en = "Depth"}
help = {da = "Dybde.", en = "Depth."}
required = true
unit = "cm"
minimum = 0
maximum = 1e3

[m.outputs.meta]
use = "METHOD"
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "spec.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _load(path: Path):
    return load_specs(path, runs=(run_model,), refs={"YEARS": (2012, 2018)})


def test_a_spec_file_becomes_the_declared_values(tmp_path: Path) -> None:
    f = _load(_write(tmp_path, GOOD))
    m = f.models["m"]
    assert (m.id, m.command, m.keywords, m.run, m.rest, m.process) == (
        "m", ("m", "go"), ("a", "b"), run_model, None, True)
    zones, year, kommune, depth = m.inputs
    assert zones == Param("zones", "vector", Text("Zoner", "Zones"),
                          Text("Zonefil.", "Zone file."), default=None, geometry="polygon",
                          faces=CLI)
    assert f.param("SHARED_ZONES").faces == BOTH  # `use` changed a copy
    assert year == Param("year", "choice", Text("År", "Year"),
                         Text("År: 2012, 2018.", "Year: 2012, 2018."), default=2018,
                         choices=(2012, 2018))
    # the shared municipality code of core/spec.toml: its label and pattern, this help
    assert (kommune.name, kommune.label.en, kommune.pattern, kommune.default) == (
        "kommune", "Municipality code", r"^[0-9]{1,4}$", REQUIRED)
    assert kommune.help == Text("Kommunen.", "The municipality.")
    assert depth.default is REQUIRED and depth.unit == "cm"
    optional = _load(_write(tmp_path, GOOD.replace(
        'use = "KOMMUNE"', 'use = "KOMMUNE"\nrequired = false'))).models["m"].inputs[2]
    assert optional.default is None and optional.pattern == kommune.pattern
    assert (type(depth.minimum), type(depth.maximum), depth.maximum) == (int, float, 1000.0)
    assert m.outputs == (Output("meta", "object", Text("Metode", "Method"),
                                Text("Metode, input og antagelser.",
                                     "Method, inputs and assumptions.")),)


@pytest.mark.parametrize(("old", "new", "key", "problem"), [
    ('geometry = "polygon"\n\n[m]', 'geometry = "polygon"\nlable = "x"\n\n[m]',
     "params.SHARED_ZONES.lable", "unknown key"),
    ('unit = "cm"', 'unit = "cm"\nmaximun = 3', "m.inputs.depth.maximun", "unknown key"),
    ('label = {da = "Dybde", en = "Depth"}\n', "", "m.inputs.depth.label", "missing"),
    ('label = {da = "År", en = "Year"}', 'label = {da = "År"}', "m.inputs.year.label",
     "needs exactly a Danish and an English text"),
    ('choices = "@YEARS"', 'choices = "@YEAR"', "m.inputs.year.choices",
     "unknown reference @YEAR"),
    ('help.en = "Year: @{YEARS}."', 'help.en = "Year: @{YERS}."', "m.inputs.year.help.en",
     "unknown reference @YERS"),
    ('use = "KOMMUNE"', 'use = "KOMUNE"', "m.inputs.kommune.use",
     "unknown reference @KOMUNE"),
    ('use = "METHOD"', 'use = "KOMMUNE"', "m.outputs.meta.use", "KOMMUNE is not a shared output"),
    ('kind = "choice"', 'kind = "choise"', "m.inputs.year.kind", "unknown kind 'choise'"),
    ('faces = ["cli"]', 'faces = ["cli", "web"]', "m.inputs.zones.faces",
     "faces are cli and/or http"),
    ('run = "run_model"', 'run = "run_modle"', "m.run", "unknown function 'run_modle'"),
    ('required = true', 'required = true\ndefault = 3', "m.inputs.depth",
     "a required input has no default"),
    ('[m.inputs.zones]\nuse = "SHARED_ZONES"',
     '[m.inputs]\nzones = 3\n\n[m.inputs.z]\nuse = "SHARED_ZONES"', "m.inputs.zones",
     "must be a table"),
    ('run = "run_model"\n', "", "m.run", "missing"),
])
def test_a_mistake_is_one_line_naming_the_file_and_key(tmp_path: Path, old: str, new: str,
                                                         key: str, problem: str) -> None:
    assert old in GOOD
    path = _write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(SpecFileError) as info:
        _load(path)
    message = str(info.value)
    assert message.startswith(f"{path}: {key}: {problem}"), message
    assert "\n" not in message


def test_an_unused_run_function_and_bad_toml_are_errors(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD)

    def other() -> None: ...

    with pytest.raises(SpecFileError, match="other: passed by spec.py, but no model"):
        load_specs(path, runs=(run_model, other), refs={"YEARS": (2018,)})
    bad = _write(tmp_path, GOOD.replace("[m]", "[m", 1))
    with pytest.raises(SpecFileError, match=f"^{bad}: "):
        _load(bad)


def test_every_spec_file_is_package_data() -> None:
    globs = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"]["naturkapital"]
    files = sorted((ROOT / "src/naturkapital").glob("*/spec.toml"))
    assert len(files) >= 9
    for f in files:
        rel = f.relative_to(ROOT / "src/naturkapital").as_posix()
        assert any(fnmatch.fnmatch(rel, g) for g in globs), rel


def test_scenario_report_takes_every_evaluate_input() -> None:
    """The report passes its inputs to scenario evaluate: none may be missing."""
    report = {p.name: p for p in SCENARIO_REPORT.inputs}
    for p in EVALUATE.inputs:
        if p.name not in ("out", "sensitivity"):
            assert report.get(p.name) == p, p.name
