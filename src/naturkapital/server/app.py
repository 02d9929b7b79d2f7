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

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from naturkapital.server import errors, lowland, ogc, routes, scenario_editor, urban
from naturkapital.server.cache import NKIService
from naturkapital.server.config import Settings
from naturkapital.server.jobs import JobRunner
from naturkapital.server.models import Problem
from naturkapital.store import Store

log = logging.getLogger("naturkapital.server")

STATIC_DIR = Path(str(files("naturkapital.web") / "static"))

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; worker-src 'self' blob:; child-src blob:; "
       "connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'")


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
        started = False

        async def limited() -> Message:
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return msg

        async def tracking_send(msg: Message) -> None:
            nonlocal started
            if msg["type"] == "http.response.start":
                started = True
            await send(msg)

        try:
            await self.app(scope, limited, tracking_send)
        except _TooLarge:
            if not started:
                await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        resp = errors.problem(413, f"request body over the limit of {self.limit / 1e6:.0f} MB")
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
                    headers.append((b"content-security-policy", CSP.encode()))
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
    nki = nki or NKIService()
    services = Services(settings, st, nki, lowland.LowlandService(),
                        scenario_editor.ScenarioService())
    runner = JobRunner(st, services, settings.job_workers)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        n = st.fail_interrupted_jobs()
        if n:
            log.warning("%d job(s) interrupted by the last stop were marked failed", n)
        if settings.warm_cache:
            threading.Thread(target=_warm, args=(nki,), name="nk-warm", daemon=True).start()
        yield
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
    errors.install(app)
    app.include_router(routes.router)
    app.include_router(lowland.router)
    app.include_router(scenario_editor.router)
    app.include_router(urban.router)
    app.include_router(ogc.router)

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html",
                            headers={"Cache-Control": "no-cache"})

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json", title="Naturkapital — HTTP API",
            swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="data:,")

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    _add_problem_schema(app)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    return app


def _warm(nki: NKIService) -> None:
    try:
        nki.warm()
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
