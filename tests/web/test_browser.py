"""The web app in a real browser: Debian's Chromium driven by Playwright, against
``naturkapital serve`` (uvicorn) on a free loopback port.

A user opens the page, clicks Fanø on the map, sees its NKI and the diagram, toggles
"Kun natur", switches to English, uses the ranking and comparison, uploads a zone file
and downloads the table; then the same on a phone-sized screen. Screenshots go to
test-artifacts/.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .conftest import ARTIFACTS, Server, in_ci

pytestmark = [pytest.mark.web, pytest.mark.browser]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def da(x: float) -> str:
    """The app's Danish number format with one decimal (85,9)."""
    return f"{x:.1f}".replace(".", ",")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not os.path.exists(CHROMIUM):
        msg = f"{CHROMIUM} missing: source scripts/services.sh (installs Debian chromium)"
        if in_ci():
            pytest.fail(msg)
        pytest.skip(msg)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


class Watch:
    """Collects page errors, console errors and requests that leave the server."""

    def __init__(self, page: object, base: str) -> None:
        self.errors: list[str] = []
        self.foreign: list[str] = []
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        page.on("console", lambda m: self.errors.append(f"console: {m.text}")
                if m.type == "error" else None)
        page.on("request", lambda r: None if r.url.startswith((base, "data:", "blob:"))
                else self.foreign.append(r.url))


