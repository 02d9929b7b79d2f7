"""The bad-input corpus (issue 17, item 2): 100+ bad inputs across every command.

Each case builds real files in a fresh folder, runs the command (in-process, through
``naturkapital.cli.main``) and checks: exit code 2, one line ``Fejl (error): …`` on
stderr that names the user's file or option, no traceback, and nothing written — the
folder holds exactly the files the case made (no output, no temporary file).

The HTTP half of the corpus is ``test_http_corpus.py``.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
from rasterio.transform import from_origin
from shapely.geometry import Point, Polygon, box

from tests.conftest import CRS, SCHEME_CSV, X0, Y0, write_raster
from tests.lowland.conftest import write_raster as write_f32

from .conftest import (
    EPSG25832,
    assert_clean_error,
    nki_argv,
    run_main,
    screen_argv,
    square,
    write_geojson,
    zones_fc,
)

CANARY = "http://127.0.0.1:9"  # never opened: the canary test covers the listener


@dataclass
class Ctx:
    d: Path
    lc: dict[str, Path]
    sc: dict[str, Path]

    def file(self, name: str, content: str | bytes) -> Path:
        p = self.d / name
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8")
        return p

    def zones(self, name: str, features: list[dict], crs: dict | None = EPSG25832) -> Path:
        return write_geojson(self.d / name, zones_fc(features, crs))

    def half(self, src: Path, name: str) -> Path:
        data = src.read_bytes()
        return self.file(name, data[: len(data) // 2])


def feat(props: dict, geom: dict | None) -> dict:
    return {"type": "Feature", "properties": props, "geometry": geom}


def poly(c0: float = 0, r0: float = 0, c1: float = 2, r1: float = 4) -> dict:
    return {"type": "Polygon", "coordinates": square(c0, r0, c1, r1)}


def vrt(source: str) -> str:
    return ('<VRTDataset rasterXSize="4" rasterYSize="4"><SRS>EPSG:25832</SRS>'
            '<GeoTransform>500000, 10, 0, 6200000, 0, -10</GeoTransform>'
            '<VRTRasterBand dataType="Byte" band="1"><SimpleSource>'
            f'<SourceFilename>{source}</SourceFilename></SimpleSource></VRTRasterBand>'
            '</VRTDataset>')


def ro_folder(c: Ctx) -> Path:
    """A folder the process cannot write in: chmod 555, or /proc when running as root
    (root ignores file modes; /proc accepts no new files)."""
    if os.geteuid() == 0:
        return Path("/proc")
    ro = c.d / "readonly"
    ro.mkdir()
    ro.chmod(0o555)
    return ro


def big_sparse_tif(c: Ctx) -> Path:
    """A GeoTIFF that declares 10¹⁰ cells of 1 cm but stores almost nothing."""
    p = c.d / "huge.tif"
    with rasterio.open(p, "w", driver="GTiff", width=100_000, height=100_000, count=1,
                       dtype="uint8", crs=CRS, transform=from_origin(X0, Y0, 0.01, 0.01),
                       nodata=0, tiled=True, blockxsize=1024, blockysize=1024,
                       sparse_ok=True, compress="deflate"):
        pass
    return p


def nki(c: Ctx, **kw: object) -> list[str]:
    return nki_argv(c.lc, **kw)


def scr(c: Ctx, **kw: object) -> list[str]:
    return screen_argv(c.sc, **kw)


def bids(c: Ctx, text: str, name: str = "bids.csv") -> Path:
    return c.file(name, text)


BID_HEAD = "parcel_id,area_ha,bid_dkk_per_ha,total_bid_dkk,synergy_points\n"
GOOD_BIDS = BID_HEAD + "a,4,50000,400000,10\nb,3,60000,300000,12\n"


def auction(c: Ctx, bids_path: Path | str, *extra: str) -> list[str]:
    return ["lowland", "auction", "--bids", str(bids_path), "--out",
            str(c.d / "auction.csv"), *extra]


def scenario_fc(c: Ctx, name: str, features: list[dict], crs: dict | None = EPSG25832) -> Path:
    return c.zones(name, features, crs)


def evaluate(c: Ctx, scen: Path | str, *extra: str) -> list[str]:
    return ["scenario", "evaluate", "--scenario", str(scen), "--out",
            str(c.d / "scenario.csv"), *extra]


Build = Callable[[Ctx], tuple[list[str], tuple[str, ...]]]
CASES: dict[str, Build] = {}


def case(name: str) -> Callable[[Build], Build]:
    def register(fn: Build) -> Build:
        assert name not in CASES, name
        CASES[name] = fn
        return fn
    return register


def simple(name: str, build: Build) -> None:
    CASES[name] = build


# ------------------------------------------------------------------- nki: the zone file
simple("nki-zones-missing", lambda c: (nki(c, zones=c.d / "nope.geojson"), ("nope.geojson",
                                                                            "not found")))
simple("nki-zones-text", lambda c: (nki(c, zones=c.file("z.geojson", "not geojson")),
                                    ("z.geojson", "cannot read")))
simple("nki-zones-binary", lambda c: (nki(c, zones=c.file("z.gpkg", os.urandom(4096))),
                                      ("z.gpkg", "cannot read")))
simple("nki-zones-empty-file", lambda c: (nki(c, zones=c.file("z.geojson", b"")),
                                          ("z.geojson",)))
simple("nki-zones-no-features", lambda c: (nki(c, zones=c.zones("z.geojson", [])),
                                           ("z.geojson", "no features")))
simple("nki-zones-broken-json", lambda c: (nki(c, zones=c.file("z.geojson", '{"type": "Fea')),
                                           ("z.geojson",)))
simple("nki-zones-null-geometry", lambda c: (nki(c, zones=c.zones("z.geojson", [
    feat({"zid": "A"}, poly()), feat({"zid": "Skov"}, None)])), ("z.geojson", "zid=Skov",
                                                                 "no geometry")))
simple("nki-zones-all-null", lambda c: (nki(c, zones=c.zones("z.geojson", [
    feat({"zid": "A"}, None)])), ("z.geojson", "no geometries")))
simple("nki-zones-empty-geometry", lambda c: (nki(c, zones=c.zones("z.geojson", [
    feat({"zid": "A"}, poly()),
    feat({"zid": "E"}, {"type": "Polygon", "coordinates": []})])), ("z.geojson",)))
simple("nki-zones-points", lambda c: (nki(c, zones=c.zones("z.geojson", [
    feat({"zid": "A"}, {"type": "Point", "coordinates": [X0 + 5, Y0 - 5]})])),
    ("z.geojson", "polygons")))
simple("nki-zones-lines", lambda c: (nki(c, zones=c.zones("z.geojson", [
    feat({"zid": "A"}, {"type": "LineString", "coordinates": [[X0, Y0], [X0 + 9, Y0 - 9]]})])),
    ("z.geojson", "polygons")))
simple("nki-zones-bowtie", lambda c: (nki(c, zones=c.zones("z.geojson", [
    feat({"zid": "X"}, {"type": "Polygon", "coordinates": [[[X0, Y0], [X0 + 20, Y0 - 20],
                                                             [X0 + 20, Y0], [X0, Y0 - 20],
                                                             [X0, Y0]]]})])),
    ("z.geojson", "invalid geometry", "zid=X")))
simple("nki-zones-id-missing", lambda c: (nki(c, id_field="kode"), ("zones.geojson",
                                                                    "field 'kode'")))
simple("nki-zones-name-missing", lambda c: (nki(c, name_field="titel"), ("zones.geojson",
                                                                         "field 'titel'")))
simple("nki-zones-id-blank", lambda c: (nki(c, zones=c.zones("z.geojson", [
    feat({"zid": None}, poly())])), ("z.geojson", "no value")))
simple("nki-zones-id-zero", lambda c: (nki(c, zones=c.zones("z.geojson", [
    feat({"zid": 0}, poly())])), ("z.geojson", "reserved")))
simple("nki-zones-outside", lambda c: (nki(c, zones=c.zones("z.geojson", [
    feat({"zid": "A"}, poly(1000, 1000, 1002, 1002))])), ("z.geojson", "no zone overlaps")))
simple("nki-zones-no-crs", lambda c: (nki(c, zones=c.zones("z.geojson", [
    feat({"zid": "A"}, poly())], crs={"type": "name", "properties": {"name": "EPSG:99999"}})),
    ("z.geojson",)))
simple("nki-zones-crs-link-top", lambda c: (nki(c, zones=c.zones("z.geojson", [
    feat({"zid": "A"}, poly())], crs={"type": "link", "properties": {"href": CANARY}})),
    ("z.geojson", "crs")))
simple("nki-zones-crs-link-geometry", lambda c: (nki(c, zones=c.zones("z.geojson", [
    feat({"zid": "A"}, {**poly(), "crs": {"type": "link", "properties": {"href": CANARY}}})])),
    ("z.geojson", "crs")))
simple("nki-zones-crs-name-is-a-path", lambda c: (nki(c, zones=c.zones("z.geojson", [
    feat({"zid": "A"}, poly())], crs={"type": "name", "properties": {"name": "/etc/passwd"}})),
    ("z.geojson", "crs")))
simple("nki-zones-crs-wkt", lambda c: (nki(c, zones=c.zones("z.geojson", [
    feat({"zid": "A"}, poly())], crs={"type": "wkt", "properties": {"wkt": "GEOGCS[]"}})),
    ("z.geojson", "crs")))
simple("nki-zones-deep-json-with-crs", lambda c: (nki(c, zones=c.file(
    "deep.geojson", '{"crs": 1, "x": ' + "[" * 200_000 + "]" * 200_000 + "}")),
    ("deep.geojson",)))
simple("nki-zones-deep-json", lambda c: (nki(c, zones=c.file(
    "deep.geojson", '{"type": "FeatureCollection", "features": ' + "[" * 100_000
    + "]" * 100_000 + "}")), ("deep.geojson",)))
simple("nki-zones-ogr-vrt", lambda c: (nki(c, zones=c.file(
    "z.vrt", f'<OGRVRTDataSource><OGRVRTLayer name="z"><SrcDataSource>{c.lc["zones"]}'
             '</SrcDataSource></OGRVRTLayer></OGRVRTDataSource>')), ("z.vrt", "VRT")))
simple("nki-zones-ogr-vrt-renamed", lambda c: (nki(c, zones=c.file(
    "z.geojson", '<?xml version="1.0"?>\n<!-- x -->\n<OGRVRTDataSource><OGRVRTLayer '
                 'name="z"><SrcDataSource>/etc/passwd</SrcDataSource></OGRVRTLayer>'
                 '</OGRVRTDataSource>')), ("z.geojson", "VRT")))
simple("nki-zones-wfs", lambda c: (nki(c, zones=c.file(
    "z.xml", f"<OGRWFSDataSource><URL>{CANARY}/wfs</URL></OGRWFSDataSource>")),
    ("z.xml", "WFS")))
simple("nki-zones-url", lambda c: (nki(c, zones=f"{CANARY}/z.geojson"), ("z.geojson",
                                                                        "network")))
simple("nki-zones-vsicurl", lambda c: (nki(c, zones=f"/vsicurl/{CANARY}/z.gpkg"),
                                       ("z.gpkg", "network")))
simple("nki-zones-vsizip", lambda c: (nki(c, zones=f"/vsizip/{c.d}/z.zip/z.shp"),
                                      ("z.shp", "/vsi")))
simple("nki-zones-truncated-gpkg", lambda c: (nki(c, zones=c.half(_gpkg(c), "half.gpkg")),
                                              ("half.gpkg",)))
simple("nki-zones-folder", lambda c: (nki(c, zones=_mkdir(c, "zones_dir")), ("zones_dir",)))
simple("nki-zones-sqlite-not-gpkg", lambda c: (nki(c, zones=_sqlite(c, "z.gpkg")),
                                               ("z.gpkg",)))
simple("nki-no-id-field", lambda c: (nki(c, id_field=None), ("zones.geojson", "--id-field")))


def _gpkg(c: Ctx) -> Path:
    p = c.d / "full.gpkg"
    gpd.GeoDataFrame({"zid": [f"Z{i}" for i in range(200)]},
                     geometry=[box(X0 + i, Y0 - 40, X0 + i + 1, Y0) for i in range(200)],
                     crs=CRS).to_file(p, engine="pyogrio")
    return p


def _mkdir(c: Ctx, name: str) -> Path:
    p = c.d / name
    p.mkdir()
    return p


def _sqlite(c: Ctx, name: str) -> Path:
    p = c.d / name
    with sqlite3.connect(p) as con:
        con.execute("CREATE TABLE t (a)")
    return p


# --------------------------------------------------------------- nki: land cover, scheme
simple("nki-lc-missing", lambda c: (nki(c, landcover=c.d / "nope.tif"), ("nope.tif",
                                                                        "not found")))
simple("nki-lc-text", lambda c: (nki(c, landcover=c.file("lc2.tif", "text")),
                                 ("lc2.tif", "cannot read")))
simple("nki-lc-empty-file", lambda c: (nki(c, landcover=c.file("lc2.tif", b"")),
                                       ("lc2.tif",)))
simple("nki-lc-truncated", lambda c: (nki(c, landcover=c.half(_big_lc(c), "cut.tif")),
                                      ("cut.tif",)))
simple("nki-lc-tiff-header-only", lambda c: (nki(c, landcover=c.file(
    "head.tif", _big_lc(c).read_bytes()[:600])), ("head.tif",)))
simple("nki-lc-vrt", lambda c: (nki(c, landcover=c.file("lc.vrt", vrt(str(c.lc["raster"])))),
                                ("lc.vrt", "VRT")))
simple("nki-lc-vrt-disguised", lambda c: (nki(c, landcover=c.file("lc2.tif", vrt(
    f"/vsicurl/{CANARY}/x.tif"))), ("lc2.tif", "VRT")))
simple("nki-lc-vrt-allowed-remote", lambda c: (["--allow-vrt", *nki(c, landcover=c.file(
    "lc.vrt", vrt(f"/vsicurl/{CANARY}/x.tif")))], ("lc.vrt", "not a local file")))
simple("nki-lc-vrt-allowed-missing-source", lambda c: (["--allow-vrt", *nki(
    c, landcover=c.file("lc.vrt", vrt(str(c.d / "gone.tif"))))], ("lc.vrt", "does not exist")))
simple("nki-lc-vrt-allowed-broken-xml", lambda c: (["--allow-vrt", *nki(
    c, landcover=c.file("lc.vrt", "<VRTDataset><VRTRasterBand"))], ("lc.vrt",)))
simple("nki-lc-vrt-allowed-not-a-raster-source", lambda c: (["--allow-vrt", *nki(
    c, landcover=c.file("lc.vrt", vrt(str(c.lc["scheme"]))))], ("lc.vrt",)))
simple("nki-lc-vrt-allowed-nested-remote", lambda c: (["--allow-vrt", *nki(
    c, landcover=c.file("outer.vrt", vrt(str(c.file("inner.vrt", vrt(
        f"{CANARY}/x.tif"))))))], ("inner.vrt", "not a local file")))
simple("nki-lc-wms", lambda c: (nki(c, landcover=c.file(
    "wms.xml", f"<GDAL_WMS><Service name='WMS'><ServerUrl>{CANARY}</ServerUrl></Service>"
               "</GDAL_WMS>")), ("wms.xml", "WMS")))
simple("nki-lc-url", lambda c: (nki(c, landcover=f"{CANARY}/lc.tif"), ("lc.tif", "network")))
simple("nki-lc-vsicurl", lambda c: (nki(c, landcover=f"/vsicurl/{CANARY}/lc.tif"),
                                    ("lc.tif", "network")))
simple("nki-lc-vsis3", lambda c: (nki(c, landcover="/vsis3/bucket/lc.tif"),
                                  ("lc.tif", "/vsi")))
simple("nki-lc-no-crs", lambda c: (nki(c, landcover=write_raster(
    c.d / "nocrs.tif", np.ones((4, 4), np.uint8), crs=None)), ("nocrs.tif", "no CRS")))
simple("nki-lc-geographic", lambda c: (nki(c, landcover=write_raster(
    c.d / "geo.tif", np.ones((4, 4), np.uint8), crs="EPSG:4326", cell=0.001, x0=9.0,
    y0=56.0)), ("geo.tif", "geographic")))
simple("nki-lc-all-nodata", lambda c: (nki(c, landcover=write_raster(
    c.d / "empty.tif", np.zeros((4, 4), np.uint8))), ("empty.tif",)))
simple("nki-lc-over-cell-budget", lambda c: (nki(c, landcover=big_sparse_tif(c)),
                                             ("huge.tif", "budget")))
simple("nki-lc-unknown-codes", lambda c: (nki(c, landcover=write_raster(
    c.d / "codes.tif", np.full((4, 4), 77, np.uint8))), ("codes.tif", "77")))
simple("nki-lc-no-scheme", lambda c: (nki(c, scheme=None), ("lc.tif", "--scheme")))
simple("nki-corine-bad-year", lambda c: (nki(c, zones=None, id_field=None, landcover="corine",
                                             scheme=None, extra=["--year", "1999"]),
                                         ("--year", "1999")))
simple("nki-corine-colon-text", lambda c: (nki(c, zones=None, id_field=None,
                                               landcover="corine:abc", scheme=None),
                                           ("corine:abc",)))
simple("nki-basemap-bad-year", lambda c: (nki(c, zones=None, id_field=None,
                                              landcover="basemap2021", scheme=None,
                                              extra=["--year", "2019"]), ("--year",)))
simple("nki-scheme-missing", lambda c: (nki(c, scheme=c.d / "nope.csv"), ("nope.csv",
                                                                         "not found")))
simple("nki-scheme-empty", lambda c: (nki(c, scheme=c.file("s.csv", b"")), ("s.csv",)))
simple("nki-scheme-binary", lambda c: (nki(c, scheme=c.file("s.csv", os.urandom(3000))),
                                       ("s.csv",)))
simple("nki-scheme-columns", lambda c: (nki(c, scheme=c.file("s.csv", "a,b\n1,2\n")),
                                        ("s.csv", "column")))
simple("nki-scheme-header-only", lambda c: (nki(c, scheme=c.file(
    "s.csv", "value,land_type,nature_value,source\n")), ("s.csv", "no rows")))
simple("nki-scheme-not-numbers", lambda c: (nki(c, scheme=c.file(
    "s.csv", "value,land_type,nature_value,source\nx,skov,80,s\n")), ("s.csv", "number")))
simple("nki-scheme-unknown-type", lambda c: (nki(c, scheme=c.file(
    "s.csv", SCHEME_CSV.replace("skov,80", "jungle,80"))), ("s.csv", "jungle")))
simple("nki-scheme-value-range", lambda c: (nki(c, scheme=c.file(
    "s.csv", SCHEME_CSV.replace("skov,80", "skov,800"))), ("s.csv", "0 and 100")))
simple("nki-scheme-duplicate", lambda c: (nki(c, scheme=c.file(
    "s.csv", SCHEME_CSV + "1,skov,skov,80,dup\n")), ("s.csv", "more than once")))
simple("nki-scheme-folder", lambda c: (nki(c, scheme=_mkdir(c, "scheme_dir")),
                                       ("scheme_dir",)))
simple("nki-bioscore-missing", lambda c: (nki(c, extra=["--bioscore", str(c.d / "b.tif")]),
                                          ("b.tif", "not found")))
simple("nki-bioscore-truncated", lambda c: (nki(c, extra=["--bioscore", str(
    c.half(_big_lc(c), "bio.tif"))]), ("bio.tif",)))
simple("nki-bioscore-all-nodata", lambda c: (nki(c, extra=["--bioscore", str(write_raster(
    c.d / "bio0.tif", np.zeros((4, 4), np.uint8)))]), ("bio0.tif", "no data")))
simple("nki-bioscore-all-nodata-dask", lambda c: (nki(c, extra=[
    "--bioscore", str(write_raster(c.d / "bio0.tif", np.zeros((4, 4), np.uint8))),
    "--engine", "dask", "--scheduler", "synchronous"]), ("bio0.tif", "no data")))
simple("nki-bioscore-rule", lambda c: (nki(c, extra=["--bioscore", str(c.lc["raster"]),
                                                     "--bioscore-rule", "classes:x"]),
                                       ("--bioscore-rule",)))
simple("nki-bioscore-rule-order", lambda c: (nki(c, extra=["--bioscore", str(c.lc["raster"]),
                                                           "--bioscore-rule",
                                                           "classes:9,1,2,3"]),
                                             ("--bioscore-rule",)))


def _big_lc(c: Ctx) -> Path:
    """A 512×512 tiled GeoTIFF (several blocks, so half of it is really truncated)."""
    p = c.d / "big_lc.tif"
    rng = np.random.default_rng(1)
    with rasterio.open(p, "w", driver="GTiff", width=512, height=512, count=1, dtype="uint8",
                       crs=CRS, transform=from_origin(X0, Y0, 10 / 128, 10 / 128), nodata=0,
                       tiled=True, blockxsize=128, blockysize=128) as dst:
        dst.write(rng.integers(1, 6, (512, 512), dtype=np.uint8), 1)
    return p


# --------------------------------------------------------------------- nki: the output
simple("nki-out-suffix", lambda c: (nki(c, out=c.d / "out.txt"), ("out.txt", ".csv")))
simple("nki-out-no-folder", lambda c: (nki(c, out=c.d / "nope" / "out.csv"),
                                       ("out.csv", "does not exist")))
simple("nki-out-read-only-folder", lambda c: (nki(c, out=ro_folder(c) / "out.csv"),
                                              ("out.csv", "cannot write")))
simple("nki-out-is-folder", lambda c: (nki(c, out=_mkdir(c, "out.csv")), ("out.csv",
                                                                          "folder")))
simple("nki-out-parent-is-file", lambda c: (nki(c, out=c.lc["scheme"] / "out.csv"),
                                            ("out.csv",)))
simple("nki-out-gpkg-read-only", lambda c: (nki(c, out=ro_folder(c) / "out.gpkg"),
                                            ("out.gpkg", "cannot write")))

# ------------------------------------------------------------- compare, diagram, validate
simple("compare-from-bad-year", lambda c: (["compare", "--from", "corine:1999", "--to",
                                             "corine:2018", "--out", str(c.d / "c.csv")],
                                            ("1999",)))
simple("compare-from-text", lambda c: (["compare", "--from", "corine:abc", "--to",
                                        "corine:2018"], ("corine:abc", "corine:YEAR")))
simple("compare-to-missing", lambda c: (["compare", "--from", "corine:2012", "--to",
                                         str(c.d / "nope.tif"), "--scheme-to",
                                         str(c.lc["scheme"])], ("nope.tif",)))
simple("compare-to-url", lambda c: (["compare", "--from", "corine:2012", "--to",
                                     f"{CANARY}/x.tif", "--scheme-to", str(c.lc["scheme"])],
                                    ("x.tif", "network")))
simple("compare-out-read-only", lambda c: (["compare", "--from", "corine:2012", "--to",
                                            "corine:2018", "--out",
                                            str(ro_folder(c) / "c.csv")], ("c.csv",)))
simple("compare-zones-null-geometry", lambda c: (["compare", "--from", "corine:2012", "--to",
                                                  "corine:2018", "--zones", str(c.zones(
                                                      "z.geojson", [feat({"zid": "A"},
                                                                         None)])),
                                                  "--id-field", "zid"], ("z.geojson",)))
simple("diagram-unknown-zone", lambda c: (["diagram", "--zone", "99999", "--zones",
                                           str(c.lc["zones"]), "--id-field", "zid",
                                           "--landcover", str(c.lc["raster"]), "--scheme",
                                           str(c.lc["scheme"]), "--out",
                                           str(c.d / "d.png")], ("99999",)))
simple("diagram-out-suffix", lambda c: (["diagram", "--zone", "A", "--out",
                                         str(c.d / "d.gif")], ("d.gif",)))
simple("diagram-out-read-only", lambda c: (["diagram", "--zone", "563", "--out",
                                            str(ro_folder(c) / "d.png")], ("d.png",
                                                                           "cannot write")))
simple("sheet-out-suffix", lambda c: (["sheet", "--zone", "630", "--out",
                                       str(c.d / "s.docx")], ("s.docx",)))
simple("sheet-unknown-zone", lambda c: (["sheet", "--zone", "9999", "--out",
                                         str(c.d / "s.pdf")], ("9999",)))
simple("sheet-zone-not-a-code", lambda c: (["sheet", "--zone", "Vejle", "--out",
                                            str(c.d / "s.pdf")], ("zone",)))
simple("sheet-bad-epoch", lambda c: (["sheet", "--zone", "630", "--from", "corine:1066",
                                      "--out", str(c.d / "s.pdf")], ("1066",)))
simple("diagram-second-bad", lambda c: (["diagram", "--zone", "A", "--zones",
                                         str(c.lc["zones"]), "--id-field", "zid",
                                         "--landcover", str(c.lc["raster"]), "--scheme",
                                         str(c.lc["scheme"]), "--second", "corine:abc",
                                         "--out", str(c.d / "d.png")], ("corine:abc",)))
simple("calibrate-out-read-only", lambda c: (["calibrate", "--out-dir", str(ro_folder(c))],
                                            ("context.csv", "cannot write")))
simple("calibrate-class-out-read-only", lambda c: (["calibrate", "--proxy", "class",
                                                    "--out-dir", str(ro_folder(c))],
                                                   ("basemap04.csv", "cannot write")))
simple("calibrate-context-published", lambda c: (["calibrate", "--published", str(c.file(
    "pub.csv", "kommune_code,nki_2020\n101,30\n")), "--out-dir", str(c.d)],
    ("--published", "--proxy class")))
simple("nki-proxy-unknown", lambda c: (["nki", "--proxy", "magic"], ("magic",)))
simple("calibrate-out-missing", lambda c: (["calibrate", "--out-dir", str(c.d / "nope")],
                                           ("nope", "does not exist")))
simple("calibrate-published-missing", lambda c: (["calibrate", "--proxy", "class", "--published",
                                                  str(c.d / "pub.csv"), "--out-dir",
                                                  str(c.d)], ("pub.csv", "not found")))
simple("calibrate-published-empty", lambda c: (["calibrate", "--proxy", "class",
    "--published", str(c.file(
    "pub.csv", b"")), "--out-dir", str(c.d)], ("pub.csv", "empty")))
simple("calibrate-published-columns", lambda c: (["calibrate", "--proxy", "class",
    "--published", str(c.file(
    "pub.csv", "kode,nki\n101,30\n")), "--out-dir", str(c.d)], ("pub.csv", "kommune_code")))
simple("calibrate-published-range", lambda c: (["calibrate", "--proxy", "class",
    "--published", str(c.file(
    "pub.csv", "kommune_code,nki_2020\n101,inf\n")), "--out-dir", str(c.d)],
    ("pub.csv", "0 to 100")))
simple("validate-scheme-bad", lambda c: (["validate", "--scheme", str(c.file(
    "s.csv", "a\n1\n"))], ("s.csv",)))

# ------------------------------------------------------------------------ lowland screen
simple("screen-parcels-missing", lambda c: (scr(c, parcels=c.d / "p.gpkg"), ("p.gpkg",
                                                                           "not found")))
simple("screen-parcels-null-geometry", lambda c: (scr(c, parcels=c.zones("p.geojson", [
    feat({"pid": "ok"}, poly()), feat({"pid": "Mose [/b] 7"}, None)])),
    ("p.geojson", "pid=Mose [/b] 7", "no geometry")))
simple("screen-parcels-points", lambda c: (scr(c, parcels=_points(c)), ("pts.gpkg",
                                                                       "polygons")))
simple("screen-parcels-id-missing", lambda c: (scr(c, id_field="nr"), ("parcels.gpkg",
                                                                       "'nr'")))
simple("screen-parcels-id-blank", lambda c: (scr(c, parcels=c.zones("p.geojson", [
    feat({"pid": " "}, poly())])), ("p.geojson", "no value")))
simple("screen-parcels-crs-link", lambda c: (scr(c, parcels=c.zones("p.geojson", [
    feat({"pid": "a"}, {**poly(), "crs": {"type": "link", "properties": {"href": CANARY}}})])),
    ("p.geojson", "crs")))
simple("screen-parcels-vrt", lambda c: (scr(c, parcels=c.file(
    "p.vrt", "<OGRVRTDataSource/>")), ("p.vrt", "VRT")))
simple("screen-parcels-no-crs", lambda c: (scr(c, parcels=_nocrs_shp(c)), ("nocrs.shp",
                                                                          "no CRS")))
simple("screen-parcels-outside", lambda c: (scr(c, parcels=c.zones("p.geojson", [
    feat({"pid": "far"}, poly(5000, 5000, 5010, 5010))])), ("p.geojson", "outside the carbon")))
simple("screen-rotation-field-bad", lambda c: (scr(c, extra=["--in-rotation-field", "syn"]),
                                               ("parcels.gpkg", "syn")))
simple("screen-bid-field-text", lambda c: (scr(c, extra=["--bid-field", "omdrift"]),
                                           ("parcels.gpkg", "omdrift")))
simple("screen-synergy-out-of-range", lambda c: (scr(c, extra=["--synergy-field", "samlet"]),
                                                 ("parcels.gpkg", "synergy")))
simple("screen-carbon-missing", lambda c: (scr(c, carbon=c.d / "c.tif"), ("c.tif",
                                                                        "not found")))
simple("screen-carbon-truncated", lambda c: (scr(c, carbon=c.half(_big_f32(c), "cut.tif")),
                                             ("cut.tif",)))
simple("screen-carbon-all-nodata", lambda c: (scr(c, carbon=write_f32(
    c.d / "nodata.tif", np.full((22, 60), -9999.0))), ("nodata.tif", "no data")))
simple("screen-water-all-nodata", lambda c: (scr(c, water_table=write_f32(
    c.d / "wnodata.tif", np.full((22, 60), -9999.0))), ("wnodata.tif", "no data")))
simple("screen-carbon-out-of-range", lambda c: (scr(c, carbon=write_f32(
    c.d / "oc.tif", np.full((22, 60), 150.0))), ("oc.tif", "0–100")))
simple("screen-peat-negative", lambda c: (scr(c, peat_depth=write_f32(
    c.d / "pd.tif", np.full((22, 60), -5.0))), ("pd.tif",)))
simple("screen-water-off-grid", lambda c: (scr(c, water_table=write_f32(
    c.d / "shift.tif", np.full((22, 60), -80.0), x0=X0 + 5)), ("shift.tif", "grid")))
simple("screen-carbon-vrt", lambda c: (scr(c, carbon=c.file("c.vrt", vrt("carbon.tif"))),
                                       ("c.vrt", "VRT")))
simple("screen-carbon-no-crs", lambda c: (scr(c, carbon=write_f32(
    c.d / "nc.tif", np.ones((22, 60)), crs=None)), ("nc.tif", "CRS")))
simple("screen-horizon-negative", lambda c: (scr(c, extra=["--horizon-years", "-1"]),
                                             ("--horizon-years",)))
simple("screen-horizon-zero", lambda c: (scr(c, extra=["--horizon-years", "0"]),
                                         ("--horizon-years",)))
simple("screen-horizon-nan", lambda c: (scr(c, extra=["--horizon-years", "nan"]),
                                        ("--horizon-years", "finite")))
simple("screen-horizon-inf", lambda c: (scr(c, extra=["--horizon-years", "inf"]),
                                        ("--horizon-years", "finite")))
simple("screen-horizon-huge", lambda c: (scr(c, extra=["--horizon-years", "1e9"]),
                                         ("--horizon-years", "at most")))
simple("screen-out-read-only", lambda c: (scr(c, out=ro_folder(c) / "s.csv"),
                                          ("s.csv", "cannot write")))
simple("screen-out-suffix", lambda c: (scr(c, out=c.d / "s.xlsx"), ("s.xlsx",)))
simple("screen-rules-missing", lambda c: (scr(c, extra=["--rules", str(c.d / "r.csv")]),
                                          ("r.csv", "not found")))
simple("screen-rules-empty", lambda c: (scr(c, extra=["--rules", str(c.file("r.csv", b""))]),
                                        ("r.csv",)))
simple("screen-rules-columns", lambda c: (scr(c, extra=["--rules", str(c.file(
    "r.csv", "a,b\n1,2\n"))]), ("r.csv",)))
simple("screen-factors-empty", lambda c: (scr(c, extra=["--emission-factors", str(c.file(
    "f.csv", b""))]), ("f.csv",)))
simple("screen-factors-binary", lambda c: (scr(c, extra=["--emission-factors", str(c.file(
    "f.csv", os.urandom(2000)))]), ("f.csv",)))


def _points(c: Ctx) -> Path:
    p = c.d / "pts.gpkg"
    gpd.GeoDataFrame({"pid": ["a"]}, geometry=[Point(X0 + 60, Y0 - 60)], crs=CRS).to_file(
        p, engine="pyogrio")
    return p


def _nocrs_shp(c: Ctx) -> Path:
    p = c.d / "nocrs.shp"
    gpd.GeoDataFrame({"pid": ["a"]}, geometry=[box(X0 + 50, Y0 - 200, X0 + 250, Y0)]).to_file(
        p, engine="pyogrio")
    return p


def _big_f32(c: Ctx) -> Path:
    p = c.d / "big_f32.tif"
    with rasterio.open(p, "w", driver="GTiff", width=600, height=220, count=1,
                       dtype="float32", crs=CRS, transform=from_origin(X0, Y0, 1, 1),
                       nodata=-9999, tiled=True, blockxsize=128, blockysize=128) as dst:
        dst.write(np.random.default_rng(2).uniform(0, 40, (220, 600)).astype("float32"), 1)
    return p


# ------------------------------------------------------ data fetch (issue 15), lowland --fetch
def data_fetch(c: Ctx, *args: str) -> list[str]:
    return ["data", "fetch", *args, "--cache", str(c.d / "cache")]


simple("data-fetch-network-off", lambda c: (data_fetch(c, "markblokke", "--kommune", "760"),
                                            ("data fetch markblokke", "network access is off",
                                             "--allow-network")))
simple("data-fetch-unknown-source", lambda c: (data_fetch(c, "nope", "--kommune", "760"),
                                               ("nope", "unknown source")))
simple("data-fetch-bad-bbox", lambda c: (data_fetch(c, "markblokke", "--bbox", "1,2,3"),
                                         ("--bbox", "minx,miny,maxx,maxy")))
simple("data-fetch-bbox-inverted", lambda c: (data_fetch(c, "markblokke", "--bbox",
                                                         "10,10,5,20"), ("--bbox",)))
simple("data-fetch-unknown-kommune", lambda c: (data_fetch(c, "markblokke", "--kommune", "999"),
                                                ("--kommune", "999")))
simple("data-fetch-kommune-and-bbox", lambda c: (data_fetch(c, "markblokke", "--kommune", "760",
                                                            "--bbox", "0,0,1,1"),
                                                 ("--kommune/--bbox", "exactly one")))
simple("data-fetch-no-endpoint", lambda c: (data_fetch(c, "bioscore", "--kommune", "760"),
                                            ("data fetch bioscore",
                                             "NATURKAPITAL_ENDPOINT_BIOSCORE")))
simple("data-fetch-token-missing", lambda c: (data_fetch(c, "dagi-kommuner", "--kommune", "760"),
                                              ("data fetch dagi-kommuner",
                                               "NATURKAPITAL_DATAFORSYNINGEN_TOKEN")))
simple("screen-fetch-without-kommune", lambda c: (["lowland", "screen", "--fetch", "--cache",
                                                   str(c.d / "cache")],
                                                  ("--fetch", "--kommune")))
simple("screen-no-maps-no-fetch", lambda c: (["lowland", "screen", "--kommune", "760"],
                                             ("--parcels", "--fetch")))


# ----------------------------------------------------------------------- lowland auction
simple("auction-bids-missing", lambda c: (auction(c, c.d / "b.csv"), ("b.csv", "not found")))
simple("auction-bids-zero-bytes", lambda c: (auction(c, bids(c, "")), ("bids.csv", "empty")))
simple("auction-bids-binary", lambda c: (auction(c, c.file("bids.csv", os.urandom(3000))),
                                         ("bids.csv",)))
simple("auction-bids-header-only", lambda c: (auction(c, bids(c, BID_HEAD)), ("bids.csv",)))
simple("auction-bids-columns", lambda c: (auction(c, bids(c, "parcel_id,x\na,1\n")),
                                          ("bids.csv", "column")))
simple("auction-bid-text", lambda c: (auction(c, bids(c, GOOD_BIDS.replace("50000", "mange"))),
                                      ("bids.csv", "number")))
simple("auction-bid-inf", lambda c: (auction(c, bids(c, GOOD_BIDS.replace("50000", "inf"))),
                                     ("bids.csv", "finite")))
simple("auction-total-inf", lambda c: (auction(c, bids(c, GOOD_BIDS.replace("400000",
                                                                            "-inf"))),
                                       ("bids.csv", "finite")))
simple("auction-bid-negative", lambda c: (auction(c, bids(c, GOOD_BIDS.replace("50000",
                                                                               "-50000"))),
                                          ("bids.csv", "negative")))
simple("auction-area-zero", lambda c: (auction(c, bids(c, GOOD_BIDS.replace("a,4", "a,0"))),
                                       ("bids.csv", "area_ha")))
simple("auction-duplicate-ids", lambda c: (auction(c, bids(c, GOOD_BIDS.replace("b,3",
                                                                                "a,3"))),
                                           ("bids.csv", "more than once")))
simple("auction-synergy-range", lambda c: (auction(c, bids(c, GOOD_BIDS.replace(",10\n",
                                                                                ",99\n"))),
                                           ("bids.csv", "synergy")))
simple("auction-id-field", lambda c: (auction(c, bids(c, GOOD_BIDS), "--id-field", "nr"),
                                      ("bids.csv", "'nr'")))
simple("auction-budget-negative", lambda c: (auction(c, bids(c, GOOD_BIDS), "--budget",
                                                     "-100"), ("--budget", "above 0")))
simple("auction-budget-minus-inf", lambda c: (auction(c, bids(c, GOOD_BIDS), "--budget",
                                                      "-inf"), ("--budget",)))
simple("auction-budget-nan", lambda c: (auction(c, bids(c, GOOD_BIDS), "--budget", "nan"),
                                        ("--budget", "finite")))
simple("auction-budget-inf", lambda c: (auction(c, bids(c, GOOD_BIDS), "--budget", "inf"),
                                        ("--budget", "finite")))
simple("auction-horizon-negative", lambda c: (auction(c, bids(c, GOOD_BIDS),
                                                      "--horizon-years", "-5"),
                                              ("--horizon-years",)))
simple("auction-horizon-nan", lambda c: (auction(c, bids(c, GOOD_BIDS), "--horizon-years",
                                                 "NaN"), ("--horizon-years",)))
simple("auction-out-suffix", lambda c: (["lowland", "auction", "--bids", str(bids(
    c, GOOD_BIDS)), "--out", str(c.d / "a.gpkg")], ("a.gpkg",)))
simple("auction-out-read-only", lambda c: (["lowland", "auction", "--bids", str(bids(
    c, GOOD_BIDS)), "--out", str(ro_folder(c) / "a.csv")], ("a.csv", "cannot write")))
simple("auction-bids-vector-null-geometry", lambda c: (auction(c, c.zones("bids.geojson", [
    feat({"parcel_id": "a"}, None)])), ("bids.geojson",)))
simple("auction-bids-url", lambda c: (auction(c, f"{CANARY}/bids.csv"), ("bids.csv",)))

# -------------------------------------------------------- lowland candidates and report
simple("candidates-unknown-zone", lambda c: (["lowland", "candidates", "--zone", "9999"],
                                             ("9999",)))
simple("candidates-one-raster", lambda c: (["lowland", "candidates", "--zone", "563",
                                            "--carbon", str(c.sc["carbon"])], ("--carbon",)))
simple("candidates-out-read-only", lambda c: (["lowland", "candidates", "--zone", "563",
                                               "--out", str(ro_folder(c) / "k.gpkg")],
                                              ("k.gpkg", "cannot write")))
simple("candidates-params-empty", lambda c: (["lowland", "candidates", "--zone", "563",
                                              "--params", str(c.file("p.csv", b""))],
                                             ("p.csv",)))
simple("candidates-horizon-inf", lambda c: (["lowland", "candidates", "--zone", "563",
                                             "--carbon", str(c.sc["carbon"]), "--water-table",
                                             str(c.sc["water"]), "--peat-depth",
                                             str(c.sc["peat"]), "--horizon-years", "inf"],
                                            ("--horizon-years",)))
simple("report-unknown-id", lambda c: (["lowland", "report", "--parcels", str(c.sc["parcels"]),
                                        "--id-field", "pid", "--id", "nope", "--carbon",
                                        str(c.sc["carbon"]), "--water-table",
                                        str(c.sc["water"]), "--peat-depth", str(c.sc["peat"]),
                                        "--out", str(c.d / "r.html")], ("nope",)))
simple("report-out-suffix", lambda c: (["lowland", "report", "--parcels", str(c.sc["parcels"]),
                                        "--id-field", "pid", "--id", "ok", "--carbon",
                                        str(c.sc["carbon"]), "--water-table",
                                        str(c.sc["water"]), "--peat-depth", str(c.sc["peat"]),
                                        "--out", str(c.d / "r.docx")], ("r.docx",)))
simple("report-out-read-only", lambda c: (["lowland", "report", "--parcels",
                                           str(c.sc["parcels"]), "--id-field", "pid", "--id",
                                           "ok", "--carbon", str(c.sc["carbon"]),
                                           "--water-table", str(c.sc["water"]),
                                           "--peat-depth", str(c.sc["peat"]), "--out",
                                           str(ro_folder(c) / "r.html")],
                                          ("r.html", "cannot write")))
simple("report-carbon-all-nodata", lambda c: (["lowland", "report", "--parcels",
                                               str(c.sc["parcels"]), "--id-field", "pid",
                                               "--id", "ok", "--carbon", str(write_f32(
                                                   c.d / "nd.tif", np.full((22, 60),
                                                                           -9999.0))),
                                               "--water-table", str(c.sc["water"]),
                                               "--peat-depth", str(c.sc["peat"]), "--out",
                                               str(c.d / "r.html")], ("nd.tif", "no data")))

# --------------------------------------------------------------------- scenario evaluate
simple("scenario-missing", lambda c: (evaluate(c, c.d / "s.gpkg"), ("s.gpkg", "not found")))
simple("scenario-unknown-demo", lambda c: (evaluate(c, "demo:atlantis"), ("demo:atlantis",)))
simple("scenario-no-to-class", lambda c: (evaluate(c, scenario_fc(c, "s.geojson", [
    feat({"navn": "x"}, poly())])), ("s.geojson", "to_class")))
simple("scenario-to-class-unknown", lambda c: (evaluate(c, scenario_fc(c, "s.geojson", [
    feat({"to_class": 9999}, poly())])), ("s.geojson", "9999")))
simple("scenario-to-class-text", lambda c: (evaluate(c, scenario_fc(c, "s.geojson", [
    feat({"to_class": "skov"}, poly())])), ("s.geojson",)))
simple("scenario-null-geometry", lambda c: (evaluate(c, scenario_fc(c, "s.geojson", [
    feat({"to_class": 11, "name": "Eng"}, poly()),
    feat({"to_class": 11, "name": "Skov [/b] park"}, None)])), ("s.geojson", "Skov [/b] park",
                                                               "no geometry")))
simple("scenario-points", lambda c: (evaluate(c, scenario_fc(c, "s.geojson", [
    feat({"to_class": 11}, {"type": "Point", "coordinates": [X0, Y0]})])), ("s.geojson",
                                                                           "polygons")))
simple("scenario-crs-link-geometry", lambda c: (evaluate(c, scenario_fc(c, "s.geojson", [
    feat({"to_class": 11}, {**poly(), "crs": {"type": "link", "properties": {
        "href": CANARY}}})])), ("s.geojson", "crs")))
simple("scenario-vrt", lambda c: (evaluate(c, c.file("s.vrt", "<OGRVRTDataSource/>")),
                                  ("s.vrt", "VRT")))
simple("scenario-broken", lambda c: (evaluate(c, c.file("s.geojson", "{")), ("s.geojson",)))
simple("scenario-out-read-only", lambda c: (["scenario", "evaluate", "--scenario",
                                             "demo:byn_so", "--out",
                                             str(ro_folder(c) / "s.csv")],
                                            ("s.csv", "cannot write")))
simple("scenario-out-suffix", lambda c: (["scenario", "evaluate", "--scenario", "demo:byn_so",
                                          "--out", str(c.d / "s.pdf")], ("s.pdf",)))
simple("scenario-sensitivity-suffix", lambda c: (evaluate(c, "demo:byn_so", "--sensitivity",
                                                        str(c.d / "t.jpg")), ("t.jpg",)))
simple("scenario-pools-no-range", lambda c: (evaluate(c, "demo:byn_so", "--carbon-pools", str(
    c.file("p.csv", "value,c_above,c_below,c_soil,c_dead,source\n5,1,1,1,1,x\n"))),
    ("p.csv", "range")))
simple("scenario-pools-value-outside-range", lambda c: (evaluate(
    c, "demo:byn_so", "--carbon-pools", str(c.file(
        "p.csv", "value,c_above,c_below,c_soil,c_dead,low,high,source\n5,1,1,1,1,5,9,x\n"))),
    ("p.csv", "low ≤ value ≤ high")))
simple("scenario-soil-unknown", lambda c: (evaluate(c, "demo:byn_so", "--soil", "loam"),
                                          ("loam",)))
simple("screen-factors-no-range", lambda c: (scr(c, extra=["--emission-factors", str(c.file(
    "f.csv", "situation,in_rotation,water_table,oc_interval_pct,gas,value,unit,source\n"
             "gwp,-,-,-,n2o,298,t,x\n"))]), ("f.csv", "range")))
simple("scenario-report-suffix", lambda c: (["scenario", "report", "--scenario",
                                             "demo:byn_so", "--out", str(c.d / "s.csv")],
                                            ("s.csv",)))
simple("scenario-report-read-only", lambda c: (["scenario", "report", "--scenario",
                                                "demo:byn_so", "--out",
                                                str(ro_folder(c) / "s.html")],
                                               ("s.html", "cannot write")))
simple("scenario-zones-null-geometry", lambda c: (["scenario", "evaluate", "--scenario",
                                                   "demo:byn_so", "--zones", str(c.zones(
                                                       "z.geojson", [feat({"zid": "A"},
                                                                          None)])),
                                                   "--id-field", "zid"], ("z.geojson",)))
simple("scenario-carbon-truncated", lambda c: (["scenario", "evaluate", "--scenario",
                                                "demo:byn_so", "--carbon", str(c.half(
                                                    _big_f32(c), "oc.tif")),
                                                "--water-table", str(c.sc["water"]),
                                                "--peat-depth", str(c.sc["peat"])],
                                               ("oc.tif",)))

# ------------------------------------------------------------------- qgis install-plugin
simple("qgis-install-zip-suffix", lambda c: (["qgis", "install-plugin", "--zip",
                                              str(c.d / "plugin.txt")], ("plugin.txt",
                                                                         ".zip")))
simple("qgis-install-profile-read-only", lambda c: (["qgis", "install-plugin",
                                                     "--profile-dir",
                                                     str(ro_folder(c) / "profil")],
                                                    ("plugins", "cannot install")))


# ------------------------------------------------------------- priority network and rank
RES_HEAD = "value,label,resistance,source\n"


def network(c: Ctx, *extra: str) -> list[str]:
    return ["priority", "network", "--kommune", "766", "--out", str(c.d / "n.gpkg"), *extra]


simple("priority-network-resistance-missing-class", lambda c: (network(c, "--resistance", str(
    c.file("r.csv", RES_HEAD + "8,Skov,1,habitat\n"))), ("r.csv", "no resistance for "
                                                            "land-cover class")))
simple("priority-network-resistance-no-source", lambda c: (network(c, "--resistance", str(
    c.file("r.csv", RES_HEAD + "8,Skov,1,\n"))), ("r.csv", "no source")))
simple("priority-network-resistance-below-one", lambda c: (network(c, "--resistance", str(
    c.file("r.csv", RES_HEAD + "8,Skov,0.5,x\n"))), ("r.csv", "≥ 1")))
simple("priority-network-no-patches", lambda c: (network(c, "--min-patch-ha", "9999"),
                                                 ("no nature patch",)))
simple("priority-network-distance-negative", lambda c: (network(c, "--distance", "-5"),
                                                        ("--distance",)))
simple("priority-network-out-suffix", lambda c: (["priority", "network", "--kommune", "766",
                                                  "--out", str(c.d / "n.csv")], ("n.csv",)))
simple("priority-network-unknown-kommune", lambda c: (["priority", "network", "--kommune",
                                                       "9999"], ("--kommune", "9999")))
simple("priority-rank-buffer-negative", lambda c: (["priority", "rank", "--kommune", "766",
                                                    "--buffer", "-1"], ("--buffer",)))
simple("priority-allocate-boundary-negative", lambda c: (["priority", "allocate", "--kommune",
                                                         "766", "--forest-ha", "10",
                                                         "--boundary-penalty", "-1"],
                                                        ("--boundary-penalty",)))
simple("priority-rank-map-suffix", lambda c: (["priority", "rank", "--kommune", "766", "--map",
                                               str(c.d / "m.jpg")], ("m.jpg",)))

# ---------------------------------------------------------------- priority plan (issue 19)
def plan(c: Ctx, *extra: str) -> list[str]:
    return ["priority", "plan", "--kommune", "563", "--unit-size-m", "1000", "--out",
            str(c.d / "plan"), *extra]


def cost_table_without(c: Ctx, land_type: str) -> Path:
    """The scenario's cost table with ``land_type`` not costed (empty cells)."""
    from naturkapital.services.tables import DEFAULT_COSTS

    t = pd.read_csv(DEFAULT_COSTS, dtype=str, keep_default_na=False)
    t.loc[t["land_type"] == land_type, ["cost_dkk_per_ha", "low", "high"]] = ""
    t.loc[t["land_type"] == land_type, "source"] = "not costed"
    p = c.d / "costs.csv"
    t.to_csv(p, index=False)
    return p


