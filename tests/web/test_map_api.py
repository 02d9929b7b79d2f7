"""The web map's server side (issue 11): land-cover tiles, the map config with the
optional online base map, label points with today's municipality names, the diagram
in one language, and error documents with a Danish and an English message."""

from __future__ import annotations

import io
import time

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from naturkapital.server import basemap
from naturkapital.server.errors import split_languages

pytestmark = pytest.mark.web


def test_tile_inside_outside_and_cached(client: TestClient) -> None:
    t0 = time.perf_counter()
    r = client.get("/tiles/basemap/9/270/160.png")  # over Jutland
    first = time.perf_counter() - t0
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    img = np.asarray(Image.open(io.BytesIO(r.content)).convert("RGBA"))
    colours = {tuple(int(v) for v in px) for px in img.reshape(-1, 4)[::97]}
    legend = {basemap._hex(c["colour"]) for c in basemap.legend()}
    assert colours - {(0, 0, 0, 0)} <= legend  # only class colours and transparency
    assert len(colours & legend) >= 3  # fields, forest, towns at least
    t0 = time.perf_counter()
    again = client.get("/tiles/basemap/9/270/160.png")
    second = time.perf_counter() - t0
    assert again.content == r.content
    print(f"tile 9/270/160: first {first * 1000:.0f} ms, cached {second * 1000:.1f} ms")
    sea = client.get("/tiles/basemap/9/0/0.png")  # far outside Denmark: transparent
    px = np.asarray(Image.open(io.BytesIO(sea.content)).convert("RGBA"))
    assert sea.status_code == 200 and int(px[..., 3].max()) == 0
    low = client.get("/tiles/basemap/3/0/0.png")
    assert low.status_code == 404
    body = low.json()
    assert body["detail_en"].startswith("no base-map tiles at zoom 3")
    assert body["detail_da"].startswith("ingen baggrundskort i zoom 3")
    assert client.get("/tiles/basemap/9/600/0.png").status_code == 404  # x beyond 2**9


def test_tile_cache_keeps_the_newest() -> None:
    c = basemap.TileCache(size=2)
    c.put((1, 0, 0), b"a")
    c.put((1, 0, 1), b"b")
    assert c.get((1, 0, 0)) == b"a"  # now the most recently used
    c.put((1, 1, 1), b"c")
    assert c.get((1, 0, 1)) is None and c.get((1, 0, 0)) == b"a" and c.get((1, 1, 1)) == b"c"


def test_map_config_online_basemap_is_opt_in(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NATURKAPITAL_BASEMAP_URL", raising=False)
    cfg = client.get("/api/map/config").json()
    assert cfg["online"] is None
    assert cfg["basemap"]["tiles"] == "/tiles/basemap/{z}/{x}/{y}.png"
    forest = next(c for c in cfg["basemap"]["legend"] if c["value"] == 8)
    assert (forest["da"], forest["en"], forest["colour"]) == ("Skov", "Forest", "#2f6b3a")
    monkeypatch.setenv("NATURKAPITAL_BASEMAP_URL", "https://tiles.example/{z}/{x}/{y}.png")
    monkeypatch.setenv("NATURKAPITAL_BASEMAP_ATTRIBUTION", "© Example")
    cfg = client.get("/api/map/config").json()
    assert cfg["online"] == {
        "url": "https://tiles.example/{z}/{x}/{y}.png",
        "attribution": "© Example",
    }


def test_labels_have_official_names_inside_the_municipality(client: TestClient) -> None:
    from shapely.geometry import Point, shape

    labels = {x["zone_id"]: x for x in client.get("/api/map/labels").json()}
    assert len(labels) == 99
    assert labels["751"]["name"] == "Aarhus" and labels["810"]["name"] == "Brønderslev"
    fc = client.get("/api/municipalities.geojson").json()
    vejle = next(f for f in fc["features"] if f["properties"]["zone_id"] == "630")
    assert (
        shape(vejle["geometry"])
        .buffer(0.01)
        .contains(Point(labels["630"]["lon"], labels["630"]["lat"]))
    )
    assert client.get("/api/nki/751").json()["name"] == "Aarhus"


def test_diagram_follows_the_language(client: TestClient) -> None:
    en = client.get("/api/nki/630/diagram.svg?lang=en").text
    da = client.get("/api/nki/630/diagram.svg?lang=da").text
    both = client.get("/api/nki/630/diagram.svg").text
    assert "Area share" in en and "Arealandel" not in en and "Natural Capital Index" in en
    assert "Arealandel" in da and "area share" not in da
    assert "Arealandel (%) / area share (%)" in both
    assert client.get("/api/nki/630/diagram.svg?lang=de").status_code == 422


def test_error_messages_in_two_languages() -> None:
    assert split_languages("outside the map / uden for kortet", 422) == (
        "uden for kortet",
        "outside the map",
    )
    da, en = split_languages("mine.geojson: field 'x' not found (fields: kode)", 422)
    assert en == "mine.geojson: field 'x' not found (fields: kode)"
    assert da == "mine.geojson: feltet 'x' findes ikke (felter: kode)"
    da, en = split_languages("a / b / c", 404)  # not a pair, no rule: marked as English
    assert en == "a / b / c" and da == "Findes ikke (beskeden findes kun på engelsk: «a / b / c»)"


def test_unknown_zone_problem_has_both_languages(client: TestClient) -> None:
    body = client.get("/api/nki/9999").json()
    assert body["detail"].startswith("unknown zone id")  # unchanged for API clients
    assert body["detail_en"] == body["detail"]
    assert body["detail_da"].startswith("ukendt zone '9999' (kommunekoder som 563")


def test_online_basemap_host_is_allowed_by_the_csp(monkeypatch: pytest.MonkeyPatch) -> None:
    from naturkapital.server.app import CSP, csp

    monkeypatch.delenv("NATURKAPITAL_BASEMAP_URL", raising=False)
    assert csp() == CSP
    monkeypatch.setenv("NATURKAPITAL_BASEMAP_URL", "https://{s}.tiles.example:8443/{z}/{x}/{y}.png")
    assert "img-src 'self' https://s.tiles.example:8443" in csp()
    assert "connect-src 'self' https://s.tiles.example:8443" in csp()
    monkeypatch.setenv("NATURKAPITAL_BASEMAP_URL", "javascript:alert(1)")
    assert csp() == CSP
