"""Evaluate a scenario: every service and the NKI per zone, baseline and scenario.

:func:`evaluate_scenario` is the Python API behind ``naturkapital scenario evaluate``
and ``scenario report``. It returns a long table with one row per zone and
indicator — ``zone_id, indicator, unit, baseline, scenario, delta, source`` plus
``name, label, assumption, note`` — and everything the report needs.

Units: areas ha, carbon t C, greenhouse gases t CO2e per year, nitrogen kg N per
year, water m³, money DKK, the index 0–100.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from naturkapital.core.errors import InputError
from naturkapital.core.jsonable import jsonable, records
from naturkapital.io.local import InMemory, Source, source_name
from naturkapital.io.vectors import ZONE_ID, ZONE_NAME, read_vector
from naturkapital.landcover.sources import Landcover, resolve_landcover
from naturkapital.lowland.rules import EmissionFactors, load_emission_factors, load_rules
from naturkapital.nki.compute import Zones, load_zones
from naturkapital.nki.zonal import zonal_class_areas
from naturkapital.scenario.apply import (
    PIECE_ID,
    Applied,
    apply_conversions,
    clip_to,
    move_areas,
    piece_moves,
)
from naturkapital.scenario.lowland_check import RewettingCheck, check_rewetting
from naturkapital.scenario.read import CONV_ID, TO_CLASS, read_scenario, resolve_scenario_path
from naturkapital.services import biodiversity, flood, ghg, groundwater, nitrogen
from naturkapital.services import carbon as carbon_service
from naturkapital.services.costs import NOTE as COST_NOTE
from naturkapital.services.costs import cost_per_ha, is_rewetting
from naturkapital.services.tables import (
    load_carbon_pools,
    load_costs,
    load_management,
    load_nitrogen,
    load_parameters,
    nitrogen_table,
    pools_for_scheme,
)
from naturkapital.services.uncertainty import Bundle, Propagation, Values, propagate

TOTAL_ID = "0"
#: Entries of ``ScenarioResult.meta`` that name input files.
INPUT_FILES = ("zones", "carbon_pools", "carbon", "water_table", "peat_depth", "groundwater")
TOTAL_NAME = "I alt (total)"


@dataclass(frozen=True)
class Indicator:
    """One indicator: key, unit, Danish and English label."""

    key: str
    unit: str
    da: str
    en: str


INDICATORS: tuple[Indicator, ...] = (
    Indicator("carbon_stock_t_c", "t C", "Kulstoflager", "carbon stock"),
    Indicator("ghg_organic_soils_t_co2e_per_year", "t CO2e/yr",
              "Drivhusgas fra organisk jord", "greenhouse gases from organic soils"),
    Indicator("nitrogen_leaching_kg_n_per_year", "kg N/yr", "Kvælstofudvaskning",
              "nitrogen leaching"),
    Indicator("nitrogen_removal_kg_n_per_year", "kg N/yr",
              "Kvælstoffjernelse på genvådgjort lavbund", "N removal on rewetted lowland"),
    Indicator("nitrogen_load_kg_n_per_year", "kg N/yr", "Kvælstofbelastning, netto",
              "net nitrogen load"),
    Indicator("groundwater_protected_ha", "ha", "Grundvandsbeskyttelse: areal uden gødning "
              "og sprøjtning", "groundwater protection: unfertilised area"),
    Indicator("flood_retention_m3", "m3", "Vandtilbageholdelse ved genvådgøring",
              "flood mitigation: water retained"),
    Indicator("nki", "0-100", "Naturkapitalindeks", "Natural Capital Index"),
    Indicator("nki_nature", "0-100", "NKI natur", "NKI nature only"),
    Indicator("converted_area_ha", "ha", "Omlagt areal", "converted area"),
    Indicator("rewetted_area_ha", "ha", "Genvådgjort areal", "rewetted area"),
    Indicator("cost_dkk", "DKK", "Omkostning (anslået)", "cost (indicative)"),
)
BY_KEY = {i.key: i for i in INDICATORS}
INTERVAL_COLUMNS = ["baseline_low", "baseline_high", "scenario_low", "scenario_high",
                    "delta_low", "delta_high"]
TABLE_COLUMNS = ["zone_id", "indicator", "unit", "baseline", "scenario", "delta", "source",
                 "name", "label", "assumption", "note", *INTERVAL_COLUMNS]
LEACH, REMOVAL, LOAD = ("nitrogen_leaching_kg_n_per_year", "nitrogen_removal_kg_n_per_year",
                        "nitrogen_load_kg_n_per_year")
FLOOD, GHG, COST = "flood_retention_m3", "ghg_organic_soils_t_co2e_per_year", "cost_dkk"
#: The indicators each coefficient group moves (see services/uncertainty.py).
DEPENDS: dict[str, set[str]] = {"pools": {"carbon_stock_t_c"}, "nitrogen": {LEACH, LOAD},
                                "params": {REMOVAL, LOAD, FLOOD}, "factors": {GHG},
                                "costs": {COST}}
DEPENDS_ALL = set().union(*DEPENDS.values())


@dataclass
class ScenarioResult:
    """Everything about one evaluated scenario.

    ``table``: the long indicator table (see module docstring). ``conversions``: the
    scenario polygons (file CRS) with per-conversion ``area_ha``, ``converted_ha``,
    ``rewetted_ha``, ``to_land_type``, ``cost_dkk``. ``lowland``: the checks of the
    rewetting conversions. ``shares``/``values``: NKI land-type shares (fractions) and
    nature values per zone, keys ``baseline``/``scenario``. ``meta``: inputs,
    method, assumptions and notes.
    """

    table: pd.DataFrame
    conversions: gpd.GeoDataFrame
    zones: gpd.GeoDataFrame
    applied: Applied
    lowland: list[RewettingCheck]
    shares: dict[str, pd.DataFrame]
    values: dict[str, pd.DataFrame]
    names: dict[str, str]
    landcover: Landcover
    meta: dict = field(default_factory=dict)
    sensitivity: pd.DataFrame = field(default_factory=pd.DataFrame)

    def value(self, zone_id: str, indicator: str, column: str = "delta") -> float:
        """One number of the table (NaN if absent)."""
        t = self.table
        hit = t[(t[ZONE_ID] == str(zone_id)) & (t["indicator"] == indicator)]
        return float(hit[column].iloc[0]) if not hit.empty else float("nan")

    def to_dict(self, scenario: str | None = None) -> dict[str, Any]:
        """The result as JSON-ready parts, the single serialisation used by the CLI, the
        HTTP API and the ``scenario-evaluate`` process: ``table`` (rows of the long
        table), ``zones`` (``zone_id``, ``name``), ``lowland`` (each
        :meth:`RewettingCheck.to_dict`) and ``meta``. With ``scenario`` (the name to
        show, e.g. ``demo:byn_so`` or ``upload``) the meta shows it instead of the
        scenario's path, and every other input file by its name only, so a server
        reveals none of its paths."""
        meta = dict(self.meta)
        if scenario is not None:
            meta["scenario"] = scenario
            for k in INPUT_FILES:
                if meta.get(k) and Path(str(meta[k])).is_absolute():
                    meta[k] = Path(str(meta[k])).name
        return {"table": records(self.table),
                "zones": [{"zone_id": z, "name": n} for z, n in self.names.items()],
                "lowland": [c.to_dict() for c in self.lowland], "meta": jsonable(meta)}

    def main_zone(self) -> str:
        """The zone with the most converted area, where the NKI diagrams of the report
        and the web editor look by default; the total (zone ``0``) when nothing is
        converted. Ties go to the zone listed first."""
        t = self.table[(self.table["indicator"] == "converted_area_ha")
                       & (self.table[ZONE_ID] != TOTAL_ID)]
        ha = t["scenario"].fillna(0.0)
        if t.empty or not (ha > 0).any():
            return TOTAL_ID
        return str(t[ZONE_ID].iloc[int(ha.to_numpy().argmax())])


def scenario_zones(conversions: gpd.GeoDataFrame, zones: str | Path | Zones | None,
                   id_field: str | None, name_field: str | None, source: str) -> Zones:
    """The user's zones, or the embedded municipalities the scenario touches."""
    if isinstance(zones, Zones):
        return zones
    if zones is not None:
        return load_zones(zones, id_field, name_field)
    z = load_zones()
    union = shapely.union_all(conversions.to_crs(z.gdf.crs).geometry.values)
    hit = z.gdf[z.gdf.intersects(union)].reset_index(drop=True)
    if hit.empty:
        raise InputError(source, "the conversions lie outside the embedded municipalities "
                                 "(check the CRS, or give --zones)")
    return Zones(hit, "embedded municipalities 2014 touched by the scenario", z.unranked,
                 TOTAL_NAME)


