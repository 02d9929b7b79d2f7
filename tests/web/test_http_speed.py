"""Compression, cache headers, fingerprinted static URLs, the diagram disk cache and the
background pre-rendering (the speed measurements themselves are in ``naturkapital bench
load``, never in tests)."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from naturkapital.server import create_app
from naturkapital.server.app import STATIC_DIR
from naturkapital.server.cache import DiskCache, NKIService
from naturkapital.store import Store

from .conftest import make_settings

pytestmark = pytest.mark.web


@pytest.fixture(scope="module")
def app_client(tmp_path_factory: pytest.TempPathFactory, nki_service: NKIService):
    db = tmp_path_factory.mktemp("speed") / "db.sqlite"
    st = Store.open(f"sqlite:///{db}")
    with TestClient(create_app(make_settings(), store=st, nki=nki_service)) as c:
        yield c
    st.close()


def test_gzip_answer_inflates_to_the_same_json(app_client: TestClient):
    plain = app_client.get("/api/municipalities", headers={"Accept-Encoding": "identity"})
    # httpx inflates transparently; read the raw bytes to see what went over the wire
    with app_client.stream("GET", "/api/municipalities",
                           headers={"Accept-Encoding": "gzip"}) as r:
        raw = b"".join(r.iter_raw())
        encoding = r.headers.get("content-encoding")
    assert plain.headers.get("content-encoding") is None
    assert encoding == "gzip"
    assert len(raw) < len(plain.content) / 3
    assert json.loads(gzip.decompress(raw)) == plain.json()


def test_maplibre_goes_compressed(app_client: TestClient):
    with app_client.stream("GET", "/static/vendor/maplibre-gl.js",
                           headers={"Accept-Encoding": "gzip"}) as r:
        raw = b"".join(r.iter_raw())
        assert r.headers["content-encoding"] == "gzip"
    original = (STATIC_DIR / "vendor" / "maplibre-gl.js").read_bytes()
    assert gzip.decompress(raw) == original
    assert len(raw) < len(original) / 2


def test_index_is_no_cache_and_references_fingerprinted_files(app_client: TestClient):
    r = app_client.get("/", headers={"Accept": "text/html"})
    assert r.status_code == 200
    assert r.headers["cache-control"] == "no-cache"
    refs = re.findall(r'(?:src|href)="/static/([^"]+)"', r.text)
    assert len(refs) >= 5
    for ref in refs:
        path, _, query = ref.partition("?v=")
        digest = hashlib.sha256((STATIC_DIR / path).read_bytes()).hexdigest()[:12]
        assert query == digest, ref


def test_fingerprinted_static_is_immutable_and_plain_url_revalidates(app_client: TestClient):
    page = app_client.get("/", headers={"Accept": "text/html"}).text
    url = re.search(r'src="(/static/app\.js\?v=[0-9a-f]{12})"', page)
    assert url is not None
    r = app_client.get(url.group(1))
    assert r.status_code == 200
    assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert r.content == (STATIC_DIR / "app.js").read_bytes()
    assert app_client.get("/static/app.js").headers["cache-control"] == "no-cache"
    # an old fingerprint is not promised forever
    stale = app_client.get("/static/app.js?v=000000000000")
    assert stale.headers["cache-control"] == "no-cache"


def test_disk_cache_keeps_and_rebuilds(tmp_path: Path):
    calls = []

    def make() -> bytes:
        calls.append(1)
        return b"drawn"

    cache = DiskCache(tmp_path / "c")
    key = ("diagram", "basemap2021", "563", False, "svg")
    assert cache.get(key, make) == b"drawn"
    assert DiskCache(tmp_path / "c").get(key, make) == b"drawn"  # a restarted server
    assert len(calls) == 1
    assert cache.get(key + ("en",), make) == b"drawn"  # another parameter: another file
    assert len(calls) == 2
    files = [p for p in (tmp_path / "c").rglob("*") if p.is_file()]
    assert len(files) == 2 and not any(p.name.startswith(".tmp") for p in files)


def test_unwritable_disk_cache_still_answers(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert DiskCache(blocker / "c").get(("k",), lambda: b"x") == b"x"


def test_diagram_from_disk_cache_matches_a_fresh_drawing(tmp_path: Path,
                                                        nki_service: NKIService):
    svc = NKIService(tmp_path / "cache")
    svc._zones, svc._results = nki_service._zones, nki_service._results  # share the tables
    first = svc.diagram("basemap2021", "563", False, "svg")
    assert first.lstrip().startswith(b"<?xml")
    again = NKIService(tmp_path / "cache")
    again._zones, again._results = nki_service._zones, nki_service._results
    again_bytes = again.diagram("basemap2021", "563", False, "svg")
    assert again_bytes == first
    assert len([p for p in (tmp_path / "cache").rglob("*") if p.is_file()]) == 1


def test_prerender_fills_the_cache_and_stops_when_asked(tmp_path: Path,
                                                        nki_service: NKIService):
    svc = NKIService(tmp_path / "cache")
    svc._zones, svc._results, svc._rows = (nki_service._zones, nki_service._results,
                                           nki_service._rows)
    stop = threading.Event()
    drawn: list[tuple] = []
    real = svc.diagram

    def diagram(*args):  # stop after three diagrams
        drawn.append(args)
        if len(drawn) == 3:
            stop.set()
        return real(*args)

    svc.diagram = diagram  # type: ignore[method-assign]
    done = svc.prerender(stop)
    n_zones = len(svc.rows("basemap2021"))
    assert done == 3
    assert svc.prerendered == {"done": 3, "total": 2 * n_zones}
    # the web app's default language (Danish) is pre-rendered
    assert drawn[0] == ("basemap2021", drawn[0][1], False, "svg", "da")
    assert drawn[1][1:] == (drawn[0][1], True, "svg", "da")
    assert len([p for p in (tmp_path / "cache").rglob("*") if p.is_file()]) == 3
