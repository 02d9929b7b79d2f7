"""``naturkapital serve``: the HTTP API and the web app in one process."""

from __future__ import annotations

from typing import Annotated

import typer

from naturkapital.cli.app import app, console_err


@app.command("serve")
def serve_cmd(
    host: Annotated[str, typer.Option("--host", help="Adresse / address to listen on "
                                                     "(0.0.0.0 for all).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port.", min=1, max=65535)] = 8000,
    db: Annotated[str | None, typer.Option(
        "--db", help="Database: sqlite:///PATH (default: an embedded file in "
                     "~/.local/share/naturkapital, created on first start) or "
                     "postgresql://USER:PASSWORD@HOST/DB (PostGIS). Env: NATURKAPITAL_DB.")]
        = None,
    token: Annotated[str | None, typer.Option(
        "--token", help="Adgangsnøgle / write token for saving scenarios and uploads. "
                        "Env: NATURKAPITAL_TOKEN. Without one, writes are refused.")] = None,
    log_level: Annotated[str, typer.Option("--log-level", help="uvicorn log level.")]
        = "info",
) -> None:
    """Start webappen og HTTP-API'et. Serve the web app and the HTTP API (OGC API – Processes)."""
    import uvicorn

    from naturkapital.core.parallel import set_workers
    from naturkapital.server import Settings, create_app

    set_workers(1)  # requests run in threads: no forked workers inside the server
    settings = Settings.from_env(db_url=db, token=token)
    application = create_app(settings)
    store = application.state.store
    console_err.print(f"Database: {store.describe()} (schema v{store.schema_version()})",
                      highlight=False)
    if not settings.writes_enabled:
        console_err.print("[yellow]Ingen adgangsnøgle (no token): writes are refused; set "
                          "NATURKAPITAL_TOKEN or --token to allow them.[/]")
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0", "::") else host
    console_err.print(f"Åbn (open) http://{shown}:{port}/  ·  API: http://{shown}:{port}/docs",
                      highlight=False)
    uvicorn.run(application, host=host, port=port, log_level=log_level, access_log=False)
