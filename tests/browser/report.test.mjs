// The report in a real browser: headless Chromium (Debian's package) driven by playwright-core.
//
//   node tests/browser/report.test.mjs REPORT.html SERIES.csv SCREENSHOT.png
//
// SERIES.csv is `dyad series` over the same scored file with the same --every and filters as
// the report. Checks: the page renders with no console error; the overview has one row per dyad
// with statements in SERIES.csv; the chart draws the dyads the page opened with; clicking a
// period on the chart lists as many statements as SERIES.csv reports for it; sorting and
// filtering the overview work. Saves a screenshot.
// Exit 0 on success, 1 with the reason otherwise. `make test-browser` installs what is missing.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const require = createRequire(resolve(".deps/browser/package.json"));
const { chromium } = require("playwright-core");

const [reportPath, seriesPath, shotPath] = process.argv.slice(2);
if (!shotPath) {
  console.error("usage: node tests/browser/report.test.mjs REPORT.html SERIES.csv SCREENSHOT.png");
  process.exit(2);
}
const fail = (msg) => { console.error("report test FAILED: " + msg); process.exitCode = 1; throw new Error(msg); };

// dyad series CSV: per (source, target) the statements of each period.
const [header, ...lines] = readFileSync(seriesPath, "utf8").trim().split("\n");
const cols = header.split(",");
const at = (name) => { const i = cols.indexOf(name); if (i < 0) fail(`${seriesPath} has no ${name} column`); return i; };
const [iP, iS, iT, iN] = ["period", "source", "target", "statements"].map(at);
const series = new Map();
for (const line of lines) {
  const f = line.split(","); // the columns read here never hold commas
  const key = f[iS] + "-" + f[iT];
  if (!series.has(key)) series.set(key, new Map());
  series.get(key).set(f[iP], Number(f[iN]));
}
const withStatements = [...series].filter(([, m]) => [...m.values()].some((n) => n > 0)).map(([k]) => k);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  // (playwright gives the browser a new empty profile of its own)
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  // Offline: any request leaving file:// is an error.
  await page.route(/^(?!file:)/, (r) => { errors.push("network request: " + r.request().url()); return r.abort(); });
  const t0 = Date.now();
  await page.goto(pathToFileURL(resolve(reportPath)).href);
  await page.waitForSelector("body[data-ready=true]", { timeout: 30000 });
  await page.waitForSelector("#chart canvas", { timeout: 30000 });
  const loadMs = Date.now() - t0;

  const rows = await page.locator("#overview tbody tr").count();
  if (rows !== withStatements.length) fail(`overview has ${rows} rows, ${seriesPath} has ${withStatements.length} dyads with statements`);
  const shown = await page.evaluate(() => window.dyadReport.data.shown);
  if (!shown.length) fail("no dyad drawn when the page opens");
  const drawn = await page.locator("#chart").getAttribute("data-series");
  const legend = await page.locator("#chart .legend-item").count();
  if (Number(drawn) !== shown.length || legend !== shown.length) fail(`chart draws ${drawn} series with ${legend} legend entries, expected ${shown.length}`);
  const asym = await page.locator("#asymmetry .asym canvas").count();
  if (asym < shown.length) fail(`${asym} asymmetry charts for ${shown.length} dyads`);
  const movers = await page.locator("#movers tbody tr").count();

  // Click the busiest period of the first drawn dyad, on the chart itself.
  const key = shown[0];
  const periods = await page.evaluate(() => window.dyadReport.data.periods);
  const cap = await page.evaluate(() => window.dyadReport.data.meta.max_statements_per_period);
  const byPeriod = series.get(key) || fail(`${key} not in ${seriesPath}`);
  const [period, expected] = [...byPeriod].filter(([, n]) => n <= cap).sort((a, b) => b[1] - a[1])[0];
  const idx = periods.indexOf(period);
  if (idx < 0) fail(`period ${period} not in the page`);
  await page.locator("#chart canvas").first().scrollIntoViewIfNeeded();
  const pos = await page.evaluate((i) => {
    const u = window.dyadReport.plots.main;
    const r = u.over.getBoundingClientRect();
    return { x: r.left + u.valToPos(i, "x"), y: r.top + r.height / 2 };
  }, idx);
  await page.mouse.move(pos.x, pos.y);
  await page.mouse.click(pos.x, pos.y);
  const section = page.locator(`#drill section.drill-dyad[data-key="${key}"]`);
  await section.waitFor({ timeout: 10000 });
  const got = Number(await section.getAttribute("data-statements"));
  const listed = await section.locator("tr.statement").count();
  const when = await section.getAttribute("data-period");
  if (when !== period) fail(`clicked ${period}, the drill-down shows ${when}`);
  if (got !== expected || listed !== expected) fail(`${key} ${period}: series says ${expected} statements, the page says ${got} and lists ${listed}`);
  const marks = await section.locator("mark.src").count();
  if (marks === 0) fail("no source mention highlighted in the listed statements");

  await page.screenshot({ path: shotPath, fullPage: true });

  // Sort by level (descending), then filter by the first drawn dyad's code.
  const t1 = Date.now();
  await page.locator('#overview th[data-sort="level"]').click();
  const levels = await page.locator("#overview tbody tr td:nth-child(6)").evaluateAll((tds) => tds.map((td) => td.textContent).filter((t) => t !== "–").map(Number));
  if (levels.some((v, i) => i > 0 && v > levels[i - 1])) fail("sorting by level did not order the overview");
  const sortMs = Date.now() - t1;
  const code = key.split("-")[0];
  await page.fill("#filter", code);
  const filtered = await page.locator("#overview tbody tr").evaluateAll((trs) => trs.map((tr) => tr.dataset.key));
  const wantFiltered = withStatements.filter((k) => k.split("-").includes(code)).length;
  if (filtered.length < wantFiltered || filtered.length >= rows && rows > wantFiltered) fail(`filter ${code}: ${filtered.length} rows, expected at least ${wantFiltered} and fewer than ${rows}`);
  await page.fill("#filter", "");
  if (errors.length) fail("console errors:\n  " + errors.join("\n  "));
  console.log(`report test passed: ${rows} dyads in the overview, ${shown.length} drawn, ${movers} top movers; ` +
    `clicking ${key} ${period} listed ${listed} statements as dyad series counts; ` +
    `sorting and filtering checked; loaded in ${loadMs} ms, sorted ${rows} rows in ${sortMs} ms; screenshot ${shotPath}`);
} catch (e) {
  if (!process.exitCode) { console.error("report test FAILED: " + (e && e.stack || e)); process.exitCode = 1; }
} finally {
  await browser.close();
}
