"""The FastAPI application: HTTP API, OGC API – Processes and the web app in one."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from naturkapital.io.output import process_temp_dir
from naturkapital.server import (
    basemap,
    errors,
    lowland,
    ogc,
    routes,
    scenario_editor,
    takeout,
    urban,
)
from naturkapital.server.cache import NKIService
from naturkapital.server.config import Settings
from naturkapital.server.jobs import JobRunner
from naturkapital.server.models import Problem
from naturkapital.server.static import REVALIDATE, FingerprintedStatic
from naturkapital.store import Store

log = logging.getLogger("naturkapital.server")

STATIC_DIR = Path(str(files("naturkapital.web") / "static"))

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; worker-src 'self' blob:; child-src blob:; "
       "connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'")


def csp() -> str:
    """The Content-Security-Policy; an online base map's host (NATURKAPITAL_BASEMAP_URL)
    is allowed to deliver tiles to the page."""
    origin = basemap.online_origin()
    if not origin:
        return CSP
    return (CSP.replace("img-src 'self'", f"img-src 'self' {origin}")
            .replace("connect-src 'self'", f"connect-src 'self' {origin}"))


@dataclass
class Services:
    """What routes and processes share: settings, store, the cached models."""

    settings: Settings
    store: Store
    nki: NKIService
    lowland: lowland.LowlandService | None = None
    scenario_editor: scenario_editor.ScenarioService | None = None


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with 413 (also chunked ones)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    too_big = int(value) > self.limit
                except ValueError:
                    too_big = False
                if too_big:
                    await self._refuse(send)
                    return
        seen = 0
        exceeded = False
        refused = False

        async def limited() -> Message:
            nonlocal seen, exceeded
            if exceeded:  # the app asks again after the refusal: the client is gone
                return {"type": "http.disconnect"}
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.limit:
                    exceeded = True
                    raise _TooLarge
            return msg

        async def guarded_send(msg: Message) -> None:
            # Once the body was too large, whatever the app answers (FastAPI turns the
            # exception into "400 error parsing the body") is replaced by one 413.
            nonlocal refused
            if exceeded:
                if not refused and msg["type"] == "http.response.start":
                    refused = True
                    await self._refuse(send)
                return
            await send(msg)

        try:
            await self.app(scope, limited, guarded_send)
        except _TooLarge:
            pass
        if exceeded and not refused:
            refused = True
            await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        size = (f"{self.limit / 1e6:.0f} MB" if self.limit >= 1_000_000
                else f"{self.limit:,} bytes")
        resp = errors.problem(413, f"request body over the limit of {size}")
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(k.encode(), v.encode()) for k, v in resp.headers.items()]})
        await send({"type": "http.response.body", "body": resp.body})


class _TooLarge(Exception):
    pass


class SecurityHeaders:
    """Standard browser hardening headers on every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def add(msg: Message) -> None:
            if msg["type"] == "http.response.start":
                headers = list(msg.get("headers", []))
                headers += [(b"x-content-type-options", b"nosniff"),
                            (b"referrer-policy", b"same-origin")]
                path = scope.get("path", "")
                if not path.startswith("/docs"):
                    headers.append((b"content-security-policy", csp().encode()))
                msg = {**msg, "headers": headers}
            await send(msg)

        await self.app(scope, receive, add)


