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
    cmd = [sys.executable, "-m", "naturkapital", "--allow-network", "lowland", "screen",
           "--kommune", "760", "--fetch", "--cache", str(cache), "--out", str(out)]
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
    rows = doc["rows"]
    assert len(rows) > 0
    # a second run is served from the cache: no request reaches the services
    n = len(emu.requests)
    r2 = subprocess.run(cmd, capture_output=True, text=True,
                        env={**_env(), "NATURKAPITAL_ALLOW_NETWORK": "0"}, timeout=600)
    assert r2.returncode == 0, r2.stderr
    assert len(emu.requests) == n


def test_lowland_screen_without_maps_or_fetch_says_how(tmp_path) -> None:
    r = subprocess.run([sys.executable, "-m", "naturkapital", "lowland", "screen",
                        "--kommune", "760"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 2
    assert "--fetch" in r.stderr and r.stderr.count("\n") == 1
