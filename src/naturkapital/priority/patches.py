"""Nature patches: the land-cover grid over an area and its connected nature cells.

The grid is the embedded Basemap04 2021 (100 m). A cell is nature when its class is a
nature land type of the NKI scheme (forest, dry nature, wet nature, lakes) or when at
least half of it is dry or wet open nature on the embedded 50 m map (two of its four
50 m cells; the two grids share their origin). Patches are the 8-connected groups of
nature cells (:func:`scipy.ndimage.label`); each patch's value is its area weighted by
the NKI scheme's nature value (0–100) of its cells, ``habitat_ha``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import rasterio
import shapely
from affine import Affine
from rasterio.features import geometry_mask
from rasterio.windows import Window, from_bounds
from scipy import ndimage

from naturkapital.core.errors import InputError
from naturkapital.data.catalogue import dataset_path
from naturkapital.landcover.scheme import Scheme

#: NKI land types counted as nature (patch habitat).
NATURE_TYPES: tuple[str, ...] = ("skov", "hede_overdrev", "eng_mose", "soe")
#: Basemap04 codes written for cells that the 50 m map makes dry (1) or wet (2) nature.
DRY_WET_CODES = {1: 7, 2: 11}
PATCH_ID = "patch_id"


@dataclass
class NatureGrid:
    """``classes``: land-cover codes (0 outside the area); ``inside``: cells in the area;
    ``nature``: nature cells; ``value``: nature value 0–100 per cell."""

    classes: np.ndarray
    inside: np.ndarray
    nature: np.ndarray
    value: np.ndarray
    transform: Affine
    crs: object
    cell_m: float

    @property
    def cell_ha(self) -> float:
        return self.cell_m * self.cell_m / 10_000.0


def _dry_wet(window: Window, shape: tuple[int, int], transform: Affine) -> np.ndarray:
    """The 50 m dry/wet map on the 100 m window: 1/2 where ≥ 2 of 4 cells are dry/wet."""
    with rasterio.open(dataset_path("dry_wet_nature")) as ds:
        x0, y0 = transform * (0, 0)
        c0 = round((x0 - ds.transform.c) / ds.transform.a)
        r0 = round((y0 - ds.transform.f) / ds.transform.e)
        fine = ds.read(1, window=Window(c0, r0, shape[1] * 2, shape[0] * 2), boundless=True,
                       fill_value=0)
    blocks = fine.reshape(shape[0], 2, shape[1], 2)
    dry = (blocks == 1).sum(axis=(1, 3))
    wet = (blocks == 2).sum(axis=(1, 3))
    return np.where(wet >= 2, 2, np.where(dry >= 2, 1, 0)).astype(np.uint8)


def nature_grid(scheme: Scheme, area: shapely.Geometry | None = None,
                dry_wet: bool = True, path=None) -> NatureGrid:
    """The Basemap04 grid over ``area`` (in EPSG:25832; ``None``: all of Denmark) with its
    nature cells."""
    src = path or dataset_path("basemap2021")
    with rasterio.open(src) as ds:
        if area is None:
            win = Window(0, 0, ds.width, ds.height)
        else:
            w = from_bounds(*area.bounds, transform=ds.transform)
            c0, r0 = int(np.floor(w.col_off)), int(np.floor(w.row_off))
            win = Window(c0, r0, int(np.ceil(w.col_off + w.width)) - c0,
                         int(np.ceil(w.row_off + w.height)) - r0)
        classes = ds.read(1, window=win, boundless=True, fill_value=0)
        transform = ds.window_transform(win)
        crs = ds.crs
        cell = float(ds.transform.a)
    inside = classes > 0
    if area is not None:
        inside &= ~geometry_mask([area], classes.shape, transform, all_touched=False)
    classes = np.where(inside, classes, 0).astype(np.uint8)
    table = scheme.table
    nat_codes = table.loc[table["land_type"].isin(NATURE_TYPES), "value"].to_numpy(int)
    nature = np.isin(classes, nat_codes)
    if dry_wet:
        dw = _dry_wet(win, classes.shape, transform)
        extra = inside & ~nature & (dw > 0) & (classes != 6)
        for k, code in DRY_WET_CODES.items():
            classes[extra & (dw == k)] = code
        nature |= extra
    unknown = scheme.unknown(np.unique(classes[inside]))
    if unknown:
        raise InputError("land cover", f"class code(s) {unknown} are not in the scheme")
    lut = np.zeros(256)
    lut[table["value"].to_numpy(int)] = table["nature_value"].to_numpy(float)
    return NatureGrid(classes, inside, nature, lut[classes], transform, crs, cell)


def label_patches(grid: NatureGrid, min_patch_ha: float = 1.0) -> tuple[np.ndarray,
                                                                        pd.DataFrame]:
    """Patch labels (0: no patch; 1..n) and the patch table: ``patch_id``, ``cells``,
    ``area_ha``, ``nature_value`` (mean 0–100), ``habitat_ha`` (area × value / 100).
    Patches smaller than ``min_patch_ha`` are left out (their cells stay habitat for
    movement). Raises :class:`InputError` when there is no patch."""
    lab, n = ndimage.label(grid.nature, structure=np.ones((3, 3), dtype=bool))
    cells = np.bincount(lab.ravel(), minlength=n + 1)
    keep = cells * grid.cell_ha >= min_patch_ha
    keep[0] = False
    new = np.zeros(n + 1, dtype=np.int32)
    new[keep] = np.arange(1, int(keep.sum()) + 1)
    lab = new[lab]
    m = int(keep.sum())
    if m == 0:
        raise InputError("land cover", f"no nature patch of at least {min_patch_ha:g} ha in "
                                       "the area (forest, dry or wet nature, lakes)")
    cnt = np.bincount(lab.ravel(), minlength=m + 1)[1:]
    val = np.bincount(lab.ravel(), weights=grid.value.ravel(), minlength=m + 1)[1:]
    table = pd.DataFrame({PATCH_ID: np.arange(1, m + 1), "cells": cnt,
                          "area_ha": cnt * grid.cell_ha,
                          "nature_value": val / cnt,
                          "habitat_ha": val * grid.cell_ha / 100.0})
    return lab, table