def create_app(settings: Settings | None = None, store: Store | None = None,
               nki: NKIService | None = None) -> FastAPI:
    """Build the app. ``store`` and the ``nki`` cache may be given (tests, several apps
    in one process); otherwise they are opened/created from the settings."""
    settings = settings or Settings.from_env()
    own_store = store is None
    st = store or Store.open(settings.db_url)
    nki = nki or NKIService(settings.cache_dir)
    stop_warm = threading.Event()
    services = Services(settings, st, nki, lowland.LowlandService(settings.cache_dir),
                        scenario_editor.ScenarioService())
    runner = JobRunner(st, services, settings.job_workers)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Upload and report work folders live in <tmp>/naturkapital-<pid>; those of a
        # server that was killed are removed here.
        process_temp_dir()
        n = st.fail_interrupted_jobs()
        if n:
            log.warning("%d job(s) interrupted by the last stop were marked failed", n)
        if settings.warm_cache:
            threading.Thread(target=_warm, args=(services, settings, stop_warm),
                             name="nk-warm", daemon=True).start()
            threading.Thread(target=basemap.tile_source, name="nk-tiles", daemon=True).start()
        yield
        stop_warm.set()  # a pre-rendering in progress stops after its current diagram
        runner.shutdown()
        if own_store:
            st.close()

    app = FastAPI(
        title="Naturkapital",
        version=_version(),
        description="Naturkapitalindeks (NKI) for Danish municipalities and your own zones: "
                    "tables, diagrams, change between epochs, uploads, saved scenarios, and "
                    "OGC API – Processes. Reads are public; writes need the token "
                    "(Authorization: Bearer …).",
        lifespan=lifespan,
        docs_url=None,  # served below from the vendored Swagger UI: no CDN at run time
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.store = st
    app.state.nki = nki
    app.state.services = services
    app.state.lowland = services.lowland
    app.state.scenario_editor = services.scenario_editor
    app.state.jobs = runner
    static = FingerprintedStatic(STATIC_DIR)
    errors.install(app)
    app.include_router(routes.router)
    app.include_router(lowland.router)
    app.include_router(scenario_editor.router)
    app.include_router(takeout.router)
    app.include_router(urban.router)
    app.include_router(ogc.router)
    app.include_router(basemap.router)

    @app.get("/", include_in_schema=False)
    def index(request: Request) -> Response:
        """The OGC API landing page (JSON) or the web app (HTML), by ``?f=`` or Accept."""
        if wants_json(request):
            doc = ogc.landing()
            doc["links"] = [({**lk, "href": "/"} if lk["rel"] == "self" else lk)
                            for lk in doc["links"]]
            doc["links"].append({"href": "/api", "rel": "alternate",
                                 "type": "application/json", "title": "HTTP API landing page"})
            return JSONResponse(doc, headers={"Vary": "Accept"})
        # Fingerprinted /static URLs (cached for a year); the page itself is revalidated.
        return HTMLResponse(static.page("index.html"),
                            headers={"Cache-Control": REVALIDATE, "Vary": "Accept"})

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json", title="Naturkapital — HTTP API",
            swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="data:,")

    app.mount("/static", static, name="static")

    _add_problem_schema(app)
    app.add_middleware(SecurityHeaders)
    if settings.cors_origins:  # off by default: browsers on other sites get no access
        origins = list(settings.cors_origins)
        app.add_middleware(CORSMiddleware, allow_origins=origins,
                           allow_credentials=False,
                           allow_methods=["GET", "HEAD", "POST", "PUT", "DELETE"],
                           allow_headers=["Authorization", "Content-Type", "Prefer"],
                           expose_headers=["Location", "Preference-Applied"], max_age=600)
    # JSON, GeoJSON, JS and CSS (MapLibre is 1 MB) go gzip-compressed to clients that
    # accept it; answers under 1 kB are not worth it.
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=6)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    return app


def wants_json(request: Request) -> bool:
    """``?f=json`` / ``?f=html``, else the Accept header: HTML only when it is asked for
    (browsers); OGC clients sending ``*/*`` or ``application/json`` get JSON."""
    f = (request.query_params.get("f") or "").lower()
    if f in ("json", "application/json"):
        return True
    if f in ("html", "text/html"):
        return False
    accept = request.headers.get("accept", "").lower()
    best_html = _quality(accept, ("text/html", "application/xhtml+xml"))
    best_json = _quality(accept, ("application/json", "application/geo+json"))
    return best_json > 0 and best_json >= best_html if best_html or best_json else True


def _quality(accept: str, types: tuple[str, ...]) -> float:
    best = 0.0
    for part in accept.split(","):
        fields = [x.strip() for x in part.split(";")]
        if fields[0] not in types:
            continue
        q = 1.0
        for p in fields[1:]:
            if p.startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        best = max(best, q)
    return best


def _warm(services: Services, settings: Settings, stop: threading.Event) -> None:
    """The tables the web app shows first; with ``settings.prerender`` also the default
    diagrams and the lowland candidates of ``settings.prerender_lowland`` into the disk
    cache."""
    try:
        services.nki.warm()
        if settings.prerender:
            services.nki.prerender(stop)
            if services.lowland is not None:
                codes = [r["zone_id"] for r in services.nki.rows("basemap2021")
                         if r["zone_id"] != "0"]
                want = settings.prerender_lowland
                services.lowland.prerender([c for c in codes if "all" in want or c in want],
                                           stop)
    except Exception:  # a failed warm-up only means the first request computes
        log.exception("warming the NKI cache failed")


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("naturkapital")
    except Exception:
        return "0"


def _add_problem_schema(app: FastAPI) -> None:
    """Put the Problem and StatusInfo models into components/schemas."""
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = original()
        comps = schema.setdefault("components", {}).setdefault("schemas", {})
        comps.setdefault("Problem", Problem.model_json_schema())
        status = ogc.StatusInfo.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, d in status.pop("$defs", {}).items():
            comps.setdefault(name, d)
        comps.setdefault("StatusInfo", status)
        # A body that cannot be parsed (broken JSON or multipart) is answered 400.
        bad_body = errors.responses(400)[400]
        for ops in schema.get("paths", {}).values():
            for op in ops.values():
                if isinstance(op, dict) and "requestBody" in op:
                    op.setdefault("responses", {}).setdefault("400", bad_body)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
