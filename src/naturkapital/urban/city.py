"""Fine-scale urban nature for one city from OpenStreetMap: per dwelling, per district,
equity and where new green would reach the most residents.

Per dwelling (an address point): walking-network distance to the nearest public green
area of at least ``min_green_ha`` (to its edge, :mod:`naturkapital.urban.network`),
the straight-line distance beside it, within the rule (default 300 m), and 3-30-300
(trees within 30 m of the building as a proxy for "visible"; canopy % of the
district; 300 m to a park ≥ ``min_green_ha``). Dwellings closer to the edge of the
extract than the rule are flagged (their nearest park may lie outside it) and left
out of the indicators unless ``keep_edge``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from naturkapital.core.errors import InputError
from naturkapital.data.catalogue import DATA_DIR
from naturkapital.io.rasters import open_raster
from naturkapital.urban.canopy import canopy_from_raster
from naturkapital.urban.equity import gini, least_served, lorenz
from naturkapital.urban.network import (
    Network,
    build_network,
    entrances,
    node_distance,
    point_distance,
    snap_points,
)
from naturkapital.urban.osm import CRS, OSMLayers, load_tags, read_osm
from naturkapital.urban.siting import greedy, max_coverage
from naturkapital.urban.targets import load_targets, tracking

DEMO_DIR = DATA_DIR / "urban"
DEMOS = ("demo:kobenhavn",)
PARAMS_TABLE = Path(__file__).resolve().parent / "tables" / "parameters.csv"
CITY_ID = "0"
DEMO_NOTE = ("demo: OpenStreetMap Dec 2011 (© OpenStreetMap contributors, CC BY-SA 2.0), "
             "Frederiksberg residents 2014-04-01 (Frederiksberg Kommune, MIT), Copenhagen "
             "district population 2026 Q2 (Københavns Kommune, CC BY 4.0): the dates differ")


def load_parameters(path: Path = PARAMS_TABLE) -> pd.DataFrame:
    """The sourced parameters of the city model (name, value, unit, source)."""
    t = pd.read_csv(path, dtype={"source": str}, keep_default_na=False)
    t["value"] = pd.to_numeric(t["value"]).astype(float)
    return t.set_index("name")


@dataclass
class CityInputs:
    """What the city model reads: OSM layers, districts (``district_id``, ``name``,
    ``population``) and an optional residents grid (``residents``)."""

    layers: OSMLayers
    districts: gpd.GeoDataFrame
    grid: gpd.GeoDataFrame | None
    label: str
    note: str = ""
    #: User candidate sites (``site``, ``name``, optional ``cost_dkk``) replacing the
    #: OSM candidates.
    sites: gpd.GeoDataFrame | None = None
    #: User dwellings (points) replacing the OSM address points.
    dwellings: gpd.GeoDataFrame | None = None
    #: A canopy raster (cells > 0 = canopy) replacing OSM trees and wood polygons.
    canopy: Path | None = None


@dataclass
class CityResult:
    """``dwellings`` (one row per dwelling with its distances and flags), ``districts``
    (per district, the whole city as ``district_id`` 0 last), ``lorenz`` (per
    district), ``sites`` (ranked candidate sites), ``tracking`` (target × district:
    value, gap, status), ``meta`` (method, choices, assumptions)."""

    dwellings: gpd.GeoDataFrame
    districts: pd.DataFrame
    district_geometry: gpd.GeoDataFrame
    lorenz: pd.DataFrame
    sites: gpd.GeoDataFrame
    green: gpd.GeoDataFrame
    tracking: pd.DataFrame
    meta: dict = field(default_factory=dict)


def _user_polygons(path: str | Path, option: str, extent: shapely.Geometry,
                   what: str, points: bool = False) -> gpd.GeoDataFrame:
    """A user polygon (or, with ``points``, point or polygon) layer in the model's CRS;
    one clear line when it has no CRS, has the wrong geometry, or lies wholly outside
    the city extract."""
    from naturkapital.io.vectors import read_vector

    raw = read_vector(path)
    if raw.crs is None:
        raise InputError(path, "no CRS (coordinate reference system) is set; define one, "
                               "e.g. EPSG:25832")
    kinds = set(raw.geom_type.dropna().unique())
    allowed = {"Polygon", "MultiPolygon"} | ({"Point", "MultiPoint"} if points else set())
    if not kinds <= allowed:
        raise InputError(path, f"{what} must be {'points or ' if points else ''}polygons "
                               f"({option}), found {', '.join(sorted(kinds))}")
    out = raw.to_crs(CRS)
    out["geometry"] = shapely.make_valid(out.geometry.values)
    if not out.intersects(extent).any():
        raise InputError(path, f"no {what} lies inside the city extract (check the CRS and "
                               "extent)")
    return out


def _field(gdf: gpd.GeoDataFrame, name: str | None, path: str | Path, option: str) -> str:
    if name is None or name not in gdf.columns:
        cols = ", ".join(c for c in gdf.columns if c != "geometry")
        raise InputError(path, f"give {option}, one of: {cols}")
    return name


def load_city(city: str | Path, districts: str | Path | None = None,
              district_field: str | None = None, population: str | Path | None = None,
              population_field: str | None = None, sites: str | Path | None = None,
              site_cost_field: str | None = None, dwellings: str | Path | None = None,
              green: str | Path | None = None, canopy: str | Path | None = None
              ) -> CityInputs:
    """``demo:kobenhavn`` (embedded) or an ``.osm.pbf`` file, with optional district
    polygons (``district_field`` names them; without districts the extract is one),
    population polygons (a grid or blocks; ``population_field`` = residents) and
    candidate sites (polygons; ``site_cost_field`` = cost in DKK, else by area), and
    dwellings (points or buildings) and public green areas (polygons) replacing the
    OSM ones; the walking network always comes from the OSM file."""
    text = str(city)
    if text.startswith("demo:"):
        if text not in DEMOS:
            raise InputError("--city", f"unknown demo '{text}'; use {', '.join(DEMOS)}")
        layers = read_osm(DEMO_DIR / "copenhagen_2011.osm.pbf")
        d = gpd.read_file(DEMO_DIR / "districts.geojson", engine="pyogrio").to_crs(CRS)
        grid = gpd.read_file(DEMO_DIR / "frederiksberg_population_grid.geojson",
                             engine="pyogrio").to_crs(CRS)
        d["district_id"] = d["district_id"].astype(str)
        inputs = CityInputs(layers, d[["district_id", "name", "population", "geometry"]],
                            grid, "demo:kobenhavn (central Copenhagen and Frederiksberg)",
                            DEMO_NOTE)
    else:
        p = Path(text)
        if p.suffix.lower() not in (".pbf", ".osm") and not text.endswith(".osm.pbf"):
            raise InputError(p, "the city must be demo:kobenhavn or an OpenStreetMap "
                                ".osm.pbf file")
        layers = read_osm(p)
        if districts is None:
            d = gpd.GeoDataFrame({"district_id": ["1"], "name": [p.name],
                                  "population": [np.nan]}, geometry=[layers.extent], crs=CRS)
        else:
            raw = _user_polygons(districts, "--districts", layers.extent, "district")
            f = _field(raw, district_field, districts, "--district-field")
            d = gpd.GeoDataFrame({"district_id": raw[f].astype(str),
                                  "name": raw[f].astype(str), "population": np.nan},
                                 geometry=raw.geometry.values, crs=CRS)
        inputs = CityInputs(layers, d, None, p.name,
                            "OpenStreetMap © OpenStreetMap contributors (ODbL)")
    if population is not None:
        raw = _user_polygons(population, "--population", inputs.layers.extent,
                             "population polygon")
        f = _field(raw, population_field, population, "--population-field")
        res = pd.to_numeric(raw[f], errors="coerce")
        if res.isna().any() or (res < 0).any():
            raise InputError(population, f"field '{f}' must hold residents (numbers ≥ 0)")
        inputs.grid = gpd.GeoDataFrame({"residents": res.to_numpy()},
                                       geometry=raw.geometry.values, crs=CRS)
        inputs.note += f"; residents from {Path(population).name}"
    if sites is not None:
        raw = _user_polygons(sites, "--sites", inputs.layers.extent, "candidate site")
        out = gpd.GeoDataFrame({"site": [str(i + 1) for i in range(len(raw))],
                                "name": raw.get("name", pd.Series([""] * len(raw))).astype(
                                    str).to_numpy()},
                               geometry=raw.geometry.values, crs=CRS)
        if site_cost_field is not None:
            f = _field(raw, site_cost_field, sites, "--site-cost-field")
            cost = pd.to_numeric(raw[f], errors="coerce")
            if cost.isna().any() or (cost < 0).any():
                raise InputError(sites, f"field '{f}' must hold costs in DKK (numbers ≥ 0)")
            out["cost_dkk"] = cost.to_numpy()
        inputs.sites = out
    if dwellings is not None:
        raw = _user_polygons(dwellings, "--dwellings", inputs.layers.extent, "dwelling",
                             points=True)
        pts = shapely.point_on_surface(raw.geometry.values)
        inputs.dwellings = gpd.GeoDataFrame(geometry=pts, crs=CRS)
        inputs.note += f"; dwellings from {Path(dwellings).name}"
    if green is not None:
        raw = _user_polygons(green, "--green", inputs.layers.extent, "green area")
        areas = inputs.layers.areas
        user = gpd.GeoDataFrame({
            "osm_id": [f"user-{i + 1}" for i in range(len(raw))], "category": "green",
            "tag": "user green", "public": True, "canopy_share": 0.0,
            "name": raw["name"].astype(str).to_numpy() if "name" in raw.columns else ""},
            geometry=raw.geometry.values, crs=CRS)
        inputs.layers.areas = gpd.GeoDataFrame(
            pd.concat([areas[areas["category"] != "green"], user], ignore_index=True),
            crs=CRS)
        inputs.note += f"; green areas from {Path(green).name} (all counted as public)"
    if canopy is not None:
        open_raster(canopy, 1, "canopy raster").close()  # exists, CRS, projected
        inputs.canopy = Path(canopy)
        inputs.note += f"; canopy from {Path(canopy).name}"
    return inputs


def _dwellings(layers: OSMLayers) -> gpd.GeoDataFrame:
    """Address points (one per distinct location) and addressed buildings without one."""
    pts = layers.addresses[["geometry"]].copy()
    b = layers.buildings
    if len(b):
        addressed = b[b["has_address"]]
        rep = gpd.GeoDataFrame(geometry=addressed.geometry.representative_point(), crs=CRS)
        pts = pd.concat([pts, rep], ignore_index=True)
    if len(pts) == 0:
        raise InputError(layers.source, "no dwellings: the extract has no address points "
                                        "(addr:housenumber) or addressed buildings")
    key = np.round(shapely.get_coordinates(pts.geometry.values), 1)
    _, first = np.unique(key, axis=0, return_index=True)
    return gpd.GeoDataFrame(pts.iloc[np.sort(first)].reset_index(drop=True), crs=CRS)


def _network(layers: OSMLayers, max_edge_m: float) -> Network:
    index = pd.Series(np.arange(len(layers.nodes)), index=layers.nodes.index)
    ways = [index.reindex(w).dropna().to_numpy(dtype=np.int64) for w in layers.ways]
    xy = layers.nodes[["x", "y"]].to_numpy()
    return build_network(xy, ways, max_edge_m, layers.source)


def green_patches(areas: gpd.GeoDataFrame, min_ha: float, public: bool = True
                  ) -> gpd.GeoDataFrame:
    """Touching public green polygons merged into patches, with their area (ha); only
    patches of at least ``min_ha``."""
    g = areas[(areas["category"] == "green") & (areas["public"] if public else True)]
    if len(g) == 0:
        return gpd.GeoDataFrame({"area_ha": []}, geometry=[], crs=CRS)
    merged = shapely.get_parts(shapely.union_all(shapely.buffer(g.geometry.values, 0.5)))
    merged = shapely.buffer(merged, -0.5)
    out = gpd.GeoDataFrame({"area_ha": shapely.area(merged) / 1e4}, geometry=merged, crs=CRS)
    return out[out["area_ha"] >= min_ha - 1e-9].reset_index(drop=True)


def _population(dw: gpd.GeoDataFrame, inputs: CityInputs, extent: shapely.Geometry
                ) -> tuple[np.ndarray, str]:
    """Residents per dwelling: a residents grid shared equally among the dwellings in
    each cell; elsewhere the district population times the district's share of area
    inside the extract, shared equally; without population data 1 per dwelling."""
    n = len(dw)
    pop = np.full(n, np.nan)
    method = []
    if inputs.grid is not None and len(inputs.grid):
        j = gpd.sjoin(dw[["geometry"]], inputs.grid[["residents", "geometry"]],
                      predicate="within", how="left")
        j = j[~j.index.duplicated()]
        cell = j["index_right"].to_numpy()
        has = ~pd.isna(cell)
        counts = pd.Series(cell[has]).value_counts()
        res = inputs.grid["residents"].to_numpy(dtype=float)
        ci = cell[has].astype(int)
        pop[has] = res[ci] / counts.reindex(ci).to_numpy()
        method.append("residents grid shared equally among the dwellings of each cell")
    d = inputs.districts
    if d["population"].notna().any():
        frac = (d.geometry.intersection(extent).area / d.geometry.area).to_numpy()
        left = np.isnan(pop)
        ids = dw["district_id"].to_numpy()
        for k, row in enumerate(d.itertuples()):
            sel = left & (ids == row.district_id)
            if sel.any() and pd.notna(row.population):
                # what the grid has not already placed in this district
                placed = np.nansum(pop[(ids == row.district_id) & ~left])
                pop[sel] = max(row.population * frac[k] - placed, 0.0) / sel.sum()
        method.append("assumption: district population × share of its area inside the "
                      "extract (less residents placed by the grid), shared equally among "
                      "its dwellings")
    if np.isnan(pop).all():
        return np.ones(n), "no population data: 1 per dwelling (shares are of dwellings)"
    return np.nan_to_num(pop, nan=0.0), "; ".join(method)


def _trees_near(dw: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame, trees: gpd.GeoDataFrame,
                within_m: float) -> np.ndarray:
    """Tree points within ``within_m`` of the dwelling's building (or the point)."""
    geom = dw.geometry.values.copy()
    if len(buildings):
        bt = shapely.STRtree(buildings.geometry.values)
        pi, bi = bt.query(geom, predicate="within")
        geom[pi] = buildings.geometry.values[bi]
    if len(trees) == 0:
        return np.zeros(len(dw), dtype=int)
    tt = shapely.STRtree(trees.geometry.values)
    gi, _ = tt.query(geom, predicate="dwithin", distance=within_m)
    return np.bincount(gi, minlength=len(dw))


