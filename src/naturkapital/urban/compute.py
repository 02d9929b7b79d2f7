"""Python API of the urban-nature model: one entry point for the command line, the
OGC process and scripts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from naturkapital.nki.compute import Zones, load_zones
from naturkapital.urban.city import CityResult, compute_city, load_city
from naturkapital.urban.national import UrbanNational, compute_urban_national


def run_urban(zones: Zones | str | Path | None = None, id_field: str | None = None,
              name_field: str | None = None, rule_m: float = 300.0,
              min_nature_ha: float = 1.0, fabric_gap_m: float = 200.0,
              min_urban_ha: float = 10.0, city: str | Path | None = None,
              districts: str | Path | None = None, district_field: str | None = None,
              keep_edge: bool = False, budget: float = 50_000_000.0,
              targets: str | Path | None = None, population: str | Path | None = None,
              population_field: str | None = None, sites: str | Path | None = None,
              site_cost_field: str | None = None, dwellings: str | Path | None = None,
              green: str | Path | None = None, canopy: str | Path | None = None,
              progress: Callable[[int], None] | None = None) -> UrbanNational | CityResult:
    """Without ``city``: the coarse national indicators of ``zones`` (default: the
    municipalities; a loaded :class:`~naturkapital.nki.compute.Zones` or a zone file
    with ``id_field``). With ``city`` (``demo:kobenhavn`` or an ``.osm.pbf``): the
    fine indicators of that city (:func:`naturkapital.urban.city.compute_city`)."""
    if city is not None:
        inputs = load_city(city, districts, district_field, population, population_field,
                           sites, site_cost_field, dwellings, green, canopy)
        return compute_city(inputs, rule_m=rule_m, min_green_ha=min_nature_ha,
                            keep_edge=keep_edge, budget_dkk=budget, targets=targets,
                            progress=progress)
    z = zones if isinstance(zones, Zones) else load_zones(zones, id_field, name_field)
    return compute_urban_national(z, rule_m=rule_m, min_nature_ha=min_nature_ha,
                                  fabric_gap_m=fabric_gap_m, min_urban_ha=min_urban_ha,
                                  progress=progress)
