"""Lowland and scenario-editor endpoints and processes on both databases (SQLite and
PostgreSQL/PostGIS): indicative candidates, the rules with sources, screening uploads
(bounded), scenario classes/demos/files/evaluation with diagrams, saving scenarios with
``to_class``, and the lowland processes (sync and as jobs)."""

from __future__ import annotations

import base64
import io
import json
import time
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from fastapi.testclient import TestClient
from shapely.geometry import box, mapping

from naturkapital.server import create_app
from naturkapital.server.cache import NKIService
from naturkapital.store import Store

from .conftest import make_settings

pytestmark = pytest.mark.web


@pytest.fixture(scope="module")
def scene(lowland_scene: dict[str, Any]) -> dict[str, Any]:
    return lowland_scene


def _files(scene: dict[str, Any], **over: tuple[str, bytes]) -> dict[str, tuple[str, bytes]]:
    files = {"parcels": ("marker.geojson", scene["geojson"]),
             "carbon": ("kulstof.tif", scene["carbon"]),
             "water_table": ("gvsmax.tif", scene["water"]),
             "peat_depth": ("toervedybde.tif", scene["peat"])}
    files.update(over)
    return files


def _b64(data: bytes) -> dict[str, str]:
    return {"value": base64.b64encode(data).decode("ascii"), "mediaType": "image/tiff"}


# ---------------------------------------------------------------- candidates
def test_candidates_match_python_api(client: TestClient) -> None:
    from naturkapital.lowland.candidates import find_candidates
    from naturkapital.lowland.rules import load_candidate_params, load_rules

    ref = find_candidates("563", load_candidate_params(), load_rules())
    r = client.get("/api/lowland/candidates/563")
    assert r.status_code == 200, r.text
    doc = r.json()
    meta = doc["meta"]
    assert meta["indicative"] is True and meta["kommune"] == "Fanø"
    assert meta["label_da"].startswith("Vejledende") and "No carbon map" in meta["label_en"]
    assert meta["n_units"] == len(ref.units) == len(doc["table"]) > 0
    assert meta["total_ha"] == pytest.approx(float(ref.units["area_ha"].sum()))
    assert [x["rank"] for x in doc["table"]] == list(range(1, len(ref.units) + 1))
    assert [x["candidate_id"] for x in doc["table"]] == list(ref.units["candidate_id"])
    assert all(2 <= x["area_ha"] <= 10 for x in doc["table"])
    assert meta["assumptions"] and all("assumption" in a for a in meta["assumptions"])
    feats = doc["candidates"]["features"]
    assert len(feats) == meta["n_units"]
    assert all(f["properties"]["indicative"] is True for f in feats)
    gdf = gpd.GeoDataFrame.from_features(feats, crs=4326).to_crs(25832)
    # the map's outlines are simplified (5 m): areas within 2 %, every polygon valid;
    # the download keeps the full geometry (areas exact, more vertices)
    assert gdf.area.sum() / 10_000 == pytest.approx(meta["total_ha"], rel=2e-2)
    assert gdf.is_valid.all() and "simplified" in meta["map_geometry"]
    full = client.get("/api/lowland/candidates/563", params={"format": "geojson"}).json()
    fgdf = gpd.GeoDataFrame.from_features(full["features"], crs=4326).to_crs(25832)
    assert fgdf.area.sum() / 10_000 == pytest.approx(meta["total_ha"], rel=1e-4)
    assert (shapely.get_num_coordinates(gdf.geometry.values).sum()
            < shapely.get_num_coordinates(fgdf.geometry.values).sum())
    top = client.get("/api/lowland/candidates/563", params={"top": 3}).json()
    assert len(top["table"]) == 3 and top["meta"]["n_units"] == meta["n_units"]


@pytest.mark.parametrize("fmt", ["geojson", "csv", "gpkg"])
def test_candidate_downloads(client: TestClient, fmt: str, tmp_path: Path) -> None:
    r = client.get("/api/lowland/candidates/563", params={"format": fmt})
    assert r.status_code == 200, r.text
    assert "lavbund_kandidater_563" in r.headers["content-disposition"]
    if fmt == "geojson":
        doc = r.json()
        assert doc["metadata"]["indicative"] is True
        props = doc["features"][0]["properties"]
        assert props["label_da"].startswith("Vejledende") and props["indicative"] is True
    elif fmt == "csv":
        assert r.content.startswith(b"\xef\xbb\xbfcandidate_id")
        t = pd.read_csv(io.BytesIO(r.content), encoding="utf-8-sig")
        assert t["indicative"].all() and t["label_en"].str.startswith("Indicative").all()
    else:
        p = tmp_path / "k.gpkg"
        p.write_bytes(r.content)
        gdf = gpd.read_file(p, layer="kandidater_563", engine="pyogrio")
        assert len(gdf) >= 1 and gdf.crs is not None


