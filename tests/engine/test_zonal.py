"""The chunked engine gives the in-memory exactextract numbers, on every scheduler."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
from shapely.geometry import box

from naturkapital.core.errors import InputError
from naturkapital.landcover.bioscore import parse_rule
from naturkapital.landcover.scheme import load_scheme
from naturkapital.landcover.sources import Landcover
from naturkapital.nki.chunked import _layers
from naturkapital.nki.compute import Zones, compute_nki
from naturkapital.nki.zonal import DaskEngine, ZonalAreas, zonal_class_areas

pytestmark = [pytest.mark.filterwarnings("ignore:Dataset has no geotransform"),
              pytest.mark.filterwarnings("ignore:Port 8787 is already in use")]
RULE = parse_rule("classes:1,3,6,10")
COLS = ["area_ha", "bio_area_ha", "bio_value_ha"]


def _merged(a: ZonalAreas, b: ZonalAreas) -> pd.DataFrame:
    cols = [c for c in COLS if c in a.classes.columns]
    return a.classes.merge(b.classes, on=["zone_id", "value"], how="outer",
                           suffixes=("_a", "_b"))[["zone_id", "value"] + [
                               f"{c}_{s}" for c in cols for s in "ab"]].fillna(0.0)


def assert_same(a: ZonalAreas, b: ZonalAreas, tol_ha: float = 1e-6) -> None:
    """Same rows and areas within ``tol_ha`` (exactextract keeps coverage in float32)."""
    m = _merged(a, b)
    for c in COLS:
        if f"{c}_a" in m:
            diff = (m[f"{c}_a"] - m[f"{c}_b"]).abs().max()
            assert diff <= tol_ha, f"{c} differs by {diff} ha"
    za = a.zones.set_index("zone_id")
    zb = b.zones.set_index("zone_id")
    assert np.allclose(za["area_ha"], zb.loc[za.index, "area_ha"])
    assert np.allclose(za["mapped_ha"], zb.loc[za.index, "mapped_ha"], atol=tol_ha * 20)


@pytest.fixture(scope="module")
def reference(synth: dict) -> dict[str, ZonalAreas]:
    lc, zones = synth["landcover"], synth["zones"]
    return {
        "none": zonal_class_areas(zones, lc),
        "int": zonal_class_areas(zones, lc, bioscore=synth["bio"], rule=RULE),
        "float": zonal_class_areas(zones, lc, bioscore=synth["bio_float"], rule=RULE),
    }


@pytest.mark.parametrize("chunk", [64, 128, 2048])
def test_matches_exactextract_without_bioscore(synth, reference, chunk):
    got = zonal_class_areas(synth["zones"], synth["landcover"],
                            dask=DaskEngine("synchronous", chunk))
    assert list(got.classes.columns) == list(reference["none"].classes.columns)
    assert_same(got, reference["none"])


@pytest.mark.parametrize("kind", ["int", "float"])
def test_matches_exactextract_with_bioscore(synth, reference, kind):
    path = synth["bio"] if kind == "int" else synth["bio_float"]
    got = zonal_class_areas(synth["zones"], synth["landcover"], bioscore=path, rule=RULE,
                            dask=DaskEngine("threads", 128))
    ref = reference[kind]
    assert_same(got, ref, tol_ha=1e-4 if kind == "float" else 1e-6)
    # the bioscore gap and the float raster's NaNs leave some class area without bioscore
    assert (got.classes["bio_area_ha"] < got.classes["area_ha"] - 1e-6).any()


def test_schedulers_agree(synth, reference, cluster_address):
    runs = {s: zonal_class_areas(synth["zones"], synth["landcover"], bioscore=synth["bio"],
                                 rule=RULE, dask=DaskEngine(s, 128))
            for s in ["synchronous", "threads", "processes", cluster_address]}
    first = runs["synchronous"]
    for s, got in runs.items():
        assert_same(got, first, tol_ha=1e-9), s
        assert_same(got, reference["int"])


def test_compute_nki_engines_agree(synth, cluster_address):
    z = Zones(synth["zones"], "synthetic")
    exact = compute_nki(z, landcover=synth["landcover"], bioscore=synth["bio"])
    dask_ = compute_nki(z, landcover=synth["landcover"], bioscore=synth["bio"], engine="dask",
                        scheduler=cluster_address)
    a = exact.table.set_index("zone_id")
    b = dask_.table.set_index("zone_id").loc[a.index]
    assert np.allclose(a["nki"], b["nki"], atol=1e-6, equal_nan=True)
    assert np.allclose(a["nki_nature"], b["nki_nature"], atol=1e-6, equal_nan=True)
    assert (a["rank"].fillna(-1) == b["rank"].fillna(-1)).all()


def test_zones_in_another_crs(synth, reference):
    zones = gpd.read_file(synth["zones_path"])  # EPSG:4326 on disk
    got = zonal_class_areas(zones, synth["landcover"], dask=DaskEngine("synchronous", 128))
    assert_same(got, reference["none"], tol_ha=1e-3)


def test_progress_counts_every_zone(synth):
    seen: list[int] = []
    zonal_class_areas(synth["zones"], synth["landcover"], progress=seen.append,
                      dask=DaskEngine("threads", 64))
    assert sum(seen) == len(synth["zones"])


def test_overlapping_zones_go_to_separate_layers(synth):
    geoms = np.asarray(synth["zones"].geometry.values, dtype=object)
    layers = _layers(geoms)
    where = {int(i): k for k, layer in enumerate(layers) for i in layer}
    assert where[0] != where[3]  # star and overlap share area
    assert sorted(where) == list(range(len(geoms)))


def test_bad_scheduler(synth):
    with pytest.raises(InputError, match="unknown scheduler"):
        zonal_class_areas(synth["zones"], synth["landcover"], dask=DaskEngine("fast"))


def test_unreachable_scheduler(synth):
    with pytest.raises(InputError, match="cannot connect"):
        zonal_class_areas(synth["zones"], synth["landcover"], dask=DaskEngine("tcp://127.0.0.1:9"))


def test_zones_off_the_raster(synth):
    far = gpd.GeoDataFrame({"zone_id": ["1"], "name": ["far"]},
                           geometry=[box(0, 0, 1000, 1000)], crs="EPSG:25832")
    with pytest.raises(InputError, match="no zone overlaps"):
        zonal_class_areas(far, synth["landcover"], zones_source="far.gpkg", dask=DaskEngine())


def test_unknown_codes_are_listed(synth, tmp_path):
    with rasterio.open(synth["classes"]) as src:
        arr = src.read(1)
        profile = src.profile
    arr[150:160, 100:110] = 77
    arr[10:12, 10:12] = 99  # in the sea corner, outside every zone: not reported
    path = tmp_path / "odd.tif"
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(arr, 1)
    lc = Landcover(path, 1, load_scheme("basemap04"), "odd")
    with pytest.raises(InputError, match=r"class code\(s\) 77 are not in scheme 'basemap04'"):
        zonal_class_areas(synth["zones"], lc, dask=DaskEngine("synchronous", 64))
    with pytest.raises(InputError, match=r"class code\(s\) 77 are not"):
        zonal_class_areas(synth["zones"], lc)


def test_only_nodata(synth, tmp_path):
    with rasterio.open(synth["classes"]) as src:
        profile = src.profile
        arr = np.zeros((src.height, src.width), dtype=np.uint8)
    path = tmp_path / "empty.tif"
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(arr, 1)
    lc = Landcover(path, 1, load_scheme("basemap04"), "empty")
    with pytest.raises(InputError, match="only nodata"):
        zonal_class_areas(synth["zones"], lc, dask=DaskEngine("synchronous"))


@pytest.mark.parametrize("dtype, nodata", [("uint8", 255), ("float32", float("nan"))])
def test_all_nodata_bioscore_is_an_error_in_both_engines(synth, tmp_path, dtype, nodata):
    with rasterio.open(synth["bio"]) as src:
        profile = {**src.profile, "dtype": dtype, "nodata": nodata}
        arr = np.full((src.height, src.width), nodata, dtype=dtype)
    path = tmp_path / f"bio_empty_{dtype}.tif"
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(arr, 1)
    msg = "bio_empty.*bioscore raster has no data inside any zone"
    with pytest.raises(InputError, match=msg):
        zonal_class_areas(synth["zones"], synth["landcover"], bioscore=path, rule=RULE)
    with pytest.raises(InputError, match=msg):
        zonal_class_areas(synth["zones"], synth["landcover"], bioscore=path, rule=RULE,
                          dask=DaskEngine("synchronous", 64))


def test_bad_engine(synth):
    with pytest.raises(InputError, match="unknown engine"):
        compute_nki(Zones(synth["zones"], "synthetic"), landcover=synth["landcover"],
                    engine="gpu")


def test_nki_command_with_dask_engine(synth, tmp_path):
    from typer.testing import CliRunner

    from naturkapital.cli import app

    args = ["nki", "--zones", str(synth["zones_path"]), "--id-field", "zone_id",
            "--landcover", str(synth["classes"]), "--scheme", "basemap04",
            "--bioscore", str(synth["bio"]), "--quiet"]
    out_exact, out_dask = tmp_path / "exact.csv", tmp_path / "dask.csv"
    runner = CliRunner()
    res = runner.invoke(app, args + ["--out", str(out_exact)])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, args + ["--out", str(out_dask), "--engine", "dask",
                                     "--scheduler", "threads"])
    assert res.exit_code == 0, res.output
    a = pd.read_csv(out_exact).set_index("zone_id")
    b = pd.read_csv(out_dask).set_index("zone_id").loc[a.index]
    assert np.allclose(a["nki"], b["nki"], atol=1e-6, equal_nan=True)


def test_south_up_raster_is_refused(synth, tmp_path):
    with rasterio.open(synth["classes"]) as src:
        arr = src.read(1)[::-1]
        profile = src.profile
        t = src.transform
    profile["transform"] = rasterio.Affine(t.a, 0, t.c, 0, -t.e, t.f + t.e * src.height)
    path = tmp_path / "south_up.tif"
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(arr, 1)
    lc = Landcover(path, 1, load_scheme("basemap04"), "south-up")
    with pytest.raises(InputError, match="north-up"):
        zonal_class_areas(synth["zones"], lc, dask=DaskEngine("synchronous"))


def test_window_read_once_gives_the_same_table_as_the_raster(synth, monkeypatch):
    """Each batch's window read into memory (io.zonal.window_source) or every read from
    the file: the same class table, bit for bit."""
    from naturkapital.io import zonal as io_zonal

    fast = zonal_class_areas(synth["zones"], synth["landcover"], bioscore=synth["bio"],
                             rule=RULE)
    monkeypatch.setattr(io_zonal, "MAX_WINDOW_CELLS", 0)
    slow = zonal_class_areas(synth["zones"], synth["landcover"], bioscore=synth["bio"],
                             rule=RULE)
    pd.testing.assert_frame_equal(fast.classes, slow.classes, check_exact=True)
    pd.testing.assert_frame_equal(fast.zones, slow.zones, check_exact=True)
