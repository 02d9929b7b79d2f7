"""Open and check rasters: the file exists, is readable, has a CRS and the band."""

from __future__ import annotations

from pathlib import Path

import rasterio
from rasterio.errors import RasterioIOError

from naturkapital.core.errors import InputError, TooLargeError


def open_raster(path: str | Path, band: int = 1, what: str = "raster",
                driver: str | None = None) -> rasterio.DatasetReader:
    """Open a raster for reading after checking it; the caller closes it.

    ``driver``: only this GDAL driver may open it (e.g. ``"GTiff"`` for uploads).
    Raises :class:`InputError` naming the file when it is missing, unreadable, has no
    CRS, is in geographic coordinates (cell areas would not be in metres), or lacks
    the band.
    """
    p = Path(path)
    if not p.exists():
        raise InputError(p, f"{what} not found / filen findes ikke")
    try:
        ds = rasterio.open(p, driver=driver)
    except (RasterioIOError, ValueError, TypeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "unreadable"
        raise InputError(p, f"cannot read as a {what} ({first})") from None
    if ds.crs is None:
        ds.close()
        raise InputError(p, f"{what} has no CRS (coordinate reference system); assign one, "
                            "e.g. gdal_edit.py -a_srs EPSG:25832")
    if not ds.crs.is_projected:
        ds.close()
        raise InputError(p, f"{what} is in geographic coordinates ({ds.crs}); use a projected "
                            "CRS in metres such as EPSG:25832")
    if not 1 <= band <= ds.count:
        count = ds.count
        ds.close()
        raise InputError(p, f"{what} has {count} band(s); band {band} does not exist")
    return ds


def cell_area_ha(ds: rasterio.DatasetReader) -> float:
    """Area of one cell in hectares (projected CRS in metres)."""
    return abs(ds.res[0] * ds.res[1]) * ds.crs.linear_units_factor[1] ** 2 / 10_000.0


def check_raster_file(path: str | Path, what: str = "raster", max_cells: int | None = None,
                      shown: str | None = None, driver: str | None = None) -> int:
    """Check a raster file as :func:`open_raster` does (readable by ``driver``, a
    projected CRS, band 1) and that it has at most ``max_cells`` cells.

    Errors name the file as ``shown`` (e.g. an upload's client name instead of a
    temporary path): :class:`TooLargeError` for too many cells, :class:`InputError`
    otherwise. Returns the number of cells.
    """
    p = Path(path)
    name = shown or str(p)
    try:
        with open_raster(p, 1, what, driver) as ds:
            cells = int(ds.width) * int(ds.height)
    except InputError as exc:
        problem = exc.problem.replace(str(p), name).replace(str(p.parent) + "/", "")
        raise InputError(name, problem[:300]) from None
    if max_cells is not None and cells > max_cells:
        raise TooLargeError(name, f"the {what} has {cells:,} cells; at most {max_cells:,} "
                                  "(clip it to the area of interest)")
    return cells