@pytest.mark.parametrize("path,status", [
    ("/api/lowland/candidates/9999", 404),
    ("/api/lowland/candidates/0", 404),
    ("/api/lowland/candidates/abc", 422),
    ("/api/lowland/candidates/563?format=shp", 422),
    ("/api/lowland/candidates/563?top=0", 422),
    ("/api/lowland/candidates/..%2F..%2Fetc", 404),
])
def test_bad_candidate_requests(client: TestClient, path: str, status: int) -> None:
    r = client.get(path)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")


def test_rules_with_sources(client: TestClient) -> None:
    r = client.get("/api/lowland/rules")
    assert r.status_code == 200
    doc = r.json()
    rules = {x["key"]: x for x in doc["rules"]["rows"]}
    assert doc["rules"]["version"] == "klimaskovfonden_2024"
    assert rules["min_peat_area_ha"]["value"] == 2 and rules["max_peat_area_ha"]["value"] == 10
    assert rules["max_support_dkk_per_ha"]["value"] == 160_000
    assert rules["max_income_comp_dkk_per_ha"]["value"] == 110_000
    assert rules["max_dkk_per_t_co2e"]["value"] == 360
    assert rules["max_gvsmax_cm"]["value"] == -42.5
    assert all(x["source"] for x in rules.values())
    assert rules["default_horizon_years"]["assumption"] is True
    assert rules["min_peat_area_ha"]["assumption"] is False
    assert rules["min_peat_area_ha"]["description_da"].startswith("Mindste areal")
    factors = {x["situation"]: x for x in doc["emission_factors"]["rows"]}
    rot = factors["in rotation low water table >12 % C"]
    assert (rot["co2"], rot["n2o"], rot["ch4"]) == (42.17, 3.87, 0.0)
    assert factors["not in rotation high water table (rewetted)"]["ch4"] == 6.8
    assert doc["emission_factors"]["gwp"] == {"n2o": 298.0, "ch4": 25.0}
    assert {x["key"] for x in doc["candidate_search"]["rows"]} >= {"adjacency_m",
                                                                   "neighbourhood_m"}
    assert len(doc["conditions"]) >= 5 and "Klimaskovfonden" in doc["conditions_source"]


# ---------------------------------------------------------------- screening uploads
def test_screen_upload(client: TestClient, scene: dict[str, Any]) -> None:
    r = client.post("/api/lowland/screen", files=_files(scene),
                    data={"id_field": "pid", "in_rotation_field": "omdrift"})
    assert r.status_code == 200, r.text
    doc = r.json()
    rows = {x["parcel_id"]: x for x in doc["table"]}
    ok, mineral = rows["ok"], rows["mineral"]
    assert ok["status"] == "eligible" and ok["failed_criteria"] == ""
    assert ok["area_ha"] == pytest.approx(4.0) and ok["peat_area_ha"] == pytest.approx(4.0)
    assert ok["co2e_before_t_per_year"] == pytest.approx(184.16)
    assert ok["co2e_after_t_per_year"] == pytest.approx(27.2)
    assert ok["co2e_reduction_t_per_year"] == pytest.approx(156.96)
    assert ok["max_support_dkk"] == pytest.approx(640_000)
    assert mineral["status"] == "ineligible" and "peat_area" in mineral["failed_criteria"]
    assert "tørvejord" in mineral["reasons_da"]
    assert doc["meta"]["carbon"] == "kulstof.tif" and doc["meta"]["parcels"] == "marker.geojson"
    assert "/tmp" not in json.dumps(doc["meta"])
    statuses = {f["properties"]["parcel_id"]: f["properties"]["status"]
                for f in doc["parcels"]["features"]}
    assert statuses == {"ok": "eligible", "mineral": "ineligible"}
    gp = client.post("/api/lowland/screen", files=_files(scene, parcels=("m.gpkg",
                                                                         scene["gpkg"])),
                     data={"id_field": "pid", "format": "csv"})
    assert gp.status_code == 200 and gp.content.startswith(b"\xef\xbb\xbfparcel_id")


