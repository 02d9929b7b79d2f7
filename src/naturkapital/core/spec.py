"""Model specs: every input and output of a model declared once.

A :class:`ModelSpec` names a model, says what it does (Danish and English) and lists
its inputs (:class:`Param`) and outputs (:class:`Output`). The command line
(:mod:`naturkapital.cli.generate`), the OGC API – Processes description and input
validation, the REST route (:mod:`naturkapital.server.processes`), the web form
(rendered by the browser from ``/processes/{id}``) and the reference page
``docs/reference.md`` (:mod:`naturkapital.core.reference`) are all generated from it.

Learned from InVEST's ``MODEL_SPEC`` (one declaration drives CLI, GUI, validation and
docs) and pygeoapi's ``PROCESS_METADATA`` (processes know nothing about HTTP); written
as frozen dataclasses so a spec is a plain, typed value.

Kinds of input (``Param.kind``):

* ``vector`` — polygons or points (``geometry``); a file path on the command line, a
  GeoJSON object or a file upload over HTTP.
* ``raster`` — a single-band grid (``unit``; ``projected`` = must be in a projected
  CRS); a file path, or a base64 GeoTIFF / file upload over HTTP.
* ``table`` — a CSV file with ``columns``.
* ``field`` — the name of a column of another (vector/table) input (``of``).
* ``number`` / ``integer`` — with ``minimum``/``maximum`` (inclusive) or
  ``exclusive_minimum``, and a ``unit``; NaN and infinity are never valid.
* ``choice`` — one of ``choices`` (strings or integers).
* ``epoch`` — an embedded land-cover epoch (``basemap2021``, ``corine:YEAR``); the
  command line also takes a raster path.
* ``text`` — free text (``pattern``, ``max_length``).
* ``flag`` — yes/no.
* ``output`` — a file the command writes (command line only; ``suffixes``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from naturkapital.core.errors import InputError
from naturkapital.core.numbers import check_number

Kind = Literal["vector", "raster", "table", "field", "number", "integer", "choice", "epoch",
               "text", "flag", "output"]
Face = Literal["cli", "http"]

#: Sentinel default of a required input.
REQUIRED: Any = ...

BOTH: frozenset[str] = frozenset({"cli", "http"})
CLI: frozenset[str] = frozenset({"cli"})
HTTP: frozenset[str] = frozenset({"http"})

FILE_KINDS: frozenset[str] = frozenset({"vector", "raster", "table"})


@dataclass(frozen=True)
class Text:
    """A label or help text in Danish with English beside it."""

    da: str
    en: str

    def both(self) -> str:
        """``"dansk / English"`` (or one of them when they are equal)."""
        return self.da if self.da == self.en else f"{self.da} / {self.en}"


@dataclass(frozen=True)
class Param:
    """One input of a model."""

    name: str
    kind: Kind
    label: Text
    help: Text
    default: Any = REQUIRED
    faces: frozenset[str] = BOTH
    unit: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: float | None = None
    choices: tuple[Any, ...] | None = None
    geometry: Literal["polygon", "point"] | None = None
    projected: bool = False
    columns: tuple[str, ...] = ()
    of: str | None = None
    pattern: str | None = None
    max_length: int | None = None
    suffixes: tuple[str, ...] = ()
    #: Help for the command line where it can do more than HTTP (e.g. take a path).
    cli_help: Text | None = None
    #: Several values (a repeated option on the command line, a list over HTTP).
    multiple: bool = False
    #: Command-line option declaration when it is not ``--name-with-dashes``
    #: (e.g. ``"--from"`` or ``"--kun-natur/--alle"``); ``short`` adds e.g. ``"-q"``.
    flag: str | None = None
    short: str | None = None
    #: The catalogue source (``naturkapital data list``) that can supply this input on
    #: the command line with ``--fetch``; the input is then optional there.
    fetch: str | None = None

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    def cli_flags(self) -> tuple[str, ...]:
        """The option names of the command line (``--id-field``)."""
        main = self.flag or "--" + self.name.replace("_", "-")
        return (main, self.short) if self.short else (main,)

    def check(self, value: Any) -> str | None:
        """Why ``value`` is not valid for this input (``None`` if it is).

        Bounds, NaN/infinity (:func:`~naturkapital.core.numbers.check_number`) and
        choices: the checks every interface shares.
        """
        if value is None:
            return "is required" if self.required else None
        if self.multiple and isinstance(value, list | tuple):
            return next((why for v in value if (why := replace(self, multiple=False)
                                                 .check(v)) is not None), None)
        if self.kind in ("number", "integer"):
            if isinstance(value, bool):
                return f"must be a number, not {value!r}"
            try:
                check_number(value, self.name, above=self.exclusive_minimum,
                             at_least=self.minimum, at_most=self.maximum,
                             whole=self.kind == "integer")
            except InputError as exc:
                return exc.problem
        if self.kind == "choice" and self.choices is not None and value not in self.choices:
            return f"must be one of {', '.join(map(str, self.choices))}, not {value!r}"
        return None


@dataclass(frozen=True)
class Output:
    """One output of a model: a table, a map layer, a figure or a document."""

    name: str
    kind: Literal["table", "vector", "figure", "document", "object"]
    label: Text
    help: Text
    schema: dict[str, Any] = field(default_factory=lambda: {"type": "object"})


@dataclass(frozen=True)
class ModelSpec:
    """Everything about one model, declared once.

    ``run`` is the model function (the Python API the CLI and the server call);
    ``command`` the command-line path (``("lowland", "screen")``); ``rest`` the path
    of the REST alias under ``/api`` (``None``: no REST alias); ``process``: offered as
    an OGC process.
    """

    id: str
    title: Text
    about: Text
    inputs: tuple[Param, ...]
    outputs: tuple[Output, ...]
    run: Callable[..., Any]
    command: tuple[str, ...]
    rest: str | None = None
    #: Offered as an OGC process (``/processes/{id}``).
    process: bool = True
    keywords: tuple[str, ...] = ()
    version: str = "1.0.0"

    def face(self, face: str) -> tuple[Param, ...]:
        """The inputs shown on one interface (``cli`` or ``http``)."""
        return tuple(p for p in self.inputs if face in p.faces)

    def param(self, name: str) -> Param:
        for p in self.inputs:
            if p.name == name:
                return p
        raise KeyError(f"{self.id} has no input {name!r}")

    def renamed(self, old: str, new: str) -> ModelSpec:
        """A copy with one input renamed (the CLI flag follows unless it was set)."""
        inputs = tuple(replace(p, name=new, flag=None if p.flag is None else p.flag.replace(
            old.replace("_", "-"), new.replace("_", "-"))) if p.name == old else p
            for p in self.inputs)
        return replace(self, inputs=inputs)


#: A Danish municipality code (1–4 digits, e.g. 760); ``@MUNICIPALITY_CODE`` in a spec file.
MUNICIPALITY_CODE = r"^[0-9]{1,4}$"


def json_schema(p: Param) -> dict[str, Any]:
    """The JSON schema of an input as it travels over HTTP (OGC process description)."""
    s: dict[str, Any]
    if p.kind == "vector":
        s = {"oneOf": [{"type": "object", "description": "GeoJSON FeatureCollection"},
                       {"type": "object", "description": "qualified value: base64 file",
                        "properties": {"value": {"type": "string"},
                                       "mediaType": {"type": "string"},
                                       "filename": {"type": "string"}},
                        "required": ["value"]}],
             "contentMediaType": "application/geo+json"}
        if p.choices:
            s["oneOf"].append({"type": "string", "enum": list(p.choices)})
    elif p.kind in ("raster", "table"):
        media = "image/tiff" if p.kind == "raster" else "text/csv"
        s = {"oneOf": [{"type": "string", "contentEncoding": "base64"},
                       {"type": "object", "properties": {
                           "value": {"type": "string"}, "mediaType": {"type": "string"},
                           "filename": {"type": "string"}}, "required": ["value"]}],
             "contentMediaType": media}
    elif p.kind in ("number", "integer"):
        s = {"type": p.kind}
        for key, val in (("minimum", p.minimum), ("maximum", p.maximum),
                         ("exclusiveMinimum", p.exclusive_minimum)):
            if val is not None:
                s[key] = val
    elif p.kind in ("choice", "epoch"):
        vals = list(p.choices or ())
        s = {"enum": vals, "type": "integer" if vals and all(
            isinstance(v, int) for v in vals) else "string"}
    elif p.kind == "flag":
        s = {"type": "boolean"}
    else:
        s = {"type": "string"}
        if p.pattern:
            s["pattern"] = p.pattern
        if p.max_length:
            s["maxLength"] = p.max_length
    if not p.required and p.default is not None:
        s["default"] = p.default
    return s


def describe(p: Param) -> dict[str, Any]:
    """What a form needs beyond the JSON schema: kind, labels, units, geometry, CRS rule
    (the ``x-naturkapital`` member of an input in the process description)."""
    d: dict[str, Any] = {"kind": p.kind, "label": {"da": p.label.da, "en": p.label.en},
                         "help": {"da": p.help.da, "en": p.help.en}, "required": p.required}
    for key, val in (("unit", p.unit), ("geometry", p.geometry), ("of", p.of)):
        if val is not None:
            d[key] = val
    if p.projected:
        d["projected"] = True
    if p.columns:
        d["columns"] = list(p.columns)
    return d


def _plain(value: Any) -> Any:
    """A JSON-safe copy of a default or choice (paths and tuples become str/list)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    return str(value)


