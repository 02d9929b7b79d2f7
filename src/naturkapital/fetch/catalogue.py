"""The catalogue of national sources a project needs (``sources.csv``, one row each).

Each row says who publishes the data, under which licence, through which kind of
service (``wfs``, ``wcs``, ``wms``, ``atom-zip``, ``dataverse``, ``https``), the
endpoint and layer, CRS and units, which input it feeds, whether a user token is
needed (and the environment variable that holds it), and when and how the entry was
last verified — with the documentation page it was read from (``source``).

An endpoint is overridable (tests, mirrors, a newer layer): ``--endpoint`` on the
command line or the environment variable ``NATURKAPITAL_ENDPOINT_<NAME>`` (the name in
upper case, ``-`` as ``_``), e.g. ``NATURKAPITAL_ENDPOINT_MARKBLOKKE``; the layer
likewise with ``NATURKAPITAL_LAYER_<NAME>``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

from naturkapital.core.errors import InputError
from naturkapital.io.tables import read_csv_table

SOURCES_CSV = Path(__file__).resolve().with_name("sources.csv")
SERVICES = ("wfs", "wcs", "wms", "atom-zip", "dataverse", "https")
OUTPUTS = ("gpkg", "tif", "pbf")


@dataclass(frozen=True)
class Source:
    """One national source (a row of ``sources.csv``)."""

    name: str
    title: str
    publisher: str
    licence: str
    service: str
    endpoint: str
    layer: str
    crs: str
    units: str
    feeds: str
    output: str
    token_env: str
    token_help: str
    to_raster: str
    verified: str
    verified_date: str
    source: str

    @property
    def env_key(self) -> str:
        return self.name.upper().replace("-", "_")

    def endpoint_for(self, override: str | None = None) -> str:
        """The endpoint to use: ``override``, the environment, else the catalogue's."""
        url = (
            override or os.environ.get(f"NATURKAPITAL_ENDPOINT_{self.env_key}") or self.endpoint
        ).strip()
        if not url:
            raise InputError(
                f"data fetch {self.name}",
                f"no documented endpoint ({self.verified}); give one with "
                f"--endpoint URL or NATURKAPITAL_ENDPOINT_{self.env_key}=URL",
            )
        return url

    def layer_for(self) -> str:
        return (os.environ.get(f"NATURKAPITAL_LAYER_{self.env_key}") or self.layer).strip()

    def token(self) -> str | None:
        """The user's token (from ``token_env``); InputError naming the variable when a
        token is needed and not set."""
        if not self.token_env:
            return None
        value = os.environ.get(self.token_env, "").strip()
        if not value:
            raise InputError(
                f"data fetch {self.name}",
                f"{self.publisher} needs a personal token: set "
                f"{self.token_env}=<token> ({self.token_help})",
            )
        return value


COLUMNS = tuple(f.name for f in fields(Source))


@lru_cache(maxsize=4)
def _load(path: str) -> dict[str, Source]:
    table = read_csv_table(path, "sources catalogue", COLUMNS, dtype=str)
    out: dict[str, Source] = {}
    for row in table.to_dict("records"):
        src = Source(**{c: str(row[c]).strip() for c in COLUMNS})
        if src.service not in SERVICES:
            raise InputError(
                path,
                f"source {src.name}: service {src.service!r} is not one of {', '.join(SERVICES)}",
            )
        if src.output not in OUTPUTS:
            raise InputError(
                path, f"source {src.name}: output {src.output!r} is not one of {', '.join(OUTPUTS)}"
            )
        out[src.name] = src
    return out


def load_sources(path: str | Path = SOURCES_CSV) -> dict[str, Source]:
    """All catalogue entries by name."""
    return _load(str(path))


def get_source(name: str) -> Source:
    """The entry ``name``; InputError listing the names otherwise."""
    sources = load_sources()
    if name not in sources:
        raise InputError(
            name, f"unknown source; the catalogue has {', '.join(sources)} (naturkapital data list)"
        )
    return sources[name]