@pytest.mark.parametrize("case,status,needle", [
    ("not_tiff", 415, "must be a GeoTIFF"),
    ("fake_tiff", 422, "cannot read"),
    ("empty", 422, "empty"),
    ("bad_field", 422, "field 'nope' not found"),
    ("grid", 422, "not on the grid"),
    ("not_vector", 415, "not a GeoJSON or GeoPackage"),
    ("off_raster", 422, "every parcel lies outside the carbon raster"),
    ("horizon", 422, "horizon_years"),
    ("geographic", 422, "geographic coordinates"),
])
def test_bad_screen_uploads(client: TestClient, scene: dict[str, Any], case: str, status: int,
                            needle: str) -> None:
    data = {"id_field": "pid"}
    files = _files(scene)
    if case == "not_tiff":
        files["carbon"] = ("kulstof.tif", b"not a tiff at all")
    elif case == "fake_tiff":
        files["peat_depth"] = ("t.tif", b"II*\x00" + b"\x00" * 40)
    elif case == "empty":
        files["water_table"] = ("g.tif", b"")
    elif case == "bad_field":
        data["id_field"] = "nope"
    elif case == "grid":
        files["water_table"] = ("skæv.tif", scene["shifted"])
    elif case == "not_vector":
        files["parcels"] = ("m.txt", b"id;x\n1;2\n")
    elif case == "off_raster":
        far = gpd.GeoDataFrame({"pid": ["far"]}, geometry=[box(8.0, 55.0, 8.01, 55.01)],
                               crs=4326)
        files["parcels"] = ("far.geojson", far.to_json().encode())
    elif case == "horizon":
        data["horizon_years"] = "0"
    elif case == "geographic":
        files["carbon"] = ("lonlat.tif", _geographic_tiff())
    r = client.post("/api/lowland/screen", files=files, data=data)
    assert r.status_code == status, r.text
    detail = r.json()["detail"]
    assert needle in detail
    assert "/tmp" not in detail and "nk-lowland" not in detail
    if case == "geographic":
        assert detail.startswith("lonlat.tif: ")


def _geographic_tiff() -> bytes:
    """A 4 × 4 GeoTIFF in EPSG:4326 (degrees: cell areas would not be in metres)."""
    import numpy as np
    from rasterio.io import MemoryFile
    from rasterio.transform import from_origin

    with MemoryFile() as mem:
        with mem.open(driver="GTiff", width=4, height=4, count=1, dtype="float32",
                      crs="EPSG:4326", transform=from_origin(8.0, 56.0, 0.001, 0.001)) as ds:
            ds.write(np.full((1, 4, 4), 15.0, dtype="float32"))
        return mem.read()


def test_screen_raster_cell_limit(store: Store, nki_service: NKIService,
                                  scene: dict[str, Any]) -> None:
    app = create_app(make_settings(max_raster_cells=100), store=store, nki=nki_service)
    with TestClient(app) as c:
        r = c.post("/api/lowland/screen", files=_files(scene), data={"id_field": "pid"})
    assert r.status_code == 413 and "1,800 cells" in r.json()["detail"]


# ---------------------------------------------------------------- lowland processes
def test_lowland_processes_listed(client: TestClient) -> None:
    ids = {p["id"] for p in client.get("/processes").json()["processes"]}
    assert {"lowland-candidates", "lowland-screen", "scenario-evaluate", "nki"} <= ids
    d = client.get("/processes/lowland-screen").json()
    assert {"parcels", "carbon", "water_table", "peat_depth"} <= set(d["inputs"])
    assert d["inputs"]["parcels"]["minOccurs"] == 1
    assert client.get("/processes/lowland-candidates").json()["inputs"]["kommune"][
        "minOccurs"] == 1


def test_lowland_processes_sync(client: TestClient, scene: dict[str, Any]) -> None:
    r = client.post("/processes/lowland-candidates/execution",
                    json={"inputs": {"kommune": "563", "top": 2}})
    assert r.status_code == 200, r.text
    assert len(r.json()["table"]) == 2 and r.json()["meta"]["indicative"] is True
    bad = client.post("/processes/lowland-candidates/execution",
                      json={"inputs": {"kommune": "9999"}})
    assert bad.status_code == 422 and "unknown kommune" in bad.json()["detail"]
    inputs = {"parcels": json.loads(scene["geojson"]), "id_field": "pid",
              "in_rotation_field": "omdrift", "carbon": _b64(scene["carbon"]),
              "water_table": _b64(scene["water"]), "peat_depth": _b64(scene["peat"])}
    s = client.post("/processes/lowland-screen/execution", json={"inputs": inputs})
    assert s.status_code == 200, s.text
    rows = {x["parcel_id"]: x for x in s.json()["table"]}
    assert rows["ok"]["co2e_reduction_t_per_year"] == pytest.approx(156.96)
    assert rows["mineral"]["status"] == "ineligible"
    for key, value, needle in [("carbon", "!!not base64!!", "not valid base64"),
                               ("carbon", {"value": "aGVq", "mediaType": "text/plain"},
                                "mediaType"),
                               ("peat_depth", _b64(b"hello"), "must be a GeoTIFF")]:
        b = client.post("/processes/lowland-screen/execution",
                        json={"inputs": {**inputs, key: value}})
        assert b.status_code == 422 and needle in b.json()["detail"], b.text


