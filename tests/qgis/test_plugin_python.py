"""The plugin inside QGIS's own Python (``/usr/bin/python3`` with PyQGIS, headless):
the parameters generated from every spec (layer kinds, geometry, bounds, choices,
outputs) and the styles of output layers. Skipped only where PyQGIS is absent."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import box
from typer.testing import CliRunner

from naturkapital.cli import app
from naturkapital.lowland.screening import MAX_HORIZON_YEARS
from tests.lowland.conftest import write_raster

ROOT = Path(__file__).resolve().parents[2]
SYSTEM_PYTHON = "/usr/bin/python3"

SCRIPT = r"""
import json, sys
from qgis.core import QgsApplication, QgsVectorLayer
app = QgsApplication([], False)
app.initQgis()
sys.path.insert(0, sys.argv[1])
from naturkapital_qgis import algorithm
doc = json.load(open(sys.argv[2], encoding="utf-8"))
out = {"params": {}, "styles": {}}
for m in doc["models"]:
    ps = {}
    for p in algorithm.make_parameters(m):
        d = {"type": p.type(), "optional": bool(p.flags() & p.FlagOptional)}
        if p.type() == "number":
            d.update(min=p.minimum(), max=p.maximum(), default=p.defaultValue())
        if p.type() == "enum":
            d.update(options=p.options(), default=p.defaultValue())
        if p.type() == "source":
            d.update(types=p.dataTypes())
        if p.type() == "field":
            d.update(parent=p.parentLayerParameterName())
        if p.type() == "fileDestination":
            d.update(ext=p.defaultFileExtension())
        d["description"] = p.description()
        ps[p.name()] = d
    out["params"][m["id"]] = ps
for path in sys.argv[8:]:
    layer = QgsVectorLayer(path, "x", "ogr")
    field = algorithm.apply_style(layer)
    r = layer.renderer()
    n = len(r.ranges()) if hasattr(r, "ranges") else len(r.categories())
    out["styles"][path] = [field, r.type(), n]
import time
class Feedback:
    def __init__(self, cancel_after=None):
        self.t0, self.cancel_after, self.progress, self.info = time.time(), cancel_after, [], []
    def isCanceled(self):
        return self.cancel_after is not None and time.time() - self.t0 > self.cancel_after
    def setProgress(self, p): self.progress.append(p)
    def setProgressText(self, t): pass
    def pushInfo(self, t): self.info.append(t)
    def pushWarning(self, t): self.info.append("warning: " + t)
fb = Feedback()
err = algorithm.run(["/bin/sh", "-c", "echo hello; echo 'PROGRESS 1/4 a' >&2; "
                     "echo 'PROGRESS 4/4 a' >&2; echo 'Fejl (error): x.gpkg: bad' >&2; "
                     "exit 2"], fb)
out["run"] = [err, fb.progress, fb.info]
fb, t = Feedback(cancel_after=0.5), time.time()
out["cancel"] = [algorithm.run(["/bin/sleep", "30"], fb), time.time() - t]
from qgis.core import (QgsFeature, QgsGeometry, QgsProcessingContext,
                       QgsProcessingException, QgsProcessingFeedback, QgsProject,
                       QgsRasterLayer)
screen = next(m for m in doc["models"] if m["id"] == "lowland-screen")
alg = algorithm.NaturkapitalAlgorithm(screen, "nk")
alg.initAlgorithm()
mem = QgsVectorLayer("Polygon?crs=EPSG:25832&field=pid:string", "tegnet", "memory")
f = QgsFeature(mem.fields())
f.setAttributes(["p1"])
f.setGeometry(QgsGeometry.fromWkt("POLYGON((0 0,10 0,10 10,0 10,0 0))"))
mem.dataProvider().addFeatures([f])
ctx = QgsProcessingContext()
ctx.setProject(QgsProject.instance())
rasters = {k: QgsRasterLayer(sys.argv[3 + i], k) for i, k in
           enumerate(("carbon", "water_table", "peat_depth", "geographic"))}
params = {"parcels": mem, "id_field": "pid", "carbon": rasters["carbon"],
          "water_table": rasters["water_table"], "peat_depth": rasters["peat_depth"],
          "horizon_years": 30, "out": sys.argv[7]}
vals = alg.values(params, ctx, QgsProcessingFeedback())
out["values"] = vals
out["memory_copy"] = [f.attributes() for f in QgsVectorLayer(vals["parcels"]).getFeatures()]
try:
    alg.values({**params, "carbon": rasters["geographic"]}, ctx, QgsProcessingFeedback())
except QgsProcessingException as exc:
    out["geographic"] = str(exc)
