"""The real-data run: all 98 municipalities (and Christiansø) and Denmark, CORINE 1990 →
2018, through the command line, with the long table, the workbook and the chart."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.conftest import run_cli

TOL = 0.01  # ha


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("accounts")
    out = {"csv": d / "accounts.csv", "xlsx": d / "accounts.xlsx", "png": d / "dk.png"}
    r = run_cli("accounts", "--from", "corine:1990", "--to", "corine:2018", "--out",
                str(out["csv"]), "--workbook", str(out["xlsx"]), "--chart", str(out["png"]))
    assert r.returncode == 0, r.stderr
    out["stdout"] = r.stdout
    return out


def test_all_municipalities_and_denmark(run):
    t = pd.read_csv(run["csv"], dtype={"zone_id": str}, encoding="utf-8-sig")
    ext = t[t["account"] == "extent"].pivot_table(
        index=["zone_id", "ecosystem_type"], columns="item", values="value")
    zones = set(t["zone_id"])
    assert len(zones) == 100  # 98 municipalities, Christiansø and Denmark ("0")
    assert np.allclose(ext["opening"] + ext["additions"] - ext["reductions"], ext["closing"],
                       atol=TOL)
    per_zone = ext.groupby(level="zone_id")[["opening", "closing"]].sum()
    assert np.allclose(per_zone["opening"], per_zone["closing"], atol=TOL)
    mun = ext.drop(index="0", level="zone_id").groupby(level="ecosystem_type").sum()
    dk = ext.xs("0", level="zone_id")
    assert np.allclose(mun.sort_index(), dk.loc[mun.index].sort_index(), atol=TOL)
    # Denmark's land area from the generalised boundaries: about 4.3 million ha
    assert 4.2e6 < per_zone.loc["0", "opening"] < 4.4e6
    # well-known direction of change 1990-2018: more forest and town, less farmland
    net = dk["net_change"]
    assert net["woodland_forest"] > 0 and net["urban"] > 0 and net["cropland"] < 0
    assert "Danmark" in run["stdout"] and "Skov og krat" in run["stdout"]
    svc = t[(t["account"] == "services") & (t["zone_id"] == "0")]
    stock = svc[svc["item"] == "carbon_stock"].groupby("period")["value"].sum()
    assert 2e8 < stock["1990"] < 5e8  # t C in Danish land, order of magnitude
    assert set(svc["kind"]) == {"physical", "monetary"}


def test_workbook_opens_in_the_seea_layout(run):
    from openpyxl import load_workbook

    wb = load_workbook(run["xlsx"], read_only=True)
    assert wb.sheetnames == ["Om (about)", "Udstrækning (extent)", "Ændringsmatrix (change)",
                             "Tilstand (condition)", "Tjenester (services)",
                             "Typologi (typology)"]
    rows = list(wb["Udstrækning (extent)"].iter_rows(min_row=3, max_row=9, values_only=True))
    assert rows[0][0].startswith("Danmark")
    assert [r[0].split(" / ")[1] for r in rows[2:7]] == [
        "Opening extent", "Additions to extent", "Reductions in extent",
        "Net change in extent", "Closing extent"]
    opening, add, red, _, closing = (r[1:] for r in rows[2:7])
    assert all(abs(o + a - r - c) < TOL for o, a, r, c in zip(opening, add, red, closing,
                                                             strict=True))
    assert run["png"].stat().st_size > 10_000
