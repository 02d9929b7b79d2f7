"""Bad inputs of priority allocate: one line on stderr, exit code 2, no output written."""

from __future__ import annotations

import pytest

from tests.conftest import run_cli


def test_cli_infeasible_target_is_one_line(tmp_path):
    out = tmp_path / "plan.gpkg"
    r = run_cli("priority", "allocate", "--kommune", "766", "--forest-ha", "1000000",
                "--out", str(out))
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "target forest" in lines[0] and "exceeds" in lines[0]
    assert not out.exists()


@pytest.mark.parametrize("args, words", [
    (("--kommune", "9999", "--forest-ha", "10"), "unknown kommune code 9999"),
    (("--kommune", "766"), "at least one area target"),
    (("--kommune", "766", "--forest-ha", "-5"), "--forest-ha"),
    (("--kommune", "766", "--forest-ha", "10", "--lock-in", "zz"), "unknown planning unit"),
    (("--kommune", "766", "--forest-ha", "10", "--convertible", "moon"), "unknown land type"),
    (("--kommune", "766", "--forest-ha", "10", "--budget", "1000"), "cannot meet the targets"),
    (("--kommune", "766", "--forest-ha", "10", "--costs", "/nonexistent/costs.csv"),
     "not found"),
])
def test_cli_bad_inputs(tmp_path, args, words):
    out = tmp_path / "plan.gpkg"
    r = run_cli("priority", "allocate", *args, "--time-limit", "10", "--out", str(out))
    assert r.returncode == 2, r.stdout
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], r.stderr
    assert not out.exists()
