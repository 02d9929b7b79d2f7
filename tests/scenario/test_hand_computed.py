"""Every indicator on the tiny hand-made map, each number computed by hand.

The map (tests/conftest.py, 10 m cells = 0.01 ha, scheme: 1 skov 80, 2 mark 10,
3 by 0, 4 andet 0, 5 eng 100):

    row 0: 1 1 2 2
    row 1: 1 1 2 2
    row 2: 5 5 3 3
    row 3: 4 4 3 0   (0 = nodata)

Carbon pools (tests/scenario/conftest.py) total 100 / 40 / 0 / 0 / 60 t C/ha.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import rasterio
from rasterio.features import rasterize

from naturkapital.core.errors import InputError
from naturkapital.lowland.rules import load_rules
from naturkapital.scenario.evaluate import evaluate_scenario
from naturkapital.services.tables import load_costs, load_nitrogen, load_parameters
from tests.conftest import write_raster, write_zones
from tests.scenario.conftest import CELL_HA, POOL_TOTAL, cells_box, write_scenario

FIELDS = (2, 0, 4, 2)  # the four mark cells


def ev(tiny, zones, pools, scen, **kw):
    return evaluate_scenario(scen, landcover=tiny["raster"], scheme=tiny["scheme"],
                             carbon_pools=pools, zones=zones, id_field="zid", **kw)


def test_field_to_forest_carbon_and_nki(tiny, whole, pools, tmp_path):
    s = write_scenario(tmp_path / "s.gpkg", [{"name": "skov", "to_class": 1, "cells": FIELDS}])
    r = ev(tiny, whole, pools, s)
    # carbon: 4 skov·100 + 4 mark·40 + 2 eng·60 = 680 t C/ha·cells → 6.8 t; after 8·100 + 2·60
    assert r.value("A", "carbon_stock_t_c", "baseline") == pytest.approx(6.8)
    assert r.value("A", "carbon_stock_t_c", "scenario") == pytest.approx(9.2)
    assert r.value("A", "carbon_stock_t_c") == pytest.approx(2.4)
    # NKI before: (4·80 + 4·10 + 2·100 + 3·0)/13 (Andet takes that mean) = 560/13
    assert r.value("A", "nki", "baseline") == pytest.approx(560 / 13)
    assert r.value("A", "nki", "scenario") == pytest.approx(840 / 13)
    assert r.value("A", "nki_nature", "baseline") == pytest.approx(520 / 6)
    assert r.value("A", "nki_nature", "scenario") == pytest.approx(840 / 10)
    assert r.value("A", "converted_area_ha", "scenario") == pytest.approx(4 * CELL_HA)
    assert r.value("0", "carbon_stock_t_c") == pytest.approx(2.4)  # total row
    assert r.value("0", "nki", "scenario") == pytest.approx(840 / 13)
    # conversion_costs.csv: skov 65 000 DKK/ha, Klimaskovfonden's maximum support for
    # afforestation in 2024 (was an assumed 50 000 before the table was sourced)
    assert load_costs().table.at["skov", "cost_dkk_per_ha"] == 65_000
    cost = 65_000 * 4 * CELL_HA
    assert r.value("A", "cost_dkk") == pytest.approx(cost)
    assert r.value("A", "rewetted_area_ha") == 0
    assert list(r.table.columns[:7]) == ["zone_id", "indicator", "unit", "baseline",
                                         "scenario", "delta", "source"]


def _invest_total(lulc: np.ndarray, cell_ha: float) -> float:
    """InVEST Carbon: Σ over cells of cell area × (c_above + c_below + c_soil + c_dead)."""
    per_cell = np.vectorize(lambda v: POOL_TOTAL.get(int(v), 0.0))(lulc)
    return float((per_cell * cell_ha).sum())


def test_carbon_equals_invest_formula_on_maps(tiny, whole, pools, tmp_path):
    """The zone stock equals InVEST's cell sum on the baseline map and on the scenario map
    (the conversions burnt into a copy of the raster, as InVEST would be given it)."""
    s = write_scenario(tmp_path / "s.gpkg", [
        {"name": "skov", "to_class": 1, "cells": (2, 0, 3, 2)},
        {"name": "eng", "to_class": 5, "cells": (3, 0, 4, 1)},
        {"name": "by2skov", "to_class": 1, "cells": (2, 2, 4, 3)}])
    r = ev(tiny, whole, pools, s)
    with rasterio.open(tiny["raster"]) as ds:
        base = ds.read(1)
        cell_ha = abs(ds.res[0] * ds.res[1]) / 10_000
        scen = base.copy()
        for geom, cls in [(cells_box(2, 0, 3, 2), 1), (cells_box(3, 0, 4, 1), 5),
                          (cells_box(2, 2, 4, 3), 1)]:
            burnt = rasterize([geom], out_shape=base.shape, transform=ds.transform, fill=0,
                              default_value=1).astype(bool)
            scen[burnt & (base != 0)] = cls
    assert r.value("A", "carbon_stock_t_c", "baseline") == pytest.approx(
        _invest_total(base, cell_ha))
    assert r.value("A", "carbon_stock_t_c", "scenario") == pytest.approx(
        _invest_total(scen, cell_ha))
    # by hand: +2 mark→skov (60 each), +1 mark→eng (20), +2 by→skov (100 each) = 340 × 0.01
    assert r.value("A", "carbon_stock_t_c") == pytest.approx(3.4)


def test_half_a_cell_converted(tiny, whole, pools, tmp_path):
    # half of the mark cell at row 0, col 2 becomes forest: 0.005 ha moves 2 → 1
    s = write_scenario(tmp_path / "s.gpkg", [{"name": "halv", "to_class": 1,
                                               "cells": (2, 0, 2.5, 1)}])
    r = ev(tiny, whole, pools, s)
    assert r.value("A", "converted_area_ha", "scenario") == pytest.approx(0.5 * CELL_HA)
    assert r.value("A", "carbon_stock_t_c") == pytest.approx(0.5 * CELL_HA * 60)
    # NKI after: (4.5·80 + 3.5·10 + 2·100 + 3·0)/13 = 595/13
    assert r.value("A", "nki", "scenario") == pytest.approx(595 / 13)
    assert r.value("A", "nki_nature", "scenario") == pytest.approx((4.5 * 80 + 200) / 6.5)


def test_conversion_cutting_two_classes_and_nodata(tiny, whole, pools, tmp_path):
    # cols 1.5–2.5 of rows 0–1: half a skov cell (already 1, no change) and half a mark
    # cell per row → 2 × 0.005 ha converted; the nodata cell (row 3, col 3) never converts
    s = write_scenario(tmp_path / "s.gpkg", [
        {"name": "kant", "to_class": 1, "cells": (1.5, 0, 2.5, 2)},
        {"name": "hav", "to_class": 1, "cells": (3, 3, 4, 4)}])
    r = ev(tiny, whole, pools, s)
    assert r.value("A", "converted_area_ha", "scenario") == pytest.approx(CELL_HA)
    assert r.value("A", "carbon_stock_t_c") == pytest.approx(CELL_HA * 60)
    conv = r.conversions.set_index("conv_id")
    assert conv.loc["hav", "mapped_ha"] == 0
    assert conv.loc["kant", "converted_ha"] == pytest.approx(CELL_HA)


def test_no_effect_gives_zero_deltas(tiny, whole, pools, tmp_path):
    s = write_scenario(tmp_path / "s.gpkg", [{"name": "skov", "to_class": 1,
                                               "cells": (0, 0, 2, 2), "oc_pct": 20.0}])
    gw = write_zones(tmp_path / "gw.gpkg", {"G": (0, 0, 3, 4)})
    r = ev(tiny, whole, pools, s, groundwater_layer=gw)
    assert r.table["delta"].notna().all()
    assert (r.table["delta"].abs() < 1e-9).all(), r.table[["indicator", "delta"]]
    assert r.lowland == []


def test_nitrogen_leaching_by_land_use(tiny, whole, pools, tmp_path):
    rate = load_nitrogen().table["n_leach_kg_n_per_ha_yr"]
    s = write_scenario(tmp_path / "s.gpkg", [{"name": "skov", "to_class": 1, "cells": FIELDS}])
    r = ev(tiny, whole, pools, s)
    base = CELL_HA * (4 * rate["skov"] + 4 * rate["mark"] + 2 * rate["eng_mose"]
                      + 3 * rate["by_graa"] + 2 * rate["andet"])
    assert r.value("A", "nitrogen_leaching_kg_n_per_year", "baseline") == pytest.approx(base)
    delta = 4 * CELL_HA * (rate["skov"] - rate["mark"])
    assert r.value("A", "nitrogen_leaching_kg_n_per_year") == pytest.approx(delta)
    assert r.value("A", "nitrogen_removal_kg_n_per_year") == 0  # no rewetting
    assert r.value("A", "nitrogen_load_kg_n_per_year") == pytest.approx(delta)


def test_nitrogen_leaching_by_soil(tiny, whole, pools, tmp_path):
    """--soil picks the field leaching of sandy (west) or loamy (east) farmland: 90.9 and
    34.5 kg N/ha/yr (17 Danish catchments, Water Sci. Technol. 44(7)); other land types
    keep the national values (forest 8: forests older than 40 years, DCA as quoted by
    Bæredygtigt Landbrug 2024; an assumed 5 until session 4)."""
    s = write_scenario(tmp_path / "s.gpkg", [{"name": "skov", "to_class": 1, "cells": FIELDS}])
    # 4 field cells of 0.01 ha to forest: 0.04 ha × (8 − 90.9) = −3.316 kg N/yr on sand,
    # 0.04 × (8 − 34.5) = −1.06 on clay, 0.04 × (8 − 50) = −1.68 with the national value
    for soil, delta in (("sand", -3.316), ("clay", -1.06), ("national", -1.68)):
        r = ev(tiny, whole, pools, s, soil=soil)
        assert r.value("A", "nitrogen_leaching_kg_n_per_year") == pytest.approx(delta), soil
        assert r.meta["soil"] == soil
        src = r.table.loc[r.table["indicator"] == "nitrogen_leaching_kg_n_per_year", "source"]
        assert ("_sand" in src.iloc[0]) == (soil == "sand")
    with pytest.raises(InputError, match="soil"):
        ev(tiny, whole, pools, s, soil="loam")


def test_rewetting_removal_flood_ghg_cost_lowland(tiny, whole, pools, tmp_path):
    params, rules = load_parameters(), load_rules()
    s = write_scenario(tmp_path / "s.gpkg", [{"name": "vaad", "to_class": 5, "cells": FIELDS,
                                               "oc_pct": 15.0, "gvsmax_cm": -80.0,
                                               "peat_depth_cm": 100.0}])
    r = ev(tiny, whole, pools, s)
    area = 4 * CELL_HA
    assert r.value("A", "rewetted_area_ha", "scenario") == pytest.approx(area)
    assert r.value("A", "nitrogen_removal_kg_n_per_year") == pytest.approx(
        area * params["n_removal_rewetted_kg_n_per_ha_yr"])
    # 0.04 ha = 400 m² × (−12.5 − (−80)) cm = 0.675 m × porosity 0.21 (Johnson 1967, fine sand;
    # was an assumed 0.2 until session 4) = 56.7 m³
    assert rules["target_water_table_cm"] == -12.5
    assert params["drainable_porosity"] == 0.21
    assert r.value("A", "flood_retention_m3") == pytest.approx(56.7)
    # GHG over the conversion only (no raster): before in rotation, low, > 12 % C:
    # 42.17 + 3.87 = 46.04 t CO2e/ha/yr; after rewetted 6.8 (CH4)
    assert r.value("A", "ghg_organic_soils_t_co2e_per_year", "baseline") == pytest.approx(
        area * 46.04)
    assert r.value("A", "ghg_organic_soils_t_co2e_per_year", "scenario") == pytest.approx(
        area * 6.8)
    assert r.value("A", "cost_dkk") == pytest.approx(area * 160_000)
    (chk,) = r.lowland
    assert chk.status == "ineligible"  # 0.04 ha of peat is below 2 ha
    crit = {c["key"]: c["result"] for c in chk.criteria}
    assert crit["peat_area"] == "fail" and crit["oc_share"] == "pass"
    assert crit["gvsmax"] == "pass" and crit["drained_peat"] == "pass"
    assert chk.budget.total_dkk == pytest.approx(area * 160_000)
    assert chk.co2e_before_t_per_year == pytest.approx(area * 46.04)


def test_flood_uses_assumed_water_table_and_flags_it(tiny, whole, pools, tmp_path):
    s = write_scenario(tmp_path / "s.gpkg", [{"name": "vaad", "to_class": 5, "cells": FIELDS}])
    r = ev(tiny, whole, pools, s)
    rise = (-12.5 - load_parameters()["gvsmax_before_cm"]) / 100.0  # default −60 → 0.475 m
    # porosity 0.21 (Johnson 1967, fine sand average; 0.2 assumed until session 4): 39.9 m³
    assert r.value("A", "flood_retention_m3") == pytest.approx(400 * rise * 0.21)
    assert r.value("A", "flood_retention_m3") == pytest.approx(39.9)
    row = r.table[(r.table["zone_id"] == "A") & (r.table["indicator"] == "flood_retention_m3")]
    assert "gvsmax_before_cm" in row["assumption"].iloc[0]
    (chk,) = r.lowland
    assert chk.status == "incomplete"
    assert {c["result"] for c in chk.criteria if c["key"] != "budget" and c["key"] != "price"} \
        == {"not assessed"}


def test_ghg_from_oc_raster_and_attribute_override(tiny, whole, pools, tmp_path):
    oc = np.full((4, 4), 20.0, dtype="float32")
    oc[2:, :] = 3.0  # mineral soil under eng, by, andet
    carbon = write_raster(tmp_path / "oc.tif", oc, nodata=-1)
    s = write_scenario(tmp_path / "s.gpkg", [{"name": "vaad", "to_class": 5, "cells": FIELDS}])
    r = ev(tiny, whole, pools, s, carbon=carbon)
    # skov 4 cells, not in rotation, low, > 12 %: 30.8 + 2.44 = 33.24; mark 46.04; rest 0
    before = 4 * CELL_HA * 33.24 + 4 * CELL_HA * 46.04
    after = 4 * CELL_HA * 33.24 + 4 * CELL_HA * 6.8
    ghg = "ghg_organic_soils_t_co2e_per_year"
    assert r.value("A", ghg, "baseline") == pytest.approx(before)
    assert r.value("A", ghg, "scenario") == pytest.approx(after)
    # oc_pct = 8 on the conversion replaces the raster there: mark 6–12 % → 21.08
    s2 = write_scenario(tmp_path / "s2.gpkg", [{"name": "vaad", "to_class": 5,
                                                 "cells": FIELDS, "oc_pct": 8.0}])
    r2 = ev(tiny, whole, pools, s2, carbon=carbon)
    assert r2.value("A", ghg, "baseline") == pytest.approx(4 * CELL_HA * (33.24 + 21.08))
    assert r2.value("A", ghg, "scenario") == pytest.approx(after)


def test_ghg_not_computed_without_carbon_data(tiny, whole, pools, tmp_path):
    s = write_scenario(tmp_path / "s.gpkg", [{"name": "vaad", "to_class": 5, "cells": FIELDS}])
    r = ev(tiny, whole, pools, s)
    row = r.table[r.table["indicator"] == "ghg_organic_soils_t_co2e_per_year"]
    assert row[["baseline", "scenario", "delta"]].isna().all().all()
    assert row["note"].str.contains("not computed").all()


def test_groundwater_protection_inside_layer(tiny, whole, pools, tmp_path):
    gw = write_zones(tmp_path / "gw.gpkg", {"G": (0, 0, 3, 4)})  # columns 0–2
    s = write_scenario(tmp_path / "s.gpkg", [{"name": "skov", "to_class": 1, "cells": FIELDS}])
    r = ev(tiny, whole, pools, s, groundwater_layer=gw)
    # inside: 4 skov + 2 eng unfertilised (0.06 ha); column 2's two mark cells → skov
    assert r.value("A", "groundwater_protected_ha", "baseline") == pytest.approx(6 * CELL_HA)
    assert r.value("A", "groundwater_protected_ha", "scenario") == pytest.approx(8 * CELL_HA)
    none = ev(tiny, whole, pools, s)
    assert np.isnan(none.value("A", "groundwater_protected_ha", "baseline"))


def test_two_zones_and_total(tiny, pools, tmp_path):
    zones = write_zones(tmp_path / "z.gpkg", {"L": (0, 0, 2, 4), "R": (2, 0, 4, 4)})
    s = write_scenario(tmp_path / "s.gpkg", [{"name": "skov", "to_class": 1, "cells": FIELDS}])
    r = ev(tiny, zones, pools, s)
    assert r.value("L", "carbon_stock_t_c") == 0
    assert r.value("R", "carbon_stock_t_c") == pytest.approx(2.4)
    assert r.value("0", "carbon_stock_t_c") == pytest.approx(2.4)
    assert r.value("0", "nki", "scenario") == pytest.approx(840 / 13)  # from the summed areas
    # right zone after: 4 skov + 3 by (+ nodata) → 320/7
    assert r.value("R", "nki", "scenario") == pytest.approx(320 / 7)


def test_scenario_in_another_crs(tiny, whole, pools, tmp_path):
    s = write_scenario(tmp_path / "s.gpkg", [{"name": "skov", "to_class": 1,
                                               "cells": (2.2, 0.2, 3.8, 1.8)}])
    import geopandas as gpd

    g = gpd.read_file(s).to_crs("EPSG:4326")
    s2 = tmp_path / "s_wgs84.geojson"
    g.to_file(s2)
    r = ev(tiny, whole, pools, Path(s2))
    assert r.value("A", "converted_area_ha", "scenario") == pytest.approx(1.6 * 1.6 * CELL_HA,
                                                                         rel=1e-3)


def test_lowland_check_from_rasters(tiny, whole, pools, tmp_path):
    oc = np.full((4, 4), 20.0, dtype="float32")
    gvs = np.full((4, 4), -70.0, dtype="float32")
    peat = np.full((4, 4), 50.0, dtype="float32")
    paths = {k: write_raster(tmp_path / f"{k}.tif", a, nodata=-9999)
             for k, a in (("oc", oc), ("gvs", gvs), ("peat", peat))}
    s = write_scenario(tmp_path / "s.gpkg", [{"name": "vaad", "to_class": 5, "cells": FIELDS}])
    r = ev(tiny, whole, pools, s, carbon=paths["oc"], water_table=paths["gvs"],
           peat_depth=paths["peat"])
    (chk,) = r.lowland
    crit = {c["key"]: (c["result"], c["measured"]) for c in chk.criteria}
    assert crit["peat_area"] == ("fail", pytest.approx(4 * CELL_HA))  # 0.04 ha < 2 ha
    assert crit["oc_share"][0] == "pass" and crit["gvsmax"] == ("pass", pytest.approx(-70))
    # drained peat = min(peat 50, depth to water 70) = 50 cm ≥ 30
    assert crit["drained_peat"] == ("pass", pytest.approx(50))
    assert chk.status == "ineligible" and chk.gvsmax_basis == "water-table raster"
    # rise −12.5 − (−70) = 57.5 cm → 400 m² × 0.575 m × 0.21 = 48.3 m³ (porosity 0.2 until
    # session 4)
    assert r.value("A", "flood_retention_m3") == pytest.approx(48.3)
    assert chk.co2e_before_t_per_year == pytest.approx(4 * CELL_HA * 46.04)
