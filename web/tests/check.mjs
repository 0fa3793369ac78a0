// Opens the built page (file://) in Debian's Chromium, drops a folder on it, and writes what
// the page shows per file, the requests it made, timings and screenshots, for
// crates/orcid-cli/tests/web.rs to compare with `orcid validate --report json`.
//
// node check.mjs PAGE_DIR ITEMS_DIR OUT_JSON SCREENSHOT_PNG [WORK_FILE]
import { chromium } from "playwright-core";
import { pathToFileURL } from "node:url";
import { readFileSync, writeFileSync } from "node:fs";

const [pageDir, itemsDir, outJson, screenshot, workFile] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
const browser = await chromium.launch({ executablePath, args: ["--no-sandbox", "--disable-gpu"] });
const out = { requests: [], console: [] };
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  page.on("request", (r) => out.requests.push(r.url()));
  page.on("console", (m) => { if (m.type() === "error") out.console.push(m.text()); });
  page.on("pageerror", (e) => out.console.push(String(e)));
  const url = pathToFileURL(`${pageDir}/index.html`).href;
  const t0 = Date.now();
  await page.goto(url);
  await page.waitForSelector("body[data-ready=true]", { timeout: 20000 });
  out.interactiveMs = Date.now() - t0;

  // Keyboard: Tab reaches the kind, the update box, the drop zone and the buttons.
  const reached = [];
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press("Tab");
    reached.push(await page.evaluate(() => document.activeElement && (document.activeElement.id || document.activeElement.tagName)));
  }
  out.tabOrder = reached;

  // The folder, as the folder picker gives it (every file, with its relative path).
  await page.setInputFiles("#folder", itemsDir);
  const expected = Number(process.env.EXPECTED_FILES || "0");
  await page.waitForFunction((n) => Number(document.getElementById("summary").dataset.files || 0) >= n, expected, { timeout: 60000 });
  out.files = await page.$$eval("details.file", (all) => all.map((d) => ({
    file: d.dataset.file, valid: d.dataset.valid === "true", kind: d.dataset.kind, status: d.dataset.status,
    code: d.dataset.code, rule: d.dataset.rule, diagnostics: Number(d.dataset.diagnostics),
  })));
  out.summary = await page.textContent("#summary");
  out.timings = await page.evaluate(() => window.orcidTimings.slice());
  // The report, downloaded as a user would.
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download")]);
  out.download = readFileSync(await download.path(), "utf8");
  await page.locator("details.file[data-valid=false]").first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenshot, fullPage: false });

  // A typical work, checked 200 times in the page.
  if (workFile) {
    const bytes = Array.from(readFileSync(workFile));
    out.workMs = await page.evaluate((b) => {
      const data = new Uint8Array(b);
      const d = new Date();
      const today = new Uint16Array([d.getFullYear(), d.getMonth() + 1, d.getDate()]);
      for (let i = 0; i < 20; i++) wasm_bindgen.validate(data, "work.xml", undefined, false, today);
      // Batches of 50 (the page's clock ticks in 0.1 ms steps): the median batch's mean.
      const batches = [];
      for (let b = 0; b < 9; b++) {
        const t = performance.now();
        for (let i = 0; i < 50; i++) wasm_bindgen.validate(data, "work.xml", undefined, false, today);
        batches.push((performance.now() - t) / 50);
      }
      batches.sort((a, b) => a - b);
      return { median: batches[4], slowest: batches[8] };
    }, bytes);
  }

  // Files dropped on the drop zone (a drop event carrying two files, as a drag from a file
  // manager does), after clearing: two more results, the same as before for those files.
  await page.click("#clear");
  const dropped = ["work.xml", "invalid/work-misordered.xml"].map((name) => ({ name: name.split("/").pop(), text: readFileSync(`${itemsDir}/${name}`, "utf8") }));
  await page.evaluate((files) => {
    const transfer = new DataTransfer();
    for (const f of files) transfer.items.add(new File([f.text], f.name, { type: "application/xml" }));
    document.getElementById("drop").dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, dropped);
  await page.waitForFunction(() => Number(document.getElementById("summary").dataset.files || 0) === 2, null, { timeout: 20000 });
  out.dropped = await page.$$eval("details.file", (all) => all.map((d) => ({ file: d.dataset.file, valid: d.dataset.valid === "true", code: d.dataset.code, diagnostics: Number(d.dataset.diagnostics) })));

  // Phone width: nothing wider than the screen.
  await page.setViewportSize({ width: 375, height: 800 });
  out.phoneOverflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await page.screenshot({ path: screenshot.replace(/\.png$/, "-phone.png") });
} finally {
  await browser.close();
}
writeFileSync(outJson, JSON.stringify(out, null, 2));
