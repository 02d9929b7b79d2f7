"""Reproducible national 10 m test input, generated from the embedded 100 m Basemap04.

The real 10 m national maps (Basemap04 at 10 m, the biodiversity map's bioscore) are
not open for download here, so the national benchmark runs on a synthetic stand-in
with the same size and structure: about 430 million land cells on a 46 000 × 36 830
grid (EPSG:25832, 10 m).

How a 10 m cell gets its class: every 100 m cell of the embedded Basemap04 2021 is
split into 10 × 10 sub-cells; each sub-cell reads the 100 m class at a point shifted
by a deterministic jitter of up to ±4 sub-cells (constant over 2 × 2 sub-cell blobs),
so class borders become irregular at 10–40 m instead of following the 100 m grid; 2 %
of land sub-cells become a "speckle" of another land class (hedges, farm buildings,
small woods). The bioscore (0–20, uint8, 255 = no data) is a per-class base value plus
noise at 100 m and 10 m; it has no data outside land and on "Unmapped" (4) cells.

All variation comes from an integer hash of the global cell row and column, so the
output is bit-identical whatever the window size or machine. Both rasters are tiled
(512 × 512), deflate-compressed GeoTIFFs; a ``manifest.json`` beside them records the
parameters and per-class cell counts (a checksum of the content).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio
from affine import Affine
from rasterio.windows import Window

from naturkapital.core.errors import InputError
from naturkapital.data.catalogue import dataset_path

#: Sub-cells per 100 m cell along each axis (100 m / 10 m).
FACTOR = 10
#: Largest jitter, in sub-cells (must stay below FACTOR so a 1-cell halo suffices).
JITTER = 4
#: Share of land sub-cells that become a speckle of another class.
SPECKLE = 0.02
#: Land classes used for speckles (Basemap04 codes).
SPECKLE_CODES = np.array([5, 6, 7, 8, 9, 10, 11], dtype=np.uint8)
#: Bioscore base per Basemap04 code (0–20 scale); other codes get 1.
BIOSCORE_BASE = {2: 0, 5: 1, 6: 1, 7: 9, 8: 7, 9: 3, 10: 6, 11: 10}
BIOSCORE_NODATA = 255
#: Window edge (sub-cells) processed at a time; a multiple of the 512 tile size.
WINDOW = 4096
CLASS_FILE = "basemap04_2021_10m.tif"
BIOSCORE_FILE = "bioscore_10m.tif"
MANIFEST_FILE = "manifest.json"
VERSION = 1


@dataclass(frozen=True)
class NationalInput:
    """Paths of the generated national 10 m input."""

    folder: Path
    landcover: Path
    bioscore: Path
    manifest: Path

    @classmethod
    def in_folder(cls, folder: str | Path) -> NationalInput:
        f = Path(folder)
        return cls(f, f / CLASS_FILE, f / BIOSCORE_FILE, f / MANIFEST_FILE)

    def exists(self, extent: list[int] | None = None) -> bool:
        """True when both rasters and a manifest of the current version (and, if given,
        the same extent in 100 m cells) are present."""
        if not (self.landcover.exists() and self.bioscore.exists() and self.manifest.exists()):
            return False
        try:
            meta = json.loads(self.manifest.read_text())
        except (OSError, ValueError):
            return False
        return meta.get("version") == VERSION and (
            extent is None or meta.get("extent_100m_cells") == extent)


def _hash(rows: np.ndarray, cols: np.ndarray, salt: int) -> np.ndarray:
    """Deterministic uint32 hash of global (row, col) grids (broadcast) and a salt."""
    with np.errstate(over="ignore"):
        x = (rows.astype(np.uint32) * np.uint32(0x9E3779B1)
             + cols.astype(np.uint32) * np.uint32(0x85EBCA77)
             + np.uint32((salt * 0xC2B2AE3D) & 0xFFFFFFFF))
        x ^= x >> np.uint32(16)
        x *= np.uint32(0x7FEB352D)
        x ^= x >> np.uint32(15)
        x *= np.uint32(0x846CA68B)
        x ^= x >> np.uint32(16)
    return x


def _bioscore_lut() -> np.ndarray:
    lut = np.ones(256, dtype=np.int16)
    for code, base in BIOSCORE_BASE.items():
        lut[code] = base
    return lut


def make_window(parent: rasterio.DatasetReader, row0: int, col0: int, height: int,
                width: int) -> tuple[np.ndarray, np.ndarray]:
    """Class (uint8, 0 = no data) and bioscore (uint8, 255 = no data) of one 10 m window.

    ``row0``/``col0`` are the window's offset in the 10 m grid (cells).
    """
    pr0, pc0 = row0 // FACTOR - 1, col0 // FACTOR - 1
    ph = (row0 + height - 1) // FACTOR - pr0 + 2
    pw = (col0 + width - 1) // FACTOR - pc0 + 2
    par = parent.read(1, window=Window(pc0, pr0, pw, ph), boundless=True, fill_value=0)
    if not par.any():
        return (np.zeros((height, width), dtype=np.uint8),
                np.full((height, width), BIOSCORE_NODATA, dtype=np.uint8))
    rows = np.arange(row0, row0 + height, dtype=np.int64)[:, None]
    cols = np.arange(col0, col0 + width, dtype=np.int64)[None, :]
    span = np.uint32(2 * JITTER + 1)
    jr = (_hash(rows // 2, cols // 2, 1) % span).astype(np.int64) - JITTER
    jc = (_hash(rows // 2, cols // 2, 2) % span).astype(np.int64) - JITTER
    pr = (rows + jr) // FACTOR - pr0
    pc = (cols + jc) // FACTOR - pc0
    del jr, jc
    cls = par[pr, pc]
    del pr, pc
    speck = _hash(rows, cols, 3)
    land = cls != 0
    hit = land & (speck < np.uint32(SPECKLE * 2**32))
    cls[hit] = SPECKLE_CODES[(speck[hit] >> np.uint32(8)) % np.uint32(SPECKLE_CODES.size)]
    coarse = (_hash(rows // FACTOR, cols // FACTOR, 4) % np.uint32(7)).astype(np.int16) - 3
    fine = (_hash(rows, cols, 5) % np.uint32(3)).astype(np.int16)
    bio = np.clip(_bioscore_lut()[cls] + coarse + fine, 0, 20).astype(np.uint8)
    bio[~land | (cls == 4)] = BIOSCORE_NODATA
    return cls, bio


def _grid_window(parent: rasterio.DatasetReader, bbox: tuple[float, float, float, float] | None
                 ) -> tuple[int, int, int, int]:
    """The 100 m cells (row0, col0, rows, cols) covering ``bbox`` (EPSG:25832 metres)."""
    if bbox is None:
        return 0, 0, parent.height, parent.width
    xmin, ymin, xmax, ymax = bbox
    if not (xmin < xmax and ymin < ymax):
        raise InputError("--bbox", "write XMIN,YMIN,XMAX,YMAX with XMIN < XMAX and YMIN < YMAX")
    win = rasterio.windows.from_bounds(xmin, ymin, xmax, ymax, parent.transform)
    r0 = max(0, int(np.floor(win.row_off)))
    c0 = max(0, int(np.floor(win.col_off)))
    r1 = min(parent.height, int(np.ceil(win.row_off + win.height)))
    c1 = min(parent.width, int(np.ceil(win.col_off + win.width)))
    if r1 <= r0 or c1 <= c0:
        raise InputError("--bbox", f"{bbox} does not overlap the Basemap04 extent "
                                   f"{tuple(parent.bounds)} (EPSG:25832)")
    return r0, c0, r1 - r0, c1 - c0


def generate_national(folder: str | Path = "benchmarks/data", force: bool = False,
                      progress: Callable[[int, int], None] | None = None,
                      bbox: tuple[float, float, float, float] | None = None) -> NationalInput:
    """Write the national 10 m class and bioscore rasters under ``folder``.

    ``bbox`` (EPSG:25832 metres) limits the output to the 100 m cells it touches — a
    small, identical cut-out of the national input for quick runs. Skips the work when
    a complete output of the same version and extent exists (unless ``force``). The
    full output needs about 200 MB of disk. ``progress(done, total)`` counts windows.
    Raises :class:`InputError` when the folder cannot be created or the box is empty.
    """
    out = NationalInput.in_folder(folder)
    src_path = dataset_path("basemap2021")
    with rasterio.open(src_path) as parent:
        pr0, pc0, prows, pcols = _grid_window(parent, bbox)
    extent = [pr0, pc0, prows, pcols]
    if out.exists(extent) and not force:
        return out
    try:
        out.folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(out.folder, f"cannot create the folder ({exc.strerror})") from None
    counts = np.zeros(256, dtype=np.int64)
    bio_sum = 0
    with rasterio.open(src_path) as parent:
        height, width = prows * FACTOR, pcols * FACTOR
        row_off, col_off = pr0 * FACTOR, pc0 * FACTOR
        transform = (parent.transform * Affine.translation(pc0, pr0)
                     * Affine.scale(1.0 / FACTOR))
        base = dict(driver="GTiff", width=width, height=height, count=1, dtype="uint8",
                    crs=parent.crs, transform=transform, tiled=True, blockxsize=512,
                    blockysize=512, compress="deflate", BIGTIFF="IF_SAFER")
        tmp_cls = out.landcover.with_suffix(".tmp.tif")
        tmp_bio = out.bioscore.with_suffix(".tmp.tif")
        windows = [(r, c) for r in range(0, height, WINDOW) for c in range(0, width, WINDOW)]
        with rasterio.open(tmp_cls, "w", nodata=0, **base) as dc, \
                rasterio.open(tmp_bio, "w", nodata=BIOSCORE_NODATA, **base) as db:
            for i, (r, c) in enumerate(windows):
                h, w = min(WINDOW, height - r), min(WINDOW, width - c)
                cls, bio = make_window(parent, row_off + r, col_off + c, h, w)
                dc.write(cls, 1, window=Window(c, r, w, h))
                db.write(bio, 1, window=Window(c, r, w, h))
                counts += np.bincount(cls.ravel(), minlength=256)
                bio_sum += int(bio[bio != BIOSCORE_NODATA].sum(dtype=np.int64))
                if progress:
                    progress(i + 1, len(windows))
        tmp_cls.replace(out.landcover)
        tmp_bio.replace(out.bioscore)
    manifest = {
        "version": VERSION,
        "source": src_path.name,
        "extent_100m_cells": extent,
        "grid": {"crs": "EPSG:25832", "cell_m": 10, "width": width, "height": height,
                 "transform": list(transform)[:6]},
        "method": {"factor": FACTOR, "jitter_cells": JITTER, "speckle": SPECKLE,
                   "bioscore_base": BIOSCORE_BASE, "bioscore_nodata": BIOSCORE_NODATA},
        "class_cells": {str(k): int(v) for k, v in enumerate(counts) if v},
        "bioscore_sum": bio_sum,
        "files": [CLASS_FILE, BIOSCORE_FILE],
    }
    out.manifest.write_text(json.dumps(manifest, indent=2))
    return out
