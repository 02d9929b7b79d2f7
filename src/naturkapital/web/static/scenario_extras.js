/* Scenario editor, completed in the browser:
   - service layers: the organic-carbon map (GeoTIFF, % OC) and the groundwater-protection
     polygons, as form fields generated from the scenario-evaluate spec (forms.js); the
     editor sends them with the scenario (window.NKScenarioExtras.layers());
   - the project area (the scenario's own polygons as one zone) beside the municipality:
     its indicators and NKI diagrams before and after;
   - the scenario report (PDF/HTML) of the evaluated scenario (POST /api/scenario/report)
     and the full result table as Excel/CSV (exports.js).
   scenario.js dispatches "nk-scenario-result" on document with {body, result}. */
"use strict";
(function () {
  const LAYERS = ["carbon", "groundwater"];
  const DIGITS = { "0-100": 2, ha: 2, "t C": 0, "t CO2e/yr": 1, "kg N/yr": 0, m3: 0, DKK: 0 };
  let nk = null;
  let form = null;      // the SpecForm of the layer fields
  let last = null;      // {body, result} of the last evaluation
  let blobs = [];
  const $ = (s) => document.querySelector(s);
  const t = (k, v) => nk.t(k, v);
  const el = (...a) => nk.el(...a);

  // ------------------------------------------------------------ layer fields
  function layerBox() {
    const run = $("#scn-run");
    if (!run || $("#scn-layers")) return;
    const f = el("form", { id: "scn-layers-form", class: "spec-form", onsubmit: (e) => e.preventDefault() },
      el("div", { "data-fields": "" }));
    const box = el("fieldset", { id: "scn-layers" },
      el("legend", { "data-i18n": "tkLayers" }, t("tkLayers")),
      el("p", { class: "hint", id: "scn-layers-hint", "data-i18n": "tkLayersHint" }, t("tkLayersHint")), f);
    run.closest(".buttons").before(box);
    window.NKForms.mount(f, "scenario-evaluate").then((sf) => {
      form = sf;
      for (const [name, row] of sf.rows) row.row.hidden = !LAYERS.includes(name);
      f.dataset.ready = "true";
    }).catch((err) => { $("#scn-layers-hint").textContent = err.message; });
  }

  function base64(file) {
    return new Promise((resolve, reject) => {
      const r = new FileReader();
      r.onload = () => resolve(String(r.result).split(",", 2)[1] || "");
      r.onerror = () => reject(new Error(file.name + ": " + (r.error && r.error.message)));
      r.readAsDataURL(file);
    });
  }

  /** The chosen layer files as qualified values {value: base64, filename, mediaType}. */
  async function layers() {
    const out = {};
    if (!form) return out;
    for (const name of LAYERS) {
      const c = form.control(name);
      const file = c && c.files && c.files[0];
      if (!file) continue;
      const media = name === "carbon" ? "image/tiff"
        : (/\.gpkg$/i.test(file.name) ? "application/geopackage+sqlite3" : "application/geo+json");
      out[name] = { value: await base64(file), filename: file.name, mediaType: media };
    }
    return out;
  }

  // ------------------------------------------------------------ project area
  function projectBox() {
    if ($("#scn-project")) return;
    const anchor = $("#scn-table").closest(".hscroll") || $("#scn-table");
    const table = el("table", { class: "grid compact", id: "scn-project-table" },
      el("thead", {}, el("tr", {},
        el("th", { "data-i18n": "scnIndicator" }, t("scnIndicator")),
        el("th", { "data-i18n": "scnUnit" }, t("scnUnit")),
        el("th", { "data-i18n": "scnBefore" }, t("scnBefore")),
        el("th", { "data-i18n": "scnAfter" }, t("scnAfter")),
        el("th", { "data-i18n": "scnDelta" }, t("scnDelta")))),
      el("tbody"));
    const fig = (id) => el("figure", { class: "diagram" },
      el("img", { id, alt: "", width: "1500", height: "930" }), el("figcaption", { id: id + "-cap" }));
    const box = el("div", { id: "scn-project", hidden: true },
      el("h3", { id: "scn-project-title" }),
      el("p", { class: "note", "data-i18n": "tkProjectHint" }, t("tkProjectHint")),
      el("div", { class: "hscroll" }, table),
      el("div", { class: "diagram-pair" }, fig("scn-project-before"), fig("scn-project-after")));
    const reports = el("div", { id: "scn-report", class: "takeout no-print" },
      el("span", { class: "takeout-label", "data-i18n": "tkReport" }, t("tkReport")),
      el("button", { type: "button", id: "scn-report-pdf", class: "small-btn", onclick: () => report("pdf") }, "PDF"),
      el("button", { type: "button", id: "scn-report-html", class: "small-btn", onclick: () => report("html") }, "HTML"),
      el("button", { type: "button", id: "scn-report-project", class: "small-btn", "data-i18n": "tkReportProject",
        onclick: () => report("pdf", "P") }, t("tkReportProject")),
      el("span", { id: "scn-report-status", class: "status", role: "status" }));
    $("#scn-results").prepend(reports);
    anchor.after(box);
  }

  function label(ind, key) {
    const i = ind.get(key);
    return i ? (nk.lang() === "da" ? i.da : i.en) : key;
  }

  function renderProject() {
    const res = last && last.result;
    const box = $("#scn-project");
    if (!box) return;
    const p = res && res.project;
    box.hidden = !p;
    if (!p) return;
    const ind = new Map(res.indicators.map((i) => [i.key, i]));
    $("#scn-project-title").textContent = t("tkProjectTitle", { ha: nk.fmt(p.area_ha, 2) });
    $("#scn-project-table tbody").replaceChildren(...p.table.map((r) => el("tr", { "data-indicator": r.indicator },
      el("td", {}, label(ind, r.indicator), r.note ? el("div", { class: "note clamp", title: r.note }, r.note) : null),
      el("td", { class: "small" }, r.unit),
      el("td", { class: "num" }, nk.fmt(r.baseline, DIGITS[r.unit] ?? 1)),
      el("td", { class: "num" }, nk.fmt(r.scenario, DIGITS[r.unit] ?? 1)),
      el("td", { class: "num strong" }, r.delta === null ? "–" : nk.signed(r.delta, DIGITS[r.unit] ?? 1)))));
    for (const u of blobs) URL.revokeObjectURL(u);
    blobs = [p.diagram.before_svg, p.diagram.after_svg].map((svg) =>
      URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" })));
    const d = p.diagram;
    $("#scn-project-before").src = blobs[0];
    $("#scn-project-before").alt = `${t("scnDiagBefore")} — ${d.name}`;
    $("#scn-project-after").src = blobs[1];
    $("#scn-project-after").alt = `${t("scnDiagAfter")} — ${d.name}`;
    $("#scn-project-before-cap").textContent = `${t("scnDiagBefore")}: ${nk.fmt(d.nki_before, 2)} — ${d.name}`;
    $("#scn-project-after-cap").textContent = `${t("scnDiagAfter")}: ${nk.fmt(d.nki_after, 2)} — ${d.name}`;
  }

  // ------------------------------------------------------------ report and spreadsheet
  async function report(format, zone) {
    if (!last) return;
    const st = $("#scn-report-status");
    st.className = "status";
    st.textContent = t("computing");
    try {
      const body = { ...last.body, project: false };
      if (zone) body.zone_id = zone;
      const r = await fetch(`/api/scenario/report?format=${format}`, { method: "POST",
        body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });
      if (!r.ok) {
        const doc = await r.json().catch(() => ({}));
        throw new Error(nk.errorText(doc) || `${r.status} ${r.statusText}`);
      }
      const name = /filename="([^"]+)"/.exec(r.headers.get("Content-Disposition") || "");
      window.NKExport.saveBlob(await r.blob(), name ? name[1] : `scenarierapport.${format}`);
      st.className = "status ok";
      st.textContent = t("tkReportDone");
    } catch (err) {
      st.className = "status error";
      st.textContent = err.message;
    }
  }

  const TABLE_COLUMNS = [
    { key: "zone_id", da: "Zone", en: "zone" }, { key: "name", da: "Navn", en: "name" },
    { key: "label", da: "Indikator", en: "indicator" }, { key: "unit", da: "Enhed", en: "unit" },
    { key: "baseline", da: "Før", en: "baseline" }, { key: "scenario", da: "Efter", en: "scenario" },
    { key: "delta", da: "Ændring", en: "change" }, { key: "source", da: "Kilde", en: "source" },
    { key: "assumption", da: "Antagelse", en: "assumption" }, { key: "note", da: "Note", en: "note" }];

  /** Every zone's rows and the project area's, at full precision. */
  function scenarioExport() {
    const res = last.result;
    const rows = [...res.table];
    if (res.project) rows.push(...res.project.table);
    const notes = [`${res.meta.method}`, `${res.meta.landcover}`, ...(res.meta.assumptions || []).map((a) => "⚠ " + a)];
    const name = typeof last.body.scenario === "string" ? last.body.scenario.replace("demo:", "") : "scenarie";
    return { title: "Scenarie (scenario) " + name, filename: "scenarie_" + name, columns: TABLE_COLUMNS, rows, notes };
  }

  function onResult(ev) {
    last = ev.detail;
    projectBox();
    renderProject();
    $("#scn-table").nkExport = scenarioExport;
    const pt = $("#scn-project-table");
    if (pt) pt.nkExport = scenarioExport;
    $("#scn-report-status").textContent = "";
    document.body.dataset.scenarioProject = last.result.project ? "true" : "false";
  }

  window.NKScenarioExtras = { layers };
  window.NK_MODULES = window.NK_MODULES || [];
  window.NK_MODULES.push({
    init(api) {
      nk = api;
      document.addEventListener("nk-scenario-result", onResult);
    },
    onTab(name) { if (name === "scenario") layerBox(); },
    onLanguage() {
      for (const e of document.querySelectorAll("#scn-layers [data-i18n], #scn-project [data-i18n], #scn-report [data-i18n]")) {
        e.textContent = t(e.dataset.i18n);
      }
      renderProject();
    },
  });
})();
