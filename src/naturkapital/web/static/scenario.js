/* Scenario editor: conversions from a demo, an uploaded file, or polygons drawn on the
   map (click to add corners); a target class of the land cover's scheme per polygon;
   evaluation through /api/scenario/evaluate (the scenario engine behind the CLI and the
   scenario-evaluate process): indicator table with sources and assumptions flagged,
   NKI diagram before and after, lowland check; save with the token (POST
   /api/scenarios). Text from the server or files is inserted as text. */
"use strict";
(function () {
  const EMPTY = { type: "FeatureCollection", features: [] };
  // Every attribute of a conversion (scenario.read.CONVERSION_FIELDS): kept from demos and
  // files, sent for evaluation, saved and reopened.
  const KEEP = ["conv_id", "name", "to_class", "note", "oc_pct", "gvsmax_cm", "peat_depth_cm"];
  const NUMBERS = ["to_class", "oc_pct", "gvsmax_cm", "peat_depth_cm"];
  const DIGITS = { "0-100": 1, ha: 2, "t C": 0, "t CO2e/yr": 1, "kg N/yr": 0, m3: 0, DKK: 0 };
  const CLOSE_PX = 10;
  let nk = null;
  const st = {
    classes: null,     // /api/landcover/classes for the editor's land cover
    demos: [],
    features: [],      // conversions: GeoJSON features (EPSG:4326) with name, to_class
    demo: null,        // "demo:NAME" while the features are an unmodified demo
    drawn: 0,
    pts: null,         // corners of the polygon being drawn, or null
    result: null,      // last /api/scenario/evaluate answer
    scenarioSent: null,
    runId: 0,
    map: null,
    blobs: [],
    saved: [],
  };

  const $ = (s) => document.querySelector(s);
  const t = (k, v) => nk.t(k, v);
  const el = (...a) => nk.el(...a);
  const fmt = (x, d) => nk.fmt(x, d);
  const isActive = () => nk.state.tab === "scenario";
  const epoch = () => $("#scn-landcover").value;

  function setStatus(sel, cls, text) {
    const e = $(sel);
    e.className = "status" + (cls ? " " + cls : "");
    e.textContent = text;
  }

  async function postJSON(url, body, headers) {
    const r = await fetch(url, { method: "POST", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", Accept: "application/json", ...(headers || {}) } });
    const doc = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(nk.errorText(doc) || `${r.status} ${r.statusText}`);
    return doc;
  }

  // ------------------------------------------------------------ classes
  async function loadClasses(ep) {
    const q = ep === "basemap2021" ? "landcover=basemap2021" : "landcover=corine&year=" + ep.split(":")[1];
    const doc = await nk.getJSON("/api/landcover/classes?" + q);
    const old = st.classes;
    st.classes = doc;
    if (old && old.epoch !== doc.epoch) {
      // keep each conversion's land type when the scheme changes
      const ltOld = new Map(old.classes.map((c) => [c.value, c.land_type]));
      for (const f of st.features) {
        const lt = ltOld.get(Number(f.properties.to_class));
        const hit = doc.classes.find((c) => c.land_type === lt);
        f.properties.to_class = hit ? hit.value : defaultClass();
      }
    }
    fillClassSelect($("#scn-class"), Number($("#scn-class").value) || defaultClass());
    renderConversions();
    updateMap();
  }

  function defaultClass() {
    const cs = st.classes ? st.classes.classes : [];
    const wet = cs.find((c) => c.land_type === "eng_mose");
    return wet ? wet.value : (cs[0] ? cs[0].value : null);
  }

  function classOf(v) {
    return st.classes ? st.classes.classes.find((c) => c.value === Number(v)) : null;
  }

  function classText(c) {
    const label = nk.oneLanguage(c.label);
    const type = nk.lang() === "da" ? c.land_type_da : c.land_type_en;
    return type && type !== label ? `${c.value} ${label} — ${type}` : `${c.value} ${label}`;
  }

  function fillClassSelect(select, value) {
    if (!st.classes) return;
    const groups = new Map();
    for (const c of st.classes.classes) {
      const key = nk.lang() === "da" ? c.land_type_da : c.land_type_en;
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(c);
    }
    select.replaceChildren(...[...groups].map(([label, cs]) => el("optgroup", { label },
      ...cs.map((c) => el("option", { value: String(c.value) }, classText(c))))));
    const ok = classOf(value);
    select.value = String(ok ? ok.value : defaultClass());
  }

  // ------------------------------------------------------------ sources of conversions
  async function loadDemos() {
    try {
      st.demos = await nk.getJSON("/api/scenario/demos");
    } catch (err) { return; }
    const sel = $("#scn-demo");
    const keep = sel.value;
    sel.replaceChildren(el("option", { value: "" }, t("scnDemoNone")),
      ...st.demos.map((d) => el("option", { value: d.key }, `${d.title}`)));
    sel.value = keep;
  }

  async function pickDemo(key) {
    if (!key) return;
    st.savedId = null;
    const d = st.demos.find((x) => x.key === key);
    try {
      if (epoch() !== "basemap2021") {
        $("#scn-landcover").value = "basemap2021";
        await loadClasses("basemap2021");
      }
      const fc = await nk.getJSON(`/api/scenario/demos/${encodeURIComponent(key)}`);
      st.features = fc.features.map((f) => ({ type: "Feature", geometry: f.geometry,
        properties: pick(f.properties) }));
      st.demo = fc.demo || "demo:" + key;
      $("#scn-demo-note").textContent = d ? `${d.story} · ${t("scnDemoCaveat")} ${d.illustration}` : "";
      setStatus("#scn-draw-status", "ok", t("scnLoaded", { n: st.features.length }));
      changed(true);
      nk.fitFeatures(st.features, 14);
    } catch (err) {
      setStatus("#scn-draw-status", "error", err.message);
    }
  }

  async function uploadFile(file) {
    if (!file) return;
    const fd = new FormData();
    fd.append("file", file);
    fd.append("landcover", epoch());
    setStatus("#scn-draw-status", "", t("computing"));
    try {
      const r = await fetch("/api/scenario/read", { method: "POST", body: fd });
      const body = await r.json().catch(() => ({}));
      if (!r.ok) throw new Error(nk.errorText(body) || `${r.status} ${r.statusText}`);
      st.features = body.conversions.features.map((f) => ({ type: "Feature",
        geometry: f.geometry, properties: pick(f.properties) }));
      st.demo = null;
      $("#scn-demo").value = "";
      $("#scn-demo-note").textContent = body.filename;
      setStatus("#scn-draw-status", "ok", t("scnLoaded", { n: st.features.length }));
      changed(true);
      nk.fitFeatures(st.features, 14);
    } catch (err) {
      setStatus("#scn-draw-status", "error", err.message);
    }
  }

  function pick(props) {
    const out = {};
    for (const k of KEEP) {
      const v = props ? props[k] : null;
      if (v !== null && v !== undefined && v !== "") out[k] = NUMBERS.includes(k) ? Number(v) : v;
    }
    if (out.name === undefined) out.name = "";
    return out;
  }

  /** A conversion as POST /api/scenarios stores it: the geometry and every kept attribute. */
  function toConversion(f) {
    const p = pick(f.properties);
    return { ...p, geometry: f.geometry, name: String(p.name).slice(0, 200),
      note: String(p.note || "").slice(0, 500) };
  }

  /** The conversions changed: redraw; ``keepDemo`` when they are exactly a demo. */
  function changed(keepDemo) {
    if (!keepDemo) st.demo = null;
    clearResult();
    nk.setParam("scenario", st.demo || st.savedId || null);
    renderConversions();
    updateMap();
  }

  /** Other conversions: the last result no longer belongs to them. */
  function clearResult() {
    st.result = null;
    st.changes = (st.changes || 0) + 1;  // a run still under way is for the old ones
    $("#scn-results").hidden = true;
    setStatus("#scn-status", "", "");
  }

  // ------------------------------------------------------------ drawing
  function startDraw() {
    if (!st.map) return;
    st.pts = [];
    nk.state.drawing = true;
    st.map.doubleClickZoom.disable();
    st.map.getCanvas().style.cursor = "crosshair";
    for (const id of ["#scn-finish", "#scn-undo", "#scn-cancel"]) $(id).hidden = false;
    $("#scn-draw").hidden = true;
    drawStatus();
    updateDraft();
  }

  function stopDraw() {
    st.pts = null;
    nk.state.drawing = false;
    if (st.map) {
      // re-enable after the double-click that may have finished the polygon
      setTimeout(() => st.map.doubleClickZoom.enable(), 300);
      st.map.getCanvas().style.cursor = "";
    }
    for (const id of ["#scn-finish", "#scn-undo", "#scn-cancel"]) $(id).hidden = true;
    $("#scn-draw").hidden = false;
    updateDraft();
  }

  function drawStatus() {
    setStatus("#scn-draw-status", "", t("scnDrawing", { n: st.pts ? st.pts.length : 0 }));
  }

  function addCorner(e) {
    if (!st.pts) return;
    const p = [e.lngLat.lng, e.lngLat.lat];
    if (st.pts.length >= 3) {
      const first = st.map.project(st.pts[0]);
      if (Math.hypot(first.x - e.point.x, first.y - e.point.y) <= CLOSE_PX) { finishDraw(); return; }
    }
    if (st.pts.length) {
      const last = st.map.project(st.pts[st.pts.length - 1]);
      if (Math.hypot(last.x - e.point.x, last.y - e.point.y) < 3) return;  // double click
    }
    st.pts.push(p);
    drawStatus();
    updateDraft();
  }

  function finishDraw() {
    if (!st.pts) return;
    if (st.pts.length < 3) { setStatus("#scn-draw-status", "error", t("scnDrawShort")); return; }
    const ring = st.pts.map((p) => [Number(p[0].toFixed(7)), Number(p[1].toFixed(7))]);
    ring.push(ring[0]);
    st.drawn += 1;
    st.features.push({ type: "Feature", geometry: { type: "Polygon", coordinates: [ring] },
      properties: { name: t("scnDrawn", { n: st.drawn }), to_class: Number($("#scn-class").value) } });
    stopDraw();
    setStatus("#scn-draw-status", "ok", t("scnLoaded", { n: st.features.length }));
    changed(false);
  }

  function undoCorner() {
    if (!st.pts) return;
    st.pts.pop();
    drawStatus();
    updateDraft();
  }

  function cancelDraw() {
    stopDraw();
    setStatus("#scn-draw-status", "", "");
  }

  function updateDraft() {
    if (!st.map || !st.map.getSource("scenario-draft")) return;
    const pts = st.pts || [];
    const feats = pts.map((p) => ({ type: "Feature", properties: {}, geometry: { type: "Point", coordinates: p } }));
    if (pts.length >= 2) {
      feats.push({ type: "Feature", properties: {}, geometry: { type: "LineString",
        coordinates: pts.length >= 3 ? [...pts, pts[0]] : pts } });
    }
    st.map.getSource("scenario-draft").setData({ type: "FeatureCollection", features: feats });
  }

  // ------------------------------------------------------------ map
  function addLayers(map) {
    st.map = map;
    map.addSource("scenario", { type: "geojson", data: EMPTY });
    map.addLayer({ id: "scenario-fill", type: "fill", source: "scenario", layout: { visibility: "none" },
      paint: { "fill-color": ["get", "colour"], "fill-opacity": 0.85 } });
    map.addLayer({ id: "scenario-line", type: "line", source: "scenario", layout: { visibility: "none" },
      paint: { "line-color": "#6a00a8", "line-width": 2.5 } });
    map.addSource("scenario-draft", { type: "geojson", data: EMPTY });
    map.addLayer({ id: "scenario-draft-line", type: "line", source: "scenario-draft",
      filter: ["==", ["geometry-type"], "LineString"],
      paint: { "line-color": "#b2182b", "line-width": 2, "line-dasharray": [2, 1] } });
    map.addLayer({ id: "scenario-draft-pts", type: "circle", source: "scenario-draft",
      filter: ["==", ["geometry-type"], "Point"],
      paint: { "circle-radius": 4, "circle-color": "#ffffff", "circle-stroke-color": "#b2182b",
        "circle-stroke-width": 2 } });
    map.on("click", addCorner);
    map.on("dblclick", (e) => { if (st.pts) { e.preventDefault(); finishDraw(); } });
    map.on("mousemove", "scenario-fill", (e) => {
      const f = e.features && e.features[0];
      if (!f || st.pts) return;
      const hover = $("#hover");
      hover.hidden = false;
      hover.textContent = `${f.properties.name} → ${f.properties.class_text}`;
    });
    updateMap();
    setVisible(isActive());
  }

  function setVisible(on) {
    if (!st.map) return;
    for (const id of ["scenario-fill", "scenario-line"]) {
      st.map.setLayoutProperty(id, "visibility", on ? "visible" : "none");
    }
  }

  function updateMap() {
    if (!st.map || !st.map.getSource("scenario")) return;
    st.map.getSource("scenario").setData({ type: "FeatureCollection", features: st.features.map((f) => {
      const c = classOf(f.properties.to_class);
      return { type: "Feature", geometry: f.geometry, properties: { name: f.properties.name,
        colour: c ? c.colour : "#999999", class_text: c ? classText(c) : String(f.properties.to_class) } };
    }) });
  }

  // ------------------------------------------------------------ conversion list
  function renderConversions() {
    const body = $("#scn-conv tbody");
    $("#scn-conv-empty").hidden = st.features.length > 0;
    body.replaceChildren(...st.features.map((f, i) => {
      const sel = el("select", { "aria-label": t("scnTo"), onchange: (e) => {
        f.properties.to_class = Number(e.target.value);
        changed(false);
      } });
      fillClassSelect(sel, f.properties.to_class);
      return el("tr", { "data-i": String(i) },
        el("td", { class: "num" }, String(i + 1)),
        el("td", {}, f.properties.name || "–"),
        el("td", {}, sel),
        el("td", {}, el("button", { type: "button", class: "link", title: t("scnRemove"),
          "aria-label": t("scnRemove"), onclick: () => { st.features.splice(i, 1); changed(false); } }, "✕")));
    }));
  }

  // ------------------------------------------------------------ evaluation
  function scenarioBody() {
    if (st.demo && epoch() === "basemap2021") return st.demo;
    return { type: "FeatureCollection", features: st.features.map((f) => ({ type: "Feature",
      geometry: f.geometry, properties: pick(f.properties) })) };
  }

  // The process's land-cover inputs of an epoch: basemap2021, or corine with its year.
  function landcoverInputs(ep) {
    const [landcover, year] = ep.split(":");
    return year ? { landcover, year: Number(year) } : { landcover };
  }

  async function run(zoneId) {
    if (!st.features.length) { setStatus("#scn-status", "error", t("scnEmpty")); return; }
    const id = ++st.runId;
    const changes = st.changes;
    const body = { scenario: zoneId ? st.scenarioSent : scenarioBody(), ...landcoverInputs(epoch()),
      lang: nk.lang() };
    if (zoneId) body.zone_id = zoneId;
    setStatus("#scn-status", "", t("scnRunning"));
    $("#scn-run").disabled = true;
    try {
      // service layers (scenario_extras.js): the organic-carbon map, groundwater areas
      if (window.NKScenarioExtras) Object.assign(body, await window.NKScenarioExtras.layers());
      const res = await postJSON("/api/scenario/evaluate", body);
      if (id !== st.runId || changes !== st.changes) return;
      st.result = res;
      st.scenarioSent = body.scenario;
      renderResult();
      document.dispatchEvent(new CustomEvent("nk-scenario-result", { detail: { body, result: res } }));
      setStatus("#scn-status", "ok", t("scnDone", { n: res.conversions.features.length }));
      if (!zoneId) $("#scn-status").scrollIntoView({ block: "start", behavior: "smooth" });
      document.body.dataset.scenario = String(id);
    } catch (err) {
      if (id !== st.runId) return;
      setStatus("#scn-status", "error", err.message);
    } finally {
      $("#scn-run").disabled = false;
    }
  }

  function num(x, unit) {
    return fmt(x, DIGITS[unit] ?? 1);
  }

  // The delta's interval (coefficients within their ranges), shown under the delta when
  // it has a width: "(lav low – høj high)".
  function interval(r) {
    if (r.delta_low === null || r.delta_low === undefined || r.delta_high === null
        || r.delta_high === undefined) return null;
    const d = DIGITS[r.unit] ?? 1;
    const lo = nk.signed(r.delta_low, d), hi = nk.signed(r.delta_high, d);
    if (lo === hi) return null;
    return el("div", { class: "small interval", style: "font-weight:400",
      title: "interval: koefficienter inden for deres spænd / coefficients within their ranges" },
    `(${lo} – ${hi})`);
  }

  function renderResult() {
    const res = st.result;
    if (!res) return;
    $("#scn-results").hidden = false;
    const zone = res.diagram.zone_id;
    const zsel = $("#scn-zone");
    zsel.replaceChildren(...res.zones.map((z) => el("option", { value: z.zone_id },
      z.zone_id === "0" ? z.name : `${z.name} (${z.zone_id})`)));
    zsel.value = zone;
    const ind = new Map(res.indicators.map((i) => [i.key, i]));
    const rows = res.table.filter((r) => r.zone_id === zone);
    $("#scn-table tbody").replaceChildren(...rows.map((r) => {
      const i = ind.get(r.indicator);
      const label = i ? (nk.lang() === "da" ? i.da : i.en) : r.indicator;
      const assumed = String(r.assumption || "").startsWith("yes");
      return el("tr", { "data-indicator": r.indicator },
        el("td", {}, label, r.note ? el("div", { class: "note clamp", title: r.note }, r.note) : null),
        el("td", { class: "small" }, r.unit),
        el("td", { class: "num" }, num(r.baseline, r.unit)),
        el("td", { class: "num" }, num(r.scenario, r.unit)),
        el("td", { class: "num strong" }, r.delta === null ? "–" : nk.signed(r.delta, DIGITS[r.unit] ?? 1),
          interval(r)),
        el("td", { class: "source", title: assumed ? String(r.assumption).replace(/^yes:\s*/, "") : r.source },
          el("div", { class: "clamp" }, assumed ? el("span", { class: "assume" }, "⚠ ") : null,
            r.source)));
    }));
    for (const u of st.blobs) URL.revokeObjectURL(u);
    st.blobs = [res.diagram.before_svg, res.diagram.after_svg].map((svg) =>
      URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" })));
    const name = res.diagram.name;
    $("#scn-diag-before").src = st.blobs[0];
    $("#scn-diag-before").alt = `${t("scnDiagBefore")} — ${name}`;
    $("#scn-diag-after").src = st.blobs[1];
    $("#scn-diag-after").alt = `${t("scnDiagAfter")} — ${name}`;
    $("#scn-cap-before").textContent = `${t("scnDiagBefore")}: ${fmt(res.diagram.nki_before, 2)} — ${name}`;
    $("#scn-cap-after").textContent = `${t("scnDiagAfter")}: ${fmt(res.diagram.nki_after, 2)} — ${name}`;
    const names = t("status");
    $("#scn-lowland-box").hidden = !res.lowland.length;
    $("#scn-lowland tbody").replaceChildren(...res.lowland.map((c) => el("tr", {},
      el("td", {}, c.conv_id), el("td", { title: (c.notes || []).join(" ") }, names[c.status] || c.status),
      el("td", { class: "num" }, fmt(c.rewetted_ha, 2)),
      el("td", { class: "num" }, c.status === "ineligible" ? "–" : fmt(c.max_support_dkk, 0)),
      el("td", { class: "small" }, c.data_basis))));
    const a = res.meta.assumptions || [];
    $("#scn-assumptions-title").textContent = t("scnAssumptions", { n: a.length });
    $("#scn-assumptions").replaceChildren(...a.map((x) => el("li", {}, "⚠ " + x)));
    $("#scn-method").textContent = `${t("method")}: ${res.meta.method} · ${res.meta.landcover}`;
  }

  // ------------------------------------------------------------ save and open
  async function save(ev) {
    ev.preventDefault();
    if (!st.features.length) { setStatus("#scn-save-status", "error", t("scnEmpty")); return; }
    const body = { name: $("#scn-save-name").value, description: $("#scn-save-desc").value,
      landcover: epoch(), conversions: st.features.map(toConversion) };
    setStatus("#scn-save-status", "", t("computing"));
    try {
      const rec = await postJSON("/api/scenarios", body,
        { Authorization: "Bearer " + $("#scn-save-token").value });
      setStatus("#scn-save-status", "ok", t("scnSaved", { id: rec.id }));
      loadSaved();
    } catch (err) {
      setStatus("#scn-save-status", "error", err.message);
    }
  }

  async function loadSaved() {
    try {
      st.saved = (await nk.getJSON("/api/scenarios?limit=100")).scenarios;
    } catch (err) { return; }
    const sel = $("#scn-saved");
    sel.replaceChildren(...(st.saved.length ? st.saved.map((s) => el("option", { value: s.id },
      `${s.name} (${s.conversions.length}) · ${String(s.created_at).slice(0, 10)}`))
      : [el("option", { value: "" }, t("scnNoSaved"))]));
  }

  async function openSaved() {
    const rec = st.saved.find((s) => s.id === $("#scn-saved").value);
    if (!rec) return;
    const ep = rec.landcover === "corine:2018" ? "corine:2018" : "basemap2021";
    if (epoch() !== ep || !st.classes) {
      $("#scn-landcover").value = ep;
      await loadClasses(ep);
    }
    st.features = rec.conversions.map((c) => {
      let cls = c.to_class;
      if (cls === null || cls === undefined) {
        const hit = st.classes.classes.find((x) => x.land_type === c.to_land_type);
        cls = hit ? hit.value : defaultClass();
      }
      return { type: "Feature", geometry: c.geometry, properties: { ...pick(c), to_class: cls } };
    });
    $("#scn-demo").value = "";
    $("#scn-demo-note").textContent = rec.description || rec.name;
    $("#scn-save-name").value = rec.name;
    setStatus("#scn-draw-status", "ok", t("scnLoaded", { n: st.features.length }));
    st.savedId = rec.id;
    changed(false);
    nk.fitFeatures(st.features, 14);
  }

  // ------------------------------------------------------------ hooks
  let started = false;
  window.NK_MODULES = window.NK_MODULES || [];
  window.NK_MODULES.push({
    init(api) {
      nk = api;
      $("#scn-demo").addEventListener("change", (e) => pickDemo(e.target.value));
      $("#scn-file").addEventListener("change", (e) => uploadFile(e.target.files[0]));
      $("#scn-landcover").addEventListener("change", async (e) => {
        st.demo = null;
        $("#scn-demo").value = "";
        await loadClasses(e.target.value);
        updateMap();
      });
      $("#scn-draw").addEventListener("click", startDraw);
      $("#scn-finish").addEventListener("click", finishDraw);
      $("#scn-undo").addEventListener("click", undoCorner);
      $("#scn-cancel").addEventListener("click", cancelDraw);
      $("#scn-run").addEventListener("click", () => run(null));
      $("#scn-zone").addEventListener("change", (e) => run(e.target.value));
      $("#scn-save-form").addEventListener("submit", save);
      $("#scn-open").addEventListener("click", openSaved);
      document.addEventListener("keydown", (e) => { if (e.key === "Escape" && st.pts) cancelDraw(); });
    },
    onMapReady(map) { addLayers(map); },
    /** ?scenario=demo:NAME or ?scenario=ID (a saved scenario) reopens it. */
    async onUrl(p) {
      const want = p.get("scenario");
      if (!want || want === (st.demo || st.savedId)) return;
      if (!started) { started = true; await loadClasses(epoch()).catch(() => null); }
      if (!st.demos.length) await loadDemos();
      if (!st.saved.length) await loadSaved();
      if (want.startsWith("demo:")) {
        $("#scn-demo").value = want.slice(5);
        await pickDemo(want.slice(5));
      } else if (st.saved.some((x) => x.id === want)) {
        $("#scn-saved").value = want;
        await openSaved();
      }
    },
    onTab(name) {
      setVisible(name === "scenario");
      if (name !== "scenario") { if (st.pts) cancelDraw(); return; }
      if (!started) {
        started = true;
        loadClasses(epoch()).catch((err) => setStatus("#scn-draw-status", "error", err.message));
        loadDemos();
        loadSaved();
      } else if (st.features.length) {
        nk.fitFeatures(st.features, 14);
      }
    },
    onLanguage() {
      if (!st.classes) return;
      fillClassSelect($("#scn-class"), Number($("#scn-class").value));
      renderConversions();
      updateMap();
      loadDemos();
      renderResult();
      if (st.pts) drawStatus();
      // the diagrams are drawn by the server in one language: fetch them in the new one
      // (the evaluation itself is cached there, only the figures are drawn again)
      if (st.result && st.scenarioSent) run(st.result.diagram.zone_id);
    },
  });
})();
