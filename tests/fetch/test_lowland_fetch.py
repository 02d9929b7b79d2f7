"""``naturkapital lowland screen --kommune 760 --fetch`` end to end from an empty cache
against the service emulator."""

from __future__ import annotations

import json
import os
import subprocess
import sys


def _env() -> dict[str, str]:
    return {**os.environ}


def test_lowland_screen_fetches_everything_and_names_the_versions(emu, tmp_path) -> None:
    cache = tmp_path / "cache"
    out = tmp_path / "screening.json"
    cmd = [
        sys.executable,
        "-m",
        "naturkapital",
        "--allow-network",
        "lowland",
        "screen",
        "--kommune",
        "760",
        "--fetch",
        "--cache",
        str(cache),
        "--out",
        str(out),
    ]
    r = subprocess.run(cmd, capture_output=True, text=True, env=_env(), timeout=600)
    assert r.returncode == 0, r.stderr
    assert not any(p.name.endswith(".part") for p in cache.rglob("*"))
    doc = json.loads(out.read_text())
    meta = doc["metadata"]
    names = [e["name"] for e in meta["fetched"]]
    assert names == ["markblokke", "kulstof2022", "gvsmax", "toerv2022"]
    for e in meta["fetched"]:
        assert len(e["sha256"]) == 64 and e["fetched"].endswith("Z") and e["licence"]
    assert any("Kulstof 2022" in a and "assumption" in a for a in meta["assumptions"])
    rows = {r["parcel_id"]: r for r in doc["rows"]}
    # hand: 500 m parcels b0…b35 in 6 columns of 6; Kulstof polygons cover the two
    # western kilometres = columns 0–3 (b0…b23): there 100 % of the area has OC 9 % > 6 %
    # (parcels cut by the municipality border share edge cells: checked on whole ones)
    whole = {pid: r for pid, r in rows.items() if abs(r["area_ha"] - 25.0) < 1e-6}
    assert len(whole) >= 4
    assert all(
        r["share_oc_above_6_pct"] == (100.0 if int(pid[1:]) < 24 else 0.0)
        for pid, r in whole.items()
    )
    assert all(r["share_oc_above_6_pct"] == 0.0 for pid, r in rows.items() if int(pid[1:]) >= 24)
    assert {"eligible", "secondary"} <= {r["status"] for r in rows.values()}
    assert {r["status"] for pid, r in rows.items() if int(pid[1:]) >= 24} == {"ineligible"}
    # a second run is served from the cache: no request reaches the services
    n = len(emu.requests)
    r2 = subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        env={**_env(), "NATURKAPITAL_ALLOW_NETWORK": "0"},
        timeout=600,
    )
    assert r2.returncode == 0, r2.stderr
    assert len(emu.requests) == n


def test_lowland_screen_without_maps_or_fetch_says_how(tmp_path) -> None:
    r = subprocess.run(
        [sys.executable, "-m", "naturkapital", "lowland", "screen", "--kommune", "760"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 2
    assert "--fetch" in r.stderr and r.stderr.count("\n") == 1
