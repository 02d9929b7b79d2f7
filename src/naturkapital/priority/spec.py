"""The specs of the prioritisation models: ``priority-allocate`` (a least-cost plan
that meets hectare targets), ``priority-network``, ``priority-rank`` and
``priority-plan``.

Their inputs and outputs are declared once, in ``spec.toml`` beside this module; the
command line, the OGC processes, the web form and ``docs/reference.md`` are generated
from them.
"""

from __future__ import annotations

from pathlib import Path

from naturkapital.core.spec import ModelSpec
from naturkapital.core.spec_file import load_specs
from naturkapital.io.output import TABLE_SUFFIXES
from naturkapital.priority.compute import plan_allocation
from naturkapital.priority.network import build_network
from naturkapital.priority.plan import plan_kommune
from naturkapital.priority.rank import rank_kommune

_FILE = load_specs(
    Path(__file__).with_name("spec.toml"),
    runs=(plan_allocation, build_network, rank_kommune, plan_kommune),
    refs={"TABLE_SUFFIXES": TABLE_SUFFIXES},
)

ALLOCATE: ModelSpec = _FILE.models["priority-allocate"]
NETWORK: ModelSpec = _FILE.models["priority-network"]
RANK: ModelSpec = _FILE.models["priority-rank"]
PLAN: ModelSpec = _FILE.models["priority-plan"]
SPECS: tuple[ModelSpec, ...] = (ALLOCATE, NETWORK, RANK, PLAN)
