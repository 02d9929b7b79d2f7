"""The specs of ``nki-diagram`` (the NKI mosaic diagram of one zone) and
``municipality-sheet``, declared in ``spec.toml`` beside this module."""

from __future__ import annotations

from pathlib import Path

from naturkapital.core.spec import ModelSpec
from naturkapital.core.spec_file import load_specs
from naturkapital.landcover.sources import EPOCHS
from naturkapital.nki.spec import SHARED as NKI_SHARED
from naturkapital.report.nki_diagram import draw_diagram
from naturkapital.report.sheet import write_sheet

_FILE = load_specs(
    Path(__file__).with_name("spec.toml"),
    runs=(draw_diagram, write_sheet),
    refs={**NKI_SHARED, "EPOCHS": EPOCHS},
)

DIAGRAM: ModelSpec = _FILE.models["nki-diagram"]
SHEET: ModelSpec = _FILE.models["municipality-sheet"]
SPECS: tuple[ModelSpec, ...] = (DIAGRAM, SHEET)
