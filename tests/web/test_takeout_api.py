"""Taking results out over HTTP: tables as .xlsx/CSV (POST /api/export), the scenario
report from the editor, the project area beside the municipality, service layers given
in the request (organic carbon, groundwater protection), and the municipality sheet."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
import rasterio
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from rasterio.transform import from_origin
from shapely.geometry import box

from naturkapital.server import create_app
from naturkapital.server.cache import NKIService
from naturkapital.store import Store

from .conftest import make_settings

pytestmark = pytest.mark.web


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, nki_service: NKIService) -> Iterator[TestClient]:
    db = tmp_path_factory.mktemp("takeout") / "t.sqlite"
    store = Store.open(f"sqlite:///{db}")
    with TestClient(create_app(make_settings(), store=store, nki=nki_service)) as c:
        yield c
    store.close()


@pytest.fixture(scope="module")
def aastrup(api: TestClient) -> dict[str, Any]:
    r = api.post("/api/scenario/evaluate", json={"scenario": "demo:aastrup_kaer"})
    assert r.status_code == 200, r.text
    return r.json()


def _rows(doc: dict[str, Any], zone: str) -> dict[str, dict[str, Any]]:
    return {r["indicator"]: r for r in doc["table"] if r["zone_id"] == zone}


def test_export_xlsx_and_csv(api: TestClient) -> None:
    body = {
        "title": "Rangliste (ranking)",
        "filename": "rangliste æøå",
        "columns": [
            {"key": "name", "da": "Kommune", "en": "municipality"},
            {"key": "nki", "da": "NKI", "en": "NKI", "digits": 1},
        ],
        "rows": [{"name": "Fanø", "nki": 85.93}, {"name": "=cmd", "nki": None}],
        "notes": ["Åbne data (open data)"],
    }
    r = api.post("/api/export", json=body)
    assert r.status_code == 200
    assert r.headers["content-disposition"] == 'attachment; filename="rangliste_aeoeaa.xlsx"'
    ws = load_workbook(io.BytesIO(r.content)).worksheets[0]
    assert ws["A1"].value == "Kommune (municipality)"
    assert ws["B2"].value == 85.93 and ws["B2"].data_type == "n"
    assert ws["A3"].data_type == "s"
    r = api.post("/api/export", json={**body, "format": "csv"})
    assert r.headers["content-type"].startswith("text/csv")
    assert r.content.decode("utf-8-sig").split("\r\n")[:3] == [
        "Kommune (municipality);NKI",
        "Fanø;85,93",
        "'=cmd;",
    ]


def test_project_area_beside_the_municipality(aastrup: dict[str, Any]) -> None:
    p = aastrup["project"]
    conv_ha = sum(f["properties"]["area_ha"] for f in aastrup["conversions"]["features"])
    assert p["area_ha"] == pytest.approx(conv_ha, rel=1e-6)
    proj = {r["indicator"]: r for r in p["table"]}
    # the whole project area is converted: its converted area is the project's area
    assert proj["converted_area_ha"]["delta"] == pytest.approx(p["area_ha"], rel=1e-4)
    muni = _rows(aastrup, "766")
    assert abs(muni["nki"]["delta"]) < 0.5  # lost in Hedensted's figures …
    assert proj["nki"]["delta"] > 50  # … plain on the project area (fields → wet nature)
    # additive services are the same on the project area and in the municipality
    for key in ("carbon_stock_t_c", "nitrogen_leaching_kg_n_per_year", "flood_retention_m3"):
        assert proj[key]["delta"] == pytest.approx(muni[key]["delta"], rel=1e-6)
    assert p["diagram"]["nki_after"] - p["diagram"]["nki_before"] == pytest.approx(
        proj["nki"]["delta"]
    )
    assert p["diagram"]["before_svg"].lstrip().startswith("<?xml")
    # no command-line advice in the browser's texts
    text = str({k: v for k, v in aastrup.items() if k not in ("diagram", "project")})
    assert "--carbon" not in text and "--groundwater" not in text
    assert "Tjenestelag" in muni["ghg_organic_soils_t_co2e_per_year"]["note"]


def _layers(tmp: Path, bounds: tuple[float, float, float, float]) -> tuple[bytes, bytes]:
    """Organic carbon 15 % on a 10 m grid over ``bounds`` (EPSG:25832) and one
    groundwater-protection polygon covering the same box (GeoJSON, EPSG:4326)."""
    x0, y0, x1, y1 = (b - 100 if i < 2 else b + 100 for i, b in enumerate(bounds))
    w, h = int((x1 - x0) // 10) + 1, int((y1 - y0) // 10) + 1
    path = tmp / "kulstof.tif"
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=w,
        height=h,
        count=1,
        dtype="float32",
        crs="EPSG:25832",
        nodata=-9999.0,
        transform=from_origin(x0, y1, 10.0, 10.0),
    ) as dst:
        dst.write(np.full((h, w), 15.0, dtype="float32"), 1)
    gw = gpd.GeoDataFrame(
        {"navn": ["BNBO"]}, geometry=[box(x0, y0, x1, y1)], crs="EPSG:25832"
    ).to_crs(4326)
    return path.read_bytes(), gw.to_json().encode("utf-8")


def test_service_layers_complete_the_scenario(
    api: TestClient, aastrup: dict[str, Any], tmp_path: Path
) -> None:
    fc = gpd.GeoDataFrame.from_features(aastrup["conversions"]["features"], crs=4326)
    tif, gw = _layers(tmp_path, tuple(fc.to_crs(25832).total_bounds))
    before = _rows(aastrup, "766")
    assert before["ghg_organic_soils_t_co2e_per_year"]["delta"] is None
    assert before["groundwater_protected_ha"]["delta"] is None
    r = api.post(
        "/api/scenario/evaluate",
        json={
            "scenario": "demo:aastrup_kaer",
            "carbon": {
                "value": base64.b64encode(tif).decode(),
                "filename": "kulstof.tif",
                "mediaType": "image/tiff",
            },
            "groundwater": {"value": base64.b64encode(gw).decode(), "filename": "bnbo.geojson"},
        },
    )
    assert r.status_code == 200, r.text
    doc = r.json()
    proj = {x["indicator"]: x for x in doc["project"]["table"]}
    ghg = proj["ghg_organic_soils_t_co2e_per_year"]
    assert ghg["baseline"] is not None and ghg["delta"] < 0  # rewetting peat cuts emissions
    gwr = proj["groundwater_protected_ha"]
    # the layer covers the whole project: every converted hectare is inside it, and the
    # unfertilised area can only grow (fields → wet nature and forest)
    assert gwr["scenario"] >= gwr["baseline"] and gwr["delta"] > 0
    assert gwr["scenario"] <= doc["project"]["area_ha"] + 1e-6
    assert doc["meta"]["carbon"] == "kulstof.tif"


def test_scenario_report_pdf_and_html(api: TestClient) -> None:
    r = api.post("/api/scenario/report?format=pdf", json={"scenario": "demo:aastrup_kaer"})
    assert r.status_code == 200, r.text
    assert r.content.startswith(b"%PDF-")
    assert 'filename="scenarierapport_aastrup_kaer.pdf"' in r.headers["content-disposition"]
    r = api.post("/api/scenario/report?format=html", json={"scenario": "demo:aastrup_kaer"})
    assert r.status_code == 200 and "Hedensted" in r.text and "<img" in r.text
    # the same report on the project area (its NKI diagrams move, Hedensted's do not)
    r = api.post(
        "/api/scenario/report?format=html", json={"scenario": "demo:aastrup_kaer", "zone_id": "P"}
    )
    assert r.status_code == 200
    nki_part = r.text.split("3. Naturkapitalindeks", 1)[1].split("<h2", 1)[0]
    assert "Projektområde (project area)" in nki_part  # the diagrams are the project's
    delta = nki_part.split("Ændring i NKI (change): <b>", 1)[1].split("</b>", 1)[0]
    assert float(delta.lstrip("+").replace(".", "").replace(",", ".")) > 50


def test_municipality_sheet(api: TestClient) -> None:
    r = api.get("/api/sheet/630.html?download=false")
    assert r.status_code == 200
    assert r.headers["content-disposition"].startswith("inline")
    assert "Vejle" in r.text and "Basemap04 2021" in r.text and "CORINE 2012" in r.text
    r = api.get("/api/sheet/630.xlsx")
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.worksheets[0]["B2"].data_type == "n"
    assert "kommuneark_Vejle_630.xlsx" in r.headers["content-disposition"]


def test_process_takes_the_same_layers(
    api: TestClient, aastrup: dict[str, Any], tmp_path: Path
) -> None:
    """The scenario-evaluate process (and so its web form) offers the two layers."""
    d = api.get("/processes/scenario-evaluate").json()
    assert {"carbon", "groundwater"} <= set(d["inputs"])
    fc = gpd.GeoDataFrame.from_features(aastrup["conversions"]["features"], crs=4326)
    tif, gw = _layers(tmp_path, tuple(fc.to_crs(25832).total_bounds))
    r = api.post(
        "/processes/scenario-evaluate/execution",
        json={
            "inputs": {
                "scenario": "demo:aastrup_kaer",
                "carbon": {"value": base64.b64encode(tif).decode(), "mediaType": "image/tiff"},
                "groundwater": {"value": base64.b64encode(gw).decode(), "filename": "bnbo.geojson"},
            }
        },
    )
    assert r.status_code == 200, r.text
    rows = {x["indicator"]: x for x in r.json()["table"] if x["zone_id"] == "766"}
    assert rows["ghg_organic_soils_t_co2e_per_year"]["delta"] < 0
    assert rows["groundwater_protected_ha"]["delta"] > 0


def test_whole_tables(api: TestClient, nki_service: NKIService) -> None:
    r = api.get("/api/tables/nki.xlsx")
    assert r.status_code == 200, r.text
    ws = load_workbook(io.BytesIO(r.content)).worksheets[0]
    rows = nki_service.rows("basemap2021")
    assert ws.max_row == len(rows) + 1
    header = [c.value for c in ws[1]]
    col = header.index("NKI") + 1
    fano = next(i for i, x in enumerate(rows, start=2) if x["zone_id"] == "563")
    assert ws.cell(fano, col).value == pytest.approx(rows[fano - 2]["nki"])
    assert ws.cell(fano, col).data_type == "n"
    csv = api.get("/api/tables/compare.csv").content.decode("utf-8-sig").split("\r\n")
    assert csv[0].startswith("Kode (code);Kommune (municipality);NKI fra (NKI from)")
    cmp = {x["zone_id"]: x for x in nki_service.compare_rows("corine:2012", "corine:2018")}
    first = csv[1].split(";")
    assert float(first[4].replace(",", ".")) == pytest.approx(cmp[first[0]]["delta"])
