"""Python API of the urban-nature model: one entry point for the command line, the
OGC process and scripts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from naturkapital.nki.compute import Zones, load_zones
from naturkapital.urban.national import UrbanNational, compute_urban_national


def run_urban(zones: Zones | str | Path | None = None, id_field: str | None = None,
              name_field: str | None = None, rule_m: float = 300.0,
              min_nature_ha: float = 1.0, fabric_gap_m: float = 200.0,
              min_urban_ha: float = 10.0,
              progress: Callable[[int], None] | None = None) -> UrbanNational:
    """The coarse national indicators of ``zones`` (default: the municipalities).

    ``zones`` is a loaded :class:`~naturkapital.nki.compute.Zones`, a zone file (with
    ``id_field``) or ``None`` for the embedded municipalities.
    """
    z = zones if isinstance(zones, Zones) else load_zones(zones, id_field, name_field)
    return compute_urban_national(z, rule_m=rule_m, min_nature_ha=min_nature_ha,
                                  fabric_gap_m=fabric_gap_m, min_urban_ha=min_urban_ha,
                                  progress=progress)
