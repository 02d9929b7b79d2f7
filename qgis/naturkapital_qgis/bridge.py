"""The plugin's side of the command line, without QGIS: find the ``naturkapital``
program, read its model specs (``naturkapital spec --json``), build a command line from
input values and read the program's output lines (progress, the one error line).

QGIS runs its own Python, so the plugin never imports ``naturkapital``; it runs the
installed program.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

#: Environment variable naming the program (overridden by the provider's setting).
EXE_ENV = "NATURKAPITAL_EXE"
#: Written by ``naturkapital qgis install-plugin``: the program that installed us.
EXE_FILE = Path(__file__).with_name("naturkapital_exe.txt")
#: Progress lines printed with ``NATURKAPITAL_PROGRESS=lines``.
PROGRESS = re.compile(r"^PROGRESS (\d+)/(\d+) ?(.*)$")
ERROR_PREFIX = "Fejl (error):"
#: Variables QGIS sets for its own Python, GDAL and PROJ, not passed to the program.
QGIS_ONLY = frozenset(
    {
        "PYTHONPATH",
        "PYTHONHOME",
        "PYTHONSTARTUP",
        "GDAL_DATA",
        "GDAL_DRIVER_PATH",
        "PROJ_LIB",
        "PROJ_DATA",
    }
)


class BridgeError(Exception):
    """The program is missing or cannot describe its models (one line)."""


def plugin_version() -> str:
    for line in Path(__file__).with_name("metadata.txt").read_text("utf-8").splitlines():
        if line.startswith("version="):
            return line.split("=", 1)[1].strip()
    return "?"


def find_exe(setting: str | None = None) -> str:
    """The program: the provider's setting, ``NATURKAPITAL_EXE``, the installer's note,
    or ``naturkapital`` on PATH."""
    candidates = [setting, os.environ.get(EXE_ENV)]
    if EXE_FILE.is_file():
        candidates.append(EXE_FILE.read_text("utf-8").strip())
    for c in candidates:
        if c:
            if Path(c).is_file() or shutil.which(c):
                return c
            raise BridgeError(
                f"Naturkapital-programmet findes ikke / the naturkapital "
                f"program does not exist: {c}"
            )
    found = shutil.which("naturkapital")
    if found:
        return found
    raise BridgeError(
        "Naturkapital-programmet blev ikke fundet / the naturkapital program "
        "was not found: install it (pip install naturkapital) and set its "
        "path in Processing ▸ Options ▸ Providers ▸ Naturkapital or "
        f"{EXE_ENV}"
    )


def child_env() -> dict[str, str]:
    """Environment of the program: progress as lines, plain UTF-8 text, wide tables.
    QGIS's own Python and GDAL/PROJ settings are removed so the program runs its own
    Python with its own GDAL and PROJ data (they may be other versions than QGIS's)."""
    env = {k: v for k, v in os.environ.items() if k not in QGIS_ONLY}
    env.update(
        NATURKAPITAL_PROGRESS="lines",
        PYTHONIOENCODING="utf-8",
        NO_COLOR="1",
        TERM="dumb",
        COLUMNS="120",
    )
    return env


def load_specs(exe: str, timeout: float = 300) -> dict[str, Any]:
    """``naturkapital spec --json``: the program's version and models."""
    try:
        res = subprocess.run(
            [exe, "spec", "--json"],
            capture_output=True,
            timeout=timeout,
            env=child_env(),
            encoding="utf-8",
            errors="replace",
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BridgeError(f"{exe}: kan ikke køres / cannot be run ({exc})") from None
    if res.returncode != 0:
        raise BridgeError(
            f"{exe} spec --json: {error_line(res.stderr) or res.returncode} "
            "(for gammel? / too old? it needs 'naturkapital spec --json')"
        )
    try:
        doc = json.loads(res.stdout)
    except ValueError:
        raise BridgeError(f"{exe} spec --json: not JSON") from None
    if doc.get("format") != 1:
        raise BridgeError(f"{exe}: unknown spec format {doc.get('format')!r}")
    return doc


def version_warning(doc: dict[str, Any]) -> str | None:
    """A message when the program's version differs from the plugin's."""
    mine, theirs = plugin_version(), str(doc.get("naturkapital"))
    if mine == theirs:
        return None
    return (
        f"Versionerne er forskellige / versions differ: plugin {mine}, naturkapital "
        f"{theirs}; geninstaller plugin / reinstall the plugin with "
        "'naturkapital qgis install-plugin'"
    )


def build_argv(exe: str, model: dict[str, Any], values: dict[str, Any]) -> list[str]:
    """The command line of ``model`` for input values named as in the spec.

    ``None`` (or a missing name) leaves an input out; flags pass their on-option when
    true and their off-option (if any) when false and the default is true; a
    ``multiple`` input repeats its option."""
    argv = [exe, *model["command"]]
    for i in model["inputs"]:
        v = values.get(i["name"])
        if v is None or v == "" or v == []:
            continue
        if i["kind"] == "flag":
            if v:
                argv.append(i["flag"])
            elif i["default"] and i["flag_off"]:
                argv.append(i["flag_off"])
            continue
        items = v if isinstance(v, (list, tuple)) else [v]
        for item in items:
            if isinstance(item, float) and item.is_integer() and i["kind"] == "integer":
                item = int(item)
            argv += [i["flag"], str(item)]
    return argv


def error_line(stderr: str) -> str:
    """The program's one error line (``Fejl (error): …``), or the last line it wrote."""
    lines = [
        ln.strip() for ln in stderr.splitlines() if ln.strip() and not PROGRESS.match(ln.strip())
    ]
    for ln in reversed(lines):
        if ln.startswith(ERROR_PREFIX):
            return ln
    return lines[-1] if lines else ""


def progress(line: str) -> tuple[float, str] | None:
    """``(percent, description)`` of a progress line, else ``None``."""
    m = PROGRESS.match(line.strip())
    if not m:
        return None
    done, total = int(m.group(1)), int(m.group(2))
    return (100.0 * done / total if total else 0.0), m.group(3)
