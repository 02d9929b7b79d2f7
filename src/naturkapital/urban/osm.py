"""Read an OpenStreetMap extract (``.osm.pbf``) into the layers of the city model.

Which tags count as green area, blue area, tree, walkable way or candidate site is
read from ``tables/osm_tags.csv`` (a ``source`` column per row; rows without a
published source start with ``assumption:``). Geometries are built by libosmium
(pyosmium: multipolygons from ways and relations) and returned in EPSG:25832 metres.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from naturkapital.core.errors import InputError

TAGS_TABLE = Path(__file__).resolve().parent / "tables" / "osm_tags.csv"
CRS = "EPSG:25832"
CATEGORIES = ("green", "blue", "tree", "walk", "candidate")


def load_tags(path: Path = TAGS_TABLE) -> pd.DataFrame:
    """The tag table: category, key, value, counts_for_access, canopy_share, source."""
    t = pd.read_csv(path, dtype=str, keep_default_na=False)
    need = {"category", "key", "value", "counts_for_access", "canopy_share", "source"}
    if not need <= set(t.columns):
        raise InputError(path, f"tag table needs columns {', '.join(sorted(need))}")
    bad = sorted(set(t["category"]) - set(CATEGORIES))
    if bad:
        raise InputError(path, f"unknown category {', '.join(bad)}; use {', '.join(CATEGORIES)}")
    t["counts_for_access"] = t["counts_for_access"].str.lower().eq("yes")
    t["canopy_share"] = pd.to_numeric(t["canopy_share"]).astype(float)
    return t


@dataclass
class OSMLayers:
    """The layers of one city, EPSG:25832.

    ``addresses``: points (``osm_id``); ``buildings``: polygons; ``areas``: green,
    blue and candidate polygons with ``category``, ``tag`` (key=value), ``public``
    (counts for access), ``canopy_share``, ``name``; ``trees``: points; ``nodes``:
    ``x``, ``y`` per OSM node id of the walkable ways; ``ways``: list of node-id arrays;
    ``extent``: the polygon the extract covers (its bounding box).
    """

    addresses: gpd.GeoDataFrame
    buildings: gpd.GeoDataFrame
    areas: gpd.GeoDataFrame
    trees: gpd.GeoDataFrame
    nodes: pd.DataFrame
    ways: list[np.ndarray]
    extent: shapely.Geometry
    source: str


def read_osm(path: str | Path, tags: pd.DataFrame | None = None) -> OSMLayers:
    """Read the layers of the city model from an ``.osm.pbf`` (or ``.osm``) file."""
    import osmium

    p = Path(path)
    if not p.exists():
        raise InputError(p, "file not found / filen findes ikke")
    tags = load_tags() if tags is None else tags
    lookup = {(r.key, r.value): r for r in tags.itertuples()}
    area_keys = list(dict.fromkeys(r.key for r in tags.itertuples()
                                   if r.category in ("green", "blue", "candidate")))
    walk = {r.value for r in tags.itertuples() if r.category == "walk" and r.key == "highway"}
    tree_tags = {(r.key, r.value) for r in tags.itertuples() if r.category == "tree"}
    wkb = osmium.geom.WKBFactory()
    addr: list[tuple] = []
    trees: list[tuple] = []
    bld: list[tuple] = []
    areas: list[tuple] = []
    ways: list[list[int]] = []
    locs: dict[int, tuple[float, float]] = {}
    lon_min = lat_min = np.inf
    lon_max = lat_max = -np.inf
    try:
        fp = osmium.FileProcessor(str(p)).with_areas().with_locations()
        for o in fp:
            kind = o.type_str()
            if kind == "n":
                loc = o.location
                if not loc.valid():
                    continue
                lon_min, lon_max = min(lon_min, loc.lon), max(lon_max, loc.lon)
                lat_min, lat_max = min(lat_min, loc.lat), max(lat_max, loc.lat)
                t = o.tags
                if "addr:housenumber" in t:
                    addr.append((o.id, loc.lon, loc.lat))
                for k, v in tree_tags:
                    if t.get(k) == v:
                        trees.append((o.id, loc.lon, loc.lat))
            elif kind == "w":
                hw = o.tags.get("highway")
                if hw in walk and o.tags.get("foot") != "no" and o.tags.get("area") != "yes":
                    refs = [n.ref for n in o.nodes if n.location.valid()]
                    for n in o.nodes:
                        if n.location.valid():
                            locs[n.ref] = (n.location.lon, n.location.lat)
                    if len(refs) >= 2:
                        ways.append(refs)
            elif kind == "a":
                t = o.tags
                try:
                    geom = wkb.create_multipolygon(o)
                except RuntimeError:
                    continue  # broken multipolygon in the extract
                if "building" in t:
                    bld.append((o.orig_id(), geom, "addr:housenumber" in t))
                for k in area_keys:
                    v = t.get(k)
                    r = lookup.get((k, v)) if v is not None else None
                    if r is None or r.category not in ("green", "blue", "candidate"):
                        continue
                    private = t.get("access") in ("private", "no") or t.get("fee") == "yes"
                    areas.append((o.orig_id(), geom, r.category, f"{k}={v}",
                                  bool(r.counts_for_access) and not private, r.canopy_share,
                                  t.get("name", "")))
                    break
    except RuntimeError as exc:
        raise InputError(p, f"cannot read as OpenStreetMap data ({exc})") from None
    if not np.isfinite(lon_min):
        raise InputError(p, "the OpenStreetMap file has no nodes")

    def points(rows: list[tuple]) -> gpd.GeoDataFrame:
        ids = [r[0] for r in rows]
        g = shapely.points([r[1] for r in rows], [r[2] for r in rows]) if rows else []
        return gpd.GeoDataFrame({"osm_id": ids}, geometry=g, crs="EPSG:4326").to_crs(CRS)

    def polys(rows: list[tuple], cols: list[str]) -> gpd.GeoDataFrame:
        data = {c: [r[i + 2] for r in rows] for i, c in enumerate(cols)}
        g = shapely.from_wkb([r[1] for r in rows]) if rows else []
        out = gpd.GeoDataFrame({"osm_id": [r[0] for r in rows], **data}, geometry=g,
                               crs="EPSG:4326").to_crs(CRS)
        out["geometry"] = shapely.make_valid(out.geometry.values)
        return out

    ids = np.fromiter(locs, dtype=np.int64, count=len(locs))
    xy = np.array(list(locs.values()), dtype=float).reshape(-1, 2)
    from pyproj import Transformer

    x, y = Transformer.from_crs("EPSG:4326", CRS, always_xy=True).transform(xy[:, 0],
                                                                           xy[:, 1])
    nodes = pd.DataFrame({"x": x, "y": y}, index=pd.Index(ids, name="osm_id"))
    extent = gpd.GeoSeries([shapely.box(lon_min, lat_min, lon_max, lat_max)],
                           crs="EPSG:4326").to_crs(CRS).iloc[0]
    return OSMLayers(points(addr), polys(bld, ["has_address"]),
                     polys(areas, ["category", "tag", "public", "canopy_share", "name"]),
                     points(trees), nodes, [np.asarray(w, dtype=np.int64) for w in ways],
                     extent, str(p))
