"""Bad input: one clear line naming the file and the problem, exit code 2, no traceback,
nothing written."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Polygon

from tests.conftest import CRS, X0, Y0, run_cli, write_raster, write_zones


def check_clean_error(r, *needles: str) -> None:
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and "Traceback" not in r.stdout
    err = " ".join(r.stderr.split())
    assert err.startswith("Fejl (error):"), r.stderr
    for n in needles:
        assert n in err, (n, err)


def nki_args(tiny, zones, out):
    return ["nki", "--zones", str(zones), "--id-field", "zid", "--landcover",
            str(tiny["raster"]), "--scheme", str(tiny["scheme"]), "--out", str(out)]


def test_missing_zone_file(tiny, tmp_path):
    out = tmp_path / "o.csv"
    r = run_cli(*nki_args(tiny, tmp_path / "nope.gpkg", out))
    check_clean_error(r, "nope.gpkg", "not found")
    assert not out.exists()


def test_unreadable_zone_file(tiny, tmp_path):
    bad = tmp_path / "bad.geojson"
    bad.write_text("this is not geojson", encoding="utf-8")
    out = tmp_path / "o.csv"
    check_clean_error(run_cli(*nki_args(tiny, bad, out)), "bad.geojson", "cannot read")
    assert not out.exists()


def test_empty_zone_file(tiny, tmp_path):
    empty = tmp_path / "empty.geojson"
    empty.write_text('{"type":"FeatureCollection","features":[]}', encoding="utf-8")
    check_clean_error(run_cli(*nki_args(tiny, empty, tmp_path / "o.csv")), "empty.geojson",
                      "no features")


def test_zones_without_crs(tiny, tmp_path):
    z = tmp_path / "nocrs.shp"
    write_zones(z, {"A": (0, 0, 2, 2)}, crs=None)
    check_clean_error(run_cli(*nki_args(tiny, z, tmp_path / "o.csv")), "nocrs.shp", "no CRS")


def test_invalid_geometry(tiny, tmp_path):
    bowtie = Polygon([(X0, Y0), (X0 + 20, Y0 - 20), (X0 + 20, Y0), (X0, Y0 - 20)])
    z = tmp_path / "bowtie.gpkg"
    gpd.GeoDataFrame({"zid": ["X"]}, geometry=[bowtie], crs=CRS).to_file(z)
    check_clean_error(run_cli(*nki_args(tiny, z, tmp_path / "o.csv")), "bowtie.gpkg",
                      "invalid geometry", "zid=X")


def test_missing_id_field(tiny, tmp_path):
    z = write_zones(tmp_path / "z.gpkg", {"A": (0, 0, 2, 2)})
    args = nki_args(tiny, z, tmp_path / "o.csv")
    args[args.index("zid")] = "kode"
    check_clean_error(run_cli(*args), "z.gpkg", "field 'kode' not found")


def test_zones_outside_the_raster(tiny, tmp_path):
    z = write_zones(tmp_path / "far.gpkg", {"A": (1000, 1000, 1002, 1002)})
    out = tmp_path / "o.csv"
    check_clean_error(run_cli(*nki_args(tiny, z, out)), "far.gpkg", "no zone overlaps")
    assert not out.exists()


def test_nodata_everywhere(tmp_path, scheme):
    r = write_raster(tmp_path / "allnodata.tif", np.zeros((4, 4), dtype=np.uint8))
    z = write_zones(tmp_path / "z.gpkg", {"A": (0, 0, 4, 4)})
    res = run_cli("nki", "--zones", str(z), "--id-field", "zid", "--landcover", str(r),
                  "--scheme", str(scheme))
    check_clean_error(res, "allnodata.tif", "only nodata")


def test_unknown_class_codes(tmp_path, scheme):
    r = write_raster(tmp_path / "codes.tif", np.array([[1, 7], [9, 2]], dtype=np.uint8))
    z = write_zones(tmp_path / "z.gpkg", {"A": (0, 0, 2, 2)})
    out = tmp_path / "o.csv"
    res = run_cli("nki", "--zones", str(z), "--id-field", "zid", "--landcover", str(r),
                  "--scheme", str(scheme), "--out", str(out))
    check_clean_error(res, "codes.tif", "class code(s) 7, 9")
    assert not out.exists()


def test_raster_without_crs(tmp_path, scheme):
    r = write_raster(tmp_path / "nocrs.tif", np.ones((2, 2), dtype=np.uint8), crs=None)
    z = write_zones(tmp_path / "z.gpkg", {"A": (0, 0, 2, 2)})
    res = run_cli("nki", "--zones", str(z), "--id-field", "zid", "--landcover", str(r),
                  "--scheme", str(scheme))
    check_clean_error(res, "nocrs.tif", "no CRS")


def test_missing_raster_and_scheme(tiny, tmp_path):
    z = write_zones(tmp_path / "z.gpkg", {"A": (0, 0, 2, 2)})
    res = run_cli("nki", "--zones", str(z), "--id-field", "zid", "--landcover",
                  str(tmp_path / "gone.tif"), "--scheme", str(tiny["scheme"]))
    check_clean_error(res, "gone.tif", "not found")
    res = run_cli("nki", "--zones", str(z), "--id-field", "zid", "--landcover",
                  str(tiny["raster"]))
    check_clean_error(res, "lc.tif", "--scheme")


@pytest.mark.parametrize("content,needle", [
    ("value,land_type,nature_value\n1,skov,50\n", "missing column"),
    ("value,land_type,nature_value,source\n1,jungle,50,x\n", "unknown land_type jungle"),
    ("value,land_type,nature_value,source\n1,skov,150,x\n", "between 0 and 100"),
    ("value,land_type,nature_value,source\n1,skov,50,x\n1,mark,5,x\n", "more than once"),
])
def test_bad_scheme(tiny, tmp_path, content, needle):
    s = tmp_path / "badscheme.csv"
    s.write_text(content, encoding="utf-8")
    z = write_zones(tmp_path / "z.gpkg", {"A": (0, 0, 2, 2)})
    res = run_cli("nki", "--zones", str(z), "--id-field", "zid", "--landcover",
                  str(tiny["raster"]), "--scheme", str(s))
    check_clean_error(res, "badscheme.csv", needle)


def test_unknown_zone_id_for_diagram(tmp_path):
    out = tmp_path / "d.png"
    check_clean_error(run_cli("diagram", "--zone", "9999", "--out", str(out)), "--zone",
                      "unknown zone id 9999")
    assert not out.exists()


def test_bad_output_suffix_before_any_work(tmp_path):
    check_clean_error(run_cli("nki", "--out", str(tmp_path / "x.xlsx")), "x.xlsx",
                      ".csv, .json, .gpkg")


def test_unknown_corine_year():
    check_clean_error(run_cli("nki", "--landcover", "corine", "--year", "2015"), "--year",
                      "2018")
