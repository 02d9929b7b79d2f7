"""The issue's own CLI cases, run through the installed console script (a real process,
a real terminal-less stderr): each is one line, exit 2, no traceback, nothing written."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from tests.lowland.conftest import write_raster as write_f32

from .conftest import nki_argv, screen_argv

EXE = Path(sys.executable).with_name("naturkapital")


def run(*args: object) -> subprocess.CompletedProcess[str]:
    cmd = [str(EXE)] if EXE.exists() else [sys.executable, "-m", "naturkapital"]
    return subprocess.run([*cmd, *map(str, args)], capture_output=True, text=True,
                          timeout=600, env={**os.environ, "COLUMNS": "120"})


def one_line_error(p: subprocess.CompletedProcess[str], *needles: str) -> str:
    assert p.returncode == 2, (p.returncode, p.stdout[-1500:], p.stderr[-1500:])
    assert "Traceback" not in p.stdout + p.stderr
    lines = p.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Fejl (error): "), p.stderr
    for n in needles:
        assert n in lines[0], (n, lines[0])
    return lines[0]


def readonly_dir(tmp: Path) -> Path:
    if os.geteuid() == 0:
        return Path("/proc")  # root ignores file modes
    d = tmp / "ro"
    d.mkdir()
    d.chmod(0o555)
    return d


def test_read_only_output_folder_is_refused_before_the_work(tmp_path: Path) -> None:
    """The embedded national run takes seconds; the refusal must come first."""
    ro = readonly_dir(tmp_path)
    t0 = time.monotonic()
    p = run("nki", "--out", ro / "nki.csv")
    one_line_error(p, "nki.csv", "cannot write")
    assert "Beregner" not in p.stderr and time.monotonic() - t0 < 30
    one_line_error(run("diagram", "--zone", "563", "--out", ro / "d.png"), "d.png")
    one_line_error(run("scenario", "evaluate", "--scenario", "demo:byn_so", "--out",
                       ro / "s.csv"), "s.csv")


def test_brackets_and_emoji_codes_print_as_written(lc: dict[str, Path]) -> None:
    z = lc["dir"] / "Skov [b] park.geojson"
    z.write_text(lc["zones"].read_text().replace("Zone A", "Skov [/b] park")
                 .replace("Zone B", ":abc: [/]"), encoding="utf-8")
    p = run(*nki_argv(lc, zones=z, name_field="navn", out=None))
    assert p.returncode == 0, p.stderr
    assert "Skov [/b] park" in p.stdout and ":abc: [/]" in p.stdout
    err = one_line_error(run("compare", "--from", "corine:abc", "--to", "corine:2018"),
                         "corine:abc")
    assert "🔤" not in err


def test_truncated_geotiff_and_all_nodata_carbon(scene: dict[str, Path]) -> None:
    data = scene["carbon"].read_bytes()
    cut = scene["dir"] / "cut.tif"
    cut.write_bytes(data[: len(data) // 3])
    one_line_error(run(*screen_argv(scene, carbon=cut)), "cut.tif")
    empty = write_f32(scene["dir"] / "tom.tif", np.full((22, 60), -9999.0))
    one_line_error(run(*screen_argv(scene, carbon=empty)), "tom.tif", "no data")
    assert not (scene["dir"] / "screen.csv").exists()


def test_auction_budget_bounds_and_empty_bids(tmp_path: Path) -> None:
    bids = tmp_path / "bud.csv"
    bids.write_text("parcel_id,area_ha,bid_dkk_per_ha,total_bid_dkk,synergy_points\n"
                    "a,4,50000,400000,10\n", encoding="utf-8")
    one_line_error(run("lowland", "auction", "--bids", bids, "--budget", "-100"),
                   "--budget", "above 0")
    empty = tmp_path / "tom.csv"
    empty.write_bytes(b"")
    one_line_error(run("lowland", "auction", "--bids", empty), "tom.csv", "empty")


def test_unknown_options_are_a_usage_error_not_a_traceback():
    # Typer carries its own click: its usage errors must still end as click's usage
    # message with exit 2 (they once escaped as a traceback)
    for args in (["--version"], ["nki", "--bogus"], ["lowland", "screen", "--parcels"]):
        p = run(*args)
        assert p.returncode == 2, (args, p.stderr[-800:])
        assert "Traceback" not in p.stdout + p.stderr
        assert "Error:" in p.stderr and "Usage: naturkapital" in p.stderr + p.stdout \
            or "requires an argument" in p.stderr
