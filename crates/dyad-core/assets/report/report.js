// dyad report: draws the payload of `dyad report` (crates/dyad-core/src/report.rs) with uPlot.
// Text from the archive only ever goes into the page as text nodes, never as HTML.
"use strict";
(function () {
  const D = JSON.parse(document.getElementById("dyad-data").textContent);
  const COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]; // Okabe-Ito, no yellow
  const MAX_SHOWN = COLORS.length;
  const GRID = "#e1e1e1";
  const byKey = new Map(D.dyads.map((d, i) => [d.key, i]));
  let shown = D.shown.filter((k) => byKey.has(k) && D.dyads[byKey.get(k)].series);
  const plots = {};
  let selected = null; // the period whose statements are listed, marked on the chart
  const fmt = (x, digits = 1) => (x === null || x === undefined || Number.isNaN(x) ? "–" : x.toFixed(digits));
  const signed = (x) => (x === null || x === undefined ? "–" : (x > 0 ? "+" : "") + x.toFixed(1));
  const el = (tag, attrs = {}, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === "class") e.className = v;
      else if (k === "text") e.textContent = v;
      else e.setAttribute(k, v);
    }
    for (const c of children) e.append(c);
    return e;
  };
  const names = (d) => `${d.source_name} ${D.meta.undirected ? "–" : "→"} ${d.target_name}`;

  // Statements of (dyad, period), in file order.
  const rowsOf = new Map();
  const S = D.statements;
  for (let i = 0; i < S.dyad.length; i++) {
    const k = S.dyad[i] + ":" + S.period[i];
    if (!rowsOf.has(k)) rowsOf.set(k, []);
    rowsOf.get(k).push(i);
  }
  const notListed = new Map(S.not_listed.map(([d, p, n]) => [d + ":" + p, n]));

  document.getElementById("every").textContent = D.meta.every;
  document.getElementById("source-file").textContent = D.meta.scored;

  // ---- overview table -------------------------------------------------------------------
  const tbody = document.querySelector("#overview tbody");
  let sortKey = "statements", sortDesc = true;
  function renderOverview() {
    const q = document.getElementById("filter").value.trim().toLowerCase();
    const val = (d, k) => (k === "names" ? names(d) : k === "show" ? (shown.includes(d.key) ? 1 : 0) : d[k]);
    const list = D.dyads.filter((d) => !q || d.key.toLowerCase().includes(q) || names(d).toLowerCase().includes(q));
    list.sort((a, b) => {
      let x = val(a, sortKey), y = val(b, sortKey);
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      const c = typeof x === "string" ? x.localeCompare(y) : x - y;
      return sortDesc ? -c : c;
    });
    tbody.replaceChildren(
      ...list.map((d) => {
        const box = el("input", { type: "checkbox", "aria-label": "draw " + d.key });
        box.checked = shown.includes(d.key);
        box.disabled = !d.series;
        box.addEventListener("change", () => toggle(d.key, box.checked));
        const tr = el(
          "tr",
          { class: d.series ? "" : "not-embedded", "data-key": d.key, title: d.series ? "" : "series not embedded: raise --max-dyads or name it with --pair" },
          el("td", {}, box),
          el("td", { text: d.key }),
          el("td", { text: names(d) }),
          el("td", { class: "num", text: String(d.statements) }),
          el("td", { class: "num", text: String(d.articles) }),
          el("td", { class: "num", text: fmt(d.level) }),
          el("td", { class: "num " + (d.trend > 0 ? "up" : d.trend < 0 ? "down" : ""), text: signed(d.trend) }),
          el("td", { class: "num " + (d.change > 0 ? "up" : d.change < 0 ? "down" : ""), text: signed(d.change) })
        );
        return tr;
      })
    );
    document.querySelectorAll("#overview th").forEach((th) => {
      th.classList.toggle("sorted-asc", th.dataset.sort === sortKey && !sortDesc);
      th.classList.toggle("sorted-desc", th.dataset.sort === sortKey && sortDesc);
    });
  }
  document.querySelectorAll("#overview th").forEach((th) =>
    th.addEventListener("click", () => {
      if (sortKey === th.dataset.sort) sortDesc = !sortDesc;
      else { sortKey = th.dataset.sort; sortDesc = !["key", "names"].includes(sortKey); }
      renderOverview();
    })
  );
  document.getElementById("filter").addEventListener("input", renderOverview);

  function toggle(key, on) {
    if (on && !shown.includes(key)) {
      if (shown.length >= MAX_SHOWN) shown.shift();
      shown.push(key);
    } else if (!on) shown = shown.filter((k) => k !== key);
    renderOverview();
    drawAll();
  }

  // ---- charts ---------------------------------------------------------------------------
  const N = D.periods.length;
  const xs = Array.from({ length: N }, (_, i) => i);
  const dense = (s, field) => {
    const out = new Array(N).fill(null);
    if (s) s.p.forEach((p, j) => (out[p] = s[field][j] === null || Number.isNaN(s[field][j]) ? null : s[field][j]));
    return out;
  };
  const spikes = (s) => {
    const out = new Array(N).fill(null);
    if (s) s.p.forEach((p, j) => { if (s.spike[j]) out[p] = s.tension[j]; });
    return out;
  };
  const alpha = (hex, a) => {
    const n = parseInt(hex.slice(1), 16);
    return `rgba(${n >> 16},${(n >> 8) & 255},${n & 255},${a})`;
  };
  // Periods are categories: point i sits on tick i, labelled by its period.
  const xAxis = () => ({
    stroke: "#5a5a5a",
    grid: { stroke: GRID, width: 1 },
    ticks: { stroke: GRID },
    incrs: [1, 2, 3, 4, 6, 12, 24, 52, 104, 156, 260, 520],
    values: (u, splits) => splits.map((i) => (Number.isInteger(i) && i >= 0 && i < N ? D.period_labels[i] : "")),
  });
  const yAxis = () => ({ stroke: "#5a5a5a", grid: { stroke: GRID, width: 1 }, ticks: { stroke: GRID }, label: "tension", values: (u, v) => v.map((x) => x.toFixed(0)) });

  function linePlot(target, lines, height, onClick) {
    // lines: [{label, color, series, bands}]
    const data = [xs];
    const series = [{ label: "period", value: (u, i) => (i === null ? "" : D.period_labels[i]) }];
    const bands = [];
    for (const l of lines) {
      const main = data.length;
      data.push(dense(l.series, "tension"));
      series.push({ label: l.label, stroke: l.color, width: 2, spanGaps: false, points: { show: true, size: 5, fill: l.color }, value: (u, v) => fmt(v) });
      if (l.bands) {
        data.push(dense(l.series, "hi"), dense(l.series, "lo"));
        series.push({ label: l.label + " 95% high", stroke: alpha(l.color, 0.35), width: 0.5, spanGaps: false, points: { show: false } });
        series.push({ label: l.label + " 95% low", stroke: alpha(l.color, 0.35), width: 0.5, spanGaps: false, points: { show: false } });
        bands.push({ series: [main + 1, main + 2], fill: alpha(l.color, 0.10) });
        data.push(spikes(l.series));
        series.push({ label: l.label + " spikes", stroke: l.color, width: 0, paths: () => null, points: { show: true, size: 13, width: 2, fill: "rgba(255,255,255,0)", stroke: l.color } });
      }
    }
    const width = Math.max(480, Math.min(target.clientWidth || 1100, 1140));
    const u = new uPlot(
      {
        width: lines.length && !lines[0].bands ? Math.min(width, 540) : width,
        height,
        legend: { show: false },
        cursor: { points: { show: false }, drag: { x: false, y: false } },
        scales: { x: { time: false, range: [-0.5, Math.max(N - 0.5, 0.5)] }, y: { range: [0, 100] } },
        axes: [xAxis(), yAxis()],
        series,
        bands,
        hooks: onClick ? { draw: [markSelected] } : {},
      },
      data,
      target
    );
    if (onClick) u.over.addEventListener("click", () => { if (u.cursor.idx !== null && u.cursor.idx !== undefined) onClick(u.cursor.idx); });
    return u;
  }

  // A light vertical band on the period whose statements are listed.
  function markSelected(u) {
    if (selected === null) return;
    const ctx = u.ctx, x0 = u.valToPos(selected - 0.5, "x", true), x1 = u.valToPos(selected + 0.5, "x", true);
    ctx.save();
    ctx.fillStyle = "rgba(0,0,0,0.06)";
    ctx.fillRect(Math.max(x0, u.bbox.left), u.bbox.top, Math.min(x1, u.bbox.left + u.bbox.width) - Math.max(x0, u.bbox.left), u.bbox.height);
    ctx.restore();
  }

  function legend(lines) {
    return el("div", { class: "legend" }, ...lines.map((l) => el("span", { class: "legend-item", "data-key": l.key }, el("span", { class: "swatch", style: "background:" + l.color }), l.label + "   ")));
  }

  function drawAll() {
    for (const p of Object.values(plots)) p.destroy();
    for (const k of Object.keys(plots)) delete plots[k];
    const chart = document.getElementById("chart");
    const lines = shown.map((key, i) => ({ key, label: names(D.dyads[byKey.get(key)]), color: COLORS[i], series: D.dyads[byKey.get(key)].series, bands: true }));
    chart.replaceChildren(legend(lines));
    chart.dataset.series = String(lines.length);
    if (lines.length) plots.main = linePlot(chart, lines, 420, showPeriod);
    else chart.append(el("p", { class: "hint", text: "Tick a dyad in the table to draw it." }));

    const asym = document.getElementById("asymmetry");
    asym.replaceChildren();
    shown.forEach((key, i) => {
      const d = D.dyads[byKey.get(key)];
      const box = el("div", { class: "asym", "data-key": key }, el("h3", { text: names(d) }));
      asym.append(box);
      const ab = { key: d.source + "-" + d.target, label: `${d.source_name} → ${d.target_name}`, color: COLORS[0], series: d.forward };
      const ba = { key: d.target + "-" + d.source, label: `${d.target_name} → ${d.source_name}`, color: COLORS[1], series: d.backward };
      box.append(legend([ab, ba]));
      plots["asym:" + key] = linePlot(box, [ab, ba], 220, null);
    });
  }

  // ---- drill-down -----------------------------------------------------------------------
  function highlighted(sentence, spans) {
    // spans: [[start, end, class]] in code points; overlapping or missing spans are skipped.
    const cps = Array.from(sentence);
    const ok = spans.filter(([a, b]) => a >= 0 && b > a && b <= cps.length).sort((x, y) => x[0] - y[0]);
    const td = el("td", { class: "sentence" });
    let at = 0;
    for (const [a, b, cls] of ok) {
      if (a < at) continue;
      td.append(cps.slice(at, a).join(""), el("mark", { class: cls, text: cps.slice(a, b).join("") }));
      at = b;
    }
    td.append(cps.slice(at).join(""));
    return td;
  }

  function showPeriod(p) {
    const drill = document.getElementById("drill");
    drill.replaceChildren();
    selected = p;
    if (plots.main) plots.main.redraw(false);
    drill.dataset.period = D.periods[p];
    for (const key of shown) {
      const di = byKey.get(key), d = D.dyads[di], s = d.series;
      const j = s.p.indexOf(p);
      const n = j < 0 ? 0 : s.n[j];
      const rows = rowsOf.get(di + ":" + p) || [];
      const more = notListed.get(di + ":" + p) || 0;
      const head = `${names(d)} · ${D.period_labels[p]} · ${n} statement${n === 1 ? "" : "s"}` +
        (j < 0 ? "" : ` · tension ${fmt(s.tension[j])}` + (s.lo[j] === null ? "" : ` (95% ${fmt(s.lo[j])}–${fmt(s.hi[j])})`));
      const sec = el("section", { class: "drill-dyad", "data-key": key, "data-period": D.periods[p], "data-statements": String(n) }, el("h3", { text: head }));
      if (rows.length) {
        const t = el("table", {}, el("thead", {}, el("tr", {}, ...["Date", "Article", "Statement", "Direction", "Label", "p coop", "p neutral", "p hostile"].map((h) => el("th", { text: h })))));
        const tb = el("tbody");
        for (const i of rows) {
          const a = D.articles[S.article[i]];
          const art = a.url ? el("a", { href: a.url, target: "_blank", rel: "noopener noreferrer", text: a.title || a.id }) : document.createTextNode(a.title || a.id);
          const artCell = el("td", {}, art, el("div", { class: "hint", text: a.id + " · sentence " + S.sentence_id[i] }));
          tb.append(
            el("tr", { class: "statement" },
              el("td", { text: S.date[i] }),
              artCell,
              highlighted(D.sentences[S.sentence[i]], [[...S.source_span[i], "src"], [...S.target_span[i], "tgt"]]),
              el("td", { text: `${S.source[i]} → ${S.target[i]}` }),
              el("td", { class: "label-" + S.label[i], text: S.label[i] }),
              el("td", { class: "num", text: fmt(S.p_cooperative[i], 2) }),
              el("td", { class: "num", text: fmt(S.p_neutral[i], 2) }),
              el("td", { class: "num", text: fmt(S.p_hostile[i], 2) }))
          );
        }
        t.append(tb);
        sec.append(el("div", { class: "table-wrap" }, t));
      }
      if (more) sec.append(el("p", { class: "hint", text: `${more} more statements in this period are counted above but not listed (dyad report --max-statements-per-period).` }));
      drill.append(sec);
    }
    drill.scrollIntoView({ block: "nearest" });
  }

  // ---- top movers, footer ---------------------------------------------------------------
  const w = D.meta.movers_windows;
  document.getElementById("movers-windows").textContent = w
    ? `Dyads whose tension changed most between ${w[0]} – ${w[1]} and ${w[2]} – ${w[3]}, with at least ${D.meta.min_statements} statements in each window.`
    : "No windows: the archive has too few periods.";
  document.querySelector("#movers tbody").replaceChildren(
    ...D.movers.map((m) =>
      el("tr", { "data-key": m.key },
        el("td", { text: m.key }), el("td", { text: m.names }),
        el("td", { class: "num", text: fmt(m.before) }), el("td", { class: "num", text: fmt(m.after) }),
        el("td", { class: "num " + (m.change > 0 ? "up" : "down"), text: signed(m.change) }),
        el("td", { class: "num", text: String(m.n_before) }), el("td", { class: "num", text: String(m.n_after) }))
    )
  );
  const m = D.meta;
  document.getElementById("footer").append(
    el("p", { text: `Built from ${m.scored}: ${m.rows} scored rows, ${m.counted} counted (${m.filters.join("; ")}; ${m.republished} republished rows left out), ${D.dyads.length} ${m.undirected ? "undirected" : "directed"} dyads over ${D.periods.length} periods (${m.every}). Model: ${m.models.join(", ") || "not recorded"}.` }),
    el("p", {}, "Command: ", el("code", { text: m.command })),
    el("p", { text: "Tension = 50 × (1 − mean stance), stance = p(cooperative) − p(hostile) of each statement. Made with dyad; charts by uPlot (MIT licence)." })
  );

  renderOverview();
  drawAll();
  window.dyadReport = { data: D, plots, showPeriod };
  document.body.dataset.ready = "true";
})();
