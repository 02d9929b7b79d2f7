"""The specs of ``scenario-evaluate`` (land-conversion scenarios, five services and the
NKI, baseline and scenario per zone) and ``scenario-report`` (its HTML/PDF report: the
same inputs plus the report's own options).

Their inputs and outputs are declared once, in ``spec.toml`` beside this module; the
command line, the OGC process, the REST route, the web form and ``docs/reference.md``
are generated from them.
"""

from __future__ import annotations

from pathlib import Path

from naturkapital.core.spec import ModelSpec
from naturkapital.core.spec_file import load_specs
from naturkapital.io.output import TABLE_SUFFIXES
from naturkapital.nki.spec import SHARED as NKI_SHARED
from naturkapital.scenario.evaluate import evaluate_scenario
from naturkapital.scenario.read import DEMOS
from naturkapital.services.tables import SOILS

_FILE = load_specs(
    Path(__file__).with_name("spec.toml"),
    runs=(evaluate_scenario,),
    refs={
        **NKI_SHARED,
        "DEMO_SCENARIOS": tuple(f"demo:{k}" for k in DEMOS),
        "SOILS": SOILS,
        "TABLE_SUFFIXES": TABLE_SUFFIXES,
    },
)

EVALUATE: ModelSpec = _FILE.models["scenario-evaluate"]
REPORT: ModelSpec = _FILE.models["scenario-report"]
SPECS: tuple[ModelSpec, ...] = (EVALUATE, REPORT)
