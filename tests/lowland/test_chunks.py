"""Screening many parcels in chunks, in worker processes
(:func:`naturkapital.lowland.screening.measure_parcels`), changes no number and keeps
every check of the one-piece screening."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.affinity import translate

from naturkapital.core import parallel
from naturkapital.core.errors import InputError
from naturkapital.core.parallel import map_chunks
from naturkapital.lowland import screening
from naturkapital.lowland.cells import LowlandRasters
from naturkapital.lowland.parcels import ParcelFields, read_parcels
from naturkapital.lowland.rules import load_emission_factors, load_rules

from .conftest import write_raster
from .test_cells_paths import maps  # noqa: F401  (fixture)


def _parcels(gdf: gpd.GeoDataFrame, tmp: Path) -> gpd.GeoDataFrame:
    """The parcels as a user's file read by read_parcels: rotation, some bids."""
    out = gdf.copy()
    out["omdrift"] = ["ja" if i % 3 else "nej" for i in range(len(out))]
    out["bud"] = np.where(np.arange(len(out)) % 4 == 0, 90_000.0, np.nan)
    out.to_file(tmp / "parcels.gpkg")
    return read_parcels(tmp / "parcels.gpkg", "parcel_id", ParcelFields("omdrift", "bud"),
                        load_rules())


def _screen(parcels: gpd.GeoDataFrame, r: LowlandRasters, chunk: int, workers: int,
            monkeypatch: pytest.MonkeyPatch) -> screening.ScreenResult:
    monkeypatch.setattr(screening, "CHUNK_PARCELS", chunk)
    monkeypatch.setattr(parallel, "_workers", workers)
    monkeypatch.delenv("NATURKAPITAL_WORKERS", raising=False)
    return screening.screen(parcels, r, load_rules(), load_emission_factors(), None,
                            "parcels.gpkg")


@pytest.mark.parametrize("chunk,workers", [(7, 1), (7, 2), (13, 2)])
def test_chunks_and_workers_change_no_number(maps, chunk: int, workers: int,  # noqa: F811
                                             tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    r, gdf = maps
    parcels = _parcels(gdf, tmp_path)
    whole = _screen(parcels, r, 1_000_000, 1, monkeypatch)
    parts = _screen(parcels, r, chunk, workers, monkeypatch)
    pd.testing.assert_frame_equal(whole.table, parts.table)
    assert whole.meta == parts.meta
    for pid in parcels["parcel_id"]:
        assert repr(whole.verdicts[pid]) == repr(parts.verdicts[pid])  # NaN != NaN
    assert whole.table["peat_area_ha"].nunique() > 10  # parcels differ: a real comparison


def test_chunked_checks_hold_for_all_parcels(maps, tmp_path: Path,  # noqa: F811
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    r, gdf = maps
    parcels = _parcels(gdf, tmp_path)
    # every parcel moved off the rasters: one error naming the parcels file
    away = parcels.copy()
    away["geometry"] = away.geometry.apply(lambda g: translate(g, 100_000, 0))
    with pytest.raises(InputError, match="parcels.gpkg: every parcel lies outside"):
        _screen(away, r, 7, 2, monkeypatch)
    # a chunk without peat data is fine; a peat map without data anywhere is not
    blank = write_raster(tmp_path / "blank.tif", np.full((60, 80), -9999.0))
    no_peat = LowlandRasters(r.carbon, r.water_table, blank)
    with pytest.raises(InputError, match="blank.tif: the peat-depth raster has no data"):
        _screen(parcels, no_peat, 7, 2, monkeypatch)


def _fails_on_two(x: int) -> int:
    if x == 2:
        raise InputError("bids.csv", "a bid of inf")
    return x * 10


def test_map_chunks_keeps_order_and_raises_the_workers_error() -> None:
    seen: list[int] = []
    assert map_chunks(_fails_on_two, [0, 1, 3, 4], 2, done=seen.append) == [0, 10, 30, 40]
    assert seen == [0, 1, 2, 3]
    with pytest.raises(InputError, match="^bids.csv: a bid of inf$") as err:
        map_chunks(_fails_on_two, [0, 1, 2, 3], 2)
    assert err.value.source == "bids.csv" and err.value.problem == "a bid of inf"


def test_workers_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "_workers", 1)
    monkeypatch.delenv("NATURKAPITAL_WORKERS", raising=False)
    assert parallel.workers() == 1
    parallel.set_workers(3)
    assert parallel.workers() == 3
    monkeypatch.setenv("NATURKAPITAL_WORKERS", "2")
    assert parallel.workers() == 2
