"""The fireman's rule as classes: protect, buffer/connect, create — and a ranking.

DCE's order for raising nature value: first protect the most valuable existing nature,
second buffer it and connect isolated areas, only third create new nature elsewhere.
Every planning unit (cells of the network grid assigned by their centre) gets:

* class 1 **protect**: at least half of its cells are nature patches; ``value`` is the
  dPC its patch cells carry (a patch's dPC shared by its cells); ``unprotected`` when a
  protection layer is given and less than half of its nature lies inside it;
* class 2 **buffer/connect**: it has farmland within ``buffer_m`` of a patch or on a
  corridor; ``eca_gain_ha`` is the linearised ECA gain if its farmland became nature
  (:func:`~naturkapital.priority.connectivity.eca_gain_attached`);
* class 3 **new nature**: other units with farmland;
* class 0: neither nature nor farmland (towns, water edges): nothing to place.

Synergies of converting a unit's farmland to forest (services tables): carbon
(t C, pool tables), nitrogen leaching avoided (kg N/yr), NKI nature-value gain
(ha × Δvalue/100) and unfertilised area for groundwater (ha); and of rewetting: the
lowland model's indicative candidate land in the unit (ha) and the water it would
retain (m³, services/flood.py). Candidates (classes 2 and 3) are ranked by class, then by the sum of
the four criteria each scaled to 0–1 within the municipality.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from rasterio.features import rasterize
from scipy import ndimage

from naturkapital.core.errors import InputError
from naturkapital.priority.allocate import UNIT_ID
from naturkapital.priority.connectivity import decay, eca_gain_attached
from naturkapital.priority.network import Network
from naturkapital.priority.patches import PATCH_ID

FARMLAND = 5
FOREST = 8
CRITERIA = ("eca_gain_ha", "carbon_gain_t_c", "n_avoided_kg_yr", "nki_gain_ha")


@dataclass
class Ranking:
    """``units``: every planning unit with class, flags, criteria and rank; ``meta``."""

    units: gpd.GeoDataFrame
    meta: dict = field(default_factory=dict)


def unit_raster(units: gpd.GeoDataFrame, net: Network) -> np.ndarray:
    """Index (0..n-1) of the unit covering each cell centre of the network grid (-1 none)."""
    shapes_ = ((g, i) for i, g in enumerate(units.to_crs(net.grid.crs).geometry))
    return rasterize(shapes_, out_shape=net.grid.inside.shape, transform=net.grid.transform,
                     fill=-1, dtype="int32")


def synergies(farm_ha: np.ndarray) -> tuple[dict[str, np.ndarray], list[str]]:
    """Per unit, converting ``farm_ha`` of farmland to forest: carbon gain (t C), nitrogen
    leaching avoided (kg N/yr), NKI nature-value gain (ha × Δvalue / 100); and the
    assumptions of the table rows used."""
    from naturkapital.landcover.scheme import load_scheme
    from naturkapital.services.carbon import pool_total
    from naturkapital.services.tables import load_carbon_pools, load_nitrogen

    pools = load_carbon_pools()
    total = pool_total(pools)
    nit = load_nitrogen().table["n_leach_kg_n_per_ha_yr"]
    scheme = load_scheme("basemap04")
    nv = dict(zip(scheme.table["value"], scheme.table["nature_value"], strict=True))
    out = {
        "carbon_gain_t_c": farm_ha * float(total[FOREST] - total[FARMLAND]),
        "n_avoided_kg_yr": farm_ha * float(nit["mark"] - nit["skov"]),
        "nki_gain_ha": farm_ha * (nv[FOREST] - nv[FARMLAND]) / 100.0,
    }
    notes = pools.assumptions([FARMLAND, FOREST], "t C/ha")
    notes += [f"nitrogen {k}: {load_nitrogen().table.loc[k, 'source']}" for k in ("mark", "skov")
              if str(load_nitrogen().table.loc[k, "source"]).startswith("assumption")]
    notes += scheme.assumptions(np.array([FARMLAND, FOREST]))
    return out, notes


def water_synergies(units: gpd.GeoDataFrame, kommune: str | None, farm_ha: np.ndarray
                    ) -> tuple[dict[str, np.ndarray], list[str]]:
    """Per unit, from the existing models: ``lowland_ha`` — the lowland model's indicative
    rewetting candidate land inside the unit (:func:`naturkapital.lowland.candidates.
    find_candidates`: farmland on or beside wet nature; 0 without a municipality);
    ``flood_m3`` — water retained if that land were rewetted (services/flood.py with the
    default water table before and the rules' target); ``groundwater_ha`` — unfertilised
    area gained if the farmland became forest (land_management.csv)."""
    from naturkapital.lowland.candidates import _overlap_ha, find_candidates
    from naturkapital.lowland.rules import load_candidate_params, load_rules
    from naturkapital.services import flood
    from naturkapital.services.tables import load_management, load_parameters

    rules, params = load_rules(), load_parameters()
    mgmt = load_management()
    protects = mgmt.table["protects_groundwater"]
    gw = float((protects["skov"] == "yes") and (protects["mark"] != "yes"))
    notes = mgmt.assumptions(["mark", "skov"], "groundwater protection")
    lowland = np.zeros(len(units))
    if kommune is not None:
        cand = find_candidates(kommune, load_candidate_params(), rules)
        land = gpd.GeoDataFrame(geometry=cand.units.geometry.to_numpy(), crs=cand.units.crs)
        lowland = _overlap_ha(units.to_crs(cand.units.crs).geometry, land)
        notes += cand.meta["assumptions"] + [f"lowland potential: {cand.meta['label_en']}"]
    rise = flood.water_table_rise_m(params["gvsmax_before_cm"], rules["target_water_table_cm"])
    notes += params.assumptions(["gvsmax_before_cm", "drainable_porosity"])
    return {"lowland_ha": lowland,
            "flood_m3": flood.retention_m3(lowland, rise, params["drainable_porosity"]),
            "groundwater_ha": farm_ha * gw}, notes


def fireman_classes(nature_share: np.ndarray, farm_cells: np.ndarray, near: np.ndarray,
                    corridor: np.ndarray) -> np.ndarray:
    """1 protect (nature share ≥ ½), 2 buffer/connect (farmland near nature or on a
    corridor), 3 new nature (other farmland), 0 nothing to place."""
    cls = np.zeros(len(nature_share), dtype=int)
    has_farm = farm_cells > 0
    cls[has_farm] = 3
    cls[has_farm & (near | corridor)] = 2
    cls[nature_share >= 0.5] = 1
    return cls


def rank_units(net: Network, units: gpd.GeoDataFrame, buffer_m: float = 200.0,
               protection: gpd.GeoDataFrame | None = None,
               distance: float | None = None) -> Ranking:
    """Classes, criteria and rank of ``units`` (``unit_id`` + geometry) on ``net``."""
    if not (buffer_m >= 0 and np.isfinite(buffer_m)):
        raise InputError("--buffer", f"buffer must be ≥ 0 m, found {buffer_m}")
    d = float(distance or net.meta["distances_m"][-1])
    if d not in net.meta["distances_m"]:
        raise InputError("--distance", f"{d:g} m is not one of the network's distances")
    g = net.grid
    idx = unit_raster(units, net)
    n = len(units)
    ok = (idx >= 0) & g.inside
    if not ok.any():
        raise InputError("units", "no planning unit overlaps the land-cover grid")
    ui = idx[ok]
    cells = np.bincount(ui, minlength=n).astype(float)
    lab = net.labels[ok]
    is_patch = lab > 0
    farm = (g.classes[ok] == FARMLAND) & ~is_patch
    farm_cells = np.bincount(ui, weights=farm, minlength=n)
    nat_cells = np.bincount(ui, weights=is_patch, minlength=n)
    share = np.divide(nat_cells, cells, out=np.zeros(n), where=cells > 0)
    tag = f"{d:g}"
    p = net.patches.set_index(PATCH_ID)
    pcells = p["cells"].to_numpy(float)
    dpc_cell = np.zeros(len(p) + 1)
    dpc_cell[p.index.to_numpy()] = p[f"dpc_{tag}"].to_numpy() / pcells
    value = np.bincount(ui, weights=dpc_cell[lab], minlength=n)
    dist_nat = ndimage.distance_transform_edt(net.labels == 0) * g.cell_m
    near = np.zeros(n, dtype=bool)
    np.logical_or.at(near, ui[farm], dist_nat[ok][farm] <= buffer_m + 1e-9)
    corr = np.zeros(n, dtype=bool)
    np.logical_or.at(corr, ui, (net.corridor_raster[ok] > 0) & farm)
    cls = fireman_classes(share, farm_cells, near, corr)
    farm_ha = farm_cells * g.cell_ha
    # ECA gain: the unit's farmland as new habitat linked to its nearest patch
    eca_now = float(net.indices.set_index("distance_m").loc[d, "eca_ha"])
    reach = np.zeros(len(p) + 1)
    reach[p.index.to_numpy()] = p[f"reach_{tag}"].to_numpy()
    cost = np.where(farm, net.field.cost[ok], np.inf)
    best = np.full(n, np.inf)
    np.minimum.at(best, ui, cost)
    cell_of_best = np.full(n, -1)
    hit = np.isfinite(cost)
    order = np.argsort(-cost[hit])  # last write wins → the cheapest cell per unit
    cell_of_best[ui[hit][order]] = np.flatnonzero(hit)[order]
    patch_of = np.where(cell_of_best >= 0, net.field.patch[ok][np.maximum(cell_of_best, 0)], 0)
    p_link = np.where(np.isfinite(best), np.exp(-decay(d, net.meta["p_at_distance"]) *
                                               np.where(np.isfinite(best), best, 0)), 0.0)
    added = farm_ha * 85.0 / 100.0  # forest nature value 85 (scheme basemap04)
    gain = np.where(farm_ha > 0, eca_gain_attached(eca_now, added, reach[patch_of], p_link),
                    0.0)
    syn, notes = synergies(farm_ha)
    water, w_notes = water_synergies(units, net.meta.get("kommune"), farm_ha)
    syn.update(water)
    notes += w_notes
    out = units[[UNIT_ID, "geometry"]].copy()
    out["fireman_class"] = cls
    out["nature_share"] = share
    out["farmland_ha"] = farm_ha
    out["dpc_value"] = value
    out["near_nature"] = near
    out["on_corridor"] = corr
    out["eca_gain_ha"] = gain
    for k, v in syn.items():
        out[k] = v
    if protection is not None:
        prot = rasterize(((gg, 1) for gg in protection.to_crs(g.crs).geometry),
                         out_shape=g.inside.shape, transform=g.transform, fill=0,
                         dtype="uint8")[ok] > 0
        inprot = np.bincount(ui, weights=is_patch & prot, minlength=n)
        frac = np.divide(inprot, nat_cells, out=np.zeros(n), where=nat_cells > 0)
        out["protected_share"] = frac
        out["unprotected"] = (cls == 1) & (frac < 0.5)
    else:
        out["unprotected"] = pd.NA
    cand = cls >= 2
    score = np.zeros(n)
    for k in CRITERIA:
        v = out[k].to_numpy(float)
        top = v[cand].max() if cand.any() else 0.0
        score += np.where(top > 0, v / top if top > 0 else 0.0, 0.0)
    out["score"] = np.where(cand, score, np.nan)
    key = np.where(cand, cls * 10.0 - score / (len(CRITERIA) + 1), np.inf)
    order = np.argsort(key, kind="stable")
    rank = np.full(n, np.nan)
    rank[order[: int(cand.sum())]] = np.arange(1, int(cand.sum()) + 1)
    out["rank"] = rank
    meta = {"method": "fireman's rule classes (DCE): 1 protect, 2 buffer/connect, 3 new "
                      "nature; candidates ranked by class, then the sum of ECA gain, carbon, "
                      "nitrogen and NKI gain each scaled to 0–1",
            "distance_m": d, "buffer_m": buffer_m, "eca_ha": eca_now,
            "eca_gain": "linearised: the unit's farmland as forest habitat (value 85) "
                        "linked to its nearest patch at its least-cost distance; stepping-"
                        "stone effects not counted",
            "units_assigned": "cells by their centre (100 m grid)",
            "classes": {int(c): int((cls == c).sum()) for c in (0, 1, 2, 3)},
            "assumptions": net.meta["assumptions"] + notes,
            "synergies": "carbon, nitrogen, NKI and groundwater if the farmland became "
                         "forest; lowland_ha: the lowland model's indicative candidate land "
                         "(no peat map embedded) and flood_m3 if it were rewetted; the rank "
                         "uses the four criteria only"}
    return Ranking(gpd.GeoDataFrame(out, geometry="geometry", crs=units.crs), meta)


def rank_kommune(kommune: str, distance: float = 1000.0, unit_size_m: float = 500.0,
                 buffer_m: float = 200.0, parcels: str | Path | None = None,
                 protection: str | Path | None = None, min_patch_ha: float = 1.0) -> Ranking:
    """The fireman's-rule ranking of the planning units (a grid, or ``parcels``) of an
    embedded municipality."""
    from naturkapital.io.vectors import read_vector
    from naturkapital.priority.network import build_network
    from naturkapital.priority.units import grid

    net = build_network(kommune, [distance], min_patch_ha)
    crs = net.grid.crs
    if parcels is not None:
        units = read_vector(parcels)
        if units.crs is None:
            raise InputError(parcels, "the parcels have no CRS")
        units = units.to_crs(crs).reset_index(drop=True)
        from naturkapital.priority.units import municipality

        _, kname, kgeom = municipality(kommune, crs)
        if not units.intersects(kgeom).any():
            raise InputError(parcels, f"no parcel lies in kommune {kommune} {kname} (check "
                                      "the parcels' CRS and the kommune code)")
        units[UNIT_ID] = (units["unit_id"].astype(str) if "unit_id" in units else
                          [f"p{i + 1}" for i in range(len(units))])
    else:
        from naturkapital.priority.units import municipality

        _, _, geom = municipality(kommune, crs)
        units = grid(geom, float(unit_size_m), crs)
    prot = None if protection is None else read_vector(protection)
    res = rank_units(net, units, buffer_m, prot, distance)
    res.meta.update({"kommune": net.meta["kommune"], "kommune_name": net.meta["kommune_name"],
                     "unit_size_m": None if parcels is not None else float(unit_size_m)})
    return res
