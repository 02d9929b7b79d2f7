"""The HTTP API on both databases (SQLite and PostgreSQL/PostGIS): reads, uploads,
writes with and without the token, stored results, scenarios, bad input."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from naturkapital.nki import compute as nki_compute
from naturkapital.server import create_app
from naturkapital.server.cache import NKIService
from naturkapital.store import Store

from .conftest import make_settings

pytestmark = pytest.mark.web


def _upload(client: TestClient, path: Path, headers: dict | None = None, **form: str):
    with path.open("rb") as f:
        return client.post("/api/nki", files={"zones": (path.name, f.read())}, data=form,
                           headers=headers or {})


# ---------------------------------------------------------------- reads
def test_status(client: TestClient, store: Store) -> None:
    r = client.get("/api/status")
    assert r.status_code == 200
    body = r.json()
    assert body["database"] == store.dialect
    assert body["schema_version"] == 2
    assert body["writes_enabled"] is True


def test_municipalities_match_python_api(client: TestClient,
                                         reference: nki_compute.NKIResult) -> None:
    r = client.get("/api/municipalities")
    assert r.status_code == 200
    rows = {m["zone_id"]: m for m in r.json()}
    assert len(rows) == 99  # 98 municipalities + Christiansø (not ranked)
    assert "0" not in rows
    ref = reference.table.set_index("zone_id")
    fanoe = rows["563"]
    assert fanoe["name"] == "Fanø"
    assert fanoe["nki"] == pytest.approx(float(ref.loc["563", "nki"]), abs=1e-6)
    assert fanoe["nki_nature"] == pytest.approx(float(ref.loc["563", "nki_nature"]), abs=1e-6)
    assert fanoe["rank"] == int(ref.loc["563", "rank"])
    assert rows["411"]["rank"] is None
    ranks = sorted(m["rank"] for m in rows.values() if m["rank"] is not None)
    assert ranks[0] == 1 and len(ranks) == 98


def test_full_table_json_csv_gpkg(client: TestClient, tmp_path: Path) -> None:
    r = client.get("/api/nki", params={"landcover": "basemap2021"})
    assert r.status_code == 200
    body = r.json()
    assert body["rows"][-1]["zone_id"] == "0"
    assert len(body["rows"]) == 100
    assert "landcover_path" not in body["meta"]
    assert body["meta"]["landcover"] == "Basemap04 2021"
    csv = client.get("/api/nki", params={"format": "csv"})
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    table = pd.read_csv(io.BytesIO(csv.content), encoding="utf-8-sig", dtype={"zone_id": str})
    assert len(table) == 100 and "share_skov" in table.columns
    gp = client.get("/api/nki", params={"format": "gpkg", "landcover": "corine",
                                         "year": 2018})
    assert gp.status_code == 200
    assert gp.content.startswith(b"SQLite format 3\x00")
    p = tmp_path / "x.gpkg"
    p.write_bytes(gp.content)
    gdf = gpd.read_file(p, layer="nki", engine="pyogrio")
    assert len(gdf) >= 99 and gdf.crs is not None


def test_corine_epochs(client: TestClient) -> None:
    a = client.get("/api/nki/563", params={"landcover": "corine", "year": 2012}).json()
    b = client.get("/api/nki/563", params={"landcover": "corine", "year": 2018}).json()
    assert a["meta"]["landcover"] == "CORINE 2012"
    assert b["meta"]["landcover"] == "CORINE 2018"


def test_zone_breakdown(client: TestClient) -> None:
    r = client.get("/api/nki/563")
    assert r.status_code == 200
    z = r.json()
    assert z["name"] == "Fanø" and z["n_ranked"] == 98
    shares = [lt["share_pct"] or 0.0 for lt in z["land_types"]]
    assert sum(shares) == pytest.approx(100.0, abs=1e-6)
    contrib = sum(lt["contribution"] or 0.0 for lt in z["land_types"])
    assert contrib == pytest.approx(z["nki"], abs=1e-6)  # NKI = Σ a_t·v_t
    nat = [lt for lt in z["land_types"] if lt["nature"]]
    assert sum(lt["share_nature_pct"] or 0 for lt in nat) == pytest.approx(100.0, abs=1e-6)
    contrib_nat = sum(lt["contribution_nature"] or 0.0 for lt in nat)
    assert contrib_nat == pytest.approx(z["nki_nature"], abs=1e-6)  # over nature types only
    assert all(lt["contribution_nature"] is None for lt in z["land_types"] if not lt["nature"])
    assert z["diagram_svg"].startswith("/api/nki/563/diagram.svg")
    national = client.get("/api/nki/0").json()
    assert national["rank"] is None and 0 < national["nki"] < 100


@pytest.mark.parametrize("nature_only", [False, True])
def test_diagrams(client: TestClient, nature_only: bool) -> None:
    q = {"nature_only": str(nature_only).lower()}
    svg = client.get("/api/nki/563/diagram.svg", params=q)
    assert svg.status_code == 200
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert b"<svg" in svg.content[:2000]
    png = client.get("/api/nki/563/diagram.png", params=q)
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")


def test_compare(client: TestClient) -> None:
    r = client.get("/api/compare", params={"from": "corine:2012", "to": "corine:2018"})
    assert r.status_code == 200
    body = r.json()
    assert body["meta"]["from"] == "CORINE 2012" and "warning" in body["meta"]
    for row in body["rows"]:
        if row["delta"] is not None:
            assert row["delta"] == pytest.approx(row["delta_area"] + row["delta_value"],
                                                 abs=1e-6)
    csv = client.get("/api/compare", params={"format": "csv"})
    assert csv.status_code == 200 and b"delta_area" in csv.content


@pytest.mark.parametrize("url,status,needle", [
    ("/api/nki/999", 404, "unknown zone id"),
    ("/api/nki/..%2F..%2Fetc%2Fpasswd", 404, "not found"),
    ("/static/..%2F..%2F__init__.py", 404, "not found"),
    ("/api/nki/563/diagram.svg?landcover=corine&year=2013", 422, "CORINE is embedded"),
    ("/api/nki?landcover=/etc/passwd", 422, "landcover"),
    ("/api/nki?year=abc", 422, "year"),
    ("/api/compare?from=/tmp/x.tif", 422, "from"),
    ("/api/municipalities?landcover=basemap2021&year=2018", 422, "2021 only"),
    ("/api/scenarios/' OR 1=1 --", 404, "no scenario"),
    ("/api/results/1;DROP TABLE results", 404, "no stored result"),
    ("/processes/nope", 404, "no process"),
    ("/jobs/nope", 404, "no job"),
])
def test_bad_reads_are_clear_4xx(client: TestClient, url: str, status: int,
                                 needle: str) -> None:
    r = client.get(url)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert needle in r.json()["detail"]


def test_web_app_and_static_files(client: TestClient) -> None:
    r = client.get("/", headers={"Accept": "text/html"})  # a browser
    assert r.status_code == 200 and "maplibre-gl.js" in r.text
    assert "default-src 'self'" in r.headers["content-security-policy"]
    js = client.get("/static/vendor/maplibre-gl.js")
    assert js.status_code == 200 and len(js.content) > 500_000
    assert client.get("/static/app.js").status_code == 200
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs.text
    assert "cdn." not in docs.text and "https://" not in docs.text  # no CDN at run time
    assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200
    geo = client.get("/api/municipalities.geojson")
    assert geo.status_code == 200
    fc = geo.json()
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == 99
    lon, lat = fc["features"][0]["geometry"]["coordinates"][0][0][0][:2]
    assert 7 < lon < 16 and 54 < lat < 58  # EPSG:4326
    assert len(geo.content) < 1_000_000  # simplified for the browser


# ---------------------------------------------------------------- uploads
def test_upload_geojson_matches_python_api(client: TestClient,
                                           zone_files: dict[str, Path]) -> None:
    r = _upload(client, zone_files["geojson"], id_field="kode", name_field="navn")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["stored"] is False and body["result_id"] is None
    rows = {x["zone_id"]: x for x in body["rows"]}
    assert set(rows) == {"563", "461", "0"}
    assert rows["563"]["name"] == "Fanø"
    ref = nki_compute.compute_nki(zone_files["geojson"], "kode", "navn").table.set_index("zone_id")
    assert rows["563"]["nki"] == pytest.approx(float(ref.loc["563", "nki"]), abs=1e-9)
    assert rows["461"]["nki"] == pytest.approx(float(ref.loc["461", "nki"]), abs=1e-9)
    assert body["zones"]["type"] == "FeatureCollection"
    assert len(body["zones"]["features"]) == 2


def test_upload_gpkg_defaults_fields(client: TestClient, zone_files: dict[str, Path]) -> None:
    r = _upload(client, zone_files["gpkg"])
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["id_field"] == "kode"
    names = {x["zone_id"]: x["name"] for x in body["rows"]}
    assert names["563"] == "Fanø"  # name field found by its name ("navn")


@pytest.mark.parametrize("fmt,magic", [("csv", b"\xef\xbb\xbfzone_id"),
                                       ("gpkg", b"SQLite format 3\x00")])
def test_upload_download(client: TestClient, zone_files: dict[str, Path], fmt: str,
                         magic: bytes) -> None:
    r = _upload(client, zone_files["fanoe"], format=fmt)
    assert r.status_code == 200, r.text
    assert r.content.startswith(magic)


BAD_FILES: dict[str, tuple[bytes, dict, int, str]] = {
    "empty": (b"", {}, 422, "empty"),
    "text": (b"hello world", {}, 415, "not a GeoJSON or GeoPackage"),
    "badjson": (b"{nope", {}, 422, "not valid JSON"),
    "geometry": (b'{"type": "Point", "coordinates": [8, 55]}', {}, 422, "FeatureCollection"),
    "points": (json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature",
               "properties": {"id": 1}, "geometry": {"type": "Point", "coordinates":
               [8.4, 55.4]}}]}).encode(), {}, 422, "polygons"),
    "bowtie": (json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature",
               "properties": {"id": 1}, "geometry": {"type": "Polygon", "coordinates":
               [[[8, 55], [8.1, 55.1], [8.1, 55], [8, 55.1], [8, 55]]]}}]}).encode(), {},
               422, "invalid geometry"),
    "outside": (json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature",
                "properties": {"id": 1}, "geometry": {"type": "Polygon", "coordinates":
                [[[20, 40], [21, 40], [21, 41], [20, 40]]]}}]}).encode(), {}, 422,
                "no zone overlaps"),
    "nofields": (b'{"type": "FeatureCollection", "features": []}', {}, 422, "no attribute"),
    "field": (json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature",
              "properties": {"id": 1}, "geometry": {"type": "Polygon", "coordinates":
              [[[8.4, 55.4], [8.5, 55.4], [8.5, 55.45], [8.4, 55.4]]]}}]}).encode(),
              {"id_field": "kode"}, 422, "field 'kode' not found"),
    "fakegpkg": (b"SQLite format 3\x00" + b"\x00" * 4000, {}, 422, "cannot read"),
    "toobig": (b"{" + b" " * 2_100_000 + b"}", {}, 413, "limit"),
    "reserved": (json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature",
                 "properties": {"id": 0}, "geometry": {"type": "Polygon", "coordinates":
                 [[[8.4, 55.4], [8.5, 55.4], [8.5, 55.45], [8.4, 55.4]]]}}]}).encode(), {},
                 422, "reserved"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_uploads_are_clear_4xx(client: TestClient, case: str) -> None:
    data, form, status, needle = BAD_FILES[case]
    r = client.post("/api/nki", files={"zones": (f"../../{case}.geojson", data)}, data=form)
    assert r.status_code == status, r.text
    detail = r.json()["detail"]
    assert needle in detail
    assert f"{case}.geojson" in detail and "/tmp" not in detail and "../" not in detail


def test_too_many_zones(client: TestClient) -> None:
    feats = [{"type": "Feature", "properties": {"id": i}, "geometry": {"type": "Polygon",
              "coordinates": [[[8 + i * 0.01, 55.0], [8.005 + i * 0.01, 55.0],
                               [8.005 + i * 0.01, 55.005], [8 + i * 0.01, 55.0]]]}}
             for i in range(1, 60)]
    data = json.dumps({"type": "FeatureCollection", "features": feats}).encode()
    r = client.post("/api/nki", files={"zones": ("many.geojson", data)})
    assert r.status_code == 422 and "at most 50" in r.json()["detail"]


def test_body_limit(client: TestClient) -> None:
    r = client.post("/api/nki", content=b"x" * 3_100_000,
                    headers={"Content-Type": "multipart/form-data; boundary=x"})
    assert r.status_code == 413


# ---------------------------------------------------------------- writes and the token
def test_store_upload_needs_token(client: TestClient, store: Store,
                                  zone_files: dict[str, Path]) -> None:
    before = store.count("uploads")
    r = _upload(client, zone_files["fanoe"], store="true")
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    r = _upload(client, zone_files["fanoe"], {"Authorization": "Bearer wrong"}, store="true")
    assert r.status_code == 403
    assert store.count("uploads") == before


def test_store_upload_and_read_back(client: TestClient, store: Store, auth: dict,
                                    zone_files: dict[str, Path], tmp_path: Path) -> None:
    before = (store.count("uploads"), store.count("upload_zones"), store.count("results"))
    r = _upload(client, zone_files["geojson"], auth, store="true", name_field="navn")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["stored"] is True and body["result_id"]
    after = (store.count("uploads"), store.count("upload_zones"), store.count("results"))
    assert after == (before[0] + 1, before[1] + 2, before[2] + 1)
    rid = body["result_id"]
    got = client.get(f"/api/results/{rid}").json()
    assert got["rows"] == body["rows"] and got["upload_id"] == body["upload_id"]
    assert got["params"]["filename"] == "fanoe_odense.geojson"
    assert any(x["id"] == rid for x in client.get("/api/results").json())
    csv = client.get(f"/api/results/{rid}", params={"format": "csv"})
    assert csv.status_code == 200 and b"Fan" in csv.content
    gp = client.get(f"/api/results/{rid}", params={"format": "gpkg"})
    assert gp.status_code == 200
    (tmp_path / "r.gpkg").write_bytes(gp.content)
    gdf = gpd.read_file(tmp_path / "r.gpkg", layer="nki", engine="pyogrio")
    assert set(gdf["zone_id"].dropna()) >= {"563", "461"}
    if store.dialect == "postgresql":  # PostGIS has the geometry, in EPSG:4326
        areas = store.postgis_area_ha(body["upload_id"])
        fanoe = next(x for x in body["rows"] if x["zone_id"] == "563")
        assert areas["563"] == pytest.approx(fanoe["area_ha"], rel=0.01)


def test_write_is_atomic(client: TestClient, store: Store, auth: dict,
                         zone_files: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure after the upload and its zones were inserted leaves no half record."""
    before = (store.count("uploads"), store.count("upload_zones"), store.count("results"))

    def crash(*_a: object, **_k: object) -> None:
        raise RuntimeError("simulated crash mid-write")

    monkeypatch.setattr(store, "_insert_result", crash)
    quiet = TestClient(client.app, raise_server_exceptions=False)
    r = _upload(quiet, zone_files["geojson"], auth, store="true")
    assert r.status_code == 500
    assert "simulated" not in r.text  # no internals leak to the client
    after = (store.count("uploads"), store.count("upload_zones"), store.count("results"))
    assert after == before


