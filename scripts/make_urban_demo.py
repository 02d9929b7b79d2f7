"""Build the embedded urban demo city (``demo:kobenhavn``) from the source files.

Writes src/naturkapital/data/urban/: the OSM extract as is, the districts (the 10
bydele of Copenhagen with their 2026 Q2 population, plus Frederiksberg as one district
from its 100 m grid) and the Frederiksberg 100 m population grid (latest extract,
2014-04-01), both in EPSG:25832 with coordinates rounded to 0.1 m. Run from the
repository root: ``python scripts/make_urban_demo.py SOURCE_DIR``, where SOURCE_DIR
holds the files listed in src/naturkapital/data/urban/README.md (a developer's copy of
the project's open-data collection; the product itself only reads the vendored output).
"""

from __future__ import annotations

import csv
import json
import shutil
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

if len(sys.argv) != 2:
    sys.exit("usage: python scripts/make_urban_demo.py SOURCE_DIR")
SRC = Path(sys.argv[1])
OUT = Path("src/naturkapital/data/urban")
CRS = "EPSG:25832"


def _round(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    gdf = gdf.copy()
    gdf["geometry"] = shapely.set_precision(gdf.geometry.values, 0.1)
    return gdf


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    shutil.copy(SRC / "copenhagen_2011.osm.pbf", OUT / "copenhagen_2011.osm.pbf")
    shutil.copy(SRC / "LICENSE_frederiksberg_MIT.txt", OUT / "LICENSE_frederiksberg_MIT.txt")
    # population per Copenhagen district, 2026 Q2, all citizenships ("Citizenship total")
    pop: dict[str, int] = {}
    with open(SRC / "copenhagen_district_population_2026q2.csv", encoding="utf-8") as f:
        for row in csv.reader(f):
            if len(row) >= 5 and row[3].startswith("District - ") and row[3][11:] not in pop:
                pop[row[3][11:]] = int(row[4])
    d = gpd.read_file(SRC / "copenhagen_districts.geojson").to_crs(CRS)
    d["name"] = d["navn"]
    key = {"Vesterbro/Kongens Enghave": "Vesterbro-Kongens Enghave"}
    names = {key.get(k, k): v for k, v in pop.items()}
    d["population"] = d["name"].map(lambda n: names.get(n, names.get(n.replace("-", "/"))))
    d["population_date"] = "2026Q2"
    d["district_id"] = d["bydel_nr"].astype(int).astype(str)
    d["geometry"] = d.geometry.simplify(1.0)
    # Frederiksberg: its 100 m grid, residents of the latest extract
    grid = gpd.read_file(SRC / "frederiksberg_grid100m.geojson").to_crs(CRS)
    rows = json.loads((SRC / "frederiksberg_population.json").read_text(encoding="utf-8"))
    p = pd.DataFrame(rows)
    latest = p[p["type_id"] == 11]["udtraek_dato"].max()
    cells = p[(p["type_id"] == 11) & (p["udtraek_dato"] == latest)]
    grid = grid.merge(cells[["distrikt_id", "antal_samlet"]], on="distrikt_id", how="left")
    grid = grid.rename(columns={"distrikt_id": "cell_id", "antal_samlet": "residents"})
    grid["residents"] = grid["residents"].fillna(0).astype(int)
    grid["date"] = latest
    frb = gpd.GeoDataFrame({"district_id": ["147"], "name": ["Frederiksberg"],
                            "population": [int(grid["residents"].sum())],
                            "population_date": [latest]},
                           geometry=[shapely.union_all(grid.geometry.buffer(0.05).values)],
                           crs=CRS)
    d = d[["district_id", "name", "population", "population_date", "geometry"]]
    d["geometry"] = d.geometry.difference(frb.geometry.iloc[0])
    districts = pd.concat([d, frb], ignore_index=True)
    _round(gpd.GeoDataFrame(districts, crs=CRS)).to_file(OUT / "districts.geojson",
                                                        driver="GeoJSON")
    _round(grid[["cell_id", "residents", "date", "geometry"]]).to_file(
        OUT / "frederiksberg_population_grid.geojson", driver="GeoJSON")
    print("wrote", *sorted(p.name for p in OUT.iterdir()))


if __name__ == "__main__":
    main()
