"""Payload and first-response time of the lowland candidates' map JSON, full geometry
(as before: 1e-6°, no simplification) against the simplified map geometry the server now
sends (``server.lowland.MAP_TOLERANCE_M`` / ``MAP_PRECISION_DEG``); downloads keep the full
geometry. Run: ``.venv/bin/python benchmarks/candidates_payload.py 760 791``.

For each municipality: the candidate search (computed once, not part of the JSON cost),
then for each geometry: bytes (raw and gzip) and the time to build the JSON answer from
the computed candidates; and the first and second HTTP answer of a fresh app on loopback
with the search already done (the search costs the same before and now; it is printed).
"""

from __future__ import annotations

import gzip
import json
import sys
import time

from fastapi.testclient import TestClient

from naturkapital.server import lowland as lw
from naturkapital.server.app import create_app
from naturkapital.server.config import Settings

#: (simplification m, precision °, feature properties): before and now
BEFORE = (0.0, 1e-6, [*lw.CANDIDATE_COLUMNS, "indicative"])
NOW = (lw.MAP_TOLERANCE_M, lw.MAP_PRECISION_DEG, list(lw.MAP_PROPERTIES))


def use(config: tuple[float, float, list[str]]) -> None:
    lw.MAP_TOLERANCE_M, lw.MAP_PRECISION_DEG, lw.MAP_PROPERTIES = config


def payload(
    svc: lw.LowlandService, kommune: str, config: tuple[float, float, list[str]]
) -> tuple[int, int, float]:
    use(config)
    try:
        t0 = time.perf_counter()
        data = json.dumps(
            svc.candidates_doc(kommune, None), ensure_ascii=False, separators=(",", ":")
        ).encode("utf-8")
        ms = (time.perf_counter() - t0) * 1000
    finally:
        use(NOW)
    return len(data), len(gzip.compress(data, 6)), ms


def main(kommuner: list[str]) -> None:
    svc = lw.LowlandService(cache_dir=None)
    searched: dict[str, float] = {}
    for k in kommuner:
        t0 = time.perf_counter()
        n = len(svc.candidates(k).units)
        search = searched[k] = time.perf_counter() - t0
        full = payload(svc, k, BEFORE)
        simple = payload(svc, k, NOW)
        print(
            f"kommune={k} units={n} search_s={search:.2f} "
            f"before_bytes={full[0]} before_gzip_bytes={full[1]} before_build_ms={full[2]:.0f} "
            f"now_bytes={simple[0]} now_gzip_bytes={simple[1]} now_build_ms={simple[2]:.0f} "
            f"ratio_gzip={simple[1] / full[1]:.3f}"
        )
    for label, config in (("before", BEFORE), ("now", NOW)):
        use(config)
        app = create_app(Settings(db_url="sqlite://", prerender=False, cache_dir=None))
        with TestClient(app) as client:
            # the search is done (it is the same before and now): the answer's own cost
            app.state.lowland._cand = svc._cand
            client.get("/api/lowland/candidates/9999")  # loads the municipalities (404)
            for k in kommuner:
                times = []
                for _ in range(2):
                    t0 = time.perf_counter()
                    r = client.get(
                        f"/api/lowland/candidates/{k}", headers={"Accept-Encoding": "gzip"}
                    )
                    times.append((time.perf_counter() - t0) * 1000)
                print(
                    f"http {label} kommune={k} status={r.status_code} "
                    f"wire_bytes={r.headers.get('content-length')} "
                    f"first_ms={times[0]:.0f} second_ms={times[1]:.0f} "
                    f"(search done beforehand: {searched[k]:.1f} s)"
                )
    use(NOW)


if __name__ == "__main__":
    main(sys.argv[1:] or ["760", "791"])
