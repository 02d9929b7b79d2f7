"""One spec per model drives the CLI, the OGC process, the REST route, the web form
and the reference page: each interface is checked against the spec, and renaming an
input in a spec changes all of them."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import typer
from fastapi import APIRouter, FastAPI
from typer.main import get_command

from naturkapital.cli.app import app as cli_app
from naturkapital.cli.generate import spec_command
from naturkapital.core.errors import InputError
from naturkapital.core.spec import CLI, ModelSpec, Param, Text
from naturkapital.nki.spec import NKI
from naturkapital.report.reference import ALL_SPECS, reference_markdown
from naturkapital.server import processes
from naturkapital.server.processes import ProcessSpec
from naturkapital.server.rest import add_rest_route

ROOT = Path(__file__).resolve().parents[1]


def _cli_options(spec: ModelSpec, group: typer.Typer = cli_app) -> dict[str, tuple[str, ...]]:
    """Parameter name → option names of the spec's command on ``group``."""
    root = get_command(group)
    cmd = root
    for part in spec.command if group is cli_app else spec.command[-1:]:
        cmd = cmd.commands[part]  # type: ignore[attr-defined]
    return {p.name: tuple(o for o in p.opts + p.secondary_opts if o.startswith("--"))
            for p in cmd.params}


def _form_fields(app: FastAPI, path: str) -> set[str]:
    op = app.openapi()["paths"][path]["post"]
    ref = op["requestBody"]["content"]["multipart/form-data"]["schema"]["$ref"]
    schema = app.openapi()["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    return set(schema["properties"])


@pytest.mark.parametrize("spec", ALL_SPECS, ids=lambda s: s.id)
def test_cli_options_are_the_spec_inputs(spec: ModelSpec) -> None:
    opts = _cli_options(spec)
    assert set(opts) == {p.name for p in spec.face("cli")}
    for p in spec.face("cli"):
        assert p.cli_flags()[0].split("/")[0] in opts[p.name], p.name


@pytest.mark.parametrize("spec", [s for s in ALL_SPECS if s.process], ids=lambda s: s.id)
def test_process_description_is_the_spec(spec: ModelSpec) -> None:
    proc = processes.get(spec.id)
    assert proc is not None and proc.model is spec
    doc = proc.description_doc()
    assert set(doc["inputs"]) == {p.name for p in spec.face("http")}
    for p in spec.face("http"):
        entry = doc["inputs"][p.name]
        assert entry["minOccurs"] == (1 if p.required else 0)
        assert entry["x-naturkapital"]["kind"] == p.kind
        assert entry["x-naturkapital"]["label"] == {"da": p.label.da, "en": p.label.en}
        if p.choices and p.kind in ("choice", "epoch"):
            assert entry["schema"]["enum"] == list(p.choices)
    assert set(doc["outputs"]) == {o.name for o in spec.outputs}


def test_rest_routes_are_the_spec_inputs() -> None:
    from naturkapital.server import lowland, routes, scenario_editor

    app = FastAPI()
    for module in (routes, lowland, scenario_editor):
        app.include_router(module.router)
    routed = [s for s in ALL_SPECS if s.rest]
    assert routed, "no spec has a REST alias"
    for spec in routed:
        fields = _form_fields(app, f"/api/{spec.rest}")
        names = {p.name for p in spec.face("http")}
        assert names <= fields, (spec.id, names - fields)
        assert fields - names <= {"format", "store"}, spec.id


def test_renaming_an_input_changes_every_interface() -> None:
    """Rename ``id_field`` in the NKI spec: the CLI option, the process description, the
    REST form and the web form's description follow; the old name is gone."""
    renamed = NKI.renamed("id_field", "zone_key")
    assert renamed.param("zone_key").kind == "field"

    group = typer.Typer()
    spec_command(group, renamed, "nki")(lambda **_: None)
    spec_command(group, NKI, "other")(lambda **_: None)  # a group needs two commands
    opts = _cli_options(renamed, group)
    assert "zone_key" in opts and "--zone-key" in opts["zone_key"] and "id_field" not in opts

    doc = ProcessSpec(renamed, execute=lambda i, c: {}).description_doc()
    assert "zone_key" in doc["inputs"] and "id_field" not in doc["inputs"]
    assert doc["inputs"]["zone_key"]["x-naturkapital"]["of"] == "zones"  # drives the form

    router = APIRouter(prefix="/api")
    add_rest_route(router, renamed, lambda request, values: values)
    app = FastAPI()
    app.include_router(router)
    fields = _form_fields(app, "/api/nki")
    assert "zone_key" in fields and "id_field" not in fields


def test_rest_route_is_an_alias_of_the_process_values() -> None:
    """The generated route hands the respond function exactly the spec's inputs."""
    from fastapi.testclient import TestClient

    from naturkapital.server import errors
    from naturkapital.server.config import Settings

    router = APIRouter(prefix="/api")
    add_rest_route(router, NKI, lambda request, values: {k: v for k, v in values.items()})
    app = FastAPI()
    errors.install(app)
    app.state.settings = Settings(warm_cache=False)
    app.include_router(router)
    c = TestClient(app)
    r = c.post("/api/nki", data={"landcover": "corine", "year": "2012", "id_field": "kode"})
    assert r.status_code == 200, r.text
    assert r.json() == {"zones": None, "id_field": "kode", "name_field": None,
                        "landcover": "corine", "year": 2012, "proxy": "context"}
    bad = c.post("/api/nki", data={"year": "2019"})
    assert bad.status_code == 422 and "year: must be one of 1990" in bad.text
    assert c.post("/api/nki", data={"landcover": "landsat"}).status_code == 422


def test_param_check_hand_computed() -> None:
    p = Param("h", "number", Text("a", "a"), Text("b", "b"), default=None,
              exclusive_minimum=0, maximum=200, unit="years")
    assert p.check(None) is None
    assert p.check(30.0) is None and p.check(200) is None
    assert p.check(0) == "must be above 0 and at most 200, not 0"
    assert p.check(200.5) == "must be above 0 and at most 200, not 200.5"
    assert p.check(math.inf) == "must be a finite number, not inf"
    assert "finite" in p.check(math.nan)
    assert p.check(True) is not None
    c = Param("c", "choice", Text("a", "a"), Text("b", "b"), default="x", choices=("x", "y"))
    assert c.check("y") is None and "one of x, y" in c.check("z")


def test_cli_runs_the_spec_checks(tmp_path: Path) -> None:
    """The generated command refuses what the spec refuses, naming the option."""
    group = typer.Typer()
    spec = ModelSpec("t", Text("t", "t"), Text("t", "t"), (
        Param("budget", "number", Text("b", "b"), Text("b", "b"), default=None, minimum=0,
              faces=CLI),), (), run=print, command=("t",))
    seen = []
    spec_command(group, spec, "t")(lambda **kw: seen.append(kw))
    spec_command(group, spec, "u")(lambda **kw: seen.append(kw))
    cmd = get_command(group)
    cmd.main(["t", "--budget", "5"], standalone_mode=False)
    assert seen == [{"budget": 5.0}]
    with pytest.raises(InputError, match="--budget: must be at least 0"):
        cmd.main(["t", "--budget", "-100"], standalone_mode=False)
    with pytest.raises(InputError, match="finite"):
        cmd.main(["t", "--budget", "inf"], standalone_mode=False)


def test_reference_page_is_generated_from_the_specs() -> None:
    page = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    assert page == reference_markdown(), \
        "docs/reference.md is stale: run naturkapital reference --out docs/reference.md"
    for spec in ALL_SPECS:
        assert f"(`{spec.id}`)" in page
        for p in spec.inputs:
            assert f"| `{p.name}` |" in page


def test_spec_ids_and_commands_are_unique() -> None:
    assert len({s.id for s in ALL_SPECS}) == len(ALL_SPECS)
    assert len({s.command for s in ALL_SPECS}) == len(ALL_SPECS)
    for s in ALL_SPECS:
        names = [p.name for p in s.inputs]
        assert len(names) == len(set(names)), s.id


def test_command_line_help_may_say_more_than_http() -> None:
    """A path is a land cover only on the command line: its help says so there, and the
    process description (and so the web form) does not."""
    p = NKI.param("landcover")
    assert p.cli_help is not None and "raster" in p.cli_help.en
    root = get_command(cli_app)
    opt = next(o for o in root.commands["nki"].params if o.name == "landcover")
    assert "raster" in opt.help
    doc = processes.get("nki").description_doc()["inputs"]["landcover"]
    assert "raster" not in doc["description"]
    assert "raster" not in doc["x-naturkapital"]["help"]["en"]
