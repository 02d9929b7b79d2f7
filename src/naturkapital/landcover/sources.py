"""Resolve a land-cover argument (``basemap2021``, ``corine``, ``corine:2018``, a path)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from naturkapital.core.errors import InputError
from naturkapital.data.catalogue import CORINE_YEARS, dataset_path
from naturkapital.landcover.scheme import Scheme, load_scheme

#: The embedded land-cover maps by name.
EMBEDDED: tuple[str, ...] = ("basemap2021", "corine")
#: Years with an embedded map (CORINE epochs and Basemap04 2021).
YEARS: tuple[int, ...] = tuple(sorted(CORINE_YEARS)) + (2021,)
#: The embedded epochs as land-cover specs (``basemap2021``, ``corine:YEAR``).
EPOCHS: tuple[str, ...] = ("basemap2021",) + tuple(f"corine:{y}" for y in sorted(CORINE_YEARS))
#: The change the web app's compare tab opens with: the longest span within one dataset
#: (CORINE's oldest to newest epoch), so the change shown is not a change of source.
DEFAULT_CHANGE: tuple[str, str] = (f"corine:{min(CORINE_YEARS)}", f"corine:{max(CORINE_YEARS)}")


def epoch_of(landcover: str = "basemap2021", year: int | None = None) -> str:
    """``landcover`` + ``year`` → one of :data:`EPOCHS` (InputError otherwise)."""
    if landcover == "basemap2021":
        if year not in (None, 2021):
            raise InputError("year", f"Basemap04 is embedded for 2021 only, not {year}")
        return "basemap2021"
    if landcover == "corine":
        y = 2018 if year is None else year
        if y not in CORINE_YEARS:
            years = ", ".join(map(str, sorted(CORINE_YEARS)))
            raise InputError("year", f"CORINE is embedded for {years}, not {y}")
        return f"corine:{y}"
    raise InputError("landcover", f"unknown land cover '{landcover}'; use basemap2021 or "
                                  "corine")


@dataclass(frozen=True)
class Landcover:
    """A land-cover raster band and the scheme that reads its class codes."""

    path: Path
    band: int
    scheme: Scheme
    label: str


def resolve_landcover(
    spec: str | Path = "basemap2021",
    year: int | None = None,
    scheme: str | Path | None = None,
) -> Landcover:
    """Turn a CLI/API land-cover spec into a :class:`Landcover`.

    ``basemap2021`` is the embedded Basemap04 2021 (100 m); ``corine`` with ``year``
    or ``corine:YEAR`` an embedded CORINE epoch (1990, 2000, 2006, 2012, 2018); any
    other value is a raster path, which then needs ``scheme`` (a CSV table). A
    ``scheme`` given with an embedded map replaces its default table.
    """
    text = str(spec)
    if text == "basemap2021":
        if year not in (None, 2021):
            raise InputError("--year", f"Basemap04 is embedded for 2021 only, not {year}")
        return Landcover(dataset_path("basemap2021"), 1, load_scheme(scheme or "basemap04"),
                         "Basemap04 2021")
    if text == "corine" or text.startswith("corine:"):
        if text.startswith("corine:"):
            try:
                year = int(text.split(":", 1)[1])
            except ValueError:
                raise InputError(text, "write corine:YEAR, e.g. corine:2018") from None
        year = 2018 if year is None else year
        if year not in CORINE_YEARS:
            years = ", ".join(map(str, CORINE_YEARS))
            raise InputError("--year", f"CORINE is embedded for {years}, not {year}")
        return Landcover(dataset_path("corine"), CORINE_YEARS[year],
                         load_scheme(scheme or "corine"), f"CORINE {year}")
    path = Path(spec)
    if scheme is None:
        raise InputError(path, "a user land-cover raster needs --scheme CSV "
                               "(value,land_type,nature_value,source)")
    band = 1
    return Landcover(path, band, load_scheme(scheme), path.name + (f" {year}" if year else ""))
