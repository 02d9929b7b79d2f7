"""``naturkapital accounts`` on the tiny two-epoch raster (in-process; the real-data test
runs the installed command): Parquet, JSON and the workbook hold the numbers of the
Python API."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow.parquet as pq
import pytest
from typer.main import get_command

from naturkapital.accounts.compute import compute_accounts
from naturkapital.cli.app import app


def run(*args: str, capsys) -> str:
    get_command(app).main(list(args), standalone_mode=False)
    return capsys.readouterr().out


def test_outputs_equal_the_api(two_epochs, tmp_path, capsys):
    e = two_epochs
    outs = {s: tmp_path / f"acc.{s}" for s in ("parquet", "json", "xlsx")}
    base = ["accounts", "--from", str(e["from"]), "--to", str(e["to"]), "--zones",
            str(e["zones"]), "--id-field", "zid", "--scheme", str(e["scheme"]), "--typology",
            str(e["typology"]), "--zone", "A"]
    out = run(*base, "--out", str(outs["parquet"]), "--workbook", str(outs["xlsx"]),
              capsys=capsys)
    assert "Udstrækning (extent)" in out and "Tilstand (condition)" in out
    run(*base, "--account", "extent", "-q", "--out", str(outs["json"]), capsys=capsys)
    api = compute_accounts(e["from"], e["to"], e["zones"], "zid", scheme=e["scheme"],
                           typology=e["typology"]).table
    pt = pd.read_parquet(outs["parquet"])
    assert len(pt) == len(api)
    assert pt["value"].fillna(-1).to_numpy() == pytest.approx(
        api["value"].fillna(-1).to_numpy())
    meta = json.loads(pq.read_schema(outs["parquet"]).metadata[b"naturkapital"])
    assert meta["period"] == "1990-2018" and meta["assumptions"]
    doc = json.loads(outs["json"].read_text(encoding="utf-8"))
    assert {row["account"] for row in doc["rows"]} == {"extent"}
    assert doc["metadata"]["from"] == "lc1990.tif"
    assert outs["xlsx"].stat().st_size > 5_000


def test_geopackage_for_qgis(two_epochs, tmp_path, capsys):
    """.gpkg: one row per zone with its polygon and the extent per type, for maps."""
    import geopandas as gpd

    e = two_epochs
    out = tmp_path / "acc.gpkg"
    run("accounts", "--from", str(e["from"]), "--to", str(e["to"]), "--zones", str(e["zones"]),
        "--id-field", "zid", "--scheme", str(e["scheme"]), "--typology", str(e["typology"]),
        "-q", "--out", str(out), capsys=capsys)
    g = gpd.read_file(out, layer="acc").set_index("zone_id")
    assert sorted(g.index) == ["A", "B"] and g.crs is not None
    assert g.loc["A", "urban_closing_ha"] == pytest.approx(0.04)
    assert g.loc["A", "sparsely_vegetated_net_change_ha"] == pytest.approx(-0.01)
    assert g.loc["B", "area_ha"] == pytest.approx(0.03)
    assert g.loc["A", "nki_opening"] == pytest.approx(560 / 13)
