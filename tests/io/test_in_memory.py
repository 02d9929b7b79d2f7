"""The io readers take bytes (InMemory) like a path: the same checks, the same one-line
errors (naming the user's file, never a /vsimem/ name), and vectors a GeoDataFrame."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin
from shapely.geometry import Polygon

from naturkapital.core.errors import InputError, TooLargeError
from naturkapital.io.local import ALLOW_VRT_ENV, InMemory
from naturkapital.io.rasters import CELL_BUDGET_ENV, check_raster_file, open_raster
from naturkapital.io.tables import read_csv_table
from naturkapital.io.vectors import read_vector, read_zones, vector_fields


@pytest.fixture(autouse=True)
def _no_vrt(monkeypatch) -> None:
    """Files as by default: VRTs refused (another test may have allowed them)."""
    monkeypatch.delenv(ALLOW_VRT_ENV, raising=False)


def test_bytes_vrt_refused_even_when_files_may_be_vrts(monkeypatch) -> None:
    monkeypatch.setenv(ALLOW_VRT_ENV, "1")
    with pytest.raises(InputError, match="virtual raster"):
        open_raster(InMemory(b'<VRTDataset rasterXSize="1" rasterYSize="1"></VRTDataset>',
                             "x.tif"))


SQUARE = [[8.0, 55.0], [8.01, 55.0], [8.01, 55.01], [8.0, 55.01], [8.0, 55.0]]


def _fc(**extra) -> bytes:
    return json.dumps({"type": "FeatureCollection", **extra, "features": [
        {"type": "Feature", "properties": {"id": "a", "navn": "A"},
         "geometry": {"type": "Polygon", "coordinates": [SQUARE]}}]}).encode()


def _tif(tmp_path: Path, width: int = 20, crs: str = "EPSG:25832") -> bytes:
    p = tmp_path / "made.tif"
    with rasterio.open(p, "w", driver="GTiff", width=width, height=10, count=1,
                       dtype="float32", crs=crs, transform=from_origin(0, 100, 10, 10)) as ds:
        ds.write(np.full((1, 10, width), 5.0, dtype="float32"))
    return p.read_bytes()


def _problem_both(tmp_path: Path, name: str, data: bytes, read) -> tuple[str, str]:
    """The error of reading ``data`` as a file called ``name`` and as bytes called
    ``name``; both must name the file the same way."""
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError) as on_file:
        read(path)
    with pytest.raises(InputError) as in_memory:
        read(InMemory(data, name))
    assert on_file.value.source == str(path)
    assert in_memory.value.source == name
    return on_file.value.problem.replace(str(path), name), in_memory.value.problem


BAD_VECTORS = [
    ("link.geojson", _fc(crs={"type": "link", "properties": {"href": "http://x/crs"}}), "crs"),
    ("vrt.gpkg", b'<OGRVRTDataSource><OGRVRTLayer name="x"><SrcDataSource>/etc/passwd'
                 b"</SrcDataSource></OGRVRTLayer></OGRVRTDataSource>", "VRT"),
    ("wms.geojson", b"<GDAL_WMS><Service name='WMS'/></GDAL_WMS>", "WMS"),
    ("empty.geojson", b'{"type": "FeatureCollection", "features": []}', "no features"),
    ("deep.geojson", b'{"crs": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nested"),
]


@pytest.mark.parametrize(("name", "data", "needle"), BAD_VECTORS,
                         ids=[b[0] for b in BAD_VECTORS])
def test_vector_bytes_get_the_file_checks(tmp_path: Path, name: str, data: bytes,
                                          needle: str) -> None:
    on_file, in_memory = _problem_both(tmp_path, name, data, read_vector)
    if needle == "VRT":  # a file may be allowed (--allow-vrt), bytes never: no hint
        assert on_file.startswith(in_memory) and "allow-vrt" in on_file
    else:
        assert on_file == in_memory
    assert needle.lower() in in_memory.lower()


def test_unreadable_vector_bytes_name_the_user_file() -> None:
    with pytest.raises(InputError) as exc:
        read_vector(InMemory(b"SQLite format 3\x00 not really", "mine.gpkg"))
    assert exc.value.source == "mine.gpkg"
    assert "/vsimem" not in str(exc.value) and "mine.gpkg" in exc.value.problem


def test_vector_bytes_and_geodataframe_read_as_the_file(tmp_path: Path) -> None:
    path = tmp_path / "zones.geojson"
    path.write_bytes(_fc())
    from_file = read_zones(path, "id", "navn")
    from_bytes = read_zones(InMemory(_fc(), "zones.geojson"), "id", "navn")
    from_frame = read_zones(gpd.read_file(path), "id", "navn")
    for other in (from_bytes, from_frame):
        assert other[["zone_id", "name"]].equals(from_file[["zone_id", "name"]])
        assert other.geometry.equals(from_file.geometry)
    assert vector_fields(InMemory(_fc(), "zones.geojson")) == ["id", "navn"]
    frame = gpd.GeoDataFrame({"id": ["b"]}, geometry=[Polygon(SQUARE)], crs=4326)
    assert read_vector(frame) is not frame  # a copy: the caller's frame is not changed


def test_geodataframe_gets_the_zone_checks() -> None:
    bow = Polygon([(0, 0), (1, 1), (1, 0), (0, 1), (0, 0)])
    frame = gpd.GeoDataFrame({"id": ["b"]}, geometry=[bow], crs=25832)
    with pytest.raises(InputError, match="invalid geometry in 1 feature.*first id=b"):
        read_zones(frame, "id")


def test_raster_bytes_get_the_file_checks(tmp_path: Path, monkeypatch) -> None:
    good = _tif(tmp_path)
    with open_raster(InMemory(good, "oc.tif"), driver="GTiff") as ds:
        assert float(ds.read(1).sum()) == 5.0 * 200
    assert check_raster_file(InMemory(good, "oc.tif"), "carbon", 1000, "oc.tif", "GTiff") == 200
    cases = [("cut.tif", good[: len(good) - 100], "truncated"),
             ("vrt.tif", b'<VRTDataset rasterXSize="1" rasterYSize="1"></VRTDataset>', "VRT"),
             ("geo.tif", _tif(tmp_path, crs="EPSG:4326"), "geographic"),
             ("junk.tif", b"II*\x00" + b"junk" * 10, "cannot read")]
    for name, data, needle in cases:
        on_file, in_memory = _problem_both(
            tmp_path, name, data, lambda p: open_raster(p, 1, "carbon", "GTiff"))
        assert on_file == in_memory or (needle == "VRT" and on_file.startswith(in_memory))
        assert needle in in_memory and "vsimem" not in in_memory
    monkeypatch.setenv(CELL_BUDGET_ENV, "100")
    with pytest.raises(TooLargeError, match="200 cells"):
        open_raster(InMemory(good, "big.tif"))
    monkeypatch.delenv(CELL_BUDGET_ENV)
    with pytest.raises(TooLargeError, match="at most 150"):
        check_raster_file(InMemory(good, "oc.tif"), "carbon", 150, "oc.tif", "GTiff")


def test_table_bytes(tmp_path: Path) -> None:
    t = read_csv_table(InMemory(b"\xef\xbb\xbf value ,source\n1,x\n", "t.csv"), "table",
                       ["value"])
    assert list(t.columns) == ["value", "source"] and t["value"].tolist() == [1]
    on_file, in_memory = _problem_both(tmp_path, "t.csv", b"a,b\n1,2\n",
                                       lambda p: read_csv_table(p, "table", ["value"]))
    assert on_file == in_memory and "missing column(s) value" in in_memory