def _canopy(areas: gpd.GeoDataFrame, trees: gpd.GeoDataFrame, crown_m: float,
            zones: gpd.GeoSeries) -> np.ndarray:
    """Canopy area (ha) per zone: canopy polygons × their canopy share, plus tree
    crowns (points buffered by ``crown_m``) outside full-canopy polygons."""
    out = np.zeros(len(zones))
    full = None
    for share, part in areas[areas["canopy_share"] > 0].groupby("canopy_share"):
        u = shapely.union_all(part.geometry.values)
        out += share * zones.intersection(u).area.to_numpy() / 1e4
        if share >= 1:
            full = u
    if len(trees):
        crowns = shapely.union_all(shapely.buffer(trees.geometry.values, crown_m))
        if full is not None:
            crowns = shapely.difference(crowns, full)
        out += zones.intersection(crowns).area.to_numpy() / 1e4
    return out


def _components(geoms: np.ndarray, link_m: float) -> tuple[int, float]:
    """Green-blue patches joined within ``link_m``: number of components and the share
    (%) of the patch area in the largest."""
    geoms = geoms[~shapely.is_empty(geoms)]
    if len(geoms) == 0:
        return 0, float("nan")
    tree = shapely.STRtree(geoms)
    a, b = tree.query(geoms, predicate="dwithin", distance=link_m)
    from scipy.sparse.csgraph import connected_components

    n = len(geoms)
    g = csr_matrix((np.ones(len(a)), (a, b)), shape=(n, n))
    k, lab = connected_components(g, directed=False)
    area = shapely.area(geoms)
    by = np.bincount(lab, weights=area, minlength=k)
    return int(k), float(100.0 * by.max() / area.sum()) if area.sum() > 0 else float("nan")


