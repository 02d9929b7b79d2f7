"""Write outputs atomically: a temporary file beside the target, then a rename.

A crash or a bad input never leaves a half-written result at the target path.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd

from naturkapital.core.errors import InputError

TABLE_SUFFIXES = (".csv", ".json", ".gpkg")


#: Temporary files of :func:`write_atomic` are ``.nk-tmp-<pid>-<name>-<random><suffix>``.
TMP_PREFIX = ".nk-tmp-"
_TMP_NAME = re.compile(r"^\.nk-tmp-(\d+)-")
#: A temporary file or folder whose process is gone, or older than this, is swept.
STALE_SECONDS = 24 * 3600
#: Folders of :func:`process_temp_dir` are ``naturkapital-<pid>`` in the system temp.
PROC_DIR_PREFIX = "naturkapital-"


def check_out(path: str | Path, suffixes: tuple[str, ...]) -> Path:
    """Validate an output path before any work is done: suffix, folder, writable."""
    p = Path(path)
    if p.suffix.lower() not in suffixes:
        raise InputError(p, f"output must end in {', '.join(suffixes)}")
    if not p.parent.exists():
        raise InputError(p, f"folder {p.parent} does not exist")
    if not p.parent.is_dir():
        raise InputError(p, f"{p.parent} is not a folder")
    if p.is_dir():
        raise InputError(p, "is a folder; give a file name")
    try:  # os.access is not enough (root, read-only mounts, ACLs): really try
        fd, probe = tempfile.mkstemp(prefix=f"{TMP_PREFIX}{os.getpid()}-check-", dir=p.parent)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise InputError(p, f"cannot write in folder {p.parent} "
                            f"({exc.strerror or type(exc).__name__}); choose another "
                            "folder") from None
    if p.exists() and not os.access(p, os.W_OK) and os.name != "nt":
        # os.replace would succeed, but the user protected this file on purpose
        raise InputError(p, "the file exists and is read-only; remove it or choose another "
                            "name")
    return p


def check_outs(*outputs: tuple[str | Path | None, tuple[str, ...]]) -> None:
    """:func:`check_out` every requested output: ``(path, suffixes)`` pairs, where a path
    of ``None`` is an output the user did not ask for."""
    for path, suffixes in outputs:
        if path is not None:
            check_out(path, suffixes)


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    except OSError:
        return False
    return True


def _stale(path: Path, pid: int | None, now: float) -> bool:
    try:
        age = now - path.lstat().st_mtime
    except OSError:
        return False
    return age > STALE_SECONDS or (pid is not None and not _pid_alive(pid))


def sweep_stale(folder: str | Path, name: str | None = None) -> list[Path]:
    """Remove temporary files left in ``folder`` by writes that were killed.

    A ``.nk-tmp-<pid>-…`` file is stale when its process is gone (or it is older than
    :data:`STALE_SECONDS`). Files of the old naming ``.<name>-XXXXXXXX<suffix>`` are
    removed for the given output ``name`` only, when older than an hour. Returns what
    was removed; errors (a file vanishing, no permission) are ignored."""
    import time

    folder = Path(folder)
    now = time.time()
    removed: list[Path] = []
    legacy = None
    if name:
        stem, suffix = Path(name).stem, Path(name).suffix
        legacy = re.compile(r"^\." + re.escape(stem) + r"-[a-z0-9_]{8}" + re.escape(suffix)
                            + "$")
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        m = _TMP_NAME.match(entry.name)
        path = Path(entry.path)
        if m:
            stale = _stale(path, int(m.group(1)), now)
        elif legacy is not None and legacy.match(entry.name):
            try:
                stale = now - path.lstat().st_mtime > 3600
            except OSError:
                stale = False
        else:
            continue
        if stale and entry.is_file(follow_symlinks=False):
            try:
                path.unlink()
                removed.append(path)
            except OSError:
                pass
    return removed


def process_temp_dir() -> Path:
    """A temporary folder for this process (``<tmp>/naturkapital-<pid>``), made the
    default of :mod:`tempfile`; folders of processes that are gone are swept first."""
    import shutil
    import time

    base = Path(tempfile.gettempdir())
    if base.name.startswith(PROC_DIR_PREFIX):  # already set for this process
        base = base.parent
    now = time.time()
    try:
        entries = list(os.scandir(base))
    except OSError:
        entries = []
    for entry in entries:
        if not entry.name.startswith(PROC_DIR_PREFIX) or not entry.is_dir(follow_symlinks=False):
            continue
        pid_text = entry.name[len(PROC_DIR_PREFIX):]
        if pid_text.isdigit() and int(pid_text) != os.getpid() and \
                _stale(Path(entry.path), int(pid_text), now):
            shutil.rmtree(entry.path, ignore_errors=True)
    mine = base / f"{PROC_DIR_PREFIX}{os.getpid()}"
    mine.mkdir(mode=0o700, exist_ok=True)
    tempfile.tempdir = str(mine)
    return mine


def write_atomic(path: Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` then move ``tmp`` to ``path``; remove ``tmp`` on any failure.

    ``tmp`` lies beside ``path`` (same file system, so the rename is atomic) and is named
    ``.nk-tmp-<pid>-…``: if the process is killed mid-write, the next write into that
    folder removes it (:func:`sweep_stale`)."""
    sweep_stale(path.parent, path.name)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f"{TMP_PREFIX}{os.getpid()}-{path.stem}-",
                                        suffix=path.suffix, dir=path.parent)
    except OSError as exc:
        raise InputError(path, f"cannot write in folder {path.parent} "
                               f"({exc.strerror or type(exc).__name__})") from None
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # some drivers (GPKG) refuse to write over an existing empty file
    try:
        write(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        raise InputError(path, f"cannot write the output ({exc.strerror or exc}); nothing "
                               "was written") from None
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + "-journal"),
                         tmp.with_name(tmp.name + "-wal"), tmp.with_name(tmp.name + "-shm")):
            try:
                leftover.unlink()
            except FileNotFoundError:
                pass
            except OSError:
                pass
    return path


