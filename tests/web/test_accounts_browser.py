"""The accounts tab in a real browser: the form generated from /processes/accounts, the
extent account of Denmark, then of the municipality selected on the map, in Danish and
English. Screenshot to test-artifacts/."""

from __future__ import annotations

import pytest

from .conftest import Server
from .test_browser import Watch, _shot, browser  # noqa: F401  (fixture)

pytestmark = [pytest.mark.web, pytest.mark.browser]


def test_accounts_tab(browser: object, live_server: Server) -> None:  # noqa: F811
    base = live_server.url
    ctx = browser.new_context(viewport={"width": 1366, "height": 800})
    page = ctx.new_page()
    watch = Watch(page, base)
    page.goto(base + "/")
    page.wait_for_selector("body[data-ready=true]", state="attached", timeout=30_000)
    page.locator(".tabs button[data-tab=accounts]").click()
    form = "#form-accounts"
    page.wait_for_selector(f"{form}[data-rendered]", state="attached", timeout=15_000)
    assert page.locator(f"{form} [name=from_epoch]").input_value() == "corine:1990"
    assert page.locator(f"{form} [name=account]").input_value() == "extent"
    page.locator("#acc-submit").click()
    page.wait_for_selector("body[data-accounts='0']", state="attached", timeout=120_000)
    rows = page.locator("#acc-table tbody tr")
    assert rows.count() == 12  # 11 types (with Ikke kortlagt) and the total
    forest = page.locator("#acc-table tr[data-type=woodland_forest] td").all_inner_texts()
    assert forest[0] == "Skov og krat" and not forest[4].startswith("-")  # net gain
    crop = page.locator("#acc-table tr[data-type=cropland] td").all_inner_texts()
    assert crop[4].startswith("-")  # Denmark lost cropland 1990-2018
    page.locator("#acc-tables").scroll_into_view_if_needed()
    _shot(page, "20-accounts-denmark")
    # Select a municipality in the header search: the tab stays and shows its account.
    page.fill("#search", "Fanø")
    page.press("#search", "Enter")
    page.wait_for_selector("body[data-accounts='563']", state="attached", timeout=15_000)
    assert page.locator("#acc-zone").input_value() == "563"
    page.locator("#lang").click()
    page.wait_for_function(
        "() => document.querySelector('#acc-table thead th').textContent === 'Ecosystem type'",
        timeout=10_000)
    assert page.locator("#acc-status").inner_text().startswith("Accounts of 99 zones")
    page.locator("#acc-tables").scroll_into_view_if_needed()
    _shot(page, "21-accounts-fanoe-en")
    assert not watch.errors, watch.errors
    assert not watch.foreign, watch.foreign
    ctx.close()