def test_lowland_candidates_job(client: TestClient, auth: dict) -> None:
    r = client.post("/processes/lowland-candidates/execution",
                    json={"inputs": {"kommune": "563"}},
                    headers={"Prefer": "respond-async", **auth})
    assert r.status_code == 201, r.text
    job = r.json()["jobID"]
    end = time.monotonic() + 60
    while time.monotonic() < end:
        info = client.get(f"/jobs/{job}").json()
        if info["status"] in ("successful", "failed"):
            break
        time.sleep(0.1)
    assert info["status"] == "successful", info
    res = client.get(f"/jobs/{job}/results").json()
    assert res["meta"]["kommune"] == "Fanø" and res["candidates"]["type"] == "FeatureCollection"


# ---------------------------------------------------------------- scenario editor
def test_landcover_classes(client: TestClient) -> None:
    b = client.get("/api/landcover/classes").json()
    cls = {c["value"]: c for c in b["classes"]}
    assert b["epoch"] == "basemap2021" and b["scheme"] == "basemap04"
    assert cls[11]["land_type"] == "eng_mose" and cls[8]["land_type"] == "skov"
    assert cls[5]["land_type"] == "mark" and cls[11]["colour"].startswith("#")
    c = client.get("/api/landcover/classes", params={"landcover": "corine",
                                                     "year": 2018}).json()
    assert c["epoch"] == "corine:2018" and len(c["classes"]) > 30
    assert client.get("/api/landcover/classes", params={"year": 2018}).status_code == 422


def test_demos(client: TestClient) -> None:
    demos = client.get("/api/scenario/demos").json()
    assert {d["id"] for d in demos} == {"demo:byn_so", "demo:endelave", "demo:aastrup_kaer"}
    endelave = next(d for d in demos if d["key"] == "endelave")
    assert endelave["kommune"] == "615" and endelave["kommune_name"] == "Horsens"
    assert "not the pilot's plan" in endelave["illustration"]
    fc = client.get("/api/scenario/demos/endelave").json()
    assert fc["demo"] == "demo:endelave" and len(fc["features"]) == 3
    assert sorted(f["properties"]["to_class"] for f in fc["features"]) == [8, 11, 11]
    assert client.get("/api/scenario/demos/nowhere").status_code == 422


def test_scenario_diagrams_follow_the_language(client: TestClient) -> None:
    """The editor's before/after diagrams (and the project area's) are drawn in the
    interface's language; without ``lang`` both languages, as in the reports."""
    docs = {lang: client.post("/api/scenario/evaluate", json={
        "scenario": "demo:endelave", "lang": lang}).json() for lang in ("da", "en")}
    for lang, doc in docs.items():
        for d in (doc["diagram"], doc["project"]["diagram"]):
            for svg in (d["before_svg"], d["after_svg"]):
                if lang == "en":
                    assert "Area share" in svg and "Arealandel" not in svg
                else:
                    assert "Arealandel" in svg and "area share" not in svg.lower()
    assert "Baseline" in docs["en"]["diagram"]["before_svg"]
    assert "Før" in docs["da"]["diagram"]["before_svg"]
    both = client.post("/api/scenario/evaluate", json={"scenario": "demo:endelave",
                                                       "project": False}).json()
    assert "Arealandel (%) / area share (%)" in both["diagram"]["before_svg"]
    assert client.post("/api/scenario/evaluate", json={"scenario": "demo:endelave",
                                                       "lang": "de"}).status_code == 422


