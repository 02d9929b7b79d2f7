"""Python API of the ecosystem accounts: :func:`compute_accounts`.

Natural capital accounts in the UN SEEA Ecosystem Accounting layout (United Nations et
al. 2021) for any zones between two land-cover epochs: the extent account (opening,
additions, reductions, net change, closing per ecosystem type), the change matrix
(from type × to type, ha) and the condition account (indicators at opening and
closing with reference levels). Areas are hectares; the all-zones row (zone_id
``"0"``) is the sum of the zones.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from naturkapital.accounts.condition import (
    ALL_TYPES,
    condition_account,
    epoch_condition,
    indicators,
)
from naturkapital.accounts.extent import (
    EXTENT_ITEMS,
    check_codes,
    extent_account,
    paired_class_areas,
    type_matrix,
    with_total,
)
from naturkapital.accounts.services import service_account
from naturkapital.accounts.typology import BY_TYPE, TYPE_KEYS, typology_for
from naturkapital.data.catalogue import CORINE_YEARS
from naturkapital.io.vectors import ZONE_ID, ZONE_NAME
from naturkapital.landcover.sources import Landcover, resolve_landcover
from naturkapital.nki.compute import NATIONAL_ID, Zones, load_zones
from naturkapital.nki.zonal import zonal_class_areas

METHOD = ("SEEA EA 2021 extent, condition and service accounts (United Nations et al. 2021, "
          "ch. 4–7) "
          "on the MAES ecosystem typology (Maes et al. 2013); exact cell coverage at zone "
          "boundaries / SEEA EA udstræknings- og tilstandsregnskaber")
SEEA_SOURCE = ("United Nations et al. (2021). System of Environmental-Economic Accounting — "
               "Ecosystem Accounting (SEEA EA), white cover version 29 Sept 2021, "
               "https://seea.un.org/ecosystem-accounting: table 4.1 physical ecosystem extent "
               "account, table 4.2 ecosystem type change matrix, chapter 5 condition accounts")
LONG_COLUMNS = [ZONE_ID, ZONE_NAME, "account", "ecosystem_type", "ecosystem_type_label",
                "item", "period", "unit", "value", "kind", "assumption"]


@dataclass
class AccountsResult:
    """The accounts of a zone set between two epochs.

    ``table``: the long table ``zone_id, name, account, ecosystem_type,
    ecosystem_type_label, item, period, unit, value, kind, assumption`` (accounts
    ``extent``, ``change_matrix``, ``condition``, ``services``; kind ``physical`` or
    ``monetary``; assumption ``yes`` when a coefficient behind the value has no
    published source). ``extent``: zone_id, ecosystem_type and the five
    items (ha). ``matrix``: zone_id, from_type, to_type, area_ha. ``condition``:
    zone_id, ecosystem_type, indicator, opening, closing, change, reference_level,
    opening_index, closing_index. ``services``: zone_id, ecosystem_type, item, period,
    unit, kind, value, assumption. ``names``: zone_id → name (``"0"`` = all zones).
    """

    table: pd.DataFrame
    extent: pd.DataFrame
    matrix: pd.DataFrame
    condition: pd.DataFrame
    services: pd.DataFrame
    zones: gpd.GeoDataFrame
    names: dict[str, str]
    meta: dict = field(default_factory=dict)

    def zone_ids(self) -> list[str]:
        """Zone ids in account order: the all-zones row first, then the zones."""
        return [NATIONAL_ID] + [z for z in self.names if z != NATIONAL_ID]


def epoch_year(lc: Landcover) -> str:
    """The year of an epoch for the period column (``CORINE 1990`` → ``1990``)."""
    m = re.search(r"(19|20)\d\d", lc.label)
    return m.group(0) if m else lc.label


def _label(key: str) -> str:
    return BY_TYPE[key].label if key in BY_TYPE else "Alle typer / All types"


def long_table(extent: pd.DataFrame, matrix: pd.DataFrame, condition: pd.DataFrame,
               services: pd.DataFrame, names: dict[str, str], y0: str, y1: str,
               condition_assumed: bool = False) -> pd.DataFrame:
    """The accounts as one long table (one value per row)."""
    period = f"{y0}-{y1}"
    ext = extent.melt(id_vars=[ZONE_ID, "ecosystem_type"], value_vars=list(EXTENT_ITEMS),
                      var_name="item", value_name="value")
    ext["account"], ext["period"], ext["unit"] = "extent", period, "ha"
    mat = matrix.rename(columns={"from_type": "ecosystem_type", "area_ha": "value"})
    mat["item"] = "to_" + mat["to_type"]
    mat["account"], mat["period"], mat["unit"] = "change_matrix", period, "ha"
    ind = indicators().set_index("key")
    cond = []
    for col, per in (("opening", y0), ("closing", y1), ("reference_level", "reference"),
                     ("opening_index", y0), ("closing_index", y1)):
        part = condition[[ZONE_ID, "ecosystem_type", "indicator", col]].rename(
            columns={col: "value"})
        idx = col.endswith("_index")
        part["item"] = part["indicator"] + ("_index" if idx else "")
        part["unit"] = "index 0–1" if idx else part["indicator"].map(ind["unit"])
        part["period"] = per
        if col == "reference_level":
            part = part.dropna(subset=["value"])
        cond.append(part)
    con = pd.concat(cond, ignore_index=True)
    con["account"] = "condition"
    con["assumption"] = np.where(
        con["indicator"].isin(["nature_value", "nki", "nki_nature"]) & condition_assumed,
        "yes", "no")
    con.loc[con["period"] == "reference", "assumption"] = con["indicator"].map(
        ind["is_assumption"]).map({True: "yes", False: "no"})
    ext["assumption"] = mat["assumption"] = "no"
    svc = services.assign(account="services")
    out = pd.concat([ext, mat, con, svc], ignore_index=True)
    out["kind"] = out["kind"].fillna("physical")
    out[ZONE_NAME] = out[ZONE_ID].map(names)
    out["ecosystem_type_label"] = out["ecosystem_type"].map(_label)
    acc = {"extent": 0, "change_matrix": 1, "condition": 2, "services": 3}
    zorder = {z: i for i, z in enumerate(names)}
    tkeys = list(TYPE_KEYS) + [ALL_TYPES]
    out = out.assign(_z=out[ZONE_ID].map(zorder), _a=out["account"].map(acc),
                     _t=out["ecosystem_type"].map({k: i for i, k in enumerate(tkeys)}))
    out = out.sort_values(["_z", "_a", "_t"], kind="stable")
    return out[LONG_COLUMNS].reset_index(drop=True)


def compute_accounts(
    from_epoch: str | Path | Landcover = "corine:1990",
    to_epoch: str | Path | Landcover = "corine:2018",
    zones: str | Path | Zones | None = None,
    id_field: str | None = None,
    name_field: str | None = None,
    scheme: str | Path | None = None,
    typology: str | Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> AccountsResult:
    """Extent, change-matrix and condition accounts of every zone and of all zones.

    Defaults: the 98 embedded municipalities (and Christiansø) from CORINE 1990 to
    CORINE 2018. Both epochs must be on one grid (two CORINE years, or one epoch twice
    for a single-epoch account such as Basemap04 2021). ``scheme``: the NKI scheme of
    user rasters (nature values for the condition account); ``typology``: class →
    ecosystem type CSV (default: the built-in one of the embedded map).
    """
    z = zones if isinstance(zones, Zones) else load_zones(zones, id_field, name_field)
    frm = from_epoch if isinstance(from_epoch, Landcover) else resolve_landcover(
        from_epoch, scheme=scheme)
    to = to_epoch if isinstance(to_epoch, Landcover) else resolve_landcover(
        to_epoch, scheme=scheme)
    tf, tt = typology_for(frm.label, typology), typology_for(to.label, typology)
    pa = paired_class_areas(z.gdf, frm, to, z.source, progress)
    check_codes(pa.pairs, frm, to, tf, tt)

    names = {NATIONAL_ID: z.total_name}
    names.update(dict(zip(z.gdf[ZONE_ID].astype(str), z.gdf[ZONE_NAME], strict=True)))
    matrix = with_total(type_matrix(pa.pairs, pa.zones, tf, tt), NATIONAL_ID)
    extent = extent_account(matrix)
    condition = condition_account(pa.pairs, frm, to, tf, tt)
    y0, y1 = epoch_year(frm), epoch_year(to)
    services, service_notes = service_account(pa.pairs, frm, to, tf, tt, y0, y1)

    used_f = pa.pairs["from_code"].dropna().astype(int).unique().tolist()
    used_t = pa.pairs["to_code"].dropna().astype(int).unique().tolist()
    scheme_notes = (frm.scheme.assumptions(np.array(used_f))
                    + to.scheme.assumptions(np.array(used_t)))
    table = long_table(extent, matrix, condition, services, names, y0, y1,
                       condition_assumed=bool(scheme_notes))
    ind = indicators()
    assumptions = list(dict.fromkeys(
        tf.assumptions(used_f) + tt.assumptions(used_t) + scheme_notes
        + [f"condition indicator {r.key}: {r.source}" for r in ind[ind["is_assumption"]]
           .itertuples()] + service_notes))
    zone_area = pa.zones["area_ha"].sum()
    meta = {
        "method": METHOD,
        "from": frm.label, "to": to.label, "period": f"{y0}-{y1}",
        "zones": z.source,
        "typology": sorted({tf.name, tt.name}),
        "scheme": sorted({frm.scheme.name, to.scheme.name}),
        "sources": [SEEA_SOURCE] + list(dict.fromkeys(tf.sources(used_f)
                                                      + tt.sources(used_t))),
        "indicators": {r.key: {"label": f"{r.da} / {r.en}", "unit": r.unit,
                               "reference_level": None if pd.isna(r.reference_level)
                               else float(r.reference_level), "source": r.source}
                       for r in ind.itertuples()},
        "assumptions": assumptions,
        "zone_area_ha": float(zone_area),
        "units": {"extent": "ha", "change_matrix": "ha", "condition": "see indicators",
                  "services": "see the unit column (t C, t CO2e/yr, kg N/yr, ha, DKK/yr)"},
    }
    return AccountsResult(table, extent, matrix, condition, services, z.gdf, names, meta)


def series_epochs(from_epoch: str | Path, to_epoch: str | Path) -> list[str]:
    """The epochs of a condition series: every embedded CORINE year from ``from_epoch``
    to ``to_epoch`` when both are CORINE years, else just the two."""
    a, b = str(from_epoch), str(to_epoch)
    if a.startswith("corine:") and b.startswith("corine:"):
        try:
            y0, y1 = int(a.split(":", 1)[1]), int(b.split(":", 1)[1])
        except ValueError:
            return [a, b]
        lo, hi = min(y0, y1), max(y0, y1)
        years = [y for y in sorted(CORINE_YEARS) if lo <= y <= hi]
        return [f"corine:{y}" for y in (years if y0 <= y1 else years[::-1])]
    return list(dict.fromkeys([a, b]))


def condition_series(
    epochs: list[str | Path],
    zones: str | Path | Zones | None = None,
    id_field: str | None = None,
    name_field: str | None = None,
    scheme: str | Path | None = None,
    typology: str | Path | None = None,
) -> pd.DataFrame:
    """Condition indicators at every epoch (one exact zonal pass per epoch).

    Rows: zone_id, ecosystem_type (``all`` for zone indicators), indicator, year,
    value. Zone ``"0"`` is all zones together.
    """
    z = zones if isinstance(zones, Zones) else load_zones(zones, id_field, name_field)
    parts = []
    for spec in epochs:
        lc = resolve_landcover(spec, scheme=scheme)
        typ = typology_for(lc.label, typology)
        areas = zonal_class_areas(z.gdf, lc, z.source)
        parts.append(epoch_condition(areas.classes, lc, typ).assign(year=epoch_year(lc)))
    return pd.concat(parts, ignore_index=True)


def wide_table(res: AccountsResult) -> pd.DataFrame:
    """One row per zone for maps (QGIS): zone area, then per ecosystem type the opening,
    closing and net change (ha), then the zone's condition indicators at opening and
    closing. Column names are ``{type}_{item}`` and ``{indicator}_{opening|closing}``."""
    ext = res.extent.pivot_table(index=ZONE_ID, columns="ecosystem_type",
                                 values=["opening", "closing", "net_change"], aggfunc="sum")
    cols = {}
    for t in TYPE_KEYS:
        for item in ("opening", "closing", "net_change"):
            cols[f"{t}_{item}_ha"] = ext[(item, t)] if (item, t) in ext.columns else 0.0
    out = pd.DataFrame(cols, index=ext.index)
    out.insert(0, "area_ha", ext["opening"].sum(axis=1))
    cond = res.condition[res.condition["ecosystem_type"] == ALL_TYPES]
    for ind in dict.fromkeys(cond["indicator"]):
        part = cond[cond["indicator"] == ind].set_index(ZONE_ID)
        out[f"{ind}_opening"] = part["opening"].reindex(out.index)
        out[f"{ind}_closing"] = part["closing"].reindex(out.index)
    out = out.reset_index()
    out.insert(1, ZONE_NAME, out[ZONE_ID].map(res.names))
    order = {z: i for i, z in enumerate(res.names)}
    return out.sort_values(ZONE_ID, key=lambda s: s.map(order)).reset_index(drop=True)
