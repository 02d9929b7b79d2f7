"""The specs of the lowland models (Klimaskovfonden's criteria): ``lowland-screen``,
``lowland-candidates``, ``lowland-auction`` and ``lowland-report``.

Their inputs and outputs are declared once, in ``spec.toml`` beside this module; the
command line, the OGC processes, the REST routes, the web forms and
``docs/reference.md`` are generated from them.
"""

from __future__ import annotations

from pathlib import Path

from naturkapital.core.spec import ModelSpec
from naturkapital.core.spec_file import load_specs
from naturkapital.io.output import TABLE_SUFFIXES
from naturkapital.lowland.auction import run_auction
from naturkapital.lowland.candidates import find_candidates
from naturkapital.lowland.screening import MAX_HORIZON_YEARS, screen

_FILE = load_specs(
    Path(__file__).with_name("spec.toml"),
    runs=(screen, find_candidates, run_auction),
    refs={"TABLE_SUFFIXES": TABLE_SUFFIXES, "MAX_HORIZON_YEARS": MAX_HORIZON_YEARS},
)

SCREEN: ModelSpec = _FILE.models["lowland-screen"]
CANDIDATES: ModelSpec = _FILE.models["lowland-candidates"]
AUCTION: ModelSpec = _FILE.models["lowland-auction"]
REPORT: ModelSpec = _FILE.models["lowland-report"]
SPECS: tuple[ModelSpec, ...] = (SCREEN, CANDIDATES, AUCTION, REPORT)
