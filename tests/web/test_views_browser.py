"""The "Hvor handle? / Where to act" view and the land consolidation view in a real
browser (issues 19 and 10): forms rendered from the process descriptions, the network,
the fireman's classes and a plan for Samsø (741) on the map with their legends; the
Endelave demo's ownership before and after with its balance and swap list; desktop and
phone, Danish and English. Screenshots go to test-artifacts/browser-views-*.png."""

from __future__ import annotations

import httpx
import pytest

from .conftest import ARTIFACTS, Server
from .test_browser import Watch, browser  # noqa: F401  (fixture)

pytestmark = [pytest.mark.web, pytest.mark.browser]

DESKTOP = {"width": 1366, "height": 860}
PHONE = {"width": 390, "height": 844}


def _shot(page: object, name: str, full: bool = False) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"browser-views-{name}.png"), full_page=full)


def _open(browser: object, base: str, viewport: dict, query: str) -> tuple:  # noqa: F811
    ctx = browser.new_context(viewport=viewport)
    page = ctx.new_page()
    watch = Watch(page, base)
    page.goto(base + "/?" + query)
    page.wait_for_selector("body[data-url-applied=true]", state="attached", timeout=60_000)
    page.wait_for_function("() => window.nk.state.mapReady", timeout=30_000)
    return ctx, page, watch


def _run(page: object, part: str, timeout: int = 120_000) -> None:
    page.locator(f"#where-{part}-run").click()
    page.wait_for_function(
        f"() => ['741', 'error'].includes(document.body.dataset.where{part})", timeout=timeout)
    assert page.evaluate(f"document.body.dataset.where{part}") == "741", \
        page.locator(f"#where-{part}-status").inner_text()


def _legend(page: object, sel: str) -> str:
    box = page.locator(sel)
    assert box.is_visible()
    b, m = box.bounding_box(), page.locator("#map").bounding_box()
    # the legend sits inside the map, not over the panel
    assert m["x"] <= b["x"] and b["x"] + b["width"] <= m["x"] + m["width"] + 1
    return box.inner_text()


def test_where_to_act(browser: object, live_server: Server) -> None:  # noqa: F811
    base = live_server.url
    ctx, page, watch = _open(browser, base, DESKTOP, "kommune=741&tab=where")
    assert page.locator("#tab-btn-where").inner_text() == "Hvor handle?"
    assert page.locator("#where-muni").inner_text() == "Samsø (741)"
    # every form is generated from its process description, with the municipality set
    for part, field in (("network", "distance"), ("rank", "buffer_m"),
                        ("allocate", "forest_ha")):
        form = f"#form-where-{part}"
        page.wait_for_selector(f"{form}[data-rendered]", state="attached", timeout=15_000)
        assert page.locator(f"{form} [name=kommune]").input_value() == "741"
        assert page.locator(f"{form} [name={field}]").count() == 1
        # one control per input of the description, in its order, nothing hand-written
        doc = httpx.get(f"{base}/processes/priority-{part}").json()
        names = page.eval_on_selector_all(f"{form} [name]", "es => es.map((e) => e.name)")
        assert names == list(doc["inputs"]), part
    page.locator("#form-where-network summary").click()
    page.fill("#form-where-network [name=distance]", "3000")
    page.fill("#form-where-network [name=min_patch_ha]", "2")
    page.locator("#where-network-run").click()
    # the loading indicator shows while the process runs
    page.wait_for_selector("#where-network-status.busy", timeout=5_000)
    page.wait_for_function("() => ['741', 'error'].includes(document.body.dataset.wherenetwork)",
                           timeout=120_000)
    assert page.evaluate("document.body.dataset.wherenetwork") == "741"
    kpis = page.locator("#where-network-out .kpi").all_inner_texts()
    assert kpis[0].startswith("ECA") and "ha" in kpis[0]
    text = _legend(page, "#where-legend")
    assert "Naturområder" in text and "Korridorer" in text
    page.locator("#where-network-out").scroll_into_view_if_needed()
    page.wait_for_timeout(800)
    _shot(page, "01-network")

    page.locator("#form-where-rank summary").click()
    page.fill("#form-where-rank [name=distance]", "2000")
    page.fill("#form-where-rank [name=unit_size_m]", "1000")
    _run(page, "rank")
    classes = page.locator("#where-rank-out tbody tr").all_inner_texts()
    assert [c.split("\t")[0].strip() for c in classes][:3] == ["1 Beskyt", "2 Buffer / forbind",
                                                                "3 Ny natur"]
    text = _legend(page, "#where-legend")
    assert "1 Beskyt" in text and "3 Ny natur" in text
    # classes alone on the map: switch the network layers off
    page.locator("#where-show-patches").uncheck()
    page.locator("#where-show-corridors").uncheck()
    assert "Naturområder" not in _legend(page, "#where-legend")
    page.locator("#where-rank-out").scroll_into_view_if_needed()
    page.wait_for_timeout(800)
    _shot(page, "02-classes")

    _run(page, "allocate")
    rows = page.locator("#where-allocate-out tbody tr").all_inner_texts()
    assert rows[0].startswith("Skov") and rows[-1].startswith("I alt")
    page.locator("#where-show-classes").uncheck()
    text = _legend(page, "#where-legend")
    assert "Plan" in text and "Skov" in text and "Våd natur" in text
    page.locator("#where-allocate-out").scroll_into_view_if_needed()
    page.wait_for_timeout(800)
    _shot(page, "03-plan")

    page.locator("#lang").click()
    page.wait_for_function("() => document.querySelector('#tab-btn-where').textContent "
                           "=== 'Where to act?'", timeout=10_000)
    assert page.locator("#where-allocate-out tbody tr").first.inner_text().startswith("Forest")
    assert "Forest" in _legend(page, "#where-legend")
    assert page.locator("#where-allocate-status").inner_text().startswith("Done in")
    assert page.locator("#form-where-allocate [data-input=forest_ha] .field-label"
                        ).text_content().startswith("Target: Forest")
    page.wait_for_timeout(500)
    _shot(page, "04-plan-en")
    # other tabs do not show the view's layers or legend
    page.locator("#tab-btn-zone").click()
    assert page.locator("#where-legend").is_hidden()
    assert not watch.errors, watch.errors
    assert not watch.foreign, watch.foreign
    ctx.close()


