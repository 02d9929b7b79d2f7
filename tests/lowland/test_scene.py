"""Screening on hand-made GeoTIFFs: one parcel per criterion, grids, CRSs, nodata, edges."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
from shapely.geometry import Polygon

from naturkapital.core.errors import InputError
from naturkapital.lowland.cells import LowlandRasters
from naturkapital.lowland.parcels import ParcelFields, read_parcels
from naturkapital.lowland.rules import DEFAULT_RULES, load_emission_factors, load_rules
from naturkapital.lowland.screening import ELIGIBLE, INELIGIBLE, SECONDARY, screen

from .conftest import CRS, NODATA, X0, Y0, Parcel, Scene, build_scene, cell_box, write_raster

RULES = load_rules()
F = load_emission_factors()

# Hand-computed: area (ha), status, failed, peat area (ha), share > 6 % (%), GVSmax (cm),
# drained peat (cm), CO2e before / after (t/yr), max support (DKK).
# >12 % C in rotation: 42.17 + 3.87 = 46.04 t/ha; 6–12 % in rotation 21.08; 6–12 % not in
# rotation 15.4; rewetted 6.8 t/ha.
EXPECTED = {
    "ok":      (4.0, ELIGIBLE, "", 4.0, 100.0, -80.0, 80.0, 4 * 46.04, 4 * 6.8, 640_000),
    "small":   (1.99, INELIGIBLE, "peat_area", 1.99, 100.0, -80.0, 80.0, 1.99 * 46.04,
                1.99 * 6.8, 318_400),
    "big":     (10.5, SECONDARY, "", 10.5, 100.0, -80.0, 80.0, 10.5 * 46.04, 10.5 * 6.8,
                1_680_000),
    "share74": (5.0, INELIGIBLE, "oc_share", 5.0, 74.0, -80.0, 80.0, 5 * 21.08, 5 * 6.8,
                800_000),
    "share75": (4.0, ELIGIBLE, "", 4.0, 75.0, -80.0, 80.0, 4 * 21.08, 4 * 6.8, 640_000),
    "wet":     (4.0, INELIGIBLE, "gvsmax", 4.0, 100.0, -42.5, 42.5, 4 * 46.04, 4 * 6.8,
                640_000),
    "thin":    (4.0, INELIGIBLE, "drained_peat", 4.0, 100.0, -80.0, 29.0, 4 * 46.04,
                4 * 6.8, 640_000),
    "meadow":  (2.0, ELIGIBLE, "", 2.0, 100.0, -80.0, 80.0, 2 * 15.4, 2 * 6.8, 320_000),
}


def run(scene: Scene, fields: ParcelFields | None = None, **kw):
    parcels = read_parcels(scene.parcels, "pid", fields or ParcelFields(in_rotation="omdrift"),
                           RULES)
    rasters = LowlandRasters(scene.carbon, scene.water, scene.peat,
                             positive_depths=kw.pop("positive_depths", False),
                             align=kw.pop("align", False))
    return screen(parcels, rasters, kw.pop("rules", RULES), F, kw.pop("horizon", None),
                  str(scene.parcels))


def test_one_parcel_per_criterion(scene: Scene) -> None:
    res = run(scene)
    t = res.table.set_index("parcel_id")
    for pid, (area, status, failed, peat, share, gvs, drained, before, after, support) \
            in EXPECTED.items():
        r = t.loc[pid]
        assert r["status"] == status, pid
        assert r["failed_criteria"] == failed, pid
        # exactextract's coverage fractions are single precision: 1e-6 ha
        assert r["area_ha"] == pytest.approx(area, abs=1e-9), pid
        assert r["peat_area_ha"] == pytest.approx(peat, abs=1e-6), pid
        assert r["share_oc_above_6_pct"] == pytest.approx(share, abs=1e-5), pid
        assert r["gvsmax_cm"] == pytest.approx(gvs), pid
        assert r["drained_peat_cm"] == pytest.approx(drained), pid
        assert r["co2e_before_t_per_year"] == pytest.approx(before), pid
        assert r["co2e_after_t_per_year"] == pytest.approx(after), pid
        assert r["co2e_reduction_t_per_year"] == pytest.approx(before - after), pid
        assert r["max_support_dkk"] == pytest.approx(support), pid
        assert r["nodata_pct"] == pytest.approx(0.0, abs=1e-5), pid
    assert t.loc["small", "reasons_da"].startswith("Arealet med tørvejord")
    assert "sekundær" in t.loc["big", "reasons_da"]
    assert t.loc["thin", "reasons_da"].startswith("Det drænede tørvelag")
    assert t.loc["share74", "crit_oc_share"] == "fail"
    assert t.loc["big", "crit_peat_area"] == "secondary"
    # horizon: default 20 years from the rules table, an assumption, printed everywhere
    assert res.meta["horizon_years"] == 20
    assert (t["horizon_years"] == 20).all()
    assert t.loc["ok", "co2e_reduction_t_horizon"] == pytest.approx(20 * 4 * (46.04 - 6.8))
    assert any("default_horizon_years" in a for a in res.meta["assumptions"])
    assert "default_horizon_years" in t.loc["ok", "assumption"]
    # the price at maximum support: 640 000 / (156.96 × 20) = 203.87 DKK/t
    assert t.loc["ok", "dkk_per_t_co2e"] == pytest.approx(640_000 / (156.96 * 20))
    assert t.loc["ok", "price_basis"] == "max_support"


def test_horizon_given_is_used_and_not_an_assumption(scene: Scene) -> None:
    res = run(scene, horizon=30)
    t = res.table.set_index("parcel_id")
    assert t.loc["ok", "co2e_reduction_t_horizon"] == pytest.approx(30 * 156.96)
    assert not any("horizon" in a for a in res.meta["assumptions"])


def test_rotation_default_is_flagged(scene: Scene) -> None:
    res = run(scene, fields=ParcelFields())
    t = res.table.set_index("parcel_id")
    # meadow is now taken as in rotation: 2 × 21.08
    assert t.loc["meadow", "co2e_before_t_per_year"] == pytest.approx(2 * 21.08)
    assert any("default_in_rotation" in a for a in res.meta["assumptions"])


def test_new_round_is_a_table_edit(scene: Scene, tmp_path: Path) -> None:
    text = DEFAULT_RULES.read_text(encoding="utf-8").replace("min_peat_area_ha,2,",
                                                            "min_peat_area_ha,1.5,")
    new = tmp_path / "klimaskovfonden_2026.csv"
    new.write_text(text, encoding="utf-8")
    res = run(scene, rules=load_rules(new))
    t = res.table.set_index("parcel_id")
    assert t.loc["small", "status"] == ELIGIBLE
    assert (t["rules_version"] == "klimaskovfonden_2026").all()


def test_bids_give_budget_and_price_criteria(tmp_path: Path) -> None:
    s = build_scene(tmp_path, [Parcel("cheap", 20, 20), Parcel("dear", 20, 10, oc=10.0),
                               Parcel("greedy", 20, 20)],
                    extra={"bud": [100_000, 100_000, 115_000],
                           "samlet": [640_000, 320_000, 640_000], "syn": [10, 10, 10]})
    res = run(s, fields=ParcelFields("omdrift", "bud", "samlet", "syn"))
    t = res.table.set_index("parcel_id")
    # cheap: 640 000 / (156.96 × 20) = 203.9 DKK/t ≤ 360
    assert t.loc["cheap", "status"] == ELIGIBLE and t.loc["cheap", "crit_price"] == "pass"
    # dear: 2 ha, 6–12 %, in rotation: (21.08 − 6.8) × 2 = 28.56 t/yr → 560 DKK/t
    assert t.loc["dear", "dkk_per_t_co2e"] == pytest.approx(320_000 / (28.56 * 20))
    assert t.loc["dear", "failed_criteria"] == "price"
    assert "højst 360 kr./t" in t.loc["dear", "reasons_da"]
    assert t.loc["greedy", "failed_criteria"] == "budget"
    assert "115.000 kr./ha" in t.loc["greedy", "reasons_da"]


def test_covered_fraction_of_cut_cells(tmp_path: Path) -> None:
    # columns 0–9 hold OC 8, column 10 holds OC 20; the parcel covers 10.5 columns × 20 rows
    oc = np.full((22, 12), 8.0)
    oc[:, 10] = 20.0
    carbon = write_raster(tmp_path / "c.tif", oc)
    water = write_raster(tmp_path / "w.tif", np.full((22, 12), -60.0))
    peat = write_raster(tmp_path / "p.tif", np.full((22, 12), 50.0))
    gpd.GeoDataFrame({"pid": ["cut"]}, geometry=[cell_box(0, 0, 10.5, 20)],
                     crs=CRS).to_file(tmp_path / "p.gpkg")
    s = Scene(carbon, water, peat, tmp_path / "p.gpkg", {})
    t = run(s, fields=ParcelFields()).table.iloc[0]
    assert t["area_ha"] == pytest.approx(2.1)
    assert t["peat_area_ha"] == pytest.approx(2.1)
    # before, in rotation: 2.0 ha × 21.08 + 0.1 ha × 46.04
    assert t["co2e_before_t_per_year"] == pytest.approx(2.0 * 21.08 + 0.1 * 46.04)
    assert t["drained_peat_cm"] == pytest.approx(50.0)


def test_parcels_in_another_crs_are_reprojected(scene: Scene, tmp_path: Path) -> None:
    gdf = gpd.read_file(scene.parcels).to_crs("EPSG:4326")
    gdf.to_file(tmp_path / "wgs84.geojson")
    s = Scene(scene.carbon, scene.water, scene.peat, tmp_path / "wgs84.geojson", {})
    t = run(s).table.set_index("parcel_id")
    assert t.loc["ok", "area_ha"] == pytest.approx(4.0, abs=1e-4)
    assert t.loc["ok", "peat_area_ha"] == pytest.approx(4.0, abs=1e-4)
    assert t.loc["small", "status"] == INELIGIBLE and t.loc["ok", "status"] == ELIGIBLE


def test_positive_depths_flag(tmp_path: Path) -> None:
    s = build_scene(tmp_path, [Parcel("a", 20, 20, gvs=80.0)])
    # read as +80 cm (above the surface): too wet, and no drained peat at all
    assert run(s).table.iloc[0]["failed_criteria"] == "gvsmax;drained_peat"
    t = run(s, positive_depths=True).table.iloc[0]
    assert t["gvsmax_cm"] == pytest.approx(-80.0) and t["status"] == ELIGIBLE


# --- grids and CRSs ------------------------------------------------------------------

def test_water_table_on_another_cell_size_is_refused_then_aligned(scene: Scene,
                                                                  tmp_path: Path) -> None:
    with rasterio.open(scene.water) as ds:
        h, w = ds.height, ds.width
    coarse = write_raster(tmp_path / "gvs20.tif", np.full((h // 2 + 1, w // 2 + 1), -70.0),
                          cell=20.0)
    s = Scene(scene.carbon, coarse, scene.peat, scene.parcels, {})
    with pytest.raises(InputError, match="cell size 20 m vs 10 m") as exc:
        run(s)
    assert exc.value.source == str(coarse) and "--align" in exc.value.problem
    t = run(s, align=True).table.set_index("parcel_id")
    assert t.loc["ok", "gvsmax_cm"] == pytest.approx(-70.0)
    assert t.loc["ok", "drained_peat_cm"] == pytest.approx(70.0)


def test_align_averages_a_finer_water_table(tmp_path: Path) -> None:
    # carbon on a 20 m grid, water table on 10 m: each 20 m cell holds −60, −80, −100, −120
    write_raster(tmp_path / "c.tif", np.full((4, 4), 15.0), cell=20.0)
    fine = np.tile(np.array([[-60.0, -80.0], [-100.0, -120.0]]), (4, 4))
    write_raster(tmp_path / "w.tif", fine, cell=10.0)
    write_raster(tmp_path / "p.tif", np.full((4, 4), 100.0), cell=20.0)
    gpd.GeoDataFrame({"pid": ["a"]}, geometry=[cell_box(0, 0, 4, 4)], crs=CRS).to_file(
        tmp_path / "p.gpkg")  # cell_box uses 10 m units: 40 × 40 m = 2 × 2 carbon cells
    s = Scene(tmp_path / "c.tif", tmp_path / "w.tif", tmp_path / "p.tif", tmp_path / "p.gpkg",
              {})
    t = run(s, fields=ParcelFields(), align=True).table.iloc[0]
    assert t["gvsmax_cm"] == pytest.approx(-90.0)
    assert t["area_ha"] == pytest.approx(0.16)


@pytest.mark.parametrize("kw,message", [
    ({"crs": "EPSG:3035"}, "CRS EPSG:3035 vs EPSG:25832"),
    ({"x0": X0 + 5.0}, "origin"),
])
def test_peat_depth_on_another_crs_or_origin_is_refused(scene: Scene, tmp_path: Path, kw,
                                                        message: str) -> None:
    with rasterio.open(scene.peat) as ds:
        data = ds.read(1)
    other = write_raster(tmp_path / "peat_other.tif", data, **kw)
    s = Scene(scene.carbon, scene.water, other, scene.parcels, {})
    with pytest.raises(InputError, match=message) as exc:
        run(s)
    assert exc.value.source == str(other)


def test_raster_of_another_size_is_refused(scene: Scene, tmp_path: Path) -> None:
    with rasterio.open(scene.water) as ds:
        data = ds.read(1)
    other = write_raster(tmp_path / "w_small.tif", data[:, :-3])
    with pytest.raises(InputError, match="size"):
        run(Scene(scene.carbon, other, scene.peat, scene.parcels, {}))


def test_raster_without_crs_is_refused(scene: Scene, tmp_path: Path) -> None:
    with rasterio.open(scene.carbon) as ds:
        data = ds.read(1)
    other = write_raster(tmp_path / "c_nocrs.tif", data, crs=None)
    with pytest.raises(InputError, match="no CRS"):
        run(Scene(other, scene.water, scene.peat, scene.parcels, {}))


# --- edges and nodata ----------------------------------------------------------------

def test_parcels_off_the_rasters(scene: Scene, tmp_path: Path) -> None:
    gdf = gpd.read_file(scene.parcels)
    far = cell_box(-500, 0, -480, 20)                 # 5 km west of the rasters
    half = cell_box(-10, 0, 10, 20)                   # half off the west edge
    extra = gpd.GeoDataFrame({"pid": ["far", "half"], "omdrift": ["ja", "ja"]},
                             geometry=[far, half], crs=CRS)
    both = gpd.GeoDataFrame(pd.concat([gdf, extra]), crs=CRS)
    both.to_file(tmp_path / "more.gpkg")
    t = run(Scene(scene.carbon, scene.water, scene.peat, tmp_path / "more.gpkg", {})).table
    t = t.set_index("parcel_id")
    assert t.loc["far", "status"] == INELIGIBLE
    assert t.loc["far", "nodata_pct"] == pytest.approx(100.0)
    assert "uden for kortene" in t.loc["far", "notes"]
    assert "ingen kulstofdata" in t.loc["far", "reasons_da"]
    assert t.loc["far", "co2e_before_t_per_year"] == 0.0
    # half: 4 ha polygon, 2 ha on the rasters (columns 0–9; OC there is 0 in the gap,
    # 15 from column 5 on) — only what is on the map can count
    assert t.loc["half", "area_ha"] == pytest.approx(4.0)
    assert t.loc["half", "nodata_pct"] == pytest.approx(50.0)
    assert t.loc["half", "peat_area_ha"] == pytest.approx(1.0)
    assert "mangler data" in t.loc["half", "notes"]


def test_no_parcel_on_the_rasters_is_a_clean_error(scene: Scene, tmp_path: Path) -> None:
    gpd.GeoDataFrame({"pid": ["far"]}, geometry=[cell_box(-500, 0, -480, 20)],
                     crs=CRS).to_file(tmp_path / "far.gpkg")
    with pytest.raises(InputError, match="every parcel lies outside the carbon raster"):
        run(Scene(scene.carbon, scene.water, scene.peat, tmp_path / "far.gpkg", {}),
            fields=ParcelFields())


def test_nodata_inside_a_parcel_is_reported_not_zero(tmp_path: Path) -> None:
    s = build_scene(tmp_path, [Parcel("holes", 20, 10)])
    with rasterio.open(s.carbon) as ds:
        oc = ds.read(1)
    oc[0, 5:25] = NODATA                     # first row of the parcel: 20 cells = 0.2 ha
    write_raster(s.carbon, oc)
    with rasterio.open(s.water) as ds:
        w = ds.read(1)
    w[1, 5:15] = NODATA                      # 10 cells of the second row
    write_raster(s.water, w)
    t = run(s).table.iloc[0]
    assert t["peat_area_ha"] == pytest.approx(1.8)          # not 2.0: holes are not peat
    assert t["share_oc_above_6_pct"] == pytest.approx(90.0)
    assert t["nodata_pct"] == pytest.approx(15.0)           # 30 of 200 cells lack a map
    assert t["gvsmax_cm"] == pytest.approx(-80.0)            # mean of cells with data
    assert t["co2e_before_t_per_year"] == pytest.approx(1.8 * 46.04)
    assert t["status"] == INELIGIBLE and "peat_area" in t["failed_criteria"]
    assert "kulstof 10,0 %" in t["notes"] and "GVSmax 5,0 %" in t["notes"]


def test_values_out_of_range_are_refused(tmp_path: Path) -> None:
    s = build_scene(tmp_path, [Parcel("gkg", 20, 10, oc=150.0)])
    with pytest.raises(InputError, match="organic carbon in %"):
        run(s)
    s = build_scene(tmp_path, [Parcel("neg", 20, 10, peat=-5.0)])
    with pytest.raises(InputError, match="peat depth must be cm"):
        run(s)


# --- parcel files --------------------------------------------------------------------

@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_parcel_file_problems(scene: Scene, tmp_path: Path) -> None:
    gdf = gpd.read_file(scene.parcels)
    with pytest.raises(InputError, match="field 'nope' not found"):
        read_parcels(scene.parcels, "nope")
    gdf.assign(omdrift="måske").to_file(tmp_path / "rot.gpkg")
    with pytest.raises(InputError, match="in rotation"):
        read_parcels(tmp_path / "rot.gpkg", "pid", ParcelFields(in_rotation="omdrift"))
    gdf.set_crs(None, allow_override=True).to_file(tmp_path / "nocrs.shp")
    with pytest.raises(InputError, match="no CRS"):
        read_parcels(tmp_path / "nocrs.shp", "pid")
    gdf.assign(geometry=gdf.geometry.centroid).to_file(tmp_path / "pts.gpkg")
    with pytest.raises(InputError, match="must be polygons"):
        read_parcels(tmp_path / "pts.gpkg", "pid")
    bow = Polygon(
        [(X0, Y0), (X0 + 100, Y0 - 100), (X0 + 100, Y0), (X0, Y0 - 100)])
    gpd.GeoDataFrame({"pid": [1]}, geometry=[bow], crs=CRS).to_file(tmp_path / "bow.gpkg")
    with pytest.raises(InputError, match="invalid geometry"):
        read_parcels(tmp_path / "bow.gpkg", "pid")
    gdf.assign(syn=30).to_file(tmp_path / "syn.gpkg")
    with pytest.raises(InputError, match="synergy points must be 0–23"):
        read_parcels(tmp_path / "syn.gpkg", "pid", ParcelFields(synergy="syn"), RULES)


def test_parts_sharing_an_id_are_one_parcel(tmp_path: Path) -> None:
    s = build_scene(tmp_path, [Parcel("a", 20, 10)])
    gpd.GeoDataFrame({"pid": ["a", "a"]},
                     geometry=[cell_box(5, 0, 15, 10), cell_box(15, 0, 25, 10)],
                     crs=CRS).to_file(tmp_path / "parts.gpkg")
    t = run(Scene(s.carbon, s.water, s.peat, tmp_path / "parts.gpkg", {}),
            fields=ParcelFields()).table
    assert len(t) == 1 and t.iloc[0]["area_ha"] == pytest.approx(2.0)
    assert t.iloc[0]["peat_area_ha"] == pytest.approx(2.0, abs=1e-6)