def evaluate_scenario(
    scenario: Source,
    landcover: str | Path | Landcover = "basemap2021",
    year: int | None = None,
    scheme: str | Path | None = None,
    carbon_pools: str | Path | None = None,
    zones: str | Path | Zones | None = None,
    id_field: str | None = None,
    name_field: str | None = None,
    carbon: Source | None = None,
    water_table: str | Path | None = None,
    peat_depth: str | Path | None = None,
    groundwater_layer: Source | None = None,
    progress: Callable[[int], None] | None = None,
    soil: str = "national",
) -> ScenarioResult:
    """Evaluate a scenario file (or ``demo:NAME``) per zone and for all zones together.

    ``carbon``: organic-carbon raster (% OC) for the greenhouse-gas indicator and the
    lowland check; ``water_table`` (GVSmax, cm, negative below the surface) and
    ``peat_depth`` (cm) complete the lowland check; ``groundwater_layer``: polygons
    of groundwater protection; ``soil``: ``national``, ``sand`` or ``clay`` — the
    nitrogen-leaching table of the field land type (:data:`naturkapital.services.tables.
    SOILS`). Every input problem raises :class:`InputError`.
    """
    source = str(scenario)
    n_path = nitrogen_table(soil)
    if (water_table is None) != (peat_depth is None):
        raise InputError("--water-table" if water_table is None else "--peat-depth",
                         "give both --water-table and --peat-depth (the lowland check needs "
                         "both), or neither")
    if (water_table is not None) and carbon is None:
        raise InputError("--carbon", "--water-table and --peat-depth need the --carbon raster "
                                     "(its grid is the lowland check's grid)")
    lc = landcover if isinstance(landcover, Landcover) else resolve_landcover(
        landcover, year, scheme)
    bundle = Bundle(pools=load_carbon_pools(carbon_pools), nitrogen=load_nitrogen(n_path),
                    params=load_parameters(), factors=load_emission_factors(),
                    costs=load_costs())
    user_pools = carbon_pools is not None
    pools = pools_for_scheme(bundle.pools, lc.scheme, user_pools)
    n_table, params, factors = bundle.nitrogen, bundle.params, bundle.factors
    mgmt, rules = load_management(), load_rules()
    conv = read_scenario(scenario, lc.scheme)
    z = scenario_zones(conv, zones, id_field, name_field, source)
    applied = apply_conversions(z.gdf, conv, lc, z.source, source, progress)

    tbl = lc.scheme.table
    lt_of = dict(zip(tbl["value"].astype(int), tbl["land_type"], strict=True))
    m = mgmt.table
    moves = applied.moves.copy()
    moves["from_lt"] = moves["from_value"].map(lt_of)
    moves["to_lt"] = moves["to_value"].map(lt_of)
    moves["changed"] = moves["from_value"] != moves["to_value"]
    moves["rewet"] = is_rewetting(moves["changed"].to_numpy(), moves["from_lt"],
                                  moves["to_lt"], mgmt)
    ids = list(z.gdf[ZONE_ID]) + [TOTAL_ID]
    zids = ids[:-1]
    names = dict(zip(z.gdf[ZONE_ID], z.gdf[ZONE_NAME], strict=True))
    names[TOTAL_ID] = TOTAL_NAME if zones is None else "Alle zoner (all zones)"
    rows: dict[str, dict] = {}
    assumptions: dict[str, list[str]] = {}
    notes: dict[str, str] = {}

    def total(s: pd.Series, additive: bool = True) -> pd.Series:
        """Per zone, and the total (NaN when no zone has a value) unless not additive."""
        v = s.reindex(zids).to_numpy(dtype=float)
        if not additive:
            return pd.Series(v, index=zids)
        tot = np.nan if np.isnan(v).all() else float(np.nansum(v))
        return pd.Series(np.append(v, tot), index=ids)

    def put(key: str, before: pd.Series, after: pd.Series, src: str,
            notes_used: list[str], note: str = "", additive: bool = True) -> None:
        rows[key] = {"baseline": total(before, additive), "scenario": total(after, additive),
                     "source": src}
        assumptions[key] = list(dict.fromkeys(notes_used))
        notes[key] = note

    zero = pd.Series(0.0, index=zids)
    used_lt = set(moves["from_lt"]) | set(moves["to_lt"])
    base_lt = set(applied.baseline["value"].map(lt_of))
    rewet_ha = moves[moves["rewet"]].groupby(ZONE_ID)["area_ha"].sum().reindex(
        zids, fill_value=0.0)

    # lowland check of the rewetting conversions (also gives GVSmax before)
    rew_conv = moves[moves["rewet"]].groupby(CONV_ID)["area_ha"].sum()
    rot = moves[moves["rewet"]].assign(
        rot=lambda d: d["from_lt"].map(m["in_rotation"]) == "yes").groupby(CONV_ID).apply(
        lambda d: bool(d.loc[d["rot"], "area_ha"].sum() >= 0.5 * d["area_ha"].sum()),
        include_groups=False) if not rew_conv.empty else pd.Series(dtype=bool)
    default_note = params.assumption("gvsmax_before_cm")
    checks = check_rewetting(conv, rew_conv.to_dict(), rot.to_dict(), lc, rules, factors,
                             params["gvsmax_before_cm"], default_note,
                             _path(carbon), _path(water_table), _path(peat_depth))
    target = rules["target_water_table_cm"]
    rw = moves[moves["rewet"]]
    gv_found = {c.conv_id: c.gvsmax_before_cm for c in checks}
    gv_assumed = {c.conv_id for c in checks if c.gvsmax_basis.startswith("assumed")}
    rw_area = rw["area_ha"].to_numpy(dtype=float)
    rw_gv = rw[CONV_ID].map(gv_found).to_numpy(dtype=float)
    rw_assumed = rw[CONV_ID].isin(gv_assumed).to_numpy()
    rw_zone = pd.Index(zids).get_indexer(rw[ZONE_ID])
    jobs = _ghg_jobs(conv, z, applied, moves, lc, lt_of, _path(carbon), zids, factors.version)

    def coef_values(b: Bundle, keys: set[str]) -> Values:
        """The indicators that depend on coefficients, for the coefficients ``b``."""
        out: Values = {}
        if "carbon_stock_t_c" in keys:
            pl = pools_for_scheme(b.pools, lc.scheme, user_pools)
            out["carbon_stock_t_c"] = tuple(  # type: ignore[assignment]
                carbon_service.carbon_stock(c, pl).reindex(zids, fill_value=0.0)
                for c in (applied.baseline, applied.scenario))
        if keys & {LEACH, LOAD}:
            lb, la = (nitrogen.leaching(c, lt_of, b.nitrogen).reindex(zids, fill_value=0.0)
                      for c in (applied.baseline, applied.scenario))
            out[LEACH] = (lb, la)
        if keys & {REMOVAL, LOAD}:
            rem = nitrogen.removal(rewet_ha, b.param("n_removal_rewetted_kg_n_per_ha_yr"))
            out[REMOVAL] = (zero, rem)
        if LOAD in keys:
            out[LOAD] = (lb, la - rem)
        if FLOOD in keys:
            gv = np.where(rw_assumed, b.param("gvsmax_before_cm"), rw_gv)
            m3 = flood.retention_m3(rw_area, flood.water_table_rise_m(gv, target),
                                    b.param("drainable_porosity"))
            out[FLOOD] = (zero, pd.Series(np.bincount(rw_zone, weights=m3,
                                                      minlength=len(zids)), index=zids))
        if GHG in keys:
            gb, ga, _ = _ghg_values(jobs, mgmt, b.factors, zids)
            out[GHG] = (gb, ga)
        if COST in keys:
            out[COST] = (zero, _costs(moves, b.costs, rules, mgmt)[0].reindex(zids, fill_value=0.0))
        return {k: (total(v[0]), total(v[1])) for k, v in out.items()}

    central = coef_values(bundle, set(DEPENDS_ALL))

    # carbon stock (InVEST Carbon formula)
    put("carbon_stock_t_c", *central["carbon_stock_t_c"],
        f"InVEST Carbon formula Σ area × (c_above+c_below+c_soil+c_dead); pools: "
        f"{pools.path.name}",
        carbon_service.carbon_assumptions(pd.concat([applied.baseline, applied.scenario]), pools))

    # nitrogen
    n_notes = n_table.assumptions(sorted(used_lt | base_lt), "kg N/ha/yr")
    put(LEACH, *central[LEACH], f"Σ area × leaching per land type; {n_table.path.name}",
        n_notes)
    rate = params["n_removal_rewetted_kg_n_per_ha_yr"]
    rem_notes = params.assumptions(["n_removal_rewetted_kg_n_per_ha_yr"]) \
        + mgmt.assumptions(sorted(used_lt), "water table (rewetting)")
    put(REMOVAL, *central[REMOVAL],
        f"rewetted area × {rate:g} kg N/ha/yr; {params.path.name}", rem_notes,
        "Kun ny fjernelse på genvådgjort areal tælles (only new removal on rewetted area "
        "is counted; baseline 0).")
    put(LOAD, *central[LOAD], "leaching − removal", n_notes + rem_notes)

    # groundwater protection
    gw_b, gw_a, gw_note, gw_src, gw_notes = _groundwater(groundwater_layer, z, applied, lc,
                                                         lt_of, mgmt, zids)
    put("groundwater_protected_ha", gw_b, gw_a, gw_src, gw_notes, gw_note)

    # flood mitigation
    fl_notes = params.assumptions(["drainable_porosity"]) + [
        a for c in checks if c.gvsmax_basis.startswith("assumed")
        for a in params.assumptions(["gvsmax_before_cm"])] + rules.assumptions(
        ["target_water_table_cm"])
    put(FLOOD, *central[FLOOD],
        f"rewetted area × rise to {target:g} cm ({rules.version}) × drainable porosity "
        f"{params['drainable_porosity']:g}", fl_notes,
        "Vandstand før (water table before): " + ", ".join(
            f"{c.conv_id} {c.gvsmax_before_cm:g} cm ({c.gvsmax_basis})" for c in checks)
        if checks else "Ingen genvådgøring (no rewetting).")

    # greenhouse gases from organic soils
    put(GHG, *central[GHG], jobs.src, _ghg_values(jobs, mgmt, factors, zids)[2], jobs.note)

    # biodiversity: NKI, NKI natur
    area_b, val_b = biodiversity.land_type_tables(applied.baseline, lc.scheme, TOTAL_ID)
    area_a, val_a = biodiversity.land_type_tables(applied.scenario, lc.scheme, TOTAL_ID)
    nb, sh_b, va_b = biodiversity.index_table(area_b.reindex(ids, fill_value=0.0),
                                              val_b.reindex(ids, fill_value=0.0))
    na, sh_a, va_a = biodiversity.index_table(area_a.reindex(ids, fill_value=0.0),
                                              val_a.reindex(ids, fill_value=0.0))
    used_classes = pd.concat([applied.baseline, applied.scenario])
    used_classes = used_classes.loc[used_classes["area_ha"] > 0, "value"].unique()
    nki_notes = lc.scheme.assumptions(used_classes)
    for key in ("nki", "nki_nature"):
        put(key, nb[key], na[key], f"NKI (DCE/DN), open-data method, nature values of scheme "
                                   f"'{lc.scheme.name}'", nki_notes, additive=False)
        rows[key]["baseline"] = nb[key].reindex(ids)
        rows[key]["scenario"] = na[key].reindex(ids)

    # areas and cost
    conv_ha = moves[moves["changed"]].groupby(ZONE_ID)["area_ha"].sum().reindex(
        zids, fill_value=0.0)
    put("converted_area_ha", zero, conv_ha, "exact class areas of zone ∩ conversion "
                                            "(exactextract)", [])
    put("rewetted_area_ha", zero, rewet_ha,
        "conversions from drained to wet land types (land_management.csv)",
        mgmt.assumptions(sorted(used_lt), "water table (rewetting)"))
    _, cost_conv, c_notes, c_note = _costs(moves, bundle.costs, rules, mgmt)
    put(COST, *central[COST],
        f"rewetting: Klimaskovfonden maximum support {rules['max_support_dkk_per_ha']:,.0f} "
        f"DKK/ha ({rules.version}); other conversions: {bundle.costs.path.name}", c_notes,
        c_note)

    prop = propagate(coef_values, bundle, DEPENDS, {FLOOD})
    table = _long_table(rows, ids, names, assumptions, notes, prop)
    conv_out = _conversion_summary(conv, moves, lt_of, cost_conv)
    all_assumptions = list(dict.fromkeys(a for k in rows for a in assumptions[k]))
    for c in checks:
        all_assumptions += [a for a in c.assumptions if a not in all_assumptions]
    meta = {
        "scenario": str(resolve_scenario_path(scenario)),
        "landcover": lc.label,
        "scheme": lc.scheme.name,
        "zones": z.source,
        "carbon_pools": str(pools.path),
        "soil": soil,
        "carbon": str(carbon) if carbon else None,
        "water_table": str(water_table) if water_table else None,
        "peat_depth": str(peat_depth) if peat_depth else None,
        "groundwater": str(groundwater_layer) if groundwater_layer else None,
        "rules": rules.version,
        "emission_factors": factors.version,
        "outside_zones_ha": applied.outside_ha,
        "assumptions": all_assumptions,
        "notes": {k: v for k, v in notes.items() if v},
        "units": {i.key: i.unit for i in INDICATORS},
        "method": "Scenario = conversions applied to exact per-zone class areas (overlay "
                  "zones × conversions, exactextract); services from coefficient tables "
                  "with sources; NKI with the open-data method.",
        "intervals": {"what": "*_low/*_high: the result when the coefficients vary within "
                              "their ranges (columns low/high of the coefficient tables)",
                      **prop.method},
    }
    return ScenarioResult(table=table, conversions=conv_out, zones=z.gdf, applied=applied,
                          lowland=checks, shares={"baseline": sh_b, "scenario": sh_a},
                          values={"baseline": va_b, "scenario": va_a}, names=names,
                          landcover=lc, meta=meta, sensitivity=prop.swings)


