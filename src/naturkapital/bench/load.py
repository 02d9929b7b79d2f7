"""HTTP load test: a real server on a random loopback port, N concurrent clients.

The server runs in its own process (``naturkapital serve`` with a fresh SQLite file and
a fresh diagram cache folder), so the clients do not share its interpreter. Each client
is a thread with its own keep-alive connection (``http.client``), asking for gzip like a
browser and reading (and inflating) the whole answer. Measured, in this order:

1. **first Ringkøbing-Skjern candidates** — ``GET /api/lowland/candidates/760``, the very
   first request for it (computed from the embedded maps), one client;
2. **cold diagrams** — ``GET /api/nki/{id}/diagram.svg`` of every municipality, each
   asked for the first time in this server process, N clients at once;
3. **warm diagrams** — the same again;
4. **interactive reads** — the ranking (``/api/municipalities``), zone detail
   (``/api/nki/{id}``) and the lowland candidates of 760, mixed, N clients at once.

Two servers are measured in one run: the *baseline* (no disk cache, no pre-rendering,
clients not asking for gzip — how the server answered before) and the *current*
configuration (pre-rendered diagrams on disk, gzip). The server is started, its
warm-up (the NKI tables, and the pre-rendering when on) awaited, then measured.
"""

from __future__ import annotations

import gzip
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

#: The lowland municipality of the issue: Ringkøbing-Skjern.
RKS = "760"


@dataclass
class Timing:
    """Latencies (s) of one kind of request and the bytes received on the wire."""

    name: str
    seconds: list[float] = field(default_factory=list)
    wire_bytes: int = 0
    errors: int = 0

    def pct(self, q: float) -> float:
        return float(np.percentile(self.seconds, q)) if self.seconds else float("nan")

    def line(self) -> str:
        return (f"{self.name}: n={len(self.seconds)} p50={self.pct(50) * 1000:.0f} ms "
                f"p95={self.pct(95) * 1000:.0f} ms max={max(self.seconds, default=0) * 1000:.0f}"
                f" ms errors={self.errors}")


