"""``naturkapital data``: fetch, clip, cache, resume, checksum, token, errors, timeout —
all against the loopback emulator (``emulator.py``), never the internet."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
from rasterio.mask import mask
from shapely.geometry import mapping

from naturkapital.core.errors import InputError
from naturkapital.fetch import catalogue
from naturkapital.fetch.get import bbox_area, clip_raster, fetch, municipality_area

from .conftest import TOKEN


def _with_source(monkeypatch, src: catalogue.Source) -> None:
    """The catalogue plus (or with a changed) ``src``."""
    sources = {**catalogue.load_sources(), src.name: src}
    monkeypatch.setattr(catalogue, "load_sources", lambda *a, **k: sources)


def _box(region) -> str:
    return ",".join(str(v) for v in region)


# ---------------------------------------------------------------- catalogue
def test_catalogue_rows_are_complete() -> None:
    sources = catalogue.load_sources()
    assert {
        "dagi-kommuner",
        "markblokke",
        "kulstof2022",
        "gvsmax",
        "toerv2022",
        "bioscore",
        "osm-denmark",
    } <= set(sources)
    for s in sources.values():
        assert s.publisher and s.licence and s.source and s.verified and s.verified_date
        assert s.feeds and s.crs.startswith(("EPSG:",))
        if s.endpoint:  # a documented endpoint is never claimed as live-checked
            assert s.endpoint.startswith("https://")
            assert "not live-checked" in s.verified
        else:
            assert "not found" in s.verified
    assert sources["dagi-kommuner"].token_env == "NATURKAPITAL_DATAFORSYNINGEN_TOKEN"


# ---------------------------------------------------------------- WFS, clip
@pytest.mark.parametrize("json_output", [True, False], ids=["geojson", "gml"])
def test_wfs_fetch_clips_like_a_direct_clip(emu, data, region, cache, json_output) -> None:
    emu.json_output = json_output
    area = bbox_area(_box((region[0] + 250, region[1] + 250, region[2] - 250, region[3])))
    entry = fetch("markblokke", area, cache)
    got = gpd.read_file(entry["path"])
    want = gpd.clip(data["parcels"], area.geometry, keep_geom_type=True)
    assert got.crs.to_epsg() == 25832
    assert len(got) == len(want) == 36  # 6 × 6 squares cut by the box
    assert sorted(got["id"]) == sorted(want["id"])
    assert got.union_all().symmetric_difference(want.union_all()).area < 1e-3
    assert abs(got.area.sum() - 2500.0 * 2750.0) < 1e-3  # hand: the box, 2500 m × 2750 m
    req = [r for r in emu.requests if r["query"].get("request") == ["GetFeature"]]
    assert req and ("json" in req[0]["query"].get("outputformat", [""])[0]) == json_output


def test_wfs_pages_are_merged(emu, data, region, cache, monkeypatch) -> None:
    monkeypatch.setenv("NATURKAPITAL_WFS_PAGE", "10")
    entry = fetch("markblokke", bbox_area(_box(region)), cache)
    assert len(gpd.read_file(entry["path"])) == 36  # all 6 × 6 squares
    pages = [r["query"] for r in emu.requests if r["query"].get("request") == ["GetFeature"]]
    assert [(p.get("startindex", ["0"]), p["count"]) for p in pages] == [
        (["0"], ["10"]),
        (["10"], ["10"]),
        (["20"], ["10"]),
        (["30"], ["10"]),
    ]


def test_fetch_clips_to_the_municipality(emu, data, region, cache) -> None:
    entry = fetch("markblokke", municipality_area("760"), cache)
    got = gpd.read_file(entry["path"])
    k760 = municipality_area("760").geometry
    want = gpd.clip(data["parcels"], k760, keep_geom_type=True)
    assert 0 < len(got) < len(data["parcels"])  # the box straddles the border
    assert abs(got.area.sum() - want.area.sum()) < 1e-3
    assert got.union_all().difference(k760.buffer(1e-6)).area < 1e-3


# ---------------------------------------------------------------- WCS, reprojection
def test_wcs_coverage_equals_a_direct_clip(emu, data, region, cache, monkeypatch) -> None:
    src = replace(
        catalogue.get_source("gvsmax"), service="wcs", layer="gvsmax", endpoint=f"{emu.url}/wcs"
    )
    monkeypatch.delenv("NATURKAPITAL_ENDPOINT_GVSMAX")
    _with_source(monkeypatch, src)
    area = bbox_area(_box((region[0] + 300, region[1] + 300, region[0] + 1800, region[1] + 1400)))
    entry = fetch("gvsmax", area, cache)
    with rasterio.open(entry["path"]) as got, rasterio.open(data["coverage"]) as ds:
        want, wt = mask(ds, [mapping(area.geometry)], crop=True)
        assert got.crs.to_epsg() == 25832 and got.transform == wt
        np.testing.assert_array_equal(got.read(), want)
    assert want.shape == (1, 11, 15)  # 1500 m × 1100 m at 100 m


def test_https_raster_is_reprojected_to_25832(emu, data, region, cache) -> None:
    area = bbox_area(_box((region[0], region[1], region[0] + 1000, region[1] + 1000)))
    entry = fetch("toerv2022", area, cache)
    with rasterio.open(entry["path"]) as got:
        assert got.crs.to_epsg() == 25832
        vals = got.read(1, masked=True)
        assert vals.count() > 0
        # peat = 50 + 5·row (rows 0–39) of the source grid: bilinear stays within the range
        assert 50.0 <= vals.min() and vals.max() <= 245.0
        assert got.bounds.left >= area.bounds[0] - 100 and got.bounds.top <= area.bounds[3] + 100


def test_dataverse_file_api(emu, data, region, cache, monkeypatch) -> None:
    src = replace(
        catalogue.get_source("toerv2022"),
        service="dataverse",
        layer="doi:10.5072/FK2/EMU",
        endpoint=f"{emu.url}/dataverse",
    )
    monkeypatch.delenv("NATURKAPITAL_ENDPOINT_TOERV2022")
    _with_source(monkeypatch, src)
    area = bbox_area(_box((region[0], region[1], region[0] + 1000, region[1] + 1000)))
    fetch("toerv2022", area, cache)
    r = emu.requests[-1]
    assert r["path"] == "/dataverse/api/access/datafile/:persistentId"
    assert r["query"]["persistentid"] == ["doi:10.5072/FK2/EMU"]


# ---------------------------------------------------------------- zip, resume, cache
def test_zip_download_resumes_with_a_range_request(emu, region, cache) -> None:
    emu.break_after = 1000  # the first response stops after 1000 bytes
    area = bbox_area(_box(region))
    entry = fetch("gvsmax", area, cache)
    ranges = [r["range"] for r in emu.requests if r["path"] == "/files/gvsmax.zip"]
    assert ranges == [None, "bytes=1000-"]
    with rasterio.open(entry["path"]) as ds:
        assert ds.crs.to_epsg() == 25832 and ds.read(1, masked=True).max() < 0


def test_resume_from_a_part_file_left_by_an_earlier_run(emu, data, region, cache) -> None:
    part = cache / "_downloads" / "gvsmax-gvsmax.zip.part"
    part.parent.mkdir(parents=True)
    part.write_bytes(data["gvs_zip"][:500])
    fetch("gvsmax", bbox_area(_box(region)), cache)
    assert [r["range"] for r in emu.requests] == ["bytes=500-"]


def test_cache_hit_makes_no_request_and_manifest_names_the_source(emu, region, cache) -> None:
    area = bbox_area(_box(region))
    first = fetch("markblokke", area, cache)
    n = len(emu.requests)
    second = fetch("markblokke", area, cache)
    assert len(emu.requests) == n and second["cache"] == "hit"
    assert second["sha256"] == first["sha256"]
    man = json.loads((cache / "manifest.json").read_text())["entries"]
    e = man[f"markblokke/{area.key}"]
    assert e["publisher"].startswith("Landbrugsstyrelsen") and e["bytes"] > 0
    assert e["url"] == f"{emu.url}/wfs" and len(e["sha256"]) == 64


def test_cache_hit_needs_no_network(emu, region, cache, monkeypatch) -> None:
    area = bbox_area(_box(region))
    fetch("markblokke", area, cache)
    monkeypatch.delenv("NATURKAPITAL_ALLOW_NETWORK")
    assert fetch("markblokke", area, cache)["cache"] == "hit"


def test_checksum_mismatch_is_one_clear_error(emu, region, cache) -> None:
    area = bbox_area(_box(region))
    path = Path(fetch("markblokke", area, cache)["path"])
    with open(path, "ab") as fh:
        fh.write(b"tampered")
    with pytest.raises(InputError, match="checksum mismatch.*--refresh"):
        fetch("markblokke", area, cache)
    assert fetch("markblokke", area, cache, refresh=True)["cache"] == "fetched"


# ---------------------------------------------------------------- refusals and errors
def test_network_off_by_default(emu, region, cache, monkeypatch) -> None:
    monkeypatch.delenv("NATURKAPITAL_ALLOW_NETWORK")
    with pytest.raises(InputError, match="network access is off.*--allow-network"):
        fetch("markblokke", bbox_area(_box(region)), cache)
    assert emu.requests == []


def test_token_missing_names_the_variable(emu, region, cache, monkeypatch) -> None:
    monkeypatch.delenv("NATURKAPITAL_DATAFORSYNINGEN_TOKEN", raising=False)
    with pytest.raises(InputError, match="NATURKAPITAL_DATAFORSYNINGEN_TOKEN.*dataforsyningen"):
        fetch("dagi-kommuner", bbox_area(_box(region)), cache)
    assert emu.requests == []


def test_token_is_sent_as_a_header_and_kept_out_of_the_manifest(
    emu, region, cache, monkeypatch
) -> None:
    emu.require_token = TOKEN
    monkeypatch.setenv("NATURKAPITAL_DATAFORSYNINGEN_TOKEN", TOKEN)
    fetch("dagi-kommuner", bbox_area(_box(region)), cache)
    assert all(r["token"] == TOKEN for r in emu.requests)
    assert TOKEN not in (cache / "manifest.json").read_text()


def test_service_error_names_status_and_service(emu, region, cache) -> None:
    emu.status = 500
    with pytest.raises(InputError, match=r"markblokke WFS .*/wfs: .*HTTP 500"):
        fetch("markblokke", bbox_area(_box(region)), cache)
    emu.status = 404
    with pytest.raises(InputError, match=r"gvsmax atom-zip .*HTTP 404"):
        fetch("gvsmax", bbox_area(_box(region)), cache)


def test_timeout_is_one_clear_error(emu, region, cache, monkeypatch) -> None:
    monkeypatch.setenv("NATURKAPITAL_FETCH_TIMEOUT", "0.3")
    emu.delay = 1.5
    with pytest.raises(InputError, match="did not answer within 0.3 s"):
        fetch("gvsmax", bbox_area(_box(region)), cache)


def test_no_documented_endpoint_says_how_to_give_one(cache, region) -> None:
    with pytest.raises(InputError, match="NATURKAPITAL_ENDPOINT_BIOSCORE"):
        fetch("bioscore", bbox_area(_box(region)), cache)


def test_bad_bbox_and_kommune(cache) -> None:
    with pytest.raises(InputError, match="--bbox"):
        bbox_area("1,2,3")
    with pytest.raises(InputError, match="no embedded municipality has code 999"):
        municipality_area("999")


def test_clip_raster_outside_the_area_is_an_error(tmp_path, data, region) -> None:
    far = bbox_area("100000,6000000,101000,6001000")
    with pytest.raises(InputError, match="does not cover the area"):
        clip_raster(data["coverage"], far, tmp_path / "x.tif")


# ---------------------------------------------------------------- command line
def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    import os

    return subprocess.run(
        [sys.executable, "-m", "naturkapital", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


def test_cli_data_list_shows_every_source() -> None:
    r = _cli("data", "list")
    assert r.returncode == 0, r.stderr
    for name in catalogue.load_sources():
        assert name in r.stdout
    assert "ODbL" in r.stdout and "not live-checked" in r.stdout


def test_cli_refuses_network_by_default(tmp_path) -> None:
    r = _cli(
        "data",
        "fetch",
        "markblokke",
        "--kommune",
        "760",
        "--cache",
        str(tmp_path),
        env={
            "NATURKAPITAL_ALLOW_NETWORK": "0",
            "NATURKAPITAL_ENDPOINT_MARKBLOKKE": "http://127.0.0.1:9/wfs",
        },
    )
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and "--allow-network" in r.stderr
    assert not any(tmp_path.iterdir())


def test_cli_fetch_and_check_against_the_emulator(emu, region, tmp_path) -> None:
    env = {k: v for k, v in __import__("os").environ.items() if k.startswith("NATURKAPITAL")}
    r = _cli(
        "--allow-network",
        "data",
        "fetch",
        "markblokke",
        "--bbox",
        _box(region),
        "--cache",
        str(tmp_path / "c"),
        env=env,
    )
    assert r.returncode == 0, r.stderr
    assert "hentet (fetched)" in r.stdout and "sha256" in r.stdout
    r = _cli("--allow-network", "data", "check", "markblokke", "gvsmax", "bioscore", env=env)
    assert "capabilities answered" in r.stdout and "skipped" in r.stdout
    assert r.returncode == 0, r.stdout