def _path(p: Source | None) -> Path | InMemory | None:
    return p if p is None or isinstance(p, InMemory) else Path(p)


def _groundwater(layer: Source | None, z: Zones, applied: Applied, lc: Landcover,
                 lt_of: dict[int, str], mgmt, zone_ids: list[str]
                 ) -> tuple[pd.Series, pd.Series, str, str, list[str]]:
    nan = pd.Series(np.nan, index=zone_ids)
    if layer is None:
        return (nan, nan, "Ikke beregnet (not computed): no groundwater-protection layer "
                          "given (--groundwater).", "no layer", [])
    p = _path(layer)
    gw = read_vector(p)
    if gw.crs is None:
        raise InputError(p, "no CRS (coordinate reference system) is set; define one, e.g. "
                            "EPSG:25832")
    kinds = set(gw.geom_type.dropna().unique())
    if not kinds <= {"Polygon", "MultiPolygon"}:
        raise InputError(p, f"groundwater-protection areas must be polygons, found "
                            f"{', '.join(sorted(kinds))}")
    if not gw.geometry.is_valid.all():
        raise InputError(p, "invalid geometry in the groundwater-protection layer (repair it, "
                            "e.g. QGIS 'Fix geometries')")
    mask = shapely.union_all(gw.to_crs(applied.crs).geometry.values)
    zr = clip_to(z.gdf[[ZONE_ID, "geometry"]].to_crs(applied.crs), mask)
    src = f"unfertilised land types (land_management.csv) inside {source_name(p)}"
    used = sorted(set(lt_of.values()))
    notes = mgmt.assumptions(used, "groundwater protection")
    if zr.empty:
        zero = pd.Series(0.0, index=zone_ids)
        return zero, zero, "Ingen zone ligger i beskyttelsesområdet (no zone inside the " \
                           "layer).", src, notes
    base = zonal_class_areas(zr, lc, str(p)).classes
    pieces_gw = clip_to(applied.pieces, mask)
    moves_gw = piece_moves(pieces_gw, lc, str(p)) if not pieces_gw.empty else \
        applied.moves.iloc[0:0]
    scen = move_areas(base, moves_gw)
    b = groundwater.protected_area(base, lt_of, mgmt).reindex(zone_ids, fill_value=0.0)
    a = groundwater.protected_area(scen, lt_of, mgmt).reindex(zone_ids, fill_value=0.0)
    return b, a, "", src, notes


