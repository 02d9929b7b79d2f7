"""Build the three demo scenarios (BioScape's pilots) from the embedded data.

Run ``python -m naturkapital.scenario.make_demo`` to (re)write
``scenario/demo/*.gpkg``; the result is deterministic (no randomness).

The demos are *illustrations*, not the pilots' plans. For each pilot a search centre
near its approximate location (see :data:`PILOTS`; accuracy stated there and in
docs/scenarios.md) is placed inside its municipality; on the embedded Basemap04 2021
(100 m) the script then picks farmland cells (class 5) on or beside wet soils —
cells that are wet nature (class 11), hold wet open nature (value 2 of the 50 m
dry/wet-nature map) or touch such a cell (8-neighbourhood, i.e. within 100 m). The
connected groups of such farmland nearest the centre become rewetting conversions
(to 11, wet meadow/nature, 2–10 ha each, the Klimaskovfonden project size), and for
pilots with a forest element a block of dry farmland next to existing forest becomes
forest (to 8). Polygons are the chosen cells, opened by a 15 m radius (rounded
corners, so some cells are cut and count by their covered fraction) and clipped to
the municipality.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import rasterio
import shapely
from pyproj import Transformer
from rasterio.features import geometry_mask, shapes
from rasterio.windows import from_bounds
from scipy import ndimage

from naturkapital.data.catalogue import dataset_path
from naturkapital.nki.compute import load_zones
from naturkapital.scenario.read import DEMO_DIR, DEMOS

AGRI, FOREST, WET = 5, 8, 11
CRS = "EPSG:25832"


@dataclass(frozen=True)
class Pilot:
    """One BioScape pilot: where to search and what to draw.

    ``lon``/``lat``: search centre (WGS84), approximate — ``accuracy`` says how
    approximate. ``rewet``: number of rewetting parts; ``rewet_max_ha``: cap per part;
    ``forest_ha``: size of the forest block (0 = none).
    """

    key: str
    title: str
    kommune: str
    lon: float
    lat: float
    accuracy: str
    story: str
    rewet: int
    rewet_max_ha: int
    forest_ha: int
    radius_m: float = 4000.0


PILOTS: tuple[Pilot, ...] = (
    Pilot("byn_so", "Byn Sø (Lemvig)", "665", 8.25, 56.50,
          "search centre only: a point in Lemvig municipality; the pilot's exact site was "
          "not available to this project",
          "genskab den tidligere søbred og mini-vådområder / re-establish the former lake "
          "shore and mini-wetlands", rewet=3, rewet_max_ha=10, forest_ha=0),
    Pilot("endelave", "Endelave (Horsens)", "615", 10.26, 55.755,
          "the island is the pilot area (certain); the parts are placed by this script, not "
          "at the real drinking-water wells",
          "beskyt drikkevandet med mere og bedre forbundet natur / protect drinking water "
          "with more and better-connected nature", rewet=2, rewet_max_ha=8, forest_ha=6,
          radius_m=3000.0),
    Pilot("aastrup_kaer", "Åstrup Kær (Hedensted)", "766", 9.90, 55.74,
          "approximate: near Rårup Å in Hedensted municipality, within a few km; not the "
          "surveyed pilot boundary",
          "forbind fragmenteret §3-natur og giv Rårup Å plads / reconnect fragmented §3 "
          "nature and give the stream room to flood", rewet=3, rewet_max_ha=10, forest_ha=5),
)


def _windows(p: Pilot) -> tuple[np.ndarray, np.ndarray, rasterio.Affine, float, float]:
    """Basemap classes and a 100 m wet mask around the centre, the transform, centre x/y."""
    x, y = Transformer.from_crs("EPSG:4326", CRS, always_xy=True).transform(p.lon, p.lat)
    with rasterio.open(dataset_path("basemap2021")) as bm:
        win = from_bounds(x - p.radius_m, y - p.radius_m, x + p.radius_m, y + p.radius_m,
                          bm.transform).round_offsets().round_lengths()
        classes = bm.read(1, window=win)
        transform = bm.window_transform(win)
    with rasterio.open(dataset_path("dry_wet_nature")) as dw:
        w2 = from_bounds(*rasterio.windows.bounds(win, bm.transform), dw.transform)
        w2 = w2.round_offsets().round_lengths()
        wet50 = dw.read(1, window=w2) == 2
    h, w = classes.shape
    wet50 = wet50[: 2 * h, : 2 * w]
    wet100 = wet50.reshape(h, 2, w, 2).any(axis=(1, 3))
    return classes, wet100 | (classes == WET), transform, x, y


def _grow(component: np.ndarray, seed: tuple[int, int], n: int) -> np.ndarray:
    """Up to ``n`` cells of ``component`` reached first from ``seed`` (4-neighbour BFS)."""
    out = np.zeros_like(component)
    q, seen = deque([seed]), {seed}
    while q and out.sum() < n:
        r, c = q.popleft()
        out[r, c] = True
        for dr, dc in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            rr, cc = r + dr, c + dc
            if (0 <= rr < component.shape[0] and 0 <= cc < component.shape[1]
                    and component[rr, cc] and (rr, cc) not in seen):
                seen.add((rr, cc))
                q.append((rr, cc))
    return out


def _polygon(mask: np.ndarray, transform: rasterio.Affine, clip: shapely.Geometry
             ) -> shapely.Geometry:
    parts = [shapely.geometry.shape(g) for g, v in shapes(mask.astype(np.uint8), mask=mask,
                                                         transform=transform) if v == 1]
    poly = shapely.union_all(parts).buffer(-15.0).buffer(15.0)
    return shapely.intersection(poly, clip)


def build(p: Pilot) -> gpd.GeoDataFrame:
    """The conversions of one pilot (EPSG:25832)."""
    classes, wet, transform, x, y = _windows(p)
    z = load_zones().gdf
    mun = z[z["zone_id"] == p.kommune].to_crs(CRS).geometry.iloc[0]
    inside = ~geometry_mask([mun.buffer(-50.0)], classes.shape, transform)
    farm = (classes == AGRI) & inside
    beside = ndimage.binary_dilation(wet, structure=np.ones((3, 3), bool))
    candidate = farm & beside
    rows, cols = np.indices(classes.shape)
    cx = transform.c + (cols + 0.5) * transform.a
    cy = transform.f + (rows + 0.5) * transform.e
    dist = np.hypot(cx - x, cy - y)
    labels, n = ndimage.label(candidate)
    # components by distance of their nearest cell to the centre; at least 2 cells (ha)
    order = []
    for k in range(1, n + 1):
        cells = labels == k
        if cells.sum() >= 3:
            d = np.where(cells, dist, np.inf)
            order.append((float(d.min()), k, np.unravel_index(np.argmin(d), d.shape)))
    order.sort()
    used = np.zeros_like(candidate)
    feats = []
    for i, (_, k, seed) in enumerate(order[: p.rewet]):
        part = _grow(labels == k, tuple(int(v) for v in seed), p.rewet_max_ha)
        used |= part
        feats.append({"name": f"{p.key}_vaad_{i + 1}", "to_class": WET,
                      "kind": "genvådgøring (rewetting)",
                      "geometry": _polygon(part, transform, mun)})
    if p.forest_ha:
        near_forest = ndimage.binary_dilation(classes == FOREST, np.ones((3, 3), bool))
        dry = farm & ~beside & ~used & near_forest
        d = np.where(dry, dist, np.inf)
        if np.isfinite(d).any():
            seed = np.unravel_index(np.argmin(d), d.shape)
            labels2, _ = ndimage.label(dry)
            part = _grow(labels2 == labels2[seed], (int(seed[0]), int(seed[1])), p.forest_ha)
            feats.append({"name": f"{p.key}_skov_1", "to_class": FOREST,
                          "kind": "skovrejsning (afforestation)",
                          "geometry": _polygon(part, transform, mun)})
    gdf = gpd.GeoDataFrame(feats, geometry="geometry", crs=CRS)
    gdf["pilot"] = p.title
    gdf["kommune"] = int(p.kommune)
    gdf["illustration"] = ("Illustration on embedded open data, not the pilot's plan; "
                           f"location: {p.accuracy}")
    return gdf[["name", "to_class", "kind", "pilot", "kommune", "illustration", "geometry"]]


def main(out_dir: Path = DEMO_DIR) -> list[Path]:
    """Write the three demo GeoPackages; returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for p in PILOTS:
        gdf = build(p)
        path = out_dir / DEMOS[p.key]
        if path.exists():
            path.unlink()
        gdf.to_file(path, layer=p.key, driver="GPKG", engine="pyogrio")
        area = gdf.geometry.area / 10_000.0
        print(f"{path.name}: " + ", ".join(f"{n} → {c} ({a:.2f} ha)" for n, c, a in
                                           zip(gdf["name"], gdf["to_class"], area,
                                               strict=True)))
        written.append(path)
    return written


if __name__ == "__main__":
    main()
