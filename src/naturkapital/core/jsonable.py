"""Values made ready for JSON (RFC 8259 has no NaN or infinity)."""

from __future__ import annotations

import math
from typing import Any


def finite_or_none(x: Any) -> float | None:
    """``x`` as a Python float, or ``None`` when it is missing, NaN, infinite or not a
    number (``None``, ``pd.NA``, text)."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None