@dataclass
class _GhgJobs:
    """The organic-soil cells to weigh with the emission factors, extracted once.

    Each job is ``(zone, part, sign, area_ha, oc, land_types, keep_notes)``: ``part``
    ``before`` adds to the baseline, ``delta`` to the change. ``computed`` is False when
    there is no organic-carbon data at all.
    """

    jobs: list[tuple]
    covered: pd.Series
    src: str
    note: str
    computed: bool


def _ghg_jobs(conv: gpd.GeoDataFrame, z: Zones, applied: Applied, moves: pd.DataFrame,
              lc: Landcover, lt_of: dict[int, str], carbon_path: Path | None,
              zone_ids: list[str], version: str) -> _GhgJobs:
    """The cells of each zone and conversion piece (see :mod:`naturkapital.services.ghg`)."""
    oc_attr = dict(zip(conv[CONV_ID], conv["oc_pct"], strict=True))
    pieces = applied.pieces
    with_attr = [p for p, c in zip(pieces[PIECE_ID], pieces[CONV_ID], strict=True)
                 if np.isfinite(oc_attr.get(c, np.nan))]
    src = f"SEGES emission factors ({version}, via the lowland module) × area of organic " \
          "soil by land-use situation (land_management.csv)"
    covered = pd.Series(carbon_path is not None, index=zone_ids)
    if carbon_path is None and not with_attr:
        return _GhgJobs([], covered, src, "Ikke beregnet (not computed): no organic-carbon "
                        "data — give --carbon (OC % raster, e.g. Kulstof 2022) or an oc_pct "
                        "field on the conversions.", False)

    def lts(values: np.ndarray) -> np.ndarray:
        return np.array([lt_of.get(int(v)) for v in values], dtype=object)

    jobs: list[tuple] = []
    if carbon_path is not None:
        zc = ghg.extract_cells(z.gdf[[ZONE_ID, "geometry"]], ZONE_ID, carbon_path, lc)
        for zid in zone_ids:
            c = zc.get(zid)
            if c is not None:
                jobs.append((zid, "before", 1.0, c.area_ha, c.oc, lts(c.value), True))
        pc = ghg.extract_cells(pieces[[PIECE_ID, "geometry"]], PIECE_ID, carbon_path, lc)
    else:
        pc = {}
    to_of = dict(zip(pieces[PIECE_ID], pieces[TO_CLASS], strict=True))
    zone_of = dict(zip(pieces[PIECE_ID], pieces[ZONE_ID], strict=True))
    conv_of = dict(zip(pieces[PIECE_ID], pieces[CONV_ID], strict=True))
    skipped = 0
    for pid in pieces[PIECE_ID]:
        zid = zone_of[pid]
        if pid in with_attr:
            mv = moves[moves[PIECE_ID] == pid]
            oc = np.full(len(mv), oc_attr[conv_of[pid]])
            area = mv["area_ha"].to_numpy()
            before_lt, after_lt = lts(mv["from_value"].to_numpy()), lts(mv["to_value"].to_numpy())
            if pid in pc:  # the attribute replaces the raster inside this conversion
                c = pc[pid]
                jobs.append((zid, "before", -1.0, c.area_ha, c.oc, lts(c.value), False))
            jobs.append((zid, "before", 1.0, area, oc, before_lt, False))
            covered[zid] = True
        elif pid in pc:
            c = pc[pid]
            area, oc = c.area_ha, c.oc
            before_lt = lts(c.value)
            after_lt = lts(np.where(c.value != 0, to_of[pid], 0))
        else:
            skipped += carbon_path is None
            continue
        jobs.append((zid, "delta", 1.0, area, oc, after_lt, True))
        jobs.append((zid, "delta", -1.0, area, oc, before_lt, True))
    note = ""
    if carbon_path is None:
        note = ("Kun konverteringsarealer med oc_pct (only conversion areas with an oc_pct "
                "field are counted; no --carbon raster).")
        if skipped:
            note += f" {skipped} konverteringsstykke(r) uden oc_pct er ikke medregnet " \
                    f"({skipped} piece(s) without oc_pct not counted)."
    elif with_attr:
        note = "oc_pct på konverteringer erstatter kulstofkortet dér (oc_pct fields replace " \
               "the carbon raster inside their conversions)."
    src += f"; OC from {carbon_path.name if carbon_path else 'oc_pct fields'}"
    return _GhgJobs(jobs, covered, src, note, True)


