"""Model specs read from data files: ``<model>/spec.toml``.

The inputs and outputs of a model (names, kinds, Danish and English labels and help,
defaults, units, bounds, choices, …) are declarations, not code: they live in one TOML
file per model package, which translators and ecologists can edit, and
:func:`load_specs` turns them into the typed :class:`~naturkapital.core.spec.ModelSpec`
values every interface is generated from. The model's ``spec.py`` keeps only what is
code: the functions the models run and the computed constants the file refers to.

A file has, at the top level, one table per model (its id) and three optional tables
of shared declarations::

    [texts.EPOCH_HELP]            # a shared text: help = "@EPOCH_HELP"
    da = "…"
    en = "…"

    [params.ZONES]                # a shared input: use = "ZONES"
    name = "zones"
    kind = "vector"
    …

    [outputs.TABLE]               # a shared output: use = "TABLE"

    [nki]                         # a model: title, about, run, command, rest,
    title = {da = "…", en = "…"}  # process, keywords, version, inputs, outputs
    run = "compute_nki"           # the function (spec.py passes it) the model runs
    command = ["nki"]

    [nki.inputs.zones]            # one table per input, in order; the key is its name
    use = "ZONES"                 # a shared input, changed by any key given beside it

    [nki.inputs.engine]
    kind = "choice"
    label = {da = "Beregningsmotor", en = "Engine"}
    help.da = "…"
    help.en = "…"
    default = "exact"             # no default: optional without one; required = true
    faces = ["cli"]               # cli, http (both when left out)
    choices = ["exact", "dask"]

The keys of an input or output are the fields of :class:`~naturkapital.core.spec.Param`
and :class:`~naturkapital.core.spec.Output`. ``"@NAME"`` as a whole value is a named
constant the spec module passes in (``choices = "@EPOCHS"``) or a shared text;
``@{NAME}`` inside a text is replaced by the constant (a list is joined by ``, ``).
``core/spec.toml`` declares what every model shares (``KOMMUNE``, ``TIME_LIMIT``,
``METHOD``). An unknown key, a missing label or an unknown reference stops the import
with one line naming the file and the key.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields, replace
from functools import cache
from pathlib import Path
from typing import Any, get_args

from naturkapital.core.spec import (
    BOTH,
    MUNICIPALITY_CODE,
    REQUIRED,
    Kind,
    ModelSpec,
    Output,
    Param,
    Text,
)

Shared = Param | Output | Text

_PARAM_KEYS = frozenset({f.name for f in fields(Param)} - {"name"} | {"use", "required"})
_OUTPUT_KEYS = frozenset("use kind label help schema".split())
_MODEL_KEYS = frozenset(
    "title about inputs outputs run command rest process keywords version".split()
)
_TEXT_FIELDS = frozenset(("label", "help", "cli_help", "title", "about"))
_TUPLE_FIELDS = frozenset(("choices", "columns", "suffixes", "command", "keywords"))
_OUTPUT_KINDS = ("table", "vector", "figure", "document", "object")
_PLACEHOLDER = re.compile(r"@\{([A-Za-z_][A-Za-z0-9_]*)\}")


class SpecFileError(ValueError):
    """A spec file that cannot be read: ``file: key: problem`` on one line."""


@dataclass(frozen=True)
class SpecFile:
    """What one spec file declares: its models and its shared texts/inputs/outputs."""

    models: dict[str, ModelSpec]
    shared: dict[str, Shared]

    def param(self, name: str) -> Param:
        """The shared input ``[params.NAME]``."""
        value = self.shared[name]
        if not isinstance(value, Param):
            raise TypeError(f"{name} is not a shared input")
        return value

    def text(self, name: str) -> Text:
        """The shared text ``[texts.NAME]``."""
        value = self.shared[name]
        if not isinstance(value, Text):
            raise TypeError(f"{name} is not a shared text")
        return value


class _Reader:
    """Resolves one file's tables against its names (shared declarations and refs)."""

    def __init__(self, path: Path, names: dict[str, Any]) -> None:
        self.path = path
        self.names = names

    def fail(self, key: str, problem: str) -> SpecFileError:
        return SpecFileError(f"{self.path}: {key}: {problem}")

    def ref(self, key: str, name: str) -> Any:
        if name not in self.names:
            raise self.fail(key, f"unknown reference @{name}")
        return self.names[name]

    def text(self, key: str, value: Any) -> Text:
        if isinstance(value, str) and value.startswith("@"):
            found = self.ref(key, value[1:])
            if not isinstance(found, Text):
                raise self.fail(key, f"{value} is not a text")
            return found
        if not isinstance(value, dict) or set(value) != {"da", "en"}:
            raise self.fail(key, 'needs exactly a Danish and an English text: {da = "…", en = "…"}')
        return Text(*(self.fill(f"{key}.{lang}", value[lang]) for lang in ("da", "en")))

    def fill(self, key: str, text: Any) -> str:
        """``text`` with every ``@{NAME}`` replaced by the named constant."""
        if not isinstance(text, str):
            raise self.fail(key, "must be a string")

        def one(m: re.Match[str]) -> str:
            v = self.ref(key, m[1])
            return ", ".join(map(str, v)) if isinstance(v, tuple | list) else str(v)

        return _PLACEHOLDER.sub(one, text)

    def value(self, key: str, field: str, value: Any) -> Any:
        """One field's value: texts, ``@NAME`` constants, lists as tuples, faces."""
        if field in _TEXT_FIELDS:
            return self.text(key, value)
        if isinstance(value, str) and value.startswith("@"):
            value = self.ref(key, value[1:])
        if field == "faces":
            if not set(value) <= BOTH:
                raise self.fail(key, f"faces are cli and/or http, not {value!r}")
            return frozenset(value)
        return tuple(value) if field in _TUPLE_FIELDS and isinstance(value, list) else value

    def fields(self, key: str, table: Any, allowed: frozenset[str]) -> dict[str, Any]:
        """The values of one table's keys, failing on a key not in ``allowed``."""
        if not isinstance(table, dict):
            raise self.fail(key, "must be a table")
        for k in table:
            if k not in allowed:
                raise self.fail(f"{key}.{k}", "unknown key")
        return {k: self.value(f"{key}.{k}", k, v) for k, v in table.items() if k != "use"}

    def base(self, key: str, table: Mapping[str, Any], kind: type) -> Any:
        name = table.get("use")
        if name is None:
            return None
        found = self.ref(f"{key}.use", name)
        if not isinstance(found, kind):
            raise self.fail(f"{key}.use", f"{name} is not a shared {kind.__name__.lower()}")
        return found

    def param(self, key: str, name: str, table: Any) -> Param:
        kw = self.fields(key, table, _PARAM_KEYS)
        base: Param | None = self.base(key, table, Param)
        required = kw.pop("required", None)
        if required and "default" in kw:
            raise self.fail(key, "a required input has no default")
        if required:
            kw["default"] = REQUIRED
        elif "default" not in kw and (required is False or base is None):
            kw["default"] = None
        self.check_kind(key, kw, get_args(Kind))
        if base is not None:
            return replace(base, name=name, **kw)
        self.check_declared(key, kw)
        return Param(name=name, **kw)

    def output(self, key: str, name: str, table: Any) -> Output:
        kw = self.fields(key, table, _OUTPUT_KEYS)
        base: Output | None = self.base(key, table, Output)
        self.check_kind(key, kw, _OUTPUT_KINDS)
        if base is not None:
            return replace(base, name=name, **kw)
        self.check_declared(key, kw)
        return Output(name=name, **kw)

    def check_kind(self, key: str, kw: dict[str, Any], kinds: tuple[str, ...]) -> None:
        if "kind" in kw and kw["kind"] not in kinds:
            raise self.fail(f"{key}.kind", f"unknown kind {kw['kind']!r}")

    def check_declared(self, key: str, kw: dict[str, Any]) -> None:
        """An input or output not based on a shared one declares its kind and texts."""
        for k in ("kind", "label", "help"):
            if k not in kw:
                raise self.fail(f"{key}.{k}", "missing")

    def share(self, key: str, name: str, value: Shared) -> None:
        if name in self.names:
            raise self.fail(key, f"{name} is already defined")
        self.names[name] = value

    def model(self, mid: str, table: Any, runs: dict[str, Callable[..., Any]]) -> ModelSpec:
        kw = self.fields(mid, table, _MODEL_KEYS)
        for k in ("title", "about", "run", "command", "inputs", "outputs"):
            if k not in kw:
                raise self.fail(f"{mid}.{k}", "missing")
        for k in ("inputs", "outputs"):
            if not isinstance(kw[k], dict):
                raise self.fail(f"{mid}.{k}", "must be a table")
        if kw["run"] not in runs:
            raise self.fail(
                f"{mid}.run", f"unknown function {kw['run']!r} (spec.py passes {', '.join(runs)})"
            )
        kw["run"] = runs[kw["run"]]
        kw["inputs"] = tuple(self.param(f"{mid}.inputs.{n}", n, t) for n, t in kw["inputs"].items())
        kw["outputs"] = tuple(
            self.output(f"{mid}.outputs.{n}", n, t) for n, t in kw["outputs"].items()
        )
        return ModelSpec(id=mid, **kw)


