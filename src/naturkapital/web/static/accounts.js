/* Accounts view: natural capital accounts in the SEEA EA layout. The form is generated
   from /processes/accounts (forms.js) and posted to its REST alias /api/accounts; the
   answer (one value per row) is shown for one zone at a time: the extent account as
   SEEA EA table 4.1 (ecosystem types in rows; opening, additions, reductions, net change,
   closing), other accounts as rows of item, period, unit, value. The selected
   municipality on the map is shown when it is in the answer. Text is inserted as text. */
"use strict";
(function () {
  const ITEMS = ["opening", "additions", "reductions", "net_change", "closing"];
  let nk = null;
  const st = { form: null, doc: null, zone: "0" };

  const $ = (s) => document.querySelector(s);
  const t = (k, v) => nk.t(k, v);
  const el = (...a) => nk.el(...a);
  const fmt = (x, d) => nk.fmt(x, d);
  const isActive = () => nk.state.tab === "accounts";

  /** "Dansk / English" → the part of the interface language. */
  function part(label) {
    const [da, en] = String(label || "").split(" / ");
    return nk.lang() === "da" || en === undefined ? da : en;
  }

  function zonesOf(rows) {
    const seen = new Map();
    for (const r of rows) if (!seen.has(r.zone_id)) seen.set(r.zone_id, r.name);
    return seen;
  }

  function renderZones() {
    const sel = $("#acc-zone");
    const zones = zonesOf(st.doc.table);
    sel.replaceChildren(...Array.from(zones, ([id, name]) =>
      el("option", { value: id, selected: id === st.zone }, id === "0" ? name : `${name} (${id})`)));
  }

  function extentTable(rows) {
    const by = new Map();
    for (const r of rows) {
      if (!by.has(r.ecosystem_type)) by.set(r.ecosystem_type, { label: r.ecosystem_type_label });
      by.get(r.ecosystem_type)[r.item] = r.value;
    }
    const total = Object.fromEntries(ITEMS.map((i) => [i, 0]));
    const body = Array.from(by, ([key, v]) => {
      for (const i of ITEMS) total[i] += v[i] || 0;
      return el("tr", { "data-type": key }, el("td", {}, part(v.label)),
        ...ITEMS.map((i) => el("td", { class: "num" }, fmt(v[i], 1))));
    });
    body.push(el("tr", { class: "total" }, el("td", {}, t("accTotal")),
      ...ITEMS.map((i) => el("td", { class: "num" }, fmt(total[i], 1)))));
    return el("table", { class: "grid", id: "acc-table" },
      el("thead", {}, el("tr", {}, el("th", {}, t("accType")),
        ...ITEMS.map((i) => el("th", { class: "num" }, t("acc_" + i))))),
      el("tbody", {}, body));
  }

  function longTable(rows) {
    return el("table", { class: "grid", id: "acc-table" },
      el("thead", {}, el("tr", {}, ...["accType", "accItem", "accPeriod", "accUnit", "accValue",
        "accAssumption"].map((k) => el("th", { class: k === "accValue" ? "num" : null }, t(k))))),
      el("tbody", {}, rows.map((r) => el("tr", {},
        el("td", {}, part(r.ecosystem_type_label)), el("td", {}, r.item),
        el("td", {}, r.period), el("td", {}, r.unit),
        el("td", { class: "num" }, fmt(r.value, 2)),
        el("td", {}, r.assumption === "yes" ? t("yes") : t("no"))))));
  }

  function render() {
    if (!st.doc) return;
    renderZones();
    const rows = st.doc.table.filter((r) => r.zone_id === st.zone);
    const extent = rows.filter((r) => r.account === "extent");
    const tables = [];
    if (extent.length) tables.push(el("h3", {}, t("accExtent")), extentTable(extent));
    const rest = rows.filter((r) => r.account !== "extent");
    if (rest.length) tables.push(el("h3", {}, t("accOther")), longTable(rest));
    $("#acc-tables").replaceChildren(...tables);
    $("#acc-status").className = "status ok";
    $("#acc-status").textContent = t("accDone", { n: zonesOf(st.doc.table).size - 1 });
    const m = st.doc.meta;
    $("#acc-note").textContent = t("accNote", { from: m.from, to: m.to,
      n: (m.assumptions || []).length });
    document.body.dataset.accounts = st.zone;
  }

  async function submit(ev) {
    ev.preventDefault();
    if (!st.form) return;
    await nk.busy($("#acc-status"), $("#acc-submit"), $("#acc-results"), async () => {
      st.doc = await nk.post(st.form.rest || "/api/accounts", st.form.formData({}));
      const zones = zonesOf(st.doc.table);
      st.zone = zones.has(nk.state.selected) ? nk.state.selected : "0";
      $("#acc-results").hidden = false;
      render();
    });
  }

  function downloadCsv() {
    if (!st.doc) return;
    const cols = Object.keys(st.doc.table[0] || {});
    const q = (v) => (v === null || v === undefined ? "" : /[",\n]/.test(String(v))
      ? `"${String(v).replace(/"/g, '""')}"` : String(v));
    const text = "\ufeff" + [cols.join(","), ...st.doc.table.map((r) =>
      cols.map((c) => q(r[c])).join(","))].join("\n");
    const a = el("a", { href: URL.createObjectURL(new Blob([text], { type: "text/csv" })),
      download: `regnskab_${st.doc.meta.period}.csv` });
    document.body.append(a);
    a.click();
    a.remove();
  }

  // ------------------------------------------------------------ hooks
  window.NK_MODULES = window.NK_MODULES || [];
  window.NK_MODULES.push({
    init(api) {
      nk = api;
      $("#form-accounts").addEventListener("submit", submit);
      $("#acc-zone").addEventListener("change", (e) => { st.zone = e.target.value; render(); });
      $("#acc-csv").addEventListener("click", downloadCsv);
      window.NKForms.mount("#form-accounts", "accounts").then((f) => {
        st.form = f;
        f.set("account", "extent");  // the whole answer (all accounts) is large
      }).catch((err) => {
        $("#acc-status").className = "status error";
        $("#acc-status").textContent = t("loadError") + err.message;
      });
    },
    onSelect(zoneId) {
      if (!st.doc || !zonesOf(st.doc.table).has(zoneId)) return;
      st.zone = zoneId;
      if (isActive()) render();
    },
    onLanguage() { render(); },
  });
})();
