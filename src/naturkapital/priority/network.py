"""Python API: the ecological network of a municipality — patches, links, corridors,
PC/ECA per dispersal distance and each patch's dPC fractions.

Patches come from :mod:`naturkapital.priority.patches`, least-cost links from
:mod:`naturkapital.priority.costdistance`, the indices from
:mod:`naturkapital.priority.connectivity`. A corridor is the least-cost path of a link
whose cost is within the largest dispersal distance, drawn as a polygon one cell wide
and counted in the corridor raster (corridors per cell).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from affine import Affine
from rasterio.features import shapes

from naturkapital.core.errors import InputError
from naturkapital.landcover.scheme import load_scheme
from naturkapital.priority.connectivity import (
    P_AT_DISTANCE,
    dpc_fractions,
    link_graph,
)
from naturkapital.priority.costdistance import CostField, cost_field, link_path, planar_links
from naturkapital.priority.patches import PATCH_ID, NatureGrid, label_patches, nature_grid
from naturkapital.priority.resistance import load_resistance, resistance_surface

METHOD = ("patches: 8-connected nature cells (Basemap04 2021 + 50 m dry/wet nature); "
          "least-cost planar links (scipy.sparse.csgraph Dijkstra); PC, ECA (Saura & "
          "Pascual-Hortal 2007) and dPC intra/flux/connector (Saura & Rubio 2010)")


@dataclass
class Network:
    """``patches`` (polygons with area, habitat_ha and dPC fractions per distance),
    ``links`` (least-cost path lines), ``corridors`` (polygons of links within the
    largest distance), ``corridor_raster`` (corridors per cell), ``indices`` (PC and ECA
    per distance), ``labels``/``grid``/``field`` for further use, ``meta``."""

    patches: gpd.GeoDataFrame
    links: gpd.GeoDataFrame
    corridors: gpd.GeoDataFrame
    corridor_raster: np.ndarray
    indices: pd.DataFrame
    labels: np.ndarray
    grid: NatureGrid
    field: CostField
    meta: dict = field(default_factory=dict)

    @property
    def transform(self) -> Affine:
        return self.grid.transform


def _check_distances(distances: list[float] | tuple[float, ...] | None) -> list[float]:
    ds = sorted({float(d) for d in (distances or [1000.0])})
    for d in ds:
        if not (d > 0 and np.isfinite(d)):
            raise InputError("--distance", f"dispersal distance must be > 0 m, found {d:g}")
    return ds


def patch_polygons(labels: np.ndarray, transform: Affine, crs) -> gpd.GeoDataFrame:
    """One (multi)polygon per patch label."""
    geoms = [(int(v), shapely.geometry.shape(g)) for g, v in
             shapes(labels.astype(np.int32), mask=labels > 0, transform=transform)]
    df = gpd.GeoDataFrame({PATCH_ID: [v for v, _ in geoms]},
                          geometry=[g for _, g in geoms], crs=crs)
    return df.dissolve(by=PATCH_ID, as_index=False)


def network_from_grid(grid: NatureGrid, distances: list[float], min_patch_ha: float = 1.0,
                      p_at: float = P_AT_DISTANCE, resistance: str | Path | None = None,
                      connector: bool = True, geometry: bool = True) -> Network:
    """The network of a :class:`NatureGrid`; ``geometry=False`` skips polygons, paths
    and corridors (the national benchmark)."""
    ds = _check_distances(distances)
    table = load_resistance(resistance)
    res = resistance_surface(grid.classes, grid.inside, table,
                             resistance or "resistance table")
    labels, patches = label_patches(grid, min_patch_ha)
    fld = cost_field(labels, res, grid.cell_m)
    links = planar_links(fld, res, grid.cell_m)
    n = len(patches)
    g = link_graph(n, links["i"].to_numpy() - 1, links["j"].to_numpy() - 1,
                   links["cost_m"].to_numpy())
    attr = patches["habitat_ha"].to_numpy()
    landscape_ha = float(grid.inside.sum()) * grid.cell_ha
    rows = []
    for d in ds:
        fr = dpc_fractions(attr, g, d, p_at, connector=connector)
        num = float(fr["pc_num"][0])
        rows.append({"distance_m": d, "pc": num / landscape_ha ** 2, "eca_ha": math.sqrt(num),
                     "eca_pct_of_habitat": 100 * math.sqrt(num) / attr.sum(),
                     "habitat_ha": float(attr.sum()), "landscape_ha": landscape_ha,
                     "patches": n, "links": len(links),
                     "links_within": int((links["cost_m"] <= d).sum())})
        tag = f"{d:g}"
        for k in ("dpc", "intra", "flux", "connector", "reach"):
            patches[f"{k}_{tag}"] = fr[k]
    indices = pd.DataFrame(rows)
    crs = grid.crs
    corridor_raster = np.zeros(labels.shape, dtype=np.int32)
    if geometry:
        polys = patch_polygons(labels, grid.transform, crs)
        patch_gdf = gpd.GeoDataFrame(polys.merge(patches, on=PATCH_ID), geometry="geometry",
                                     crs=crs)
        lines, corr = [], []
        nx = labels.shape[1]
        t = grid.transform
        dmax = ds[-1]
        for r in links.itertuples():
            path = np.asarray(link_path(fld, int(r.u), int(r.v)))
            rr, cc = np.divmod(path, nx)
            xs, ys = t * (cc + 0.5, rr + 0.5)
            line = (shapely.LineString(np.column_stack([xs, ys])) if len(path) > 1
                    else shapely.Point(xs[0], ys[0]))
            lines.append(line)
            if r.cost_m <= dmax:
                off = labels.ravel()[path] == 0
                corridor_raster.ravel()[path[off]] += 1
                corr.append((r.Index, line.buffer(grid.cell_m / 2, cap_style="square")))
        link_gdf = gpd.GeoDataFrame(links[["i", "j", "cost_m"]].rename(
            columns={"i": "from_patch", "j": "to_patch"}), geometry=lines, crs=crs)
        link_gdf["length_m"] = link_gdf.geometry.length
        link_gdf.insert(0, "link_id", np.arange(1, len(links) + 1))
        for d in ds:
            link_gdf[f"within_{d:g}"] = link_gdf["cost_m"] <= d
        cidx = [i for i, _ in corr]
        corr_gdf = gpd.GeoDataFrame(link_gdf.drop(columns="geometry").iloc[cidx],
                                    geometry=[p for _, p in corr], crs=crs)
        corr_gdf["corridor_ha"] = corr_gdf.geometry.area / 10_000.0
    else:
        patch_gdf = gpd.GeoDataFrame(patches, geometry=[None] * n, crs=crs)
        link_gdf = gpd.GeoDataFrame(links[["i", "j", "cost_m"]], geometry=[None] * len(links),
                                    crs=crs)
        corr_gdf = gpd.GeoDataFrame({"link_id": []}, geometry=[], crs=crs)
    meta = {"method": METHOD, "distances_m": ds, "p_at_distance": p_at,
            "min_patch_ha": min_patch_ha, "cell_m": grid.cell_m,
            "resistance_table": table.source, "assumptions": table.assumptions,
            "patch_value": "habitat_ha = area × NKI nature value / 100 (scheme basemap04)",
            "links": "planar least-cost links (Graphab planar topology)"}
    return Network(patch_gdf, link_gdf, corr_gdf, corridor_raster, indices, labels, grid,
                   fld, meta)


def build_network(kommune: str, distance: list[float] | tuple[float, ...] | None = None,
                  min_patch_ha: float = 1.0, p_at_distance: float = P_AT_DISTANCE,
                  resistance: str | Path | None = None, dry_wet: bool = True) -> Network:
    """The ecological network of embedded municipality ``kommune`` (Basemap04 2021)."""
    from naturkapital.priority.units import municipality

    scheme = load_scheme("basemap04")
    import rasterio

    from naturkapital.data.catalogue import dataset_path

    with rasterio.open(dataset_path("basemap2021")) as ds:
        crs = ds.crs
    code, name, geom = municipality(kommune, crs)
    grid = nature_grid(scheme, geom, dry_wet)
    net = network_from_grid(grid, list(distance or [1000.0]), min_patch_ha, p_at_distance,
                            resistance)
    net.meta.update({"kommune": code, "kommune_name": name, "landcover": "Basemap04 2021",
                     "dry_wet_50m": dry_wet})
    return net


def write_network(net: Network, path: str | Path) -> Path:
    """The network as one GeoPackage: layers ``patches``, ``links``, ``corridors``,
    ``indices`` and ``metadata`` (method, assumptions)."""
    import json

    from naturkapital.io.output import check_out, write_atomic

    p = check_out(path, (".gpkg",))

    def write(tmp: Path) -> None:
        net.patches.to_file(tmp, layer="patches", driver="GPKG", engine="pyogrio")
        net.links.to_file(tmp, layer="links", driver="GPKG", engine="pyogrio")
        if len(net.corridors):
            net.corridors.to_file(tmp, layer="corridors", driver="GPKG", engine="pyogrio")
        gpd.GeoDataFrame(net.indices).to_file(tmp, layer="indices", driver="GPKG",
                                              engine="pyogrio")
        md = pd.DataFrame({"key": list(net.meta), "value": [
            json.dumps(v, ensure_ascii=False, default=str) for v in net.meta.values()]})
        gpd.GeoDataFrame(md).to_file(tmp, layer="metadata", driver="GPKG", engine="pyogrio")

    return write_atomic(p, write)


def write_corridor_raster(net: Network, path: str | Path) -> Path:
    """Corridors per cell as a GeoTIFF (0: none; -1 outside the area)."""
    import rasterio

    from naturkapital.io.output import check_out, write_atomic

    p = check_out(path, (".tif",))
    data = np.where(net.grid.inside, net.corridor_raster, -1).astype(np.int32)

    def write(tmp: Path) -> None:
        with rasterio.open(tmp, "w", driver="GTiff", width=data.shape[1],
                           height=data.shape[0], count=1, dtype="int32", nodata=-1,
                           crs=net.grid.crs, transform=net.grid.transform,
                           compress="deflate") as ds:
            ds.write(data, 1)

    return write_atomic(p, write)
