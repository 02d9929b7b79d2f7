"""Temporary files (issue 17, item 3): removed on any error, swept after a kill -9."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import pytest

from naturkapital.core.errors import InputError
from naturkapital.io import output
from naturkapital.io.output import (
    TMP_PREFIX,
    check_out,
    check_outs,
    process_temp_dir,
    sweep_stale,
    write_atomic,
    write_table,
)

TABLE = pd.DataFrame({"zone_id": ["1", "2"], "nki": [10.0, 20.0]})


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.mark.parametrize("suffix", [".csv", ".json", ".gpkg"])
def test_a_failed_write_leaves_nothing(tmp_path: Path, suffix: str) -> None:
    target = tmp_path / f"out{suffix}"

    def boom(tmp: Path) -> None:
        tmp.write_bytes(b"half")
        (tmp.parent / (tmp.name + "-journal")).write_bytes(b"j")
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        write_atomic(target, boom)
    assert list(tmp_path.iterdir()) == []


def test_an_os_error_while_writing_is_a_clean_error(tmp_path: Path) -> None:
    def no_space(tmp: Path) -> None:
        tmp.write_bytes(b"x")
        raise OSError(28, "No space left on device")

    with pytest.raises(InputError, match="No space left"):
        write_atomic(tmp_path / "out.csv", no_space)
    assert list(tmp_path.iterdir()) == []


def test_check_out_leaves_no_probe(tmp_path: Path) -> None:
    check_out(tmp_path / "out.csv", (".csv",))
    assert list(tmp_path.iterdir()) == []


def test_check_outs_skips_unrequested_and_checks_each(tmp_path: Path) -> None:
    check_outs((None, (".csv",)), (tmp_path / "map.png", (".png",)))
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(InputError, match=r"output must end in \.png"):
        check_outs((tmp_path / "out.csv", (".csv",)), (tmp_path / "map.svg", (".png",)))


KILLED_WRITER = """
import sys, time
from pathlib import Path
from naturkapital.io.output import write_atomic

def slow(tmp):
    tmp.write_bytes(b"x" * 100_000)
    print(tmp, flush=True)
    time.sleep(120)

write_atomic(Path(sys.argv[1]), slow)
"""


def test_a_killed_write_is_swept_by_the_next_write(tmp_path: Path) -> None:
    """kill -9 in the middle of a write leaves ``.nk-tmp-<pid>-…``; the next write into
    that folder removes it (its process is gone) and writes the result."""
    target = tmp_path / "out.gpkg"
    proc = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(target)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    tmp_name = proc.stdout.readline().strip()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    litter = Path(tmp_name)
    assert litter.exists() and litter.name.startswith(f"{TMP_PREFIX}{proc.pid}-")
    assert not target.exists()
    write_table(TABLE, tmp_path / "other.csv")
    assert not litter.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.csv"]


def test_a_live_writers_temp_file_is_kept(tmp_path: Path) -> None:
    """Another run writing into the same folder right now keeps its temp file."""
    live = tmp_path / f"{TMP_PREFIX}{os.getppid()}-out-abc.csv"
    live.write_text("in progress")
    write_table(TABLE, tmp_path / "out.csv")
    assert live.exists()


def test_stale_files_old_and_legacy(tmp_path: Path) -> None:
    old = tmp_path / f"{TMP_PREFIX}{os.getppid()}-x-abc.csv"  # live pid but a day old
    old.write_text("x")
    past = time.time() - output.STALE_SECONDS - 60
    os.utime(old, (past, past))
    legacy_old = tmp_path / ".out-abcd1234.gpkg"  # the naming before this change
    legacy_old.write_text("x")
    os.utime(legacy_old, (time.time() - 7200, time.time() - 7200))
    legacy_new = tmp_path / ".out-efgh5678.gpkg"
    legacy_new.write_text("x")
    unrelated = tmp_path / ".notes-abcd1234.txt"
    unrelated.write_text("mine")
    removed = sweep_stale(tmp_path, "out.gpkg")
    assert {p.name for p in removed} == {old.name, legacy_old.name}
    assert legacy_new.exists() and unrelated.exists()


def test_process_temp_dirs_of_dead_servers_are_swept(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    dead = tmp_path / f"naturkapital-{proc.pid}"
    (dead / "nk-upload-x").mkdir(parents=True)
    (dead / "nk-upload-x" / "zones.geojson").write_text("{}")
    alive = tmp_path / f"naturkapital-{os.getppid()}"
    alive.mkdir()
    mine = process_temp_dir()
    assert mine == tmp_path / f"naturkapital-{os.getpid()}" and mine.is_dir()
    assert tempfile.gettempdir() == str(mine)
    assert not dead.exists() and alive.exists()
