"""The change matrix, extent and condition accounts on a tiny two-epoch raster, by hand.

Cells are 10 m (0.01 ha). Zone A is the whole 4×4 raster; zone B covers two cells and
half of two more (boundary cells count by their covered fraction in both epochs).
"""

from __future__ import annotations

import pandas as pd
import pytest

from naturkapital.accounts.compute import compute_accounts
from naturkapital.accounts.typology import TYPE_KEYS, load_typology
from naturkapital.nki.compute import compute_nki

# from type → to type: ha in zone A (see conftest EPOCH1/EPOCH2)
MATRIX_A = {
    ("woodland_forest", "woodland_forest"): 0.03,
    ("woodland_forest", "urban"): 0.01,
    ("cropland", "woodland_forest"): 0.01,
    ("cropland", "cropland"): 0.03,
    ("wetlands", "wetlands"): 0.02,
    ("urban", "urban"): 0.03,
    ("sparsely_vegetated", "wetlands"): 0.01,
    ("sparsely_vegetated", "sparsely_vegetated"): 0.01,
    ("unmapped", "cropland"): 0.01,  # nodata in 1990, field in 2018
}
MATRIX_B = {("woodland_forest", "woodland_forest"): 0.025,
            ("woodland_forest", "urban"): 0.005}
# type: opening, additions, reductions, net change, closing (zone A)
EXTENT_A = {
    "woodland_forest": (0.04, 0.01, 0.01, 0.0, 0.04),
    "cropland": (0.04, 0.01, 0.01, 0.0, 0.04),
    "urban": (0.03, 0.01, 0.0, 0.01, 0.04),
    "wetlands": (0.02, 0.01, 0.0, 0.01, 0.03),
    "sparsely_vegetated": (0.02, 0.0, 0.01, -0.01, 0.01),
    "unmapped": (0.01, 0.0, 0.01, -0.01, 0.0),
}


@pytest.fixture
def res(two_epochs):
    return compute_accounts(two_epochs["from"], two_epochs["to"], two_epochs["zones"], "zid",
                            scheme=two_epochs["scheme"], typology=two_epochs["typology"])


def _matrix(res, zid):
    m = res.matrix[res.matrix["zone_id"] == zid]
    return {(r.from_type, r.to_type): r.area_ha for r in m.itertuples()}


@pytest.mark.parametrize(("zid", "expected"), [("A", MATRIX_A), ("B", MATRIX_B)])
def test_change_matrix(res, zid, expected):
    got = _matrix(res, zid)
    assert len(got) == len(TYPE_KEYS) ** 2
    for key, ha in got.items():
        assert ha == pytest.approx(expected.get(key, 0.0), abs=1e-9), key


def test_total_zone_is_the_sum(res):
    got = _matrix(res, "0")
    for key in got:
        assert got[key] == pytest.approx(MATRIX_A.get(key, 0) + MATRIX_B.get(key, 0),
                                         abs=1e-9)


def test_extent_account(res):
    ext = res.extent[res.extent["zone_id"] == "A"].set_index("ecosystem_type")
    for t in TYPE_KEYS:
        want = EXTENT_A.get(t, (0.0,) * 5)
        got = tuple(ext.loc[t, ["opening", "additions", "reductions", "net_change",
                                "closing"]])
        assert got == pytest.approx(want, abs=1e-9), t


def test_long_table(res):
    t = res.table
    assert list(t.columns) == ["zone_id", "name", "account", "ecosystem_type",
                               "ecosystem_type_label", "item", "period", "unit", "value",
                               "kind", "assumption"]
    row = t[(t.zone_id == "A") & (t.account == "change_matrix")
            & (t.ecosystem_type == "cropland") & (t.item == "to_woodland_forest")]
    assert row["value"].iloc[0] == pytest.approx(0.01)
    assert row["name"].iloc[0] == "A" and row["unit"].iloc[0] == "ha"
    assert set(t["account"]) == {"extent", "change_matrix", "condition", "services"}
    assert set(t["kind"]) == {"physical", "monetary"}
    assert set(t.loc[t["account"] == "extent", "assumption"]) == {"no"}


def test_condition_hand_computed(res):
    c = res.condition.set_index(["zone_id", "ecosystem_type", "indicator"])
    # wet nature (eng_mose): 2 of 15 mapped cells in 1990, 3 of 16 in 2018
    assert c.loc[("A", "all", "wet_nature_share"), "opening"] == pytest.approx(100 * 2 / 15)
    assert c.loc[("A", "all", "wet_nature_share"), "closing"] == pytest.approx(100 * 3 / 16)
    # NKI 1990: Andet takes the mean of the others, (4·80 + 4·10 + 2·100)/13
    assert c.loc[("A", "all", "nki"), "opening"] == pytest.approx(560 / 13)
    # nature value of urban in 2018: three cells of 0 and one former forest cell of 0
    assert c.loc[("A", "urban", "nature_value"), "closing"] == pytest.approx(0.0)
    assert c.loc[("A", "woodland_forest", "nature_value"), "opening"] == pytest.approx(80.0)
    assert c.loc[("A", "woodland_forest", "nature_value"), "opening_index"] == \
        pytest.approx(0.8)
    # class 4 is NKI land type Andet (no nature value of its own): no value for its type
    assert pd.isna(c.loc[("A", "sparsely_vegetated", "nature_value"), "opening"])


