"""The Typer application object, shared consoles and a progress helper."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.errors import MarkupError
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

app = typer.Typer(
    name="naturkapital",
    help="Naturkapital: naturkapitalindeks, lavbundsprojekter og økosystemtjenester. "
         "Natural Capital Index, lowland rewetting and ecosystem services for Danish "
         "municipalities, on embedded open data or your own maps.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

#: Words the command modules use inside ``[...]`` markup; any other bracketed text
#: (a file, zone or parcel name such as ``Skov [/b] park``) is printed literally.
_STYLE_WORDS = {"bold", "dim", "italic", "underline", "red", "green", "yellow", "blue",
                "magenta", "cyan", "white", "not"}
_TAG = re.compile(r"(?<!\\)\[([^\[\]]*)\]")


def _escape_unknown_tags(text: str) -> str:
    def keep_or_escape(m: re.Match[str]) -> str:
        body = m.group(1).strip()
        words = body[1:].split() if body.startswith("/") else body.split()
        if body == "/" or (words and all(w in _STYLE_WORDS for w in words)):
            return m.group(0)
        return "\\" + m.group(0)

    return _TAG.sub(keep_or_escape, text)


class SafeConsole(Console):
    """A rich console that never misreads user text as markup or emoji codes.

    Only the project's own style tags (``[bold]``, ``[yellow]``, ``[/]`` …) are markup;
    any other ``[...]`` is printed as written, and if the text still cannot be parsed it
    is printed without markup — it never raises. Emoji codes (``:abc:``) stay text."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("emoji", False)
        super().__init__(**kwargs)

    def render_str(self, text: str, **kwargs: Any) -> Text:  # type: ignore[override]
        markup = kwargs.get("markup")
        if markup is False or (markup is None and not self._markup):
            return super().render_str(text, **kwargs)
        kwargs["emoji"] = False
        try:
            return super().render_str(_escape_unknown_tags(text), **kwargs)
        except MarkupError:
            return super().render_str(text, **{**kwargs, "markup": False})


#: ``lines``: progress as plain ``PROGRESS done/total description`` lines on stderr.
PROGRESS_ENV = "NATURKAPITAL_PROGRESS"

console = SafeConsole()
console_err = SafeConsole(stderr=True)


@app.callback()
def _global_options(
    allow_network: Annotated[bool, typer.Option(
        "--allow-network", help="Tillad netværksadgang / allow GDAL to open URLs (off by "
                                "default; also NATURKAPITAL_ALLOW_NETWORK=1).")] = False,
    allow_vrt: Annotated[bool, typer.Option(
        "--allow-vrt", help="Læs lokale VRT-filer / read local VRT files whose sources are "
                            "local (off by default; also NATURKAPITAL_ALLOW_VRT=1).")] = False,
) -> None:
    """Naturkapital command line."""
    if allow_network:
        from naturkapital.io.network import allow_network as _allow

        _allow()
    if allow_vrt:
        from naturkapital.io.local import ALLOW_VRT_ENV

        os.environ[ALLOW_VRT_ENV] = "1"


@contextmanager
def progress_bar(description: str, total: int) -> Iterator[Callable[[int], None]]:
    """A rich progress bar; yields a callback ``advance(n)``. Without a terminal (a log
    file, a pipe, a test) there is no bar, so an error stays the only line on stderr.

    With ``NATURKAPITAL_PROGRESS=lines`` (set by front ends such as the QGIS plugin)
    each step is one line ``PROGRESS done/total description`` on stderr instead."""
    if os.environ.get(PROGRESS_ENV) == "lines":
        state = {"done": 0}

        def line(n: int) -> None:
            state["done"] += n
            sys.stderr.write(f"PROGRESS {state['done']}/{total} {description}\n")
            sys.stderr.flush()

        sys.stderr.write(f"PROGRESS 0/{total} {description}\n")
        sys.stderr.flush()
        yield line
        return
    if not console_err.is_terminal:
        yield lambda _n: None
        return
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console_err, transient=True) as prog:
        task = prog.add_task(escape(description), total=total)
        yield lambda n: prog.advance(task, n)


def sub_app(name: str, help_text: str) -> typer.Typer:
    """A command group (``naturkapital NAME ...``) registered on the main app."""
    group = typer.Typer(name=name, help=help_text, no_args_is_help=True, add_completion=False,
                        pretty_exceptions_enable=False)
    app.add_typer(group, name=name)
    return group
