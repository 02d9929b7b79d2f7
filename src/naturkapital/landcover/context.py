"""Context-aware nature values: a cell's value from its land type and its surroundings.

The open-data NKI's ``context`` proxy (the default; ``class`` is the old one value per
class). For a cell of land type *t* (from the scheme's ``land_type`` column):

* ``f`` = share of nature (skov, sø, eng og mose, hede og overdrev) among the mapped
  cells of the square window of ``(2r+1) × (2r+1)`` cells centred on it, with
  ``r = round(radius_m / cell size)``; the cell itself counts,
* value = clip(base_t + gain_t · f, 0, 100).

gain is ≥ 0, so more surrounding nature never lowers a value. The
window sums are exact integer counts (a summed-area table), so a block read with a
halo of ``r`` cells gives bit-identical values to the whole raster: the in-memory and
the chunked (Dask) engines share :func:`cell_values`.

The parameters live in ``schemes/context.csv`` (``parameter,land_type,value,source``);
fitted ones are marked ``assumption`` and listed in every output that uses them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from naturkapital.core.errors import InputError
from naturkapital.io.tables import read_csv_table
from naturkapital.landcover.landtypes import KEYS, NATURE_KEYS
from naturkapital.landcover.scheme import SCHEME_DIR, Scheme

CONTEXT_TABLE = SCHEME_DIR / "context.csv"
#: The proxies: ``context`` (default) and ``class`` (one value per class).
PROXIES: tuple[str, ...] = ("context", "class")
PARAMETERS = ("base", "gain")


def box_sum(mask: np.ndarray, r: int) -> np.ndarray:
    """Exact count of true cells in the (2r+1)² window around every cell.

    Cells beyond the array count as false. Integer arithmetic (a summed-area table),
    so any tiling with an ``r``-cell halo gives the same counts.
    """
    m = np.asarray(mask, dtype=np.int32)
    if r <= 0:
        return m.copy()
    h, w = m.shape
    # int32 is exact while the whole table's count fits (≤ its cells); else int64
    big = (h + 2 * r + 1) * (w + 2 * r + 1) >= np.iinfo(np.int32).max
    sat = np.zeros((h + 2 * r + 1, w + 2 * r + 1), dtype=np.int64 if big else np.int32)
    sat[r + 1 : r + 1 + h, r + 1 : r + 1 + w] = m
    np.cumsum(sat, axis=0, out=sat)  # in place, in the table's own integer type
    np.cumsum(sat, axis=1, out=sat)
    k = 2 * r + 1
    out = sat[k : k + h, k : k + w] - sat[0:h, k : k + w] - sat[k : k + h, 0:w] + sat[0:h, 0:w]
    return out.astype(np.int32, copy=False)


def nature_share(valid: np.ndarray, nature: np.ndarray, r: int) -> np.ndarray:
    """f: share of nature among the mapped cells of each cell's window (0 if none)."""
    return box_sum(nature & valid, r) / np.maximum(box_sum(valid, r), 1)


@dataclass(frozen=True)
class ContextProxy:
    """Parameters of the context proxy (see the module docstring)."""

    radius_m: float
    base: dict[str, float]
    gain: dict[str, float]
    table: pd.DataFrame  # the parameter rows with their sources

    def radius_cells(self, cell_size: float) -> int:
        """Window half-width in cells for a raster with ``cell_size`` metres."""
        return max(0, int(round(self.radius_m / abs(cell_size))))

    def assumptions(self) -> list[str]:
        """Fitted (assumed) parameters, one line each."""
        rows = self.table[self.table["source"].str.lower().str.startswith("assumption")]
        return [
            f"context proxy {r.parameter}"
            + (f"[{r.land_type}]" if r.land_type else "")
            + f" = {float(r.value):g}: {r.source}"
            for r in rows.itertuples()
        ]

    def lookups(self, scheme: Scheme) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per scheme class (sorted codes): codes, base, gain."""
        t = scheme.table.sort_values("value")
        lt = t["land_type"].to_numpy()
        return (
            t["value"].to_numpy(np.int64),
            np.array([self.base.get(k, 0.0) for k in lt]),
            np.array([self.gain.get(k, 0.0) for k in lt]),
        )

    def values(
        self, codes: np.ndarray, valid: np.ndarray, f: np.ndarray, scheme: Scheme
    ) -> np.ndarray:
        """value = clip(base + gain · f, 0, 100); NaN where not mapped."""
        sorted_codes, base, gain = self.lookups(scheme)
        slot = class_slots(codes, sorted_codes, valid)
        ok = slot >= 0
        s = np.where(ok, slot, 0)
        v = np.clip(base[s] + gain[s] * f, 0.0, 100.0)
        return np.where(ok, v, np.nan)


def class_slots(codes: np.ndarray, sorted_codes: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Index of each cell's class in ``sorted_codes``; −1 for unmapped or unknown cells."""
    raw = np.asarray(codes)
    n = sorted_codes.size
    if n == 0:
        return np.full(raw.shape, -1, dtype=np.intp)
    if raw.dtype.kind in "iu" and raw.dtype.itemsize <= 2:  # small integers: a lookup table
        info = np.iinfo(raw.dtype)
        table = np.full(int(info.max) - int(info.min) + 1, -1, dtype=np.intp)
        inside = (sorted_codes >= info.min) & (sorted_codes <= info.max)
        at = np.flatnonzero(inside)[::-1]  # reversed: a repeated code keeps its first slot
        table[sorted_codes[at].astype(np.int64) - int(info.min)] = at
        slot = table[raw.astype(np.int64) - int(info.min)] if info.min else table[raw]
        return np.where(valid, slot, -1)
    pos = np.searchsorted(sorted_codes, raw).clip(0, n - 1)
    hit = valid & (sorted_codes[pos] == raw)
    return np.where(hit, pos, -1)


