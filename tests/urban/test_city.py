"""The city model on a hand-made OSM file: distances per dwelling by hand, 3-30-300,
the site choice; the demo end to end; bad inputs."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from naturkapital.core.errors import InputError
from naturkapital.urban.city import compute_city, load_city
from tests.conftest import run_cli
from tests.nki.test_bad_input import check_clean_error
from tests.urban.conftest import X0, Y0, tiny_city


def _cli_error(*args: str) -> str:
    """Run the command in-process; the InputError it raises (main() turns it into one
    line and exit code 2, checked with a real process above)."""
    from typer.testing import CliRunner

    from naturkapital.cli import app

    r = CliRunner().invoke(app, list(args))
    assert isinstance(r.exception, InputError), (r.exception, r.output)
    return str(r.exception)


@pytest.fixture()
def tiny(tmp_path):
    return tiny_city(tmp_path / "tiny.osm")


def test_tiny_city_by_hand(tiny) -> None:
    res = compute_city(load_city(tiny), keep_edge=True)
    dw = res.dwellings.sort_values("network_m").reset_index(drop=True)
    # (210,150) is inside the park: 0. (100,20): 20 m to the street, 100 m to s2,
    # 100 m up the footway to s4, 10 m to the park's edge = 230; straight line to the
    # edge √(50² + 90²). (390,-15): 15 + 190 + 100 + 10 = 315 > 300.
    assert dw["network_m"].to_numpy() == pytest.approx([0, 230, 315], abs=0.05)
    assert dw["straight_m"].to_numpy() == pytest.approx([0, np.hypot(50, 90), np.hypot(130, 125)],
                                                        abs=0.05)
    assert dw["within_rule"].tolist() == [True, True, False]
    assert dw["trees_30m"].tolist() == [0, 3, 0]
    assert dw["pass_3"].tolist() == [False, True, False]
    assert dw["near_edge"].all()  # the extract is tiny: every dwelling is near its edge
    city = res.districts.iloc[-1]
    assert city["district_id"] == "0" and city["residents"] == 3  # 1 per dwelling
    assert city["within_rule_pct"] == pytest.approx(200 / 3)
    assert city["gini_distance"] == pytest.approx(  # mean-difference form, by hand
        (2 * (230 + 315 + 85)) / (2 * 9 * (545 / 3)), abs=1e-4)
    # the car park (1 ha, 20 m from s3) brings the third dwelling within 300 m:
    # 15 m to the street, 10 m to s3, 20 m to the car park's edge
    s = res.sites
    assert len(s) == 1 and s["residents_gained"].iloc[0] == pytest.approx(1)
    assert bool(s["chosen_highs"].iloc[0]) and bool(s["chosen_greedy"].iloc[0])
    assert res.meta["siting"]["within_rule_pct_after"] == pytest.approx(100)


def test_edge_dwellings_left_out(tiny) -> None:
    with pytest.raises(InputError, match="within 300 m of the extract's edge"):
        compute_city(load_city(tiny))


def test_min_green_size(tiny) -> None:
    with pytest.raises(InputError, match="no public green area of at least 2 ha"):
        compute_city(load_city(tiny), min_green_ha=2.0, keep_edge=True)


def test_districts_in_another_crs(tiny, tmp_path) -> None:
    d = gpd.GeoDataFrame({"navn": ["Vest", "Øst"]},
                         geometry=[box(X0 - 50, Y0 - 200, X0 + 300, Y0 + 300),
                                   box(X0 + 300, Y0 - 200, X0 + 500, Y0 + 300)],
                         crs="EPSG:25832").to_crs("EPSG:4326")
    path = tmp_path / "d.geojson"
    d.to_file(path, engine="pyogrio")
    res = compute_city(load_city(tiny, path, "navn"), keep_edge=True)
    t = res.districts.set_index("name")
    assert t.loc["Vest", "dwellings"] == 2 and t.loc["Øst", "dwellings"] == 1


@pytest.mark.parametrize("kw, needle", [
    ({"addresses": False}, "no dwellings"),
    ({"park": False}, "no public green area"),
    ({"streets": False}, "walking network is empty"),
])
def test_bad_city_inputs(tmp_path, kw, needle) -> None:
    path = tiny_city(tmp_path / "bad.osm", **kw)
    out = tmp_path / "out"
    args = ("urban", "--city", str(path), "--keep-edge", "--out-dir", str(out))
    if "addresses" in kw:  # one real process: one line on stderr, exit code 2
        check_clean_error(run_cli(*args), "bad.osm", needle)
    else:
        msg = _cli_error(*args)
        assert "bad.osm" in msg and needle in msg
    assert not out.exists()


def test_bad_city_names(tmp_path) -> None:
    check_clean_error(run_cli("urban", "--city", "demo:aarhus"), "--city", "unknown demo")
    assert "not found" in _cli_error("urban", "--city", str(tmp_path / "nope.osm.pbf"))
    assert ".osm.pbf" in _cli_error("urban", "--city", str(tmp_path / "x.txt"))
    assert "does not exist" in _cli_error("urban", "--city", "demo:kobenhavn", "--out-dir",
                                          str(tmp_path / "a" / "b"))
    assert "--budget" in _cli_error("urban", "--budget", "-1", "--city", "demo:kobenhavn")
    assert "not both" in _cli_error("urban", "--city", "demo:kobenhavn", "--zones",
                                    str(tmp_path / "z.gpkg"))


def test_demo_end_to_end(tmp_path) -> None:
    out = tmp_path / "kbh"
    r = run_cli("urban", "--city", "demo:kobenhavn", "--out-dir", str(out), "--out",
                str(tmp_path / "districts.json"))
    assert r.returncode == 0, r.stderr
    assert "HiGHS" in r.stdout and "Gini" in r.stdout
    for name in ("districts.csv", "districts.gpkg", "dwellings.gpkg", "lorenz.csv",
                 "tracking.csv", "sites.csv", "sites.gpkg", "meta.json", "map.png", "report.html"):
        assert (out / name).stat().st_size > 0, name
    t = pd.read_csv(out / "districts.csv", encoding="utf-8-sig", dtype={"district_id": str})
    city = t.iloc[-1]
    assert city["district_id"] == "0" and 10_000 < city["dwellings"] < 40_000
    assert 0 < city["within_rule_pct"] < 100 and 0 < city["gini_distance"] < 1
    assert {"Indre By", "Frederiksberg", "Nørrebro"} <= set(t["name"])
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    assert meta["siting"]["highs"]["residents_gained"] >= meta["siting"]["greedy"][
        "residents_gained"] - 1e-6
    assert "the dates differ" in meta["data"]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Lorenz" in html and "HiGHS" in html and "assumption" in html


def _polys(path, boxes, crs="EPSG:25832", **cols):
    gpd.GeoDataFrame(cols, geometry=[box(X0 + a, Y0 + b, X0 + c, Y0 + d)
                                     for a, b, c, d in boxes], crs=crs).to_file(
        path, engine="pyogrio")
    return path


def test_user_population_and_sites(tiny, tmp_path) -> None:
    pop = _polys(tmp_path / "pop.gpkg", [(0, -50, 300, 100), (300, -50, 500, 100)],
                 beboere=[40, 10])
    # a user site by the third dwelling, joined to nothing: 1 ha, with its own cost
    sites = _polys(tmp_path / "sites.geojson", [(380, -60, 480, 40)], pris=[1e6],
                   crs="EPSG:25832")
    res = compute_city(load_city(tiny, population=pop, population_field="beboere",
                                 sites=sites, site_cost_field="pris"), keep_edge=True)
    dw = res.dwellings.sort_values("network_m")
    # (210,150) lies in no population polygon: 0; (100,20) has 40; (390,-15) has 10
    assert dw["residents"].tolist() == [0, 40, 10]
    s = res.sites.iloc[0]
    assert s["tag"] == "user site" and s["cost_dkk"] == 1e6
    assert s["residents_gained"] == pytest.approx(10) and bool(s["chosen_highs"])


def test_population_outside_the_city(tiny, tmp_path) -> None:
    far = _polys(tmp_path / "far.gpkg", [(50_000, 0, 50_100, 100)], beboere=[5])
    with pytest.raises(InputError, match="no population polygon lies inside the city"):
        load_city(tiny, population=far, population_field="beboere")
    near = _polys(tmp_path / "near.gpkg", [(0, -50, 300, 100)], beboere=[5])
    with pytest.raises(InputError, match="give --population-field, one of: beboere"):
        load_city(tiny, population=near, population_field="folk")
    pts = tmp_path / "pts.geojson"
    gpd.GeoDataFrame({"beboere": [1]}, geometry=gpd.points_from_xy([X0], [Y0]),
                     crs="EPSG:25832").to_file(pts, engine="pyogrio")
    with pytest.raises(InputError, match="must be polygons"):
        load_city(tiny, population=pts, population_field="beboere")


def test_user_dwellings_and_green(tiny, tmp_path) -> None:
    # one dwelling (a building) at (100..120, 20..40), its point (110, 30): 30 m to the
    # street, 90 m to s2, 100 m up the footway, 10 m to the user's green area
    dw = _polys(tmp_path / "dw.gpkg", [(100, 20, 120, 40)], id=[1])
    green = _polys(tmp_path / "green.gpkg", [(150, 110, 260, 210)], name=["Min park"])
    res = compute_city(load_city(tiny, dwellings=dw, green=green), keep_edge=True)
    assert len(res.dwellings) == 1
    assert res.dwellings["network_m"].iloc[0] == pytest.approx(30 + 90 + 100 + 10, abs=0.1)
    assert "green areas from green.gpkg" in res.meta["data"]
    far = _polys(tmp_path / "far.gpkg", [(90_000, 0, 90_010, 10)], id=[1])
    with pytest.raises(InputError, match="no dwelling lies inside the city"):
        load_city(tiny, dwellings=far)


def test_canopy_raster(tiny, tmp_path) -> None:
    from naturkapital.urban.canopy import disc_sums
    from tests.conftest import write_raster

    m = np.zeros((7, 7), bool)
    m[3, 3] = m[0, 0] = m[3, 5] = True
    # radius 2 cells around (3,3): (3,3) and (3,5) but not (0,0); at (1,1): (0,0) only
    assert disc_sums(m, np.array([3, 1]), np.array([3, 1]), 2.0).tolist() == [2, 1]
    # 1 m canopy raster over x -100..530, y -220..310 (relative, covers the whole
    # extract), canopy 80..120 × 10..50
    a = np.zeros((530, 630), dtype=np.uint8)
    a[310 - 50:310 - 10, 100 + 80:100 + 120] = 1
    path = write_raster(tmp_path / "canopy.tif", a, cell=1.0, x0=X0 - 100, y0=Y0 + 310,
                        nodata=255)
    res = compute_city(load_city(tiny, canopy=path), keep_edge=True)
    dw = res.dwellings.sort_values("network_m")
    assert dw["pass_3"].tolist() == [False, True, False]  # (100,20) sits in the canopy
    assert dw["canopy_m2_30m"].iloc[1] > 3 * np.pi * 16
    city = res.districts.iloc[-1]
    # 1 600 m² of canopy in the extract, all of which the raster covers
    assert city["canopy_pct"] == pytest.approx(100 * 1600 / (city["area_ha"] * 1e4),
                                               rel=1e-6)
    assert "canopy.tif" in res.meta["proxies"][0]
