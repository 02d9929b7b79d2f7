"""Every NKI command end to end, as a user runs it (a real subprocess)."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pytest

from tests.conftest import run_cli, write_zones

COLUMNS = ["zone_id", "name", "area_ha", "coverage_pct", "nki", "nki_nature", "rank",
           "rank_nature", "group"]


def test_nki_default_csv_json_gpkg(tmp_path):
    csv, js, gpkg = tmp_path / "nki.csv", tmp_path / "nki.json", tmp_path / "nki.gpkg"
    r = run_cli("nki", "--out", str(csv))
    assert r.returncode == 0, r.stderr
    assert "Fanø" in r.stdout and "open-data NKI (land-use proxy)" in r.stdout
    t = pd.read_csv(csv, encoding="utf-8-sig")
    for c in COLUMNS + [f"share_{k}" for k in ("skov", "soe", "eng_mose", "hede_overdrev",
                                               "mark", "by_groen", "by_graa", "andet")]:
        assert c in t.columns
    assert "value_by_graa" in t.columns
    assert t.iloc[0]["name"] == "Fanø"
    assert t.iloc[-1]["zone_id"] == 0
    assert run_cli("nki", "--out", str(js), "--top", "3").returncode == 0
    doc = json.loads(js.read_text(encoding="utf-8"))
    assert doc["metadata"]["method"].startswith("open-data NKI")
    assert len(doc["rows"]) == 100
    assert run_cli("nki", "--out", str(gpkg), "--top", "1").returncode == 0
    g = gpd.read_file(gpkg, layer="nki")
    assert g.crs is not None and len(g) == 100 and g.geometry.notna().sum() == 99
    meta = gpd.read_file(gpkg, layer="metadata")
    assert "assumptions" in set(meta["key"])


def test_nki_corine_year(tmp_path):
    out = tmp_path / "c.csv"
    r = run_cli("nki", "--landcover", "corine", "--year", "2018", "--out", str(out), "--top",
                "2")
    assert r.returncode == 0, r.stderr
    t = pd.read_csv(out, encoding="utf-8-sig")
    assert t["rank"].notna().sum() == 98
    assert "CORINE 2018" in r.stdout


def test_nki_user_zones_and_scheme(tiny, tmp_path):
    zones = write_zones(tmp_path / "z.gpkg", {"A": (0, 0, 4, 4), "B": (0, 0, 2, 2)})
    out = tmp_path / "u.csv"
    r = run_cli("nki", "--zones", str(zones), "--id-field", "zid", "--name-field", "navn",
                "--landcover", str(tiny["raster"]), "--scheme", str(tiny["scheme"]),
                "--proxy", "class", "--out", str(out))
    assert r.returncode == 0, r.stderr
    t = pd.read_csv(out, encoding="utf-8-sig").set_index("zone_id")
    assert t.loc["B", "nki"] == pytest.approx(80.0)
    assert t.loc["A", "nki"] == pytest.approx(560 / 13, abs=1e-3)
    assert t.loc["B", "name"] == "Zone B"


def test_compare_cli(tmp_path):
    out = tmp_path / "cmp.csv"
    r = run_cli("compare", "--from", "corine:2012", "--to", "corine:2018", "--out", str(out),
                "--top", "3")
    assert r.returncode == 0, r.stderr
    t = pd.read_csv(out, encoding="utf-8-sig")
    for c in ["zone_id", "name", "nki_from", "nki_to", "delta", "delta_area", "delta_value",
              "rank_from", "rank_to"]:
        assert c in t.columns
    t = t.dropna(subset=["delta"])
    assert ((t["delta"] - t["delta_area"] - t["delta_value"]).abs() < 1e-3).all()
    assert "Metode- og dataskift" in r.stdout or "Method/data" in r.stdout


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_diagram_cli(tmp_path, suffix):
    out = tmp_path / f"d{suffix}"
    r = run_cli("diagram", "--zone", "563", "--out", str(out), "--second", "corine:2018")
    assert r.returncode == 0, r.stderr
    data = out.read_bytes()
    if suffix == ".png":
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    else:
        text = data.decode("utf-8")
        assert "<svg" in text and "Fan" in text


def test_diagram_nature_only(tmp_path):
    out = tmp_path / "n.svg"
    r = run_cli("diagram", "--zone", "185", "--kun-natur", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "NKI natur" in out.read_text(encoding="utf-8")


def test_validate_cli():
    r = run_cli("validate")
    assert r.returncode == 0, r.stderr
    line = next(x for x in r.stdout.splitlines() if "Spearman" in x)
    rho = float(line.split("=")[1].split()[0])
    assert rho >= 0.9


def test_calibrate_cli_reproduces_shipped_values(tmp_path):
    r = run_cli("calibrate", "--out-dir", str(tmp_path), "--proxy", "class")
    assert r.returncode == 0, r.stderr
    from naturkapital.landcover.scheme import BUILTIN_SCHEMES

    new = pd.read_csv(tmp_path / "basemap04.csv", encoding="utf-8-sig")
    shipped = pd.read_csv(BUILTIN_SCHEMES["basemap04"], encoding="utf-8-sig")
    assert new["nature_value"].tolist() == pytest.approx(shipped["nature_value"].tolist(),
                                                         abs=0.11)
    assert (tmp_path / "corine.csv").exists()


def test_help_is_bilingual():
    r = run_cli("--help")
    assert r.returncode == 0
    assert "naturkapitalindeks" in r.stdout.lower() and "Natural Capital Index" in r.stdout
