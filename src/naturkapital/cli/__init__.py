"""Command line: ``naturkapital``. Sub-commands live in one module each."""

from __future__ import annotations

import sys

from rich.markup import escape

from naturkapital.cli.app import app, console_err
from naturkapital.core.errors import InputError
from naturkapital.core.memory import no_hugepage_advice
from naturkapital.core.parallel import set_workers

# Importing the command modules registers their commands on ``app``.
from naturkapital.cli import nki as _nki  # noqa: E402,F401  isort: skip
from naturkapital.cli import bench as _bench  # noqa: E402,F401  isort: skip
from naturkapital.cli import scenario as _scenario  # noqa: E402,F401  isort: skip
from naturkapital.cli import lowland as _lowland  # noqa: E402,F401  isort: skip
from naturkapital.cli import urban as _urban  # noqa: E402,F401  isort: skip
from naturkapital.cli import serve as _serve  # noqa: E402,F401  isort: skip
from naturkapital.cli import reference as _reference  # noqa: E402,F401  isort: skip
from naturkapital.cli import accounts as _accounts  # noqa: E402,F401  isort: skip
from naturkapital.cli import consolidate as _consolidate  # noqa: E402,F401  isort: skip
from naturkapital.cli import priority as _priority  # noqa: E402,F401  isort: skip
from naturkapital.cli import frontends as _frontends  # noqa: E402,F401  isort: skip
from naturkapital.cli import data as _data  # noqa: E402,F401  isort: skip


def one_line(text: str, limit: int = 500) -> str:
    """Collapse a message onto one line (GDAL and friends add newlines)."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[:limit - 1] + "…"


def _fail(message: str) -> None:
    console_err.print(f"[bold red]Fejl (error):[/] {escape(one_line(message))}",
                      highlight=False, soft_wrap=True, markup=True)
    sys.exit(2)


def _library_error(exc: BaseException) -> str | None:
    """A one-line message for errors of the data libraries that reach ``main``: a file
    GDAL could open but not read (truncated, broken VRT), a malformed CSV, an OS error
    on a named file. None for anything else (a bug: the traceback is shown)."""
    import csv

    import pyogrio.errors
    import rasterio.errors

    if isinstance(exc, (rasterio.errors.RasterioError, pyogrio.errors.DataSourceError,
                        pyogrio.errors.DataLayerError, pyogrio.errors.FieldError,
                        pyogrio.errors.GeometryError, pyogrio.errors.CRSError)):
        return (f"cannot read the data ({_chain_text(exc)}); the file may be truncated "
                "or damaged")
    if isinstance(exc, csv.Error):
        return f"cannot read a CSV table ({one_line(str(exc))})"
    if isinstance(exc, OSError) and getattr(exc, "filename", None):
        return f"{exc.filename}: {exc.strerror or type(exc).__name__}"
    if isinstance(exc, RecursionError):
        return "the input is nested too deeply to read"
    return None


def _chain_text(exc: BaseException) -> str:
    """The messages of an exception and its causes ("Read failed. See previous
    exception" is followed by GDAL's own message, which names the file)."""
    parts: list[str] = []
    seen: set[int] = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        text = one_line(str(e), 300)
        if text and "see previous exception" not in text.lower() and text not in parts:
            parts.append(text)
        e = e.__cause__ or e.__context__
    return "; ".join(parts) or type(exc).__name__


def main() -> None:
    """Entry point: run the app; bad input → one line on stderr, exit code 2."""
    no_hugepage_advice()
    set_workers(None)  # large inputs use every core (the server sets 1 again)
    try:
        app(standalone_mode=False)
    except InputError as exc:
        _fail(str(exc))
    except KeyboardInterrupt:
        console_err.print("Afbrudt (interrupted)")
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:  # click usage errors and friends
        import click

        if type(exc).__name__ == "BadParameter" and hasattr(exc, "format_message"):
            # a bad choice (e.g. --proxy magic) from Typer's own click: one clean line
            opts = getattr(getattr(exc, "param", None), "opts", None) or [""]
            _fail(f"{opts[0]}: {one_line(exc.format_message(), 300)}".lstrip(": "))
        # Typer carries its own copy of click: match its exceptions by class name too
        kinds = {c.__name__ for c in type(exc).__mro__}
        if isinstance(exc, click.exceptions.ClickException) or "ClickException" in kinds:
            exc.show()
            sys.exit(exc.exit_code)
        if isinstance(exc, click.exceptions.Abort) or "Abort" in kinds:
            sys.exit(1)
        message = _library_error(exc)
        if message is None:
            raise
        _fail(message)