def front_end_param(p: Param) -> dict[str, Any]:
    """One command-line input as an external front end (the QGIS plugin) needs it: the
    option to pass, kind, labels and help in Danish and English, bounds, unit, choices,
    default, geometry, output extensions."""
    flags = p.cli_flags()
    on, _, off = flags[0].partition("/")
    h = p.cli_help or p.help
    return {
        "name": p.name, "flag": on, "flag_off": off or None,
        "short": p.short, "kind": p.kind,
        "label": {"da": p.label.da, "en": p.label.en},
        "help": {"da": h.da, "en": h.en},
        "required": p.required, "default": None if p.required else _plain(p.default),
        "multiple": p.multiple, "unit": p.unit, "minimum": p.minimum, "maximum": p.maximum,
        "exclusive_minimum": p.exclusive_minimum,
        "choices": None if p.choices is None else _plain(p.choices),
        "geometry": p.geometry, "projected": p.projected, "columns": list(p.columns),
        "of": p.of, "pattern": p.pattern, "max_length": p.max_length,
        "suffixes": list(p.suffixes),
    }


def front_end(spec: ModelSpec) -> dict[str, Any]:
    """One model as an external front end needs it: id, command, titles, the inputs of
    the command line (:func:`front_end_param`) and the outputs."""
    return {
        "id": spec.id, "command": list(spec.command), "version": spec.version,
        "title": {"da": spec.title.da, "en": spec.title.en},
        "about": {"da": spec.about.da, "en": spec.about.en},
        "keywords": list(spec.keywords),
        "inputs": [front_end_param(p) for p in spec.face("cli")],
        "outputs": [{"name": o.name, "kind": o.kind,
                     "label": {"da": o.label.da, "en": o.label.en},
                     "help": {"da": o.help.da, "en": o.help.en}} for o in spec.outputs],
    }
