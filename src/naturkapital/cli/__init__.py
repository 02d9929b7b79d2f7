"""Command line: ``naturkapital``. Sub-commands live in one module each."""

from __future__ import annotations

import sys

from naturkapital.cli.app import app, console_err
from naturkapital.core.errors import InputError

# Importing the command modules registers their commands on ``app``.
from naturkapital.cli import nki as _nki  # noqa: E402,F401  isort: skip
from naturkapital.cli import bench as _bench  # noqa: E402,F401  isort: skip
from naturkapital.cli import scenario as _scenario  # noqa: E402,F401  isort: skip
from naturkapital.cli import lowland as _lowland  # noqa: E402,F401  isort: skip
from naturkapital.cli import urban as _urban  # noqa: E402,F401  isort: skip
from naturkapital.cli import serve as _serve  # noqa: E402,F401  isort: skip
from naturkapital.cli import reference as _reference  # noqa: E402,F401  isort: skip


def main() -> None:
    """Entry point: run the app; bad input → one line on stderr, exit code 2."""
    try:
        app(standalone_mode=False)
    except InputError as exc:
        console_err.print(f"[bold red]Fejl (error):[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(2)
    except KeyboardInterrupt:
        console_err.print("Afbrudt (interrupted)")
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:  # click usage errors and friends
        import click

        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        if isinstance(exc, click.exceptions.Abort):
            sys.exit(1)
        raise
