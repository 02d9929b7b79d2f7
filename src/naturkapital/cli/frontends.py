"""``naturkapital spec`` (the model specs for external front ends) and
``naturkapital qgis install-plugin`` (the QGIS Processing plugin)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from naturkapital.cli.app import app, console, sub_app
from naturkapital.core.errors import InputError


@app.command("spec")
def spec_cmd(
    as_json: Annotated[bool, typer.Option(
        "--json", help="Skriv JSON / print JSON for external front ends (the QGIS "
                       "plugin).")] = False,
) -> None:
    """Modelspecifikationer. The model specs: every model's command-line inputs (option,
    kind, labels and help in Danish and English, bounds, unit, choices, default,
    geometry, output extensions) and outputs."""
    from naturkapital.report.reference import front_end_document

    doc = front_end_document()
    if as_json:
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
        return
    for m in doc["models"]:
        console.print(f"[bold]{m['id']}[/]: naturkapital {' '.join(m['command'])} — "
                      f"{m['title']['da']} / {m['title']['en']} "
                      f"({len(m['inputs'])} inputs)", highlight=False)


qgis = sub_app("qgis", "QGIS: Processing-plugin / the QGIS Processing plugin.")
