"""Features and cross-validation of the context proxy against the published NKI.

:func:`context_sums` extracts, per zone and land type, the area and the area-weighted
nature share ``f`` of each cell's window with the same exact zonal
extraction as the index; :func:`fit_context` fits and cross-validates the proxy's
parameters on the embedded published values (both files).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from naturkapital.data.catalogue import dataset_path
from naturkapital.landcover.calibrate import (
    RADII,
    ContextCalibration,
    ContextSums,
    calibrate_context,
)
from naturkapital.landcover.context import features, pad_fill
from naturkapital.landcover.sources import Landcover
from naturkapital.nki.index import land_type_sums
from naturkapital.nki.zonal import zonal_class_areas

NATIONAL_ID = "0"


def published_targets() -> pd.DataFrame:
    """Both embedded published tables as one: zone_id, name, nki, rank_2020 and
    nki_natur_2020 (NaN where not published)."""
    parts = []
    for key in ("nki_published_2020", "nki_published_2020_more"):
        t = pd.read_csv(dataset_path(key))
        if "nki_natur_2020" not in t.columns:
            t["nki_natur_2020"] = np.nan
        parts.append(t[["kommune_code", "name", "nki_2020", "rank_2020", "nki_natur_2020"]])
    pub = pd.concat(parts, ignore_index=True)
    # The national NKI (25) is in both files: keep one row, with its NKI natur.
    nat = pub[pub["kommune_code"] == 0]
    merged = nat.iloc[[0]].copy()
    merged["nki_natur_2020"] = (
        nat["nki_natur_2020"].dropna().iloc[0] if nat["nki_natur_2020"].notna().any() else np.nan
    )
    pub = pd.concat([pub[pub["kommune_code"] != 0], merged], ignore_index=True)
    pub["zone_id"] = pub["kommune_code"].astype(str)
    pub["nki"] = pub["nki_2020"].astype(float)
    return pub.reset_index(drop=True)


def _nature_share(lc: Landcover, radius_m: float) -> Callable:
    def values(ds: object) -> np.ndarray:
        a = ds.read(lc.band)  # type: ignore[attr-defined]
        nodata = ds.nodatavals[lc.band - 1]  # type: ignore[attr-defined]
        r = max(0, int(round(radius_m / abs(ds.res[0]))))  # type: ignore[attr-defined]
        padded = np.pad(a, r, constant_values=pad_fill(a.dtype, nodata))
        return features(padded, r, r, nodata, lc.scheme)[2]

    return values


def context_sums(
    gdf: object,
    source: str,
    lc: Landcover,
    radius_m: float,
    progress: Callable[[int], None] | None = None,
) -> ContextSums:
    """Per zone × land type: area and Σ area · f; row "0" = all zones."""
    tbl = lc.scheme.table
    ex = zonal_class_areas(
        gdf, lc, source, progress=progress, cell_values=_nature_share(lc, radius_m)
    )
    area, s = land_type_sums(
        ex.classes,
        dict(zip(tbl["value"], tbl["land_type"], strict=True)),
        dict.fromkeys(tbl["value"], 0.0),
    )
    area.loc[NATIONAL_ID] = area.sum()
    s.loc[NATIONAL_ID] = s.sum()
    return ContextSums(radius_m, area, s)


def fit_context(
    gdf: object,
    source: str,
    lc: Landcover,
    radii: tuple[float, ...] = RADII,
    progress: Callable[[int], None] | None = None,
) -> ContextCalibration:
    """Fit and leave-one-out cross-validate the context proxy on the embedded
    published values (NKI of 22 municipalities and Denmark; NKI natur of Denmark and
    Vordingborg)."""
    sums = {r: context_sums(gdf, source, lc, r, progress) for r in radii}
    return calibrate_context(sums, published_targets())
