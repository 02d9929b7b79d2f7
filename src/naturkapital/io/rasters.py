"""Open and check rasters: the file exists, is readable, has a CRS and the band."""

from __future__ import annotations

from pathlib import Path

import rasterio
from rasterio.errors import RasterioIOError

from naturkapital.core.errors import InputError


def open_raster(path: str | Path, band: int = 1, what: str = "raster") -> rasterio.DatasetReader:
    """Open a raster for reading after checking it; the caller closes it.

    Raises :class:`InputError` naming the file when it is missing, unreadable, has no
    CRS, is in geographic coordinates (cell areas would not be in metres), or lacks
    the band.
    """
    p = Path(path)
    if not p.exists():
        raise InputError(p, f"{what} not found / filen findes ikke")
    try:
        ds = rasterio.open(p)
    except RasterioIOError as exc:
        raise InputError(p, f"cannot read as a {what} ({str(exc).splitlines()[0]})") from None
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
