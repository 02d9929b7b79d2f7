"""The web forms come from the model specs: forms.js renders each form from the OGC
process description ``/processes/{id}``, and the header's land-cover selector lists the
epochs the API serves. Checked in Debian's Chromium (Playwright) against
``naturkapital serve``: field names = the description's input names, labels and help in
Danish and English, the control per kind, the REST body, and no year written into the
page. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from .conftest import Server
from .test_browser import Watch, _shot
from .test_browser import browser as browser  # noqa: F401  (the module's Chromium fixture)

pytestmark = [pytest.mark.web, pytest.mark.browser]

#: process id → (form, tab that holds it, <details> to open first or None)
FORMS = {"nki": ("#form-nki", "upload", None),
         "lowland-screen": ("#form-lowland-screen", "lowland", "#lowland-screen-box")}

FIELDS_JS = """(sel) => Array.from(document.querySelectorAll(sel + ' [name]')).map((e) => ({
  name: e.name, tag: e.tagName.toLowerCase(), type: e.type || null,
  accept: e.getAttribute('accept'), required: e.required,
  min: e.getAttribute('min'), max: e.getAttribute('max'), step: e.getAttribute('step'),
  maxlength: e.getAttribute('maxlength'), checked: e.checked === true,
  options: e.options ? Array.from(e.options).map((o) => o.value) : null,
  label: (document.querySelector(`label[for="${e.id}"] .field-label`) || {}).textContent,
  help: (document.getElementById(e.getAttribute('aria-describedby')) || {}).textContent,
  mark: !!document.querySelector(`label[for="${e.id}"] abbr.req`)}))"""

ACCEPT = {"vector": ".geojson,.json,.gpkg", "raster": ".tif,.tiff", "table": ".csv"}


def _open(page: Any, tab: str, details: str | None, form: str) -> None:
    page.locator(f".tabs button[data-tab={tab}]").click()
    if details and page.locator(details).get_attribute("open") is None:
        page.locator(f"{details} summary").click()
    page.wait_for_selector(f"{form}[data-rendered]", state="attached", timeout=15_000)


def _check_controls(fields: list[dict[str, Any]], doc: dict[str, Any], lang: str) -> None:
    """Each control matches its input's kind, schema and labels in ``lang``."""
    by_name = {f["name"]: f for f in fields}
    for name, inp in doc["inputs"].items():
        f, x, s = by_name[name], inp["x-naturkapital"], inp["schema"]
        assert f["label"].startswith(x["label"][lang]), (name, f["label"], x["label"])
        assert f["help"] == x["help"][lang], (name, f["help"])
        if x["required"]:
            assert f["mark"] and f["required"], name
        kind = x["kind"]
        if kind in ACCEPT:
            assert (f["tag"], f["type"], f["accept"]) == ("input", "file", ACCEPT[kind]), name
        elif kind in ("choice", "epoch"):
            assert f["tag"] == "select", name
            assert [o for o in f["options"] if o] == [str(v) for v in s["enum"]], name
        elif kind in ("number", "integer"):
            assert f["type"] == "number", name
            if "maximum" in s:
                assert float(f["max"]) == s["maximum"], name
            if "minimum" in s or "exclusiveMinimum" in s:
                assert float(f["min"]) == s.get("minimum", s.get("exclusiveMinimum")), name
        elif kind == "flag":
            assert f["type"] == "checkbox" and f["checked"] == s.get("default", False), name
        elif kind == "field":
            assert f["tag"] in ("input", "select"), name  # a select once the file is read
        else:
            assert f["type"] == "text", name
            if "maxLength" in s:
                assert int(f["maxlength"]) == s["maxLength"], name