def _ghg_values(g: _GhgJobs, mgmt, factors: EmissionFactors, zone_ids: list[str]
                ) -> tuple[pd.Series, pd.Series, list[str]]:
    """Baseline and scenario t CO2e/yr per zone for the factors, and the assumption notes."""
    if not g.computed:
        nan = pd.Series(np.nan, index=zone_ids)
        return nan, nan, []
    before = pd.Series(0.0, index=zone_ids)
    delta = pd.Series(0.0, index=zone_ids)
    notes: list[str] = []
    for zid, part, sign, area, oc, lts, keep in g.jobs:
        f = ghg.flux(area, oc, lts, mgmt, factors)
        (before if part == "before" else delta)[zid] += sign * f.t_co2e
        if keep:
            notes += f.assumptions
    after = before + delta
    return before.where(g.covered), after.where(g.covered), list(dict.fromkeys(notes))


def _costs(moves: pd.DataFrame, costs, rules, mgmt) -> tuple[pd.Series, dict[str, float],
                                                              list[str], str]:
    """Cost per zone and per conversion (DKK), by the one cost model
    (:func:`naturkapital.services.costs.cost_per_ha`)."""
    ch = moves[moves["changed"]].copy()
    if ch.empty:
        return pd.Series(dtype=float), {}, [], ""
    rate, rewet = cost_per_ha(ch["changed"].to_numpy(), ch["from_lt"], ch["to_lt"], costs,
                              rules, mgmt)
    ch["dkk"] = ch["area_ha"].to_numpy() * rate
    not_costed = sorted(set(ch.loc[~rewet & np.isnan(rate), "to_lt"]))
    ch["dkk"] = ch["dkk"].fillna(0.0)
    used = sorted(set(ch.loc[~rewet, "to_lt"]))
    notes = costs.assumptions(used, "DKK/ha")
    note = COST_NOTE
    if not_costed:
        note += f" Ikke prissat (not costed): {', '.join(not_costed)}."
    return (ch.groupby(ZONE_ID)["dkk"].sum(), ch.groupby(CONV_ID)["dkk"].sum().to_dict(),
            notes, note)


