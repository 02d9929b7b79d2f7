"""Choose where the Dask graph runs: threads, processes, a local cluster or a remote one.

Scheduler specs (the CLI's ``--scheduler``):

* ``threads`` — Dask's threaded scheduler in this process (default);
* ``processes`` — Dask's multiprocessing scheduler (one process per core);
* ``synchronous`` — one thread, no parallelism (debugging, profiling);
* ``local`` or ``local:N`` — start a ``dask.distributed.LocalCluster`` with N worker
  processes of one thread each (N defaults to the number of cores);
* ``tcp://host:8786`` (any ``scheme://``) — connect to a running Dask distributed
  scheduler. The workers must see the raster files at the same paths (shared disk).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from naturkapital.core.errors import InputError

LOCAL_SCHEDULERS = ("threads", "processes", "synchronous")


@dataclass
class Runner:
    """How to run one ``dask.compute``: keyword arguments and the client, if any."""

    spec: str
    compute_kwargs: dict[str, Any]
    client: Any = None

    @property
    def distributed(self) -> bool:
        return self.client is not None

    @property
    def workers(self) -> int:
        """Worker processes (distributed) or threads/processes (local) in use."""
        if self.client is not None:
            return len(self.client.scheduler_info(n_workers=-1)["workers"])
        return int(self.compute_kwargs.get("num_workers") or os.cpu_count() or 1)


def check_scheduler(spec: str) -> str:
    """Validate a scheduler spec; raises :class:`InputError` when it is not one we know."""
    s = spec.strip()
    if s in LOCAL_SCHEDULERS or "://" in s:
        return s
    if s == "local" or s.startswith("local:"):
        n = s.partition(":")[2]
        if n and (not n.isdigit() or int(n) < 1):
            raise InputError("--scheduler", f"'{spec}': write local:N with N ≥ 1 workers")
        return s
    raise InputError("--scheduler", f"unknown scheduler '{spec}'; use threads, processes, "
                                    "synchronous, local[:N] or a scheduler address such as "
                                    "tcp://host:8786")


@contextmanager
def dask_runner(spec: str = "threads", workers: int | None = None) -> Iterator[Runner]:
    """Context manager yielding a :class:`Runner` for ``spec`` (see the module docstring).

    ``workers`` caps threads/processes for the local schedulers. A ``local`` cluster is
    closed on exit; a remote client is disconnected (the cluster keeps running).
    """
    s = check_scheduler(spec)
    if s in LOCAL_SCHEDULERS:
        kwargs: dict[str, Any] = {"scheduler": s}
        if workers is not None and s != "synchronous":
            kwargs["num_workers"] = workers
        yield Runner(s, kwargs)
        return
    from distributed import Client, LocalCluster

    if s.startswith("local"):
        n = int(s.partition(":")[2] or workers or os.cpu_count() or 1)
        with LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster, Client(cluster) as client:
            yield Runner(s, {"scheduler": client}, client)
        return
    try:
        client = Client(s, timeout="10s", set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise InputError("--scheduler", f"cannot connect to the Dask scheduler at {s} "
                                        f"({type(exc).__name__})") from None
    try:
        yield Runner(s, {"scheduler": client}, client)
    finally:
        client.close()
