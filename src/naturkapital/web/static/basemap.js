/* Orientation on the map, offline first: the embedded Basemap04 land cover as a
   background (tiles from /tiles/basemap, legend from /api/map/config), an optional
   online base map when the server has one configured, municipality names as HTML
   labels (no glyph server needed), a scale bar, and one legend stack for every layer
   on the map (NKI, lowland candidates, parcel status, scenario classes, walking
   distance, background). A module in window.NK_MODULES (see app.js). */
"use strict";
(function () {
  let nk = null;
  const st = { map: null, config: null, labels: [], markers: [], bg: "landcover" };
  const $ = (s) => document.querySelector(s);
  const t = (k, v) => nk.t(k, v);
  const el = (...a) => nk.el(...a);
  const LABEL_MIN_ZOOM = 7.3;

  /** Legends of the thematic layers, shown while the layer is visible on the map. */
  const LAYER_LEGENDS = [
    { layer: "lowland-fill", title: "lgCandidates",
      items: () => [["#e66101", t("lgCandidate")]] },
    { layer: "lowland-parcels-fill", title: "lgParcels", items: () => matchItems(
      "lowland-parcels-fill", (v) => t("status")[v] || v, t("status").incomplete) },
    { layer: "scenario-fill", title: "lgScenario", items: scenarioItems },
  ];

  /** [colour, label] pairs of a ["match", ["get", key], v1, c1, …, fallback] paint. */
  function matchItems(layer, label, fallbackLabel) {
    const e = st.map.getPaintProperty(layer, "fill-color");
    if (!Array.isArray(e) || e[0] !== "match") return [];
    const out = [];
    for (let i = 2; i + 1 < e.length; i += 2) out.push([e[i + 1], label(e[i])]);
    out.push([e[e.length - 1], fallbackLabel]);
    return out;
  }

  function scenarioItems() {
    const seen = new Map();
    for (const f of st.map.querySourceFeatures("scenario")) {
      const p = f.properties || {};
      if (p.class_text && !seen.has(p.class_text)) seen.set(p.class_text, p.colour);
    }
    return Array.from(seen, ([label, colour]) => [colour, label]);
  }

  /** A layer is in the legend while it is switched on and has something to show. */
  function visible(layer) {
    const l = st.map.getLayer(layer);
    if (!l || st.map.getLayoutProperty(layer, "visibility") === "none") return false;
    const src = st.map.getSource(l.source);
    const data = src && src._data;  // GeoJSON sources: the data set with setData
    if (data && typeof data === "object" && Array.isArray(data.features)) return data.features.length > 0;
    return st.map.querySourceFeatures(l.source).length > 0;
  }

  function swatchList(items) {
    return el("ul", { class: "legend-items" }, items.map(([colour, label]) =>
      el("li", {}, el("span", { class: "swatch", style: `background:${colour}` }), label)));
  }

  function renderLegends() {
    if (!st.map) return;
    const box = $("#layer-legends");
    const parts = [];
    for (const lg of LAYER_LEGENDS) {
      if (!visible(lg.layer)) continue;
      const items = lg.items();
      if (!items.length) continue;
      parts.push(el("div", { class: "legend", "data-layer": lg.layer },
        el("div", { class: "legend-title" }, t(lg.title)), swatchList(items)));
    }
    const key = JSON.stringify(parts.map((p) => p.textContent));
    if (box.dataset.key !== key) { box.dataset.key = key; box.replaceChildren(...parts); }
  }

  function renderBackgroundLegend() {
    const c = st.config;
    const box = $("#bg-legend");
    if (!c) return;
    const opts = [["landcover", t("bgLandcover")], ["none", t("bgNone")]];
    if (c.online) opts.splice(1, 0, ["online", t("bgOnline")]);
    const sel = el("select", { id: "bg-select", "aria-label": t("bgTitle") },
      opts.map(([v, label]) => el("option", { value: v, selected: v === st.bg }, label)));
    sel.addEventListener("change", () => setBackground(sel.value));
    const byColour = new Map();  // classes of one land type share its colour
    for (const x of c.basemap.legend) {
      const label = nk.lang() === "da" ? x.da : x.en;
      byColour.set(x.colour, byColour.has(x.colour) ? byColour.get(x.colour) + ", " + label : label);
    }
    const items = Array.from(byColour);
    box.replaceChildren(
      el("div", { class: "legend-title" }, el("label", { for: "bg-select" }, t("bgTitle"))), sel,
      st.bg === "landcover" ? el("details", { class: "bg-classes" },
        el("summary", {}, t("bgClasses")), swatchList(items)) : null);
  }

  function setBackground(kind) {
    st.bg = kind;
    if (st.map.getLayer("basemap-landcover")) {
      st.map.setLayoutProperty("basemap-landcover", "visibility", kind === "landcover" ? "visible" : "none");
    }
    if (st.map.getLayer("basemap-online")) {
      st.map.setLayoutProperty("basemap-online", "visibility", kind === "online" ? "visible" : "none");
    }
    renderBackgroundLegend();
  }

  async function addBackground(map) {
    try { st.config = await nk.getJSON("/api/map/config"); } catch (err) { return; }
    const c = st.config;
    const before = map.getLayer("kommuner-fill") ? "kommuner-fill" : undefined;
    if (c.online) {
      map.addSource("basemap-online", { type: "raster", tiles: [c.online.url], tileSize: 256,
        attribution: c.online.attribution || "" });
      map.addLayer({ id: "basemap-online", type: "raster", source: "basemap-online",
        layout: { visibility: "none" } }, before);
    }
    map.addSource("basemap-landcover", { type: "raster", tiles: [c.basemap.tiles], tileSize: 256,
      minzoom: c.basemap.minzoom, maxzoom: c.basemap.maxzoom, attribution: c.basemap.attribution,
      bounds: [7.9, 54.5, 15.3, 57.85] });
    map.addLayer({ id: "basemap-landcover", type: "raster", source: "basemap-landcover",
      paint: { "raster-opacity": 0.9 } }, before);
    renderBackgroundLegend();
  }

  async function addLabels(map) {
    try { st.labels = await nk.getJSON("/api/map/labels"); } catch (err) { return; }
    st.markers = st.labels.map((l) => {
      const e = el("button", { type: "button", class: "muni-label", tabindex: "-1",
        "data-id": l.zone_id, "aria-hidden": "true" }, l.name);
      e.addEventListener("click", (ev) => { ev.stopPropagation(); nk.select(l.zone_id, false); });
      return new maplibregl.Marker({ element: e, anchor: "center" }).setLngLat([l.lon, l.lat]).addTo(map);
    });
    const toggle = () => map.getContainer().classList.toggle("labels-on", map.getZoom() >= LABEL_MIN_ZOOM);
    map.on("zoomend", toggle);
    toggle();
  }

  /** Phones: the legends fold away behind one button (folded at first), so the map
   *  stays visible; wider screens always show them. */
  const NARROW = window.matchMedia("(max-width: 600px)");

  function setFolded(folded) {
    const box = $("#legend-stack");
    box.classList.toggle("folded", folded);
    $("#legend-toggle").setAttribute("aria-expanded", String(!folded));
  }

  function stack() {
    // One column of legends at the map's lower left: NKI, thematic layers, background.
    const wrap = document.querySelector(".map-wrap");
    const body = el("div", { class: "legend-body", id: "legend-body" },
      el("div", { id: "layer-legends" }),
      el("div", { class: "legend", id: "bg-legend" }));
    for (const id of ["#urban-legend", "#legend"]) {
      const lg = $(id);
      if (lg) body.prepend(lg);
    }
    const toggle = el("button", { type: "button", class: "legend-toggle", id: "legend-toggle",
      "aria-controls": "legend-body", "aria-expanded": "true" }, t("lgToggle"));
    toggle.addEventListener("click", () =>
      setFolded(!$("#legend-stack").classList.contains("folded")));
    wrap.append(el("div", { class: "legend-stack", id: "legend-stack" }, toggle, body));
    setFolded(NARROW.matches);
    NARROW.addEventListener("change", (e) => setFolded(e.matches));
  }

  const mod = {
    init(n) { nk = n; stack(); },
    onMapReady(map) {
      st.map = map;
      map.addControl(new maplibregl.ScaleControl({ maxWidth: 120, unit: "metric" }), "bottom-right");
      addBackground(map);
      addLabels(map);
      map.on("idle", renderLegends);
      map.on("sourcedata", (e) => { if (e.isSourceLoaded) renderLegends(); });
    },
    onTab() { if (st.map) renderLegends(); },
    onLanguage() {
      $("#legend-toggle").textContent = t("lgToggle");
      renderBackgroundLegend();
      const box = $("#layer-legends");
      if (box) box.dataset.key = "";
      renderLegends();
    },
    background: () => st.bg,
    setBackground,
  };
  window.NK_MODULES = window.NK_MODULES || [];
  window.NK_MODULES.push(mod);
})();