GOOD_GEOM = {"type": "Polygon", "coordinates": [[[8.40, 55.40], [8.45, 55.40],
                                                 [8.45, 55.43], [8.40, 55.40]]]}


def test_scenarios(client: TestClient, auth: dict, store: Store) -> None:
    body = {"name": "Skov på Fanø", "description": "mark → skov",
            "conversions": [{"geometry": GOOD_GEOM, "to_land_type": "skov"}]}
    assert client.post("/api/scenarios", json=body).status_code == 401
    assert client.post("/api/scenarios", json=body,
                       headers={"Authorization": "Bearer nope"}).status_code == 403
    n = store.count("scenarios")
    r = client.post("/api/scenarios", json=body, headers=auth)
    assert r.status_code == 201, r.text
    sc = r.json()
    assert sc["name"] == "Skov på Fanø" and sc["conversions"][0]["to_land_type"] == "skov"
    assert store.count("scenarios") == n + 1
    listed = client.get("/api/scenarios").json()["scenarios"]
    assert any(s["id"] == sc["id"] for s in listed)
    again = client.get(f"/api/scenarios/{sc['id']}").json()
    assert again["conversions"] == sc["conversions"]


@pytest.mark.parametrize("body,needle", [
    ({"name": ""}, "name"),
    ({"name": "   "}, "blank"),
    ({"name": "x", "conversions": [{"geometry": GOOD_GEOM, "to_land_type": "beton"}]},
     "to_land_type"),
    ({"name": "x", "conversions": [{"geometry": {"type": "Polygon", "coordinates":
                                                 [[[8, 55], [8.1, 55.1], [8.1, 55], [8, 55.1],
                                                   [8, 55]]]}, "to_land_type": "skov"}]},
     "invalid geometry"),
    ({"name": "x", "conversions": [{"geometry": {"type": "Polygon", "coordinates":
                                                 [[[500000, 6100000], [500100, 6100000],
                                                   [500100, 6100100], [500000, 6100000]]]},
                                    "to_land_type": "skov"}]}, "EPSG:4326"),
    ({"name": "x", "conversions": [{"geometry": {"type": "Polygon", "coordinates": [1]},
                                    "to_land_type": "skov"}]}, "GeoJSON"),
    ({"name": "x", "extra": 1}, "extra"),
])
def test_bad_scenarios(client: TestClient, auth: dict, body: dict, needle: str) -> None:
    r = client.post("/api/scenarios", json=body, headers=auth)
    assert r.status_code == 422, r.text
    assert needle in r.json()["detail"]


