// The page: reads files (never sends them anywhere), hands each to the validator compiled to
// WebAssembly, and shows its report as `orcid validate` would.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const reports = []; // per file: the report object, as `orcid validate --report json` prints it
  const timings = []; // milliseconds per check, for measurement
  window.orcidTimings = timings;
  let ready = false;
  const queue = [];

  function today() {
    const d = new Date();
    return new Uint16Array([d.getFullYear(), d.getMonth() + 1, d.getDate()]);
  }

  function base64Bytes(text) {
    const raw = atob(text);
    const bytes = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  async function start() {
    // The WebAssembly is embedded in orcid_web_wasm.js: no fetch, so the page works from disk.
    await wasm_bindgen({ module_or_path: base64Bytes(ORCID_WEB_WASM) });
    const snap = JSON.parse(wasm_bindgen.snapshot());
    $("snapshot").textContent = `Knows ORCID's 3.0 model as of release ${snap.release} (orcid-model ${snap.commit.slice(0, 12)}, ${snap.date}).`;
    for (const kind of JSON.parse(wasm_bindgen.kinds())) {
      const option = document.createElement("option");
      option.value = kind;
      option.textContent = kind;
      $("kind").appendChild(option);
    }
    ready = true;
    document.body.dataset.ready = "true";
    while (queue.length) check(...queue.shift());
  }

  function check(name, bytes, text) {
    if (!ready) { queue.push([name, bytes, text]); return; }
    const kind = $("kind").value || undefined;
    const t0 = performance.now();
    let report;
    try {
      report = JSON.parse(wasm_bindgen.validate(bytes, name, kind, $("update").checked, today()));
    } catch (e) {
      report = { file: name, kind: null, valid: false, verdict: null, diagnostics: [{ severity: "error", code: "page.error", rule: "", status: null, orcid_code: null, path: "", line: 1, column: 1, message: String(e), note: null }] };
    }
    timings.push(performance.now() - t0);
    reports.push(report);
    show(report, text);
    summarise();
  }

  function verdictText(report) {
    if (report.valid) return "ORCID would accept it";
    const v = report.verdict;
    if (v && v.status) return `ORCID would answer ${v.status}` + (v.orcid_code ? `, error ${v.orcid_code}` : "") + (v.rule ? ` (rule ${v.rule})` : "");
    if (report.slots && report.slots.length) return `ORCID would refuse ${report.slots.length} of the bulk's works`;
    return "ORCID would refuse it";
  }

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v; else e.setAttribute(k, v);
    }
    for (const c of children) e.append(c);
    return e;
  }

  // The offending line, cut to a window around the column, with the column marked.
  function excerpt(lines, line, column) {
    const text = lines[line - 1];
    if (text === undefined) return null;
    const chars = Array.from(text);
    const at = Math.max(0, Math.min(column - 1, chars.length));
    const from = Math.max(0, at - 60), to = Math.min(chars.length, at + 60);
    let end = at + 1;
    // A tag's name (`</work:title`) or a word is marked whole.
    while (end < to && /[\w:.\/-]/.test(chars[end]) && /[<\w:.-]/.test(chars[at])) end++;
    const pre = el("pre", { class: "excerpt" });
    pre.append(el("span", { class: "lineno" }, `${line} | `), (from > 0 ? "…" : "") + chars.slice(from, at).join(""));
    pre.append(el("mark", {}, chars.slice(at, Math.max(end, at + 1)).join("") || " "));
    pre.append(chars.slice(Math.max(end, at + 1), to).join("") + (to < chars.length ? "…" : ""));
    return pre;
  }

  function show(report, text) {
    const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
    const counts = { error: 0, warning: 0, note: 0 };
    for (const d of report.diagnostics) counts[d.severity] = (counts[d.severity] || 0) + 1;
    const v = report.verdict || {};
    const details = el("details", {
      class: "file", "data-file": report.file, "data-valid": String(report.valid), "data-kind": report.kind || "",
      "data-status": v.status == null ? "" : String(v.status), "data-code": v.orcid_code == null ? "" : String(v.orcid_code),
      "data-rule": v.rule || "", "data-diagnostics": String(report.diagnostics.length),
    });
    if (!report.valid) details.open = true;
    const parts = [];
    if (counts.error) parts.push(`${counts.error} error${counts.error > 1 ? "s" : ""}`);
    if (counts.warning) parts.push(`${counts.warning} warning${counts.warning > 1 ? "s" : ""}`);
    if (counts.note) parts.push(`${counts.note} note${counts.note > 1 ? "s" : ""}`);
    details.append(el("summary", {},
      el("span", { class: "name" }, report.file),
      el("span", { class: "kind muted" }, report.kind || "not an ORCID document"),
      el("span", { class: "verdict " + (report.valid ? "ok" : "bad") }, verdictText(report)),
      el("span", { class: "muted" }, parts.join(", "))));
    const list = el("ul", { class: "diagnostics" });
    for (const d of report.diagnostics) {
      const item = el("li", {},
        el("span", { class: "sev " + d.severity }, d.severity),
        el("span", {}, `line ${d.line}, column ${d.column}: ${d.message} `),
        el("span", { class: "code" }, [d.rule && `rule ${d.rule}`, d.code, d.status && `ORCID: ${d.status}` + (d.orcid_code ? ` / ${d.orcid_code}` : "")].filter(Boolean).join(" · ")));
      if (d.note) item.append(el("div", { class: "note" }, d.note));
      const shown = excerpt(lines, d.line, d.column);
      if (shown) item.append(shown);
      list.append(item);
    }
    for (const slot of report.slots || []) {
      list.append(el("li", {}, `Work ${slot.work}: ORCID would answer ${slot.verdict.status}` + (slot.verdict.orcid_code ? `, error ${slot.verdict.orcid_code}` : "")));
    }
    if (report.diagnostics.length) details.append(list);
    $("results").append(details);
  }

  function summary() {
    const s = { files: reports.length, valid: 0, invalid: 0, errors: 0, warnings: 0, notes: 0 };
    for (const r of reports) {
      if (r.valid) s.valid++; else s.invalid++;
      for (const d of r.diagnostics) {
        if (d.severity === "error") s.errors++; else if (d.severity === "warning") s.warnings++; else s.notes++;
      }
    }
    return s;
  }

  function summarise() {
    const s = summary();
    const n = (k, w) => `${k} ${w}${k === 1 ? "" : "s"}`;
    $("summary").textContent = `${n(s.files, "file")}: ${s.valid} valid, ${s.invalid} invalid; ${n(s.errors, "error")}, ${n(s.warnings, "warning")}` + (s.notes ? `, ${n(s.notes, "note")}` : "");
    $("summary").dataset.files = String(s.files);
    $("download").disabled = $("clear").disabled = reports.length === 0;
  }

  function readFile(file, name) {
    if (!/\.(xml|json)$/i.test(name)) return Promise.resolve();
    return file.arrayBuffer().then((buffer) => {
      const bytes = new Uint8Array(buffer);
      check(name, bytes, new TextDecoder().decode(bytes));
    });
  }

  async function readFiles(files) {
    const list = Array.from(files).sort((a, b) => (a.webkitRelativePath || a.name).localeCompare(b.webkitRelativePath || b.name));
    for (const f of list) await readFile(f, f.webkitRelativePath || f.name);
  }

  // Dropped folders are walked (every .xml and .json file in them).
  async function readEntry(entry) {
    if (entry.isFile) {
      const file = await new Promise((ok, fail) => entry.file(ok, fail));
      return readFile(file, entry.fullPath.replace(/^\//, ""));
    }
    if (entry.isDirectory) {
      const reader = entry.createReader();
      let batch;
      const all = [];
      do {
        batch = await new Promise((ok, fail) => reader.readEntries(ok, fail));
        all.push(...batch);
      } while (batch.length);
      all.sort((a, b) => a.name.localeCompare(b.name));
      for (const e of all) await readEntry(e);
    }
  }

  const drop = $("drop");
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", async (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    const entries = Array.from(e.dataTransfer.items || []).map((i) => i.webkitGetAsEntry && i.webkitGetAsEntry()).filter(Boolean);
    if (entries.length) { for (const entry of entries) await readEntry(entry); } else await readFiles(e.dataTransfer.files);
  });
  drop.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); $("files").click(); } });
  $("files").addEventListener("change", (e) => readFiles(e.target.files));
  $("folder").addEventListener("change", (e) => readFiles(e.target.files));
  $("check-paste").addEventListener("click", () => {
    const text = $("paste").value;
    const json = /^\s*[{\[]/.test(text);
    check(json ? "pasted.json" : "pasted.xml", new TextEncoder().encode(text), text);
  });
  $("clear").addEventListener("click", () => { reports.length = 0; timings.length = 0; $("results").textContent = ""; summarise(); $("summary").textContent = "No files checked yet."; });
  $("download").addEventListener("click", () => {
    const lines = reports.map((r) => JSON.stringify(r)).concat([JSON.stringify({ summary: summary() })]);
    const url = URL.createObjectURL(new Blob([lines.join("\n") + "\n"], { type: "application/x-ndjson" }));
    const a = el("a", { href: url, download: "orcid-validate-report.jsonl" });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  });
  window.orcidReports = reports;
  start().catch((e) => { $("snapshot").textContent = "The validator could not start: " + e; });
})();
