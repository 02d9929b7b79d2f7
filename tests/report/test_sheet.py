"""The municipality sheet: its numbers come from the models and add up; PDF, HTML and
Excel are written; the change between sources is labelled; the CLI writes it."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from naturkapital.core.errors import InputError
from naturkapital.io.vectors import ZONE_ID
from naturkapital.nki.compute import compare, compute_nki, load_zones
from naturkapital.report.sheet import (
    build_sheet,
    render_sheet_html,
    sheet_xlsx,
    source_of,
    write_sheet,
)


@pytest.fixture(scope="module")
def nki():  # noqa: ANN201
    return compute_nki()


@pytest.fixture(scope="module")
def change():  # noqa: ANN201
    return compare("corine:2012", "corine:2018", load_zones())


@pytest.fixture(scope="module")
def vejle(nki, change):  # noqa: ANN001, ANN201
    return build_sheet("630", result=nki, change=change)


def test_sheet_numbers_from_the_models(vejle, nki, change) -> None:  # noqa: ANN001
    row = nki.table[nki.table[ZONE_ID] == "630"].iloc[0]
    assert vejle.name == row["name"] == "Vejle"
    assert vejle.nki == pytest.approx(row["nki"])
    assert vejle.rank == int(row["rank"])
    # the contributions of the land types add up to the NKI; shares to 100 %
    assert sum(t["contribution"] or 0.0 for t in vejle.land_types) == pytest.approx(vejle.nki)
    assert sum(t["share_pct"] for t in vejle.land_types) == pytest.approx(100.0)
    # rank in the group, counted by hand from the table
    ranked = nki.table[(nki.table[ZONE_ID] != "0") & nki.table["rank"].notna()]
    peers = ranked[ranked["group"] == row["group"]].sort_values("nki", ascending=False)
    assert vejle.group_n == len(peers)
    assert vejle.group_rank == list(peers[ZONE_ID]).index("630") + 1
    c = change.table[change.table[ZONE_ID] == "630"].iloc[0]
    assert vejle.change["delta"] == pytest.approx(c["delta"])
    assert vejle.change["delta_area"] + vejle.change["delta_value"] == pytest.approx(c["delta"])
    # the level (Basemap04) and the change (CORINE) are different sources: said so
    assert any("forskellige kilder" in n for n in vejle.change["notes"])
    assert vejle.lowland is not None and vejle.lowland["n"] >= len(vejle.lowland["top"])
    assert vejle.urban is None  # the urban demo city is Copenhagen/Frederiksberg
    assert any("proxy" in n for n in vejle.notes)


def test_sources_labelled() -> None:
    assert source_of("basemap2021") == "Basemap04"
    assert source_of("corine:2018") == "CORINE"


def test_html_pdf_xlsx(vejle, tmp_path) -> None:  # noqa: ANN001
    html = render_sheet_html(vejle)
    assert "Vejle" in html and "NKI natur" in html and "VEJLEDENDE / INDICATIVE" in html
    assert "data:image/png;base64," in html
    wb = load_workbook(io.BytesIO(sheet_xlsx(vejle)))
    key = wb.worksheets[0]
    assert key["B2"].value == pytest.approx(vejle.nki) and key["B2"].data_type == "n"
    lt = wb.worksheets[1]
    assert lt.max_row == len(vejle.land_types) + 1
    assert "Om (about)" in wb.sheetnames


def test_change_between_same_source_has_no_source_note(nki) -> None:  # noqa: ANN001
    chg = compare("corine:2012", "corine:2018", load_zones())
    s = build_sheet(
        "101",
        landcover="corine:2018",
        result=compute_nki(landcover="corine:2018"),
        change=chg,
        lowland=False,
        with_urban=False,
    )
    assert s.change["notes"] == []


def test_unknown_zone(nki, change) -> None:  # noqa: ANN001
    with pytest.raises(InputError, match="unknown municipality code '9999'"):
        build_sheet("9999", result=nki, change=change)


def test_cli_writes_pdf(tmp_path) -> None:  # noqa: ANN001
    out = tmp_path / "fanoe.pdf"
    r = subprocess.run(
        [sys.executable, "-m", "naturkapital", "sheet", "--zone", "563", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr + r.stdout
    assert out.read_bytes().startswith(b"%PDF-")
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "naturkapital",
            "sheet",
            "--zone",
            "9999",
            "--out",
            str(tmp_path / "x.pdf"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert not (tmp_path / "x.pdf").exists()
    assert write_sheet  # the spec's run function is the one the CLI calls