print(json.dumps(out))
"""


def _pyqgis() -> bool:
    try:
        res = subprocess.run(
            [SYSTEM_PYTHON, "-c", "import qgis.core"], capture_output=True, timeout=120
        )
    except OSError:
        return False
    return res.returncode == 0


def test_parameters_and_styles_in_qgis(tmp_path: Path) -> None:
    if not _pyqgis():
        pytest.skip("PyQGIS is not installed (apt-get install python3-qgis)")
    spec = tmp_path / "spec.json"
    spec.write_text(CliRunner().invoke(app, ["spec", "--json"]).stdout, encoding="utf-8")
    zones = gpd.GeoDataFrame(
        {"nki": [10.0, 20.0, 30.0, 40.0, 50.0, 60.0]},
        geometry=[box(i, 0, i + 1, 1) for i in range(6)],
        crs=25832,
    )
    zones.to_file(tmp_path / "zones.gpkg")
    parcels = gpd.GeoDataFrame(
        {"status": ["eligible", "ineligible"]},
        geometry=[box(0, 0, 1, 1), box(2, 0, 3, 1)],
        crs=25832,
    )
    parcels.to_file(tmp_path / "parcels.gpkg")
    grid = np.ones((4, 4))
    rasters = [write_raster(tmp_path / f"{n}.tif", grid) for n in ("oc", "gvs", "peat")]
    rasters.append(
        write_raster(tmp_path / "wgs84.tif", grid, crs="EPSG:4326", cell=0.01, x0=9.0, y0=56.0)
    )
    res = subprocess.run(
        [
            SYSTEM_PYTHON,
            "-c",
            SCRIPT,
            str(ROOT / "qgis"),
            str(spec),
            *map(str, rasters),
            str(tmp_path / "result.csv"),
            str(tmp_path / "zones.gpkg"),
            str(tmp_path / "parcels.gpkg"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={
            "QT_QPA_PLATFORM": "offscreen",
            "HOME": str(tmp_path),
            "PATH": "/usr/bin:/bin",
            "XDG_RUNTIME_DIR": str(tmp_path),
        },
    )
    assert res.returncode == 0, res.stderr[-3000:]
    out = json.loads(res.stdout.strip().splitlines()[-1])
    params = out["params"]
    nki = params["nki"]
    assert nki["zones"]["type"] == "source" and nki["zones"]["types"] == [2]  # polygons
    assert nki["zones"]["optional"] and nki["zones"]["description"] == "Zoner / Zones"
    assert nki["id_field"]["type"] == "field" and nki["id_field"]["parent"] == "zones"
    assert nki["landcover"]["type"] == "enum" and nki["landcover"]["default"] == "basemap2021"
    assert nki["year"]["options"][:2] == ["1990", "2000"]
    assert nki["bioscore"]["type"] == "raster"
    assert nki["scheme"]["type"] == "file"
    assert nki["out"]["type"] == "fileDestination" and nki["out"]["ext"] == "gpkg"
    assert nki["top"]["min"] == 1
    screen = params["lowland-screen"]
    assert not screen["parcels"]["optional"] and not screen["carbon"]["optional"]
    assert screen["carbon"]["description"] == "Kulstofkort / Organic carbon [% OC]"
    h = screen["horizon_years"]
    assert (h["min"], h["max"], h["default"]) == (0.0, MAX_HORIZON_YEARS, None)
    assert screen["positive_depths"]["type"] == "boolean"
    # a vector input that also takes an embedded dataset has an "embedded" choice
    scen = params["scenario-evaluate"]
    assert scen["scenario_embedded"]["type"] == "enum"
    assert all(o.startswith("demo:") for o in scen["scenario_embedded"]["options"])
    # every command-line input of every model is a parameter
    doc = json.loads(spec.read_text(encoding="utf-8"))
    for m in doc["models"]:
        assert {i["name"] for i in m["inputs"]} <= set(params[m["id"]]), m["id"]
    # the program's lines: progress to the bar, text to the log, its one error line
    assert out["run"] == ["Fejl (error): x.gpkg: bad", [25.0, 100.0], ["hello"]]
    # cancel terminates the program at once
    assert out["cancel"][0] == "Afbrudt / canceled" and out["cancel"][1] < 15
    # a memory layer is written to a GeoPackage; rasters pass their file; the output
    # keeps its path; a geographic raster where a projected one is needed is refused
    v = out["values"]
    assert v["parcels"].endswith(".gpkg") and out["memory_copy"][0][1:] == ["p1"]
    assert (v["carbon"], v["id_field"], v["horizon_years"]) == (str(rasters[0]), "pid", 30.0)
    assert v["out"] == str(tmp_path / "result.csv")
    assert "positive_depths" not in v  # not given: the program's own default
    assert "projected CRS, not EPSG:4326" in out["geographic"]
    styles = out["styles"]
    assert styles[str(tmp_path / "zones.gpkg")] == ["nki", "graduatedSymbol", 5]
    assert styles[str(tmp_path / "parcels.gpkg")] == ["status", "categorizedSymbol", 3]
