"""Open and check rasters: the file exists, is local data, readable, has a CRS and the band."""

from __future__ import annotations

import io
import os
from pathlib import Path

import rasterio
from rasterio.errors import RasterioError

from naturkapital.core.errors import InputError, TooLargeError
from naturkapital.io.local import InMemory, Source, check_local, error_text

CELL_BUDGET_ENV = "NATURKAPITAL_CELL_BUDGET"
#: Default: twice Denmark at 10 m (~1.7e9 cells); a raster over the budget is refused.
DEFAULT_CELL_BUDGET = 4_000_000_000
#: Up to this many GeoTIFF blocks, every block is checked against the file size.
MAX_BLOCKS_CHECKED = 256


def cell_budget() -> int:
    """The largest raster (width × height cells) read; ``NATURKAPITAL_CELL_BUDGET``."""
    raw = os.environ.get(CELL_BUDGET_ENV, "").strip()
    if not raw:
        return DEFAULT_CELL_BUDGET
    try:
        value = int(float(raw))
    except ValueError:
        raise InputError(CELL_BUDGET_ENV, f"must be a whole number of cells, not {raw!r}") \
            from None
    if value <= 0:
        raise InputError(CELL_BUDGET_ENV, f"must be above 0, not {raw!r}")
    return value


def open_raster(path: Source, band: int = 1, what: str = "raster",
                driver: str | None = None) -> rasterio.DatasetReader:
    """Open a raster — a path, or bytes (:class:`InMemory`) — for reading after checking
    it; the caller closes it. Bytes get the same checks as a file.

    ``driver``: only this GDAL driver may open it (e.g. ``"GTiff"`` for uploads).
    Raises :class:`InputError` naming the file when it is missing, remote or a pointer
    format (VRT, WMS; see :mod:`naturkapital.io.local`), unreadable or truncated, over
    the cell budget, has no CRS, is in geographic coordinates (cell areas would not be
    in metres), or lacks the band.
    """
    p = check_local(path, what)
    try:
        ds = rasterio.open(io.BytesIO(p.data) if isinstance(p, InMemory) else p,
                           driver=driver)
    except (RasterioError, ValueError, TypeError) as exc:
        raise InputError(p, f"cannot read as a {what} ({error_text(exc, p)})") from None
    try:
        _check(ds, p, band, what)
    except BaseException:
        ds.close()
        raise
    return ds


def _check(ds: rasterio.DatasetReader, p: Path | InMemory, band: int, what: str) -> None:
    if ds.count < 1:
        raise InputError(p, f"{what} has no band")
    cells = ds.width * ds.height
    budget = cell_budget()
    if cells > budget:
        raise TooLargeError(p, f"{what} has {cells:,} cells ({ds.width:,} × {ds.height:,}), over "
                            f"the budget of {budget:,}; clip or resample it, or raise "
                            f"{CELL_BUDGET_ENV}")
    if ds.crs is None:
        raise InputError(p, f"{what} has no CRS (coordinate reference system); assign one, "
                            "e.g. gdal_edit.py -a_srs EPSG:25832")
    if not ds.crs.is_projected:
        raise InputError(p, f"{what} is in geographic coordinates ({ds.crs}); use a projected "
                            "CRS in metres such as EPSG:25832")
    if not 1 <= band <= ds.count:
        raise InputError(p, f"{what} has {ds.count} band(s); band {band} does not exist")
    if ds.driver == "GTiff":
        _check_tiff_blocks(ds, p, band, what)


def _check_tiff_blocks(ds: rasterio.DatasetReader, p: Path | InMemory, band: int,
                       what: str) -> None:
    """A truncated GeoTIFF: some block lies (partly) beyond the end of the file."""
    try:
        size = len(p.data) if isinstance(p, InMemory) else p.stat().st_size
        bh, bw = ds.block_shapes[band - 1]
    except (OSError, IndexError):
        return
    nx, ny = -(-ds.width // bw), -(-ds.height // bh)
    if nx * ny <= MAX_BLOCKS_CHECKED:
        blocks = [(x, y) for y in range(ny) for x in range(nx)]
    else:  # a large raster: the first block, the last row and the last column (a cut
        # file loses its end, where GDAL and COG writers put the last full-size blocks)
        blocks = ([(0, 0)] + [(x, ny - 1) for x in range(nx)]
                  + [(nx - 1, y) for y in range(ny - 1)])
    for x, y in blocks:
        off = ds.get_tag_item(f"BLOCK_OFFSET_{x}_{y}", "TIFF", bidx=band)
        n = ds.get_tag_item(f"BLOCK_SIZE_{x}_{y}", "TIFF", bidx=band)
        if off is None or n is None:
            return  # not exposed by this GDAL: nothing to check
        if int(off) + int(n) > size:
            raise InputError(p, f"{what} is truncated or damaged: cell block {x},{y} lies "
                                f"beyond the end of the file ({size:,} bytes); copy it again")


def cell_area_ha(ds: rasterio.DatasetReader) -> float:
    """Area of one cell in hectares (projected CRS in metres)."""
    return abs(ds.res[0] * ds.res[1]) * ds.crs.linear_units_factor[1] ** 2 / 10_000.0


def check_raster_file(path: Source, what: str = "raster", max_cells: int | None = None,
                      shown: str | None = None, driver: str | None = None) -> int:
    """Check a raster file as :func:`open_raster` does (readable by ``driver``, a
    projected CRS, band 1) and that it has at most ``max_cells`` cells.

    Errors name the file as ``shown`` (e.g. an upload's client name instead of a
    temporary path): :class:`TooLargeError` for too many cells, :class:`InputError`
    otherwise. Returns the number of cells.
    """
    p = path if isinstance(path, InMemory) else Path(path)
    name = shown or str(p)
    try:
        with open_raster(p, 1, what, driver) as ds:
            cells = int(ds.width) * int(ds.height)
    except InputError as exc:
        problem = exc.problem.replace(str(p), name)
        if isinstance(p, Path):
            problem = problem.replace(str(p.parent) + "/", "")
        raise type(exc)(name, problem[:300]) from None  # TooLargeError stays a 413
    if max_cells is not None and cells > max_cells:
        raise TooLargeError(name, f"the {what} has {cells:,} cells; at most {max_cells:,} "
                                  "(clip it to the area of interest)")
    return cells
