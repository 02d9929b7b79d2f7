"""Error responses: every failure is a JSON problem document with a clear message.

``InputError`` (bad user input anywhere in the models) → 422; unknown ids → 404;
missing/wrong token → 401/403; too large → 413; request validation → 422 naming the
parameter. An unexpected exception → 500 with a generic message (and a log line).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from naturkapital.core.errors import InputError
from naturkapital.server.messages_da import to_danish

log = logging.getLogger("naturkapital.server")

TITLES = {400: "Bad request / ugyldig forespørgsel", 401: "Unauthorized / log ind",
          403: "Forbidden / ingen adgang", 404: "Not found / findes ikke",
          405: "Method not allowed", 406: "Not acceptable",
          409: "Conflict", 413: "Too large / for stor", 415: "Unsupported media type",
          422: "Invalid input / ugyldigt input", 500: "Internal error / intern fejl"}


class ApiError(Exception):
    """Raise from a route to answer with a problem document."""

    def __init__(self, status: int, detail: str, type_: str | None = None,
                 headers: dict[str, str] | None = None, detail_da: str | None = None,
                 detail_en: str | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.type = type_ or f"about:blank#{status}"
        self.headers = headers
        self.detail_da = detail_da
        self.detail_en = detail_en


def split_languages(detail: str, status: int) -> tuple[str, str]:
    """(Danish, English) of a message. ``"english / dansk"`` is split (the Danish
    catalogue's fuller sentence wins over a short Danish tail); a message in English only
    gets its Danish text from the catalogue (:mod:`naturkapital.server.messages_da`)."""
    if detail.count(" / ") == 1:
        en, da = (x.strip() for x in detail.split(" / "))
        return to_danish(en, fallback=False) or da, en
    return to_danish(detail, status=status) or detail, detail


def problem(status: int, detail: str, type_: str | None = None,
            headers: dict[str, str] | None = None, detail_da: str | None = None,
            detail_en: str | None = None) -> JSONResponse:
    """A problem document (RFC 9457) with ``detail`` as before and ``detail_da`` /
    ``detail_en`` for a user interface in one language."""
    da, en = split_languages(detail, status)
    body = {"type": type_ or f"about:blank#{status}", "title": TITLES.get(status, "Error"),
            "status": status, "detail": detail, "detail_da": detail_da or da,
            "detail_en": detail_en or en}
    return JSONResponse(body, status_code=status, headers=headers,
                        media_type="application/problem+json")


def loc_name(loc: tuple[Any, ...] | list[Any]) -> str:
    """A validation error's location as the user wrote it: pydantic's union branches
    (``literal['a','b']``, ``dict[str,any]``) are its own bookkeeping, not a name."""
    return ".".join(str(p) for p in loc if "[" not in str(p))


def _loc(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc if "[" not in str(p)]
    if parts and parts[0] in ("query", "path", "header", "body", "cookie"):
        where = parts[0]
        rest = ".".join(parts[1:])
        return f"{where} parameter '{rest}'" if rest else where
    return ".".join(parts)


def install(app: FastAPI) -> None:
    """Register the handlers on the app."""

    @app.exception_handler(ApiError)
    async def _api_error(_req: Request, exc: ApiError) -> JSONResponse:
        return problem(exc.status, exc.detail, exc.type, exc.headers, exc.detail_da,
                       exc.detail_en)

    @app.exception_handler(InputError)
    async def _input_error(_req: Request, exc: InputError) -> JSONResponse:
        return problem(422, str(exc), "about:blank#input-error")

    @app.exception_handler(RequestValidationError)
    async def _validation(_req: Request, exc: RequestValidationError) -> JSONResponse:
        errs = exc.errors()
        broken = next((e for e in errs if e.get("type") == "json_invalid"), None)
        if broken is not None:  # the body is not JSON at all: 400, as documented
            ctx = broken.get("ctx") or {}
            where = f" ({ctx['error']})" if isinstance(ctx, dict) and ctx.get("error") else ""
            return problem(400, f"the request body is not valid JSON{where}",
                           "about:blank#bad-body")
        msgs: list[str] = []
        for e in errs[:5]:
            msg = f"{_loc(e.get('loc', ()))}: {e.get('msg', 'invalid')}"
            if msg not in msgs:
                msgs.append(msg)
        return problem(422, "; ".join(msgs) or "invalid request", "about:blank#validation")

    @app.exception_handler(StarletteHTTPException)
    async def _http(req: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 404 and detail == "Not Found":
            detail = "not found: no such page or API path (see /docs)"
        if exc.status_code == 405:  # Allow: every method of every route on this path
            allowed = _allowed(req) or {m.strip() for m in headers.get("Allow", "").split(",")
                                        if m.strip()}
            if "GET" in allowed:
                allowed.add("HEAD")
            headers["Allow"] = ", ".join(sorted(allowed))
            detail = f"method {req.method} not allowed here; allowed: {headers['Allow']}"
        return problem(exc.status_code, detail, None, headers or None)

    @app.exception_handler(Exception)
    async def _unexpected(req: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", req.method, req.url.path)
        return problem(500, "unexpected server error; the administrator can see it in the "
                            "server log / uventet fejl")


def _flat_routes(routes: Any, prefix: str = "") -> Any:
    """(prefix, route) for every route, looking inside included routers."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:  # FastAPI's included router: its routes carry their prefix
            ctx = getattr(route, "include_context", None)
            extra = getattr(ctx, "prefix", "") or ""
            yield from _flat_routes(inner.routes, prefix + (extra if isinstance(extra, str)
                                                            else ""))
        else:
            yield prefix, route


def _allowed(req: Request) -> set[str]:
    """The methods of the resource at the request's path.

    Routes are grouped by path template; the most specific template that matches wins
    (``/api/nki/compare`` is its own resource, not an id of ``/api/nki/{zone_id}``),
    and the methods of all routes with that template are allowed."""
    from starlette.routing import compile_path

    path = req.scope.get("path", "")
    by_template: dict[str, set[str]] = {}
    for prefix, route in _flat_routes(req.app.router.routes):
        route_methods = getattr(route, "methods", None)
        route_path = getattr(route, "path", None)
        if not route_methods or not isinstance(route_path, str):
            continue
        template = prefix + route_path
        regex = route.path_regex if not prefix else compile_path(template)[0]
        if regex.match(path):
            by_template.setdefault(template, set()).update(route_methods)
    if not by_template:
        return set()
    best = min(by_template, key=lambda t: (t.count("{"), -len(t)))
    return by_template[best]


def responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for the listed error codes."""
    desc = {400: "Bad request", 401: "No token (Authorization: Bearer …)",
            403: "Wrong token, or writes disabled", 404: "Not found",
            413: "Upload or body too large", 415: "Unsupported file type",
            422: "Invalid input (the message names the parameter)"}
    return {c: {"description": desc.get(c, TITLES.get(c, "Error")),
                "content": {"application/problem+json": {"schema": {
                    "$ref": "#/components/schemas/Problem"}}}} for c in codes}