def test_consolidation(browser: object, live_server: Server) -> None:  # noqa: F811
    base = live_server.url
    ctx, page, watch = _open(browser, base, DESKTOP, "tab=consolidate")
    page.wait_for_selector("#form-consolidate[data-rendered]", state="attached",
                           timeout=15_000)
    assert page.locator("#form-consolidate [name=demo]").input_value() == "endelave"
    assert page.locator("#form-consolidate [name=parcels]").get_attribute("type") == "file"
    doc = httpx.get(base + "/processes/consolidate").json()
    assert page.eval_on_selector_all("#form-consolidate [name]",
                                     "es => es.map((e) => e.name)") == list(doc["inputs"])
    page.locator("#con-run").click()
    page.wait_for_selector("#con-status.busy", timeout=5_000)
    page.wait_for_function("() => ['done', 'error'].includes(document.body.dataset.consolidate)",
                           timeout=180_000)
    assert page.evaluate("document.body.dataset.consolidate") == "done", \
        page.locator("#con-status").inner_text()
    # the constructed demo says so, in the panel and in the legend
    assert "constructed for the demo" in page.locator("#con-label-box").inner_text()
    after = _legend(page, "#con-legend")
    assert "Ejerskab efter" in after and "Projekt" in after and "Konstrueret til demoen" in after
    owners = page.locator("#con-balance tbody tr")
    assert owners.count() == 8
    first = owners.first.locator("td").all_inner_texts()
    assert first[0].startswith("Lodsejer A") and "→" in first[1]
    swaps = page.locator("#con-swaps tbody tr").count()
    assert swaps > 0 and page.locator("#con-swaps-title").inner_text() == \
        f"Bytteliste ({swaps} parceller)"
    # owners keep their colour: the legend swatch of an owner is the same before and after
    colour = page.locator("#con-legend .legend-items li").first.locator(".swatch"
                                                                         ).get_attribute("style")
    page.wait_for_timeout(800)
    _shot(page, "05-consolidation-after")
    page.locator("#con-view label", has_text="Før").click()
    before = _legend(page, "#con-legend")
    assert "Ejerskab før" in before and "Projekt" not in before.split("Projektområde")[0]
    assert page.locator("#con-legend .legend-items li").first.locator(".swatch"
                                                                       ).get_attribute("style") \
        == colour
    page.wait_for_timeout(800)
    _shot(page, "06-consolidation-before")
    assert not watch.errors, watch.errors
    assert not watch.foreign, watch.foreign
    ctx.close()


def test_views_on_a_phone(browser: object, live_server: Server) -> None:  # noqa: F811
    base = live_server.url
    ctx, page, watch = _open(browser, base, PHONE, "kommune=741&tab=where&lang=en")
    page.wait_for_selector("#form-where-rank[data-rendered]", state="attached", timeout=15_000)
    page.locator("#form-where-rank summary").click()
    page.fill("#form-where-rank [name=unit_size_m]", "1000")
    _run(page, "rank")
    # on a phone the legends fold behind one button (folded at first): open them
    toggle = page.locator("#legend-toggle")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert page.locator("#where-legend").is_hidden()
    toggle.click()
    assert "1 Protect" in _legend(page, "#where-legend")
    assert "null" not in page.locator("#where-rank-out").inner_text()
    # on a phone the view's legend replaces the NKI legend; nothing is wider than the screen
    assert page.locator("#legend").is_hidden()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, width
    page.wait_for_timeout(800)
    _shot(page, "07-phone-classes", full=True)
    page.locator("#tab-btn-consolidate").click()
    page.wait_for_selector("#form-consolidate[data-rendered]", state="attached",
                           timeout=15_000)
    page.locator("#con-run").click()
    page.wait_for_function("() => ['done', 'error'].includes(document.body.dataset.consolidate)",
                           timeout=180_000)
    assert page.evaluate("document.body.dataset.consolidate") == "done"
    assert "Ownership after" in _legend(page, "#con-legend")
    assert page.locator("#where-legend").is_hidden()
    # the panel's tables fit the phone's width (they scroll inside their box)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, width
    page.wait_for_timeout(800)
    _shot(page, "08-phone-consolidation", full=True)
    assert not watch.errors, watch.errors
    ctx.close()
