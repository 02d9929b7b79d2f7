"""The spec of the ``accounts`` model: natural capital accounts in the SEEA EA format.

Its inputs and outputs are declared once, in ``spec.toml`` beside this module; the
command line, the OGC process, the web form and ``docs/reference.md`` are generated
from it.
"""

from __future__ import annotations

from pathlib import Path

from naturkapital.accounts.compute import compute_accounts
from naturkapital.core.spec import ModelSpec
from naturkapital.core.spec_file import load_specs
from naturkapital.landcover.sources import EPOCHS
from naturkapital.nki.spec import SHARED as NKI_SHARED

#: Suffixes of the long table.
LONG_SUFFIXES: tuple[str, ...] = (".csv", ".json", ".parquet", ".gpkg")

_FILE = load_specs(
    Path(__file__).with_name("spec.toml"),
    runs=(compute_accounts,),
    refs={**NKI_SHARED, "EPOCHS": EPOCHS, "LONG_SUFFIXES": LONG_SUFFIXES},
)

ACCOUNTS_SPEC: ModelSpec = _FILE.models["accounts"]
SPECS: tuple[ModelSpec, ...] = (ACCOUNTS_SPEC,)
