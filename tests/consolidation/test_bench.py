"""The consolidation bench on a small generated fabric (the timed run is
``naturkapital bench consolidate``)."""

from __future__ import annotations

from naturkapital.bench.consolidation import make_fabric, run_consolidation_bench
from tests.conftest import run_cli


def test_fabric_is_deterministic():
    a, b = make_fabric(200, 10), make_fabric(200, 10)
    assert a.parcels.drop(columns="geometry").equals(b.parcels.drop(columns="geometry"))
    assert len(a.parcels) == 200 and len(a.owners) == 10
    assert a.parcels["in_project"].any()


def test_small_bench_solves_within_tolerance():
    res = run_consolidation_bench(120, 6, time_limit=30)
    assert res.plan.objective <= res.greedy.objective + 1e-6 or res.greedy.status != "feasible"
    assert res.plan.gap is not None


def test_cli_last_line():
    r = run_cli("bench", "consolidate", "--parcels", "100", "--owners", "5",
                "--time-limit", "20")
    assert r.returncode == 0, r.stderr
    last = r.stdout.strip().splitlines()[-1]
    assert last.startswith("parcels=100 owners=5 seconds=") and "objective_vs_greedy=" in last
