"""Values made ready for JSON (RFC 8259 has no NaN or infinity)."""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd


def finite_or_none(x: Any) -> float | None:
    """``x`` as a Python float, or ``None`` when it is missing, NaN, infinite or not a
    number (``None``, ``pd.NA``, text)."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def jsonable(x: Any) -> Any:
    """``x`` with dataclasses, mappings, lists and tuples converted recursively: numpy
    scalars become Python numbers and NaN/infinity ``None``; text, bools, ints and
    ``None`` stay as they are."""
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return {f.name: jsonable(getattr(x, f.name)) for f in dataclasses.fields(x)}
    if isinstance(x, Mapping):
        return {str(k): jsonable(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [jsonable(v) for v in x]
    if isinstance(x, np.generic):
        x = x.item()
    if isinstance(x, float):
        return x if math.isfinite(x) else None
    return x


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """A table as JSON-ready rows: NaN/NA → None, numpy scalars → Python, floats to ten
    significant decimals (the API's tables)."""
    return json.loads(df.to_json(orient="records", force_ascii=False, double_precision=10))
