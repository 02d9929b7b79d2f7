"""Exact zonal extraction in batches: the one exactextract loop of the package.

Features go to exactextract a batch at a time. A batch holds at most
:data:`MAX_FEATURES` features and — so that memory stays bounded whatever the zone
sizes — at most :data:`MAX_CELLS` raster cells under the features' bounding boxes
together (exactextract's ``values``/``coverage`` hold one entry per covered cell); a
single feature larger than that is a batch of its own. Batching never changes a
number: exactextract treats every feature on its own, and the results come back in
feature order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from exactextract import exact_extract
from exactextract.feature import Feature, FeatureSource
from exactextract.raster import RasterioRasterSource, RasterSource
from exactextract.writer import Writer

#: Features per exactextract call, at most.
MAX_FEATURES = 2048
#: Raster cells under the bounding boxes of one batch's features, at most (unless one
#: feature alone is larger).
MAX_CELLS = 16_000_000


def feature_batches(features: gpd.GeoDataFrame, cell_size: tuple[float, float],
                    max_features: int = MAX_FEATURES,
                    max_cells: int = MAX_CELLS) -> list[slice]:
    """Consecutive row ranges of ``features`` (in the raster's CRS, cell size in its
    units) that fill a batch up to ``max_features`` features or ``max_cells`` cells
    under their bounding boxes."""
    n = len(features)
    if n == 0:
        return []
    b = features.geometry.bounds.to_numpy(dtype=float)
    dx, dy = abs(float(cell_size[0])), abs(float(cell_size[1]))
    with np.errstate(invalid="ignore"):
        cells = ((np.floor((b[:, 2] - b[:, 0]) / dx) + 2)
                 * (np.floor((b[:, 3] - b[:, 1]) / dy) + 2))
    cells = np.nan_to_num(cells, nan=0.0)  # empty geometries
    out: list[slice] = []
    start, total = 0, 0.0
    for i, c in enumerate(cells.tolist()):
        if i > start and (i - start >= max_features or total + c > max_cells):
            out.append(slice(start, i))
            start, total = i, 0.0
        total += c
    out.append(slice(start, n))
    return out


@dataclass
class Batch:
    """One exactextract call: the features' rows (``start`` is the first row's
    position), exactextract's output (one row per feature, pandas) and ``info``, what
    ``sources_for`` returned beside the sources (None without it)."""

    start: int
    features: gpd.GeoDataFrame
    result: pd.DataFrame
    info: Any = None


def extract_batches(
    features: gpd.GeoDataFrame,
    sources: Sequence[Any] | Any,
    ops: Sequence[str],
    include_cols: Sequence[str],
    cell_size: tuple[float, float],
    weights: Any = None,
    sources_for: Callable[[gpd.GeoDataFrame], tuple[Any, Any]] | None = None,
    progress: Callable[[int], None] | None = None,
    max_features: int = MAX_FEATURES,
    max_cells: int = MAX_CELLS,
) -> Iterator[Batch]:
    """Run exactextract over ``features`` (already in the rasters' CRS) batch by batch.

    ``sources``/``weights``: exactextract raster sources; ``ops``: its operations;
    ``include_cols``: feature columns copied to the output. ``sources_for(part)``, if
    given, returns the sources for one batch and an ``info`` value (e.g. the batch's
    raster window read into memory) instead of ``sources``. ``progress`` is called
    with the number of features of each batch once the caller has handled it.
    """
    cols = list(include_cols)
    for sl in feature_batches(features, cell_size, max_features, max_cells):
        part = features.iloc[sl]
        srcs, info = (sources, None) if sources_for is None else sources_for(part)
        res = exact_extract(srcs, part[cols + ["geometry"]], list(ops), weights=weights,
                            include_cols=cols, output="pandas")
        yield Batch(int(sl.start), part, res, info)
        if progress:
            progress(len(part))


class _WKBFeature(Feature):
    """A feature with a WKB geometry and no fields: exactextract reads the geometry as
    WKB, not through a GeoJSON text per feature."""

    def __init__(self, wkb: bytes | None = None) -> None:
        Feature.__init__(self)
        self.wkb = wkb

    def get(self, name: str) -> Any:
        raise KeyError(name)

    def geometry(self) -> bytes | None:
        return self.wkb

    def set_geometry(self, wkb: bytes | None) -> None:
        self.wkb = wkb

    def set_geometry_format(self) -> str:
        return "wkb"

    def fields(self) -> list[str]:
        return []


class _WKBSource(FeatureSource):
    """Features with a WKB geometry and no fields: exactextract writes one output row per
    feature, in order, so a feature's row number is its position (no ``_i`` field to
    copy back and forth through Python for every feature)."""

    def __init__(self, geoms: np.ndarray, srs_wkt: str | None) -> None:
        super().__init__()
        self.wkb = shapely.to_wkb(geoms)
        self.wkt = srs_wkt

    def count(self) -> int:
        return len(self.wkb)

    def __iter__(self) -> Iterator[_WKBFeature]:
        for w in self.wkb.tolist():
            yield _WKBFeature(w)

    def srs_wkt(self) -> str | None:
        return self.wkt


class _Columns(_WKBFeature):
    """A copy target that appends each field exactextract sets to its column list and
    drops the geometry."""

    def __init__(self, columns: dict[str, list[Any]]) -> None:
        _WKBFeature.__init__(self)
        self.columns = columns

    def set_geometry(self, wkb: bytes | None) -> None:
        pass

    def fields(self) -> list[str]:
        return list(self.columns)

    def set(self, name: str, value: Any) -> None:
        col = self.columns.get(name)
        if col is not None:
            col.append(value)


class _ArrayWriter(Writer):
    """Collects each operation's output per feature in lists (no DataFrame): the
    feature's fields go straight onto the lists, one Python call per field."""

    def __init__(self) -> None:
        super().__init__()
        self.columns: dict[str, list[Any]] = {}
        self._target = _Columns(self.columns)  # one copy target for every feature
        self.written = 0

    def add_operation(self, op: Any) -> None:
        self.columns[op.name] = []

    def add_column(self, name: str) -> None:
        self.columns.setdefault(name, [])

    def write(self, feature: Any) -> None:
        feature.copy_to(self._target)
        self.written += 1

    def features(self) -> dict[str, list[Any]]:
        return self.columns


