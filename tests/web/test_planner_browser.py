"""A planner's tasks in a real browser (Debian's Chromium via Playwright, issue 11):

* a nature officer in Vejle opens "Vejle, Kun natur, CORINE 1990" from a link, sees the
  land-cover background, the names, the scale bar and a legend for each layer, and a
  copied URL (and the back button) brings the same view back;
* a comparison of three municipalities between two epochs, with their group peers;
* one language at a time: no Danish words in English mode and no English words in
  Danish mode in the main panels, the diagram in the UI's language;
* the same on a phone: 44 px tap targets, tabs by arrow keys, ranking by keyboard,
  search feedback.

Screenshots go to test-artifacts/planner-*.png.
"""

from __future__ import annotations

import re

import httpx
import pytest

from .conftest import ARTIFACTS, Server
from .test_browser import Watch, _diagram_loaded, browser  # noqa: F401 (fixture)

pytestmark = [pytest.mark.web, pytest.mark.browser]

DANISH = re.compile(r"[æøåÆØÅ]")
#: English interface words that have a different Danish text.
ENGLISH = (
    "Municipality",
    "Ranking",
    "Compare",
    "Land type",
    "Nature value",
    "Rank",
    "Background map",
    "Nature only",
    "Change",
    "Forest",
    "Fields",
    "Group",
)


def _shot(page: object, name: str, full: bool = False) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"planner-{name}.png"), full_page=full)


