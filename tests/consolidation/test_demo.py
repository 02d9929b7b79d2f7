"""The Endelave demo end to end: labelled "constructed for the demo" in every output,
the project in one piece, every owner within the tolerance, and ``scenario evaluate``
runs on the plan."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd

from tests.conftest import run_cli

LABEL = "constructed for the demo"


def test_endelave_demo(tmp_path):
    plan, bal, sw = tmp_path / "plan.gpkg", tmp_path / "balance.csv", tmp_path / "swaps.json"
    png, html, pdf = tmp_path / "map.png", tmp_path / "plan.html", tmp_path / "plan.pdf"
    r = run_cli("consolidate", "--demo", "endelave", "--time-limit", "10", "--plan",
                str(plan), "--out", str(bal), "--swaps", str(sw), "--map", str(png),
                "--report", str(html))
    assert r.returncode == 0, r.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page = html.read_text(encoding="utf-8")
    assert LABEL in page and "Balance pr. ejer" in page and "Byttelist" in page
    assert page.count("<tr>") >= 8 + 1  # every owner's balance row at least
    from naturkapital.report.html import write_html_or_pdf
    write_html_or_pdf(page, pdf, tmp_path)
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert LABEL in r.stdout
    b = pd.read_csv(bal, encoding="utf-8-sig")
    assert (b["label"].str.contains(LABEL)).all()
    assert (b["land_balance_pct"].abs() <= 5 + 1e-6).all()
    doc = json.loads(sw.read_text(encoding="utf-8"))
    assert LABEL in doc["metadata"]["label"]
    assert doc["metadata"]["summary"]["project_pieces"] == 1
    assert all(LABEL in row["label"] for row in doc["rows"])
    scen = gpd.read_file(plan)
    assert (scen["note"].str.contains(LABEL)).all()
    assert set(scen["to_class"]) == {7}  # groundwater protection → Basemap04 7
    ev = run_cli("scenario", "evaluate", "--scenario", str(plan))
    assert ev.returncode == 0, ev.stderr


def test_demo_or_files_not_both(tmp_path):
    r = run_cli("consolidate", "--demo", "endelave", "--parcels", str(tmp_path / "x.gpkg"))
    assert r.returncode == 2 and "--demo" in r.stderr
    r = run_cli("consolidate", "--farms", str(tmp_path / "x.gpkg"))
    assert r.returncode == 2 and "--parcels" in r.stderr