def mapped_mask(codes: np.ndarray, nodata: float | None) -> np.ndarray:
    """Cells that hold a class (not nodata, not NaN)."""
    raw = np.asarray(codes)
    ok = np.ones(raw.shape, dtype=bool)
    if raw.dtype.kind == "f":
        ok &= ~np.isnan(raw)
    if nodata is not None and not np.isnan(nodata):
        ok &= raw != nodata
    return ok


def features(
    padded: np.ndarray, depth: int, r: int, nodata: float | None, scheme: Scheme
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(codes, mapped, f) of the inner cells of a block padded by ``depth`` ≥ r cells.

    Padding cells must hold ``nodata`` (or any code that is not in the scheme). Cells
    count as mapped (in f's denominator) when they hold a scheme class.
    """
    if depth < r:
        raise ValueError(f"halo {depth} smaller than the window radius {r}")
    sorted_codes = np.sort(scheme.table["value"].to_numpy(np.int64))
    nature_codes = np.sort(
        scheme.table.loc[scheme.table["land_type"].isin(NATURE_KEYS), "value"].to_numpy(np.int64)
    )
    valid = class_slots(padded, sorted_codes, mapped_mask(padded, nodata)) >= 0
    nature = valid & np.isin(padded, nature_codes)
    f = nature_share(valid, nature, r)
    inner = (slice(depth, padded.shape[0] - depth), slice(depth, padded.shape[1] - depth))
    return padded[inner], valid[inner], f[inner]


def cell_values(
    padded: np.ndarray,
    depth: int,
    cell_size: float,
    nodata: float | None,
    scheme: Scheme,
    proxy: ContextProxy,
) -> np.ndarray:
    """Nature value 0–100 (NaN where unmapped) of the inner cells of a padded block.

    The one implementation of the context formula, used by both engines.
    """
    r = proxy.radius_cells(cell_size)
    codes, valid, f = features(padded, depth, r, nodata, scheme)
    return proxy.values(codes, valid, f, scheme)


def pad_fill(dtype: np.dtype, nodata: float | None) -> float:
    """The value that pads a block beyond the raster (the nodata value, else a value
    no scheme uses)."""
    if nodata is not None and not np.isnan(nodata):
        return nodata
    return np.nan if np.dtype(dtype).kind == "f" else np.iinfo(dtype).max


def load_context(path: str | Path = CONTEXT_TABLE) -> ContextProxy:
    """Read the parameter table (``parameter,land_type,value,source``)."""
    t = read_csv_table(
        path,
        "context-proxy table",
        ("parameter", "land_type", "value", "source"),
        {"land_type": str, "source": str, "parameter": str},
    )
    t["land_type"] = t["land_type"].fillna("").astype(str).str.strip()
    t["source"] = t["source"].fillna("").astype(str).str.strip()
    try:
        t["value"] = pd.to_numeric(t["value"], errors="raise").astype(float)
    except (ValueError, TypeError):
        raise InputError(path, "column value must be numbers") from None
    radius = t.loc[t["parameter"] == "radius_m", "value"]
    if radius.size != 1 or not radius.iloc[0] >= 0:
        raise InputError(path, "needs one radius_m row (metres, ≥ 0)")
    per: dict[str, dict[str, float]] = {p: {} for p in PARAMETERS}
    for r in t[t["parameter"] != "radius_m"].itertuples():
        if r.parameter not in PARAMETERS or r.land_type not in KEYS:
            raise InputError(
                path,
                f"unknown row {r.parameter},{r.land_type}; parameters are "
                f"radius_m, {', '.join(PARAMETERS)} per land type",
            )
        if r.parameter == "gain" and r.value < 0:
            raise InputError(
                path,
                f"{r.parameter} must be ≥ 0 (more nature around a cell never lowers its value)",
            )
        per[r.parameter][r.land_type] = float(r.value)
    return ContextProxy(float(radius.iloc[0]), per["base"], per["gain"], t.reset_index(drop=True))


def raster_values(ds: object, band: int, scheme: Scheme, proxy: ContextProxy) -> np.ndarray:
    """Context nature values of a whole open raster band (in memory), on its grid."""
    a = ds.read(band)  # type: ignore[attr-defined]
    nodata = ds.nodatavals[band - 1]  # type: ignore[attr-defined]
    cell = ds.res[0]  # type: ignore[attr-defined]
    r = proxy.radius_cells(cell)
    padded = np.pad(a, r, constant_values=pad_fill(a.dtype, nodata))
    return cell_values(padded, r, cell, nodata, scheme, proxy)