def test_forms_follow_the_process_descriptions(browser: Any, live_server: Server,  # noqa: F811
                                               lowland_scene: dict) -> None:
    base = live_server.url
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    watch = Watch(page, base)
    page.goto(base + "/")
    page.wait_for_selector("body[data-ready=true]", state="attached", timeout=30_000)

    # The header's land-cover selector lists exactly the API's epochs; the page itself
    # names none.
    epochs = httpx.get(base + "/processes/nki-compare").json()[
        "inputs"]["from_epoch"]["schema"]["enum"]
    shown = page.eval_on_selector_all("#epoch option", "os => os.map(o => o.value)")
    assert sorted(shown) == sorted(epochs) and len(shown) == len(epochs)
    assert shown[0] == epochs[0]  # the default first (Basemap04 2021)
    html = httpx.get(base + "/", headers={"Accept": "text/html"}).text
    header = re.search(r'<select id="epoch"[^>]*>(.*?)</select>', html, re.S)
    assert header and "<option" not in header.group(1)
    script = httpx.get(base + "/static/app.js").text + httpx.get(base + "/static/forms.js").text
    assert not re.search(r"corine:(1990|2000|2006)", html + script)

    docs = {pid: httpx.get(f"{base}/processes/{pid}").json() for pid in FORMS}
    for pid, (form, tab, details) in FORMS.items():
        doc = docs[pid]
        _open(page, tab, details, form)
        fields = page.evaluate(FIELDS_JS, form)
        # Names are the description's input names, in its order, nothing else.
        assert [f["name"] for f in fields] == list(doc["inputs"]), pid
        _check_controls(fields, doc, "da")
        page.locator(form).scroll_into_view_if_needed()
        _shot(page, f"20-form-{pid}-da")

    # English: every label and help switches, without re-fetching the description.
    page.locator("#lang").click()
    assert page.locator("html").get_attribute("lang") == "en"
    for pid, (form, tab, details) in FORMS.items():
        _open(page, tab, details, form)
        _check_controls(page.evaluate(FIELDS_JS, form), docs[pid], "en")
        empty = page.eval_on_selector_all(f"{form} option[data-empty]",
                                          "os => os.map(o => o.textContent)")
        assert set(empty) <= {"— default —"}, empty
        page.locator(form).scroll_into_view_if_needed()
        _shot(page, f"21-form-{pid}-en")
    page.locator("#lang").click()  # back to Danish

    # The upload form follows the header's land cover and posts to the REST alias with
    # the spec's names; a GeoJSON's properties become the field choices.
    page.select_option("#epoch", "corine:2012")
    _open(page, "upload", None, "#form-nki")
    assert page.locator("#form-nki [name=landcover]").input_value() == "corine"
    assert page.locator("#form-nki [name=year]").input_value() == "2012"
    page.set_input_files("#form-nki [name=zones]",
                         files=[{"name": "parcels.geojson", "mimeType": "application/geo+json",
                                 "buffer": lowland_scene["geojson"]}])
    page.wait_for_selector("#form-nki select[name=id_field] option[value=pid]",
                           state="attached", timeout=10_000)
    assert page.eval_on_selector_all("#form-nki select[name=name_field] option",
                                     "os => os.map(o => o.value)") == ["", "pid", "omdrift"]
    page.select_option("#form-nki [name=id_field]", "pid")
    sent = page.evaluate("""() => { const f = window.NKForms.forms.find((x) => x.id === 'nki');
      return {rest: f.rest, keys: Array.from(f.formData({format: 'json'}).keys())}; }""")
    assert sent["rest"] == docs["nki"]["x-naturkapital"]["rest"] == "/api/nki"
    assert sent["keys"] == ["zones", "id_field", "landcover", "year", "proxy", "format"]
    _shot(page, "22-form-nki-fields")
    page.select_option("#epoch", "basemap2021")
    assert page.locator("#form-nki [name=year]").input_value() == ""

    assert watch.errors == [], watch.errors
    assert watch.foreign == [], watch.foreign
    page.close()


def test_renamed_input_renames_the_form_field(browser: Any,  # noqa: F811
                                              live_server: Server) -> None:
    """The form knows no input names of its own: serve a description whose ``carbon`` is
    called ``kulstof`` and the form's field, label and multipart body follow."""
    import json

    base = live_server.url
    doc = httpx.get(base + "/processes/lowland-screen").json()
    doc["inputs"] = {("kulstof" if k == "carbon" else k): v for k, v in doc["inputs"].items()}
    doc["inputs"]["kulstof"]["x-naturkapital"]["label"] = {"da": "Kulstof X", "en": "Carbon X"}
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.route("**/processes/lowland-screen", lambda route: route.fulfill(
        status=200, content_type="application/json", body=json.dumps(doc)))
    page.goto(base + "/")
    page.wait_for_selector("body[data-ready=true]", state="attached", timeout=30_000)
    form, tab, details = FORMS["lowland-screen"]
    _open(page, tab, details, form)
    names = page.eval_on_selector_all(f"{form} [name]", "es => es.map(e => e.name)")
    assert names == list(doc["inputs"]) and "carbon" not in names
    assert page.locator(f"{form} label[for$=-kulstof] .field-label").inner_text().startswith(
        "Kulstof X")
    page.set_input_files(f"{form} [name=kulstof]", files=[
        {"name": "k.tif", "mimeType": "image/tiff", "buffer": b"II*\x00"}])
    keys = page.evaluate("""() => Array.from(window.NKForms.forms
      .find((f) => f.id === 'lowland-screen').formData().keys())""")
    assert "kulstof" in keys and "carbon" not in keys
    page.close()