def _shot(page: object, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"browser-{name}.png"
    page.screenshot(path=str(path))
    return path


def _click_zone(page: object, zone_id: str) -> None:
    """Click the map where the municipality is (a point inside its polygon)."""
    from shapely.geometry import shape

    fc = page.evaluate("() => fetch('/api/municipalities.geojson').then(r => r.json())")
    feat = next(f for f in fc["features"] if f["properties"]["zone_id"] == zone_id)
    pt = shape(feat["geometry"]).representative_point()
    x, y = page.evaluate("([lon, lat]) => { const p = window.nk.state.map.project([lon, lat]);"
                         " return [p.x, p.y]; }", [pt.x, pt.y])
    box = page.locator("#map").bounding_box()
    cx, cy = box["x"] + x, box["y"] + y
    assert page.evaluate("([x, y]) => document.elementFromPoint(x, y).tagName",
                         [cx, cy]) == "CANVAS"
    page.mouse.click(cx, cy)


def _save_scenario(page: object, base: str, name: str) -> dict:
    """Save the editor's scenario with the token; the stored record (GET /api/scenarios)."""
    from .conftest import TOKEN

    page.locator("#scn-save-box summary").click()
    page.fill("#scn-save-name", name)
    page.fill("#scn-save-token", TOKEN)
    page.locator("#scn-save-btn").click()
    page.wait_for_function("() => document.querySelector('#scn-save-status').textContent"
                           ".startsWith('Gemt som scenarie')", timeout=15_000)
    saved = httpx.get(base + "/api/scenarios").json()["scenarios"]
    return next(s for s in saved if s["name"] == name)


def _diagram_loaded(page: object, selector: str = "#diagram") -> None:
    page.wait_for_function(
        "(sel) => { const i = document.querySelector(sel); return i && i.complete && "
        "i.naturalWidth > 0; }", arg=selector, timeout=20_000)


def test_user_journey(browser: object, live_server: Server,
                      zone_files: dict[str, Path]) -> None:
    base = live_server.url
    fanoe = httpx.get(base + "/api/nki/563").json()
    ctx = browser.new_context(viewport={"width": 1366, "height": 800}, accept_downloads=True)
    page = ctx.new_page()
    watch = Watch(page, base)
    page.goto(base + "/")
    page.wait_for_selector("body[data-ready=true]", state="attached", timeout=30_000)
    page.wait_for_function("() => window.nk.state.mapReady", timeout=30_000)
    page.wait_for_timeout(500)  # let the first frame paint
    assert page.locator("html").get_attribute("lang") == "da"
    assert page.locator(".tabs button[data-tab=ranking]").inner_text() == "Rangliste"
    _shot(page, "01-map")

    # Click Fanø on the map → its NKI, rank and diagram.
    _click_zone(page, "563")
    page.wait_for_function("() => document.querySelector('#zone-name').textContent === 'Fanø'",
                           timeout=15_000)
    assert page.locator("#zone-nki").inner_text() == da(fanoe["nki"])
    assert page.locator("#zone-rank").inner_text() == f"nr. {fanoe['rank']} af 98"
    _diagram_loaded(page)
    src = page.locator("#diagram").get_attribute("src")
    assert src.startswith("/api/nki/563/diagram.svg") and "nature_only" not in src
    assert page.locator("#landtypes tbody tr").count() == 8
    page.wait_for_selector("#zone-delta", timeout=30_000)  # CORINE 2012 → 2018
    _shot(page, "02-fanoe")

    # "Kun natur": the index, its label, the table and the diagram switch.
    page.locator("label.toggle:has(#nature-only)").click()
    assert page.locator("#nature-only").is_checked()
    page.wait_for_function("() => document.querySelector('#diagram').src.includes("
                           "'nature_only=true')", timeout=10_000)
    _diagram_loaded(page)
    assert page.locator("#zone-nki-label").inner_text() == "NKI natur"
    assert page.locator("#zone-nki").inner_text() == da(fanoe["nki_nature"])
    assert page.locator("#legend-title").inner_text() == "NKI natur"
    assert page.locator("#landtypes tbody tr").count() == 4
    # the contributions shown (NKI natur points, one decimal each) add up to NKI natur
    shown = page.locator("#landtypes tbody td:nth-child(4)").all_inner_texts()
    total = sum(float(x.replace(".", "").replace(",", ".")) for x in shown if x != "–")
    assert total == pytest.approx(fanoe["nki_nature"], abs=0.25)
    _shot(page, "03-kun-natur")

    # English.
    page.locator("#lang").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator(".tabs button[data-tab=ranking]").inner_text() == "Ranking"
    assert page.locator("label.toggle:has(#nature-only) span").inner_text() == "Nature only"
    assert page.locator("#zone-nki-label").inner_text() == "NKI nature"
    page.wait_for_function("() => document.querySelector('#zone-rank').textContent"
                           ".startsWith('no. ')")
    _shot(page, "04-english")

    # Ranking: sortable, 99 rows, a row opens the municipality.
    page.locator(".tabs button[data-tab=ranking]").click()
    rows = page.locator("#ranking tbody tr")
    assert rows.count() == 99
    page.locator("#ranking th[data-key=name]").click()
    names = page.locator("#ranking tbody tr td:nth-child(2)").all_inner_texts()
    assert names[0] == "Albertslund" and names[-1] == "Aarhus"  # Danish order: aa = å, last
    page.locator("#ranking th[data-key=nki]").click()
    munis = httpx.get(base + "/api/municipalities").json()
    best = max((m for m in munis if m["nki"] is not None), key=lambda m: m["nki"])
    assert page.locator("#ranking tbody tr").first.get_attribute("data-id") == best["zone_id"]
    _shot(page, "05-ranking")

    # Municipalities side by side (tests/web/test_planner_browser.py covers more).
    page.locator(".tabs button[data-tab=compare]").click()
    page.select_option("#cmp-add", "563")
    page.locator("#cmp-add-btn").click()
    page.wait_for_selector("#cmp-cards .cmp-card[data-id='563'] img", timeout=45_000)
    _diagram_loaded(page, "#cmp-cards .cmp-card[data-id='563'] img")
    _shot(page, "06-compare")

    # Upload your own zones.
    page.locator(".tabs button[data-tab=upload]").click()
    page.wait_for_selector("#form-nki[data-rendered]", state="attached", timeout=15_000)
    page.set_input_files("#form-nki [name=zones]", str(zone_files["geojson"]))
    # The GeoJSON's property names fill the field selects.
    page.wait_for_selector("#form-nki select[name=id_field] option[value=kode]",
                           state="attached", timeout=10_000)
    page.select_option("#form-nki [name=id_field]", "kode")
    page.select_option("#form-nki [name=name_field]", "navn")
    page.locator("#upload-submit").click()
    page.wait_for_selector("#upload-results:not([hidden])", timeout=60_000)
    assert page.locator("#upload-table tbody tr").count() == 3
    assert "2 areas computed" in page.locator("#upload-status").inner_text()
    cells = page.locator("#upload-table tbody tr:has-text('Fanø') td").all_inner_texts()
    assert cells[2] == f"{fanoe['nki']:.1f}"  # English number format
    page.wait_for_timeout(800)  # map flies to the uploaded zones
    _shot(page, "07-upload")
    with page.expect_download() as dl:
        page.locator("#upload-csv").click()
    assert Path(dl.value.path()).read_bytes().startswith(b"\xef\xbb\xbfzone_id")

    # Download the whole table.
    page.locator(".tabs button[data-tab=download]").click()
    with page.expect_download() as dl:
        page.locator("#dl-csv").click()
    assert len(Path(dl.value.path()).read_bytes().splitlines()) == 101

    assert watch.errors == [], watch.errors
    assert watch.foreign == [], f"requests left the server: {watch.foreign}"
    ctx.close()


def test_phone(browser: object, live_server: Server) -> None:
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                              has_touch=True, device_scale_factor=2)
    page = ctx.new_page()
    watch = Watch(page, live_server.url)
    page.goto(live_server.url + "/")
    page.wait_for_selector("body[data-ready=true]", state="attached", timeout=30_000)
    page.fill("#search", "Fanø")
    page.press("#search", "Enter")
    page.wait_for_function("() => document.querySelector('#zone-name').textContent === 'Fanø'",
                           timeout=15_000)
    _diagram_loaded(page)
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1] + 1, f"horizontal overflow on a phone: {width}"
    map_box = page.locator("#map").bounding_box()
    panel_box = page.locator(".panel").bounding_box()
    assert panel_box["y"] >= map_box["y"] + map_box["height"] - 1  # panel below the map
    _shot(page, "08-phone")
    page.locator("#zone-name").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "browser-09-phone-panel.png"), full_page=True)

    def no_overflow(where: str) -> None:
        w = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert w[0] <= 391 and w[1] <= 391, f"horizontal overflow on a phone ({where}): {w}"

    # The lowland view and the scenario editor fit a phone too.
    page.locator(".tabs button[data-tab=lowland]").click()
    page.wait_for_selector("body[data-lowland='563']", state="attached", timeout=30_000)
    page.wait_for_selector("#lowland-rules tr[data-key=min_peat_area_ha]", timeout=15_000)
    no_overflow("lowland")
    page.screenshot(path=str(ARTIFACTS / "browser-15-phone-lowland.png"), full_page=True)
    page.locator(".tabs button[data-tab=scenario]").click()
    page.wait_for_function("() => document.querySelectorAll('#scn-demo option').length === 4",
                           timeout=15_000)
    page.select_option("#scn-demo", "byn_so")
    page.wait_for_function("() => document.querySelectorAll('#scn-conv tbody tr').length === 3",
                           timeout=15_000)
    page.locator("#scn-run").click()
    page.wait_for_selector("body[data-scenario]", state="attached", timeout=60_000)
    no_overflow("scenario")
    page.screenshot(path=str(ARTIFACTS / "browser-16-phone-scenario.png"), full_page=True)
    assert watch.errors == [], watch.errors
    ctx.close()


