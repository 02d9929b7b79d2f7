"""Ecosystem-service accounts (SEEA EA 2021, chapters 6–7): physical supply per zone and
ecosystem type at the opening and closing epoch, and a monetary table.

Physical, from the scenario model's coefficient tables (:mod:`naturkapital.services`,
each row with its source; unsourced rows are flagged):

* ``carbon_stock`` (t C) — Σ area × (c_above + c_below + c_soil + c_dead), InVEST
  Carbon's formula (:func:`naturkapital.services.carbon.pool_total`); CORINE classes
  take the pools of the Basemap04 class of their NKI land type;
* ``carbon_stock_change`` (t C over the period) and ``carbon_stock_change_rate``
  (t CO2e per year = change × 44/12 / years; positive = uptake). Per type this
  includes area moving between types (IPCC stock-difference method); the zone total
  is the net change of the zone;
* ``nitrogen_leaching`` (kg N per year) — Σ area × root-zone leaching of the land type;
* ``groundwater_protection_area`` (ha) — area of land types that are unfertilised
  and unsprayed (``land_management.csv``);
* ``habitat_quality_area`` (ha-equivalents) — Σ area × NKI nature value / 100, the
  habitat-hectare idea (area weighted by quality against a reference of 100).

Monetary: ``carbon_stock_change_value`` (DKK per year) = the rate × the CO2 unit
value of ``tables/unit_values.csv`` (an assumption, flagged).
Flood retention needs water-table rasters and is not part of these accounts.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from naturkapital.accounts.typology import UNMAPPED, Typology, is_assumption
from naturkapital.io.vectors import ZONE_ID
from naturkapital.landcover.sources import Landcover
from naturkapital.services.carbon import pool_total
from naturkapital.services.tables import (
    load_carbon_pools,
    load_management,
    load_nitrogen,
    pools_for_scheme,
)

UNIT_VALUES_CSV = Path(__file__).resolve().parent / "tables" / "unit_values.csv"
CO2_PER_C = 44.0 / 12.0

#: Items of the service account: label, unit, kind.
SERVICE_ITEMS: dict[str, tuple[str, str, str]] = {
    "carbon_stock": ("Kulstoflager / Carbon stock", "t C", "physical"),
    "carbon_stock_change": ("Ændring i kulstoflager / Change in carbon stock", "t C",
                            "physical"),
    "carbon_stock_change_rate": ("Årlig ændring i kulstoflager (binding +) / Carbon stock "
                                 "change per year (uptake +)", "t CO2e/yr", "physical"),
    "nitrogen_leaching": ("Kvælstofudvaskning / Nitrogen leaching", "kg N/yr", "physical"),
    "groundwater_protection_area": ("Grundvandsbeskyttende areal / Groundwater protection "
                                    "area", "ha", "physical"),
    "habitat_quality_area": ("Levestedsareal (kvalitetsvægtet) / Habitat quality area",
                             "ha-equivalents", "physical"),
    "carbon_stock_change_value": ("Værdi af ændring i kulstoflager / Value of carbon stock "
                                  "change", "DKK/yr", "monetary"),
}


def unit_values() -> pd.DataFrame:
    """The unit values (key, value, unit, source, description, is_assumption)."""
    t = pd.read_csv(UNIT_VALUES_CSV, dtype={"source": str}, keep_default_na=False)
    t["is_assumption"] = t["source"].map(is_assumption)
    return t.set_index("key")


def _epoch_supply(classes: pd.DataFrame, lc: Landcover, typ: Typology
                  ) -> tuple[pd.DataFrame, list[str]]:
    """Stocks and flows of one epoch per zone × type (zone ``"0"`` = all zones), with a
    per-row ``assumption`` flag, and the assumption notes of the coefficients used."""
    pools = pools_for_scheme(load_carbon_pools(), lc.scheme, user_given=False)
    nitrogen, manage = load_nitrogen(), load_management()
    tbl = lc.scheme.table.set_index("value")
    c = classes.copy()
    c["ecosystem_type"] = c["value"].map(typ.type_of()).fillna(UNMAPPED)
    land_type = c["value"].map(tbl["land_type"])
    c["carbon_stock"] = c["area_ha"] * c["value"].map(pool_total(pools)).astype(float)
    c["nitrogen_leaching"] = c["area_ha"] * land_type.map(
        nitrogen.table["n_leach_kg_n_per_ha_yr"]).astype(float)
    c["groundwater_protection_area"] = c["area_ha"] * (land_type.map(
        manage.table["protects_groundwater"]) == "yes")
    c["habitat_quality_area"] = c["area_ha"] * c["value"].map(tbl["nature_value"]) / 100.0
    flags = {
        "carbon_stock": c["value"].map(pools.table["is_assumption"]).astype(bool),
        "nitrogen_leaching": land_type.map(nitrogen.table["is_assumption"]).astype(bool),
        "groundwater_protection_area": land_type.map(manage.table["is_assumption"]).astype(
            bool),
        "habitat_quality_area": c["value"].map(tbl["is_assumption"]).astype(bool),
    }
    used = c.loc[c["area_ha"] > 0]
    codes = used["value"].unique().tolist()
    lts = land_type[c["area_ha"] > 0].unique().tolist()
    notes = (pools.assumptions(codes, "t C/ha") + nitrogen.assumptions(lts, "kg N/ha/yr")
             + manage.assumptions(lts))
    rows = []
    for item, flag in flags.items():
        part = c.assign(_f=flag & (c["area_ha"] > 0))
        g = part.groupby([ZONE_ID, "ecosystem_type"], sort=False).agg(
            value=(item, "sum"), assumption=("_f", "any")).reset_index()
        nat = part.groupby("ecosystem_type", sort=False).agg(
            value=(item, "sum"), assumption=("_f", "any")).reset_index()
        nat.insert(0, ZONE_ID, "0")
        rows.append(pd.concat([g, nat], ignore_index=True).assign(item=item))
    out = pd.concat(rows, ignore_index=True)
    return out[out["ecosystem_type"] != UNMAPPED], notes


def service_account(pairs: pd.DataFrame, frm: Landcover, to: Landcover, tf: Typology,
                    tt: Typology, y0: str, y1: str) -> tuple[pd.DataFrame, list[str]]:
    """Long rows zone_id, ecosystem_type, item, period, unit, kind, value, assumption
    (``yes``/``no``) and the assumption notes."""
    def epoch(col: str) -> pd.DataFrame:
        c = pairs.dropna(subset=[col]).rename(columns={col: "value"})
        c["value"] = c["value"].astype(int)
        return c.groupby([ZONE_ID, "value"], as_index=False)["area_ha"].sum()

    o, notes_o = _epoch_supply(epoch("from_code"), frm, tf)
    c, notes_c = _epoch_supply(epoch("to_code"), to, tt)
    keys = [ZONE_ID, "ecosystem_type", "item"]
    both = o.merge(c, on=keys, how="outer", suffixes=("_o", "_c"))
    for col in ("value_o", "value_c"):
        both[col] = both[col].fillna(0.0)
    for col in ("assumption_o", "assumption_c"):
        both[col] = both[col].fillna(False).astype(bool)
    rows = [both[keys + ["value_o", "assumption_o"]].rename(
                columns={"value_o": "value", "assumption_o": "assumption"}).assign(period=y0),
            both[keys + ["value_c", "assumption_c"]].rename(
                columns={"value_c": "value", "assumption_c": "assumption"}).assign(period=y1)]
    carbon = both[both["item"] == "carbon_stock"]
    flag = carbon["assumption_o"] | carbon["assumption_c"]
    change = carbon["value_c"] - carbon["value_o"]
    try:
        years = abs(int(y1) - int(y0))
    except ValueError:
        years = 0
    period = f"{y0}-{y1}"
    base = carbon[[ZONE_ID, "ecosystem_type"]]
    rows.append(base.assign(item="carbon_stock_change", value=change, assumption=flag,
                            period=period))
    seq = change * CO2_PER_C / years if years > 0 else change * np.nan
    rows.append(base.assign(item="carbon_stock_change_rate", value=seq, assumption=flag,
                            period=f"{period} mean"))
    uv = unit_values().loc["co2_unit_value_dkk_per_t_co2e"]
    rows.append(base.assign(item="carbon_stock_change_value", value=seq * float(uv["value"]),
                            assumption=flag | bool(uv["is_assumption"]),
                            period=f"{period} mean"))
    out = pd.concat(rows, ignore_index=True)
    out["unit"] = out["item"].map({k: v[1] for k, v in SERVICE_ITEMS.items()})
    out["kind"] = out["item"].map({k: v[2] for k, v in SERVICE_ITEMS.items()})
    out["assumption"] = np.where(out["assumption"], "yes", "no")
    notes = list(dict.fromkeys(notes_o + notes_c))
    if uv["is_assumption"]:
        notes.append(f"unit value co2_unit_value_dkk_per_t_co2e {uv['value']:g} {uv['unit']}: "
                     f"{uv['source']}")
    return out, notes