def flatten(col: Sequence[Any], dtype: type) -> np.ndarray:
    """exactextract's per-feature arrays (one list entry per feature) as one array."""
    parts = [np.asarray(x, dtype=dtype) for x in col]
    return np.concatenate(parts) if parts else np.array([], dtype=dtype)


def extract_arrays(geoms: np.ndarray, sources: Sequence[Any] | Any, ops: Sequence[str],
                   first: int = 0, srs_wkt: str | None = None, weights: Any = None
                   ) -> dict[str, list[Any]]:
    """exactextract over shapely ``geoms`` (in the rasters' CRS), features passed as WKB
    and results kept as lists: ``_i`` (``first`` + the feature's position) and one list
    per operation output (exactextract's column names), one entry per feature."""
    geoms = np.asarray(geoms, dtype=object)
    writer = _ArrayWriter()
    exact_extract(sources, _WKBSource(geoms, srs_wkt), list(ops), weights=weights,
                  output=writer)
    cols = writer.columns
    if writer.written != len(geoms) or any(len(c) != writer.written for c in cols.values()):
        raise RuntimeError(f"exactextract wrote {writer.written} rows with "
                           f"{[len(c) for c in cols.values()]} values for {len(geoms)} "
                           "features")  # rows could no longer be matched by position
    return {"_i": list(range(first, first + len(geoms))), **cols}


#: Largest window (cells) :func:`window_source` reads into memory for one batch.
MAX_WINDOW_CELLS = 16_000_000


class _WindowSource(RasterSource):
    """A window of a :class:`RasterioRasterSource` read once into memory, answering
    exactextract's reads exactly as the rasterio source would (the same masked values,
    nodata and scaling), on the same grid."""

    def __init__(self, src: RasterioRasterSource, col0: int, row0: int, nx: int,
                 ny: int) -> None:
        super().__init__()
        from rasterio.windows import Window

        self.src, self.col0, self.row0 = src, col0, row0
        self.arr = _plain_if_nodata_mask(src.read_window(col0, row0, nx, ny),
                                         src.nodata_value())
        ds = src.ds
        dx, dy = src.res()
        left = ds.bounds.left + col0 * dx
        top = ds.bounds.top - row0 * dy
        self.ext = (left, top - ny * dy, left + nx * dx, top)
        self.window = Window(col0, row0, nx, ny)

    def res(self) -> tuple[float, float]:
        return self.src.res()

    def srs_wkt(self) -> str | None:
        return self.src.srs_wkt()

    def extent(self) -> tuple[float, float, float, float]:
        return self.ext

    def nodata_value(self) -> Any:
        return self.src.nodata_value()

    def read_window(self, x0: int, y0: int, nx: int, ny: int) -> np.ndarray:
        return self.arr[y0:y0 + ny, x0:x0 + nx]


def _plain_if_nodata_mask(arr: np.ndarray, nodata: Any) -> np.ndarray:
    """The plain data of a masked window when its mask is exactly "value == nodata"
    (exactextract then skips the same cells by the nodata value): slicing a plain array
    per feature is far cheaper than slicing a masked one. Otherwise ``arr`` itself."""
    if not isinstance(arr, np.ma.MaskedArray) or nodata is None:
        return arr
    data = arr.data
    if data.dtype.kind == "f" and np.isnan(nodata):
        return arr
    if np.array_equal(np.ma.getmaskarray(arr), data == nodata):
        return data
    return arr


def window_source(src: RasterioRasterSource, bounds: np.ndarray,
                  max_cells: int | None = None) -> Any:
    """``src`` limited to the cells under ``bounds`` (plus one cell) and read once, or
    ``src`` itself when that window is empty or over ``max_cells`` (default
    :data:`MAX_WINDOW_CELLS`)."""
    from rasterio.errors import WindowError
    from rasterio.windows import Window

    ds = src.ds
    try:
        w = ds.window(*bounds)
        w = Window(int(np.floor(w.col_off)) - 1, int(np.floor(w.row_off)) - 1,
                   int(np.ceil(w.width)) + 3, int(np.ceil(w.height)) + 3).intersection(
            Window(0, 0, ds.width, ds.height))
    except (WindowError, ValueError):
        return src
    if w.width * w.height > (MAX_WINDOW_CELLS if max_cells is None else max_cells):
        return src
    return _WindowSource(src, int(w.col_off), int(w.row_off), int(w.width), int(w.height))
