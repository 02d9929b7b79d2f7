"""The scenario result's domain decisions and its one serialisation, on the tiny map of
tests/conftest.py (10 m cells = 0.01 ha; mark cells at columns 2–3, rows 0–1).

``ScenarioResult.main_zone`` picks the diagrams' zone for the report and the web
editor; ``RewettingCheck.to_dict`` / ``ScenarioResult.to_dict`` are the only
serialisation of a result, used by the CLI, the HTTP API, the process and the report.
"""

from __future__ import annotations

import json

import pytest

from naturkapital.scenario.evaluate import evaluate_scenario
from tests.conftest import write_zones
from tests.scenario.conftest import CELL_HA, write_scenario

FIELDS = (2, 0, 4, 2)  # the four mark cells


def ev(tiny, zones, pools, scen, **kw):
    return evaluate_scenario(scen, landcover=tiny["raster"], scheme=tiny["scheme"],
                             carbon_pools=pools, zones=zones, id_field="zid", **kw)


def test_main_zone_is_the_one_with_most_converted_area(tiny, pools, tmp_path):
    zones = write_zones(tmp_path / "z.gpkg", {"L": (0, 0, 2, 4), "R": (2, 0, 4, 4)})
    # 4 cells in R, none in L → R
    s = write_scenario(tmp_path / "s.gpkg", [{"name": "skov", "to_class": 1, "cells": FIELDS}])
    assert ev(tiny, zones, pools, s).main_zone() == "R"
    # L: eng (2 cells, row 2) → skov; R: one mark cell → skov: 2 > 1 → L
    s2 = write_scenario(tmp_path / "s2.gpkg", [
        {"name": "a", "to_class": 1, "cells": (0, 2, 2, 3)},
        {"name": "b", "to_class": 1, "cells": (3, 0, 4, 1)}])
    r2 = ev(tiny, zones, pools, s2)
    assert r2.value("L", "converted_area_ha", "scenario") == pytest.approx(2 * CELL_HA)
    assert r2.value("R", "converted_area_ha", "scenario") == pytest.approx(CELL_HA)
    assert r2.main_zone() == "L"
    # skov → skov converts nothing: the total
    s3 = write_scenario(tmp_path / "s3.gpkg", [{"name": "skov", "to_class": 1,
                                                 "cells": (0, 0, 2, 2)}])
    assert ev(tiny, zones, pools, s3).main_zone() == "0"


def test_rewetting_check_record_hand_computed(tiny, whole, pools, tmp_path):
    s = write_scenario(tmp_path / "s.gpkg", [{"name": "vaad", "to_class": 5, "cells": FIELDS,
                                               "oc_pct": 15.0, "gvsmax_cm": -80.0,
                                               "peat_depth_cm": 100.0}])
    (chk,) = ev(tiny, whole, pools, s).lowland
    d = chk.to_dict()
    json.dumps(d, allow_nan=False)  # JSON as it is, no NaN
    area = 4 * CELL_HA  # 0.04 ha
    assert d["conv_id"] == "vaad" and d["status"] == "ineligible"
    assert d["area_ha"] == pytest.approx(area) and d["rewetted_ha"] == pytest.approx(area)
    # maximum support 160 000 DKK/ha × 0.04 ha, of which ≤ 110 000/ha income compensation
    assert d["max_support_dkk"] == pytest.approx(6400) == pytest.approx(d["budget_dkk"])
    assert d["budget"]["max_income_comp_dkk"] == pytest.approx(4400)
    assert d["budget"]["basis"] == "max_support"
    assert d["gvsmax_before_cm"] == -80.0 and d["gvsmax_basis"] == "attribute gvsmax_cm"
    # in rotation, > 12 % C: 42.17 + 3.87 t CO2e/ha/yr before, 6.8 rewetted
    assert d["co2e_before_t_per_year"] == pytest.approx(area * 46.04)
    assert d["co2e_after_t_per_year"] == pytest.approx(area * 6.8)
    crit = {c["key"]: c for c in d["criteria"]}
    assert crit["peat_area"]["result"] == "fail"
    assert crit["peat_area"]["measured"] == pytest.approx(area)
    assert crit["gvsmax"]["measured"] == pytest.approx(-80.0)
    assert crit["peat_area"]["result_da"] == "ikke opfyldt" and crit["peat_area"]["explanation"]


def test_record_without_data_has_nulls_not_nan(tiny, whole, pools, tmp_path):
    s = write_scenario(tmp_path / "s.gpkg", [{"name": "vaad", "to_class": 5, "cells": FIELDS}])
    res = ev(tiny, whole, pools, s)
    d = res.lowland[0].to_dict()
    assert d["status"] == "incomplete" and d["co2e_before_t_per_year"] is None
    assert d["gvsmax_before_cm"] == -60.0  # the assumed default of parameters.csv
    assert {c["measured"] for c in d["criteria"] if c["result"] == "not assessed"} == {None}
    doc = res.to_dict("upload")
    text = json.dumps(doc, allow_nan=False)
    assert str(tmp_path) not in text  # a server shows none of its paths
    assert doc["meta"]["scenario"] == "upload" and doc["meta"]["carbon_pools"] == "pools.csv"
    assert doc["lowland"] == [d]
    assert doc["zones"] == [{"zone_id": "A", "name": res.names["A"]},
                            {"zone_id": "0", "name": res.names["0"]}]
    rows = {(r["zone_id"], r["indicator"]): r for r in doc["table"]}
    assert rows[("A", "rewetted_area_ha")]["scenario"] == pytest.approx(4 * CELL_HA)
    assert rows[("A", "ghg_organic_soils_t_co2e_per_year")]["delta"] is None
    # without a name the paths stay (the CLI's own metadata)
    assert res.to_dict()["meta"]["scenario"] == str(s)
