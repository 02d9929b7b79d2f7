"""No network by construction: GDAL and PROJ in this process cannot open URLs.

Importing :mod:`naturkapital` calls :func:`lock_down`, which

* sets GDAL configuration options (as environment variables, so both GDAL copies —
  rasterio's and pyogrio's — and every worker process see them): ``/vsicurl/`` and
  its relatives (``/vsis3/``, ``/vsigs/``, …, and ``http://`` paths, which GDAL maps
  onto ``/vsicurl/``) accept no file name, and PROJ's network grid fetching is off;
* installs a fetch callback (``CPLHTTPSetFetchCallback``) in every loaded GDAL library
  so that every other HTTP request GDAL would make — a GeoJSON ``crs`` link, a WMS/WFS
  connection, a remote XML schema — fails at once without opening a socket. This does
  not depend on proxy settings (``no_proxy`` cannot bypass it).

Network access is allowed only when the user says so: the environment variable
``NATURKAPITAL_ALLOW_NETWORK=1`` or ``naturkapital --allow-network …`` (for the
data-fetching commands to come), which calls :func:`allow_network`.
"""

from __future__ import annotations

import collections
import ctypes
import os
import threading
from pathlib import Path

ALLOW_NETWORK_ENV = "NATURKAPITAL_ALLOW_NETWORK"

#: GDAL/PROJ options set while the network is locked (values chosen to match nothing).
LOCKDOWN_OPTIONS: dict[str, str] = {
    "CPL_VSIL_CURL_ALLOWED_FILENAME": "/naturkapital-network-disabled",
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".naturkapital-network-disabled",
    "GDAL_HTTP_MAX_RETRY": "0",
    "GDAL_HTTP_CONNECTTIMEOUT": "2",
    "GDAL_HTTP_TIMEOUT": "5",
    "GDAL_VRT_ENABLE_PYTHON": "NO",
    "PROJ_NETWORK": "OFF",
}

#: The last URLs GDAL tried to fetch and was refused (for diagnostics and tests).
blocked_urls: collections.deque[str] = collections.deque(maxlen=200)

_lock = threading.Lock()
_state: dict[str, object] = {"locked": False, "saved": {}, "libs": {}}


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def network_allowed() -> bool:
    """True when the user allowed network access (``NATURKAPITAL_ALLOW_NETWORK=1``)."""
    return _truthy(os.environ.get(ALLOW_NETWORK_ENV))


def is_locked() -> bool:
    return bool(_state["locked"])


class _HTTPResult(ctypes.Structure):
    """The head of GDAL's ``CPLHTTPResult`` (only the fields set here)."""

    _fields_ = [("nStatus", ctypes.c_int), ("pszContentType", ctypes.c_void_p),
                ("pszErrBuf", ctypes.c_void_p), ("nDataLen", ctypes.c_int),
                ("nDataAlloc", ctypes.c_int), ("pabyData", ctypes.c_void_p),
                ("papszHeaders", ctypes.c_void_p), ("nMimePartCount", ctypes.c_int),
                ("pasMimePart", ctypes.c_void_p)]


_FETCH_CB = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p,
                             ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p,
                             ctypes.c_void_p, ctypes.c_void_p)
_MESSAGE = b"network access is disabled in naturkapital (set NATURKAPITAL_ALLOW_NETWORK=1)"


def _refusing_callback(lib: ctypes.CDLL) -> object:
    """A fetch callback for one GDAL library: an error result, allocated by that GDAL."""
    lib.CPLCalloc.restype = ctypes.c_void_p
    lib.CPLCalloc.argtypes = [ctypes.c_size_t, ctypes.c_size_t]
    lib.CPLStrdup.restype = ctypes.c_void_p
    lib.CPLStrdup.argtypes = [ctypes.c_char_p]

    def refuse(url: bytes | None, *_args: object) -> int:
        blocked_urls.append((url or b"").decode("utf-8", "replace"))
        # Sized generously: GDAL frees the result with CPLHTTPDestroyResult.
        ptr = lib.CPLCalloc(1, max(ctypes.sizeof(_HTTPResult), 128))
        res = _HTTPResult.from_address(ptr)
        res.nStatus = 1
        res.pszErrBuf = lib.CPLStrdup(_MESSAGE)
        return ptr

    return _FETCH_CB(refuse)


def _loaded_gdal_libraries() -> list[str]:
    """Paths of the GDAL shared libraries loaded in this process (Linux)."""
    maps = Path("/proc/self/maps")
    found: list[str] = []
    try:
        for line in maps.read_text().splitlines():
            path = line.split(maxsplit=5)[-1] if line.count(" ") >= 5 else ""
            name = os.path.basename(path)
            if name.startswith("libgdal") and ".so" in name and path not in found:
                found.append(path)
    except OSError:
        pass
    return found


def _set_fetch_callback(install: bool) -> None:
    libs: dict[str, tuple[ctypes.CDLL, object]] = _state["libs"]  # type: ignore[assignment]
    for path in _loaded_gdal_libraries():
        try:
            lib = ctypes.CDLL(path)
            setter = lib.CPLHTTPSetFetchCallback
        except (OSError, AttributeError):  # an old GDAL without the hook: options only
            continue
        setter.restype = None
        setter.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        if install:
            if path not in libs:
                libs[path] = (lib, _refusing_callback(lib))
            setter(ctypes.cast(libs[path][1], ctypes.c_void_p), None)
        else:
            setter(None, None)


def lock_down() -> None:
    """Make GDAL and PROJ unable to reach the network (unless the user allowed it).

    Idempotent; safe to call after more GDAL libraries were loaded."""
    if network_allowed():
        return
    with _lock:
        import pyogrio  # noqa: F401  load both GDAL copies before hooking them
        import rasterio  # noqa: F401

        saved: dict[str, str | None] = _state["saved"]  # type: ignore[assignment]
        for key, value in LOCKDOWN_OPTIONS.items():
            if not _state["locked"]:
                saved[key] = os.environ.get(key)
            os.environ[key] = value
        _set_fetch_callback(True)
        try:
            import pyproj.network

            pyproj.network.set_network_enabled(False)
        except Exception:  # pragma: no cover - PROJ without network support
            pass
        _state["locked"] = True


def allow_network() -> None:
    """Undo :func:`lock_down` for this process (``--allow-network``)."""
    os.environ[ALLOW_NETWORK_ENV] = "1"
    with _lock:
        if not _state["locked"]:
            return
        saved: dict[str, str | None] = _state["saved"]  # type: ignore[assignment]
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old
        saved.clear()
        _set_fetch_callback(False)
        _state["locked"] = False

