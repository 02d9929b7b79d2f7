"""The spec of the urban-nature model (Kunming-Montreal GBF target 12): ``urban``.

Without ``city`` it ranks the zones (default: all municipalities) on coarse 100 m
land-use indicators; with ``city`` it computes the fine indicators per dwelling and
per district of one city from OpenStreetMap. Its inputs and outputs are declared once,
in ``spec.toml`` beside this module; the command line, the OGC process and
``docs/reference.md`` are generated from it.
"""

from __future__ import annotations

from pathlib import Path

from naturkapital.core.spec import ModelSpec
from naturkapital.core.spec_file import load_specs
from naturkapital.io.output import TABLE_SUFFIXES
from naturkapital.nki.spec import SHARED as NKI_SHARED
from naturkapital.urban.compute import run_urban

_FILE = load_specs(
    Path(__file__).with_name("spec.toml"),
    runs=(run_urban,),
    refs={**NKI_SHARED, "TABLE_SUFFIXES": TABLE_SUFFIXES},
)

URBAN: ModelSpec = _FILE.models["urban"]
SPECS: tuple[ModelSpec, ...] = (URBAN,)
