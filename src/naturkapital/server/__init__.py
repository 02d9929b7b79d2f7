"""HTTP API and OGC API – Processes (FastAPI); serves the web app too.

``create_app(Settings(...))`` builds the application; ``naturkapital serve`` runs it.
"""

from naturkapital.server.app import create_app
from naturkapital.server.config import Settings

__all__ = ["Settings", "create_app"]