def test_evaluate_demo_matches_python_api(client: TestClient) -> None:
    from naturkapital.scenario.evaluate import evaluate_scenario

    ref = evaluate_scenario("demo:endelave")
    r = client.post("/api/scenario/evaluate", json={"scenario": "demo:endelave"})
    assert r.status_code == 200, r.text
    doc = r.json()
    rows = {(x["zone_id"], x["indicator"]): x for x in doc["table"]}
    for ind in ("carbon_stock_t_c", "nki", "nki_nature", "nitrogen_leaching_kg_n_per_year",
                "converted_area_ha"):
        assert rows[("615", ind)]["delta"] == pytest.approx(ref.value("615", ind), abs=1e-6)
    assert rows[("615", "carbon_stock_t_c")]["assumption"].startswith("yes")
    d = doc["diagram"]
    assert d["zone_id"] == "615" and d["name"] == "Horsens"
    assert d["nki_after"] == pytest.approx(ref.value("615", "nki", "scenario"))
    assert "<svg" in d["before_svg"] and "<svg" in d["after_svg"]
    assert {z["zone_id"] for z in doc["zones"]} == {"615", "0"}
    assert len(doc["lowland"]) == 2 and doc["lowland"][0]["criteria"]
    from naturkapital.server.scenario_editor import browser_advice

    # the one serialiser; the editor only says "upload" where the CLI says "--carbon"
    assert doc["lowland"] == browser_advice(ref.to_dict("demo:endelave")["lowland"])
    assert len(doc["conversions"]["features"]) == 3
    assert doc["meta"]["scenario"] == "demo:endelave"
    assert "/" not in doc["meta"]["carbon_pools"]
    total = client.post("/api/scenario/evaluate", json={"scenario": "demo:endelave",
                                                         "zone_id": "0"})
    assert total.status_code == 200 and total.json()["diagram"]["zone_id"] == "0"


def _farm_square(size_m: float = 300.0) -> dict[str, Any]:
    """A square of farmland in Fanø municipality (Basemap04 class 5), EPSG:4326."""
    from naturkapital.lowland.candidates import find_candidates
    from naturkapital.lowland.rules import load_candidate_params, load_rules

    unit = find_candidates("563", load_candidate_params(), load_rules()).units.iloc[0]
    c = unit.geometry.representative_point()
    sq = gpd.GeoSeries([box(c.x - size_m / 2, c.y - size_m / 2, c.x + size_m / 2,
                            c.y + size_m / 2)], crs=25832).to_crs(4326).iloc[0]
    return {"type": "Feature", "geometry": mapping(sq),
            "properties": {"name": "skov", "to_class": 8}}


def test_evaluate_drawn_polygon(client: TestClient, tmp_path: Path) -> None:
    """A drawn field → forest polygon: the same numbers as the Python API on the file."""
    from naturkapital.scenario.evaluate import evaluate_scenario

    fc = {"type": "FeatureCollection", "features": [_farm_square()]}
    r = client.post("/api/scenario/evaluate", json={"scenario": fc})
    assert r.status_code == 200, r.text
    doc = r.json()
    p = tmp_path / "s.geojson"
    p.write_text(json.dumps(fc))
    ref = evaluate_scenario(p)
    rows = {(x["zone_id"], x["indicator"]): x for x in doc["table"]}
    assert doc["diagram"]["zone_id"] == "563"
    for ind in ("carbon_stock_t_c", "nki", "converted_area_ha", "cost_dkk"):
        assert rows[("563", ind)]["delta"] == pytest.approx(ref.value("563", ind), abs=1e-6)
    assert rows[("563", "carbon_stock_t_c")]["delta"] > 0
    assert rows[("563", "nki")]["delta"] > 0
    assert rows[("563", "rewetted_area_ha")]["delta"] == 0
    assert doc["meta"]["scenario"] == "upload"


def _poly(coords: list[list[float]], cls: Any = 11) -> dict[str, Any]:
    return {"type": "Feature", "properties": {"to_class": cls},
            "geometry": {"type": "Polygon", "coordinates": [coords]}}


SQ = [[8.40, 55.43], [8.41, 55.43], [8.41, 55.44], [8.40, 55.44], [8.40, 55.43]]


@pytest.mark.parametrize("body,needle", [
    ({"scenario": {"type": "FeatureCollection", "features": []}}, "no features"),
    ({"scenario": {"type": "Feature"}}, "FeatureCollection"),
    ({"scenario": {"type": "FeatureCollection", "features": [_poly(SQ, 99)]}}, "99"),
    ({"scenario": {"type": "FeatureCollection", "features": [_poly(SQ, "skov")]}}, "to_class"),
    ({"scenario": {"type": "FeatureCollection", "features": [_poly(SQ), _poly(SQ)]}},
     "overlap"),
    ({"scenario": {"type": "FeatureCollection", "features": [_poly(
        [[7.0, 55.0], [7.01, 55.0], [7.01, 55.01], [7.0, 55.0]])]}}, "outside"),
    ({"scenario": {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"to_class": 8},
         "geometry": {"type": "Point", "coordinates": [8.4, 55.4]}}]}}, "polygon"),
    ({"scenario": {"type": "FeatureCollection", "features": [_poly(
        [[8.40, 55.43], [8.41, 55.44], [8.41, 55.43], [8.40, 55.44], [8.40, 55.43]])]}},
     "nvalid"),
    ({"scenario": "demo:endelave", "landcover": "corine", "year": 2018}, "Basemap04"),
    ({"scenario": "demo:endelave", "zone_id": "101"}, "not in the result"),
    ({"scenario": "demo:nowhere"}, "scenario"),
    ({"scenario": "demo:endelave", "extra": 1}, "extra"),
])
def test_bad_evaluations_are_clear_422(client: TestClient, body: dict, needle: str) -> None:
    r = client.post("/api/scenario/evaluate", json=body)
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert needle.lower() in detail.lower(), detail
    assert "/tmp" not in detail and "nk-scenario" not in detail


