"""Static files with fingerprinted URLs: long-lived caching without stale assets.

``index.html`` is served with every ``/static/…`` reference rewritten to
``/static/…?v=HASH`` (the first 12 hex digits of the file's SHA-256) and with
``Cache-Control: no-cache``, so a browser always asks for the page and gets the URLs of
the current files. A static file asked for with the ``v`` of its current content is
answered ``public, max-age=31536000, immutable``; without it (or with an old ``v``)
``no-cache`` (the browser revalidates by ETag). Compression is done by the app's gzip
middleware.
"""

from __future__ import annotations

import hashlib
import re
import threading
from pathlib import Path
from urllib.parse import parse_qs

from fastapi.staticfiles import StaticFiles
from starlette.responses import Response
from starlette.types import Scope

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
_REF = re.compile(r'(?P<attr>(?:src|href)=")/static/(?P<path>[^"?#]+)"')


class FingerprintedStatic(StaticFiles):
    """:class:`StaticFiles` that knows each file's content hash and sets Cache-Control
    by it (see the module docstring)."""

    def __init__(self, directory: Path) -> None:
        super().__init__(directory=directory)
        self.root = Path(directory).resolve()
        self._hashes: dict[str, tuple[int, int, str]] = {}
        self._lock = threading.Lock()

    def fingerprint(self, rel: str) -> str | None:
        """The first 12 hex digits of the SHA-256 of ``rel`` (a path under the folder),
        None when there is no such file; re-hashed when its size or mtime changes."""
        path = (self.root / rel).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            return None
        st = path.stat()
        with self._lock:
            known = self._hashes.get(rel)
        if known is not None and known[:2] == (st.st_size, st.st_mtime_ns):
            return known[2]
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        with self._lock:
            self._hashes[rel] = (st.st_size, st.st_mtime_ns, digest)
        return digest

    def rewrite(self, html: str) -> str:
        """``/static/x`` references in ``html`` → ``/static/x?v=HASH`` (files that exist)."""

        def sub(m: re.Match[str]) -> str:
            v = self.fingerprint(m["path"])
            if v is None:
                return m.group(0)
            return f'{m["attr"]}/static/{m["path"]}?v={v}"'

        return _REF.sub(sub, html)

    def page(self, name: str = "index.html") -> str:
        """A page of the folder with fingerprinted references."""
        return self.rewrite((self.root / name).read_text(encoding="utf-8"))

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code in (200, 304):
            query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            v = (query.get("v") or [""])[0]
            current = self.fingerprint(path) if v else None
            response.headers["Cache-Control"] = IMMUTABLE if v and v == current \
                else REVALIDATE
        return response