def test_condition_nki_is_the_index(res, two_epochs):
    """The NKI in the condition account is the index model's own number (with the
    scheme's per-class values, which the accounts use: --proxy class)."""
    for col, path in (("opening", two_epochs["from"]), ("closing", two_epochs["to"])):
        nki = compute_nki(two_epochs["zones"], "zid", landcover=path,
                          scheme=two_epochs["scheme"], proxy="class").table.set_index("zone_id")
        c = res.condition.set_index(["zone_id", "ecosystem_type", "indicator"])
        for zid in ("A", "B", "0"):
            assert c.loc[(zid, "all", "nki"), col] == pytest.approx(nki.loc[zid, "nki"])
            assert c.loc[(zid, "all", "nki_nature"), col] == pytest.approx(
                nki.loc[zid, "nki_nature"], nan_ok=True)


def test_assumptions_are_listed(res):
    assert any("sparsely_vegetated" in a and "assumption: test" in a
               for a in res.meta["assumptions"])


def test_builtin_typologies_cover_the_embedded_classes():
    """Every CORINE and Basemap04 class has an ecosystem type, and the link to the NKI
    land types agrees with the NKI schemes."""
    from naturkapital.landcover.scheme import load_scheme

    for name in ("corine", "basemap04"):
        typ = load_typology(name).table.set_index("value")
        sch = load_scheme(name).table.set_index("value")
        assert set(typ.index) == set(sch.index), name
        assert (typ["nki_land_type"] == sch.loc[typ.index, "land_type"]).all(), name
        assert (typ["source"].str.len() > 0).all()


# t C/ha of the built-in pools, by land type (Basemap04 class of the land type):
# skov 69.7+16+95+21 (living biomass from Skovstatistik 2022 since issue 14; was 60+14;
# dead wood/litter 21 from IPCC 2006 Table 2.2 since session 4, was an assumed 20),
# mark 5+65.6, by_graa 32.3 (IPCC SOCref 95 × (1 − 0.66) under sealing, Environ. Pollut. 164,
# since session 4; was an assumed 2+1+30 = 33), andet 0, eng_mose 1.28+5.12+87 (IPCC
# Table 6.4 grassland biomass 6.4 t C/ha, split by R = 4.0 since session 4; total unchanged)
POOL = {"woodland_forest": 201.7, "cropland": 70.6, "urban": 32.3, "sparsely_vegetated": 0.0,
        "wetlands": 93.4}
# kg N/ha/yr: mark 50 and eng_mose 2.7 from Miljøstyrelsen's Omme Å example since issue 14
# (were assumed 55 and 5); skov 8 (forests older than 40 years, DCA as quoted by Bæredygtigt
# Landbrug 2024, since session 4; was an assumed 5)
# andet (sparsely vegetated here) 13 = the average N deposition to Danish land in 2016
# (Atmosphere 9(11): 447) passed on by unvegetated land, since session 4 (was an assumed 5)
N_LEACH = {"woodland_forest": 8.0, "cropland": 50.0, "urban": 5.0, "sparsely_vegetated": 13.0,
           "wetlands": 2.7}


def test_services_hand_computed(res):
    s = res.services[res.services["zone_id"] == "A"].set_index(
        ["item", "period", "ecosystem_type"])["value"]
    for t, (opening, *_rest, closing) in EXTENT_A.items():
        if t == "unmapped":
            continue
        assert s[("carbon_stock", "1990", t)] == pytest.approx(opening * POOL[t])
        assert s[("carbon_stock", "2018", t)] == pytest.approx(closing * POOL[t])
        assert s[("nitrogen_leaching", "1990", t)] == pytest.approx(opening * N_LEACH[t])
    change = sum((EXTENT_A[t][4] - EXTENT_A[t][0]) * POOL[t] for t in POOL)
    got = s.xs("carbon_stock_change", level="item").sum()
    # urban +0.01 ha × 32.3 + wetlands +0.01 × 93.4 (forest and cropland unchanged, sparsely
    # vegetated 0 t C/ha) = 1.257 t C (1.264 with the assumed 33 t C/ha until session 4)
    assert got == pytest.approx(change) and change == pytest.approx(1.257)
    rate = s.xs("carbon_stock_change_rate", level="item").sum()
    assert rate == pytest.approx(change * 44 / 12 / 28)
    value = s.xs("carbon_stock_change_value", level="item").sum()
    assert value == pytest.approx(rate * 360)
    kinds = res.services.drop_duplicates("item").set_index("item")["kind"]
    assert kinds["carbon_stock_change_value"] == "monetary"
    assert kinds["carbon_stock"] == "physical"
