"""Pydantic models of a process's inputs, generated from its model spec."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from naturkapital.core.spec import ModelSpec, Param


def field_type(p: Param) -> Any:
    """The Python type an input has over HTTP (JSON)."""
    if p.kind == "vector":
        typ: Any = dict[str, Any]
        if p.choices:  # a GeoJSON object or the name of an embedded dataset
            typ = typ | Literal[tuple(p.choices)]  # type: ignore[valid-type]
    elif p.kind in ("raster", "table"):
        typ = dict[str, Any] | str
    elif p.kind == "number":
        typ = float
    elif p.kind == "integer":
        typ = int
    elif p.kind in ("choice", "epoch"):
        typ = Literal[tuple(p.choices or ())]  # type: ignore[valid-type]
    elif p.kind == "flag":
        typ = bool
    else:
        typ = str
    return typ if p.required else typ | None


def field_info(p: Param) -> Any:
    """Bounds, length and labels of an input as a pydantic ``Field``."""
    return Field(p.default if not p.required else ..., title=p.label.both(),
                 description=p.help.en, ge=p.minimum, le=p.maximum, gt=p.exclusive_minimum,
                 max_length=p.max_length, pattern=p.pattern,
                 allow_inf_nan=False if p.kind == "number" else None)


_MODELS: dict[int, tuple[ModelSpec, type[BaseModel]]] = {}


def inputs_model(spec: ModelSpec) -> type[BaseModel]:
    """A pydantic model of the spec's HTTP inputs (unknown inputs are refused); built
    once per spec."""
    hit = _MODELS.get(id(spec))
    if hit is not None and hit[0] is spec:
        return hit[1]
    fields = {p.name: (field_type(p), field_info(p)) for p in spec.face("http")}
    name = "".join(part.capitalize() for part in spec.id.split("-")) + "Inputs"
    model = create_model(name, __config__=ConfigDict(extra="forbid"), **fields)
    _MODELS[id(spec)] = (spec, model)
    return model
