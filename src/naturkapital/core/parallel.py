"""Worker processes for large inputs: one setting, one map over chunks.

The library and the server work in their own process (``workers() == 1``); the
command line sets the number of workers to the machine's cores
(:func:`set_workers`), and ``NATURKAPITAL_WORKERS`` overrides both. Workers are
forked (POSIX only; elsewhere the chunks run one after the other), so a chunk's
function and arguments need no re-import; results come back pickled, in order.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

_workers = 1


def set_workers(n: int | None) -> None:
    """Use ``n`` worker processes for large inputs (None: the machine's cores)."""
    global _workers
    _workers = max(1, int(n if n is not None else (os.cpu_count() or 1)))


def workers() -> int:
    """The number of worker processes: ``NATURKAPITAL_WORKERS`` if set, else the
    setting (:func:`set_workers`, 1 unless the command line changed it)."""
    env = os.environ.get("NATURKAPITAL_WORKERS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    return _workers


def map_chunks(fn: Callable[[T], R], tasks: Sequence[T], n_workers: int | None = None,
               done: Callable[[int], None] | None = None) -> list[R]:
    """``[fn(t) for t in tasks]``, in ``n_workers`` forked processes when there is more
    than one task and more than one worker (default :func:`workers`). ``done(i)`` is
    called in this process as task ``i``'s result arrives, in order. An exception in a
    task is raised here."""
    n = workers() if n_workers is None else n_workers
    use = min(n, len(tasks))
    if use <= 1 or "fork" not in mp.get_all_start_methods():
        return _collect(map(fn, tasks), done)
    with mp.get_context("fork").Pool(use) as pool:
        return _collect(pool.imap(fn, tasks), done)


def _collect(results: Iterator[R], done: Callable[[int], None] | None) -> list[R]:
    """The results in order, ``done(i)`` called as result ``i`` arrives."""
    out: list[R] = []
    for i, r in enumerate(results):
        out.append(r)
        if done:
            done(i)
    return out
