"""Convert a bioscore raster (e.g. the national biodiversity map) to nature value 0–100.

Two rules, chosen with a text spec:

* ``classes:B1,B2,B3,B4`` (default ``classes:1,3,6,10``): the five nature-value
  classes of the NKI method — none (0), small (25), local (50), regional (75),
  national (100) — with bioscore below B1 → 0, [B1, B2) → 25, [B2, B3) → 50,
  [B3, B4) → 75, ≥ B4 → 100.
* ``linear:LO,HI``: 100 × (bioscore − LO) / (HI − LO), clipped to 0–100.

The default breaks are an assumption of this project (no published conversion of
bioscore to the five classes is embedded); every output that uses them says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from naturkapital.core.errors import InputError

DEFAULT_RULE = "classes:1,3,6,10"


@dataclass(frozen=True)
class BioscoreRule:
    """A parsed conversion rule."""

    kind: str  # "classes" or "linear"
    params: tuple[float, ...]
    text: str

    @property
    def is_assumption(self) -> bool:
        return self.text == DEFAULT_RULE

    def apply(self, bioscore: np.ndarray) -> np.ndarray:
        """Nature value 0–100 for each bioscore (NaN stays NaN)."""
        b = np.asarray(bioscore, dtype=float)
        if self.kind == "linear":
            lo, hi = self.params
            out = np.clip((b - lo) / (hi - lo) * 100.0, 0.0, 100.0)
        else:
            out = np.digitize(b, self.params).astype(float) * 25.0
        return np.where(np.isnan(b), np.nan, out)


def parse_rule(text: str = DEFAULT_RULE) -> BioscoreRule:
    """Parse ``classes:B1,B2,B3,B4`` or ``linear:LO,HI``."""
    kind, _, rest = text.partition(":")
    try:
        params = tuple(float(x) for x in rest.split(","))
    except ValueError:
        raise InputError("--bioscore-rule", f"cannot read numbers in '{text}'") from None
    if kind == "classes" and len(params) == 4 and list(params) == sorted(params):
        return BioscoreRule(kind, params, text)
    if kind == "linear" and len(params) == 2 and params[1] > params[0]:
        return BioscoreRule(kind, params, text)
    raise InputError("--bioscore-rule", f"'{text}' is not classes:B1,B2,B3,B4 (increasing) "
                                        "or linear:LO,HI (LO < HI)")
