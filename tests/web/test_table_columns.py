"""The whole tables' headers come from server/tables/table_columns.csv."""

from __future__ import annotations

from naturkapital.landcover.landtypes import LAND_TYPES
from naturkapital.server.takeout import table_columns


def test_land_type_rows_expand_in_order() -> None:
    cols = table_columns("nki")
    keys = [c.key for c in cols]
    n = len(LAND_TYPES)
    first = keys.index(f"share_{LAND_TYPES[0].key}")
    assert keys[:2] == ["zone_id", "name"] and keys[-2:] == ["method", "assumption"]
    assert keys[first : first + 2 * n] == (
        [f"share_{t.key}" for t in LAND_TYPES] + [f"value_{t.key}" for t in LAND_TYPES]
    )
    share = cols[first]
    assert (share.da, share.en, share.digits) == (
        f"Andel % {LAND_TYPES[0].da}",
        f"share % {LAND_TYPES[0].en}",
        2,
    )
    assert cols[0].digits is None and cols[keys.index("area_ha")].digits == 0


def test_compare_headers() -> None:
    cols = table_columns("compare")
    assert [c.header() for c in cols[:3]] == [
        "Kode (code)",
        "Kommune (municipality)",
        "NKI fra (NKI from)",
    ]
    assert [c.key for c in cols][-1] == "method" and len(cols) == 11
