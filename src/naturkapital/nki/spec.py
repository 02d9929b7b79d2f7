"""The specs of the index models: ``nki`` and ``nki-compare``.

Their inputs and outputs are declared once, in ``spec.toml`` beside this module; the
command line, the OGC process, the REST route, the web form and ``docs/reference.md``
are generated from them. This module gives the file its run functions and constants.
"""

from __future__ import annotations

from pathlib import Path

from naturkapital.core.spec import ModelSpec, Param
from naturkapital.core.spec_file import load_specs
from naturkapital.io.output import TABLE_SUFFIXES
from naturkapital.landcover.bioscore import DEFAULT_RULE
from naturkapital.landcover.context import PROXIES
from naturkapital.landcover.sources import EMBEDDED, EPOCHS, YEARS
from naturkapital.nki.compute import compare, compute_nki

_FILE = load_specs(
    Path(__file__).with_name("spec.toml"),
    runs=(compute_nki, compare),
    refs={
        "EMBEDDED": EMBEDDED,
        "EPOCHS": EPOCHS,
        "YEARS": YEARS,
        "CORINE_YEARS": YEARS[:-1],
        "PROXIES": PROXIES,
        "DEFAULT_RULE": DEFAULT_RULE,
        "TABLE_SUFFIXES": TABLE_SUFFIXES,
    },
)

NKI: ModelSpec = _FILE.models["nki"]
COMPARE: ModelSpec = _FILE.models["nki-compare"]
SPECS: tuple[ModelSpec, ...] = (NKI, COMPARE)

#: The inputs and texts other models' spec files use (``use = "ZONES"``).
SHARED = _FILE.shared
LANDCOVER: Param = _FILE.param("LANDCOVER")
SCHEME: Param = _FILE.param("SCHEME")
PROXY: Param = NKI.param("proxy")
