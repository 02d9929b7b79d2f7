"""Naturkapital: natural-capital accounting and nature-restoration planning.

The public Python API lives in :mod:`naturkapital.server`; the most used functions
are re-exported here.
"""

from naturkapital.core.errors import InputError
from naturkapital.nki.compute import compare, compute_nki, draw_diagram, validate

__all__ = ["InputError", "compare", "compute_nki", "draw_diagram", "validate"]
__version__ = "0.1.0"