def test_read_scenario_file(client: TestClient) -> None:
    from naturkapital.scenario.read import DEMO_DIR

    data = (DEMO_DIR / "byn_so_lemvig.gpkg").read_bytes()
    r = client.post("/api/scenario/read", files={"file": ("byn.gpkg", data)})
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["filename"] == "byn.gpkg" and len(doc["conversions"]["features"]) == 3
    props = doc["conversions"]["features"][0]["properties"]
    assert props["to_class"] == 11 and props["land_type"] == "eng_mose"
    lon, lat = doc["conversions"]["features"][0]["geometry"]["coordinates"][0][0]
    assert 8 < lon < 9 and 56 < lat < 57
    bad = client.post("/api/scenario/read", files={"file": ("x.csv", b"a,b\n1,2\n")})
    assert bad.status_code == 415
    no_class = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"navn": "x"}, "geometry": _poly(SQ)["geometry"]}]}
    r2 = client.post("/api/scenario/read",
                     files={"file": ("plan.geojson", json.dumps(no_class).encode())})
    assert r2.status_code == 422 and "to_class" in r2.json()["detail"]
    assert "plan.geojson" in r2.json()["detail"] and "/tmp" not in r2.json()["detail"]


def test_save_scenario_with_to_class(client: TestClient, auth: dict, store: Store) -> None:
    geom = _poly(SQ)["geometry"]
    body = {"name": "Våd eng på Fanø", "landcover": "basemap2021",
            "conversions": [{"geometry": geom, "to_class": 11, "name": "eng"}]}
    assert client.post("/api/scenarios", json=body).status_code == 401
    n = store.count("scenarios")
    r = client.post("/api/scenarios", json=body, headers=auth)
    assert r.status_code == 201, r.text
    conv = r.json()["conversions"][0]
    assert conv["to_class"] == 11 and conv["to_land_type"] == "eng_mose"
    assert conv["name"] == "eng"
    assert store.count("scenarios") == n + 1
    again = client.get(f"/api/scenarios/{r.json()['id']}").json()
    assert again["conversions"] == r.json()["conversions"]
    for conversions, needle in [
        ([{"geometry": geom, "to_class": 99}], "not a class"),
        ([{"geometry": geom, "to_class": 11, "to_land_type": "skov"}], "land type eng_mose"),
        ([{"geometry": geom}], "to_class"),
    ]:
        bad = client.post("/api/scenarios", json={**body, "conversions": conversions},
                          headers=auth)
        assert bad.status_code == 422 and needle in bad.json()["detail"], bad.text
    assert store.count("scenarios") == n + 1
    corine = client.post("/api/scenarios", headers=auth, json={
        **body, "landcover": "corine:2018", "conversions": [{"geometry": geom,
                                                             "to_class": 35}]})
    assert corine.status_code == 201 and corine.json()["conversions"][0][
        "to_land_type"] == "eng_mose"


def _reopened(rec: dict[str, Any]) -> dict[str, Any]:
    """A saved scenario as the editor reopens it (scenario.js openSaved): each stored
    conversion becomes a feature with every scenario attribute that is set."""
    from naturkapital.scenario.read import CONVERSION_FIELDS

    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": c["geometry"],
         "properties": {k: c[k] for k in CONVERSION_FIELDS if c.get(k) not in (None, "")}}
        for c in rec["conversions"]]}


