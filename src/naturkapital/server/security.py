"""Write access: a bearer token from configuration; reads stay public.

No ``Authorization`` header → 401; a wrong token (or none configured on the server,
i.e. writes disabled) → 403. Tokens are compared in constant time.
"""

from __future__ import annotations

import hmac

from fastapi import Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from naturkapital.server.errors import ApiError

bearer = HTTPBearer(auto_error=False, description="Write token (NATURKAPITAL_TOKEN / "
                                                  "naturkapital serve --token)")


def check_token(request: Request,
                credentials: HTTPAuthorizationCredentials | None = None) -> None:
    """Raise 401/403 unless the request carries the configured token.

    Without ``credentials`` the ``Authorization`` header is read from the request (for
    endpoints that write only on request, so the OpenAPI schema does not mark them as
    secured)."""
    if credentials is None:
        credentials = _from_header(request)
    if credentials is None or not credentials.credentials:
        raise ApiError(401, "this endpoint writes to the database: send the token as "
                            "'Authorization: Bearer TOKEN' / kræver adgangsnøgle",
                       headers={"WWW-Authenticate": "Bearer"})
    expected: str | None = request.app.state.settings.token
    if not expected:
        raise ApiError(403, "writes are disabled on this server (start it with --token or "
                            "NATURKAPITAL_TOKEN)")
    if not hmac.compare_digest(credentials.credentials.encode(), expected.encode()):
        raise ApiError(403, "wrong token / forkert adgangsnøgle")


def _from_header(request: Request) -> HTTPAuthorizationCredentials | None:
    raw = request.headers.get("authorization", "")
    scheme, _, value = raw.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return HTTPAuthorizationCredentials(scheme="Bearer", credentials=value.strip())


def require_token(request: Request,
                  credentials: HTTPAuthorizationCredentials | None = Security(bearer)) -> None:
    """FastAPI dependency for write endpoints."""
    check_token(request, credentials)
