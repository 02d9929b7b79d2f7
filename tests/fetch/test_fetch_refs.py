"""``urban --city fetch:osm:REGION`` and ``nki --bioscore fetch:NAME:KOMMUNE`` against the
emulator: the fetched file is used and the output names its version."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin

from naturkapital.core.errors import InputError
from naturkapital.data.catalogue import DATA_DIR
from naturkapital.fetch.get import resolve_ref


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "naturkapital", "--allow-network", *args],
        capture_output=True,
        text=True,
        env={**os.environ},
        timeout=600,
    )


def test_urban_city_from_a_fetched_osm_extract(emu, tmp_path) -> None:
    pbf = (DATA_DIR / "urban" / "copenhagen_2011.osm.pbf").read_bytes()
    emu.files["dk.osm.pbf"] = pbf
    out = tmp_path / "by.json"
    r = _run("urban", "--city", "fetch:osm:denmark", "--quiet", "--out", str(out))
    assert r.returncode == 0, r.stderr
    meta = json.loads(out.read_text())["metadata"]
    (e,) = meta["fetched"]
    assert e["name"] == "osm-denmark" and e["licence"].startswith("ODbL")
    import hashlib

    assert e["sha256"] == hashlib.sha256(pbf).hexdigest()  # whole file, not clipped


def test_nki_bioscore_from_a_fetched_raster(emu, tmp_path, monkeypatch) -> None:
    from naturkapital.fetch.get import municipality_area

    minx, miny, maxx, maxy = municipality_area("563").bounds  # Fanø: small
    w, h = int((maxx - minx) // 100) + 2, int((maxy - miny) // 100) + 2
    prof = {
        "driver": "GTiff",
        "width": w,
        "height": h,
        "count": 1,
        "dtype": "float32",
        "crs": "EPSG:25832",
        "transform": from_origin(minx - 100, maxy + 100, 100, 100),
        "nodata": -1.0,
    }
    with rasterio.MemoryFile() as mem:
        with mem.open(**prof) as ds:
            ds.write(np.full((h, w), 7.0, dtype="float32"), 1)
        emu.files["bioscore.tif"] = mem.read()
    monkeypatch.setenv("NATURKAPITAL_ENDPOINT_BIOSCORE", f"{emu.url}/files/bioscore.tif")
    out = tmp_path / "nki.json"
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "naturkapital",
            "--allow-network",
            "nki",
            "--bioscore",
            "fetch:bioscore:563",
            "--quiet",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        env={**os.environ},
        timeout=600,
    )
    assert r.returncode == 0, r.stderr
    meta = json.loads(out.read_text())["metadata"]
    assert meta["fetched"][0]["name"] == "bioscore"
    assert meta["fetched"][0]["area"].startswith("kommune 563")


def test_bad_fetch_reference_says_the_syntax(cache) -> None:
    with pytest.raises(InputError, match="fetch:osm:REGION"):
        resolve_ref("fetch:", "--city", cache)


def test_osm_extract_cut_to_a_municipality_reuses_the_whole_file(emu, cache) -> None:
    import osmium

    from naturkapital.fetch.get import fetch, municipality_area

    pbf = (DATA_DIR / "urban" / "copenhagen_2011.osm.pbf").read_bytes()
    emu.files["dk.osm.pbf"] = pbf
    path, entry = resolve_ref("fetch:osm:denmark:147", "--city", cache)  # Frederiksberg
    assert entry["area"].startswith("kommune 147") and "cut from" in entry["note"]
    n = len(emu.requests)
    other = fetch("osm-denmark", municipality_area("101"), cache)  # København
    assert len(emu.requests) == n == 1  # both cut from the one cached download
    # Frederiksberg's box holds fewer objects than København's (the demo's whole area)
    assert 0 < path.stat().st_size < other["bytes"]

    # every way in the cut is as complete as in the source: its nodes are in the file
    def dangling(p) -> set[int]:
        nodes: set[int] = set()
        refs: set[int] = set()
        for o in osmium.FileProcessor(str(p)):
            if o.is_node():
                nodes.add(o.id)
            elif o.is_way():
                refs.update(nd.ref for nd in o.nodes)
        return refs - nodes

    src = cache / "_src.osm.pbf"
    src.write_bytes(pbf)
    assert dangling(path) <= dangling(src)
