"""The Endelave demo, CONSTRUCTED FOR THE DEMO: a parcel fabric built from the island's
real outline (embedded municipality boundaries, Horsens 615) and real land cover
(embedded Basemap04 2021, 100 m), with constructed owners, farms, soil classes, land
bank and project area. The project stands in for the wellfield protection area around
the island's waterworks; its place is constructed, not the real protection zone.

Real users load their cadastre (matrikelkort) and their own owner table.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import rasterio
import shapely
from shapely.geometry import Point

from naturkapital.core.errors import InputError
from naturkapital.data.catalogue import dataset_path

LABEL = ("konstrueret til demoen / constructed for the demo: real Endelave outline and "
         "land cover, constructed owners, values, land bank and project area")
DEMOS: tuple[str, ...] = ("endelave",)
CELL = 200.0  # parcel lattice, m
OWNERS = 8
AGRICULTURE = 5  # Basemap04 class


def _island() -> shapely.Geometry:
    g = gpd.read_file(dataset_path("municipalities"))
    g = g[g["lau_1"].astype(str) == "615"].to_crs(25832)
    pt = gpd.GeoSeries([Point(10.26, 55.755)], crs=4326).to_crs(25832).iloc[0]
    parts = shapely.get_parts(shapely.union_all(g.geometry.to_numpy()))
    return min(parts, key=lambda p: p.distance(pt))


def build_endelave(folder: Path) -> dict[str, Path]:
    """Write the demo's parcels, farms, project area and land bank into ``folder``."""
    rng = np.random.default_rng(615)
    island = _island()
    x0, y0, x1, y1 = island.bounds
    xs = np.arange(np.floor(x0 / CELL) * CELL, x1, CELL)
    ys = np.arange(np.floor(y0 / CELL) * CELL, y1, CELL)
    cells = [shapely.box(x, y, x + CELL, y + CELL) for y in ys for x in xs]
    parcels = gpd.GeoDataFrame(geometry=[c.intersection(island) for c in cells], crs=25832)
    parcels = parcels[parcels.area >= 0.4 * CELL * CELL].reset_index(drop=True)
    with rasterio.open(dataset_path("basemap2021")) as src:
        pts = parcels.geometry.representative_point().to_crs(src.crs)
        lc = np.array([v[0] for v in src.sample(zip(pts.x, pts.y, strict=True))])
    parcels = parcels[lc == AGRICULTURE].reset_index(drop=True)
    if len(parcels) < 2 * OWNERS:
        raise InputError("--demo", "too little farmland found on Endelave for the demo")
    c = parcels.geometry.centroid
    farm_idx = rng.choice(len(parcels), OWNERS, replace=False)
    fx, fy = c.x.to_numpy()[farm_idx], c.y.to_numpy()[farm_idx]
    d = np.hypot(c.x.to_numpy()[:, None] - fx, c.y.to_numpy()[:, None] - fy)
    owner = np.where(rng.random(len(parcels)) < 0.55, d.argmin(axis=1),
                     rng.integers(0, OWNERS, len(parcels)))
    owner[farm_idx] = np.arange(OWNERS)
    parcels["parcel_id"] = [f"E{i + 1:03d}" for i in range(len(parcels))]
    parcels["owner"] = [f"lodsejer_{chr(65 + o)}" for o in owner]
    parcels["jb"] = rng.choice(["JB5", "JB6", "JB7"], len(parcels))
    parcels["demo"] = LABEL
    # constructed land bank: 12 % of the parcels away from the farms
    bank = rng.random(len(parcels)) < 0.12
    bank[farm_idx] = False
    # constructed project ("wellfield protection"): a 350 m circle at the island's
    # centre of farmland, kept off the farm parcels
    centre = Point(float(np.median(c.x)), float(np.median(c.y)))
    project = centre.buffer(350.0)
    farms = gpd.GeoDataFrame({"owner": [f"lodsejer_{chr(65 + o)}" for o in range(OWNERS)],
                              "demo": LABEL},
                             geometry=[Point(x, y) for x, y in zip(fx, fy, strict=True)],
                             crs=25832)
    out = {k: folder / f"endelave_{k}.gpkg" for k in ("parcels", "farms", "project",
                                                      "land_bank")}
    parcels[~bank].to_file(out["parcels"])
    parcels[bank].drop(columns="owner").to_file(out["land_bank"])
    farms.to_file(out["farms"])
    gpd.GeoDataFrame({"target_use": ["groundwater"], "demo": [LABEL]}, geometry=[project],
                     crs=25832).to_file(out["project"])
    return out
