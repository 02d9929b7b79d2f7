"""The Typer application object, shared consoles and a progress helper."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

app = typer.Typer(
    name="naturkapital",
    help="Naturkapital: naturkapitalindeks, lavbundsprojekter og økosystemtjenester. "
         "Natural Capital Index, lowland rewetting and ecosystem services for Danish "
         "municipalities, on embedded open data or your own maps.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
console_err = Console(stderr=True)


@contextmanager
def progress_bar(description: str, total: int) -> Iterator[Callable[[int], None]]:
    """A rich progress bar; yields a callback ``advance(n)``."""
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console_err, transient=True) as prog:
        task = prog.add_task(description, total=total)
        yield lambda n: prog.advance(task, n)


def sub_app(name: str, help_text: str) -> typer.Typer:
    """A command group (``naturkapital NAME ...``) registered on the main app."""
    group = typer.Typer(name=name, help=help_text, no_args_is_help=True, add_completion=False,
                        pretty_exceptions_enable=False)
    app.add_typer(group, name=name)
    return group
