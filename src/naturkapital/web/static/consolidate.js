/* Multifunctional land consolidation (jordfordeling): runs the OGC process
   /processes/consolidate (the Endelave demo by default, or the user's own files through
   the form rendered from the process description) and shows ownership before and after
   the swap plan on the map (a Før/Efter toggle; every owner keeps one colour in both),
   the project area's outline, the farms, the owner balance (ha, value, fields, distance
   before → after, cash) and the swap list. The demo is constructed: every output says so
   (the model's label). Text is inserted as text. */
"use strict";
(function () {
  const EMPTY = { type: "FeatureCollection", features: [] };
  const PROJECT = "__project__";
  const BANK = "__landbank__";
  /** Owner colours (ColorBrewer Set2 + Dark2, colour-blind friendly pairs), by owner order. */
  const PALETTE = ["#66c2a5", "#fc8d62", "#8da0cb", "#e78ac3", "#a6d854", "#ffd92f",
    "#e5c494", "#b3b3b3", "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02"];
  const PROJECT_COLOUR = "#00441b";
  const BANK_COLOUR = "#ffffff";
  const AREA_COLOUR = "#d7191c";

  let nk = null;
  const st = { map: null, form: null, doc: null, busy: false, view: "after", colours: new Map() };
  const $ = (s) => document.querySelector(s);
  const t = (k, v) => nk.t(k, v);
  const el = (...a) => nk.el(...a);
  const fmt = (x, d) => nk.fmt(x, d);
  const V = () => window.NKViews;
  const active = () => nk.state.tab === "consolidate";

  function ownerName(o) {
    if (o === PROJECT) return t("conProject");
    if (o === BANK) return t("conBank");
    return String(o).replace(/^lodsejer_/, t("conOwnerPrefix") + " ");
  }

  function colourOf(o) {
    if (o === PROJECT) return PROJECT_COLOUR;
    if (o === BANK) return BANK_COLOUR;
    return st.colours.get(o) || "#999999";
  }

  /** One colour per owner, by sorted owner id: the same in the before and after views. */
  function assignColours(doc) {
    const owners = Array.from(new Set(doc.balance.map((b) => b.owner))).sort();
    st.colours = new Map(owners.map((o, i) => [o, PALETTE[i % PALETTE.length]]));
  }

  function fillExpr() {
    const key = st.view === "before" ? "owner" : "owner_after";
    const pairs = [[PROJECT, PROJECT_COLOUR], [BANK, BANK_COLOUR], ...st.colours];
    return ["match", ["get", key], ...pairs.flat(), "#999999"];
  }

  // ------------------------------------------------------------ map
  function addLayers(map) {
    st.map = map;
    for (const id of ["con-parcels", "con-area", "con-farms"]) {
      map.addSource(id, { type: "geojson", data: EMPTY });
    }
    const hidden = { visibility: "none" };
    map.addLayer({ id: "con-parcels", type: "fill", source: "con-parcels", layout: hidden,
      paint: { "fill-color": "#999999", "fill-opacity": 0.85 } });
    map.addLayer({ id: "con-parcels-line", type: "line", source: "con-parcels", layout: hidden,
      paint: { "line-color": "#555555", "line-width": 0.5 } });
    map.addLayer({ id: "con-area", type: "line", source: "con-area", layout: hidden,
      paint: { "line-color": AREA_COLOUR, "line-width": 3, "line-dasharray": [2, 1] } });
    map.addLayer({ id: "con-farms", type: "circle", source: "con-farms", layout: hidden,
      paint: { "circle-radius": 7, "circle-color": ["match", ["get", "owner"],
        "__none__", "#000", "#000"], "circle-stroke-color": "#000000",
      "circle-stroke-width": 2 } });
    map.on("mousemove", "con-parcels", (e) => {
      const f = e.features && e.features[0];
      if (!f || !active()) return;
      const p = f.properties;
      const h = $("#hover");
      h.hidden = false;
      h.textContent = `${p.parcel_id}: ${ownerName(p.owner)} → ${ownerName(p.owner_after)} · ` +
        `${fmt(p.area_ha, 1)} ha · ${fmt(p.value_dkk / 1e6, 2)} ${t("whereMio")}`;
    });
    map.on("mouseleave", "con-parcels", () => { $("#hover").hidden = true; });
  }

  function refreshMap() {
    if (!st.map) return;
    const on = active() && !!st.doc;
    for (const id of ["con-parcels", "con-parcels-line", "con-area", "con-farms"]) {
      if (st.map.getLayer(id)) st.map.setLayoutProperty(id, "visibility", on ? "visible" : "none");
    }
    if (active()) V().dimBackground(st.map, on);
    if (on) {
      st.map.setPaintProperty("con-parcels", "fill-color", fillExpr());
      const farmColour = ["match", ["get", "owner"], ...Array.from(st.colours).flat(), "#999999"];
      st.map.setPaintProperty("con-farms", "circle-color", farmColour);
    }
    renderLegend();
  }

  function renderLegend() {
    const box = V().legendBox("con-legend");
    if (!active() || !st.doc) { box.replaceChildren(); box.hidden = true; return; }
    const key = st.view === "before" ? "owner" : "owner_after";
    const present = new Set(st.doc.parcels.features.map((f) => f.properties[key]));
    const items = Array.from(st.colours).filter(([o]) => present.has(o))
      .map(([o, c]) => [c, ownerName(o)]);
    if (present.has(PROJECT)) items.push([PROJECT_COLOUR, t("conProject")]);
    if (present.has(BANK)) items.push([BANK_COLOUR, t("conBank"),
      `background:${BANK_COLOUR};border:1px solid #555`]);
    box.replaceChildren(
      el("div", { class: "legend-title" }, t(st.view === "before" ? "conLgBefore" : "conLgAfter")),
      V().swatches(items),
      V().swatches([[AREA_COLOUR, t("conLgArea"), `border:2px dashed ${AREA_COLOUR};background:none`],
        ["#000", t("conLgFarm"), "border-radius:50%;background:#999;border:2px solid #000"]]),
      el("div", { class: "legend-note" }, t("conDemoShort")));
    box.hidden = false;
  }

  // ------------------------------------------------------------ panel
  function arrow(a, b, digits, scale) {
    const s = scale || 1;
    return `${fmt(a === null ? null : a / s, digits)} → ${fmt(b === null ? null : b / s, digits)}`;
  }

  function render() {
    const d = st.doc;
    for (const b of document.querySelectorAll("#con-view input")) b.checked = b.value === st.view;
    $("#con-run").disabled = st.busy;
    if (!d) { $("#con-results").hidden = true; refreshMap(); return; }
    $("#con-results").hidden = false;
    const s = d.summary;
    $("#con-label").textContent = s.label || d.meta.label || "";
    $("#con-label-box").hidden = !(s.label || d.meta.label);
    $("#con-kpis").replaceChildren(
      V().kpi(t("conPieces"), `${fmt(s.project_pieces, 0)} · ${fmt(s.project_ha, 1)} ha`, "main"),
      V().kpi(t("conLargest"), `${fmt(s.project_largest_piece_ha, 1)} ha`),
      V().kpi(t("conMoved"), `${fmt(s.parcels_moved, 0)} / ${fmt(s.parcels, 0)}`),
      V().kpi(t("conGap"), s.gap_pct === null ? "–" : `${fmt(s.gap_pct, 2)} %`),
      V().kpi(t("conVsGreedy"), s.objective_vs_greedy === null ? "–"
        : `${fmt(100 * s.objective_vs_greedy, 0)} %`),
      V().kpi(t("conCash"), `${fmt(s.cash_dkk / 1e6, 2)} ${t("whereMio")}`));
    const td = V().td;
    const rows = d.balance.map((b) => el("tr", { "data-owner": b.owner },
      td(el("span", { class: "nowrap" }, el("span", { class: "swatch",
        style: `background:${colourOf(b.owner)}` }), ownerName(b.owner),
      b.role && b.role.startsWith("sælger") ? ` (${t("conSeller")})` : "")),
      td(arrow(b.ha_before, b.ha_after, 1), 1),
      td(arrow(b.value_before_dkk, b.value_after_dkk, 2, 1e6), 1),
      td(b.land_balance_pct === null ? "–" : fmt(b.land_balance_pct, 2), 1),
      td(arrow(b.fields_before, b.fields_after, 0), 1),
      td(arrow(b.mean_km_to_farm_before, b.mean_km_to_farm_after, 2), 1),
      td(fmt(b.cash_dkk / 1e3, 0), 1)));
    $("#con-balance").replaceChildren(V().table([[t("conOwner")], ["ha", 1],
      [t("conValueMio"), 1], [t("conBalancePct"), 1], [t("conFields"), 1], [t("conKm"), 1],
      [t("conCashK"), 1]], rows, "compact"));
    $("#con-swaps").replaceChildren(V().table([[t("conParcel")], [t("conFrom")], [t("conTo")],
      ["ha", 1], [t("conValueMio"), 1]], d.swaps.map((w) => el("tr", {},
      td(w.parcel_id), td(ownerLabel(w.from_owner)), td(ownerLabel(w.to_owner)),
      td(fmt(w.area_ha, 1), 1), td(fmt(w.value_dkk / 1e6, 2), 1))), "compact"));
    $("#con-swaps-title").textContent = t("conSwaps", { n: d.swaps.length });
    $("#con-method").textContent = V().part(d.meta.method || "");
    refreshMap();
  }

  /** The swap list names the project and the land bank "projekt (project)"; owners by id. */
  function ownerLabel(x) {
    if (/^projekt/.test(x)) return t("conProject");
    if (/^jordbank/.test(x)) return t("conBank");
    return ownerName(x);
  }

  async function run(ev) {
    if (ev) ev.preventDefault();
    const node = $("#con-status");
    if (!st.form) return;
    st.busy = true;
    document.body.dataset.consolidate = "busy";
    render();
    V().status(node, "busy", t("conBusy"));
    try {
      const inputs = await window.NKForms.values(st.form);
      const doc = await V().runProcess("consolidate", inputs);
      st.doc = doc;
      assignColours(doc);
      if (st.map) {
        st.map.getSource("con-parcels").setData(doc.parcels);
        st.map.getSource("con-area").setData(doc.project_area);
        st.map.getSource("con-farms").setData(doc.farms);
        nk.fitFeatures(doc.parcels.features, 14);
      }
      V().status(node, "ok", t("conDone", { n: doc.balance.length }));
      document.body.dataset.consolidate = "done";
    } catch (err) {
      V().status(node, "error", err.message);
      document.body.dataset.consolidate = "error";
    } finally {
      st.busy = false;
      render();
    }
  }

  async function mountForm() {
    try {
      st.form = await window.NKForms.mount("#form-consolidate", "consolidate");
      st.form.set("demo", "endelave");
      st.form.set("time_limit", 20);
      $("#form-consolidate").addEventListener("submit", run);
    } catch (err) {
      V().status($("#con-status"), "error", t("loadError") + err.message);
    }
  }

  function bind() {
    for (const b of document.querySelectorAll("#con-view input")) {
      b.addEventListener("change", () => { if (b.checked) { st.view = b.value; render(); } });
    }
  }

  window.NK_MODULES = window.NK_MODULES || [];
  window.NK_MODULES.push({
    init(api) { nk = api; bind(); mountForm(); },
    onMapReady(map) { addLayers(map); },
    onTab(name) {
      if (name === "consolidate") render(); else refreshMap();
    },
    onLanguage() { render(); },
  });
})();
