"""HTTP for the data-fetching commands: requests with retries, resumable downloads.

The only module of Naturkapital that opens sockets, and only after
:func:`require_network` (the user allowed it: ``naturkapital --allow-network`` or
``NATURKAPITAL_ALLOW_NETWORK=1``). Every failure is one line naming the service:
timeout, no connection, HTTP status, a download broken more often than it can resume.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from naturkapital.core.errors import InputError
from naturkapital.io.network import ALLOW_NETWORK_ENV, network_allowed

TIMEOUT_ENV = "NATURKAPITAL_FETCH_TIMEOUT"
DEFAULT_TIMEOUT_S = 60.0
CHUNK = 1 << 16
MAX_RESUMES = 5
USER_AGENT = "naturkapital-data-fetch"

Progress = Callable[[int, int | None], None]


def require_network(what: str) -> None:
    """InputError unless the user allowed network access."""
    if not network_allowed():
        raise InputError(
            what,
            "network access is off; allow it for this command with "
            "'naturkapital --allow-network data …' or "
            f"{ALLOW_NETWORK_ENV}=1",
        )


def timeout_s() -> float:
    try:
        return max(0.05, float(os.environ.get(TIMEOUT_ENV, DEFAULT_TIMEOUT_S)))
    except ValueError:
        raise InputError(TIMEOUT_ENV, "must be a number of seconds") from None


def public_url(url: str) -> str:
    """``url`` without its query (a token must never reach a manifest or a message)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def session(token: str | None = None) -> requests.Session:
    """A session with retries on connection errors and 502/503/504 (not on read
    timeouts: a slow service fails once, clearly), and the token as a header."""
    s = requests.Session()
    retry = Retry(
        total=3,
        connect=3,
        read=0,
        status=2,
        backoff_factor=0.2,
        status_forcelist=(502, 503, 504),
        allowed_methods=("GET", "HEAD"),
        raise_on_status=False,
    )
    s.mount("http://", HTTPAdapter(max_retries=retry))
    s.mount("https://", HTTPAdapter(max_retries=retry))
    s.headers["User-Agent"] = USER_AGENT
    if token:
        s.headers["token"] = token  # Dataforsyningen's recommended way
    return s


def _fail(service: str, exc: BaseException) -> InputError:
    if isinstance(exc, requests.Timeout):
        return InputError(
            service,
            f"the service did not answer within {timeout_s():g} s "
            f"(timeout; set {TIMEOUT_ENV} to wait longer)",
        )
    if isinstance(exc, requests.ConnectionError):
        return InputError(
            service, "cannot connect to the service (no internet, or the service is down)"
        )
    return InputError(service, f"request failed ({type(exc).__name__})")


def request_error(service: str, exc: BaseException) -> InputError:
    """A requests exception as one line: the HTTP status when there is one."""
    status = getattr(getattr(exc, "response", None), "status_code", None)
    if status:
        return InputError(service, f"the service answered HTTP {status}")
    return _fail(service, exc)


def check_status(resp: requests.Response, service: str) -> None:
    if resp.status_code >= 400:
        reason = " ".join((resp.reason or "").split())
        raise InputError(
            service, f"the service answered HTTP {resp.status_code}{' ' + reason if reason else ''}"
        )


def get(
    s: requests.Session, url: str, service: str, params: dict[str, Any] | None = None
) -> requests.Response:
    """GET ``url``; InputError on timeout, connection failure or HTTP ≥ 400."""
    try:
        resp = s.get(url, params=params, timeout=timeout_s())
    except requests.RequestException as exc:
        raise request_error(service, exc) from None
    check_status(resp, service)
    return resp


def download(
    s: requests.Session,
    url: str,
    dest: Path,
    service: str,
    params: dict[str, Any] | None = None,
    progress: Progress | None = None,
) -> Path:
    """Stream ``url`` to ``dest``; a broken transfer resumes with an HTTP ``Range``
    request from the bytes already in ``dest.part`` (also left over from an earlier
    run). The file appears at ``dest`` only when complete."""
    part = dest.with_name(dest.name + ".part")
    dest.parent.mkdir(parents=True, exist_ok=True)
    for _attempt in range(MAX_RESUMES + 1):
        have = part.stat().st_size if part.exists() else 0
        headers = {"Range": f"bytes={have}-"} if have else {}
        try:
            with s.get(
                url, params=params, headers=headers, stream=True, timeout=timeout_s()
            ) as resp:
                if resp.status_code == 416 and have:  # already complete
                    part.replace(dest)
                    return dest
                check_status(resp, service)
                if have and resp.status_code != 206:
                    have = 0  # the server ignored the range: start again
                length = resp.headers.get("Content-Length")
                total = have + int(length) if length and length.isdigit() else None
                done = have
                with open(part, "ab" if have else "wb") as fh:
                    # read1: whatever has arrived, so a broken transfer keeps its bytes
                    while chunk := resp.raw.read1(CHUNK):
                        fh.write(chunk)
                        done += len(chunk)
                        if progress:
                            progress(done, total)
                if total is not None and done < total:
                    continue  # the server closed early: resume
        except (
            requests.exceptions.ChunkedEncodingError,
            requests.exceptions.ConnectionError,
            urllib3.exceptions.HTTPError,
        ) as exc:
            now = part.stat().st_size if part.exists() else 0
            if "timed out" in str(exc).lower() or isinstance(exc, TimeoutError):
                raise _fail(service, requests.Timeout()) from None
            if now <= have and not isinstance(
                exc, (urllib3.exceptions.ProtocolError, requests.exceptions.ChunkedEncodingError)
            ):
                raise _fail(service, exc) from None  # nothing arrived: no connection
            continue  # broken transfer: resume from what we have
        except requests.RequestException as exc:
            raise request_error(service, exc) from None
        part.replace(dest)
        return dest
    size = part.stat().st_size if part.exists() else 0
    raise InputError(
        service,
        f"the download broke {MAX_RESUMES + 1} times ({size} bytes "
        "kept); run the command again to resume",
    )