def test_saved_scenario_round_trips_every_field(client: TestClient, auth: dict,
                                                tmp_path: Path) -> None:
    """Save a rewetting with oc_pct, gvsmax_cm and peat_depth_cm, reopen it and evaluate
    again: the same numbers, on both databases. A 300 m square (9 ha) of farmland on
    Fanø → wet meadow with OC 15 %, GVSmax −80 cm, peat 100 cm: the lowland check is
    eligible (9 ha in 2–10 ha, OC > 6 % on all of it, −80 deeper than −42.5, drained
    peat min(100, 80) = 80 ≥ 30 cm); CO2e of the polygon, in rotation with > 12 % C,
    before 9 × (42.17 + 3.87) = 414.36 and after 9 × 6.8 = 61.2 t/yr; maximum support
    9 × 160 000 = 1 440 000 DKK."""
    from naturkapital.scenario.evaluate import evaluate_scenario

    sq = _farm_square()
    props = {"conv_id": "F-1", "name": "vaad", "to_class": 11, "note": "genvådgøring",
             "oc_pct": 15.0, "gvsmax_cm": -80.0, "peat_depth_cm": 100.0}
    fc = {"type": "FeatureCollection", "features": [{**sq, "properties": props}]}
    first = client.post("/api/scenario/evaluate", json={"scenario": fc})
    assert first.status_code == 200, first.text
    saved = client.post("/api/scenarios", headers=auth, json={
        "name": "Genvådgøring på Fanø", "landcover": "basemap2021",
        "conversions": [{"geometry": sq["geometry"], **props}]})
    assert saved.status_code == 201, saved.text
    rec = client.get(f"/api/scenarios/{saved.json()['id']}").json()
    (conv,) = rec["conversions"]
    assert {k: conv[k] for k in props} == props
    assert conv["to_land_type"] == "eng_mose"
    again = client.post("/api/scenario/evaluate", json={"scenario": _reopened(rec)})
    assert again.status_code == 200, again.text
    a, b = first.json(), again.json()
    assert b["table"] == a["table"] and b["lowland"] == a["lowland"]
    # … and the same as the Python API on the reopened scenario as a file
    p = tmp_path / "reopened.geojson"
    p.write_text(json.dumps(_reopened(rec)), encoding="utf-8")
    ref = evaluate_scenario(p).to_dict("upload")
    assert b["lowland"] == ref["lowland"]
    rows = {(r["zone_id"], r["indicator"]): r for r in b["table"]}
    for key, row in rows.items():
        for col in ("baseline", "scenario", "delta"):
            assert row[col] == pytest.approx(next(
                r[col] for r in ref["table"] if (r["zone_id"], r["indicator"]) == key),
                nan_ok=True), (key, col)
    (chk,) = b["lowland"]
    assert chk["conv_id"] == "F-1" and chk["name"] == "vaad"
    assert chk["status"] == "eligible" and chk["area_ha"] == pytest.approx(9.0)
    assert chk["gvsmax_before_cm"] == -80.0 and chk["gvsmax_basis"] == "attribute gvsmax_cm"
    assert chk["data_basis"] == "attributes oc_pct, gvsmax_cm, peat_depth_cm"
    assert chk["co2e_before_t_per_year"] == pytest.approx(414.36)
    assert chk["co2e_after_t_per_year"] == pytest.approx(61.2)
    assert chk["max_support_dkk"] == pytest.approx(1_440_000)
    drained = next(c for c in chk["criteria"] if c["key"] == "drained_peat")
    assert drained["measured"] == pytest.approx(80.0)
    assert rows[("563", "ghg_organic_soils_t_co2e_per_year")]["scenario"] == pytest.approx(61.2)
    # Without the three numbers the results differ: the round trip is what keeps them.
    bare = {"type": "FeatureCollection", "features": [
        {**sq, "properties": {"name": "vaad", "to_class": 11}}]}
    c = client.post("/api/scenario/evaluate", json={"scenario": bare}).json()
    assert c["lowland"][0]["status"] == "incomplete"
    assert next(r for r in c["table"] if r["zone_id"] == "563" and r["indicator"]
                == "ghg_organic_soils_t_co2e_per_year")["scenario"] is None


def test_store_keeps_conversion_numbers_exactly(store: Store) -> None:
    """The store's JSON (SQLite text, PostgreSQL JSONB numeric) gives back the very floats,
    and null stays null."""
    conv = [{"geometry": _poly(SQ)["geometry"], "to_class": 11, "to_land_type": "eng_mose",
             "conv_id": "k1", "name": "eng", "note": "", "oc_pct": 15.123456789012345,
             "gvsmax_cm": -42.50000000000001, "peat_depth_cm": None},
            {"geometry": _poly(SQ)["geometry"], "to_class": 8, "to_land_type": "skov",
             "conv_id": None, "name": "", "note": "x", "oc_pct": 1e-300, "gvsmax_cm": -0.0,
             "peat_depth_cm": 99999.99999999999}]
    rec = store.create_scenario("præcision", "", "basemap2021", conv)
    again = store.get_scenario(rec["id"])
    assert again is not None and again["conversions"] == conv
    for a, b in zip(again["conversions"], conv, strict=True):
        for k in ("oc_pct", "gvsmax_cm", "peat_depth_cm"):
            assert repr(a[k]) == repr(b[k]) or (a[k] == b[k] == 0.0), (k, a[k], b[k])


