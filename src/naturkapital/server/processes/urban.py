"""The ``urban`` process: coarse urban-nature indicators of the municipalities (cached)
or of uploaded zones."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from naturkapital.core.errors import InputError
from naturkapital.server.cache import records
from naturkapital.server.processes import ProcessContext, ProcessSpec, register
from naturkapital.server.uploads import process_zones
from naturkapital.urban.city import DEMOS, CityResult
from naturkapital.urban.compute import run_urban
from naturkapital.urban.national import UrbanNational
from naturkapital.urban.spec import URBAN


@lru_cache(maxsize=8)
def _municipalities(rule_m: float, min_nature_ha: float, fabric_gap_m: float,
                    min_urban_ha: float) -> UrbanNational:
    return run_urban(None, rule_m=rule_m, min_nature_ha=min_nature_ha,
                     fabric_gap_m=fabric_gap_m, min_urban_ha=min_urban_ha)


@lru_cache(maxsize=8)
def _demo(city: str, rule_m: float, min_nature_ha: float, keep_edge: bool,
          budget: float) -> CityResult:
    res = run_urban(city=city, rule_m=rule_m, min_nature_ha=min_nature_ha,
                    keep_edge=keep_edge, budget=budget)
    assert isinstance(res, CityResult)
    return res


def execute_urban(inputs: Any, ctx: ProcessContext) -> dict[str, Any]:
    """Without ``city``: rows of the ranking and the method (with the coarse label).
    With ``city`` (an embedded demo over HTTP): the district table, the ranked sites,
    the Lorenz curves and the method."""
    v = inputs.model_dump()
    ctx.progress(10, "computing urban nature indicators")
    if v["city"] is not None:
        if v["city"] not in DEMOS:
            raise InputError("city", f"over HTTP the city must be one of {', '.join(DEMOS)}")
        res = _demo(v["city"], v["rule_m"], v["min_nature_ha"], bool(v["keep_edge"]),
                    v["budget"])
        return {"table": records(res.districts),
                "sites": records(res.sites.drop(columns="geometry")),
                "lorenz": records(res.lorenz), "tracking": records(res.tracking),
                "meta": res.meta}
    params = {k: v[k] for k in ("rule_m", "min_nature_ha", "fabric_gap_m", "min_urban_ha")}
    if v["zones"] is None:
        res = _municipalities(**params)
    else:
        up = process_zones(v["zones"], v["id_field"], v["name_field"],
                           getattr(ctx.services, "settings", None))
        res = run_urban(up.zones, **params)
    return {"table": records(res.table), "sites": [], "lorenz": [], "tracking": [],
            "meta": res.meta}


SPEC = register(ProcessSpec(URBAN, execute_urban))
