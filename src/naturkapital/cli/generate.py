"""Typer commands generated from model specs.

:func:`spec_command` turns a :class:`~naturkapital.core.spec.ModelSpec` into a command:
one option per input shown on the command line (names, types, defaults, help in
Danish and English, choices), and the spec's shared checks (bounds, finite numbers,
choices) run before the command's body. The body — a *presenter* that runs the model
with a progress bar and prints or writes the result — receives the inputs as keyword
arguments named as in the spec.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from naturkapital.core.errors import InputError
from naturkapital.core.spec import ModelSpec, Param

_TYPES: dict[str, type] = {"vector": Path, "raster": Path, "table": Path, "output": Path,
                           "field": str, "text": str, "epoch": str, "number": float,
                           "integer": int, "flag": bool}


def option_help(p: Param) -> str:
    """The option's help: Danish, then English, then unit and default hints."""
    h = p.cli_help or p.help
    text = h.da if h.da == h.en else f"{h.da} / {h.en}"
    if p.unit:
        text += f" Enhed (unit): {p.unit}."
    return text


def option(p: Param) -> Any:
    """The ``Annotated`` Typer option of one input."""
    kwargs: dict[str, Any] = {"help": option_help(p)}
    if p.kind == "choice":
        assert p.choices is not None
        if all(isinstance(c, str) for c in p.choices):
            base: Any = Literal[p.choices]  # Typer offers them as choices
        else:
            base = int
    elif p.kind == "vector" and p.choices:
        base = str  # a path or the name of an embedded dataset
    else:
        base = _TYPES[p.kind]
    if p.multiple:
        base = list[base]
    typ: Any = base | None if p.default is None or p.fetch else base
    return Annotated[typ, typer.Option(*p.cli_flags(), **kwargs)]


def parameters(spec: ModelSpec) -> list[inspect.Parameter]:
    """The command's parameters, in spec order, required ones first."""
    params = spec.face("cli")

    def required(p: Param) -> bool:  # an input ``--fetch`` can supply is optional here
        return p.required and not p.fetch

    ordered = [p for p in params if required(p)] + [p for p in params if not required(p)]
    return [inspect.Parameter(p.name, inspect.Parameter.KEYWORD_ONLY,
                              default=(inspect.Parameter.empty if required(p) else
                                       None if p.required else p.default),
                              annotation=option(p)) for p in ordered]


def check_inputs(spec: ModelSpec, values: dict[str, Any]) -> None:
    """The spec's shared checks; the first failure is an :class:`InputError` naming the
    option."""
    for p in spec.face("cli"):
        if p.fetch and values.get(p.name) is None:
            if values.get("fetch"):
                continue
            raise InputError(p.cli_flags()[0], "is required (or fetch it from the national "
                                               "source: --kommune CODE --fetch)")
        why = p.check(values.get(p.name))
        if why is not None:
            raise InputError(p.cli_flags()[0], why)


def spec_command(group: typer.Typer, spec: ModelSpec,
                 name: str | None = None) -> Callable[[Callable[..., None]],
                                                      Callable[..., None]]:
    """Register ``present`` as the command of ``spec`` on ``group``."""

    def register(present: Callable[..., None]) -> Callable[..., None]:
        def command(**values: Any) -> None:
            check_inputs(spec, values)
            present(**values)

        command.__signature__ = inspect.Signature(parameters(spec))  # type: ignore[attr-defined]
        command.__name__ = present.__name__
        command.__doc__ = f"{spec.title.da} ({spec.title.en}). {spec.about.en}"
        group.command(name or spec.command[-1])(command)
        return present

    return register
