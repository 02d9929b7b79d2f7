"""REST routes generated from model specs: thin aliases of the OGC processes.

:func:`add_rest_route` declares ``POST /api/{spec.rest}`` with one multipart form field
per HTTP input of the model spec — a file upload for vectors, rasters and tables, a
form value with the spec's bounds, choices and length for the rest — plus the route's
presentation options (e.g. ``format``). The handler turns the form into the same
values the process gets (files as :class:`FileValue`) and calls the route's
``respond`` function, which runs the process's implementation. Nothing about the
inputs is declared here.
"""

from __future__ import annotations

import base64
import binascii
import inspect
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool

from naturkapital.core.errors import InputError
from naturkapital.core.spec import FILE_KINDS, ModelSpec, Param
from naturkapital.server.errors import ApiError
from naturkapital.server.errors import responses as error_responses
from naturkapital.server.processes.inputs import field_type


@dataclass(frozen=True)
class FileValue:
    """An uploaded file: its bytes and the client's file name (text only)."""

    data: bytes
    filename: str | None


def form_parameter(p: Param) -> inspect.Parameter:
    """One input as a multipart form field (file or value)."""
    description = f"{p.label.both()}: {p.help.en}" + (f" ({p.unit})" if p.unit else "")
    if p.kind in FILE_KINDS:
        typ: Any = UploadFile if p.required and not p.choices else UploadFile | str | None
        marker: Any = File(description=description)
    else:
        typ = field_type(p)
        if p.kind == "choice" and not all(isinstance(c, str) for c in p.choices or ()):
            typ = int if p.required else int | None  # form text → int; choices checked
        marker = Form(description=description, ge=p.minimum, le=p.maximum,
                      gt=p.exclusive_minimum, max_length=p.max_length, pattern=p.pattern,
                      allow_inf_nan=False if p.kind == "number" else None)
    default = inspect.Parameter.empty if p.required else p.default
    return inspect.Parameter(p.name, inspect.Parameter.KEYWORD_ONLY, default=default,
                             annotation=Annotated[typ, marker])


#: Media types a GeoTIFF input may declare.
TIFF_MEDIA: tuple[str, ...] = ("image/tiff", "image/tiff; application=geotiff", "image/geotiff")


def input_file(value: Any, name: str, default_name: str,
               media: tuple[str, ...] | None = None) -> tuple[bytes, str]:
    """The bytes and file name of a file input however it came: an upload
    (:class:`FileValue`), a GeoJSON object, an OGC qualified value
    (``{"value": base64, "mediaType": …, "filename": …}``) or base64 text."""
    if isinstance(value, FileValue):
        return value.data, value.filename or default_name
    if isinstance(value, dict) and "value" not in value:
        return json.dumps(value).encode("utf-8"), default_name  # a GeoJSON object
    filename = default_name
    if isinstance(value, dict):
        declared = value.get("mediaType")
        if media and declared is not None and declared not in media:
            raise InputError(name, f"mediaType must be {media[0]}, not {declared!r}")
        filename = str(value.get("filename") or default_name)
        value = value.get("value")
    if not isinstance(value, str) or not value:
        raise InputError(name, "give the file as base64 text (qualified value {\"value\": "
                               "…, \"mediaType\": …})")
    try:
        return base64.b64decode(value, validate=True), filename
    except (binascii.Error, ValueError):
        raise InputError(name, "not valid base64") from None


async def _file(value: Any, limit: int) -> Any:
    if isinstance(value, UploadFile) or hasattr(value, "read"):
        return FileValue(await value.read(limit + 1), value.filename)
    return value or None  # an empty form field, or the name of an embedded dataset


def add_rest_route(router: APIRouter, spec: ModelSpec,
                   respond: Callable[..., Any],
                   extras: tuple[inspect.Parameter, ...] = (),
                   summary: str | None = None, description: str | None = None,
                   response_model: Any = None,
                   responses: dict[int | str, dict[str, Any]] | None = None) -> None:
    """Declare ``POST /api/{spec.rest}`` on ``router`` (whose prefix starts it).

    ``respond(request, values, **extras)`` runs in a worker thread and returns the
    response; ``values`` maps every HTTP input of the spec to its value.
    """
    assert spec.rest is not None, f"{spec.id} has no REST path"
    params = spec.face("http")
    ordered = [p for p in params if p.required] + [p for p in params if not p.required]
    extra_names = [e.name for e in extras]

    async def endpoint(request: Request, **kwargs: Any) -> Any:
        limit = request.app.state.settings.max_upload_bytes
        values: dict[str, Any] = {}
        for p in params:
            v = kwargs[p.name]
            values[p.name] = await _file(v, limit) if p.kind in FILE_KINDS else (
                None if v == "" else v)
            why = None if p.kind in FILE_KINDS else p.check(values[p.name])
            if why is not None:
                raise ApiError(422, f"{p.name}: {why}")
        options = {k: kwargs[k] for k in extra_names}
        return await run_in_threadpool(respond, request, values, **options)

    request_param = inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                      annotation=Request)
    endpoint.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [request_param, *[form_parameter(p) for p in ordered], *extras])
    endpoint.__name__ = "rest_" + spec.id.replace("-", "_")
    full = f"/api/{spec.rest}"
    assert full.startswith(router.prefix + "/"), (full, router.prefix)
    router.add_api_route(
        full[len(router.prefix):], endpoint, methods=["POST"], tags=[spec.id.split("-")[0]],
        summary=summary or spec.title.both(), description=description or spec.about.en
        + f" Alias of the OGC process '{spec.id}' (POST /processes/{spec.id}/execution).",
        response_model=response_model,
        responses=responses if responses is not None else error_responses(400, 413, 415, 422))


def extra(name: str, annotation: Any, default: Any) -> inspect.Parameter:
    """A presentation option of a REST route (not a model input), e.g. ``format``."""
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default,
                             annotation=annotation)


def process_respond(process: Any) -> Callable[..., Any]:
    """A respond function that runs ``process`` (a registered
    :class:`~naturkapital.server.processes.ProcessSpec`) on the form's values and answers
    its outputs as JSON — the REST route is then literally the process."""
    from naturkapital.server.processes import ProcessContext

    def respond(request: Request, values: dict[str, Any]) -> dict[str, Any]:
        inputs = process.inputs.model_construct(**values)  # validated by the form
        ctx = ProcessContext(lambda _p, _m: None, request.app.state.services)
        return process.execute(inputs, ctx)

    return respond


def query(p: Param, alias: str | None = None) -> Any:
    """One spec input as a query parameter of a read route (``GET``): type, choices and
    description from the spec. Year-like integer choices stay ``int``; the model checks
    them."""
    typ: Any = field_type(p)
    if p.kind == "choice" and not all(isinstance(c, str) for c in p.choices or ()):
        typ = int if p.required else int | None
    return Annotated[typ, Query(alias=alias, description=f"{p.label.both()}: {p.help.en}")]
