"""Two users take results out of the web app in a real browser (Debian's Chromium via
Playwright against ``naturkapital serve``):

* a BioScape project lead opens the Åstrup Kær demo in the scenario editor, gives an
  organic-carbon map, sees the project area's own results (a clear NKI change where
  Hedensted's figure hardly moves), and downloads the scenario report (PDF) and the
  result table (.xlsx);
* a nature officer in Vejle downloads the municipality sheet (PDF) and the land-type
  table (.xlsx).

Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import io
from pathlib import Path

import geopandas as gpd
import httpx
import pytest
from openpyxl import load_workbook

from .conftest import ARTIFACTS, Server
from .test_browser import Watch, browser  # noqa: F401  (the module's browser fixture)
from .test_takeout_api import _layers

pytestmark = [pytest.mark.web, pytest.mark.browser]


def _shot(page: object, name: str, full: bool = False) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"takeout-{name}.png"
    page.screenshot(path=str(path), full_page=full)
    return path


def _download(page: object, click: object, name: str) -> bytes:
    with page.expect_download(timeout=120_000) as info:
        click()
    dl = info.value
    target = ARTIFACTS / f"takeout-{name}"
    dl.save_as(str(target))
    return target.read_bytes()


def _num(text: str) -> float:
    return float(text.strip().replace("−", "-").lstrip("+").replace(".", "").replace(",", "."))


def test_project_lead_takes_out_the_scenario(
    browser: object,  # noqa: F811
    live_server: Server,
    tmp_path: Path,
) -> None:
    base = live_server.url
    demo = httpx.get(base + "/api/scenario/demos/aastrup_kaer", timeout=60).json()
    fc = gpd.GeoDataFrame.from_features(demo["features"], crs=4326)
    tif, _gw = _layers(tmp_path, tuple(fc.to_crs(25832).total_bounds))
    (tmp_path / "kulstof.tif").write_bytes(tif)

    ctx = browser.new_context(viewport={"width": 1400, "height": 950}, accept_downloads=True)
    page = ctx.new_page()
    watch = Watch(page, base)
    page.goto(base + "/")
    page.wait_for_selector("body[data-ready=true]", state="attached", timeout=60_000)
    page.locator(".tabs button[data-tab=scenario]").click()
    page.wait_for_function(
        "() => document.querySelectorAll('#scn-demo option').length === 4", timeout=30_000
    )
    page.select_option("#scn-demo", "aastrup_kaer")
    page.wait_for_function(
        "() => document.querySelectorAll('#scn-conv tbody tr').length === 4", timeout=30_000
    )
    # the service layers are form fields generated from the scenario-evaluate spec
    page.wait_for_selector("#scn-layers-form[data-ready=true]", state="attached", timeout=30_000)
    assert page.locator("#scn-layers-form-carbon").get_attribute("type") == "file"
    assert page.locator("#scn-layers-form-groundwater").get_attribute("type") == "file"
    assert page.locator("#scn-layers .field-row:not([hidden])").count() == 2
    page.set_input_files("#scn-layers-form-carbon", str(tmp_path / "kulstof.tif"))
    page.locator("#scn-run").click()
    page.wait_for_selector("body[data-scenario]", state="attached", timeout=180_000)
    page.wait_for_selector("#scn-project:not([hidden])", timeout=30_000)

    muni = _num(page.locator("#scn-table tr[data-indicator=nki] td").nth(4).inner_text())
    proj_cells = page.locator("#scn-project-table tr[data-indicator=nki] td")
    proj = _num(proj_cells.nth(4).inner_text())
    assert abs(muni) < 0.5 and proj > 50, (muni, proj)
    ghg = (
        page.locator("#scn-project-table tr[data-indicator=ghg_organic_soils_t_co2e_per_year] td")
        .nth(4)
        .inner_text()
    )
    assert ghg.strip() not in ("–", "") and _num(ghg) < 0  # computed from the uploaded map
    assert "Projektområdet" in page.locator("#scn-project-title").inner_text()
    assert "--carbon" not in page.locator("#scn-results").inner_text()
    for sel in ("#scn-project-before", "#scn-project-after"):
        page.wait_for_function(
            f"() => document.querySelector('{sel}').naturalWidth > 0", timeout=15_000
        )
    page.evaluate("() => document.querySelector('#scn-project').scrollIntoView()")
    _shot(page, "01-project-area")

    pdf = _download(page, lambda: page.locator("#scn-report-pdf").click(), "scenario-report.pdf")
    assert pdf.startswith(b"%PDF-") and len(pdf) > 50_000
    page.wait_for_function(
        "() => document.querySelector('#scn-report-status').className.includes('ok')",
        timeout=30_000,
    )
    project_pdf = _download(
        page, lambda: page.locator("#scn-report-project").click(), "scenario-report-project.pdf"
    )
    assert project_pdf.startswith(b"%PDF-")
    xlsx = _download(
        page,
        lambda: page.locator(".takeout[data-for=scn-table] button[data-format=xlsx]").click(),
        "scenario.xlsx",
    )
    ws = load_workbook(io.BytesIO(xlsx)).worksheets[0]
    header = [c.value for c in ws[1]]
    assert header[:3] == ["Zone", "Navn (name)", "Indikator (indicator)"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    nki_p = next(r for r in rows if r[0] == "P" and r[2].startswith("Naturkapitalindeks"))
    assert isinstance(nki_p[6], float) and nki_p[6] == pytest.approx(proj, abs=0.01)
    page.locator("#scn-report").scroll_into_view_if_needed()
    _shot(page, "02-report-downloaded")
    assert watch.errors == [], watch.errors
    assert watch.foreign == [], watch.foreign
    ctx.close()


def test_nature_officer_downloads_the_sheet(
    browser: object,  # noqa: F811
    live_server: Server,
) -> None:
    base = live_server.url
    ctx = browser.new_context(viewport={"width": 1400, "height": 950}, accept_downloads=True)
    page = ctx.new_page()
    watch = Watch(page, base)
    page.goto(base + "/")
    page.wait_for_selector("body[data-ready=true]", state="attached", timeout=60_000)
    page.evaluate("() => window.nk.select('630')")
    page.wait_for_function(
        "() => document.querySelector('#zone-name').textContent.includes('Vejle')", timeout=30_000
    )
    page.wait_for_selector("#tk-sheet:not([hidden])", timeout=10_000)
    href = page.locator("#tk-sheet a[data-format=pdf]").get_attribute("href")
    assert href.startswith("/api/sheet/630.pdf?landcover=")
    page.wait_for_function(
        "() => document.querySelector('#diagram').naturalWidth > 0", timeout=30_000
    )
    _shot(page, "03-vejle-sheet-links")
    pdf = _download(
        page, lambda: page.locator("#tk-sheet a[data-format=pdf]").click(), "vejle-sheet.pdf"
    )
    assert pdf.startswith(b"%PDF-")
    xlsx = _download(
        page,
        lambda: page.locator(".takeout[data-for=landtypes] button[data-format=xlsx]").click(),
        "vejle-landtypes.xlsx",
    )
    ws = load_workbook(io.BytesIO(xlsx)).worksheets[0]
    assert ws["A1"].value == "Arealtype (Land type)"
    shares = [r[1] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert all(isinstance(s, (int, float)) for s in shares)
    assert sum(shares) == pytest.approx(100.0, abs=0.5)
    # the diagram downloads as SVG from the server
    svg = _download(
        page,
        lambda: page.locator(".takeout[data-for=diagram] button[data-format=svg]").click(),
        "vejle-diagram.svg",
    )
    assert b"<svg" in svg[:2000]
    _shot(page, "04-vejle-downloaded")
    # the ranking, in English: its buttons sit above the 98 rows; numbers stay numbers
    page.locator("#lang").click()
    page.locator(".tabs button[data-tab=ranking]").click()
    n_rows = page.locator("#ranking tbody tr").count()
    bar = page.locator(".takeout[data-for=ranking]")
    assert bar.bounding_box()["y"] < page.locator("#ranking").bounding_box()["y"]
    _shot(page, "05-ranking-en")
    xlsx = _download(page, lambda: bar.locator("button[data-format=xlsx]").click(), "ranking.xlsx")
    ws = load_workbook(io.BytesIO(xlsx)).worksheets[0]
    assert ws.max_row - 1 == n_rows >= 98
    nki = [r[2] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert all(isinstance(x, (int, float)) for x in nki) and max(nki) < 100
    page.locator("#lang").click()
    assert watch.errors == [], watch.errors
    ctx.close()
