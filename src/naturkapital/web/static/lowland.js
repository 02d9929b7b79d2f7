/* Lowland view: indicative candidate areas of the selected municipality on the map and
   in a table (always labelled vejledende / indicative: no carbon map is embedded),
   Klimaskovfonden's criteria with their sources, and screening of the user's own
   parcels with their three rasters. Data: /api/lowland/*. Text is inserted as text. */
"use strict";
(function () {
  const COLOURS = { eligible: "#1a9850", secondary: "#fdae61", ineligible: "#d73027",
    incomplete: "#999999" };
  const EMPTY = { type: "FeatureCollection", features: [] };
  let nk = null;
  const st = {
    kommune: null,     // zone id of the shown candidates
    doc: null,         // /api/lowland/candidates/{kommune}
    rules: null,       // /api/lowland/rules
    screen: null,      // last screening answer
    pending: null,     // kommune waiting for the tab to open
    selectedId: null,  // highlighted candidate
    map: null,
    form: null,        // the screening form, generated from /processes/lowland-screen
  };

  const $ = (s) => document.querySelector(s);
  const t = (k, v) => nk.t(k, v);
  const el = (...a) => nk.el(...a);
  const fmt = (x, d) => nk.fmt(x, d);
  const isActive = () => nk.state.tab === "lowland";

  function splitDesc(row) {
    return nk.lang() === "da" ? row.description_da : row.description_en;
  }

  // ------------------------------------------------------------ map layers
  function addLayers(map) {
    st.map = map;
    map.addSource("lowland", { type: "geojson", data: EMPTY, promoteId: "candidate_id" });
    map.addLayer({ id: "lowland-fill", type: "fill", source: "lowland", layout: { visibility: "none" },
      paint: { "fill-color": "#e66101",
        "fill-opacity": ["case", ["boolean", ["feature-state", "sel"], false], 0.9, 0.6] } });
    map.addLayer({ id: "lowland-line", type: "line", source: "lowland", layout: { visibility: "none" },
      paint: { "line-color": ["case", ["boolean", ["feature-state", "sel"], false], "#000000", "#8c2d04"],
        "line-width": ["case", ["boolean", ["feature-state", "sel"], false], 2.5, 0.8] } });
    map.addSource("lowland-parcels", { type: "geojson", data: EMPTY });
    map.addLayer({ id: "lowland-parcels-fill", type: "fill", source: "lowland-parcels",
      layout: { visibility: "none" },
      paint: { "fill-color": ["match", ["get", "status"], "eligible", COLOURS.eligible,
        "secondary", COLOURS.secondary, "ineligible", COLOURS.ineligible, COLOURS.incomplete],
      "fill-opacity": 0.6 } });
    map.addLayer({ id: "lowland-parcels-line", type: "line", source: "lowland-parcels",
      layout: { visibility: "none" }, paint: { "line-color": "#222222", "line-width": 1 } });
    map.on("mousemove", "lowland-fill", (e) => {
      const f = e.features && e.features[0];
      if (!f) return;
      const hover = $("#hover");
      hover.hidden = false;
      hover.textContent = t("lowHover", { r: f.properties.rank, a: fmt(f.properties.area_ha, 1) });
    });
    map.on("click", "lowland-fill", (e) => {
      if (nk.state.drawing) return;
      const f = e.features && e.features[0];
      if (f) highlight(String(f.properties.candidate_id), true);
    });
    if (st.doc) map.getSource("lowland").setData(st.doc.candidates);
    if (st.screen) map.getSource("lowland-parcels").setData(st.screen.parcels);
    setVisible(isActive());
  }

  function setVisible(on) {
    const map = st.map;
    if (!map) return;
    for (const id of ["lowland-fill", "lowland-line", "lowland-parcels-fill", "lowland-parcels-line"]) {
      map.setLayoutProperty(id, "visibility", on ? "visible" : "none");
    }
    const note = $("#map-note");
    note.hidden = !(on && st.doc);
    if (on && st.doc) note.textContent = `${t("lowBanner")} · ${t("lowMapNote")}`;
  }

  // ------------------------------------------------------------ candidates
  async function load(kommune) {
    st.pending = null;
    if (st.kommune === kommune && st.doc) { render(); return; }
    st.kommune = kommune;
    st.doc = null;
    $("#lowland-empty").hidden = true;
    $("#lowland-body").hidden = true;
    const status = $("#lowland-status");
    status.className = "status";
    status.textContent = t("lowLoading");
    let doc;
    try {
      doc = await nk.getJSON(`/api/lowland/candidates/${encodeURIComponent(kommune)}`);
    } catch (err) {
      if (st.kommune !== kommune) return;
      status.className = "status error";
      status.textContent = t("loadError") + err.message;
      return;
    }
    if (st.kommune !== kommune) return;  // a newer pick won
    st.doc = doc;
    status.textContent = "";
    render();
    if (st.map) {
      st.map.getSource("lowland").setData(doc.candidates);
      if (isActive()) nk.fitFeatures(doc.candidates.features, 11);
    }
    document.body.dataset.lowland = kommune;
  }

  function render() {
    const doc = st.doc;
    if (!doc) return;
    const m = doc.meta;
    $("#lowland-body").hidden = false;
    $("#lowland-banner-title").textContent = t("lowBanner") + ": ";
    $("#lowland-banner-text").textContent = nk.lang() === "da" ? m.label_da : m.label_en;
    $("#lowland-n").textContent = String(m.n_units);
    $("#lowland-ha").textContent = fmt(m.total_ha, 1);
    $("#lowland-land").textContent = fmt(m.candidate_land_ha, 1);
    $("#lowland-kommune").textContent = `${m.kommune} (${m.zone_id})`;
    $("#lowland-th-near").textContent = t("lowNear", { m: m.neighbourhood_m });
    const body = $("#lowland-table tbody");
    if (!doc.table.length) {
      body.replaceChildren(el("tr", {}, el("td", { colspan: "5", class: "hint" }, t("lowNone"))));
    } else {
      body.replaceChildren(...doc.table.map((r) => el("tr", {
        "data-id": r.candidate_id, tabindex: "0",
        class: r.candidate_id === st.selectedId ? "sel" : null,
        onclick: () => highlight(r.candidate_id, false),
        onkeydown: (e) => { if (e.key === "Enter") highlight(r.candidate_id, false); } },
      el("td", { class: "num" }, r.rank), el("td", {}, r.candidate_id),
      el("td", { class: "num" }, fmt(r.area_ha, 2)),
      el("td", { class: "num" }, fmt(r.wet_nature_nearby_ha, 1)),
      el("td", { class: "num" }, fmt(r.on_wet_nature_ha, 2)))));
    }
    const base = `/api/lowland/candidates/${encodeURIComponent(m.zone_id)}?format=`;
    $("#lowland-dl-gpkg").href = base + "gpkg";
    $("#lowland-dl-csv").href = base + "csv";
    $("#lowland-dl-geojson").href = base + "geojson";
    $("#lowland-method").textContent = `${t("lowMethod")}: ${nk.oneLanguage(m.method)}. ` +
      (m.data || []).map((d) => nk.oneLanguage(d)).join(" · ");
    $("#lowland-assumptions").replaceChildren(...(m.assumptions || []).map((a) =>
      el("li", {}, "⚠ " + a)));
    setVisible(isActive());
  }

  function highlight(id, fromMap) {
    const map = st.map;
    if (map && st.selectedId) map.setFeatureState({ source: "lowland", id: st.selectedId }, { sel: false });
    st.selectedId = id;
    if (map) map.setFeatureState({ source: "lowland", id }, { sel: true });
    for (const tr of document.querySelectorAll("#lowland-table tbody tr")) {
      tr.classList.toggle("sel", tr.dataset.id === id);
      if (fromMap && tr.dataset.id === id) tr.scrollIntoView({ block: "nearest" });
    }
    if (!fromMap && st.doc) {
      const f = st.doc.candidates.features.find((x) => x.properties.candidate_id === id);
      if (f) nk.fitFeatures([f], 14);
    }
  }

  // ------------------------------------------------------------ rules
  async function loadRules() {
    if (st.rules) { renderRules(); return; }
    try {
      st.rules = await nk.getJSON("/api/lowland/rules");
    } catch (err) {
      $("#lowland-conditions-source").textContent = t("loadError") + err.message;
      return;
    }
    renderRules();
  }

  function sourceCell(row) {
    return el("td", { class: "source", title: row.source },
      row.assumption ? el("span", { class: "assume", title: t("lowAssumption") }, "⚠ ") : null,
      row.source);
  }

  function valueText(row) {
    const v = Math.abs(row.value) >= 1000 ? fmt(row.value, 0) :
      (Number.isInteger(row.value) ? String(row.value) : fmt(row.value, 1));
    return `${v} ${row.unit}`;
  }

  function renderRules() {
    const r = st.rules;
    if (!r) return;
    $("#lowland-rules tbody").replaceChildren(...r.rules.rows.map((row) => el("tr",
      { "data-key": row.key }, el("td", {}, splitDesc(row)),
      el("td", { class: "num" }, valueText(row)), sourceCell(row))));
    $("#lowland-params tbody").replaceChildren(...r.candidate_search.rows.map((row) => el("tr",
      {}, el("td", {}, splitDesc(row)), el("td", { class: "num" }, valueText(row)),
      sourceCell(row))));
    $("#lowland-factors tbody").replaceChildren(...r.emission_factors.rows.map((row) => el("tr",
      {}, el("td", {}, `${row.situation} (${row.oc_interval_pct} % OC)`),
      el("td", { class: "num" }, fmt(row.co2, 2)), el("td", { class: "num" }, fmt(row.n2o, 2)),
      el("td", { class: "num" }, fmt(row.ch4, 2)), sourceCell(row))));
    $("#lowland-conditions").replaceChildren(...r.conditions.map((c) =>
      el("li", {}, nk.lang() === "da" ? c.da : c.en)));
    $("#lowland-conditions-source").textContent = `${t("lowSource")}: ${r.conditions_source} · ` +
      `${r.rules.version}, ${r.emission_factors.version}`;
  }

  // ------------------------------------------------------------ screening
  async function submitScreen(ev) {
    ev.preventDefault();
    if (!st.form) return;
    const fd = st.form.formData();
    await nk.busy($("#ls-status"), $("#ls-submit"), $("#ls-results"), async () => {
      const body = st.screen = await nk.post(st.form.rest || "/api/lowland/screen", fd);
      renderScreen();
      if (st.map) {
        st.map.getSource("lowland-parcels").setData(body.parcels);
        nk.fitFeatures(body.parcels.features, 15);
      }
    });
  }

  function renderScreen() {
    const res = st.screen;
    if (!res) return;
    const status = $("#ls-status");
    status.className = "status ok";
    status.textContent = t("lowScreened", { n: res.table.length });
    $("#ls-results").hidden = false;
    const names = t("status");
    $("#ls-table tbody").replaceChildren(...res.table.map((r) => el("tr", {},
      el("td", {}, r.parcel_id),
      el("td", {}, el("span", { class: "swatch", style: `background:${COLOURS[r.status] || "#999"}` }),
        names[r.status] || r.status),
      el("td", { class: "num" }, fmt(r.area_ha, 2)), el("td", { class: "num" }, fmt(r.peat_area_ha, 2)),
      el("td", { class: "num" }, fmt(r.co2e_reduction_t_per_year, 1)),
      el("td", { class: "num" }, r.status === "ineligible" ? "–" : fmt(r.max_support_dkk, 0)),
      el("td", { class: "small" }, (nk.lang() === "da" ? r.reasons_da : r.reasons_en) || "–"))));
  }

  // ------------------------------------------------------------ hooks
  window.NK_MODULES = window.NK_MODULES || [];
  window.NK_MODULES.push({
    init(api) {
      nk = api;
      $("#form-lowland-screen").addEventListener("submit", submitScreen);
      window.NKForms.mount("#form-lowland-screen", "lowland-screen").then((f) => { st.form = f; })
        .catch((err) => {
          $("#ls-status").className = "status error";
          $("#ls-status").textContent = t("loadError") + err.message;
        });
    },
    onMapReady(map) { addLayers(map); },
    onSelect(zoneId) {
      if (isActive()) load(zoneId);
      else st.pending = zoneId;
    },
    onTab(name) {
      setVisible(name === "lowland");
      if (name !== "lowland") return;
      loadRules();
      const want = st.pending || nk.state.selected;
      if (want) load(want);
      else if (!st.doc) $("#lowland-empty").hidden = false;
      if (st.doc && st.map) nk.fitFeatures(st.doc.candidates.features, 11);
    },
    onLanguage() {
      render();
      renderRules();
      renderScreen();
    },
  });
})();