def _read(path: Path, names: dict[str, Any], runs: dict[str, Callable[..., Any]]) -> SpecFile:
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise SpecFileError(f"{path}: {exc}") from None
    reader = _Reader(path, names)
    shared: dict[str, Shared] = {}
    for name, table in data.pop("texts", {}).items():
        shared[name] = reader.text(f"texts.{name}", table)
        reader.share(f"texts.{name}", name, shared[name])
    for section, make in (("params", reader.param), ("outputs", reader.output)):
        for name, table in data.pop(section, {}).items():
            key = f"{section}.{name}"
            if not isinstance(table, dict):
                raise reader.fail(key, "must be a table")
            rest = {k: v for k, v in table.items() if k != "name"}
            shared[name] = make(key, table.get("name", name), rest)
            reader.share(key, name, shared[name])
    models = {mid: reader.model(mid, table, runs) for mid, table in data.items()}
    for name, fn in runs.items():
        if all(m.run is not fn for m in models.values()):
            raise reader.fail(name, "passed by spec.py, but no model of the file runs it")
    return SpecFile(models, shared)


@cache
def _core() -> SpecFile:
    return _read(
        Path(__file__).with_name("spec.toml"), {"MUNICIPALITY_CODE": MUNICIPALITY_CODE}, {}
    )


def load_specs(
    path: Path, runs: Iterable[Callable[..., Any]], refs: Mapping[str, Any] | None = None
) -> SpecFile:
    """The models (and shared declarations) of the spec file ``path``.

    ``runs`` are the functions the models run, named in the file by their name
    (``run = "compute_nki"``); ``refs`` names the constants and the shared inputs and
    texts of other files this one refers to (``"@EPOCHS"``, ``use = "ZONES"``).
    Raises :class:`SpecFileError`.
    """
    names: dict[str, Any] = {"MUNICIPALITY_CODE": MUNICIPALITY_CODE, **_core().shared}
    for name, value in (refs or {}).items():
        if name in names:
            raise SpecFileError(f"{path}: {name}: passed in but already defined")
        names[name] = value
    return _read(path, names, {fn.__name__: fn for fn in runs})