def compute_city(inputs: CityInputs, rule_m: float = 300.0, min_green_ha: float = 1.0,
                 keep_edge: bool = False, budget_dkk: float = 50e6,
                 targets: str | Path | None = None,
                 progress: Callable[[int], None] | None = None) -> CityResult:
    """All fine-scale indicators of one city. ``progress`` advances by 1 per step (8)."""
    prm = load_parameters()
    P = prm["value"]
    target_table = load_targets(targets)
    tick = progress or (lambda n: None)
    layers = inputs.layers
    dw = _dwellings(layers) if inputs.dwellings is None else inputs.dwellings.copy()
    districts = inputs.districts.reset_index(drop=True)
    j = gpd.sjoin(dw, districts[["district_id", "geometry"]], predicate="within", how="left")
    j = j[~j.index.duplicated()]
    dw["district_id"] = j["district_id"].to_numpy()
    outside = int(dw["district_id"].isna().sum())
    dw = dw[dw["district_id"].notna()].reset_index(drop=True)
    if len(dw) == 0:
        raise InputError("districts", "no dwelling lies inside a district (check the "
                                      "districts' extent and CRS)")
    green = green_patches(layers.areas, min_green_ha)
    if len(green) == 0:
        raise InputError(layers.source, f"no public green area of at least {min_green_ha:g}"
                                        " ha in the extract (check the tag table)")
    tick(1)
    net = _network(layers, P["max_edge_m"])
    snap = snap_points(net, dw.geometry.values)
    tick(1)
    _, nodes, off = entrances(net, green.geometry.values, P["entry_m"])
    node_d = node_distance(net, nodes, off)
    dist = point_distance(net, snap, node_d)
    straight = shapely.distance(dw.geometry.values, shapely.union_all(green.geometry.values))
    dist = np.where(straight <= 0, 0.0, dist)  # a dwelling inside a green area
    tick(1)
    boundary = shapely.boundary(layers.extent)
    dw["network_m"] = dist
    dw["straight_m"] = straight
    dw["snap_m"] = snap.offset
    dw["within_rule"] = dist <= rule_m
    dw["near_edge"] = shapely.distance(dw.geometry.values, boundary) < rule_m
    pop, pop_method = _population(dw, inputs, layers.extent)
    dw["residents"] = pop
    inside = districts.geometry.intersection(layers.extent)
    area_ha = inside.area.to_numpy() / 1e4
    if inputs.canopy is None:
        dw["trees_30m"] = _trees_near(dw, layers.buildings, layers.trees, P["trees_within_m"])
        dw["pass_3"] = dw["trees_30m"] >= P["min_trees"]
        canopy_ha = _canopy(layers.areas, layers.trees, P["crown_radius_m"], inside)
        canopy_den = area_ha
    else:
        cr = canopy_from_raster(inputs.canopy, gpd.GeoDataFrame(geometry=inside, crs=CRS),
                                dw, P["trees_within_m"])
        dw["canopy_m2_30m"] = cr.near_m2
        crowns = P["min_trees"] * np.pi * P["crown_radius_m"] ** 2
        dw["pass_3"] = dw["canopy_m2_30m"].fillna(0) >= crowns
        canopy_ha, canopy_den = cr.canopy_ha, cr.covered_ha
    tick(1)
    canopy_pct = pd.Series(100 * canopy_ha / np.maximum(canopy_den, 1e-9),
                           index=districts["district_id"]).where(canopy_den > 0)
    dw["canopy_pct_district"] = dw["district_id"].map(canopy_pct).to_numpy()
    dw["pass_30"] = dw["canopy_pct_district"] >= P["canopy_target_pct"]
    dw["pass_300"] = dw["within_rule"]
    dw["pass_3_30_300"] = dw["pass_3"] & dw["pass_30"] & dw["pass_300"]
    dw["used"] = keep_edge | ~dw["near_edge"]
    if not dw["used"].any():
        raise InputError(layers.source, f"every dwelling lies within {rule_m:g} m of the "
                                        "extract's edge (its nearest park may be outside); "
                                        "use a larger extract or --keep-edge")
    tick(1)
    table, curves = _district_table(dw, districts, inside, layers, canopy_ha, canopy_den,
                                    P["link_m"])
    tick(1)
    sites = _sites(layers, net, dw, green, rule_m, min_green_ha, budget_dkk,
                   P["site_cost_dkk_m2"], P["entry_m"], inputs.sites)
    tick(1)
    cut = int(shapely.intersects(green.geometry.values, boundary).sum())
    used_rows = [r for r in prm.itertuples() if r.source.lower().startswith("assumption")]
    tags = load_tags()
    meta = {
        "method": "urban nature, city scale: walking-network distance (one multi-source "
                  "Dijkstra, scipy.sparse.csgraph) to the edge of public green areas",
        "city": inputs.label, "data": inputs.note, "rule_m": rule_m,
        "min_green_ha": min_green_ha, "keep_edge": keep_edge, "budget_dkk": budget_dkk,
        "dwellings": int(len(dw)), "dwellings_outside_districts": outside,
        "dwellings_near_edge": int(dw["near_edge"].sum()),
        "green_areas_counted": int(len(green)), "green_areas_cut_by_extent": cut,
        "which_green_counts": "public green areas (tag table column counts_for_access; "
                              "access=private/no and fee=yes excluded): "
                              + ", ".join(sorted(tags[(tags["category"] == "green")
                                                      & tags["counts_for_access"]]
                                                 .apply(lambda r: f"{r.key}={r.value}",
                                                        axis=1))),
        "not_counted_for_access": ", ".join(sorted(tags[(tags["category"] == "green")
                                                        & ~tags["counts_for_access"]]
                                                   .apply(lambda r: f"{r.key}={r.value}",
                                                          axis=1))),
        "population": pop_method,
        "proxies": ([f"3: canopy within 30 m of the dwelling ≥ 3 crowns of "
                     f"{P['crown_radius_m']:g} m radius on {inputs.canopy.name} stands in "
                     "for 'visible' (no view analysis)",
                     f"30: canopy % of the district's area covered by {inputs.canopy.name} "
                     "(cells > 0)"] if inputs.canopy is not None else
                    ["3: tree points within 30 m of the building stand in for 'visible' "
                     "(no view analysis); trees are sparse in OSM 2011",
                     "30: canopy = wood/forest (and half of scrub) polygons plus tree "
                     "crowns of 4 m radius, per district (an approximation)"]) + [
                    "300: walking distance to the edge of a public green area ≥ "
                    f"{min_green_ha:g} ha"],
        "assumptions": [f"{r.Index} = {r.value:g} {r.unit}: {r.source}" for r in used_rows]
        + [f"{r.key}={r.value}: {r.source}" for r in tags.itertuples()
           if r.source.lower().startswith("assumption")],
        "siting": sites.attrs.get("summary", {}),
    }
    track = tracking(table, target_table)
    return CityResult(dw, table, districts, curves, sites, green, track, meta)


