/* Urban nature view (Kunming-Montreal target 12) of the embedded demo city: dwellings
   coloured by walking distance to the nearest public green area, the green areas that
   count and the suggested sites on the map; district table, Lorenz curve, sites and
   target tracking beside it. Tables: the OGC process /processes/urban; map layers:
   /api/urban/{city}/map. Text is inserted as text. */
"use strict";
(function () {
  const CITY = "demo:kobenhavn";
  const EMPTY = { type: "FeatureCollection", features: [] };
  const STEPS = [[100, "#1a9850"], [200, "#66bd63"], [300, "#a6d96a"], [500, "#fdae61"],
    [800, "#f46d43"], [1e9, "#a50026"]];
  let nk = null;
  const st = { doc: null, layers: null, map: null, loading: false, national: null,
    nationalLoading: false };
  const $ = (s) => document.querySelector(s);
  const t = (k, v) => nk.t(k, v);
  const el = (...a) => nk.el(...a);
  const fmt = (x, d) => nk.fmt(x, d);

  function colourExpr() {
    const e = ["step", ["coalesce", ["get", "d"], 1e9], STEPS[0][1]];
    for (let i = 0; i < STEPS.length - 1; i++) e.push(STEPS[i][0], STEPS[i + 1][1]);
    return ["case", ["boolean", ["get", "edge"], false], "#bbbbbb", e];
  }

  function addLayers(map) {
    st.map = map;
    map.addSource("urban-green", { type: "geojson", data: EMPTY });
    map.addLayer({ id: "urban-green", type: "fill", source: "urban-green",
      layout: { visibility: "none" }, paint: { "fill-color": "#b8e186", "fill-opacity": 0.8 } });
    map.addSource("urban-dw", { type: "geojson", data: EMPTY });
    map.addLayer({ id: "urban-dw", type: "circle", source: "urban-dw",
      layout: { visibility: "none" },
      paint: { "circle-radius": ["interpolate", ["linear"], ["zoom"], 11, 1, 15, 3],
        "circle-color": colourExpr(), "circle-opacity": 0.9 } });
    map.addSource("urban-sites", { type: "geojson", data: EMPTY });
    map.addLayer({ id: "urban-sites", type: "line", source: "urban-sites",
      layout: { visibility: "none" },
      paint: { "line-color": ["case", ["boolean", ["get", "chosen_highs"], false], "#2166ac",
        "#7f7f7f"], "line-width": ["case", ["boolean", ["get", "chosen_highs"], false], 3, 1] } });
    map.on("mousemove", "urban-dw", (e) => {
      const f = e.features && e.features[0];
      if (!f) return;
      const hover = $("#hover");
      hover.hidden = false;
      hover.textContent = t("urbHover", { d: fmt(f.properties.d, 0), s: fmt(f.properties.s, 0) });
    });
  }

  function setVisible(on) {
    if (!st.map) return;
    for (const id of ["urban-green", "urban-dw", "urban-sites"]) {
      if (st.map.getLayer(id)) st.map.setLayoutProperty(id, "visibility", on ? "visible" : "none");
    }
  }

  async function load() {
    if (st.doc || st.loading) { render(); return; }
    st.loading = true;
    const status = $("#urban-status");
    status.className = "status";
    status.textContent = t("urbLoading");
    try {
      const r = await fetch("/processes/urban/execution", { method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ inputs: { city: CITY } }) });
      if (!r.ok) throw new Error(nk.errorText(await r.json().catch(() => ({}))) || `${r.status} ${r.statusText}`);
      st.doc = await r.json();
      st.layers = await nk.getJSON(`/api/urban/${CITY}/map`);
      status.textContent = "";
      render();
    } catch (err) {
      status.className = "status error";
      status.textContent = err.message;
    } finally {
      st.loading = false;
    }
  }

  async function loadNational() {
    if (st.national || st.nationalLoading) { renderNational(); return; }
    st.nationalLoading = true;
    $("#urban-muni").textContent = t("urbMuniLoading");
    try {
      const r = await fetch("/processes/urban/execution", { method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ inputs: {} }) });
      if (!r.ok) throw new Error(nk.errorText(await r.json().catch(() => ({}))) || `${r.status} ${r.statusText}`);
      st.national = await r.json();
      renderNational();
    } catch (err) {
      $("#urban-muni").textContent = err.message;
    } finally {
      st.nationalLoading = false;
    }
  }

  function renderNational() {
    const box = $("#urban-muni");
    if (!st.national) return;
    const id = nk.state.selected;
    const rows = st.national.table;
    const row = rows.find((r) => r.zone_id === String(id)) || rows[rows.length - 1];
    const n = rows.filter((r) => r.rank_greening !== null).length;
    box.replaceChildren(
      el("strong", {}, row.name), " — ",
      t(row.rank_greening === null ? "urbMuniAll" : "urbMuni", { g: fmt(row.greening_pct, 1),
        rg: row.rank_greening, n, w: fmt(row.within_rule_pct, 0), rw: row.rank_within_rule,
        c: nk.signed(row.c141_change_ha, 0) }),
      el("br"), el("span", { class: "note" }, st.national.meta.coarse));
  }

  function lorenzSvg(rows) {
    const W = 260, H = 220, P = 30;
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
    svg.setAttribute("class", "lorenz");
    const x = (v) => P + v * (W - P - 10), y = (v) => H - P - v * (H - P - 10);
    const line = (pts, colour, width, dash) => {
      const p = document.createElementNS(ns, "polyline");
      p.setAttribute("points", pts.map(([a, b]) => `${x(a).toFixed(1)},${y(b).toFixed(1)}`).join(" "));
      p.setAttribute("fill", "none");
      p.setAttribute("stroke", colour);
      p.setAttribute("stroke-width", width);
      if (dash) p.setAttribute("stroke-dasharray", dash);
      svg.append(p);
    };
    const text = (tx, ax, ay, anchor) => {
      const e = document.createElementNS(ns, "text");
      e.setAttribute("x", ax); e.setAttribute("y", ay); e.setAttribute("font-size", "9");
      e.setAttribute("text-anchor", anchor || "middle");
      e.textContent = tx;
      svg.append(e);
    };
    line([[0, 0], [1, 1]], "#999", 1, "3,3");
    line([[0, 0], [1, 0], [1, 1]], "#ccc", 1);
    const city = rows.filter((r) => r.district_id === "0");
    line(city.map((r) => [r.population_share, r.distance_share]), "#000", 2);
    text(t("urbLorenzX"), (W + P) / 2, H - 8);
    text(t("urbLorenzY"), 4, 12, "start");
    return svg;
  }

  function render() {
    const d = st.doc;
    if (!d) return;
    $("#urban-body").hidden = false;
    const m = d.meta;
    $("#urban-city").textContent = `${m.city}. ${m.data}.`;
    const city = d.table[d.table.length - 1];
    $("#urban-within").textContent = fmt(city.within_rule_pct, 1) + " %";
    $("#urban-median").textContent = fmt(city.median_network_m, 0) + " m";
    $("#urban-gini").textContent = fmt(city.gini_distance, 2);
    $("#urban-fifth").textContent = fmt(city.least_served_fifth_from_m, 0) + " m";
    $("#urban-table tbody").replaceChildren(...d.table.map((r) => el("tr", {},
      el("td", {}, r.name), el("td", { class: "num" }, fmt(r.residents, 0)),
      el("td", { class: "num" }, fmt(r.greening_pct, 1)),
      el("td", { class: "num" }, fmt(r.public_green_blue_pct, 1)),
      el("td", { class: "num" }, fmt(r.within_rule_pct, 1)),
      el("td", { class: "num" }, fmt(r.median_network_m, 0)),
      el("td", { class: "num" }, fmt(r.gini_distance, 2)),
      el("td", { class: "num" }, fmt(r.pass_all_pct, 1)))));
    $("#urban-lorenz").replaceChildren(lorenzSvg(d.lorenz));
    const s = m.siting || {};
    $("#urban-sites-note").textContent = s.highs
      ? t("urbSites", { b: fmt(s.budget_dkk / 1e6, 0), n: s.highs.sites,
        g: fmt(s.highs.residents_gained, 0), gg: fmt(s.greedy.residents_gained, 0),
        a: fmt(s.within_rule_pct_before, 1), z: fmt(s.within_rule_pct_after, 1) })
      : (s.message || "");
    $("#urban-sites tbody").replaceChildren(...d.sites.slice(0, 8).map((r) => el("tr", {},
      el("td", {}, String(r.rank)), el("td", {}, r.tag), el("td", { class: "num" }, fmt(r.area_ha, 2)),
      el("td", { class: "num" }, fmt(r.residents_gained, 0)),
      el("td", {}, r.chosen_highs ? "✔" : ""), el("td", {}, r.chosen_greedy ? "✔" : ""))));
    const track = d.tracking.filter((r) => r.district_id === "0");
    $("#urban-track tbody").replaceChildren(...track.map((r) => el("tr", {},
      el("td", {}, r.target), el("td", { class: "num" }, fmt(r.value, 1)),
      el("td", { class: "num" }, fmt(r.gap, 1)), el("td", {}, r.status))));
    $("#urban-method").textContent = (m.proxies || []).join(" · ");
    if (st.map && st.layers) {
      st.map.getSource("urban-green").setData(st.layers.green);
      st.map.getSource("urban-dw").setData(st.layers.dwellings);
      st.map.getSource("urban-sites").setData(st.layers.sites);
      setVisible(nk.state.tab === "urban");
      nk.fitFeatures(st.layers.green.features, 13);
    }
  }

  window.NK_MODULES = window.NK_MODULES || [];
  window.NK_MODULES.push({
    init(api) { nk = api; },
    onMapReady(map) { addLayers(map); },
    onSelect() { if (nk.state.tab === "urban") renderNational(); },
    onTab(name) {
      setVisible(name === "urban");
      $("#urban-legend").hidden = name !== "urban";
      if (name === "urban") { loadNational(); load(); }
    },
    onLanguage() { render(); renderNational(); },
  });
})();
