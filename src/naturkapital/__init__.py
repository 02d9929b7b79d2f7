"""Naturkapital: natural-capital accounting and nature-restoration planning.

The public Python API lives in :mod:`naturkapital.nki.compute` and the model
packages; the most used functions are re-exported here.
"""

from naturkapital.core.errors import InputError
from naturkapital.nki.compute import compare, compute_nki, validate
from naturkapital.report.nki_diagram import draw_diagram
from naturkapital.urban.compute import run_urban

__all__ = ["InputError", "compare", "compute_nki", "draw_diagram", "run_urban", "validate"]
__version__ = "0.1.0"
