"""OGC API – Processes (Part 1: Core): landing, conformance, processes, execution, jobs.

Synchronous execution is public (nothing is stored). Asynchronous execution
(``Prefer: respond-async``) stores a job and its results, so it needs the write token,
as does dismissing a job.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Request, Security
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from naturkapital.server.errors import ApiError, loc_name, responses
from naturkapital.server.jobs import status_info
from naturkapital.server.processes import ProcessContext, get, registry
from naturkapital.server.security import check_token, require_token

router = APIRouter(tags=["OGC API – Processes"])

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/ogc-process-description",
    "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/json",
    "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/job-list",
    "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/dismiss",
]
OGC_EXC = "http://www.opengis.net/def/exceptions/ogcapi-processes-1/1.0/"


class Link(BaseModel):
    href: str
    rel: str
    type: str | None = None
    title: str | None = None


class LandingPage(BaseModel):
    title: str
    description: str
    links: list[Link]


class Conformance(BaseModel):
    conformsTo: list[str]


class ProcessList(BaseModel):
    processes: list[dict[str, Any]]
    links: list[Link]


class Execute(BaseModel):
    """An execute request: input values by id; optional outputs selection."""

    model_config = ConfigDict(extra="allow")
    inputs: dict[str, Any] = Field(default_factory=dict)
    outputs: dict[str, Any] | None = None
    response: Literal["document", "raw"] = "document"


class StatusInfo(BaseModel):
    model_config = ConfigDict(extra="allow")
    jobID: str
    processID: str | None
    type: Literal["process"]
    status: Literal["accepted", "running", "successful", "failed", "dismissed"]
    message: str | None = None
    progress: int | None = None
    links: list[Link]


class JobList(BaseModel):
    jobs: list[StatusInfo]
    links: list[Link]


@router.get("/api", response_model=LandingPage, summary="Landing page of the HTTP API")
def landing() -> dict[str, Any]:
    return {"title": "Naturkapital", "description": "Naturkapitalindeks (Natural Capital "
            "Index) for Danish municipalities and your own zones; OGC API – Processes.",
            "links": [
                {"href": "/api", "rel": "self", "type": "application/json"},
                {"href": "/openapi.json", "rel": "service-desc",
                 "type": "application/vnd.oai.openapi+json;version=3.0"},
                {"href": "/docs", "rel": "service-doc", "type": "text/html"},
                {"href": "/conformance", "rel": "http://www.opengis.net/def/rel/ogc/1.0/"
                 "conformance", "type": "application/json"},
                {"href": "/processes", "rel": "http://www.opengis.net/def/rel/ogc/1.0/"
                 "processes", "type": "application/json"},
                {"href": "/jobs", "rel": "http://www.opengis.net/def/rel/ogc/1.0/job-list",
                 "type": "application/json"},
                {"href": "/", "rel": "alternate", "type": "text/html",
                 "title": "web app / webapp"}]}


@router.get("/conformance", response_model=Conformance, summary="Conformance classes")
def conformance() -> dict[str, Any]:
    return {"conformsTo": CONFORMANCE}


@router.get("/processes", response_model=ProcessList, summary="Available processes")
def processes() -> dict[str, Any]:
    return {"processes": [p.summary() for p in registry().values()],
            "links": [{"href": "/processes", "rel": "self", "type": "application/json"}]}


def _spec_or_404(process_id: str) -> Any:
    spec = get(process_id)
    if spec is None:
        raise ApiError(404, f"no process {process_id!r}; see /processes",
                       OGC_EXC + "no-such-process")
    return spec


@router.get("/processes/{process_id}", summary="Process description",
            responses={200: {"description": "Process description", "content": {
                "application/json": {"schema": {"type": "object"}}}}, **responses(404)})
def process_description(process_id: str) -> dict[str, Any]:
    return _spec_or_404(process_id).description_doc()


@router.post("/processes/{process_id}/execution", summary="Execute a process",
             description="Synchronous by default (results in the response). With the header "
                         "'Prefer: respond-async' a job is created (201, Location: "
                         "/jobs/{id}); that stores data and needs the write token.",
             responses={200: {"description": "Results document: output id → value",
                              "content": {"application/json": {"schema": {
                                  "type": "object"}}}},
                        201: {"description": "Job created",
                              "content": {"application/json": {"schema": {
                                  "$ref": "#/components/schemas/StatusInfo"}}}},
                        **responses(400, 401, 403, 404, 413, 422)})
async def execute_process(request: Request, process_id: str, body: Execute,
                  prefer: Annotated[str | None, Header(description="respond-async for a "
                                                                   "job")] = None,
                  ) -> Any:
    spec = _spec_or_404(process_id)
    try:
        inputs = spec.inputs.model_validate(body.inputs)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = loc_name(first.get("loc", ()))
        raise ApiError(400, f"input '{where}': {first.get('msg')}",
                       OGC_EXC + "invalid-parameter-value") from None
    unknown = set(body.outputs or {}) - set(spec.outputs)
    if unknown:
        raise ApiError(400, f"unknown output(s) {sorted(unknown)}; outputs: "
                            f"{sorted(spec.outputs)}", OGC_EXC + "invalid-parameter-value")
    wants_async = prefer is not None and "respond-async" in prefer.lower()
    if wants_async and "async-execute" in spec.job_control:
        check_token(request)
        job = request.app.state.jobs.submit(spec, inputs)
        info = status_info(job)
        return JSONResponse(info, status_code=201,
                            headers={"Location": f"/jobs/{job['id']}",
                                     "Preference-Applied": "respond-async"})
    services = request.app.state.services
    outputs = await run_in_threadpool(
        spec.execute, inputs, ProcessContext(lambda _p, _m: None, services))
    wanted = list(body.outputs) if body.outputs else list(outputs)
    doc = {k: outputs[k] for k in wanted if k in outputs}
    if body.response == "raw" and len(doc) == 1:
        return next(iter(doc.values()))
    return doc


@router.get("/jobs", response_model=JobList, summary="Jobs (newest first)",
            responses=responses(422))
def jobs(request: Request, limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> dict:
    items = [status_info(j) for j in request.app.state.store.list_jobs(limit)]
    return {"jobs": items, "links": [{"href": "/jobs", "rel": "self",
                                      "type": "application/json"}]}


def _job_or_404(request: Request, job_id: str) -> dict[str, Any]:
    job = request.app.state.store.get_job(job_id)
    if job is None:
        raise ApiError(404, f"no job {job_id!r}", OGC_EXC + "no-such-job")
    return job


@router.get("/jobs/{job_id}", response_model=StatusInfo, summary="Job status",
            responses=responses(404))
def job_status(request: Request, job_id: str) -> dict[str, Any]:
    return status_info(_job_or_404(request, job_id))


@router.get("/jobs/{job_id}/results", summary="Job results",
            responses={200: {"description": "Results document: output id → value",
                             "content": {"application/json": {"schema": {
                                 "type": "object"}}}}, **responses(404, 422)})
def job_results(request: Request, job_id: str) -> Any:
    job = _job_or_404(request, job_id)
    if job["status"] == "failed":
        raise ApiError(422, f"the job failed: {job['message']}", OGC_EXC + "job-results-"
                                                                          "failed")
    if job["status"] != "successful":
        raise ApiError(404, f"results not ready: the job is {job['status']}",
                       OGC_EXC + "result-not-ready")
    return job["outputs"]


@router.delete("/jobs/{job_id}", response_model=StatusInfo, summary="Dismiss a job "
               "(needs the write token)", responses=responses(401, 403, 404))
def dismiss(request: Request, job_id: str, _auth: None = Security(require_token)) -> dict:
    job = _job_or_404(request, job_id)
    request.app.state.store.delete_job(job_id)
    info = status_info({**job, "status": "dismissed"})
    info["message"] = "dismissed / fjernet"
    return info
