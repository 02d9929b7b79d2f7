/* Taking things out of the web app: an "Excel (.xlsx)" and a "CSV" button under every
   table (ranking, land types, compare, lowland, scenario, accounts, urban, uploads),
   PNG/SVG buttons under every NKI diagram, and the municipality sheet (kommuneark) as
   PDF, HTML and Excel for the chosen municipality.

   A table is sent to POST /api/export (the server's one spreadsheet helper) with
   Danish and English headers: a module that holds the numbers sets
   table.nkExport = () => ({ title, columns: [{key, da, en, digits}], rows, notes });
   otherwise the rows are read from the table itself and numbers shown in the app's
   format (1.234,5 in Danish, 1,234.5 in English) are sent as numbers. */
"use strict";
(function () {
  // Texts of the take-out controls (merged into i18n.js's tables).
  const T = window.NK_TEXTS = window.NK_TEXTS || { da: {}, en: {} };
  Object.assign(T.da, {
    tkXlsx: "Excel (.xlsx)", tkCsv: "CSV",
    tkCsvHelp: "Semikolon-separeret med decimalkomma (åbner i dansk Excel)",
    tkSheet: "Kommuneark:", tkPrint: "Udskriv",
    tkLayers: "Tjenestelag (valgfrit)",
    tkLayersHint: "Upload et kulstofkort (organisk kulstof %, GeoTIFF) for drivhusgas og " +
      "lavbundstjek, og grundvandsbeskyttede områder (GeoJSON/GeoPackage) for grundvand. " +
      "Uden dem vises de to tjenester som ikke beregnet.",
    tkProjectTitle: "Projektområdet ({ha} ha)",
    tkProjectHint: "Scenariets egne polygoner som én zone: her ses et lille projekts " +
      "ændring, som forsvinder i kommunens tal.",
    tkReport: "Scenarierapport:", tkReportDone: "Rapporten er hentet.",
    tkReportProject: "PDF (projektområdet)",
    tkDlXlsx: "NKI-tabel (Excel .xlsx, tal som tal)",
    tkDlCsv: "NKI-tabel (CSV til dansk Excel: semikolon og decimalkomma)",
    tkDlChange: "Ændring CORINE 2012 → 2018 (Excel .xlsx)",
  });
  Object.assign(T.en, {
    tkXlsx: "Excel (.xlsx)", tkCsv: "CSV",
    tkCsvHelp: "Semicolon-separated with decimal comma (opens in Danish Excel)",
    tkSheet: "Municipality sheet:", tkPrint: "Print",
    tkLayers: "Service layers (optional)",
    tkLayersHint: "Upload an organic-carbon map (organic carbon %, GeoTIFF) for greenhouse " +
      "gases and the lowland check, and groundwater-protection areas (GeoJSON/GeoPackage) " +
      "for groundwater. Without them the two services show as not computed.",
    tkProjectTitle: "The project area ({ha} ha)",
    tkProjectHint: "The scenario's own polygons as one zone: a small project's change " +
      "shows here, where the municipality's figures hide it.",
    tkReport: "Scenario report:", tkReportDone: "Report downloaded.",
    tkReportProject: "PDF (project area)",
    tkDlXlsx: "NKI table (Excel .xlsx, numbers as numbers)",
    tkDlCsv: "NKI table (CSV for Danish Excel: semicolon and decimal comma)",
    tkDlChange: "Change CORINE 2012 → 2018 (Excel .xlsx)",
  });
  let nk = null;
  /** Tables with many rows: their buttons go above them. */
  const LONG_TABLES = new Set(["ranking", "cmp-table", "lowland-table", "ls-table", "upload-table"]);
  const $ = (s) => document.querySelector(s);
  const t = (k, v) => nk.t(k, v);
  const el = (...a) => nk.el(...a);
  const TEXTS = () => window.NK_TEXTS || { da: {}, en: {} };

  /** Danish and English text of an i18n key (the key itself when unknown). */
  function both(key) {
    const T = TEXTS();
    return { da: (T.da && T.da[key]) || key, en: (T.en && T.en[key]) || (T.da && T.da[key]) || key };
  }

  /** "1.234,5" (da) / "1,234.5" (en) / "+0,3" / "−2" / "12 %" → number, else null. */
  function parseNumber(text, lang) {
    let s = String(text).trim().replace(/\u00a0/g, " ").replace(/\s*%$/, "").replace(/^±/, "");
    if (!s || s === "–") return null;
    s = s.replace(/^−/, "-").replace(/^\+/, "");
    const re = lang === "da" ? /^-?\d{1,3}(\.\d{3})*(,\d+)?$|^-?\d+(,\d+)?$/
      : /^-?\d{1,3}(,\d{3})*(\.\d+)?$|^-?\d+(\.\d+)?$/;
    if (!re.test(s)) return null;
    s = lang === "da" ? s.replace(/\./g, "").replace(",", ".") : s.replace(/,/g, "");
    const x = Number(s);
    return Number.isFinite(x) ? x : null;
  }

  /** Columns and rows read from a rendered table. */
  function fromTable(table) {
    const lang = nk.lang();
    const heads = [...table.querySelectorAll("thead th")];
    const columns = heads.map((th, i) => {
      const key = th.dataset.i18n;
      const txt = th.textContent.trim().replace(/\s+/g, " ") || `col${i + 1}`;
      if (key) { const b = both(key); return { key: `c${i}`, da: b.da.replace(/<[^>]+>/g, ""), en: b.en.replace(/<[^>]+>/g, "") }; }
      return { key: `c${i}`, da: txt, en: "" };
    });
    const rows = [];
    for (const tr of table.querySelectorAll("tbody tr")) {
      if (tr.hidden) continue;
      const cells = [...tr.children];
      const row = {};
      cells.forEach((td, i) => {
        if (i >= columns.length) return;
        const sel = td.querySelector("select");
        const text = sel ? (sel.selectedOptions[0] ? sel.selectedOptions[0].textContent : sel.value)
          : td.textContent.trim().replace(/\s+/g, " ");
        const x = parseNumber(text, lang);
        row[`c${i}`] = x === null ? text : x;
      });
      if (Object.keys(row).length) rows.push(row);
    }
    const section = table.closest("section");
    const h = section ? section.querySelector("h2, h3") : null;
    const title = (table.getAttribute("aria-label") || (h && h.textContent.trim()) || table.id || "tabel");
    return { title, columns, rows, notes: [] };
  }

  async function exportTable(table, format) {
    const spec = typeof table.nkExport === "function" ? table.nkExport() : fromTable(table);
    const body = { title: String(spec.title).slice(0, 200), filename: spec.filename || table.id || "tabel",
      columns: spec.columns, rows: spec.rows, notes: (spec.notes || []).map(String).slice(0, 200),
      format, decimal: "comma" };
    const status = table.nkExportStatus;
    if (status) { status.textContent = t("computing"); status.className = "status"; }
    try {
      const r = await fetch("/api/export", { method: "POST", body: JSON.stringify(body),
        headers: { "Content-Type": "application/json" } });
      if (!r.ok) {
        const doc = await r.json().catch(() => ({}));
        throw new Error(nk.errorText(doc) || `${r.status} ${r.statusText}`);
      }
      const blob = await r.blob();
      const name = /filename="([^"]+)"/.exec(r.headers.get("Content-Disposition") || "");
      saveBlob(blob, name ? name[1] : `${body.filename}.${format}`);
      if (status) status.textContent = "";
    } catch (err) {
      if (status) { status.textContent = err.message; status.className = "status error"; }
    }
  }

  function saveBlob(blob, filename) {
    const url = URL.createObjectURL(blob);
    const a = el("a", { href: url, download: filename });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 2000);
  }

  /** The export buttons under one table (once). */
  function addButtons(table) {
    if (table.dataset.takeout || !table.id) return;
    table.dataset.takeout = "true";
    // a module that rebuilds its table (accounts) leaves the old table's bar behind
    for (const old of document.querySelectorAll(`.takeout[data-for="${table.id}"]`)) old.remove();
    const status = el("span", { class: "status", role: "status" });
    table.nkExportStatus = status;
    const bar = el("div", { class: "takeout no-print", "data-for": table.id },
      el("button", { type: "button", class: "small-btn", "data-format": "xlsx",
        "data-i18n": "tkXlsx", onclick: () => exportTable(table, "xlsx") }, t("tkXlsx")),
      el("button", { type: "button", class: "small-btn", "data-format": "csv",
        "data-i18n": "tkCsv", title: t("tkCsvHelp"), onclick: () => exportTable(table, "csv") }, t("tkCsv")),
      status);
    const wrap = table.parentElement && table.parentElement.classList.contains("hscroll")
      ? table.parentElement : table;
    if (LONG_TABLES.has(table.id)) wrap.before(bar);  // no scrolling past 98 rows to find it
    else wrap.after(bar);
  }

  function scanTables(root) {
    for (const table of (root || document).querySelectorAll("table.grid[id]")) addButtons(table);
  }

  // ------------------------------------------------------------ diagrams
  function addDiagramButtons(img) {
    if (img.dataset.takeout) return;
    img.dataset.takeout = "true";
    const fig = img.closest("figure") || img.parentElement;
    const bar = el("div", { class: "takeout no-print", "data-for": img.id });
    for (const fmt of ["png", "svg"]) {
      bar.append(el("button", { type: "button", class: "small-btn", "data-format": fmt,
        title: `${fmt.toUpperCase()}: ${img.alt || ""}`,
        onclick: () => downloadDiagram(img, fmt) }, fmt.toUpperCase()));
    }
    fig.append(bar);  // inside the figure: below its caption, wherever the figure sits
  }

  async function downloadDiagram(img, fmt) {
    const src = img.currentSrc || img.src;
    if (!src) return;
    const base = (img.alt || img.id || "diagram").replace(/[^\wæøåÆØÅ.-]+/g, "_").slice(0, 80);
    if (!src.startsWith("blob:")) {
      // /api/nki/{zone}/diagram.svg?… : the same figure in either format from the server
      const url = src.replace(/diagram\.(png|svg)/, "diagram." + fmt);
      const r = await fetch(url);
      saveBlob(await r.blob(), `${base}.${fmt}`);
      return;
    }
    const svgText = await (await fetch(src)).text();
    if (fmt === "svg") { saveBlob(new Blob([svgText], { type: "image/svg+xml" }), `${base}.svg`); return; }
    const w = img.naturalWidth || 1500, h = img.naturalHeight || 930;
    const canvas = el("canvas", { width: String(w * 2), height: String(h * 2) });
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    canvas.toBlob((b) => saveBlob(b, `${base}.png`), "image/png");
  }

  // ------------------------------------------------------------ municipality sheet
  function sheetQuery() {
    const ep = nk.state.epoch || "basemap2021";
    const [name, year] = ep.includes(":") ? ep.split(":") : [ep, null];
    return "landcover=" + encodeURIComponent(name) + (year ? "&year=" + year : "");
  }

  function renderSheetLinks() {
    const box = $("#tk-sheet");
    if (!box) return;
    const zone = nk.state.selected;
    box.hidden = !zone || zone === "0";
    if (box.hidden) return;
    const q = sheetQuery();
    for (const a of box.querySelectorAll("a[data-format]")) {
      a.href = `/api/sheet/${encodeURIComponent(zone)}.${a.dataset.format}?${q}`;
    }
  }

  function sheetBox() {
    const zone = $("#zone");
    if (!zone || $("#tk-sheet")) return;
    const links = ["pdf", "html", "xlsx"].map((f) => el("a", { class: "button-link", "data-format": f,
      href: "#", download: f === "html" ? null : "", target: f === "html" ? "_blank" : null,
      rel: "noopener" }, f === "xlsx" ? "Excel" : f.toUpperCase()));
    const box = el("div", { id: "tk-sheet", class: "takeout sheet no-print", hidden: true },
      el("span", { class: "takeout-label", "data-i18n": "tkSheet" }, t("tkSheet")), ...links,
      el("button", { type: "button", class: "small-btn", "data-i18n": "tkPrint",
        onclick: () => window.print() }, t("tkPrint")));
    const h2 = $("#zone-name");
    h2.after(box);
  }

  // ------------------------------------------------------------ whole tables (Hent data)
  function downloadLinks() {
    const list = $("#tab-download ul.downloads");
    if (!list || $("#tk-dl-xlsx")) return;
    const item = (id, key) => el("li", {}, el("a", { id, href: "#", download: "", "data-i18n": key }, t(key)));
    list.prepend(item("tk-dl-xlsx", "tkDlXlsx"), item("tk-dl-csv", "tkDlCsv"), item("tk-dl-change", "tkDlChange"));
  }

  function renderDownloadLinks() {
    if (!$("#tk-dl-xlsx")) return;
    const q = sheetQuery();
    $("#tk-dl-xlsx").href = `/api/tables/nki.xlsx?${q}`;
    $("#tk-dl-csv").href = `/api/tables/nki.csv?${q}`;
    $("#tk-dl-change").href = "/api/tables/compare.xlsx?from=corine:2012&to=corine:2018";
  }

  function relabel() {
    for (const b of document.querySelectorAll(".takeout [data-i18n]")) b.textContent = t(b.dataset.i18n);
    for (const b of document.querySelectorAll(".takeout button[data-format=csv]")) b.title = t("tkCsvHelp");
  }

  window.NK_MODULES = window.NK_MODULES || [];
  window.NK_MODULES.push({
    init(api) {
      nk = api;
      sheetBox();
      downloadLinks();
      scanTables();
      for (const img of document.querySelectorAll("figure.diagram img[id]")) addDiagramButtons(img);
      new MutationObserver((muts) => {
        for (const m of muts) {
          for (const n of m.addedNodes) {
            if (n.nodeType !== 1) continue;
            if (n.matches && n.matches("table.grid[id]")) addButtons(n);
            else if (n.querySelectorAll) scanTables(n);
            if (n.querySelectorAll) {
              for (const img of n.querySelectorAll("figure.diagram img[id]")) addDiagramButtons(img);
            }
          }
        }
      }).observe(document.body, { childList: true, subtree: true });
      // the chosen municipality and land cover change the sheet's links
      new MutationObserver(renderSheetLinks).observe($("#zone-name"),
        { childList: true, characterData: true, subtree: true });
    },
    onTab() { renderSheetLinks(); renderDownloadLinks(); },
    onLanguage() { relabel(); renderSheetLinks(); },
  });
  window.NKExport = { exportTable, parseNumber, saveBlob, fromTable };
})();
