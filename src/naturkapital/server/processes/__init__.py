"""OGC API – Processes: a registry of process specs.

A process is one :class:`ProcessSpec` — id, title, a pydantic model of its inputs, its
outputs and an ``execute`` function — registered with :func:`register`. The process
description (``/processes/{id}``), input validation, synchronous and asynchronous
execution and the job API are all generated from that one spec. To add a process
(e.g. lowland screening) write a module that builds a spec and calls ``register``,
and add the module's name to :data:`BUILTIN_MODULES`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

#: Modules whose import registers the built-in processes.
BUILTIN_MODULES: tuple[str, ...] = ("naturkapital.server.processes.nki",
                                     "naturkapital.server.processes.scenario",
                                     "naturkapital.server.processes.lowland")


@dataclass(frozen=True)
class OutputSpec:
    """One output of a process: a JSON value described by a JSON schema."""

    title: str
    description: str
    schema: dict[str, Any]


@dataclass
class ProcessContext:
    """What ``execute`` gets besides its inputs: progress reporting and services."""

    progress: Callable[[int, str], None]
    services: Any = None


@dataclass(frozen=True)
class ProcessSpec:
    """Everything about one process, declared once."""

    id: str
    title: str
    description: str
    inputs: type[BaseModel]
    outputs: dict[str, OutputSpec]
    execute: Callable[[Any, ProcessContext], dict[str, Any]]
    version: str = "1.0.0"
    keywords: tuple[str, ...] = ()
    job_control: tuple[str, ...] = ("sync-execute", "async-execute")
    output_transmission: tuple[str, ...] = ("value",)
    extra: dict[str, Any] = field(default_factory=dict)

    def summary(self, base: str = "") -> dict[str, Any]:
        """The process summary of ``/processes``."""
        return {
            "id": self.id, "title": self.title, "description": self.description,
            "version": self.version, "keywords": list(self.keywords),
            "jobControlOptions": list(self.job_control),
            "outputTransmission": list(self.output_transmission),
            "links": [{"href": f"{base}/processes/{self.id}", "rel": "self",
                       "type": "application/json", "title": "process description"},
                      {"href": f"{base}/processes/{self.id}/execution",
                       "rel": "http://www.opengis.net/def/rel/ogc/1.0/execute",
                       "type": "application/json", "title": "execute"}],
        }

    def description_doc(self, base: str = "") -> dict[str, Any]:
        """The full process description, inputs and outputs from the spec."""
        js = self.inputs.model_json_schema(ref_template="#/$defs/{model}")
        defs = js.get("$defs", {})
        required = set(js.get("required", []))
        inputs = {}
        for name, prop in js.get("properties", {}).items():
            schema = dict(prop)
            if defs:
                schema = _inline(schema, defs)
            inputs[name] = {
                "title": prop.get("title", name),
                "description": prop.get("description", ""),
                "schema": schema,
                "minOccurs": 1 if name in required else 0,
                "maxOccurs": 1,
            }
        outputs = {k: {"title": o.title, "description": o.description, "schema": o.schema}
                   for k, o in self.outputs.items()}
        return {**self.summary(base), "inputs": inputs, "outputs": outputs}


def _inline(schema: Any, defs: dict[str, Any], depth: int = 0) -> Any:
    """Replace local ``$ref``s by their definitions (descriptions stand alone)."""
    if depth > 20:
        return schema
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inline(defs.get(ref.rsplit("/", 1)[-1], {}), defs, depth + 1)
        return {k: _inline(v, defs, depth + 1) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_inline(v, defs, depth + 1) for v in schema]
    return schema


_REGISTRY: dict[str, ProcessSpec] = {}


def register(spec: ProcessSpec) -> ProcessSpec:
    """Add a process; its id must be new."""
    if spec.id in _REGISTRY and _REGISTRY[spec.id] is not spec:
        raise ValueError(f"process {spec.id!r} is already registered")
    _REGISTRY[spec.id] = spec
    return spec


def registry() -> dict[str, ProcessSpec]:
    """All registered processes (importing the built-ins first)."""
    for mod in BUILTIN_MODULES:
        importlib.import_module(mod)
    return dict(_REGISTRY)


def get(process_id: str) -> ProcessSpec | None:
    return registry().get(process_id)
