// Small charts drawn as inline SVG, no library. Each chart is an <svg role="img"> with a title and a description,
// a legend in HTML, and the same numbers as a table under a disclosure, for those who would rather read.

import { h } from "./dom.js";

const NS = "http://www.w3.org/2000/svg";
let serial = 0;

export function el(tag, attrs = {}, ...children) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) node.setAttribute(k, String(v));
  for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c);
  return node;
}

export const fmtInt = (n) => (n === null || n === undefined ? "–" : Number(n).toLocaleString("en-GB"));

function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function short(n) {
  const a = Math.abs(n);
  if (a >= 1e9) return `${+(n / 1e9).toFixed(1)}bn`;
  if (a >= 1e6) return `${+(n / 1e6).toFixed(1)}m`;
  if (a >= 1e3) return `${+(n / 1e3).toFixed(1)}k`;
  return String(+n.toFixed(1));
}

function frame(title, desc, width, height) {
  const id = `chart-${++serial}`;
  const svg = el("svg", {
    viewBox: `0 0 ${width} ${height}`, role: "img", "aria-labelledby": `${id}-t ${id}-d`, class: "chart",
    preserveAspectRatio: "xMidYMid meet",
  });
  svg.append(el("title", { id: `${id}-t` }, title), el("desc", { id: `${id}-d` }, desc));
  return svg;
}

function legend(series) {
  return h("ul", { className: "legend", "aria-hidden": "true" },
    series.map((s) => h("li", {}, h("span", { className: `swatch ${s.cls}` }), s.name)));
}