def _district_table(dw: gpd.GeoDataFrame, districts: gpd.GeoDataFrame, inside: gpd.GeoSeries,
                    layers: OSMLayers, canopy_ha: np.ndarray, canopy_den: np.ndarray,
                    link_m: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    areas = layers.areas
    gb = areas[areas["category"].isin(["green", "blue"]) & (areas["tag"] != "leisure=pitch")]
    gb_union = shapely.union_all(gb.geometry.values) if len(gb) else shapely.Polygon()
    green_u = shapely.union_all(gb[gb["category"] == "green"].geometry.values) \
        if len(gb) else shapely.Polygon()
    pub = gb[gb["public"]]
    pub_union = shapely.union_all(pub.geometry.values) if len(pub) else shapely.Polygon()
    rows = []
    curves = []
    zones = list(zip(districts["district_id"], districts["name"], inside, strict=True))
    zones.append((CITY_ID, "Hele byen (whole city)", shapely.union_all(inside.values)))
    for k, (zid, name, geom) in enumerate(zones):
        sel = dw[(dw["district_id"] == zid) if zid != CITY_ID else np.ones(len(dw), bool)]
        used = sel[sel["used"]]
        if len(used) == 0:
            continue  # a district outside the extract (or only edge dwellings)
        w = used["residents"].to_numpy()
        wsum = w.sum()
        d = used["network_m"].to_numpy()
        area = float(shapely.area(geom) / 1e4)
        gb_ha = float(shapely.area(shapely.intersection(gb_union, geom)) / 1e4)
        green_ha = float(shapely.area(shapely.intersection(green_u, geom)) / 1e4)
        pub_ha = float(shapely.area(shapely.intersection(pub_union, geom)) / 1e4)
        can = float(canopy_ha.sum() if zid == CITY_ID else canopy_ha[k])
        den = float(canopy_den.sum() if zid == CITY_ID else canopy_den[k])
        parts = shapely.intersection(shapely.get_parts(gb_union), geom) if len(gb) else \
            np.array([])
        comps, largest = _components(np.asarray(parts), link_m)

        def share(col: str, used=used, w=w, wsum=wsum) -> float:
            return float(100 * (w * used[col].to_numpy()).sum() / wsum) if wsum > 0 \
                else float("nan")

        finite = np.isfinite(d)
        start, mean = least_served(d[finite], w[finite])
        rows.append({
            "district_id": zid, "name": name, "dwellings": int(len(sel)),
            "dwellings_used": int(len(used)), "residents": float(wsum),
            "area_ha": area, "green_blue_ha": gb_ha, "green_ha": green_ha,
            "greening_pct": 100 * gb_ha / area if area > 0 else np.nan,
            "public_green_blue_pct": 100 * pub_ha / area if area > 0 else np.nan,
            "canopy_pct": 100 * can / den if den > 0 else np.nan,
            "within_rule_pct": share("within_rule"),
            "median_network_m": float(np.median(d[finite])) if finite.any() else np.nan,
            "mean_network_m": float(np.average(d[finite], weights=w[finite]))
            if finite.any() and w[finite].sum() > 0 else np.nan,
            "mean_straight_m": float(np.average(used["straight_m"], weights=w))
            if wsum > 0 else np.nan,
            "pass_3_pct": share("pass_3"), "pass_30_pct": share("pass_30"),
            "pass_300_pct": share("pass_300"), "pass_all_pct": share("pass_3_30_300"),
            "unreachable_pct": float(100 * w[~finite].sum() / wsum) if wsum > 0 else np.nan,
            "gini_distance": gini(d, w),
            "least_served_fifth_from_m": start, "least_served_fifth_mean_m": mean,
            "green_blue_components": comps, "largest_component_pct": largest,
        })
        lc = lorenz(d, w)
        if len(lc) > 201:  # keep the curve small: 200 points
            lc = lc.iloc[np.unique(np.linspace(0, len(lc) - 1, 201).astype(int))]
        curves.append(lc.assign(district_id=zid))
    return pd.DataFrame(rows), pd.concat(curves, ignore_index=True)


def _sites(layers: OSMLayers, net: Network, dw: gpd.GeoDataFrame, green: gpd.GeoDataFrame,
           rule_m: float, min_green_ha: float, budget: float, cost_m2: float,
           entry_m: float, user: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """Candidate sites (OSM candidate tags) that would be a green area of at least
    ``min_green_ha`` — alone or joined to a public green patch they touch — ranked by
    the residents they bring within the rule; the HiGHS choice and the greedy one."""
    if user is not None:
        cand = user.assign(osm_id=user["site"], tag="user site").reset_index(drop=True)
    else:
        cand = layers.areas[layers.areas["category"] == "candidate"].reset_index(drop=True)
    empty = gpd.GeoDataFrame({"site": [], "tag": [], "area_ha": [], "cost_dkk": [],
                              "residents_gained": [], "chosen_highs": [],
                              "chosen_greedy": []}, geometry=[], crs=CRS)
    if len(cand) == 0:
        empty.attrs["summary"] = {"message": "no candidate sites in the extract"}
        return empty
    own = shapely.area(cand.geometry.values) / 1e4
    joined = np.zeros(len(cand))
    if len(green):
        gi, ci = shapely.STRtree(cand.geometry.values).query(green.geometry.values,
                                                             predicate="dwithin", distance=1.0)
        np.add.at(joined, ci, green["area_ha"].to_numpy()[gi])
    ok = own + joined >= min_green_ha - 1e-9
    cand = cand[ok].reset_index(drop=True)
    if len(cand) == 0:
        empty.attrs["summary"] = {"message": f"no candidate site reaches {min_green_ha:g} ha "
                                             "(alone or joined to a green area)"}
        return empty
    need = (~dw["within_rule"] & dw["used"]).to_numpy()
    idx = np.flatnonzero(need)
    snap = snap_points(net, dw.geometry.values[idx])
    pi, ni, off = entrances(net, cand.geometry.values, entry_m)
    n = net.n_nodes
    rows, cols = [], []
    for start in range(0, len(cand), 32):
        batch = np.arange(start, min(start + 32, len(cand)))
        sel = np.isin(pi, batch)
        src = n + (pi[sel] - start)
        g = net.graph((src, ni[sel], off[sel]), n_extra=len(batch))
        dmat = dijkstra(g, directed=True, indices=n + np.arange(len(batch)), limit=rule_m)
        for b, site in enumerate(batch):
            d = point_distance(net, snap, dmat[b, :n])
            hit = np.flatnonzero(d <= rule_m)
            rows.extend(hit.tolist())
            cols.extend([site] * len(hit))
    w = dw["residents"].to_numpy()[idx]
    cover = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(idx), len(cand)))
    cost = shapely.area(cand.geometry.values) * cost_m2
    if "cost_dkk" in cand.columns:
        cost = cand["cost_dkk"].to_numpy(dtype=float)
    gained = np.asarray(cover.T @ w).ravel()
    keep = np.asarray(cover.sum(axis=1)).ravel() > 0
    cover_k, w_k = cover[keep], w[keep]
    best = max_coverage(cover_k, w_k, cost, budget)
    base = greedy(cover_k, w_k, cost, budget)
    out = gpd.GeoDataFrame({
        "site": cand["osm_id"].astype(str).to_numpy(), "tag": cand["tag"].to_numpy(),
        "name": cand["name"].to_numpy(), "area_ha": shapely.area(cand.geometry.values) / 1e4,
        "cost_dkk": cost, "residents_gained": gained,
        "chosen_highs": np.isin(np.arange(len(cand)), best.sites),
        "chosen_greedy": np.isin(np.arange(len(cand)), base.sites)},
        geometry=cand.geometry.values, crs=CRS)
    out = out.sort_values(["chosen_highs", "residents_gained"], ascending=[False, False])
    out = out.reset_index(drop=True)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    total = float(dw.loc[dw["used"], "residents"].sum())
    before = float(dw.loc[dw["used"] & dw["within_rule"], "residents"].sum())
    out.attrs["summary"] = {
        "candidates": int(len(cand)), "budget_dkk": budget,
        "highs": {"sites": len(best.sites), "residents_gained": best.covered,
                  "cost_dkk": best.cost, "status": str(best.status), "mip_gap": best.gap},
        "greedy": {"sites": len(base.sites), "residents_gained": base.covered,
                   "cost_dkk": base.cost},
        "within_rule_pct_before": 100 * before / total if total else float("nan"),
        "within_rule_pct_after": 100 * (before + best.covered) / total if total
        else float("nan"),
    }
    return out
