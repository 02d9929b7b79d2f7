"""Condition accounts (SEEA EA 2021, chapter 5): indicators at the opening and the
closing epoch, each with its reference level and the source of that level.

Indicators (``tables/condition_indicators.csv``):

* ``nature_value`` per zone × ecosystem type — the area-weighted mean NKI nature value
  (0–100) of the classes of that type, from the land-cover scheme (classes of the NKI
  land type Andet, which have no value of their own, are left out; a type of only
  such classes has no value);
* ``nki`` and ``nki_nature`` per zone — the Natural Capital Index and NKI natur,
  computed by the index's own functions (:mod:`naturkapital.nki.index`);
* ``wet_nature_share`` per zone — the share (%) of mapped area in the NKI land type
  *Eng og mose* (meadow, salt marsh, bog: the wet nature of Basemap04).

Where a reference level is given, the normalised indicator value / reference (0–1,
SEEA EA's condition index) is reported beside it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from naturkapital.accounts.typology import UNMAPPED, Typology, is_assumption
from naturkapital.io.vectors import ZONE_ID
from naturkapital.landcover.sources import Landcover
from naturkapital.nki.index import land_type_sums, nki, nki_nature, shares_and_values

INDICATORS_CSV = Path(__file__).resolve().parent / "tables" / "condition_indicators.csv"
ALL_TYPES = "all"


def indicators() -> pd.DataFrame:
    """The indicator table: key, scope, da, en, unit, reference_level, source, is_assumption."""
    t = pd.read_csv(INDICATORS_CSV, dtype={"source": str}, keep_default_na=False)
    t["reference_level"] = pd.to_numeric(t["reference_level"].replace("", np.nan))
    t["is_assumption"] = t["source"].map(is_assumption)
    return t


def _epoch_condition(classes: pd.DataFrame, lc: Landcover, typ: Typology) -> pd.DataFrame:
    """Indicator values of one epoch: rows zone_id, ecosystem_type, indicator, value.

    ``classes``: zone_id, value (class code), area_ha — the mapped area of the epoch.
    """
    tbl = lc.scheme.table
    lt = dict(zip(tbl["value"], tbl["land_type"], strict=True))
    nv = dict(zip(tbl["value"], tbl["nature_value"], strict=True))
    c = classes.copy()
    c["ecosystem_type"] = c["value"].map(typ.type_of()).fillna(UNMAPPED)
    c["value_ha"] = c["area_ha"] * c["value"].map(nv).astype(float)
    # classes of the NKI land type Andet have no nature value of their own (the index
    # gives Andet the zone's mean): they do not enter a type's mean nature value
    c["valued_ha"] = c["area_ha"].where(c["value"].map(lt) != "andet", 0.0)
    c["valued_value_ha"] = c["value_ha"].where(c["value"].map(lt) != "andet", 0.0)
    g = c.groupby([ZONE_ID, "ecosystem_type"], sort=False)[["valued_ha",
                                                             "valued_value_ha"]].sum()
    per_type = (g["valued_value_ha"] / g["valued_ha"].where(g["valued_ha"] > 0)
                ).rename("value")
    rows = [per_type.reset_index().assign(indicator="nature_value")]

    area, value_ha = land_type_sums(c[[ZONE_ID, "value", "area_ha"]], lt, nv)
    area.loc["0"] = area.sum()
    value_ha.loc["0"] = value_ha.sum()
    shares, values = shares_and_values(area, value_ha)
    tot = c.groupby(ZONE_ID)["value_ha"].sum()
    tot.loc["0"] = tot.sum()
    zone_rows = {"nki": nki(shares, values), "nki_nature": nki_nature(shares, values),
                 "wet_nature_share": 100.0 * shares["eng_mose"]}
    for key, s in zone_rows.items():
        rows.append(pd.DataFrame({ZONE_ID: s.index.astype(str), "ecosystem_type": ALL_TYPES,
                                  "value": s.to_numpy(dtype=float), "indicator": key}))
    # the national nature value per type: area-weighted over all zones
    nat = c.groupby("ecosystem_type", sort=False)[["valued_ha", "valued_value_ha"]].sum()
    rows.append(pd.DataFrame({ZONE_ID: "0", "ecosystem_type": nat.index,
                              "value": (nat["valued_value_ha"] / nat["valued_ha"].where(
                                  nat["valued_ha"] > 0)).to_numpy(),
                              "indicator": "nature_value"}))
    out = pd.concat(rows, ignore_index=True)
    return out[out["ecosystem_type"] != UNMAPPED]


def condition_account(pairs: pd.DataFrame, frm: Landcover, to: Landcover, tf: Typology,
                      tt: Typology) -> pd.DataFrame:
    """Opening and closing indicator values with reference level and index.

    Rows: zone_id, ecosystem_type (``all`` for zone indicators), indicator, opening,
    closing, change, reference_level, opening_index, closing_index.
    """
    def epoch(col: str) -> pd.DataFrame:
        c = pairs.dropna(subset=[col]).rename(columns={col: "value"})
        c["value"] = c["value"].astype(int)
        return c.groupby([ZONE_ID, "value"], as_index=False)["area_ha"].sum()

    o = _epoch_condition(epoch("from_code"), frm, tf).rename(columns={"value": "opening"})
    c = _epoch_condition(epoch("to_code"), to, tt).rename(columns={"value": "closing"})
    keys = [ZONE_ID, "ecosystem_type", "indicator"]
    out = o.merge(c, on=keys, how="outer")
    out["change"] = out["closing"] - out["opening"]
    ref = indicators().set_index("key")["reference_level"]
    out["reference_level"] = out["indicator"].map(ref)
    out["opening_index"] = out["opening"] / out["reference_level"]
    out["closing_index"] = out["closing"] / out["reference_level"]
    return out


def epoch_condition(classes: pd.DataFrame, lc: Landcover, typ: Typology) -> pd.DataFrame:
    """Indicator values of one epoch from its class areas (zone_id, value, area_ha):
    rows zone_id, ecosystem_type, indicator, value; zone ``"0"`` = all zones."""
    return _epoch_condition(classes[[ZONE_ID, "value", "area_ha"]], lc, typ)