function dataTable(caption, head, rows) {
  return h("details", { className: "chart-data" }, h("summary", {}, "Show the numbers"),
    h("table", {}, h("caption", {}, caption),
      h("thead", {}, h("tr", {}, head.map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", {}, rows.map((r) => h("tr", {}, r.map((c, i) => (i === 0 ? h("th", { scope: "row" }, c) : h("td", {}, c))))))));
}

function yAxis(svg, { left, top, plotW, plotH, max, format }) {
  const ticks = 4;
  for (let i = 0; i <= ticks; i++) {
    const v = (max * i) / ticks;
    const y = top + plotH - (plotH * i) / ticks;
    svg.append(el("line", { x1: left, x2: left + plotW, y1: y, y2: y, class: i === 0 ? "axis" : "grid" }));
    svg.append(el("text", { x: left - 6, y: y + 4, class: "tick", "text-anchor": "end" }, format(v)));
  }
}

// Grouped vertical bars: categories along x, one bar per series in each; notes (per category) under empty groups.
export function groupedBars({ title, desc, categories, series, format = short, notes = {}, caption }) {
  const width = 640, height = 250, left = 56, right = 8, top = 12, bottom = 44;
  const plotW = width - left - right, plotH = height - top - bottom;
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values.filter((v) => v !== null))));
  const svg = frame(title, desc, width, height);
  yAxis(svg, { left, top, plotW, plotH, max, format });
  const slot = plotW / Math.max(1, categories.length);
  const barW = Math.min(22, (slot * 0.8) / series.length);
  categories.forEach((cat, i) => {
    const x0 = left + i * slot + (slot - barW * series.length) / 2;
    let any = false;
    series.forEach((s, j) => {
      const v = s.values[i];
      if (v === null || v === undefined) return;
      any = true;
      const hgt = (plotH * v) / max;
      svg.append(el("rect", { x: x0 + j * barW, y: top + plotH - hgt, width: barW - 1, height: Math.max(0, hgt),
        class: s.cls }, el("title", {}, `${cat} ${s.name}: ${fmtInt(v)}`)));
    });
    const cx = left + i * slot + slot / 2;
    svg.append(el("text", { x: cx, y: height - bottom + 16, class: "tick", "text-anchor": "middle" }, cat.length > 7 ? cat.slice(2) : cat));
    if (!any && notes[cat]) {
      svg.append(el("text", { x: cx, y: top + plotH - 6, class: "note", "text-anchor": "middle" }, notes[cat].short));
    }
  });
  const rows = categories.map((cat, i) => [cat, ...series.map((s) => fmtInt(s.values[i])), notes[cat] ? notes[cat].long : ""]);
  return h("figure", { className: "chart-figure" }, svg, legend(series),
    dataTable(caption || title, ["Period", ...series.map((s) => s.name), "Note"], rows));
}

// Stacked vertical bars: one stack per category, one segment per series.
export function stackedBars({ title, desc, categories, series, caption, label = (c) => c }) {
  const width = 640, height = 250, left = 44, right = 8, top = 12, bottom = 44;
  const plotW = width - left - right, plotH = height - top - bottom;
  const totals = categories.map((_, i) => series.reduce((a, s) => a + (s.values[i] || 0), 0));
  const max = niceMax(Math.max(1, ...totals));
  const svg = frame(title, desc, width, height);
  yAxis(svg, { left, top, plotW, plotH, max, format: (v) => (Number.isInteger(v) ? String(v) : v.toFixed(1)) });
  const slot = plotW / Math.max(1, categories.length);
  const barW = Math.min(34, slot * 0.7);
  categories.forEach((cat, i) => {
    const x = left + i * slot + (slot - barW) / 2;
    let y = top + plotH;
    for (const s of series) {
      const v = s.values[i] || 0;
      if (!v) continue;
      const hgt = (plotH * v) / max;
      y -= hgt;
      svg.append(el("rect", { x, y, width: barW, height: hgt, class: s.cls }, el("title", {}, `${cat} ${s.name}: ${v}`)));
    }
    if (totals[i]) svg.append(el("text", { x: x + barW / 2, y: y - 3, class: "tick", "text-anchor": "middle" }, String(totals[i])));
    svg.append(el("text", { x: x + barW / 2, y: height - bottom + 16, class: "tick", "text-anchor": "middle" }, label(cat)));
  });
  const rows = categories.map((cat, i) => [cat, ...series.map((s) => String(s.values[i] || 0)), String(totals[i])]);
  return h("figure", { className: "chart-figure" }, svg, legend(series),
    dataTable(caption || title, ["Month end", ...series.map((s) => s.name), "Total"], rows));
}

// Horizontal bars with the value at the end of each: the Operations Report's Figure 1.
export function horizontalBars({ title, desc, items, caption, cls = "s-0" }) {
  const rowH = 30, left = 190, right = 48, top = 8;
  const width = 640, height = top * 2 + rowH * Math.max(1, items.length);
  const max = niceMax(Math.max(1, ...items.map((i) => i.value)));
  const svg = frame(title, desc, width, height);
  items.forEach((item, i) => {
    const y = top + i * rowH;
    const w = ((width - left - right) * item.value) / max;
    svg.append(el("text", { x: left - 8, y: y + rowH / 2 + 4, class: "label", "text-anchor": "end" }, item.label));
    if (item.value > 0) {
      svg.append(el("rect", { x: left, y: y + 5, width: w, height: rowH - 10, class: item.cls || cls },
        el("title", {}, `${item.label}: ${item.value}`)));
    }
    svg.append(el("text", { x: left + w + 6, y: y + rowH / 2 + 4, class: "value" }, String(item.value)));
  });
  return h("figure", { className: "chart-figure" }, svg,
    dataTable(caption || title, ["Category", "Voting Groups"], items.map((i) => [i.label, String(i.value)])));
}

// A one-line picture of a variance: actual against forecast, with the tolerance band (for an exception's detail).
export function varianceGauge({ actual, forecast, ratio, lower, upper }) {
  const width = 420, height = 64, left = 10, right = 10;
  const span = Math.max(200, Math.ceil(((ratio || 0) + 20) / 50) * 50, (upper || 0) + 20);
  const x = (pct) => left + ((width - left - right) * Math.max(0, Math.min(pct, span))) / span;
  const pct = (v) => (typeof v === "number" ? `${v.toFixed(1)}%` : "–");
  const desc = `Actual ${fmtInt(actual)} against forecast ${fmtInt(forecast)}: ${pct(ratio)} of forecast;`
    + ` tolerance ${pct(lower)} to ${pct(upper)}.`;
  const svg = frame("Actual as a share of forecast", desc, width, height);
  svg.classList.add("gauge");
  svg.append(el("rect", { x: left, y: 18, width: width - left - right, height: 14, class: "gauge-track" }));
  if (lower !== null && lower !== undefined && upper !== null && upper !== undefined) {
    svg.append(el("rect", { x: x(lower), y: 18, width: x(upper) - x(lower), height: 14, class: "gauge-band" }));
  }
  svg.append(el("line", { x1: x(100), x2: x(100), y1: 12, y2: 38, class: "gauge-forecast" }));
  svg.append(el("text", { x: x(100), y: 10, class: "tick", "text-anchor": "middle" }, "forecast 100%"));
  svg.append(el("circle", { cx: x(ratio), cy: 25, r: 7, class: "gauge-actual" }));
  svg.append(el("text", { x: x(ratio), y: 54, class: "value", "text-anchor": "middle" }, `actual ${pct(ratio)}`));
  return svg;
}