@dataclass
class LoadRun:
    """One server configuration's results."""

    label: str
    clients: int
    startup_s: float
    candidates_first: Timing
    cold: Timing
    warm: Timing
    reads: dict[str, Timing]

    def as_dict(self) -> dict:
        def t(x: Timing) -> dict:
            return {"n": len(x.seconds), "p50_ms": x.pct(50) * 1000,
                    "p95_ms": x.pct(95) * 1000, "max_ms": max(x.seconds, default=0) * 1000,
                    "wire_bytes": x.wire_bytes, "errors": x.errors}

        return {"label": self.label, "clients": self.clients, "startup_s": self.startup_s,
                "candidates_first": t(self.candidates_first), "diagram_cold": t(self.cold),
                "diagram_warm": t(self.warm), "reads": {k: t(v) for k, v in self.reads.items()}}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``naturkapital serve`` in a child process on a free loopback port."""

    def __init__(self, folder: Path, prerender: bool, cache_dir: Path | None) -> None:
        self.port = free_port()
        env = {**os.environ, "NATURKAPITAL_PRERENDER": "1" if prerender else "0",
               "NATURKAPITAL_PRERENDER_LOWLAND": RKS,
               "NATURKAPITAL_CACHE_DIR": str(cache_dir) if cache_dir else "none"}
        env.pop("NATURKAPITAL_TOKEN", None)
        cmd = [sys.executable, "-c", "from naturkapital.cli import main; main()", "serve",
               "--port", str(self.port), "--db", f"sqlite:///{folder / 'load.db'}",
               "--log-level", "warning"]
        self.log = open(folder / "server.log", "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(cmd, env=env, stdout=self.log, stderr=self.log)

    def get(self, path: str) -> dict:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            conn.request("GET", path)
            r = conn.getresponse()
            body = r.read()
            if r.status != 200:
                raise RuntimeError(f"{path}: HTTP {r.status}")
            return json.loads(body)
        finally:
            conn.close()

    def wait_ready(self, prerender: bool, timeout: float = 1800.0) -> float:
        """Wait for the warm-up (NKI tables; pre-rendered diagrams and lowland candidates
    when on); seconds taken."""
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server stopped (exit {self.proc.returncode}); see "
                                   f"{self.log.name}")
            try:
                st = self.get("/api/status")
            except (OSError, RuntimeError):
                time.sleep(0.2)
                continue
            warm = "basemap2021" in st.get("cached_epochs", [])
            done = all((p := st.get(k) or {}).get("total", 0) > 0 and p["done"] == p["total"]
                       for k in ("diagrams_prerendered", "candidates_prerendered"))
            if warm and (done or not prerender):
                return time.perf_counter() - t0
            time.sleep(0.2)
        raise RuntimeError(f"the server was not ready after {timeout:.0f} s")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


class Client:
    """One keep-alive connection; ``fetch`` times one GET to the last byte."""

    def __init__(self, port: int, gzip_ok: bool) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        self.headers = {"Accept-Encoding": "gzip" if gzip_ok else "identity"}

    def fetch(self, path: str, timing: Timing) -> None:
        t0 = time.perf_counter()
        try:
            self.conn.request("GET", path, headers=self.headers)
            r = self.conn.getresponse()
            body = r.read()
            if r.getheader("Content-Encoding") == "gzip":
                gzip.decompress(body)
            ok = r.status == 200
        except (OSError, http.client.HTTPException):
            self.conn.close()
            ok, body = False, b""
        dt = time.perf_counter() - t0
        if ok:
            timing.seconds.append(dt)
            timing.wire_bytes += len(body)
        else:
            timing.errors += 1

    def close(self) -> None:
        self.conn.close()


def concurrently(port: int, gzip_ok: bool, clients: int, jobs: list[tuple[str, Timing]]
                 ) -> None:
    """Run the GET jobs on ``clients`` threads, each taking the next job when free; all
    threads start together."""
    lock = threading.Lock()
    queue = list(reversed(jobs))
    start = threading.Barrier(clients)

    def work() -> None:
        c = Client(port, gzip_ok)
        start.wait()
        try:
            while True:
                with lock:
                    if not queue:
                        return
                    path, timing = queue.pop()
                c.fetch(path, timing)
        finally:
            c.close()

    threads = [threading.Thread(target=work) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def measure(label: str, prerender: bool, disk_cache: bool, gzip_ok: bool, clients: int,
            reads_per_client: int, say: Callable[[str], None],
            cache_dir: Path | None = None) -> LoadRun:
    """Start one server, measure it (see the module docstring), stop it. The disk cache
    is ``cache_dir`` (kept) or a fresh folder (removed)."""
    with tempfile.TemporaryDirectory(prefix="nk-load-") as tmp:
        folder = (cache_dir or Path(tmp) / "cache") if disk_cache else None
        srv = Server(Path(tmp), prerender, folder)
        try:
            startup = srv.wait_ready(prerender)
            say(f"{label}: server ready after {startup:.1f} s (warm-up"
                f"{' + pre-rendering' if prerender else ''})")
            ids = [r["zone_id"] for r in srv.get("/api/municipalities")]
            q = "?landcover=basemap2021&lang=da"  # as the web app asks (default language)
            cand = Timing("first candidates 760")
            Client(srv.port, gzip_ok).fetch(f"/api/lowland/candidates/{RKS}", cand)
            cold, warm = Timing("diagram cold"), Timing("diagram warm")
            concurrently(srv.port, gzip_ok, clients,
                         [(f"/api/nki/{z}/diagram.svg{q}", cold) for z in ids])
            concurrently(srv.port, gzip_ok, clients,
                         [(f"/api/nki/{z}/diagram.svg{q}", warm) for z in ids])
            reads = {k: Timing(k) for k in ("ranking", "zone detail", "candidates 760")}
            rng = random.Random(17)
            jobs = []
            for _ in range(clients * reads_per_client):
                kind = rng.choice(list(reads))
                path = {"ranking": f"/api/municipalities{q}",
                        "zone detail": f"/api/nki/{rng.choice(ids)}{q}",
                        "candidates 760": f"/api/lowland/candidates/{RKS}"}[kind]
                jobs.append((path, reads[kind]))
            concurrently(srv.port, gzip_ok, clients, jobs)
        finally:
            srv.stop()
    return LoadRun(label, clients, startup, cand, cold, warm, reads)


def run_load(clients: int = 16, reads_per_client: int = 30, baseline: bool = True,
             say: Callable[[str], None] = print, cache_dir: Path | None = None
             ) -> list[LoadRun]:
    """The baseline (no disk cache, no pre-render, no gzip) and the current
    configuration, one after the other; ``cache_dir``: the current server's disk cache
    (kept between runs: a second run finds the diagrams already drawn)."""
    runs = []
    configs = [("baseline", False)] if baseline else []
    for label, on in configs + [("current", True)]:
        run = measure(label, prerender=on, disk_cache=on, gzip_ok=on, clients=clients,
                      reads_per_client=reads_per_client, say=say, cache_dir=cache_dir)
        for tm in (run.candidates_first, run.cold, run.warm, *run.reads.values()):
            say(f"{label}: {tm.line()}")
        runs.append(run)
    return runs
