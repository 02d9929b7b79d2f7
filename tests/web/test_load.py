"""A bounded load test of the real server on loopback: 2 000 requests, zero errors.

Traffic goes only to the test's own ``naturkapital serve`` on 127.0.0.1; the request
count is fixed and every request has a timeout, so the test stops by itself. The
latency percentiles are printed and written to test-artifacts/load.json.
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import time

import httpx
import pytest

from .conftest import ARTIFACTS, Server

pytestmark = pytest.mark.web

N_REQUESTS = 2000
CONCURRENCY = 16


def _paths(ids: list[str], rng: random.Random) -> list[str]:
    """A read-heavy mix like the web app's: lists, zones, diagrams, the map, change."""
    mix: list[tuple[float, object]] = [
        (0.30, lambda: "/api/municipalities"),
        (0.30, lambda: f"/api/nki/{rng.choice(ids)}"),
        (0.10, lambda: f"/api/nki/{rng.choice(ids[:10])}/diagram.svg"),
        (0.05, lambda: "/api/municipalities.geojson"),
        (0.05, lambda: "/api/compare?from=corine:2012&to=corine:2018"),
        (0.05, lambda: "/api/nki?landcover=corine&year=2018"),
        (0.10, lambda: "/api/status"),
        (0.05, lambda: "/processes/nki"),
    ]
    weights = [w for w, _ in mix]
    makers = [m for _, m in mix]
    return [rng.choices(makers, weights)[0]() for _ in range(N_REQUESTS)]  # type: ignore


async def _run(base: str, paths: list[str]) -> tuple[list[float], list[str]]:
    latencies: list[float] = []
    errors: list[str] = []
    queue: asyncio.Queue[str] = asyncio.Queue()
    for p in paths:
        queue.put_nowait(p)
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(base_url=base, timeout=30.0, limits=limits) as client:

        async def worker() -> None:
            while True:
                try:
                    path = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                t0 = time.perf_counter()
                try:
                    r = await client.get(path)
                    await r.aread()
                    if r.status_code != 200:
                        errors.append(f"{path}: {r.status_code}")
                except httpx.HTTPError as exc:
                    errors.append(f"{path}: {type(exc).__name__}")
                latencies.append(time.perf_counter() - t0)

        await asyncio.wait_for(asyncio.gather(*(worker() for _ in range(CONCURRENCY))),
                               timeout=240)
    return latencies, errors


def test_load_2000_requests(live_server: Server) -> None:
    ids = [m["zone_id"] for m in httpx.get(live_server.url + "/api/municipalities",
                                          timeout=60).json()]
    paths = _paths(ids, random.Random(4))
    t0 = time.perf_counter()
    latencies, errors = asyncio.run(_run(live_server.url, paths))
    wall = time.perf_counter() - t0
    q = statistics.quantiles(latencies, n=100)
    stats = {"requests": len(latencies), "errors": len(errors), "concurrency": CONCURRENCY,
             "wall_s": round(wall, 2), "req_per_s": round(len(latencies) / wall, 1),
             "p50_ms": round(q[49] * 1000, 1), "p95_ms": round(q[94] * 1000, 1),
             "p99_ms": round(q[98] * 1000, 1), "max_ms": round(max(latencies) * 1000, 1)}
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "load.json").write_text(json.dumps(stats, indent=1))
    print(f"\nload test: {stats['requests']} requests, {stats['errors']} errors, "
          f"{stats['req_per_s']} req/s, p50 {stats['p50_ms']} ms, p95 {stats['p95_ms']} ms, "
          f"p99 {stats['p99_ms']} ms, max {stats['max_ms']} ms")
    assert len(latencies) == N_REQUESTS
    assert errors == [], errors[:10]
    assert q[94] < 5.0, f"p95 {q[94]:.2f} s"