def _long_table(rows: dict[str, dict], ids: list[str], names: dict[str, str],
                assumptions: dict[str, list[str]], notes: dict[str, str],
                prop: Propagation) -> pd.DataFrame:
    out = []
    for zid in ids:
        for ind in INDICATORS:
            r = rows[ind.key]
            b = float(r["baseline"].get(zid, np.nan))
            a = float(r["scenario"].get(zid, np.nan))
            d = a - b if np.isfinite(a) and np.isfinite(b) else np.nan
            iv = prop.intervals.get(ind.key)
            bounds = {}
            for part, v in (("baseline", b), ("scenario", a), ("delta", d)):
                lo, hi = (float(iv[part][0].get(zid, np.nan)),
                          float(iv[part][1].get(zid, np.nan))) if iv else (v, v)
                bounds[f"{part}_low"], bounds[f"{part}_high"] = lo, hi
            notes_used = assumptions[ind.key]
            out.append({**bounds,
                "zone_id": zid, "indicator": ind.key, "unit": ind.unit, "baseline": b,
                "scenario": a, "delta": a - b if np.isfinite(a) and np.isfinite(b) else np.nan,
                "source": r["source"], "name": names[zid], "label": f"{ind.da} ({ind.en})",
                "assumption": ("yes: " + "; ".join(notes_used)) if notes_used else "no",
                "note": notes[ind.key],
            })
    return pd.DataFrame(out, columns=TABLE_COLUMNS)


