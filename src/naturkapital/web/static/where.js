/* "Hvor skal vi handle? / Where to act" for the selected municipality: the ecological
   network (nature patches coloured by their dPC, least-cost corridors), the fireman's
   rule (class 1 protect, 2 buffer/connect, 3 new nature) and a least-cost plan that
   meets hectare targets (coloured by conversion, summary per conversion). Each part runs
   its OGC process (/processes/priority-network, -rank, -allocate); the forms are
   rendered from the process descriptions by forms.js. One legend in the map's legend
   stack lists the layers that are switched on. Also shares runProcess/legend helpers
   with consolidate.js through window.NKViews. Text is inserted as text. */
"use strict";
(function () {
  const EMPTY = { type: "FeatureCollection", features: [] };
  /** Fireman's classes: 1 protect, 2 buffer/connect, 3 new nature (0: neither). */
  const CLASSES = [[1, "#1b7837", "whereClass1"], [2, "#f1a340", "whereClass2"],
    [3, "#8073ac", "whereClass3"], [0, "#d9d9d9", "whereClass0"]];
  /** Conversion types of the plan. */
  const CONVERSIONS = [["forest", "#1a9850"], ["untouched_forest", "#00441b"],
    ["wet_nature", "#2166ac"], ["dry_nature", "#dfc27d"]];
  /** dPC ramp (YlGnBu without its yellow end, which the farmland of the background shares). */
  const DPC_RAMP = [[0, "#c7e9b4"], [0.25, "#7fcdbb"], [0.5, "#41b6c4"], [0.75, "#225ea8"],
    [1, "#0c2c84"]];
  const CORRIDOR = "#d01c8b";
  const PARTS = ["network", "rank", "allocate"];
  const LAYERS = { patches: ["where-patches", "where-patches-line"],
    corridors: ["where-corridors"], classes: ["where-classes"],
    plan: ["where-plan", "where-plan-casing", "where-plan-line"] };

  let nk = null;
  const st = { map: null, forms: {}, res: {}, busy: {}, kommune: {}, seconds: {},
    show: { patches: true, corridors: true, classes: true, plan: true } };
  const $ = (s) => document.querySelector(s);
  const t = (k, v) => nk.t(k, v);
  const el = (...a) => nk.el(...a);
  const fmt = (x, d) => nk.fmt(x, d);
  const active = () => nk.state.tab === "where";

  // ------------------------------------------------------------ shared helpers
  /** POST inputs to /processes/{id}/execution; the outputs, or an Error with the
   *  server's one-line message. */
  async function runProcess(id, inputs) {
    const r = await fetch(`/processes/${encodeURIComponent(id)}/execution`, {
      method: "POST", body: JSON.stringify({ inputs }),
      headers: { "Content-Type": "application/json", Accept: "application/json" } });
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(nk.errorText(body) || `${r.status} ${r.statusText}`);
    return body;
  }

  /** A status line: busy (spinner), ok or error. */
  function status(node, kind, text) {
    node.className = "status" + (kind ? " " + kind : "");
    node.setAttribute("aria-busy", kind === "busy" ? "true" : "false");
    node.textContent = text || "";
  }

  /** A legend box in the map's legend stack (created once, above the other legends). */
  /** Replace a node's children, leaving out the optional parts that are null
   *  (replaceChildren would write them as the text "null"). */
  function fill(node, ...parts) {
    node.replaceChildren(...parts.filter((p) => p !== null && p !== undefined));
  }

  function legendBox(id) {
    let box = document.getElementById(id);
    if (box) return box;
    box = el("div", { class: "legend view-legend", id, hidden: true });
    const stack = document.getElementById("layer-legends");
    if (stack && stack.parentNode) stack.parentNode.insertBefore(box, stack);
    else document.querySelector(".map-wrap").append(box);
    return box;
  }

  function swatches(items, shape) {
    return el("ul", { class: "legend-items" }, items.map(([colour, label, extra]) =>
      el("li", {}, el("span", { class: "swatch " + (shape || ""), style: extra ||
        `background:${colour}` }), label)));
  }

  /** A table in a box that scrolls sideways on a narrow screen. */
  function table(head, rows, cls) {
    return el("div", { class: "hscroll" }, el("table", { class: "grid " + (cls || "") },
      el("thead", {}, el("tr", {}, head.map(([label, num]) =>
        el("th", { class: num ? "num" : null }, label)))),
      el("tbody", {}, rows)));
  }

  function td(x, num) { return el("td", { class: num ? "num" : null }, x); }

  /** "Dansk / English" → the part in the interface's language. */
  function part(label) {
    const [da, en] = String(label || "").split(" / ");
    return nk.lang() === "da" || en === undefined ? da : en;
  }

  /** The background land cover is dimmed while a view's own layers are on the map (its
   *  farmland yellow and forest green would read as the view's colours). */
  function dimBackground(map, on) {
    if (map && map.getLayer("basemap-landcover")) {
      map.setPaintProperty("basemap-landcover", "raster-opacity", on ? 0.35 : 0.9);
    }
  }

  function setVisible(map, ids, on) {
    for (const id of ids) {
      if (map.getLayer(id)) map.setLayoutProperty(id, "visibility", on ? "visible" : "none");
    }
  }

  // ------------------------------------------------------------ map
  function addLayers(map) {
    st.map = map;
    const src = (id) => map.addSource(id, { type: "geojson", data: EMPTY });
    for (const id of ["where-patches", "where-corridors", "where-classes", "where-plan"]) src(id);
    const hidden = { visibility: "none" };
    map.addLayer({ id: "where-classes", type: "fill", source: "where-classes", layout: hidden,
      paint: { "fill-color": ["match", ["get", "fireman_class"],
        ...CLASSES.flatMap(([c, colour]) => [c, colour]), "#d9d9d9"],
      "fill-opacity": ["case", ["==", ["get", "fireman_class"], 0], 0.15, 0.55],
      "fill-outline-color": "rgba(255,255,255,0.6)" } });
    map.addLayer({ id: "where-patches", type: "fill", source: "where-patches", layout: hidden,
      paint: { "fill-color": ["interpolate", ["linear"], ["coalesce", ["get", "_dpc"], 0],
        ...DPC_RAMP.flat()], "fill-opacity": 0.85 } });
    map.addLayer({ id: "where-patches-line", type: "line", source: "where-patches",
      layout: hidden, paint: { "line-color": "#253494", "line-width": 0.6 } });
    map.addLayer({ id: "where-corridors", type: "fill", source: "where-corridors",
      layout: hidden, paint: { "fill-color": CORRIDOR, "fill-opacity": 0.8 } });
    map.addLayer({ id: "where-plan", type: "fill", source: "where-plan", layout: hidden,
      paint: { "fill-color": ["match", ["get", "conversion"], ...CONVERSIONS.flat(), "#999999"],
        "fill-opacity": 0.8 } });
    map.addLayer({ id: "where-plan-casing", type: "line", source: "where-plan", layout: hidden,
      paint: { "line-color": "#ffffff", "line-width": 4.5 } }, "where-plan");
    map.addLayer({ id: "where-plan-line", type: "line", source: "where-plan", layout: hidden,
      paint: { "line-color": "#000000", "line-width": 2 } });
    for (const id of ["where-classes", "where-patches", "where-corridors", "where-plan"]) {
      map.on("mousemove", id, (e) => hover(id, e));
      map.on("mouseleave", id, () => { $("#hover").hidden = true; });
    }
  }

  function hover(layer, e) {
    const f = e.features && e.features[0];
    if (!f || !active()) return;
    const p = f.properties || {};
    let text = "";
    if (layer === "where-classes") {
      const c = CLASSES.find(([k]) => k === Number(p.fireman_class));
      text = `${t(c ? c[2] : "whereClass0")}` + (p.rank ? ` · ${t("whereRank")} ${p.rank}` : "") +
        (Number(p.eca_gain_ha) > 0 ? ` · ECA +${fmt(p.eca_gain_ha, 2)} ha` : "");
    } else if (layer === "where-patches") {
      text = `${t("wherePatch")} ${p.patch_id}: ${fmt(p.area_ha, 1)} ha · dPC ${fmt(100 * (p._dpc_raw || 0), 2)} %`;
    } else if (layer === "where-corridors") {
      text = `${t("whereCorridor")} ${p.from_patch}–${p.to_patch}: ${fmt(p.cost_m, 0)} m`;
    } else {
      text = `${t("conv_" + p.conversion)}: ${fmt(p.area_ha, 1)} ha · ${fmt(p.cost_dkk / 1e6, 2)} ${t("whereMio")}`;
    }
    const h = $("#hover");
    h.hidden = false;
    h.textContent = text;
  }

  function refreshMap() {
    if (!st.map) return;
    const on = active();
    const has = { patches: !!st.res.network, corridors: !!st.res.network,
      classes: !!st.res.rank, plan: !!st.res.allocate };
    for (const [k, ids] of Object.entries(LAYERS)) setVisible(st.map, ids, on && has[k] && st.show[k]);
    if (on) dimBackground(st.map, Object.values(has).some(Boolean));
    else if (nk.state.tab !== "consolidate") dimBackground(st.map, false);
    renderLegend();
  }

  function renderLegend() {
    const box = legendBox("where-legend");
    const parts = [];
    if (active() && st.res.network && st.show.patches) {
      parts.push(el("div", { class: "legend-title" }, t("whereLgPatches")),
        el("div", { class: "legend-bar", style: "background:linear-gradient(to right," +
          DPC_RAMP.map(([f, c]) => `${c} ${f * 100}%`).join(",") + ")" }),
        el("div", { class: "legend-scale" }, el("span", {}, t("whereLow")),
          el("span", {}, t("whereHigh"))));
    }
    if (active() && st.res.network && st.show.corridors) {
      parts.push(swatches([[CORRIDOR, t("whereLgCorridors")]]));
    }
    if (active() && st.res.rank && st.show.classes) {
      parts.push(el("div", { class: "legend-title" }, t("whereLgClasses")),
        swatches(CLASSES.map(([, colour, key]) => [colour, t(key)])));
    }
    if (active() && st.res.allocate && st.show.plan) {
      const seen = new Set(st.res.allocate.plan.features.map((f) => f.properties.conversion));
      parts.push(el("div", { class: "legend-title" }, t("whereLgPlan")),
        swatches(CONVERSIONS.filter(([c]) => seen.has(c)).map(([c, colour]) =>
          [colour, t("conv_" + c)])));
    }
    box.replaceChildren(...parts);
    box.hidden = parts.length === 0;
  }

  // ------------------------------------------------------------ results
  function patchesWithDpc(fc) {
    const key = Object.keys((fc.features[0] || {}).properties || {}).find((k) => k.startsWith("dpc_"));
    const max = Math.max(1e-12, ...fc.features.map((f) => Number(f.properties[key]) || 0));
    for (const f of fc.features) {
      const v = Number(f.properties[key]) || 0;
      f.properties._dpc_raw = v;
      f.properties._dpc = Math.sqrt(v / max);  // square root: the many small patches stay visible
    }
    return fc;
  }

  function kpi(label, value, cls) {
    return el("div", { class: "kpi" + (cls ? " " + cls : "") },
      el("span", { class: "kpi-label" }, label), el("span", { class: "kpi-value small" }, value));
  }

  function assumptions(meta) {
    const list = (meta && meta.assumptions) || [];
    if (!list.length) return null;
    return el("details", { class: "note" }, el("summary", {}, t("whereAssumptions", { n: list.length })),
      el("ul", {}, list.map((a) => el("li", {}, a))));
  }

  function renderNetwork() {
    const out = $("#where-network-out");
    const d = st.res.network;
    if (!d) { out.replaceChildren(); return; }
    const ix = d.indices[d.indices.length - 1];
    const top = d.patches.features.slice().sort((a, b) =>
      b.properties._dpc_raw - a.properties._dpc_raw).slice(0, 5);
    fill(out,
      el("div", { class: "kpis" },
        kpi("ECA", `${fmt(ix.eca_ha, 0)} ha · ${fmt(ix.eca_pct_of_habitat, 1)} %`),
        kpi("PC", fmt(ix.pc, 4)),
        kpi(t("wherePatches"), fmt(ix.patches, 0)),
        kpi(t("whereCorridors"), `${fmt(d.corridors.features.length, 0)} / ${fmt(ix.links, 0)}`)),
      el("p", { class: "note" }, t("whereNetworkNote", { d: fmt(ix.distance_m, 0),
        h: fmt(ix.habitat_ha, 0) })),
      table([[t("wherePatch")], ["ha", 1], ["dPC %", 1], [t("whereIntra"), 1],
        [t("whereFlux"), 1], [t("whereConnector"), 1]], top.map((f) => {
        const p = f.properties;
        const tag = Object.keys(p).find((k) => k.startsWith("dpc_")).slice(4);
        return el("tr", {}, td(String(p.patch_id)), td(fmt(p.area_ha, 1), 1),
          td(fmt(100 * p._dpc_raw, 2), 1), td(fmt(100 * p["intra_" + tag], 2), 1),
          td(fmt(100 * p["flux_" + tag], 2), 1), td(fmt(100 * p["connector_" + tag], 2), 1));
      }), "compact"),
      assumptions(d.meta));
  }

  function renderRank() {
    const out = $("#where-rank-out");
    const d = st.res.rank;
    if (!d) { out.replaceChildren(); return; }
    const units = d.units.features.map((f) => f.properties);
    const rows = CLASSES.map(([c, colour, key]) => {
      const u = units.filter((x) => Number(x.fireman_class) === c);
      const sum = (k) => u.reduce((a, x) => a + (Number(x[k]) || 0), 0);
      return el("tr", { "data-class": String(c) },
        td(el("span", { class: "nowrap" }, el("span", { class: "swatch",
          style: `background:${colour}` }), t(key))),
        td(fmt(u.length, 0), 1), td(fmt(sum("farmland_ha"), 0), 1), td(fmt(sum("eca_gain_ha"), 1), 1));
    });
    fill(out,
      table([[t("whereClass")], [t("whereUnits"), 1], [t("whereFarmHa"), 1],
        [t("whereEcaGain"), 1]], rows, "compact"),
      el("p", { class: "note" }, t("whereRankNote", { u: fmt(d.meta.unit_size_m || 0, 0),
        b: fmt(d.meta.buffer_m, 0), d: fmt(d.meta.distance_m, 0) })),
      d.meta.not_included ? el("p", { class: "note" }, t("whereNotIncluded") + " " +
        d.meta.not_included) : null,
      assumptions(d.meta));
  }

  /** Optional columns of the plan's summary (shown when the model gives them). */
  const EXTRA = [["co2_t_yr", "whereCo2", 0], ["co2_t", "whereCo2", 0],
    ["eca_gain_ha", "whereEcaGain", 1], ["n_kg_yr", "whereN", 0]];

  function renderAllocate() {
    const out = $("#where-allocate-out");
    const d = st.res.allocate;
    if (!d) { out.replaceChildren(); return; }
    const m = d.meta;
    const cols = [];
    for (const [k, key, digits] of EXTRA) {
      if (d.summary.some((r) => r[k] !== undefined && r[k] !== null) &&
        !cols.some((c) => c[1] === key)) cols.push([k, key, digits]);
    }
    const total = { target_ha: 0, allocated_ha: 0, cost_dkk: 0, greedy_cost_dkk: 0 };
    for (const r of d.summary) for (const k of Object.keys(total)) total[k] += Number(r[k]) || 0;
    const colour = (c) => (CONVERSIONS.find(([x]) => x === c) || [c, "#999"])[1];
    const rows = d.summary.map((r) => el("tr", { "data-conversion": r.conversion },
      td(el("span", { class: "nowrap" }, el("span", { class: "swatch",
        style: `background:${colour(r.conversion)}` }), t("conv_" + r.conversion))),
      td(fmt(r.target_ha, 0), 1), td(fmt(r.allocated_ha, 1), 1),
      td(fmt(r.cost_dkk / 1e6, 2), 1), td(fmt(r.greedy_cost_dkk / 1e6, 2), 1),
      ...cols.map(([k, , digits]) => td(fmt(r[k], digits), 1))));
    rows.push(el("tr", { class: "total" }, td(t("whereTotal")), td(fmt(total.target_ha, 0), 1),
      td(fmt(total.allocated_ha, 1), 1), td(fmt(total.cost_dkk / 1e6, 2), 1),
      td(fmt(total.greedy_cost_dkk / 1e6, 2), 1), ...cols.map(() => td(""))));
    fill(out,
      el("div", { class: "kpis" },
        kpi(t("whereCost"), `${fmt(Number(m.cost_dkk) / 1e6, 2)} ${t("whereMio")}`, "main"),
        kpi(t("whereGap"), `${fmt(Number(m.mip_gap_pct), 2)} %`),
        kpi(t("whereVsGreedy"), `${fmt(100 * Number(m.cost_vs_greedy), 0)} %`),
        kpi(t("whereUnitsChosen"), fmt(d.plan.features.length, 0))),
      table([[t("whereConversion")], [t("whereTarget"), 1],
        ["ha", 1], [t("whereCostMio"), 1], [t("whereGreedyMio"), 1],
        ...cols.map(([, key]) => [t(key), 1])], rows, "compact"),
      el("p", { class: "note" }, `${nk.oneLanguage(m.method)}. ${m.solver || ""}: ${m.status || ""}.`),
      assumptions(m));
  }

  function render() {
    const name = (nk.state.byId.get(nk.state.selected) || {}).name;
    $("#where-muni").textContent = name ? `${name} (${nk.state.selected})` : t("whereNoMuni");
    for (const p of PARTS) {
      const btn = $(`#where-${p}-run`);
      if (btn) btn.disabled = !nk.state.selected || !!st.busy[p];
      const stale = st.res[p] && st.kommune[p] !== nk.state.selected;
      const node = $(`#where-${p}-status`);
      if (stale && !st.busy[p]) status(node, "", t("whereStale", { k: st.kommune[p] }));
      else if (st.res[p] && !st.busy[p] && st.seconds[p] !== undefined) {
        status(node, "ok", t("whereDone", { s: fmt(st.seconds[p], 1) }));  // in the current language
      }
    }
    renderNetwork();
    renderRank();
    renderAllocate();
    refreshMap();
  }

  // ------------------------------------------------------------ running
  const PROCESS = { network: "priority-network", rank: "priority-rank",
    allocate: "priority-allocate" };
  const SOURCES = { network: ["where-patches", "where-corridors"], rank: ["where-classes"],
    allocate: ["where-plan"] };

  async function run(partName, ev) {
    if (ev) ev.preventDefault();
    const node = $(`#where-${partName}-status`);
    const sf = st.forms[partName];
    if (!sf) return;
    if (!nk.state.selected) { status(node, "error", t("whereNoMuni")); return; }
    sf.set("kommune", nk.state.selected);
    if (!sf.form.checkValidity()) { sf.form.reportValidity(); return; }
    st.busy[partName] = true;
    document.body.dataset["where" + partName] = "busy";
    render();
    status(node, "busy", t("whereBusy_" + partName));
    const started = performance.now();
    try {
      const inputs = await window.NKForms.values(sf);
      const doc = await runProcess(PROCESS[partName], inputs);
      if (partName === "network") patchesWithDpc(doc.patches);
      st.res[partName] = doc;
      st.kommune[partName] = inputs.kommune;
      if (st.map) {
        if (partName === "network") {
          st.map.getSource("where-patches").setData(doc.patches);
          st.map.getSource("where-corridors").setData(doc.corridors);
        } else if (partName === "rank") {
          st.map.getSource("where-classes").setData(doc.units);
        } else {
          st.map.getSource("where-plan").setData(doc.plan);
        }
        // show the whole municipality once; later runs keep the user's view
        if (st.fitted !== inputs.kommune) {
          const feats = partName === "network" ? doc.patches.features
            : partName === "rank" ? doc.units.features : doc.plan.features;
          nk.fitFeatures(feats, 12);
          st.fitted = inputs.kommune;
        }
      }
      st.seconds[partName] = (performance.now() - started) / 1000;
      document.body.dataset["where" + partName] = inputs.kommune;
    } catch (err) {
      delete st.seconds[partName];  // the error stays on the status line
      status(node, "error", err.message);
      document.body.dataset["where" + partName] = "error";
    } finally {
      st.busy[partName] = false;
      render();
    }
  }

  async function mountForms() {
    for (const p of PARTS) {
      const form = $(`#form-where-${p}`);
      try {
        const sf = await window.NKForms.mount(form, PROCESS[p]);
        st.forms[p] = sf;
        if (nk.state.selected) sf.set("kommune", nk.state.selected);
        form.addEventListener("submit", (ev) => run(p, ev));
      } catch (err) {
        status($(`#where-${p}-status`), "error", t("loadError") + err.message);
      }
    }
    // A first plan with something to show: the targets of a small municipality.
    if (st.forms.allocate) {
      st.forms.allocate.set("forest_ha", 50);
      st.forms.allocate.set("wet_nature_ha", 20);
      st.forms.allocate.set("time_limit", 20);
    }
    render();
  }

  function bind() {
    for (const k of Object.keys(st.show)) {
      const box = $(`#where-show-${k}`);
      if (!box) continue;
      box.checked = st.show[k];
      box.addEventListener("change", () => { st.show[k] = box.checked; refreshMap(); });
    }
  }

  window.NKViews = { runProcess, status, legendBox, swatches, table, td, kpi, part, dimBackground };
  window.NK_MODULES = window.NK_MODULES || [];
  window.NK_MODULES.push({
    init(api) { nk = api; bind(); mountForms(); },
    onMapReady(map) { addLayers(map); refreshMap(); },
    onSelect(id) {
      for (const sf of Object.values(st.forms)) sf.set("kommune", id);
      if (active()) render();
    },
    onTab(name) {
      if (name === "where") render(); else refreshMap();
    },
    onLanguage() { render(); },
  });
})();
