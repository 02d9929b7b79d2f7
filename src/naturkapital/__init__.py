"""Naturkapital: natural-capital accounting and nature-restoration planning.

The public Python API lives in :mod:`naturkapital.nki.compute` and the model
packages; the most used functions are re-exported here.
"""

from naturkapital.io.network import lock_down

lock_down()  # no URL or /vsi network path can be opened unless the user allows it

from naturkapital.core.errors import InputError  # noqa: E402
from naturkapital.nki.compute import compare, compute_nki, validate  # noqa: E402
from naturkapital.report.nki_diagram import draw_diagram  # noqa: E402
from naturkapital.urban.compute import run_urban  # noqa: E402

__all__ = ["InputError", "compare", "compute_nki", "draw_diagram", "run_urban", "validate"]
__version__ = "0.1.0"
