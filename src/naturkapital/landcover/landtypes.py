"""The eight land types of the Natural Capital Index (DCE / DN method)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LandType:
    """One NKI land type with its Danish and English label and its diagram colour."""

    key: str
    da: str
    en: str
    colour: str
    nature: bool


LAND_TYPES: tuple[LandType, ...] = (
    LandType("skov", "Skov", "Forest", "#2f6b3a", True),
    LandType("soe", "Sø", "Lakes", "#2c7fb8", True),
    LandType("eng_mose", "Eng og mose", "Meadow, salt marsh, bog", "#7fbf9f", True),
    LandType("hede_overdrev", "Hede og overdrev", "Heath, dry grassland, dunes", "#a26fa8",
             True),
    LandType("mark", "Mark", "Fields", "#e8c766", False),
    LandType("by_groen", "Byernes grønne områder", "Urban green areas", "#a9cf6e", False),
    LandType("by_graa", "Byernes grå og brune områder", "Urban grey and brown areas",
             "#8c8c8c", False),
    LandType("andet", "Andet", "Other", "#d4d4d4", False),
)

KEYS: tuple[str, ...] = tuple(t.key for t in LAND_TYPES)
NATURE_KEYS: tuple[str, ...] = tuple(t.key for t in LAND_TYPES if t.nature)
URBAN_KEYS: tuple[str, ...] = ("by_groen", "by_graa")
BY_KEY: dict[str, LandType] = {t.key: t for t in LAND_TYPES}