def test_api_docs_page(browser: object, live_server: Server) -> None:
    """/docs works offline: Swagger UI is vendored, like MapLibre."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    watch = Watch(page, live_server.url)
    page.goto(live_server.url + "/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=30_000)
    assert page.locator(".swagger-ui .opblock").count() >= 18
    _shot(page, "10-api-docs")
    assert watch.foreign == [], watch.foreign
    page.close()


def test_lowland_view_and_scenario_editor(browser: object, live_server: Server,
                                          lowland_scene: dict) -> None:
    """Lowland view for Fanø (indicative candidates, rules with sources) and a scenario:
    the Endelave demo plus a field → forest polygon drawn on the map, evaluated (table,
    diagrams before/after, lowland check) and saved with the token."""
    from shapely.geometry import shape


    base = live_server.url
    cands = httpx.get(base + "/api/lowland/candidates/563", timeout=60).json()
    ctx = browser.new_context(viewport={"width": 1366, "height": 800})
    page = ctx.new_page()
    watch = Watch(page, base)
    page.goto(base + "/")
    page.wait_for_selector("body[data-ready=true]", state="attached", timeout=30_000)
    page.wait_for_function("() => window.nk.state.mapReady", timeout=30_000)

    # Lowland view for the selected municipality.
    page.fill("#search", "Fanø")
    page.press("#search", "Enter")
    page.wait_for_function("() => document.querySelector('#zone-name').textContent === 'Fanø'",
                           timeout=15_000)
    page.locator(".tabs button[data-tab=lowland]").click()
    page.wait_for_selector("body[data-lowland='563']", state="attached", timeout=30_000)
    assert page.locator("#lowland-table tbody tr").count() == cands["meta"]["n_units"]
    assert page.locator("#lowland-banner").inner_text().startswith("VEJLEDENDE")
    assert "intet kulstofkort" in page.locator("#lowland-banner").inner_text()
    assert page.locator("#map-note").is_visible()
    assert "Vejledende" in page.locator("#map-note").inner_text()
    page.wait_for_selector("#lowland-rules tr[data-key=min_peat_area_ha]", timeout=15_000)
    rule = page.locator("#lowland-rules tr[data-key=min_peat_area_ha] td").all_inner_texts()
    assert rule[1] == "2 ha" and "Klimaskovfonden" in rule[2]
    assert page.locator("#lowland-conditions li").count() >= 5
    page.locator("#lowland-table tbody tr").first.click()
    assert "sel" in (page.locator("#lowland-table tbody tr").first.get_attribute("class") or "")
    page.wait_for_timeout(800)  # the map flies to the unit
    _shot(page, "11-lowland")
    # Screen own parcels with three rasters (hand-made scene: 'ok' eligible, 4 ha).
    page.locator("#lowland-screen-box summary").click()
    form = "#form-lowland-screen"
    page.wait_for_selector(f"{form}[data-rendered]", state="attached", timeout=15_000)
    page.set_input_files(f"{form} [name=parcels]", str(lowland_scene["geojson_path"]))
    page.set_input_files(f"{form} [name=carbon]", str(lowland_scene["carbon_path"]))
    page.set_input_files(f"{form} [name=water_table]", str(lowland_scene["water_path"]))
    page.set_input_files(f"{form} [name=peat_depth]", str(lowland_scene["peat_path"]))
    page.wait_for_selector(f"{form} select[name=id_field] option[value=pid]", state="attached",
                           timeout=10_000)
    page.select_option(f"{form} [name=id_field]", "pid")
    page.select_option(f"{form} [name=in_rotation_field]", "omdrift")
    page.locator("#ls-submit").click()
    page.wait_for_selector("#ls-results:not([hidden])", timeout=30_000)
    assert page.locator("#ls-status").inner_text() == "2 parceller screenet."
    ok = page.locator("#ls-table tbody tr:has-text('ok') td").all_inner_texts()
    assert ok[1] == "støtteberettiget" and ok[2] == "4,00" and ok[4] == "157,0"
    page.locator("#ls-results").scroll_into_view_if_needed()
    _shot(page, "11b-lowland-screening")
    page.locator("#lang").click()
    assert page.locator("#lowland-banner").inner_text().startswith("INDICATIVE")
    assert page.locator("#lowland-title").inner_text().startswith("Lowland")
    page.locator("#lang").click()  # back to Danish

    # Scenario editor: a demo, plus a polygon drawn on the map.
    page.locator(".tabs button[data-tab=scenario]").click()
    page.wait_for_function("() => document.querySelectorAll('#scn-demo option').length === 4 &&"
                           " document.querySelectorAll('#scn-class option').length > 3",
                           timeout=15_000)
    page.select_option("#scn-demo", "endelave")
    page.wait_for_function("() => document.querySelectorAll('#scn-conv tbody tr').length === 3",
                           timeout=15_000)
    fc = page.evaluate("() => fetch('/api/municipalities.geojson').then(r => r.json())")
    horsens = next(f for f in fc["features"] if f["properties"]["zone_id"] == "615")
    pt = shape(horsens["geometry"]).representative_point()
    page.evaluate("([lon, lat]) => window.nk.state.map.jumpTo({center: [lon, lat], zoom: 13})",
                  [pt.x, pt.y])
    page.wait_for_timeout(300)
    page.locator("#scn-draw").click()
    box = page.locator("#map").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    for dx, dy in [(-40, -40), (40, -40), (40, 40), (-40, 40)]:
        page.mouse.click(cx + dx, cy + dy)
        page.wait_for_timeout(120)
    assert "(4 sat)" in page.locator("#scn-draw-status").inner_text()
    _shot(page, "12-scenario-draw")
    page.locator("#scn-finish").click()
    rows = page.locator("#scn-conv tbody tr")
    assert rows.count() == 4
    rows.nth(3).locator("select").select_option("8")  # field → forest
    page.locator("#scn-run").click()
    page.wait_for_selector("body[data-scenario]", state="attached", timeout=60_000)
    page.wait_for_selector("#scn-results:not([hidden])", timeout=10_000)
    assert page.locator("#scn-status").inner_text() == "Beregnet: 4 omlægninger."
    assert page.locator("#scn-table tr[data-indicator=nki]").count() == 1
    assert page.locator("#scn-table tr[data-indicator=carbon_stock_t_c] .assume").count() == 1
    converted = page.locator("#scn-table tr[data-indicator=converted_area_ha] td").nth(4)
    demo = httpx.post(base + "/api/scenario/evaluate", json={"scenario": "demo:endelave"},
                      timeout=60).json()
    demo_ha = next(r["delta"] for r in demo["table"]
                   if r["zone_id"] == "615" and r["indicator"] == "converted_area_ha")
    shown = float(converted.inner_text().lstrip("+").replace(".", "").replace(",", "."))
    assert shown > demo_ha + 10  # the drawn ~70 ha square is in it
    for sel in ("#scn-diag-before", "#scn-diag-after"):
        _diagram_loaded(page, sel)
    assert "Horsens" in page.locator("#scn-cap-after").inner_text()
    assert page.locator("#scn-lowland tbody tr").count() == 2
    page.locator("#scn-diag-before").scroll_into_view_if_needed()
    _shot(page, "13-scenario-results")

    # Save it (token), then it is listed with its classes.
    rec = _save_scenario(page, base, "Endelave + skov (browser)")
    assert sorted(c["to_class"] for c in rec["conversions"]) == [8, 8, 11, 11]
    _shot(page, "14-scenario-saved")
    assert watch.errors == [], watch.errors
    assert watch.foreign == [], f"requests left the server: {watch.foreign}"
    ctx.close()


def test_saved_scenario_keeps_its_numbers(browser: object, live_server: Server,
                                          tmp_path: Path) -> None:
    """The editor saves a conversion's oc_pct, gvsmax_cm and peat_depth_cm with the
    token, reopens the saved scenario and evaluates it again: the same table and the
    same lowland check as before saving (9 ha square on Fanø → wet meadow, eligible)."""
    import json

    from .test_lowland_scenario_api import _farm_square

    base = live_server.url
    sq = _farm_square()
    props = {"name": "vaad", "to_class": 11, "oc_pct": 15.0, "gvsmax_cm": -80.0,
             "peat_depth_cm": 100.0}
    path = tmp_path / "genvaad.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection",
                                "features": [{**sq, "properties": props}]}), encoding="utf-8")
    ctx = browser.new_context(viewport={"width": 1366, "height": 800})
    page = ctx.new_page()
    watch = Watch(page, base)
    sent: list[dict] = []
    page.on("request", lambda r: sent.append(r.post_data_json)
            if r.url.endswith("/api/scenario/evaluate") else None)
    page.goto(base + "/")
    page.wait_for_selector("body[data-ready=true]", state="attached", timeout=30_000)
    page.locator(".tabs button[data-tab=scenario]").click()
    page.wait_for_function("() => document.querySelectorAll('#scn-class option').length > 3",
                           timeout=15_000)
    page.set_input_files("#scn-file", str(path))
    page.wait_for_function("() => document.querySelectorAll('#scn-conv tbody tr').length === 1",
                           timeout=15_000)

    def evaluate(run: int) -> tuple[list[str], list[str]]:
        page.locator("#scn-run").click()
        page.wait_for_function(f"() => document.body.dataset.scenario === '{run}'",
                               timeout=60_000)
        table = page.locator("#scn-table tbody").inner_text()
        lowland = page.locator("#scn-lowland tbody").inner_text()
        return table, lowland

    table, lowland = evaluate(1)
    assert "støtteberettiget" in lowland and "attributes oc_pct" in lowland

    rec = _save_scenario(page, base, "Genvådgøring med tal (browser)")
    (conv,) = rec["conversions"]
    assert {k: conv[k] for k in props} == props

    # Load something else, then reopen the saved scenario and evaluate it again.
    page.wait_for_function("() => document.querySelectorAll('#scn-demo option').length === 4",
                           timeout=15_000)
    page.select_option("#scn-demo", "endelave")
    page.wait_for_function("() => document.querySelectorAll('#scn-conv tbody tr').length === 3",
                           timeout=15_000)
    page.locator("#scn-saved-box summary").click()
    page.wait_for_function("(id) => [...document.querySelectorAll('#scn-saved option')]"
                           ".some((o) => o.value === id)", arg=rec["id"], timeout=15_000)
    page.select_option("#scn-saved", rec["id"])
    page.locator("#scn-open").click()
    page.wait_for_function("() => document.querySelectorAll('#scn-conv tbody tr').length === 1",
                           timeout=15_000)
    assert evaluate(2) == (table, lowland)
    first, again = sent[0]["scenario"], sent[-1]["scenario"]
    assert again["features"][0]["properties"] == first["features"][0]["properties"] == {
        **props, "conv_id": "vaad"}  # the id read from the file's unique name
    assert watch.errors == [], watch.errors
    ctx.close()


def test_urban_view(browser: object, live_server: Server) -> None:
    """The Bynatur tab: the demo city's dwellings on the map, the district table, the
    Lorenz curve, the sites and the tracking sheet; the selected municipality's coarse
    figures labelled coarse; then the same in English."""
    base = live_server.url
    page = browser.new_page(viewport={"width": 1366, "height": 800})
    watch = Watch(page, base)
    page.goto(base + "/")
    page.wait_for_selector("body[data-ready=true]", state="attached", timeout=30_000)
    page.wait_for_function("() => window.nk.state.mapReady", timeout=30_000)
    page.locator(".tabs button[data-tab=urban]").click()
    page.wait_for_selector("#urban-body:not([hidden])", timeout=180_000)
    page.wait_for_function("() => document.querySelector('#urban-muni').textContent"
                           ".includes('coarse')", timeout=180_000)
    page.evaluate("() => window.nk.select('147', false)")
    page.wait_for_timeout(1500)
    assert "Frederiksberg" in page.locator("#urban-muni").inner_text()
    rows = page.locator("#urban-table tbody tr")
    assert rows.count() >= 5 and "Hele byen" in rows.last.inner_text()
    assert page.locator("#urban-lorenz svg polyline").count() >= 2
    assert page.locator("#urban-sites tbody tr").count() >= 1
    assert "300" in page.locator("#urban-track").inner_text()
    assert page.evaluate("() => { const d = window.nk.state.map.getSource('urban-dw')"
                         ".serialize().data; return d && d.features ? d.features.length : -1; }"
                         ) > 10_000
    _shot(page, "17-urban")
    page.locator("#lang").click()
    page.wait_for_timeout(500)
    assert "greening" in page.locator("#urban-muni").inner_text()
    _shot(page, "18-urban-en")
    assert not watch.errors, watch.errors
    assert not watch.foreign, watch.foreign
