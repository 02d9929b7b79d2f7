"""The HTTP half of the bad-input corpus: hostile and careless requests to every
endpoint that takes input. Each answer is a 4xx problem document (never a 500, never a
traceback) whose detail names the client's file or the parameter."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from tests.lowland.conftest import write_raster as write_f32

from .conftest import TOKEN

AUTH = {"Authorization": f"Bearer {TOKEN}"}
LINK = {"type": "link", "properties": {"href": "http://127.0.0.1:9/crs"}}


def ring(x: float = 8.40, y: float = 55.42, d: float = 0.01) -> list:
    return [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]]


def fc(*features: dict, crs: dict | None = None) -> dict:
    doc: dict = {"type": "FeatureCollection", "features": list(features)}
    if crs:
        doc["crs"] = crs
    return doc


def feat(props: dict | None = None, geom: Any = "square") -> dict:
    g = {"type": "Polygon", "coordinates": ring()} if geom == "square" else geom
    return {"type": "Feature", "properties": props if props is not None else {"kode": "1"},
            "geometry": g}


def deep(n: int = 60_000) -> str:
    return '{"type": "FeatureCollection", "features": ' + "[" * n + "]" * n + "}"


@dataclass
class Req:
    method: str
    path: str
    kw: dict = field(default_factory=dict)
    status: tuple[int, ...] = (422,)
    needles: tuple[str, ...] = ()


def upload(content: str | bytes, name: str = "mine.geojson", field: str = "zones",
           **data: str) -> dict:
    """A multipart upload: the zones of POST /api/nki, or ``field`` ("file" for the
    scenario reader)."""
    return {"files": {field: (name, content)}, "data": data}


def tif_bytes(tmp: Path, values: np.ndarray | None = None, name: str = "t.tif",
              **kw: Any) -> bytes:
    arr = np.full((22, 60), 15.0) if values is None else values
    return write_f32(tmp / name, arr, **kw).read_bytes()


Build = Callable[[Path], Req]
CASES: dict[str, Build] = {}


def add(name: str, build: Build) -> None:
    assert name not in CASES
    CASES[name] = build


J = json.dumps
# ------------------------------------------------------------------------ POST /api/nki
add("nki-empty-file", lambda t: Req("POST", "/api/nki", upload(b""), (422,),
                                    ("mine.geojson", "empty")))
add("nki-not-geo", lambda t: Req("POST", "/api/nki", upload(b"hello world", "a.txt"), (415,),
                                 ("a.txt",)))
add("nki-broken-json", lambda t: Req("POST", "/api/nki", upload('{"type": "Feat'), (422,),
                                     ("mine.geojson", "JSON")))
add("nki-deep-json", lambda t: Req("POST", "/api/nki", upload(deep()), (422,),
                                   ("mine.geojson", "nested")))
add("nki-deep-json-in-geometry", lambda t: Req("POST", "/api/nki", upload(
    '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, '
    '"geometry": {"type": "Polygon", "coordinates": ' + "[" * 50_000 + "]" * 50_000 + "}}]}"),
    (422,), ("mine.geojson",)))
add("nki-array", lambda t: Req("POST", "/api/nki", upload("[1, 2]"), (415, 422),
                               ("mine.geojson",)))
add("nki-geometry-only", lambda t: Req("POST", "/api/nki", upload(J(
    {"type": "Polygon", "coordinates": ring()})), (422,), ("mine.geojson",)))
add("nki-crs-link-top", lambda t: Req("POST", "/api/nki", upload(J(fc(feat(), crs=LINK))),
                                      (422,), ("mine.geojson", "crs")))
add("nki-crs-link-feature", lambda t: Req("POST", "/api/nki", upload(J(fc(
    {**feat(), "crs": LINK}))), (422,), ("mine.geojson", "crs")))
add("nki-crs-link-geometry", lambda t: Req("POST", "/api/nki", upload(J(fc(feat(geom={
    "type": "Polygon", "coordinates": ring(), "crs": LINK})))), (422,), ("mine.geojson",
                                                                       "crs")))
add("nki-crs-link-in-collection", lambda t: Req("POST", "/api/nki", upload(J(fc(feat(geom={
    "type": "GeometryCollection", "geometries": [{"type": "Polygon", "coordinates": ring(),
                                                  "crs": LINK}]})))), (422,),
    ("mine.geojson", "crs")))
add("nki-crs-name-path", lambda t: Req("POST", "/api/nki", upload(J(fc(feat(), crs={
    "type": "name", "properties": {"name": "/etc/passwd"}}))), (422,), ("mine.geojson",
                                                                        "crs")))
add("nki-null-geometry", lambda t: Req("POST", "/api/nki", upload(J(fc(
    feat({"kode": "1"}), feat({"kode": "Skov [/b] park"}, None)))), (422,),
    ("mine.geojson", "Skov [/b] park")))
add("nki-all-null", lambda t: Req("POST", "/api/nki", upload(J(fc(feat(geom=None)))), (422,),
                                  ("mine.geojson",)))
add("nki-points", lambda t: Req("POST", "/api/nki", upload(J(fc(feat(geom={
    "type": "Point", "coordinates": [8.4, 55.4]})))), (422,), ("mine.geojson", "polygons")))
add("nki-no-fields", lambda t: Req("POST", "/api/nki", upload(J(fc(feat({})))), (422,),
                                   ("mine.geojson",)))
add("nki-id-field-missing", lambda t: Req("POST", "/api/nki", upload(J(fc(feat())),
                                                                     id_field="nr"), (422,),
                                          ("mine.geojson", "'nr'")))
add("nki-outside", lambda t: Req("POST", "/api/nki", upload(J(fc(feat(geom={
    "type": "Polygon", "coordinates": ring(100.0, 10.0)})))), (422,), ("mine.geojson",)))
add("nki-too-many-zones", lambda t: Req("POST", "/api/nki", upload(J(fc(*[
    feat({"kode": str(i)}, {"type": "Polygon", "coordinates": ring(8.0 + i * 0.011)})
    for i in range(1, 61)]))), (422,), ("mine.geojson", "at most")))
add("nki-over-size", lambda t: Req("POST", "/api/nki", upload(b"{" + b" " * 250_000 + b"}"),
                                   (413,), ("mine.geojson",)))
add("nki-body-over-limit", lambda t: Req("POST", "/api/nki", upload(b"x" * 400_000), (413,)))
add("nki-gpkg-garbage", lambda t: Req("POST", "/api/nki", upload(
    b"SQLite format 3\x00" + b"\x00" * 2000, "z.gpkg"), (422,), ("z.gpkg",)))
add("nki-bad-landcover", lambda t: Req("POST", "/api/nki", upload(J(fc(feat())),
                                                                  landcover="osm"), (422,),
                                       ("landcover",)))
add("nki-bad-year", lambda t: Req("POST", "/api/nki", upload(J(fc(feat())),
                                                             landcover="corine",
                                                             year="1999"), (422,),
                                  ("1999",)))
add("nki-year-text", lambda t: Req("POST", "/api/nki", upload(J(fc(feat())), year="abc"),
                                   (422,), ("year",)))
add("nki-no-file", lambda t: Req("POST", "/api/nki", {"data": {"id_field": "x"}}, (422,),
                                 ("zones",)))
add("nki-broken-multipart", lambda t: Req("POST", "/api/nki", {
    "content": b"--xx\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n",
    "headers": {"content-type": "multipart/form-data; boundary=xx"}}, (400, 422)))
add("nki-store-no-token", lambda t: Req("POST", "/api/nki", upload(J(fc(feat())),
                                                                   store="true"), (401,)))
add("nki-method", lambda t: Req("PUT", "/api/nki", {}, (405,), ("allowed",)))

add("compare-crs-link-geometry", lambda t: Req("POST", "/api/compare", {
    "files": {"zones": ("mine.geojson", J(fc(feat(geom={"type": "Polygon",
                                                        "coordinates": ring(),
                                                        "crs": LINK}))))},
    "data": {"from_epoch": "corine:2012", "to_epoch": "corine:2018"}}, (422,),
    ("mine.geojson", "crs")))
add("compare-bad-epoch", lambda t: Req("POST", "/api/compare", {
    "files": {"zones": ("mine.geojson", J(fc(feat())))},
    "data": {"from_epoch": "corine:abc", "to_epoch": "corine:2018"}}, (400, 422),
    ("from_epoch",)))
add("compare-deep", lambda t: Req("POST", "/api/compare", {
    "files": {"zones": ("mine.geojson", deep())},
    "data": {"from_epoch": "corine:2012", "to_epoch": "corine:2018"}}, (422,),
    ("mine.geojson",)))

# ------------------------------------------------------------------ GET endpoints
add("get-landcover", lambda t: Req("GET", "/api/nki?landcover=osm", {}, (422,),
                                   ("landcover",)))
add("get-year", lambda t: Req("GET", "/api/nki?landcover=corine&year=1999", {}, (422,),
                              ("1999",)))
add("get-zone", lambda t: Req("GET", "/api/nki/99999", {}, (404,), ("99999",)))
add("get-compare", lambda t: Req("GET", "/api/compare?from=corine:abc&to=corine:2018", {},
                                 (422,), ("from",)))
add("get-diagram-zone", lambda t: Req("GET", "/api/nki/99999/diagram.svg", {}, (404,)))
add("get-diagram-lang", lambda t: Req("GET", "/api/nki/563/diagram.svg?lang=de", {}, (422,),
                                      ("lang",)))
add("get-tile-zoom", lambda t: Req("GET", "/tiles/basemap/2/1/1.png", {}, (404,), ("zoom 2",)))
add("get-tile-grid", lambda t: Req("GET", "/tiles/basemap/6/64/1.png", {}, (404,),
                                   ("6/64/1",)))
add("get-tile-negative", lambda t: Req("GET", "/tiles/basemap/6/-1/1.png", {}, (422,), ("x",)))
add("get-results-limit", lambda t: Req("GET", "/api/results?limit=-1", {}, (422,),
                                       ("limit",)))
add("get-job", lambda t: Req("GET", "/jobs/nope", {}, (404,), ("nope",)))
add("get-jobs-limit", lambda t: Req("GET", "/jobs?limit=100000", {}, (422,), ("limit",)))
add("get-process", lambda t: Req("GET", "/processes/nope", {}, (404,), ("nope",)))
add("get-candidates", lambda t: Req("GET", "/api/lowland/candidates/9999", {}, (404, 422),
                                    ("9999",)))

# ------------------------------------------------------------- OGC process execution
add("exec-broken-json", lambda t: Req("POST", "/processes/nki/execution", {
    "content": b'{"inputs": {', "headers": {"content-type": "application/json"}}, (400,),
    ("JSON",)))
add("exec-deep-json", lambda t: Req("POST", "/processes/nki/execution", {
    "content": ('{"inputs": ' + "[" * 100_000 + "]" * 100_000 + "}").encode(),
    "headers": {"content-type": "application/json"}}, (400,)))
add("exec-not-object", lambda t: Req("POST", "/processes/nki/execution", {"json": [1, 2]},
                                     (400, 422)))
add("exec-unknown-process", lambda t: Req("POST", "/processes/nope/execution",
                                          {"json": {"inputs": {}}}, (404,), ("nope",)))
add("exec-bad-landcover", lambda t: Req("POST", "/processes/nki/execution",
                                        {"json": {"inputs": {"landcover": "osm"}}}, (400,),
                                        ("landcover",)))
add("exec-year-inf", lambda t: Req("POST", "/processes/nki/execution", {
    "content": b'{"inputs": {"landcover": "corine", "year": Infinity}}',
    "headers": {"content-type": "application/json"}}, (400,)))
add("exec-unknown-output", lambda t: Req("POST", "/processes/nki/execution", {
    "json": {"inputs": {}, "outputs": {"pie": {}}}}, (400,), ("pie",)))
add("exec-zones-crs-link", lambda t: Req("POST", "/processes/nki/execution", {
    "json": {"inputs": {"zones": fc(feat(geom={"type": "Polygon", "coordinates": ring(),
                                               "crs": LINK}))}}}, (400, 422), ("crs",)))
add("exec-zones-null-geometry", lambda t: Req("POST", "/processes/nki/execution", {
    "json": {"inputs": {"zones": fc(feat(), feat({"kode": "2"}, None))}}}, (400, 422),
    ("zones",)))
add("exec-zones-not-geojson", lambda t: Req("POST", "/processes/nki/execution", {
    "json": {"inputs": {"zones": {"hello": 1}}}}, (400, 422), ("zones",)))
add("exec-async-no-token", lambda t: Req("POST", "/processes/nki/execution", {
    "json": {"inputs": {}}, "headers": {"Prefer": "respond-async"}}, (401,)))
add("exec-method", lambda t: Req("GET", "/processes/nki/execution", {}, (405,)))
add("exec-candidates-kommune", lambda t: Req("POST", "/processes/lowland-candidates/execution",
                                             {"json": {"inputs": {"kommune": "../etc"}}},
                                             (400,), ("kommune",)))
add("exec-candidates-top", lambda t: Req("POST", "/processes/lowland-candidates/execution",
                                         {"json": {"inputs": {"kommune": "563", "top": -1}}},
                                         (400,), ("top",)))
add("exec-scenario-unknown-demo", lambda t: Req("POST",
                                                "/processes/scenario-evaluate/execution",
                                                {"json": {"inputs": {"scenario": "atlantis"}}},
                                                (400, 422), ("scenario",)))
add("exec-scenario-crs-link", lambda t: Req("POST", "/processes/scenario-evaluate/execution",
                                            {"json": {"inputs": {"scenario": fc(feat(
                                                {"to_class": 11}, {"type": "Polygon",
                                                                   "coordinates": ring(),
                                                                   "crs": LINK}))}}},
                                            (400, 422), ("crs",)))
add("exec-screen-not-base64", lambda t: Req("POST", "/processes/lowland-screen/execution", {
    "json": {"inputs": {"parcels": fc(feat({"pid": "a"})), "carbon": "!!!",
                        "water_table": "!!!", "peat_depth": "!!!"}}}, (400, 422)))
add("exec-screen-horizon", lambda t: Req("POST", "/processes/lowland-screen/execution", {
    "json": {"inputs": {"parcels": fc(feat({"pid": "a"})), "carbon": "AA==",
                        "water_table": "AA==", "peat_depth": "AA==",
                        "horizon_years": -3}}}, (400,), ("horizon_years",)))
add("exec-screen-truncated-tif", lambda t: Req("POST", "/processes/lowland-screen/execution", {
    "json": {"inputs": {"parcels": fc(feat({"pid": "a"})),
                        **{k: {"value": base64.b64encode(tif_bytes(t)[:300]).decode(),
                               "mediaType": "image/tiff"}
                           for k in ("carbon", "water_table", "peat_depth")}}}}, (400, 422)))

# ---------------------------------------------------------------- lowland screen upload
def screen_files(t: Path, parcels: str | bytes | None = None, carbon: bytes | None = None,
                 name: str = "marker.geojson", **data: str) -> dict:
    good = tif_bytes(t)
    p = parcels if parcels is not None else J(fc(feat({"pid": "a"})))
    return {"files": {"parcels": (name, p), "carbon": ("kulstof.tif", carbon or good),
                      "water_table": ("gvs.tif", good), "peat_depth": ("peat.tif", good)},
            "data": {"id_field": "pid", **data}}


add("screen-parcels-empty", lambda t: Req("POST", "/api/lowland/screen", screen_files(
    t, b""), (422,), ("marker.geojson",)))
add("screen-parcels-deep", lambda t: Req("POST", "/api/lowland/screen", screen_files(
    t, deep()), (422,), ("marker.geojson",)))
add("screen-parcels-crs-link", lambda t: Req("POST", "/api/lowland/screen", screen_files(
    t, J(fc(feat({"pid": "a"}, {"type": "Polygon", "coordinates": ring(), "crs": LINK})))),
    (422,), ("marker.geojson", "crs")))
add("screen-parcels-null-geometry", lambda t: Req("POST", "/api/lowland/screen", screen_files(
    t, J(fc(feat({"pid": "a"}), feat({"pid": "b"}, None)))), (422,), ("marker.geojson",)))
add("screen-carbon-not-tiff", lambda t: Req("POST", "/api/lowland/screen", screen_files(
    t, carbon=b"<VRTDataset/>"), (415, 422), ("kulstof.tif",)))
add("screen-carbon-truncated", lambda t: Req("POST", "/api/lowland/screen", screen_files(
    t, carbon=tif_bytes(t)[:400]), (422,), ("kulstof.tif",)))
add("screen-carbon-no-crs", lambda t: Req("POST", "/api/lowland/screen", screen_files(
    t, carbon=tif_bytes(t, name="nocrs.tif", crs=None)), (422,), ("kulstof.tif", "CRS")))
add("screen-horizon-negative", lambda t: Req("POST", "/api/lowland/screen", screen_files(
    t, horizon_years="-1"), (422,), ("horizon_years",)))
add("screen-horizon-nan", lambda t: Req("POST", "/api/lowland/screen", screen_files(
    t, horizon_years="nan"), (422,), ("horizon_years",)))
add("screen-horizon-inf", lambda t: Req("POST", "/api/lowland/screen", screen_files(
    t, horizon_years="inf"), (422,), ("horizon_years",)))
add("screen-missing-raster", lambda t: Req("POST", "/api/lowland/screen", {
    "files": {"parcels": ("p.geojson", J(fc(feat({"pid": "a"}))))}}, (422,), ("carbon",)))

# ----------------------------------------------------------------------- scenario editor
add("scenario-read-empty", lambda t: Req("POST", "/api/scenario/read",
                                         upload(b"", "s.geojson", "file"), (422,), ("s.geojson",)))
add("scenario-read-deep", lambda t: Req("POST", "/api/scenario/read", upload(
    deep(), "s.geojson", "file"), (422,), ("s.geojson",)))
add("scenario-read-crs-link", lambda t: Req("POST", "/api/scenario/read", upload(J(fc(feat(
    {"to_class": 11}, {"type": "Polygon", "coordinates": ring(), "crs": LINK}))),
    "s.geojson", "file"), (422,), ("s.geojson", "crs")))
add("scenario-read-no-to-class", lambda t: Req("POST", "/api/scenario/read", upload(
    J(fc(feat({"navn": "x"}))), "s.geojson", "file"), (422,), ("s.geojson", "to_class")))
add("scenario-read-null-geometry", lambda t: Req("POST", "/api/scenario/read", upload(
    J(fc(feat({"to_class": 11}), feat({"to_class": 11, "name": "Mose [/b]"}, None))),
    "s.geojson", "file"), (422,), ("s.geojson",)))
add("scenario-eval-broken-json", lambda t: Req("POST", "/api/scenario/evaluate", {
    "content": b"{", "headers": {"content-type": "application/json"}}, (400,)))
add("scenario-eval-deep", lambda t: Req("POST", "/api/scenario/evaluate", {
    "content": ('{"scenario": ' + "[" * 100_000 + "]" * 100_000 + "}").encode(),
    "headers": {"content-type": "application/json"}}, (400,)))
add("scenario-eval-crs-link", lambda t: Req("POST", "/api/scenario/evaluate", {"json": {
    "scenario": fc(feat({"to_class": 11}, {"type": "Polygon", "coordinates": ring(),
                                          "crs": LINK}))}}, (400, 422), ("crs",)))
add("scenario-eval-unknown-demo", lambda t: Req("POST", "/api/scenario/evaluate", {"json": {
    "scenario": "demo:atlantis"}}, (400, 422), ("scenario",)))
add("scenario-save-no-token", lambda t: Req("POST", "/api/scenarios", {"json": {
    "name": "x", "conversions": []}}, (401,)))
add("scenario-save-bad-geometry", lambda t: Req("POST", "/api/scenarios", {
    "json": {"name": "x", "landcover": "basemap2021", "conversions": [
        {"geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]},
         "to_class": 11}]}, "headers": AUTH}, (422,), ("geometry",)))
add("scenario-save-nan", lambda t: Req("POST", "/api/scenarios", {
    "content": b'{"name": "x", "conversions": [{"geometry": {"type": "Polygon", '
               b'"coordinates": [[[NaN, 0], [1, 1], [1, 0], [NaN, 0]]]}, "to_class": 11}]}',
    "headers": {**AUTH, "content-type": "application/json"}}, (400, 422)))
# ----------------------------------------------------------------------- take-out
B64 = base64.b64encode
add("scenario-eval-carbon-not-tiff", lambda t: Req("POST", "/api/scenario/evaluate", {"json": {
    "scenario": "demo:byn_so", "carbon": {"value": B64(b"\x89PNG\r\n\x1a\n...").decode(),
                                          "filename": "kulstof.png"}}}, (422,),
    ("kulstof.png", "GeoTIFF")))
add("scenario-eval-carbon-bad-base64", lambda t: Req("POST", "/api/scenario/evaluate", {
    "json": {"scenario": "demo:byn_so", "carbon": {"value": "@@@", "filename": "k.tif"}}},
    (422,), ("carbon", "base64")))
add("scenario-eval-groundwater-not-vector", lambda t: Req("POST", "/api/scenario/evaluate", {
    "json": {"scenario": "demo:byn_so", "groundwater": {"value": B64(b"hello").decode(),
                                                        "filename": "bnbo.txt"}}},
    (422,), ("bnbo.txt",)))
add("scenario-report-unknown-demo", lambda t: Req("POST", "/api/scenario/report", {"json": {
    "scenario": "demo:atlantis"}}, (422,), ("scenario",)))
add("scenario-report-bad-format", lambda t: Req("POST", "/api/scenario/report?format=docx", {
    "json": {"scenario": "demo:byn_so"}}, (422,), ("format",)))
add("export-no-columns", lambda t: Req("POST", "/api/export", {"json": {
    "columns": [], "rows": []}}, (422,), ("columns",)))
add("export-bad-format", lambda t: Req("POST", "/api/export", {"json": {
    "columns": [{"key": "a", "da": "A"}], "rows": [{"a": 1}], "format": "ods"}}, (422,),
    ("format",)))
add("sheet-unknown-zone", lambda t: Req("GET", "/api/sheet/9999.pdf", {}, (404,), ("9999",)))
add("sheet-bad-format", lambda t: Req("GET", "/api/sheet/630.docx", {}, (422,), ("fmt",)))
add("sheet-bad-epoch", lambda t: Req("GET", "/api/sheet/630.pdf?from=corine:1066", {}, (422,),
                                     ("from",)))
add("priority-network-unknown-kommune", lambda t: Req("POST",
    "/processes/priority-network/execution", {"json": {"inputs": {"kommune": "9999"}}},
    (422,), ("9999",)))
add("priority-network-distance-zero", lambda t: Req("POST",
    "/processes/priority-network/execution", {"json": {"inputs": {"kommune": "741",
                                                                  "distance": 0}}},
    (400,), ("distance",)))
add("priority-network-no-patches", lambda t: Req("POST",
    "/processes/priority-network/execution", {"json": {"inputs": {"kommune": "741",
                                                                  "min_patch_ha": 9999}}},
    (422,), ("patch",)))
add("priority-rank-buffer-negative", lambda t: Req("POST",
    "/processes/priority-rank/execution", {"json": {"inputs": {"kommune": "741",
                                                               "buffer_m": -5}}},
    (400,), ("buffer_m",)))
add("priority-rank-parcels-not-offered", lambda t: Req("POST",
    "/processes/priority-rank/execution", {"json": {"inputs": {"kommune": "741",
                                                               "parcels": "x.gpkg"}}},
    (400,), ("parcels",)))
add("cors-preflight-refused", lambda t: Req("OPTIONS", "/api/nki", {"headers": {
    "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}}, (405,)))


#: English words that never belong in a Danish sentence (after quoted values, JSON and a
#: library's own words in parentheses are taken out).
ENGLISH = re.compile(r"\b(the|should|must|is|are|not|has|found|required|allowed|"
                     r"unknown|upload a|please|of|or|and|file|invalid|no)\b")


def assert_one_language(doc: dict) -> None:
    """``detail_da`` is Danish (no English sentence, no English fallback) and
    ``detail_en`` English: the web app shows one of them."""
    da, en = doc["detail_da"], doc["detail_en"]
    assert da and en and da != en, doc
    assert en not in da and "kun på engelsk" not in da, da
    bare = re.sub(r"'[^']*'|\{.*\}|«[^»]*»", "", da)
    while re.search(r"\([^()]*\)", bare):  # a library's words, innermost first
        bare = re.sub(r"\([^()]*\)", "", bare)
    bare = re.sub(r"^[^ ]+: |(?<=: )[^ ]+\.\w{2,7}: ", "", bare)  # file and field names
    assert not ENGLISH.search(bare), (ENGLISH.search(bare), da)


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_request(name: str, app_client: TestClient, tmp_path: Path) -> None:
    req = CASES[name](tmp_path)
    r = app_client.request(req.method, req.path, **req.kw)
    assert r.status_code in req.status, (r.status_code, r.text[:500])
    assert 400 <= r.status_code < 500
    assert r.headers["content-type"].startswith("application/problem+json"), r.headers
    doc = r.json()
    assert doc["status"] == r.status_code and doc["detail"]
    assert "Traceback" not in r.text and "/tmp/" not in doc["detail"], doc["detail"]
    for n in req.needles:
        assert n in doc["detail"], (n, doc["detail"])
    assert_one_language(doc)
    if r.status_code == 405:
        assert r.headers["allow"], "405 without Allow"
    assert "access-control-allow-origin" not in r.headers  # CORS is off by default


def test_http_corpus_size() -> None:
    assert len(CASES) >= 60, len(CASES)