def _open(page: object, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("body[data-url-applied=true]", state="attached", timeout=60_000)
    page.wait_for_function("() => window.nk.state.mapReady", timeout=30_000)


def _tiles_loaded(page: object) -> None:
    page.wait_for_function(
        "() => { const m = window.nk.state.map; return m.getLayer('basemap-landcover') && "
        "m.isSourceLoaded('basemap-landcover') && m.areTilesLoaded(); }",
        timeout=30_000,
    )


def _query(page: object) -> dict[str, str]:
    return dict(page.evaluate("() => Array.from(new URLSearchParams(location.search))"))


def test_vejle_nature_officer(browser: object, live_server: Server) -> None:  # noqa: F811
    base = live_server.url
    vejle = {
        r["zone_id"]: r
        for r in httpx.get(
            base + "/api/municipalities?landcover=corine&year=1990", timeout=180
        ).json()
    }["630"]
    ctx = browser.new_context(viewport={"width": 1366, "height": 820})
    page = ctx.new_page()
    watch = Watch(page, base)
    _open(page, base + "/?kommune=630&natur=1&epoch=corine:1990")
    page.wait_for_function(
        "() => document.querySelector('#zone-name').textContent === 'Vejle'", timeout=20_000
    )
    assert page.locator("#epoch").input_value() == "corine:1990"
    assert page.locator("#nature-only").is_checked()
    nature = f"{vejle['nki_nature']:.1f}".replace(".", ",")
    assert page.locator("#zone-nki").inner_text() == nature
    _diagram_loaded(page)
    assert "lang=da" in page.locator("#diagram").get_attribute("src")

    # Orientation: land-cover tiles from this server, names, scale bar, legends.
    _tiles_loaded(page)
    tiles = page.evaluate(
        "() => performance.getEntriesByType('resource')"
        ".filter(e => e.name.includes('/tiles/basemap/'))"
        ".map(e => [e.name, e.duration])"
    )
    assert tiles and all(u.startswith(base) for u, _ in tiles)
    assert page.locator(".muni-label[data-id='630']").is_visible()
    assert page.locator(".maplibregl-ctrl-scale").is_visible()
    assert re.search(r"\d+\s(k?m)", page.locator(".maplibregl-ctrl-scale").inner_text())
    assert page.locator("#legend .legend-title").inner_text() == "NKI natur"
    assert page.locator("#bg-select").input_value() == "landcover"
    page.locator("#bg-legend summary").click()
    legend = page.locator("#bg-legend .legend-items li").all_inner_texts()
    assert any("Skov" in x for x in legend) and any("Våd natur" in x for x in legend)
    _shot(page, "01-vejle-corine1990")

    # Lowland tab: its candidates get their own legend entry.
    page.locator(".tabs button[data-tab=lowland]").click()
    page.wait_for_selector("#layer-legends .legend[data-layer=lowland-fill]", timeout=60_000)
    assert _query(page)["tab"] == "lowland"
    _shot(page, "02-vejle-lowland-legend")

    # A copied URL reopens the same view in a fresh browser.
    url = page.url
    q = _query(page)
    assert q["kommune"] == "630" and q["epoch"] == "corine:1990" and q["natur"] == "1"
    other = browser.new_context(viewport={"width": 1366, "height": 820}).new_page()
    _open(other, url)
    other.wait_for_function(
        "() => document.querySelector('#lowland-kommune') && window.nk.state.selected === '630'",
        timeout=20_000,
    )
    assert other.locator(".tabs button[data-tab=lowland]").get_attribute("aria-selected") == "true"
    assert other.locator("#epoch").input_value() == "corine:1990"
    assert other.locator("#nature-only").is_checked()
    _shot(other, "03-vejle-reopened")
    other.context.close()

    # The back button returns to the municipality tab; after another municipality,
    # back to Vejle.
    page.go_back()
    page.wait_for_function("() => window.nk.state.tab === 'zone'", timeout=10_000)
    assert page.locator("#tab-zone").is_visible()
    page.fill("#search", "Odense")
    page.press("#search", "Enter")
    page.wait_for_function(
        "() => document.querySelector('#zone-name').textContent === 'Odense'", timeout=15_000
    )
    assert _query(page)["kommune"] == "461"
    page.go_back()
    page.wait_for_function(
        "() => document.querySelector('#zone-name').textContent === 'Vejle'", timeout=15_000
    )
    assert _query(page)["kommune"] == "630"
    assert watch.errors == [], watch.errors
    assert watch.foreign == [], watch.foreign
    ctx.close()


def test_compare_three_municipalities(browser: object, live_server: Server) -> None:  # noqa: F811
    base = live_server.url
    ctx = browser.new_context(viewport={"width": 1366, "height": 900})
    page = ctx.new_page()
    watch = Watch(page, base)
    _open(page, base + "/?tab=compare&cmp=630,621,461&from=corine:2012&to=corine:2018")
    page.wait_for_function(
        "() => document.querySelectorAll('#cmp-table tbody tr').length === 3", timeout=30_000
    )
    # The epoch pickers list what the server offers, grouped by source.
    epochs = httpx.get(base + "/processes/nki-compare", timeout=30).json()
    offered = page.eval_on_selector_all("#cmp-from option", "os => os.map(o => o.value)")
    assert "basemap2021" in offered and "corine:1990" in offered and "corine:2012" in offered
    assert page.eval_on_selector_all("#cmp-from optgroup", "g => g.length") == 2
    assert epochs["id"] == "nki-compare"
    a = {
        r["zone_id"]: r
        for r in httpx.get(
            base + "/api/municipalities?landcover=corine&year=2012", timeout=180
        ).json()
    }
    b = {
        r["zone_id"]: r
        for r in httpx.get(
            base + "/api/municipalities?landcover=corine&year=2018", timeout=180
        ).json()
    }
    delta = b["461"]["nki"] - a["461"]["nki"]
    row = page.locator("#cmp-table tbody tr[data-id='461'] td").all_inner_texts()
    assert row[0] == "Odense"
    assert (
        row[4].replace("−", "-").replace(",", ".").lstrip("+±") == f"{abs(delta):.1f}"
        or row[4].replace("−", "-").replace(",", ".") == f"{delta:+.1f}"
    )
    for zid in ("630", "621", "461"):
        _diagram_loaded(page, f"#cmp-cards .cmp-card[data-id='{zid}'] img")
    width = page.locator("#cmp-cards .cmp-card img").first.bounding_box()["width"]
    assert width > 450  # full-size, not a thumbnail
    # Same source: a note; Basemap vs CORINE: a warning naming both sources.
    assert "forskellige kilder" in page.locator("#cmp-sources").inner_text()
    page.select_option("#cmp-from", "basemap2021")
    page.wait_for_function(
        "() => document.querySelector('#cmp-sources').className.includes('error')", timeout=10_000
    )
    assert "Basemap04" in page.locator("#cmp-sources").inner_text()
    assert _query(page)["from"] == "basemap2021"
    page.select_option("#cmp-from", "corine:2012")
    # Group peers, then a fourth and fifth municipality; a sixth is refused.
    page.locator("#cmp-peers").check()
    page.wait_for_function(
        "() => document.querySelectorAll('#cmp-table tr.peer').length > 3", timeout=10_000
    )
    groups = {b[z]["group"] for z in ("630", "621", "461")}
    peers = page.eval_on_selector_all("#cmp-table tr.peer", "rs => rs.map(r => r.dataset.id)")
    assert all(b[z]["group"] in groups for z in peers)
    for zid in ("563", "101"):
        page.select_option("#cmp-add", zid)
        page.locator("#cmp-add-btn").click()
    page.wait_for_function("() => document.querySelectorAll('#cmp-chips li').length === 5")
    assert page.locator("#cmp-add-btn").is_disabled()
    assert _query(page)["cmp"] == "630,621,461,563,101"
    # the table fits the panel: no column (the rank) hidden behind a horizontal scroll
    assert page.evaluate("() => { const w = document.querySelector('#cmp-table')"
                         ".parentElement; return w.scrollWidth <= w.clientWidth; }")
    _shot(page, "04-compare-five", full=True)
    assert watch.errors == [], watch.errors
    ctx.close()


def _visible_text(page: object) -> str:
    """Visible interface text of the header, the open tab and the legends; cited
    document titles (sources, Danish by nature) and municipality names are left out."""
    return page.evaluate("""() => {
        const skip = 'td.source, [id$=-source], .muni-label, #zone-name, .chip, option';
        const out = [];
        for (const sel of ['header', '#tab-' + window.nk.state.tab, '#legend-stack']) {
          const root = document.querySelector(sel);
          if (!root) continue;
          const w = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
          for (let n = w.nextNode(); n; n = w.nextNode()) {
            const p = n.parentElement;
            if (!p || !p.offsetParent && p.tagName !== 'BODY' || p.closest(skip)) continue;
            if (p.closest('details:not([open])') && !p.closest('summary')) continue;
            const s = n.textContent.trim();
            if (s) out.push(s);
          }
        }
        return out.join('\\n');
      }""")


def test_one_language_at_a_time(browser: object, live_server: Server) -> None:  # noqa: F811
    base = live_server.url
    ctx = browser.new_context(viewport={"width": 1366, "height": 820})
    page = ctx.new_page()
    watch = Watch(page, base)
    _open(page, base + "/?kommune=630&lang=en")
    page.wait_for_function(
        "() => document.querySelector('#zone-name').textContent === 'Vejle'", timeout=20_000
    )
    _diagram_loaded(page)
    page.wait_for_function("() => document.querySelector('#zone-change table')", timeout=30_000)
    page.locator("#bg-legend summary").click()
    text = _visible_text(page)
    assert not DANISH.findall(text), [ln for ln in text.splitlines() if DANISH.search(ln)]
    svg = httpx.get(base + page.locator("#diagram").get_attribute("src"), timeout=60).text
    assert "Area share" in svg and "Arealandel" not in svg
    _shot(page, "05-english")
    for tab in ("ranking", "compare", "lowland"):
        page.locator(f".tabs button[data-tab={tab}]").click()
        page.wait_for_timeout(1500)
        text = _visible_text(page)
        text = "\n".join(
            ln
            for ln in text.splitlines()
            if not any(m["name"] in ln for m in page.evaluate("nk.state.munis"))
        )
        bad = [ln for ln in text.splitlines() if DANISH.search(ln)]
        assert not bad, (tab, bad[:5])
    # An error from the server in English mode is in English.
    err = page.evaluate("() => nk.getJSON('/api/nki/9999').catch(e => e.message)")
    assert err.startswith("unknown zone id"), err
    # The scenario editor's diagrams are drawn by the server in the interface's language.
    page.locator(".tabs button[data-tab=scenario]").click()
    page.wait_for_function(
        "() => document.querySelectorAll('#scn-demo option').length === 4", timeout=15_000
    )
    page.select_option("#scn-demo", "byn_so")
    page.wait_for_function(
        "() => document.querySelectorAll('#scn-conv tbody tr').length === 3", timeout=15_000
    )

    def evaluated(r: object) -> bool:
        return r.url.endswith("/api/scenario/evaluate") and r.request.method == "POST"

    with page.expect_response(evaluated, timeout=120_000) as answer:
        page.locator("#scn-run").click()
    svg = answer.value.json()["diagram"]["after_svg"]
    assert "Area share" in svg and "Arealandel" not in svg
    page.wait_for_selector("body[data-scenario]", state="attached", timeout=120_000)
    # Back to Danish: no English interface words in the zone panel.
    page.locator(".tabs button[data-tab=zone]").click()
    with page.expect_response(evaluated, timeout=120_000) as answer:
        page.locator("#lang").click()  # the scenario's diagrams are drawn again in Danish
    assert answer.value.request.post_data_json["lang"] == "da"
    svg = answer.value.json()["diagram"]["after_svg"]
    assert "Arealandel" in svg and "Area share" not in svg
    page.wait_for_function("() => document.documentElement.lang === 'da'")
    page.wait_for_function("() => document.querySelector('#diagram').src.includes('lang=da')")
    _diagram_loaded(page)
    text = _visible_text(page)
    bad = [w for w in ENGLISH if re.search(rf"\b{w}\b", text)]
    assert not bad, bad
    assert "lang" not in _query(page)
    err = page.evaluate("() => nk.getJSON('/api/nki/9999').catch(e => e.message)")
    assert err.startswith("ukendt zone '9999'"), err  # Danish, not a lead-in to English
    _shot(page, "06-danish")
    # The two deliberate 404s above are the only console errors.
    errors = [e for e in watch.errors if "status of 404" not in e]
    assert errors == [] and len(watch.errors) == 2, watch.errors
    ctx.close()


def test_phone_keyboard_and_search(browser: object, live_server: Server) -> None:  # noqa: F811
    base = live_server.url
    ctx = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    page = ctx.new_page()
    watch = Watch(page, base)
    _open(page, base + "/?kommune=630&natur=1&epoch=corine:1990")
    _tiles_loaded(page)
    # The legends fold behind "Signatur" on a phone: folded, they cover at most a
    # quarter of the map; the button is a 44 px target and opens them.
    cover = """() => { const m = document.querySelector('#map').getBoundingClientRect();
        const l = document.querySelector('#legend-stack').getBoundingClientRect();
        const w = Math.max(0, Math.min(m.right, l.right) - Math.max(m.left, l.left));
        const h = Math.max(0, Math.min(m.bottom, l.bottom) - Math.max(m.top, l.top));
        return w * h / (m.width * m.height); }"""
    toggle = page.locator("#legend-toggle")
    assert toggle.inner_text().strip() == "Signatur"
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not page.locator("#legend").is_visible()
    box = toggle.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44, box
    folded = page.evaluate(cover)
    assert folded <= 0.25, f"the folded legend covers {folded:.0%} of the map"
    _shot(page, "07-phone-vejle")
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.locator("#legend").is_visible() and page.locator("#bg-legend").is_visible()
    _shot(page, "07b-phone-vejle-legend-open")
    toggle.click()
    assert not page.locator("#legend").is_visible()
    print(f"phone legend: folded {folded:.1%} of the map")
    # 44 px tap targets: tabs, header controls.
    small = page.evaluate("""() => Array.from(document.querySelectorAll(
        '.tabs button, .controls button, .controls select, .controls input[type=search]'))
        .filter(e => e.offsetParent).map(e => [e.textContent || e.id,
          e.getBoundingClientRect().height]).filter(([_, h]) => h < 44)""")
    assert small == [], small
    # Search: "Aarhus" finds the municipality; nonsense says so.
    page.fill("#search", "Aarhus")
    page.press("#search", "Enter")
    page.wait_for_function(
        "() => document.querySelector('#zone-name').textContent === 'Aarhus'", timeout=15_000
    )
    page.fill("#search", "Atlantis")
    page.press("#search", "Enter")
    assert "Atlantis" in page.locator("#search-msg").inner_text()
    # Tabs by arrow keys; a municipality from the ranking by keyboard.
    page.locator(".tabs button[data-tab=zone]").focus()
    page.keyboard.press("ArrowRight")
    assert page.evaluate("() => document.activeElement.dataset.tab") == "ranking"
    assert page.locator("#tab-ranking").is_visible()
    page.locator("#ranking tbody tr[data-id='461']").focus()
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('#zone-name').textContent === 'Odense'", timeout=15_000
    )
    assert _query(page)["kommune"] == "461"
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1] + 1, width
    page.locator(".tabs button[data-tab=compare]").click()
    page.wait_for_function(
        "() => document.querySelectorAll('#cmp-table tbody tr').length >= 1", timeout=30_000
    )
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1] + 1, width
    _shot(page, "08-phone-compare", full=True)
    assert watch.errors == [], watch.errors
    ctx.close()


