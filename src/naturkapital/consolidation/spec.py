"""The spec of the land-consolidation model (``consolidate``): every input declared
once, in ``spec.toml`` beside this module; the command line, the OGC process and
``docs/reference.md`` come from it."""

from __future__ import annotations

from pathlib import Path

from naturkapital.consolidation.compute import TARGET_USES, consolidate
from naturkapital.consolidation.demo import DEMOS
from naturkapital.core.spec import ModelSpec
from naturkapital.core.spec_file import load_specs
from naturkapital.io.output import TABLE_SUFFIXES

_FILE = load_specs(
    Path(__file__).with_name("spec.toml"),
    runs=(consolidate,),
    refs={"TARGET_USES": TARGET_USES, "DEMOS": DEMOS, "TABLE_SUFFIXES": TABLE_SUFFIXES},
)

CONSOLIDATE: ModelSpec = _FILE.models["consolidate"]
SPECS: tuple[ModelSpec, ...] = (CONSOLIDATE,)