def test_writes_disabled_without_configured_token(store: Store, nki_service: NKIService,
                                                  zone_files: dict[str, Path]) -> None:
    app = create_app(make_settings(token=None), store=store, nki=nki_service)
    with TestClient(app) as c:
        assert c.get("/api/status").json()["writes_enabled"] is False
        r = c.post("/api/scenarios", json={"name": "x"}, headers={"Authorization": "Bearer x"})
        assert r.status_code == 403 and "disabled" in r.json()["detail"]
        assert c.post("/api/scenarios", json={"name": "x"}).status_code == 401
        assert c.get("/api/municipalities").status_code == 200  # reads stay public


# ---------------------------------------------------------------- store and migrations
def test_migrations_fresh_and_idempotent(db_url: str, store: Store) -> None:
    from naturkapital.store.migrations import MIGRATIONS, migrate

    assert store.schema_version() == MIGRATIONS[-1].version
    assert migrate(store.engine) == []  # nothing pending the second time
    again = Store.open(db_url)
    try:
        assert again.is_current()
    finally:
        again.close()


def test_open_bad_db_url_is_input_error() -> None:
    from naturkapital.core.errors import InputError

    with pytest.raises(InputError, match="unsupported database"):
        Store.open("mysql://x@localhost/db")
    with pytest.raises(InputError, match="cannot open"):
        Store.open("postgresql://nobody:nothing@127.0.0.1:1/none")


def test_nan_free_json(client: TestClient) -> None:
    """No NaN in JSON (invalid JSON for browsers); missing values are null."""
    text = client.get("/api/nki").text
    assert "NaN" not in text and "Infinity" not in text
    assert all(not (isinstance(v, float) and math.isnan(v))
               for row in json.loads(text)["rows"] for v in row.values())
