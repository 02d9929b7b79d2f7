"""Naturkapital: natural-capital accounting and nature-restoration planning.

The public Python API lives in :mod:`naturkapital.api`; the most used functions
are re-exported here.
"""

from naturkapital.errors import InputError
from naturkapital.nki.api import compare, compute_nki, draw_diagram, validate

__all__ = ["InputError", "compare", "compute_nki", "draw_diagram", "validate"]
__version__ = "0.1.0"
