/* Forms generated from the model specs: NKForms.mount(form, processId) fetches the OGC
   process description /processes/{id} and renders one control per input, named exactly
   as the input (the REST alias /api/... takes the same names as multipart fields):
     vector/raster/table → file input (accept by kind); choice/epoch → select (schema.enum);
     number/integer → number input (min/max/step, unit in the label); flag → checkbox;
     text → text input (maxlength/pattern); field → a select of the property names of
     the chosen GeoJSON file (a text input until they are known, e.g. for a GeoPackage).
   Labels and help come from x-naturkapital in Danish and English; NKForms.setLang(lang)
   relabels every mounted form. form.formData(extra) builds the multipart body. The
   generated controls go into the form's [data-fields] element (or its start). Text from
   the server or the user's files is always inserted as text. */
"use strict";
(function () {
  const ACCEPT = { vector: ".geojson,.json,.gpkg", raster: ".tif,.tiff", table: ".csv" };
  const FORMATS = { vector: ".geojson, .gpkg", raster: "GeoTIFF", table: "CSV" };
  /** Units as the specs write them, in Danish where Danish differs. */
  const UNITS_DA = { years: "år", DKK: "kr.", "DKK/ha": "kr./ha" };
  /** Display names of embedded land-cover datasets (epoch values are name or name:year). */
  const DATASETS = { basemap: "Basemap04", corine: "CORINE" };
  /** Only GeoJSON files up to this size are read for their property names. */
  const MAX_PARSE_BYTES = 30 * 1024 * 1024;
  const docs = new Map();   // process id -> Promise of its description
  const mounted = [];       // every mounted form, relabelled on a language switch
  let lang = "da";

  function text(key) {
    const T = window.NK_TEXTS || {};
    return (T[lang] && T[lang][key]) ?? (T.da && T.da[key]) ?? key;
  }

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") e.className = v;
      else e.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  /** "basemap2021" → "Basemap04 2021", "corine:2018" → "CORINE 2018", "corine" → "CORINE". */
  function epochLabel(value) {
    const v = String(value);
    const m = /^([a-z]+?)(\d{4})?(?::(\d{4}))?$/.exec(v);
    if (!m || !DATASETS[m[1]]) return v;
    const year = m[2] || m[3];
    return year ? `${DATASETS[m[1]]} ${year}` : DATASETS[m[1]];
  }

  /** The process description (fetched once per page). */
  function describe(id) {
    if (!docs.has(id)) {
      docs.set(id, fetch(`/processes/${encodeURIComponent(id)}`,
        { headers: { Accept: "application/json" } }).then((r) => {
        if (!r.ok) throw new Error(`/processes/${id}: ${r.status} ${r.statusText}`);
        return r.json();
      }).catch((err) => { docs.delete(id); throw err; }));
    }
    return docs.get(id);
  }

  /** The embedded epochs (basemap2021, corine:YEAR …) as the API lists them. */
  async function epochs() {
    const doc = await describe("nki-compare");
    return doc.inputs.from_epoch.schema.enum.slice();
  }

  function pick(both) { return both ? (both[lang] ?? both.da ?? "") : ""; }

  // ------------------------------------------------------------ one control per kind
  function numberAttrs(schema, kind) {
    const min = schema.minimum ?? schema.exclusiveMinimum;
    return { type: "number", min, max: schema.maximum,
      step: kind === "integer" || schema.type === "integer" ? "1" : "any",
      value: schema.default ?? null, inputmode: kind === "integer" ? "numeric" : "decimal" };
  }

  function control(name, input, id) {
    const x = input["x-naturkapital"] || {};
    const s = input.schema || {};
    const required = Boolean(x.required);
    const kind = x.kind;
    if (kind === "vector" || kind === "raster" || kind === "table") {
      return el("input", { id, name, type: "file", accept: ACCEPT[kind], required });
    }
    if ((kind === "choice" || kind === "epoch") && Array.isArray(s.enum)) {
      const sel = el("select", { id, name, required });
      if (!required || s.default === undefined) {
        sel.append(el("option", { value: "", "data-empty": "" }, text("formDefault")));
      }
      for (const v of s.enum) sel.append(el("option", { value: String(v) }, epochLabel(v)));
      sel.value = s.default !== undefined ? String(s.default) : "";
      return sel;
    }
    if (kind === "number" || kind === "integer") {
      const inp = el("input", { id, name, required, ...numberAttrs(s, kind) });
      if (s.exclusiveMinimum !== undefined) {
        // HTML min is inclusive: say so when the value sits on the excluded bound.
        inp.addEventListener("input", () => inp.setCustomValidity(
          inp.value !== "" && Number(inp.value) <= s.exclusiveMinimum
            ? `> ${s.exclusiveMinimum}` : ""));
      }
      return inp;
    }
    if (kind === "flag") {
      const box = el("input", { id, name, type: "checkbox" });
      box.checked = s.default === true;
      return box;
    }
    // text and field
    return el("input", { id, name, type: "text", required, maxlength: s.maxLength,
      pattern: s.pattern ? s.pattern.replace(/^\^/, "").replace(/\$$/, "") : null,
      value: s.default ?? null, autocomplete: "off" });
  }

  // ------------------------------------------------------------ the form
  class SpecForm {
    constructor(form, doc, options) {
      this.form = form;
      this.doc = doc;
      /** Inputs this form requires although the model does not (e.g. the zones of the
       *  "your areas" tab, where the model's default is the municipalities). */
      this.require = new Set((options && options.require) || []);
      this.id = doc.id;
      this.rest = doc["x-naturkapital"] && doc["x-naturkapital"].rest;
      this.inputs = doc.inputs;
      this.rows = new Map();    // name -> {label, caption, control}
      this.fieldNames = new Map();  // vector input name -> property names (or null)
      this.render();
    }

    /** The input names of the process description, in its order. */
    names() { return Object.keys(this.inputs); }

    /** The control of one input. */
    control(name) { return this.rows.get(name) && this.rows.get(name).control; }

    render() {
      const box = this.form.querySelector("[data-fields]") || this.form;
      const nodes = [];
      for (const [name, input] of Object.entries(this.inputs)) {
        const x = input["x-naturkapital"] || {};
        const id = `${this.form.id}-${name}`;
        const ctl = control(name, input, id);
        if (this.require.has(name)) ctl.required = true;
        const caption = el("span", { class: "field-label" });
        const help = el("small", { class: "field-help", id: id + "-help" });
        ctl.setAttribute("aria-describedby", help.id);
        const label = el("label", { class: x.kind === "flag" ? "toggle field" : "field",
          for: id, "data-input": name, "data-kind": x.kind });
        if (x.kind === "flag") label.append(ctl, caption);
        else label.append(caption, ctl);
        const row = el("div", { class: "field-row", "data-input": name }, label, help);
        this.rows.set(name, { row, label, caption, help, control: ctl, input });
        nodes.push(row);
      }
      if (box === this.form) this.form.prepend(...nodes);
      else box.replaceChildren(...nodes);
      for (const [name, input] of Object.entries(this.inputs)) {
        const x = input["x-naturkapital"] || {};
        if (x.kind === "vector") {
          this.control(name).addEventListener("change", () => this.readFields(name));
        }
      }
      this.relabel();
    }

    /** Labels, help and unit in the current language. */
    relabel() {
      for (const [name, row] of this.rows) {
        const x = row.input["x-naturkapital"] || {};
        let label = pick(x.label) || name;
        if (x.unit) label += ", " + (lang === "da" ? UNITS_DA[x.unit] || x.unit : x.unit);
        if (FORMATS[x.kind]) label += ` (${FORMATS[x.kind]})`;
        const help = pick(x.help);
        row.caption.replaceChildren(label);
        row.help.textContent = help;
        if (x.required || this.require.has(name)) {
          row.caption.append(" ", el("abbr", { class: "req", title: text("formRequired") }, "*"));
        }
        row.control.title = help;
        for (const o of row.control.querySelectorAll ? row.control.querySelectorAll(
          "option[data-empty]") : []) o.textContent = text("formDefault");
      }
    }

    /** Set an input's value (select/text/number) or check state (flag). */
    set(name, value) {
      const c = this.control(name);
      if (!c) return;
      if (c.type === "checkbox") c.checked = Boolean(value);
      else if (c.type !== "file") c.value = value === null || value === undefined ? "" : String(value);
    }

    /** After a vector file is chosen: its GeoJSON property names fill the field selects. */
    async readFields(vectorName) {
      const file = this.control(vectorName).files[0];
      let names = null;
      if (file && /\.(geo)?json$/i.test(file.name) && file.size <= MAX_PARSE_BYTES) {
        try {
          const gj = JSON.parse(await file.text());
          const seen = new Set();
          const feats = gj.type === "Feature" ? [gj] : (gj.features || []);
          for (const f of feats.slice(0, 2000)) {
            for (const k of Object.keys((f && f.properties) || {})) seen.add(k);
          }
          names = Array.from(seen);
        } catch (err) { names = null; }  // not JSON: the server will say why
      }
      if (this.control(vectorName).files[0] !== file) return;  // a newer choice won
      this.fieldNames.set(vectorName, names);
      for (const [name, row] of this.rows) {
        const x = row.input["x-naturkapital"] || {};
        if (x.kind === "field" && x.of === vectorName) this.fieldControl(name, names);
      }
      this.form.dispatchEvent(new CustomEvent("nk-fields", { detail: { input: vectorName, names } }));
    }

    /** A field input as a select of ``names`` (or a text input when they are unknown). */
    fieldControl(name, names) {
      const row = this.rows.get(name);
      const old = row.control;
      const keep = old.value;
      const s = row.input.schema || {};
      let ctl;
      if (names && names.length) {
        ctl = el("select", { id: old.id, name, required: old.required,
          "aria-describedby": old.getAttribute("aria-describedby") });
        ctl.append(el("option", { value: "", "data-empty": "" }, text("formDefault")));
        for (const n of names) ctl.append(el("option", { value: n }, n));
        ctl.value = names.includes(keep) ? keep : "";
      } else {
        ctl = el("input", { id: old.id, name, type: "text", required: old.required,
          maxlength: s.maxLength, autocomplete: "off",
          "aria-describedby": old.getAttribute("aria-describedby") });
        ctl.value = keep;
      }
      old.replaceWith(ctl);
      row.control = ctl;
      this.relabel();
    }

    /** The multipart body of the REST alias: every filled input under its own name,
     *  then ``extra`` (route options such as format or store). */
    formData(extra) {
      const fd = new FormData();
      for (const [name, row] of this.rows) {
        const c = row.control;
        if (c.type === "file") {
          if (c.files && c.files[0]) fd.append(name, c.files[0]);
        } else if (c.type === "checkbox") {
          fd.append(name, c.checked ? "true" : "false");
        } else {
          const v = String(c.value).trim();
          if (v !== "") fd.append(name, v);
        }
      }
      for (const [k, v] of Object.entries(extra || {})) {
        if (v !== null && v !== undefined) fd.append(k, v);
      }
      return fd;
    }
  }

  /** A file as an OGC qualified value (base64 text and the file's name). */
  function qualified(file) {
    return new Promise((resolve, reject) => {
      const r = new FileReader();
      r.onload = () => resolve({ value: String(r.result).replace(/^data:[^,]*,/, ""),
        filename: file.name });
      r.onerror = () => reject(r.error);
      r.readAsDataURL(file);
    });
  }

  /** The JSON inputs of /processes/{id}/execution from a mounted form: numbers as
   *  numbers, flags as booleans, files as qualified values; empty inputs left out. */
  async function values(sf) {
    const out = {};
    for (const [name, row] of sf.rows) {
      const c = row.control;
      const s = row.input.schema || {};
      if (c.type === "file") {
        if (c.files && c.files[0]) out[name] = await qualified(c.files[0]);
      } else if (c.type === "checkbox") {
        out[name] = c.checked;
      } else {
        const v = String(c.value).trim();
        if (v === "") continue;
        out[name] = s.type === "number" || s.type === "integer" ? Number(v) : v;
      }
    }
    return out;
  }

  /** Render the form of process ``id`` into ``form`` (an element or a selector). */
  async function mount(form, id, options) {
    const f = typeof form === "string" ? document.querySelector(form) : form;
    const doc = await describe(id);
    const sf = new SpecForm(f, doc, options);
    f.dataset.process = id;
    f.dataset.rendered = "true";
    mounted.push(sf);
    return sf;
  }

  function setLang(l) {
    lang = l === "en" ? "en" : "da";
    for (const sf of mounted) sf.relabel();
  }

  window.NKForms = { mount, describe, epochs, epochLabel, setLang, values, forms: mounted };
})();
