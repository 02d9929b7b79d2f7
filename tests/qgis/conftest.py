"""Headless QGIS (``qgis_process``) with the Naturkapital plugin installed by
``naturkapital qgis install-plugin`` into a fresh profile (a temporary HOME).

Skipped only where ``qgis_process`` is absent; ``.ci/run`` installs Debian's ``qgis``,
``python3-qgis`` and ``qgis-providers`` so CI runs them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

NAUT = Path(sys.executable).parent / "naturkapital"
#: Debian's ``qgis_process`` wrapper adds ``--noversioncheck``, which 3.22's
#: ``qgis_process.bin`` refuses; call the binary when it is there.
QGIS_PROCESS = shutil.which("qgis_process.bin") or shutil.which("qgis_process")
#: Wall-clock seconds of every qgis_process call (printed at the end of the session).
TIMINGS: list[tuple[str, float]] = []


class Qgis:
    """``qgis_process`` in its own HOME, with the plugin installed and enabled."""

    def __init__(self, home: Path) -> None:
        runtime = home / "runtime"
        runtime.mkdir(mode=0o700)
        self.env = {
            "HOME": str(home),
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "QT_QPA_PLATFORM": "offscreen",
            "XDG_RUNTIME_DIR": str(runtime),
            "LANG": "C.UTF-8",
        }
        self.profile = home / ".local/share/QGIS/QGIS3/profiles/default"

    def __call__(self, *args: str | Path, json_out: bool = True) -> subprocess.CompletedProcess:
        assert QGIS_PROCESS is not None
        argv = [QGIS_PROCESS, *(["--json"] if json_out else []), *map(str, args)]
        start = time.monotonic()
        res = subprocess.run(argv, capture_output=True, text=True, env=self.env, timeout=600)
        TIMINGS.append((" ".join(map(str, args[:2])), time.monotonic() - start))
        return res

    @staticmethod
    def results(res: subprocess.CompletedProcess) -> dict:
        assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-2000:]
        return json.loads(res.stdout[res.stdout.index("{") :])


@pytest.fixture(scope="session")
def qgis(tmp_path_factory: pytest.TempPathFactory) -> Qgis:
    if QGIS_PROCESS is None:
        pytest.skip(
            "qgis_process is not installed (apt-get install qgis python3-qgis qgis-providers)"
        )
    q = Qgis(tmp_path_factory.mktemp("qgis-home"))
    res = subprocess.run(
        [str(NAUT), "qgis", "install-plugin", "--profile-dir", str(q.profile)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**q.env, "COLUMNS": "200"},
    )
    assert res.returncode == 0, res.stderr
    return q


def pytest_terminal_summary(terminalreporter) -> None:  # noqa: ANN001
    for what, seconds in TIMINGS:
        terminalreporter.write_line(f"qgis_process {what}: {seconds:.1f} s")
