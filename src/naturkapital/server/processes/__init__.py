"""OGC API – Processes: a registry of process specs.

A process is one :class:`ProcessSpec`: a model's :class:`~naturkapital.core.spec.ModelSpec`
plus the ``execute`` adapter that runs it on HTTP inputs, registered with
:func:`register`. The process description (``/processes/{id}``), input validation (a
pydantic model generated from the spec), the REST alias (:mod:`naturkapital.server.rest`),
synchronous and asynchronous execution and the job API all come from that one spec.
To add a process write a module that builds a spec and calls ``register``, and add the
module's name to :data:`BUILTIN_MODULES`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from naturkapital.core.spec import ModelSpec, Output, describe, json_schema
from naturkapital.server.processes.inputs import inputs_model

#: Modules whose import registers the built-in processes.
BUILTIN_MODULES: tuple[str, ...] = ("naturkapital.server.processes.nki",
                                     "naturkapital.server.processes.scenario",
                                     "naturkapital.server.processes.lowland",
                                     "naturkapital.server.processes.accounts",
                                     "naturkapital.server.processes.urban",
                                     "naturkapital.server.processes.consolidate",
                                     "naturkapital.server.processes.priority")


@dataclass
class ProcessContext:
    """What ``execute`` gets besides its inputs: progress reporting and services."""

    progress: Callable[[int, str], None]
    services: Any = None


@dataclass(frozen=True)
class ProcessSpec:
    """A model offered as an OGC process: its :class:`ModelSpec` and the adapter that
    executes it on HTTP inputs. Id, title, inputs (a pydantic model generated from the
    spec), outputs and the description all come from the model spec."""

    model: ModelSpec
    execute: Callable[[Any, ProcessContext], dict[str, Any]]
    job_control: tuple[str, ...] = ("sync-execute", "async-execute")
    output_transmission: tuple[str, ...] = ("value",)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.model.id

    @property
    def title(self) -> str:
        return self.model.title.both()

    @property
    def description(self) -> str:
        return self.model.about.en

    @property
    def version(self) -> str:
        return self.model.version

    @property
    def keywords(self) -> tuple[str, ...]:
        return self.model.keywords

    @property
    def inputs(self) -> type[BaseModel]:
        return inputs_model(self.model)

    @property
    def outputs(self) -> dict[str, Output]:
        return {o.name: o for o in self.model.outputs}

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
        """The full process description, inputs and outputs from the model spec; each
        input carries ``x-naturkapital`` (kind, Danish/English labels, unit, geometry,
        projected) for the web form."""
        inputs = {p.name: {"title": p.label.both(), "description": p.help.en,
                           "schema": json_schema(p), "minOccurs": 1 if p.required else 0,
                           "maxOccurs": 1, "x-naturkapital": describe(p)}
                  for p in self.model.face("http")}
        outputs = {o.name: {"title": o.label.both(), "description": o.help.en,
                            "schema": o.schema} for o in self.model.outputs}
        doc = {**self.summary(base), "inputs": inputs, "outputs": outputs}
        doc["x-naturkapital"] = {"title": {"da": self.model.title.da,
                                           "en": self.model.title.en},
                                 "about": {"da": self.model.about.da,
                                           "en": self.model.about.en},
                                 "rest": f"/api/{self.model.rest}" if self.model.rest
                                 else None}
        return doc


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
