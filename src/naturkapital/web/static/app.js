/* Naturkapital web app: map, zone panel, ranking, comparison, uploads, downloads.
   Plain JavaScript, no build step; all data from the server's /api. Text from the
   server or the user's files is always inserted as text, never as HTML.
   The lowland view (lowland.js) and the scenario editor (scenario.js) are modules in
   window.NK_MODULES; this file calls their hooks: init(nk), onMapReady(map),
   onSelect(zoneId), onTab(name), onLanguage(). Forms of models (the zone upload here,
   lowland screening in lowland.js) are rendered by forms.js from /processes/{id}; the
   land-cover epochs come from the API too. */
"use strict";
(function () {
  const TEXTS = window.NK_TEXTS;
  const MODULES = window.NK_MODULES || [];
  /** Tabs that keep the user where they are when a municipality is picked on the map. */
  const STAY_TABS = new Set(["lowland", "scenario", "accounts", "urban", "where",
    "consolidate"]);
  const DK_BOUNDS = [[7.9, 54.5], [15.3, 57.85]];
  // Colour ramp: fractions of the legend's range → colours (same stops as the CSS bar).
  const RAMP = [[0, "#f7f4d0"], [0.15, "#d9ef8b"], [0.3, "#a6d96a"], [0.45, "#66bd63"],
    [0.6, "#1a9850"], [0.8, "#006837"], [1, "#00361b"]];

  const state = {
    lang: langFromUrl() || (localStorage.getItem("nk-lang") === "en" ? "en" : "da"),
    epoch: null,        // "basemap2021", "corine:2018" …: the API's epochs (loadEpochs)
    natureOnly: false,
    selected: null,
    munis: [],          // /api/municipalities rows
    byId: new Map(),
    change: new Map(),  // zone_id -> compare row (CORINE 2012 -> 2018)
    changeMeta: null,
    meta: null,
    sort: { key: "rank", dir: 1 },
    map: null,
    mapReady: false,
    upload: null,       // last upload response
    nkiForm: null,      // the "your areas" form, generated from /processes/nki
    tab: "zone",
    drawing: false,     // the scenario editor's polygon tool owns map clicks
    epochs: [],         // the API's epochs, sorted as in the header's selector
    cmp: { ids: ["630", "563", "101"], from: null, to: null, peers: false },  // epochs: fillEpochSelects
    params: {},         // module state kept in the URL (scenario)
    started: false,     // the first view (from the URL) is applied: changes go to history
    applyingUrl: false,
  };

  function langFromUrl() {
    const l = new URLSearchParams(location.search).get("lang");
    return l === "en" || l === "da" ? l : null;
  }

  function hook(name, ...args) {
    for (const m of MODULES) {
      if (typeof m[name] !== "function") continue;
      try { m[name](...args); } catch (err) { console.warn(`${name}:`, err); }
    }
  }

  // ---------------------------------------------------------------- helpers
  const $ = (sel) => document.querySelector(sel);
  const $$ = (sel) => Array.from(document.querySelectorAll(sel));
  function t(key, vars) {
    let s = (TEXTS[state.lang] && TEXTS[state.lang][key]) ?? TEXTS.da[key] ?? key;
    if (vars) for (const [k, v] of Object.entries(vars)) s = s.replace(`{${k}}`, v);
    return s;
  }
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") e.className = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }
  function fmt(x, digits = 1) {
    if (x === null || x === undefined || Number.isNaN(x)) return "–";
    return Number(x).toLocaleString(state.lang === "da" ? "da-DK" : "en-GB",
      { minimumFractionDigits: digits, maximumFractionDigits: digits });
  }
  function signed(x, digits = 1) {
    if (x === null || x === undefined) return "–";
    return (x > 0 ? "+" : x < 0 ? "−" : "±") + fmt(Math.abs(x), digits);
  }
  /** "corine:2018" → ["corine", "2018"]; "basemap2021" → ["basemap2021", null]. */
  function splitEpoch(epoch) {
    const [name, year] = String(epoch || "").split(":");
    return [name, year || null];
  }
  function epochQuery() {
    const [name, year] = splitEpoch(state.epoch);
    if (!name) return "";  // the server's default land cover
    return "landcover=" + encodeURIComponent(name) + (year ? "&year=" + year : "");
  }
  async function getJSON(url) {
    const r = await fetch(url, { headers: { Accept: "application/json" } });
    if (!r.ok) {
      let msg = r.status + " " + r.statusText;
      try { msg = errorText(await r.json()) || msg; } catch (e) { /* not JSON */ }
      throw new Error(msg);
    }
    return r.json();
  }
  /** POST ``body`` (a FormData as it is, anything else as JSON) to ``url``: the answer's
   *  JSON, or an Error with the server's one-line message. */
  async function post(url, body, headers) {
    const form = body instanceof FormData;
    const r = await fetch(url, { method: "POST", body: form ? body : JSON.stringify(body),
      headers: { ...(form ? {} : { "Content-Type": "application/json",
        Accept: "application/json" }), ...(headers || {}) } });
    const doc = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(errorText(doc) || `${r.status} ${r.statusText}`);
    return doc;
  }
  /** Run a form's ``work``: "computing" in its ``status`` line and its submit ``button``
   *  disabled meanwhile; an error goes to the status line and hides ``results``. */
  async function busy(status, button, results, work) {
    status.className = "status";
    status.textContent = t("computing");
    button.disabled = true;
    try {
      await work();
    } catch (err) {
      status.className = "status error";
      status.textContent = err.message;
      results.hidden = true;
    } finally {
      button.disabled = false;
    }
  }
  /** A problem document's message in the UI's language (detail_da / detail_en), else
   *  the bilingual ``detail``. */
  function errorText(body) {
    if (!body) return "";
    return body["detail_" + state.lang] || body.detail || "";
  }
  /** Bilingual texts from the server ("English / dansk", or "dansk / English" in the
   *  data catalogue's titles): the part in the UI's language. */
  const DANISH_HINT = /[æøåÆØÅ]|\b(og|af|med|til|arealanvendelse|kommune\w*|grænser|natur)\b/i;
  function oneLanguage(text) {
    const parts = String(text || "").split(" / ");
    if (parts.length !== 2) return text;
    const firstIsDanish = DANISH_HINT.test(parts[0]) && !DANISH_HINT.test(parts[1]);
    const [da, en] = firstIsDanish ? parts : [parts[1], parts[0]];
    return state.lang === "da" ? da : en;
  }
  function valueKey() { return state.natureOnly ? "nki_nature" : "nki"; }
  function groupLabel(g) { return g ? (t("groups")[g] || g) : "–"; }

  // ---------------------------------------------------------------- language
  function applyLanguage() {
    document.documentElement.lang = state.lang;
    window.NKForms.setLang(state.lang);
    for (const e of $$("[data-i18n]")) e.textContent = t(e.dataset.i18n);
    for (const e of $$("[data-i18n-ph]")) e.placeholder = t(e.dataset.i18nPh);
    $("#lang").textContent = t("langButton");
    $("#lang").lang = state.lang === "da" ? "en" : "da";
    document.title = t("title") + " — Naturkapital";
    $("#legend-title").textContent = state.natureOnly ? t("nkiNatureLabel") : t("nkiLabel");
    renderRanking();
    if (state.selected) renderZone(state.selected);
    renderCompare();
    if (state.upload) renderUpload(state.upload);
    renderMethod();
    if (state.epochs.length) fillEpochSelects();
    hook("onLanguage");
  }

  // ---------------------------------------------------------------- map
  function initMap() {
    try {
      state.map = new maplibregl.Map({
        container: "map",
        style: { version: 8, sources: {}, layers: [
          { id: "background", type: "background", paint: { "background-color": "#dfe9f0" } }] },
        bounds: DK_BOUNDS,
        fitBoundsOptions: { padding: 10 },
        attributionControl: false,
        dragRotate: false,
        pitchWithRotate: false,
        maxZoom: 14,
      });
    } catch (err) {
      $("#map-error").hidden = false;
      $("#map-error").textContent = t("noMap");
      return Promise.resolve();
    }
    const map = state.map;
    map.touchZoomRotate.disableRotation();
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
    map.addControl(new maplibregl.AttributionControl({ compact: true,
      customAttribution: "Kommunegrænser: DAGI 2014, Geodatastyrelsen · Basemap04: DCE · CORINE: EEA" }));
    return new Promise((resolve) => {
      map.on("load", async () => {
        const geo = await getJSON("/api/municipalities.geojson");
        map.addSource("kommuner", { type: "geojson", data: geo, promoteId: "zone_id" });
        map.addLayer({ id: "kommuner-fill", type: "fill", source: "kommuner", paint: {
          "fill-color": fillColour(0, 100), "fill-opacity": fillOpacity(0.85) } });
        map.addLayer({ id: "kommuner-line", type: "line", source: "kommuner", paint: {
          "line-color": "#ffffff", "line-width": 0.6 } });
        map.addLayer({ id: "kommuner-selected", type: "line", source: "kommuner", paint: {
          "line-color": "#b2182b",
          "line-width": ["case", ["boolean", ["feature-state", "sel"], false], 3, 0] } });
        map.addSource("upload", { type: "geojson", data: { type: "FeatureCollection",
          features: [] } });
        map.addLayer({ id: "upload-fill", type: "fill", source: "upload", paint: {
          "fill-color": "#f46d43", "fill-opacity": 0.35 } });
        map.addLayer({ id: "upload-line", type: "line", source: "upload", paint: {
          "line-color": "#d73027", "line-width": 2 } });
        map.on("click", "kommuner-fill", (e) => {
          if (state.drawing) return;
          const f = e.features && e.features[0];
          if (f) select(String(f.properties.zone_id), false);
        });
        map.on("mousemove", "kommuner-fill", (e) => {
          const f = e.features && e.features[0];
          if (!f) return;
          map.getCanvas().style.cursor = state.drawing ? "crosshair" : "pointer";
          const row = state.byId.get(String(f.properties.zone_id));
          const hover = $("#hover");
          hover.hidden = false;
          hover.textContent = `${f.properties.name}: ${fmt(row ? row[valueKey()] : null)}`;
        });
        map.on("mouseleave", "kommuner-fill", () => {
          map.getCanvas().style.cursor = state.drawing ? "crosshair" : "";
          $("#hover").hidden = true;
        });
        const attrib = map.getContainer().querySelector(".maplibregl-ctrl-attrib");
        if (attrib) attrib.classList.remove("maplibregl-compact-show");  // start collapsed
        state.mapReady = true;
        colourMap();
        hook("onMapReady", map);
        resolve();
      });
      map.on("error", (e) => console.warn("map:", e && e.error ? e.error.message : e));
    });
  }

  /** The index colours fade as the map zooms in, so the background map (land cover,
   *  names) gives orientation at parcel scale. */
  function fillOpacity(top) {
    return ["interpolate", ["linear"], ["zoom"], 7, top, 9, Math.min(top, 0.3), 11, Math.min(top, 0.12)];
  }

  function fillColour(lo, hi) {
    const stops = RAMP.flatMap(([f, c]) => [lo + f * (hi - lo), c]);
    return ["case", ["==", ["feature-state", "v"], null], "#c8c8c8",
      ["interpolate", ["linear"], ["feature-state", "v"], ...stops]];
  }

  /** Legend range: 0–100 for NKI; for NKI natur (mostly 60–100) from the data's minimum. */
  function colourRange() {
    if (!state.natureOnly) return [0, 100];
    const vals = state.munis.map((m) => m.nki_nature).filter((v) => v !== null && v !== undefined);
    const lo = vals.length ? Math.max(0, Math.floor(Math.min(...vals) / 10) * 10) : 0;
    return [Math.min(lo, 90), 100];
  }

  function renderLegend(lo, hi) {
    const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => el("span", {}, String(Math.round(lo + f * (hi - lo)))));
    document.querySelector(".legend-scale").replaceChildren(...ticks);
    $("#legend-title").textContent = state.natureOnly ? t("nkiNatureLabel") : t("nkiLabel");
  }

  function colourMap() {
    const [lo, hi] = colourRange();
    renderLegend(lo, hi);
    if (!state.mapReady) return;
    state.map.setPaintProperty("kommuner-fill", "fill-color", fillColour(lo, hi));
    const key = valueKey();
    for (const m of state.munis) {
      state.map.setFeatureState({ source: "kommuner", id: m.zone_id },
        { v: m[key], sel: m.zone_id === state.selected });
    }
  }

  // ---------------------------------------------------------------- data
  /** The header's land-cover selector: the embedded epochs the API lists, each dataset
   *  newest first (no years are written into the page). */
  async function loadEpochs() {
    const list = await window.NKForms.epochs();
    const order = [];
    for (const e of list) if (!order.includes(splitEpoch(e)[0])) order.push(splitEpoch(e)[0]);
    const sorted = list.slice().sort((a, b) => {
      const [na, ya] = splitEpoch(a), [nb, yb] = splitEpoch(b);
      return order.indexOf(na) - order.indexOf(nb) || Number(yb || 0) - Number(ya || 0);
    });
    state.epochs = sorted;
    fillEpochSelects();
    const sel = $("#epoch");
    sel.replaceChildren(...sorted.map((e) => el("option", { value: e },
      window.NKForms.epochLabel(e))));
    const wanted = new URLSearchParams(location.search).get("epoch");
    if (wanted && list.includes(wanted)) state.epoch = wanted;
    if (!state.epoch || !list.includes(state.epoch)) state.epoch = sorted[0];
    sel.value = state.epoch;
    syncFormEpoch();
  }

  async function loadMunicipalities() {
    const rows = await getJSON("/api/municipalities?" + epochQuery());
    state.munis = rows;
    state.byId = new Map(rows.map((r) => [r.zone_id, r]));
    const list = $("#muni-list");
    list.replaceChildren(...rows.slice().sort((a, b) => a.name.localeCompare(b.name, "da"))
      .map((r) => el("option", { value: r.name })));
    fillCompareSelects();
    renderRanking();
    colourMap();
    state.meta = (await getJSON("/api/nki/0?" + epochQuery())).meta;
    renderMethod();
    updateDownloads();
  }

  async function loadChange() {
    const res = await getJSON("/api/compare?from=corine:2012&to=corine:2018");
    state.change = new Map(res.rows.map((r) => [r.zone_id, r]));
    state.changeMeta = res.meta;
    if (state.selected) renderChange(state.selected);
  }

  // ---------------------------------------------------------------- zone panel
  async function select(zoneId, fly) {
    state.selected = zoneId;
    colourMap();
    if (!STAY_TABS.has(state.tab)) showTab("zone", true);
    writeUrl(true);
    hook("onSelect", zoneId);
    await renderZone(zoneId);
    if (fly && state.mapReady) flyTo(zoneId);
  }

  /** Fit the map to GeoJSON features (any geometry). */
  function fitFeatures(features, maxZoom = 12) {
    if (!state.mapReady || !features || !features.length) return;
    const b = new maplibregl.LngLatBounds();
    const walk = (c) => (typeof c[0] === "number" ? b.extend(c) : c.forEach(walk));
    for (const f of features) if (f.geometry) walk(f.geometry.coordinates);
    if (!b.isEmpty()) state.map.fitBounds(b, { padding: 40, maxZoom, duration: 600 });
  }

  function flyTo(zoneId) {
    const src = state.map.getSource("kommuner");
    const feats = state.map.querySourceFeatures("kommuner", { filter: ["==", ["get", "zone_id"], zoneId] });
    if (!feats.length || !src) return;
    const b = new maplibregl.LngLatBounds();
    for (const f of feats) {
      const walk = (c) => (typeof c[0] === "number" ? b.extend(c) : c.forEach(walk));
      walk(f.geometry.coordinates);
    }
    state.map.fitBounds(b, { padding: 40, maxZoom: 9, duration: 600 });
  }

  async function renderZone(zoneId) {
    let z;
    try {
      z = await getJSON(`/api/nki/${encodeURIComponent(zoneId)}?${epochQuery()}`);
    } catch (err) {
      $("#zone-empty").hidden = false;
      $("#zone-empty").textContent = t("loadError") + err.message;
      return;
    }
    if (state.selected !== zoneId) return;  // a newer click won
    $("#zone-empty").hidden = true;
    $("#zone").hidden = false;
    $("#zone-name").textContent = z.name;
    const main = state.natureOnly ? z.nki_nature : z.nki;
    const other = state.natureOnly ? z.nki : z.nki_nature;
    const rank = state.natureOnly ? z.rank_nature : z.rank;
    $("#zone-nki-label").textContent = state.natureOnly ? t("nkiNatureLabel") : t("nkiLabel");
    $("#zone-other-label").textContent = state.natureOnly ? t("nkiLabel") : t("nkiNatureLabel");
    $("#zone-nki").textContent = fmt(main);
    $("#zone-other").textContent = fmt(other);
    $("#zone-rank").textContent = rank ? t("rankOf", { r: rank, n: z.n_ranked }) : t("notRanked");
    $("#zone-group").textContent = groupLabel(z.group);
    const img = $("#diagram");
    img.alt = `NKI-diagram — ${z.name}`;
    img.src = diagramUrl(z.diagram_svg);
    const body = $("#landtypes tbody");
    const rows = z.land_types.filter((lt) => !state.natureOnly || lt.nature);
    body.replaceChildren(...rows.map((lt) => el("tr", {},
      el("td", {}, el("span", { class: "swatch", style: `background:${lt.colour}` }),
        state.lang === "da" ? lt.da : lt.en),
      el("td", { class: "num" }, fmt(state.natureOnly ? lt.share_nature_pct : lt.share_pct)),
      el("td", { class: "num" }, fmt(lt.value, 0)),
      el("td", { class: "num" }, fmt(state.natureOnly && lt.contribution_nature !== null
        ? lt.contribution_nature : lt.contribution)))));
    renderChange(zoneId);
  }

  function diagramUrl(base) {
    return base + (state.natureOnly ? "&nature_only=true" : "") + "&lang=" + state.lang;
  }

  function renderChange(zoneId) {
    const box = $("#zone-change");
    const c = state.change.get(zoneId);
    if (!c) { box.replaceChildren(el("p", { class: "hint" }, "…")); return; }
    const rk = (x) => (x === null || x === undefined ? "–" : String(Math.round(x)));
    box.replaceChildren(
      el("table", { class: "grid change" }, el("tbody", {},
        el("tr", {}, el("th", {}, t("changeFrom")), el("td", { class: "num" }, fmt(c.nki_from))),
        el("tr", {}, el("th", {}, t("changeTo")), el("td", { class: "num" }, fmt(c.nki_to))),
        el("tr", {}, el("th", {}, t("changeDelta")),
          el("td", { class: "num strong", id: "zone-delta" }, signed(c.delta, 2))),
        el("tr", {}, el("th", {}, "· " + t("changeArea")), el("td", { class: "num" }, signed(c.delta_area, 2))),
        el("tr", {}, el("th", {}, "· " + t("changeValue")), el("td", { class: "num" }, signed(c.delta_value, 2))),
        el("tr", {}, el("th", {}, t("changeRank")), el("td", { class: "num" }, `${rk(c.rank_from)} → ${rk(c.rank_to)}`)))),
      el("p", { class: "note" }, t("changeWarning")));
  }

  function renderMethod() {
    const m = state.meta;
    if (!m) return;
    const text = `${t("method")}: ${oneLanguage(m.method)} · ${m.landcover}` +
      (m.assumptions && m.assumptions.length ? ` · ${t("assumptions")}: ${m.assumptions.length}` : "");
    $("#zone-method").textContent = text;
    $("#method-note").textContent = text;
  }

  // ---------------------------------------------------------------- ranking
  function renderRanking() {
    const tbody = $("#ranking tbody");
    if (!tbody) return;
    const { key, dir } = state.sort;
    const rows = state.munis.slice().sort((a, b) => {
      const x = a[key], y = b[key];
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      if (typeof x === "string") return dir * x.localeCompare(y, "da");
      return dir * (x - y);
    });
    tbody.replaceChildren(...rows.map((r) => el("tr", {
      "data-id": r.zone_id, class: r.zone_id === state.selected ? "sel" : null,
      tabindex: "0", onclick: () => select(r.zone_id, true),
      "aria-label": r.name,
      onkeydown: (e) => {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); select(r.zone_id, true); }
      } },
      el("td", { class: "num" }, (state.natureOnly ? r.rank_nature : r.rank) ?? "–"),
      el("td", {}, r.name),
      el("td", { class: "num" }, fmt(r.nki)),
      el("td", { class: "num" }, fmt(r.nki_nature)),
      el("td", {}, groupLabel(r.group)))));
    for (const th of $$("#ranking th")) {
      th.classList.toggle("asc", th.dataset.key === key && dir === 1);
      th.classList.toggle("desc", th.dataset.key === key && dir === -1);
      th.setAttribute("aria-sort", th.dataset.key === key ? (dir === 1 ? "ascending" : "descending") : "none");
    }
  }

  function sortBy(key) {
    if (state.sort.key === key) state.sort.dir *= -1;
    else state.sort = { key, dir: key === "nki" || key === "nki_nature" ? -1 : 1 };
    renderRanking();
  }

  // ---------------------------------------------------------------- compare
  /** Basemap04 and CORINE are different sources: labelled as such in every picker. */
  function sourceOf(epoch) { return splitEpoch(epoch)[0] === "corine" ? "corine" : "basemap"; }
  function epochText(epoch) {
    return `${window.NKForms.epochLabel(epoch)} · ${t(sourceOf(epoch) === "corine" ? "srcCorine" : "srcBasemap")}`;
  }
  function epochQ(epoch) {
    const [name, year] = splitEpoch(epoch);
    return "landcover=" + encodeURIComponent(name) + (year ? "&year=" + year : "");
  }

  function fillEpochSelects() {
    const groups = [["basemap", t("srcBasemap")], ["corine", t("srcCorine")]];
    for (const [id, key] of [["#cmp-from", "from"], ["#cmp-to", "to"]]) {
      const sel = $(id);
      sel.replaceChildren(...groups.map(([src, label]) => el("optgroup", { label },
        state.epochs.filter((e) => sourceOf(e) === src).map((e) =>
          el("option", { value: e }, window.NKForms.epochLabel(e))))));
      if (!state.epochs.includes(state.cmp[key])) {
        // default: the longest span within one dataset (the oldest epoch's), so the
        // change is not a change of source
        const oldest = state.epochs[state.epochs.length - 1];
        const same = state.epochs.filter((e) => sourceOf(e) === sourceOf(oldest));
        state.cmp[key] = key === "to" ? same[0] : oldest;
      }
      sel.value = state.cmp[key];
    }
  }

  function fillCompareSelects() {
    const sorted = state.munis.slice().sort((a, b) => a.name.localeCompare(b.name, "da"));
    state.cmp.ids = state.cmp.ids.filter((id) => state.byId.has(id)).slice(0, 5);
    $("#cmp-add").replaceChildren(...sorted.map((r) => el("option", { value: r.zone_id }, r.name)));
    renderCompare();
  }

  const levelCache = new Map();  // epoch -> Map(zone_id -> municipality row)
  async function levels(epoch) {
    if (!levelCache.has(epoch)) {
      levelCache.set(epoch, getJSON("/api/municipalities?" + epochQ(epoch)).then((rows) =>
        new Map(rows.map((r) => [r.zone_id, r]))).catch((err) => { levelCache.delete(epoch); throw err; }));
    }
    return levelCache.get(epoch);
  }

  let cmpRun = 0;
  async function renderCompare() {
    if (state.tab !== "compare" || !state.munis.length || !state.epochs.length) return;
    const run = ++cmpRun;
    const { from, to, ids } = state.cmp;
    $("#cmp-peers").checked = state.cmp.peers;
    $("#cmp-th-from").textContent = window.NKForms.epochLabel(from);
    $("#cmp-th-to").textContent = window.NKForms.epochLabel(to);
    $("#cmp-sources").textContent = sourceOf(from) === sourceOf(to) ? t("cmpSources")
      : t("cmpMixed", { a: epochText(from), b: epochText(to) });
    $("#cmp-sources").className = sourceOf(from) === sourceOf(to) ? "note" : "status error";
    $("#cmp-chips").replaceChildren(...ids.map((id) => el("li", { class: "chip" },
      (state.byId.get(id) || {}).name || id,
      el("button", { type: "button", class: "chip-x", "aria-label": `${t("cmpRemove")} ${(state.byId.get(id) || {}).name || id}`,
        onclick: () => { state.cmp.ids = state.cmp.ids.filter((x) => x !== id); renderCompare(); writeUrl(true); } }, "×"))));
    $("#cmp-add-btn").disabled = ids.length >= 5;
    let a, b;
    $("#cmp-status").className = "status";
    $("#cmp-status").textContent = t("computing");  // an epoch's first table takes seconds
    try {
      [a, b] = await Promise.all([levels(from), levels(to)]);
    } catch (err) {
      $("#cmp-status").className = "status error";
      $("#cmp-status").textContent = t("loadError") + err.message;
      return;
    }
    if (run !== cmpRun) return;
    $("#cmp-status").textContent = "";
    const key = valueKey();
    const rankKey = state.natureOnly ? "rank_nature" : "rank";
    const shown = ids.slice();
    if (state.cmp.peers) {
      const groups = new Set(ids.map((id) => (state.byId.get(id) || {}).group).filter(Boolean));
      const peers = state.munis.filter((m) => groups.has(m.group) && !ids.includes(m.zone_id))
        .sort((x, y) => (b.get(y.zone_id)?.[key] ?? 0) - (b.get(x.zone_id)?.[key] ?? 0));
      shown.push(...peers.map((m) => m.zone_id));
    }
    const rk = (r) => (r && r[rankKey] ? String(r[rankKey]) : "–");
    $("#cmp-table tbody").replaceChildren(...shown.map((id) => {
      const x = a.get(id), y = b.get(id);
      const delta = x && y && x[key] !== null && y[key] !== null ? y[key] - x[key] : null;
      return el("tr", { class: ids.includes(id) ? "picked" : "peer", "data-id": id },
        el("td", {}, (y || x || {}).name || id), el("td", {}, groupLabel((y || x || {}).group)),
        el("td", { class: "num" }, fmt(x ? x[key] : null)), el("td", { class: "num" }, fmt(y ? y[key] : null)),
        el("td", { class: "num strong" }, signed(delta === null ? null : Math.round(delta * 10) / 10, 1)),
        el("td", { class: "num" }, `${rk(x)} → ${rk(y)}`));
    }));
    $("#cmp-cards").replaceChildren(...ids.map((id) => {
      const y = b.get(id), x = a.get(id);
      const name = (y || x || {}).name || id;
      const fig = (epoch, row) => el("figure", { class: "diagram" },
        el("img", { src: diagramUrl(`/api/nki/${encodeURIComponent(id)}/diagram.svg?${epochQ(epoch)}`),
          alt: `NKI-diagram — ${name}, ${window.NKForms.epochLabel(epoch)}`, loading: "lazy",
          width: "1500", height: "930" }),
        el("figcaption", {}, `${name} · ${epochText(epoch)}: ${fmt(row ? row[key] : null)}`));
      return el("div", { class: "cmp-card", "data-id": id }, el("h3", {}, name), fig(to, y),
        el("details", {}, el("summary", {}, epochText(from)), fig(from, x)));
    }));
  }

  function addCompare() {
    const id = $("#cmp-add").value;
    if (!id || state.cmp.ids.includes(id)) return;
    if (state.cmp.ids.length >= 5) {
      $("#cmp-status").className = "status error";
      $("#cmp-status").textContent = t("cmpMax");
      return;
    }
    state.cmp.ids.push(id);
    renderCompare();
    writeUrl(true);
  }

  // ---------------------------------------------------------------- URL
  /** The view as query parameters: a copied link reopens it, the back button returns. */
  function urlParams() {
    const p = new URLSearchParams();
    if (state.selected) p.set("kommune", state.selected);
    if (state.tab !== "zone") p.set("tab", state.tab);
    if (state.epoch && state.epoch !== state.epochs[0]) p.set("epoch", state.epoch);
    if (state.natureOnly) p.set("natur", "1");
    if (state.tab === "compare") {
      p.set("cmp", state.cmp.ids.join(","));
      p.set("from", state.cmp.from);
      p.set("to", state.cmp.to);
      if (state.cmp.peers) p.set("peers", "1");
    }
    for (const [k, v] of Object.entries(state.params)) if (v) p.set(k, v);
    if (state.lang === "en") p.set("lang", "en");
    return p;
  }

  function writeUrl(push) {
    if (!state.started || state.applyingUrl) return;
    // Commas and colons stay readable in a copied link (both are legal in a query).
    const q = urlParams().toString().replace(/%2C/g, ",").replace(/%3A/g, ":");
    const url = location.pathname + (q ? "?" + q : "");
    if (url === location.pathname + location.search) return;
    history[push ? "pushState" : "replaceState"](null, "", url);
  }

  /** Modules keep their state in the URL through this (scenario=…). */
  function setParam(key, value) {
    if (value) state.params[key] = value; else delete state.params[key];
    writeUrl(true);
  }

  async function applyUrl() {
    const p = new URLSearchParams(location.search);
    state.applyingUrl = true;
    try {
      const lang = p.get("lang") === "en" ? "en" : (p.has("lang") ? "da" : state.lang);
      if (lang !== state.lang) { state.lang = lang; applyLanguage(); }
      const epoch = p.get("epoch") && state.epochs.includes(p.get("epoch")) ? p.get("epoch") : state.epochs[0];
      const nature = p.get("natur") === "1";
      if (nature !== state.natureOnly) {
        state.natureOnly = nature;
        $("#nature-only").checked = nature;
        colourMap();
        renderRanking();
      }
      if (epoch && epoch !== state.epoch) {
        state.epoch = epoch;
        $("#epoch").value = epoch;
        syncFormEpoch();
        await loadMunicipalities();
      }
      if (p.has("cmp")) state.cmp.ids = p.get("cmp").split(",").filter((x) => state.byId.has(x)).slice(0, 5);
      for (const k of ["from", "to"]) if (state.epochs.includes(p.get(k))) state.cmp[k] = p.get(k);
      state.cmp.peers = p.get("peers") === "1";
      fillEpochSelects();
      state.params = {};
      if (p.get("scenario")) state.params.scenario = p.get("scenario");
      const tab = p.get("tab");
      const zone = p.get("kommune");
      if (zone && state.byId.has(zone)) {
        if (zone !== state.selected) await select(zone, true);
        else renderZone(zone);
      } else if (!zone && state.selected) {
        state.selected = null;
        colourMap();
        $("#zone").hidden = true;
        $("#zone-empty").hidden = false;
      }
      showTab(tab && $(`.tabs button[data-tab="${tab}"]`) ? tab : "zone", true);
      hook("onUrl", p);
    } finally {
      state.applyingUrl = false;
    }
  }

  // ---------------------------------------------------------------- upload
  /** The form of the "your areas" tab, generated from the nki process description. */
  async function mountUploadForm() {
    try {
      state.nkiForm = await window.NKForms.mount("#form-nki", "nki", { require: ["zones"] });
    } catch (err) {
      $("#upload-status").className = "status error";
      $("#upload-status").textContent = t("loadError") + err.message;
      return;
    }
    syncFormEpoch();
  }

  /** The upload form computes on the header's land cover unless the user picks another. */
  function syncFormEpoch() {
    const f = state.nkiForm;
    if (!f || !state.epoch) return;
    const [name, year] = splitEpoch(state.epoch);
    const lc = f.control("landcover");
    if (!lc || !Array.from(lc.options).some((o) => o.value === name)) return;
    f.set("landcover", name);
    f.set("year", year);
  }

  function uploadForm(format, extra) {
    return state.nkiForm.formData({ format, ...extra });
  }

  async function submitUpload(ev) {
    ev.preventDefault();
    const f = state.nkiForm;
    const zones = f && f.control("zones");
    if (!zones || !zones.files[0]) return;
    const headers = {};
    const store = $("#upload-store").checked;
    if (store) headers.Authorization = "Bearer " + $("#upload-token").value;
    const fd = uploadForm("json", store ? { store: "true" } : {});
    await busy($("#upload-status"), $("#upload-submit"), $("#upload-results"), async () => {
      state.upload = await post(f.rest || "/api/nki", fd, headers);
      renderUpload(state.upload);
    });
  }

  function renderUpload(res) {
    const rows = res.rows.filter((r) => r.zone_id !== "0");
    let msg = t("uploadDone", { n: rows.length });
    if (res.stored) msg += " " + t("uploadStored", { id: res.result_id });
    const status = $("#upload-status");
    status.className = "status ok";
    status.textContent = msg;
    $("#upload-results").hidden = false;
    $("#upload-table tbody").replaceChildren(...res.rows.map((r) => el("tr", {},
      el("td", {}, r.zone_id === "0" ? "∑" : r.zone_id), el("td", {}, r.name),
      el("td", { class: "num" }, fmt(r.nki)), el("td", { class: "num" }, fmt(r.nki_nature)),
      el("td", { class: "num" }, fmt(r.coverage_pct)))));
    if (state.mapReady) {
      state.map.getSource("upload").setData(res.zones);
      const b = new maplibregl.LngLatBounds();
      const walk = (c) => (typeof c[0] === "number" ? b.extend(c) : c.forEach(walk));
      for (const f of res.zones.features) if (f.geometry) walk(f.geometry.coordinates);
      if (!b.isEmpty()) state.map.fitBounds(b, { padding: 40, maxZoom: 12, duration: 600 });
    }
  }

  async function downloadUpload(format) {
    if (!state.upload || !state.nkiForm) return;
    const r = await fetch(state.nkiForm.rest || "/api/nki",
      { method: "POST", body: uploadForm(format) });
    if (!r.ok) {
      const body = await r.json().catch(() => ({}));
      $("#upload-status").className = "status error";
      $("#upload-status").textContent = errorText(body) || r.statusText;
      return;
    }
    const blob = await r.blob();
    const a = el("a", { href: URL.createObjectURL(blob), download: `nki_upload.${format}` });
    document.body.append(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  // ---------------------------------------------------------------- misc UI
  function showTab(name, quiet) {
    state.tab = name;
    for (const b of $$(".tabs button")) {
      const on = b.dataset.tab === name;
      b.classList.toggle("active", on);
      b.setAttribute("aria-selected", on ? "true" : "false");
      b.tabIndex = on ? 0 : -1;  // roving tab stop: arrow keys move between tabs
    }
    for (const s of $$(".tab")) {
      const on = s.id === "tab-" + name;
      s.classList.toggle("active", on);
      s.hidden = !on;
    }
    // Lowland candidates and scenario polygons stand out on a paler index map.
    if (state.mapReady) {
      state.map.setPaintProperty("kommuner-fill", "fill-opacity", fillOpacity(STAY_TABS.has(name) ? 0.35 : 0.85));
    }
    hook("onTab", name);
    if (name === "compare") renderCompare();
    if (!quiet) writeUrl(true);
  }

  /** Arrow keys, Home and End move between tabs (WAI-ARIA tabs pattern). */
  function tabKeys(e) {
    const tabs = $$(".tabs button");
    const i = tabs.indexOf(e.target);
    if (i < 0) return;
    const next = { ArrowRight: i + 1, ArrowDown: i + 1, ArrowLeft: i - 1, ArrowUp: i - 1,
      Home: 0, End: tabs.length - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    const b = tabs[(next + tabs.length) % tabs.length];
    b.focus();
    showTab(b.dataset.tab);
  }

  function updateDownloads() {
    $("#dl-csv").href = "/api/nki?format=csv&" + epochQuery();
    $("#dl-gpkg").href = "/api/nki?format=gpkg&" + epochQuery();
  }

  function onSearch() {
    const q = $("#search").value.trim().toLowerCase();
    if (!q) { $("#search-msg").textContent = ""; return; }
    const hit = state.munis.find((m) => m.name.toLowerCase() === q) ||
      state.munis.find((m) => m.name.toLowerCase().startsWith(q)) ||
      state.munis.find((m) => m.zone_id === q);
    const msg = $("#search-msg");
    if (hit) {
      msg.textContent = t("searchFound", { name: hit.name });
      msg.className = "search-msg ok";
      select(hit.zone_id, true);
    } else {
      msg.textContent = t("searchNone", { q: $("#search").value.trim() });
      msg.className = "search-msg error";
    }
  }

  function bind() {
    $("#lang").addEventListener("click", () => {
      state.lang = state.lang === "da" ? "en" : "da";
      localStorage.setItem("nk-lang", state.lang);
      applyLanguage();
      writeUrl(false);
    });
    $("#nature-only").addEventListener("change", (e) => {
      state.natureOnly = e.target.checked;
      if (state.sort.key === "nki" || state.sort.key === "nki_nature" || state.sort.key === "rank") {
        state.sort = { key: state.natureOnly ? "nki_nature" : "nki", dir: -1 };
      }
      colourMap();
      renderRanking();
      renderCompare();
      if (state.selected) renderZone(state.selected);
      writeUrl(true);
    });
    $("#epoch").addEventListener("change", async (e) => {
      state.epoch = e.target.value;
      syncFormEpoch();
      writeUrl(true);
      await loadMunicipalities();
      if (state.selected) renderZone(state.selected);
    });
    for (const b of $$(".tabs button")) b.addEventListener("click", () => showTab(b.dataset.tab));
    $(".tabs").addEventListener("keydown", tabKeys);
    for (const th of $$("#ranking th")) th.addEventListener("click", () => sortBy(th.dataset.key));
    $("#search").addEventListener("change", onSearch);
    $("#search").addEventListener("keydown", (e) => { if (e.key === "Enter") onSearch(); });
    for (const [id, key] of [["#cmp-from", "from"], ["#cmp-to", "to"]]) {
      $(id).addEventListener("change", (e) => { state.cmp[key] = e.target.value; renderCompare(); writeUrl(true); });
    }
    $("#cmp-add-btn").addEventListener("click", addCompare);
    $("#cmp-peers").addEventListener("change", (e) => { state.cmp.peers = e.target.checked; renderCompare(); writeUrl(true); });
    window.addEventListener("popstate", () => { applyUrl(); });
    $("#form-nki").addEventListener("submit", submitUpload);
    $("#upload-csv").addEventListener("click", () => downloadUpload("csv"));
    $("#upload-gpkg").addEventListener("click", () => downloadUpload("gpkg"));
  }

  async function start() {
    bind();
    applyLanguage();
    try {
      await Promise.all([loadEpochs().then(loadMunicipalities), initMap(), mountUploadForm()]);
      colourMap();
      document.body.dataset.ready = "true";
    } catch (err) {
      $("#zone-empty").textContent = t("loadError") + err.message;
    }
    loadChange().catch((err) => console.warn("change:", err.message));
    await applyUrl();
    state.started = true;
    document.body.dataset.urlApplied = "true";
  }

  window.nk = { state, select, showTab, t, el, fmt, signed, getJSON, $, $$, fitFeatures,
    lang: () => state.lang, setParam, errorText, oneLanguage, post, busy };
  for (const m of MODULES) if (typeof m.init === "function") m.init(window.nk);
  start();
})();