simple("priority-plan-target-exceeds-land", lambda c: (plan(c, "--forest-ha", "900000"),
                                                       ("target forest", "exceeds")))
simple("priority-plan-no-patches", lambda c: (plan(c, "--forest-ha", "5", "--min-patch-ha",
                                                   "10000"), ("no nature patch",)))
simple("priority-plan-out-is-a-file", lambda c: (
    ["priority", "plan", "--kommune", "563", "--forest-ha", "5", "--out",
     str(c.file("plan.txt", "x"))], ("plan.txt", "is a file")))
simple("priority-allocate-cost-missing-for-class", lambda c: (
    ["priority", "allocate", "--kommune", "563", "--forest-ha", "5", "--costs",
     str(cost_table_without(c, "skov"))], ("costs.csv", "no cost for conversion forest")))
simple("priority-rank-parcels-off-the-grid", lambda c: (
    ["priority", "rank", "--kommune", "563", "--parcels", str(write_geojson(
        c.d / "parcels.geojson", zones_fc([feat({"unit_id": "a"}, poly())], EPSG25832)))],
    ("parcels.geojson", "no parcel lies in kommune 563")))


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input(name: str, lc: dict[str, Path], scene: dict[str, Path], tmp_path: Path,
                   capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NATURKAPITAL_ALLOW_VRT", raising=False)
    ctx = Ctx(tmp_path, lc, scene)
    argv, needles = CASES[name](ctx)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    r = run_main(argv, capsys, monkeypatch)
    assert_clean_error(r, *needles)
    after = sorted(p.name for p in tmp_path.rglob("*"))
    assert after == before, f"written: {set(after) - set(before)}"


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 100, len(CASES)


def test_user_text_is_never_markup(lc: dict[str, Path], tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Zone names with square brackets and emoji codes print as written (exit 0)."""
    z = write_geojson(tmp_path / "Skov [b] park [bold].geojson", zones_fc([
        feat({"zid": "A", "navn": "Skov [/b] park"}, poly(0, 0, 2, 4)),
        feat({"zid": "B", "navn": ":abc: [bold red]x[/] [/]"}, poly(2, 0, 4, 4))], EPSG25832))
    r = run_main(nki_argv(lc, zones=z, name_field="navn", out=None), capsys, monkeypatch)
    assert r.code == 0, r.err
    assert "Skov [/b] park" in r.out
    assert ":abc:" in r.out and "🔤" not in r.out
    bad = run_main(nki_argv(lc, zones=tmp_path / "Mose [b] [red].geojson"), capsys,
                   monkeypatch)
    assert_clean_error(bad, "Mose [b] [red].geojson")
    bad = run_main(nki_argv(lc, zones=z, id_field="kode :abc:"), capsys, monkeypatch)
    assert_clean_error(bad, "Skov [b] park [bold].geojson", "'kode :abc:'")


def test_polygon_helper() -> None:  # keeps shapely's Polygon import honest for ruff
    assert Polygon(square(0, 0, 1, 1)[0]).area == pytest.approx(100.0)
    assert json.dumps(EPSG25832)


def test_parcel_ids_with_brackets_print_as_written(scene: dict[str, Path],
                                                   capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    gdf = gpd.read_file(scene["parcels"], engine="pyogrio")
    gdf["pid"] = ["Mose [/b] 7", ":abc: [/]"]
    p = scene["dir"] / "brackets.gpkg"
    gdf.to_file(p, engine="pyogrio")
    r = run_main(screen_argv(scene, parcels=p, out=None), capsys, monkeypatch)
    assert r.code == 0, r.err
    assert "Mose [/b] 7" in r.out and ":abc: [/]" in r.out