@pytest.mark.parametrize("field,value", [("oc_pct", 101), ("oc_pct", -1),
                                         ("peat_depth_cm", -5), ("gvsmax_cm", 20_000),
                                         ("gvsmax_cm", "deep")])
def test_saved_conversion_numbers_are_checked(client: TestClient, auth: dict, field: str,
                                              value: Any) -> None:
    body = {"name": "x", "conversions": [{"geometry": _poly(SQ)["geometry"], "to_class": 11,
                                          field: value}]}
    r = client.post("/api/scenarios", json=body, headers=auth)
    assert r.status_code == 422 and field in r.json()["detail"], r.text


def test_conversion_fields_are_the_editors(client: TestClient) -> None:
    """The editor keeps, sends and saves exactly the scenario's conversion attributes."""
    import re

    from naturkapital.scenario.read import CONVERSION_FIELDS

    js = client.get("/static/scenario.js").text
    keep = re.search(r"const KEEP = \[([^\]]*)\]", js)
    assert keep is not None
    assert tuple(re.findall(r'"([a-z_]+)"', keep.group(1))) == CONVERSION_FIELDS
    schema = client.get("/openapi.json").json()["components"]["schemas"]["Conversion"]
    assert set(CONVERSION_FIELDS) <= set(schema["properties"])


def test_openapi_lists_new_endpoints(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for p in ["/api/lowland/candidates/{kommune}", "/api/lowland/rules", "/api/lowland/screen",
              "/api/landcover/classes", "/api/scenario/demos", "/api/scenario/demos/{demo}",
              "/api/scenario/read", "/api/scenario/evaluate"]:
        assert p in paths, p


def test_web_app_ships_the_new_views(client: TestClient) -> None:
    html = client.get("/", headers={"Accept": "text/html"}).text
    for needle in ('data-tab="lowland"', 'data-tab="scenario"', "/static/lowland.js",
                   "/static/scenario.js", 'id="scn-draw"'):
        assert needle in html
    for f in ("lowland.js", "scenario.js"):
        r = client.get(f"/static/{f}")
        assert r.status_code == 200 and "cdn" not in r.text.lower()


# ---------------------------------------------------------------- no fetching from uploads
class _Listener:
    """A loopback socket that records whether anything connected to it."""

    def __init__(self) -> None:
        import socket
        import threading

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.hits = 0
        self._stop = False
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()

    def _run(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.hits += 1
            conn.close()

    def close(self) -> None:
        self._stop = True
        self._t.join(timeout=2)
        self.sock.close()


def test_geojson_crs_links_are_refused_not_fetched(client: TestClient,
                                                   scene: dict[str, Any]) -> None:
    """GDAL follows a GeoJSON 'crs' link over the network; every GeoJSON input refuses it."""
    lis = _Listener()
    try:
        link = {"type": "link", "properties": {"href": f"http://127.0.0.1:{lis.port}/c.wkt",
                                                "type": "ogcwkt"}}
        fc = {"type": "FeatureCollection", "crs": link, "features": [
            {**_poly(SQ), "properties": {"id": "a", "to_class": 11}}]}
        raw = json.dumps(fc).encode()
        answers = [
            client.post("/api/nki", files={"zones": ("z.geojson", raw)}),
            client.post("/api/scenario/read", files={"file": ("s.geojson", raw)}),
            client.post("/api/scenario/evaluate", json={"scenario": fc}),
            client.post("/processes/scenario-evaluate/execution", json={"inputs": {
                "scenario": fc}}),
            client.post("/processes/nki/execution", json={"inputs": {"zones": fc}}),
            client.post("/api/lowland/screen", files=_files(scene, parcels=("p.geojson", raw)),
                        data={"id_field": "id"}),
        ]
        for r in answers:
            assert r.status_code == 422, r.text
            assert "unsupported 'crs' member" in r.json()["detail"], r.text
        time.sleep(0.3)
        assert lis.hits == 0
    finally:
        lis.close()
    named = {"type": "FeatureCollection",
             "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}},
             "features": [{"type": "Feature", "properties": {"id": "x"},
                           "geometry": mapping(box(463_000, 6_140_000, 468_000, 6_145_000))}]}
    ok = client.post("/api/nki", files={"zones": ("n.geojson", json.dumps(named).encode())})
    assert ok.status_code == 200, ok.text
