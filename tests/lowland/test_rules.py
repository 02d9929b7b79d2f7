"""Rules as data: the shipped tables, their sources, and broken tables failing cleanly."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from naturkapital.core.errors import InputError
from naturkapital.lowland.rules import (
    DEFAULT_FACTORS,
    DEFAULT_RULES,
    RULE_KEYS,
    load_candidate_params,
    load_conditions,
    load_emission_factors,
    load_rules,
    rules_document,
)

#: PRODUCT.md §B, transcribed by hand.
EXPECTED = {
    "min_peat_area_ha": 2, "max_peat_area_ha": 10, "peat_oc_min_pct": 6,
    "share_oc_threshold_pct": 6, "min_share_oc_above_pct": 75, "max_gvsmax_cm": -42.5,
    "min_drained_peat_cm": 30, "target_water_table_cm": -12.5,
    "max_support_dkk_per_ha": 160_000, "max_income_comp_dkk_per_ha": 110_000,
    "min_project_costs_dkk_per_ha": 50_000, "max_dkk_per_t_co2e": 360,
    "auction_reject_share_pct": 5, "min_synergy_points": 8, "max_synergy_points": 23,
    "max_paid_before_completion_pct": 80, "paid_after_validation_pct": 20,
}


def test_rules_table_matches_product_and_is_versioned() -> None:
    r = load_rules()
    assert r.version == "klimaskovfonden_2024"
    for key, value in EXPECTED.items():
        assert r[key] == value, key
        assert r.assumption(key) is None, f"{key} should carry a published source"
    assert set(RULE_KEYS) <= set(r.table.index)
    # the unsourced defaults are flagged as assumptions
    assert r.assumption("default_horizon_years") is not None
    assert r.assumption("default_in_rotation") is not None


def test_emission_table_rows_match_product() -> None:
    f = load_emission_factors()
    got = {s.name: (s.in_rotation, s.water_table, s.interval, s.factors) for s in f.situations}
    assert got["in rotation low water table 6-12 % C"] == (
        "yes", "low", "[6,12]", {"co2": 21.08, "n2o": 0.0, "ch4": 0.0})
    assert got["in rotation low water table >12 % C"] == (
        "yes", "low", "(12,100]", {"co2": 42.17, "n2o": 3.87, "ch4": 0.0})
    assert got["not in rotation low water table >12 % C"] == (
        "no", "low", "(12,100]", {"co2": 30.8, "n2o": 2.44, "ch4": 0.0})
    assert got["not in rotation low water table 6-12 % C"] == (
        "no", "low", "[6,12]", {"co2": 15.4, "n2o": 0.0, "ch4": 0.0})
    assert got["not in rotation high water table (rewetted)"] == (
        "no", "high", "[6,100]", {"co2": 0.0, "n2o": 0.0, "ch4": 6.8})
    assert f.gwp == {"n2o": 298.0, "ch4": 25.0}
    sourced = [s for s in f.situations if not s.is_assumption]
    assert len(sourced) == 5 and all("SEGES" in s.source for s in sourced)
    mineral = [s for s in f.situations if s.is_assumption]
    assert [s.interval for s in mineral] == ["[0,6)"]


def test_candidate_parameters_flag_their_assumptions() -> None:
    p = load_candidate_params()
    assert p["agriculture_class"] == 5 and p["wet_nature_class"] == 11
    assert p["wet_nature_value"] == 2
    assert len(p.assumptions(["adjacency_m", "neighbourhood_m"])) == 2


def _edit(tmp: Path, src: Path, old: str, new: str, name: str | None = None) -> Path:
    text = src.read_text(encoding="utf-8")
    assert old in text
    out = tmp / (name or src.name)
    out.write_text(text.replace(old, new, 1), encoding="utf-8")
    return out


@pytest.mark.parametrize("old,new,message", [
    ("min_peat_area_ha,2,", "min_peat_area_hx,2,", "lacks key(s) min_peat_area_ha"),
    ("max_support_dkk_per_ha,160000,", "max_support_dkk_per_ha,lots,", "is not a number"),
    ("paid_after_validation_pct,20,", "paid_after_validation_pct,25,", "must be 100"),
    ("max_income_comp_dkk_per_ha,110000,", "max_income_comp_dkk_per_ha,170000,",
     "must not exceed"),
])
def test_broken_rules_table_is_one_clean_error(tmp_path: Path, old: str, new: str,
                                               message: str) -> None:
    bad = _edit(tmp_path, DEFAULT_RULES, old, new)
    with pytest.raises(InputError, match=re.escape(message)) as exc:
        load_rules(bad)
    assert exc.value.source == str(bad)


@pytest.mark.parametrize("old,new,message", [
    ('"[6,12]",co2,21.08', '"[6;12]",co2,21.08', "not an interval"),
    ('"[6,12]",n2o,0,', '"[6,12]",co2,0,', "exactly one row per gas"),
    ("gwp,-,-,-,n2o,298", "gwp,-,-,-,n2o,0", "gwp row for n2o"),
    (",co2,42.17,", ",co3,42.17,", "unknown gas co3"),
])
def test_broken_emission_table_is_one_clean_error(tmp_path: Path, old: str, new: str,
                                                  message: str) -> None:
    bad = _edit(tmp_path, DEFAULT_FACTORS, old, new)
    with pytest.raises(InputError, match=message):
        load_emission_factors(bad)


def test_missing_table_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        load_rules(tmp_path / "klimaskovfonden_2031.csv")


def test_funding_conditions_are_a_table_with_sources(tmp_path: Path) -> None:
    c = load_conditions()
    assert c.version == "klimaskovfonden_2024_conditions"
    after = c.stage("after_project")
    assert [r.key for r in after] == ["permanent_nature", "no_inputs_or_installations",
                                      "registered_on_title", "no_pumping"]
    assert {r.key for r in c.stage("application")} == {"applicants", "ranking"}
    assert all(r.source.startswith("Klimaskovfonden") and r.da and r.en for r in c.rows)
    assert c.sources == ("Klimaskovfonden, lavbundsprojekter, ansøgningsrunde 2024, "
                         "klimaskovfonden.dk/tilskud-skov-lavbund (11.04.2024)")
    bad = tmp_path / "c.csv"
    bad.write_text("key,stage,da,en,source\nx,later,a,b,s\n", encoding="utf-8")
    with pytest.raises(InputError, match="unknown stage later"):
        load_conditions(bad)
    bad.write_text("key,da,en\nx,a,b\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing column"):
        load_conditions(bad)


def test_rules_document_is_one_json_ready_serialisation() -> None:
    doc = rules_document(load_rules(), load_emission_factors(), load_candidate_params(),
                         load_conditions())
    rows = {r["key"]: r for r in doc["rules"]["rows"]}
    # "Dansk / English" descriptions are split; max support 160 000 DKK/ha (PRODUCT.md §B)
    assert rows["max_support_dkk_per_ha"]["value"] == 160_000
    assert rows["min_peat_area_ha"]["description_da"].startswith("Mindste areal")
    assert rows["min_peat_area_ha"]["description_en"] == "minimum peat-soil area"
    rewetted = next(r for r in doc["emission_factors"]["rows"] if r["water_table"] == "high")
    assert (rewetted["co2"], rewetted["n2o"], rewetted["ch4"], rewetted["total"]) == (
        0.0, 0.0, 6.8, 6.8)
    assert doc["conditions"][0]["stage"] == "after_project"
    assert json.loads(json.dumps(doc)) == doc