def _conversion_summary(conv: gpd.GeoDataFrame, moves: pd.DataFrame, lt_of: dict[int, str],
                        cost_conv: dict[str, float]) -> gpd.GeoDataFrame:
    out = conv.copy()
    metric = out.to_crs(out.estimate_utm_crs()) if not out.crs.is_projected else out
    out["area_ha"] = metric.geometry.area.to_numpy() / 10_000.0
    g = moves.groupby(CONV_ID)
    out["mapped_ha"] = out[CONV_ID].map(g["area_ha"].sum()).fillna(0.0)
    out["converted_ha"] = out[CONV_ID].map(
        moves[moves["changed"]].groupby(CONV_ID)["area_ha"].sum()).fillna(0.0)
    out["rewetted_ha"] = out[CONV_ID].map(
        moves[moves["rewet"]].groupby(CONV_ID)["area_ha"].sum()).fillna(0.0)
    out["to_land_type"] = out[TO_CLASS].map(lt_of)
    out["cost_dkk"] = out[CONV_ID].map(cost_conv).fillna(0.0)
    main_from = (moves.sort_values("area_ha", ascending=False).drop_duplicates(CONV_ID)
                 .set_index(CONV_ID)["from_value"])
    out["main_from_class"] = out[CONV_ID].map(main_from)
    return out