def test_scenario_link_and_demo_switch(browser: object, live_server: Server) -> None:  # noqa: F811
    """?scenario=demo:NAME reopens a demo; another demo clears the last result."""
    base = live_server.url
    ctx = browser.new_context(viewport={"width": 1366, "height": 820})
    page = ctx.new_page()
    watch = Watch(page, base)
    _open(page, base + "/?tab=scenario&scenario=demo:byn_so")
    page.wait_for_function(
        "() => document.querySelectorAll('#scn-conv tbody tr').length === 3", timeout=60_000
    )
    assert page.locator("#scn-demo").input_value() == "byn_so"
    page.locator("#scn-run").click()
    page.wait_for_selector("body[data-scenario]", state="attached", timeout=120_000)
    assert page.locator("#scn-results").is_visible()
    other = next(
        v
        for v in page.eval_on_selector_all("#scn-demo option", "os => os.map(o => o.value)")
        if v and v != "byn_so"
    )
    page.select_option("#scn-demo", other)
    page.wait_for_function(f"() => location.search.includes('scenario=demo:{other}')")
    assert page.locator("#scn-results").is_hidden()  # no numbers of the previous demo
    page.go_back()
    page.wait_for_function("() => document.querySelector('#scn-demo').value === 'byn_so'")
    assert watch.errors == [], watch.errors
    ctx.close()
