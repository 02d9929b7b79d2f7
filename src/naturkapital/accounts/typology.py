"""Ecosystem typology: land-cover classes → the EU (MAES) ecosystem types of SEEA EA.

Two sourced tables (a CSV each, with a ``source`` column; a row whose source is empty
or starts with ``assumption`` has no published source and is listed as an assumption
in every output that uses it):

* ``tables/ecosystem_types.csv`` — ``key,da,en,maes_group,colour,source``: the
  ecosystem types of the MAES typology (Maes et al. 2013) used in EU ecosystem
  accounting, with Danish and English labels, plus ``unmapped`` (not a type: zone
  area without a class) so the types of a zone sum to its area.
* ``tables/typology_corine.csv`` and ``tables/typology_basemap04.csv`` —
  ``value,label,ecosystem_type,nki_land_type,source``: each class code of the
  embedded maps → ecosystem type, and the link to the NKI's 8 land types.

A user typology (``--typology``) has the same columns (``label`` and
``nki_land_type`` optional).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from naturkapital.core.errors import InputError
from naturkapital.io.tables import check_known, check_unique_codes, read_csv_table
from naturkapital.landcover.landtypes import KEYS as LAND_TYPE_KEYS

TABLE_DIR = Path(__file__).resolve().parent / "tables"
TYPES_CSV = TABLE_DIR / "ecosystem_types.csv"
BUILTIN_TYPOLOGIES: dict[str, Path] = {
    "corine": TABLE_DIR / "typology_corine.csv",
    "basemap04": TABLE_DIR / "typology_basemap04.csv",
}
#: The balancing row: zone area without a land-cover class (not an ecosystem type).
UNMAPPED = "unmapped"
REQUIRED = ("value", "ecosystem_type", "source")


def is_assumption(source: object) -> bool:
    """True when a row has no published source (empty or ``assumption…``)."""
    s = str(source if source is not None else "").strip().lower()
    return s in ("", "nan") or s.startswith("assumption")


@dataclass(frozen=True)
class EcosystemType:
    """One ecosystem type with its Danish and English label and chart colour."""

    key: str
    da: str
    en: str
    colour: str
    source: str

    @property
    def label(self) -> str:
        return f"{self.da} / {self.en}"


def _types() -> tuple[EcosystemType, ...]:
    t = pd.read_csv(TYPES_CSV, dtype=str, keep_default_na=False)
    return tuple(EcosystemType(r.key, r.da, r.en, r.colour, r.source) for r in t.itertuples())


#: The ecosystem types in account order (``unmapped`` last).
ECOSYSTEM_TYPES: tuple[EcosystemType, ...] = _types()
TYPE_KEYS: tuple[str, ...] = tuple(t.key for t in ECOSYSTEM_TYPES)
BY_TYPE: dict[str, EcosystemType] = {t.key: t for t in ECOSYSTEM_TYPES}


@dataclass(frozen=True)
class Typology:
    """A validated class → ecosystem type table."""

    name: str
    path: Path
    table: pd.DataFrame  # value (int), label, ecosystem_type, nki_land_type, source, is_assumption

    def type_of(self) -> dict[int, str]:
        """Class code → ecosystem type key."""
        return dict(zip(self.table["value"].astype(int), self.table["ecosystem_type"],
                        strict=True))

    def unknown(self, values: np.ndarray) -> list[int]:
        """Class codes not in the table."""
        known = set(self.table["value"].astype(int).tolist())
        return sorted(int(v) for v in set(np.asarray(values).tolist()) - known)

    def assumptions(self, used: list[int] | None = None) -> list[str]:
        """Notes for the unsourced rows (only those in ``used`` when given)."""
        t = self.table if used is None else self.table[self.table["value"].isin(used)]
        return [f"typology {self.name} {int(r.value)} ({r.label}) → {r.ecosystem_type}: "
                f"{r.source or 'no source'}" for r in t[t["is_assumption"]].itertuples()]

    def sources(self, used: list[int] | None = None) -> list[str]:
        """Distinct sources of the rows used (or all)."""
        t = self.table if used is None else self.table[self.table["value"].isin(used)]
        return list(dict.fromkeys(t["source"]))


def load_typology(spec: str | Path) -> Typology:
    """A built-in typology by name (``corine``, ``basemap04``) or a CSV file."""
    if str(spec) in BUILTIN_TYPOLOGIES:
        path, name = BUILTIN_TYPOLOGIES[str(spec)], str(spec)
    else:
        path, name = Path(spec), Path(spec).stem
    table = read_csv_table(path, "typology", REQUIRED, {"source": str, "label": str})
    try:
        table["value"] = pd.to_numeric(table["value"], errors="raise").astype(int)
    except (ValueError, TypeError):
        raise InputError(path, "column value must hold whole class codes") from None
    check_known(table, "ecosystem_type", TYPE_KEYS, path)
    check_unique_codes(table, path)
    if "label" not in table.columns:
        table["label"] = table["value"].astype(str)
    if "nki_land_type" not in table.columns:
        table["nki_land_type"] = ""
    check_known(table, "nki_land_type", LAND_TYPE_KEYS, path, blank_ok=True)
    table["source"] = table["source"].fillna("").astype(str).str.strip()
    table["is_assumption"] = table["source"].map(is_assumption)
    cols = ["value", "label", "ecosystem_type", "nki_land_type", "source", "is_assumption"]
    return Typology(name, path, table[cols].reset_index(drop=True))


def typology_for(landcover_label: str, spec: str | Path | None = None) -> Typology:
    """The typology of a land cover: ``spec`` if given, else the built-in one of the
    embedded map (CORINE or Basemap04)."""
    if spec is not None:
        return load_typology(spec)
    if landcover_label.startswith("CORINE"):
        return load_typology("corine")
    if landcover_label.startswith("Basemap04"):
        return load_typology("basemap04")
    raise InputError("--typology", f"land cover {landcover_label} needs a typology CSV "
                                   "(value,ecosystem_type,source)")


def types_table() -> pd.DataFrame:
    """The ecosystem types as a table (for the workbook and the reference)."""
    return pd.read_csv(TYPES_CSV, dtype=str, keep_default_na=False)
