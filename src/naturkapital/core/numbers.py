"""Checking numbers the user gives (options, request fields, table cells).

Every number is finite (no ``inf``/``nan``) and within its bounds, or an
:class:`~naturkapital.core.errors.InputError` names the option and the bounds.
"""

from __future__ import annotations

import math
from pathlib import Path

from naturkapital.core.errors import InputError


def check_number(value: float | int | None, source: str | Path, *, above: float | None = None,
                 at_least: float | None = None, at_most: float | None = None,
                 below: float | None = None, whole: bool = False) -> float | None:
    """``value`` as a float, checked; None stays None.

    ``above``/``below`` are exclusive bounds, ``at_least``/``at_most`` inclusive."""
    if value is None:
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise InputError(source, f"must be a number, not {value!r}") from None
    if not math.isfinite(x):
        raise InputError(source, f"must be a finite number, not {value!r}")
    if whole and not x.is_integer():
        raise InputError(source, f"must be a whole number, not {value!r}")
    bounds = []
    if above is not None:
        bounds.append(f"above {above:g}")
    if at_least is not None:
        bounds.append(f"at least {at_least:g}")
    if below is not None:
        bounds.append(f"below {below:g}")
    if at_most is not None:
        bounds.append(f"at most {at_most:g}")
    if ((above is not None and not x > above) or (at_least is not None and not x >= at_least)
            or (below is not None and not x < below)
            or (at_most is not None and not x <= at_most)):
        raise InputError(source, f"must be {' and '.join(bounds)}, not {value!r}")
    return x