def write_table(table: pd.DataFrame, path: str | Path, meta: dict | None = None,
                geometry: gpd.GeoDataFrame | None = None, key: str = "zone_id") -> Path:
    """Write a result table as CSV (UTF-8 with BOM, opens in Excel), JSON or GeoPackage.

    JSON holds ``{"metadata": meta, "rows": [...]}``. GeoPackage joins ``geometry`` on
    ``key`` and stores the metadata (method, assumptions) in a ``metadata`` table.
    """
    p = check_out(path, TABLE_SUFFIXES)
    suffix = p.suffix.lower()
    meta = meta or {}

    def write(tmp: Path) -> None:
        if suffix == ".csv":
            table.to_csv(tmp, index=False, encoding="utf-8-sig", float_format="%.4f")
        elif suffix == ".json":
            rows = json.loads(table.to_json(orient="records", force_ascii=False))
            tmp.write_text(json.dumps({"metadata": meta, "rows": rows}, ensure_ascii=False,
                                      indent=1), encoding="utf-8")
        else:
            if geometry is None:
                raise InputError(p, "GeoPackage output needs zone geometries")
            gdf = geometry[[key, "geometry"]].merge(table, on=key, how="right")
            gdf = gpd.GeoDataFrame(gdf, geometry="geometry", crs=geometry.crs)
            gdf.to_file(tmp, layer=p.stem, driver="GPKG", engine="pyogrio")
            md = pd.DataFrame({"key": list(meta), "value": [json.dumps(v, ensure_ascii=False)
                                                              for v in meta.values()]})
            gpd.GeoDataFrame(md).to_file(tmp, layer="metadata", driver="GPKG",
                                         engine="pyogrio")

    return write_atomic(p, write)
