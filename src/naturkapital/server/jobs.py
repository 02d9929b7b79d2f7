"""Asynchronous process jobs: a small thread pool, status and results in the store."""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

from naturkapital.core.errors import InputError
from naturkapital.server.processes import ProcessContext, ProcessSpec
from naturkapital.store import Store

log = logging.getLogger("naturkapital.server.jobs")


class JobRunner:
    """Runs accepted jobs one (or ``workers``) at a time, recording every step."""

    def __init__(self, store: Store, services: Any, workers: int = 1) -> None:
        self.store = store
        self.services = services
        self._pool = ThreadPoolExecutor(max_workers=max(1, workers),
                                        thread_name_prefix="nk-job")

    def submit(self, spec: ProcessSpec, inputs: BaseModel) -> dict[str, Any]:
        job = self.store.create_job(spec.id, inputs.model_dump(mode="json"))
        self._pool.submit(self._run, job["id"], spec, inputs)
        return job

    def _run(self, job_id: str, spec: ProcessSpec, inputs: BaseModel) -> None:
        now = datetime.now(UTC)
        self.store.update_job(job_id, status="running", started_at=now, progress=1,
                              message="running / kører")
        last = [0.0]

        def progress(pct: int, message: str) -> None:
            if time.monotonic() - last[0] < 0.5:
                return
            last[0] = time.monotonic()
            self.store.update_job(job_id, progress=max(1, min(99, int(pct))),
                                  message=message[:500])

        try:
            outputs = spec.execute(inputs, ProcessContext(progress, self.services))
        except InputError as exc:
            self.store.update_job(job_id, status="failed", finished_at=datetime.now(UTC),
                                  message=str(exc)[:2000])
            return
        except Exception:
            log.exception("job %s (%s) failed", job_id, spec.id)
            self.store.update_job(job_id, status="failed", finished_at=datetime.now(UTC),
                                  message="unexpected error; see the server log")
            return
        self.store.update_job(job_id, status="successful", finished_at=datetime.now(UTC),
                              progress=100, outputs=outputs, message="done / færdig")

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def status_info(job: dict[str, Any], base: str = "") -> dict[str, Any]:
    """An OGC API – Processes statusInfo document."""

    def iso(dt: datetime | None) -> str | None:
        return dt.isoformat().replace("+00:00", "Z") if dt else None

    links = [{"href": f"{base}/jobs/{job['id']}", "rel": "self", "type": "application/json",
              "title": "job status"}]
    if job["status"] == "successful":
        links.append({"href": f"{base}/jobs/{job['id']}/results",
                      "rel": "http://www.opengis.net/def/rel/ogc/1.0/results",
                      "type": "application/json", "title": "results"})
    return {
        "jobID": job["id"], "processID": job["process_id"], "type": "process",
        "status": job["status"], "message": job.get("message", ""),
        "created": iso(job.get("created_at")), "started": iso(job.get("started_at")),
        "finished": iso(job.get("finished_at")), "updated": iso(job.get("updated_at")),
        "progress": job.get("progress", 0), "links": links,
    }
