"""The ``scenario-evaluate`` process: a land-conversion scenario's services and NKI,
baseline and scenario, per zone (:func:`naturkapital.scenario.evaluate.evaluate_scenario`).

The process and the editor's ``POST /api/scenario/evaluate`` take the same inputs (the
model generated from the spec) and run the same cached evaluation,
:meth:`naturkapital.server.scenario_editor.ScenarioService.result_for`."""

from __future__ import annotations

from typing import Any

from naturkapital.scenario.spec import EVALUATE
from naturkapital.server.processes import ProcessContext, ProcessSpec, register
from naturkapital.server.scenario_editor import ScenarioService

#: The evaluation cache when the process runs outside the app (no services).
_OWN = ScenarioService()


def execute_scenario(inputs: Any, ctx: ProcessContext) -> dict[str, Any]:
    """The long indicator table, the lowland checks and the method metadata."""
    services = ctx.services
    svc = getattr(services, "scenario_editor", None) or _OWN
    ctx.progress(20, "evaluating the scenario")
    res, _key = svc.result_for(inputs, getattr(services, "settings", None))
    doc = res.to_dict(inputs.scenario if isinstance(inputs.scenario, str) else "upload")
    return {k: doc[k] for k in ("table", "lowland", "meta")}


SPEC = register(ProcessSpec(EVALUATE, execute_scenario))
