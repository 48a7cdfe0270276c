// Charts: actual against forecast per variance report, exceptions by status over time (counted by the server), and
// Voting Groups by category.

import { groupedBars, horizontalBars, stackedBars } from "../charts.js";
import { on } from "../bus.js";
import { Q_MEMBERSHIP, Q_STATUS_OVER_TIME, Q_VARIANCE } from "../documents.js";
import { $, h, replace } from "../dom.js";
import { failure, fmtInt, label, loading, monthsEnding } from "../format.js";
import { session, tbc, values } from "../session.js";

let loaded = false;

export function show() {
  if (loaded) return;
  loaded = true;
  Promise.allSettled([variance(), status(), votingGroups()]);
}

export function reset() {
  loaded = false;
}

async function variance() {
  const box = $("#ch-variance");
  replace(box, loading());
  const types = session.reportTypes.filter((t) => /VARIANCE/.test(t.code) || (t.toleranceLowerPct !== null && t.toleranceUpperPct !== null && t.code !== "PMR"));
  if (!types.length) {
    replace(box, h("p", { className: "muted" }, "No variance report in the catalogue."));
    return;
  }
  const parts = [];
  for (const t of types) {
    try {
      const d = await session.api.query(Q_VARIANCE, { code: t.code });
      parts.push(varianceChart(t, d));
    } catch (e) {
      parts.push(h("div", { className: "error" }, h("p", {}, `${t.code}: `, h("strong", {}, e.code), `: ${e.message}`)));
    }
  }
  replace(box, h("div", { className: "variance-charts" }, parts));
}

function varianceChart(t, d) {
  const subs = d.subs.edges.map((e) => e.node).filter((s) => /^\d{4}-\d{2}$/.test(s.period));
  const title = `${t.name} (${t.code})`;
  if (!subs.length) {
    return h("section", { className: "sub-chart" }, h("h3", {}, title), h("p", { className: "muted" }, "Nothing received yet."));
  }
  // The latest accepted (not REJECTED) submission of each period decides it.
  const latest = new Map();
  for (const s of [...subs].sort((a, b) => a.receivedAt.localeCompare(b.receivedAt))) {
    const prev = latest.get(s.period);
    if (s.status !== "REJECTED" || !prev) latest.set(s.period, s);
  }
  const totals = new Map();
  for (const e of [...d.above.edges, ...d.below.edges]) {
    const x = e.node;
    if (x.subject !== "TOTAL") continue; // the sum of the rows is what the chart draws
    const s = latest.get(x.period);
    if (s && x.submission && x.submission.id === s.id) totals.set(x.period, x.details);
  }
  const lastPeriod = [...latest.keys()].sort().pop();
  const periods = monthsEnding(lastPeriod, 12);
  const notes = {};
  for (const p of periods) {
    const s = latest.get(p);
    if (totals.has(p)) continue;
    if (!s) notes[p] = { short: "–", long: "nothing received" };
    else if (s.status === "REJECTED") notes[p] = { short: "✗", long: "rejected: no figures" };
    else if (s.status === "PASSED" || s.status === "FLAGGED") notes[p] = { short: "✓", long: `within the tolerance (${t.toleranceLowerPct ?? "–"}%${tbc(t.code, "tolerance_lower_pct")}–${t.toleranceUpperPct ?? "–"}%${tbc(t.code, "tolerance_upper_pct")}): totals not flagged` };
    else notes[p] = { short: "…", long: "being validated" };
  }
  const forecast = periods.map((p) => (totals.has(p) ? totals.get(p).forecast : null));
  const actual = periods.map((p) => (totals.has(p) ? totals.get(p).actual : null));
  const flagged = periods.filter((p) => totals.has(p)).map((p) => `${p}: actual ${fmtInt(totals.get(p).actual)} against forecast ${fmtInt(totals.get(p).forecast)} (${totals.get(p).ratio}%)`);
  const desc = `${t.code}, ${periods[0]} to ${periods[periods.length - 1]}. `
    + (flagged.length ? `Outside the tolerance: ${flagged.join("; ")}.` : "No month outside the tolerance.");
  return h("section", { className: "sub-chart" }, h("h3", {}, title),
    groupedBars({
      title: `${t.code}: actual against forecast by period`, desc, categories: periods,
      series: [{ name: "Forecast", values: forecast, cls: "s-forecast" }, { name: "Actual", values: actual, cls: "s-actual" }],
      notes,
    }),
    h("p", { className: "muted small" }, "Bars where the totals were flagged (their figures are in the exception); ✓ within the tolerance, – nothing received, ✗ rejected."));
}

const dayLabel = (k) => new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" }).format(new Date(`${k}T00:00:00Z`));

// The server counts each status at the end of each day or month; the chart only draws them.
async function status() {
  const box = $("#ch-status");
  replace(box, loading());
  let d;
  try {
    d = (await session.api.query(Q_STATUS_OVER_TIME)).exceptionStatusOverTime;
  } catch (e) {
    replace(box, failure(e));
    return;
  }
  if (!d) {
    replace(box, h("p", { className: "muted" }, "No exceptions yet."));
    return;
  }
  const series = d.series.map((s) => ({ name: s.label, values: s.counts, cls: `s-${s.status}` }));
  const last = d.buckets.length - 1;
  const lastCounts = d.series.map((s) => `${s.counts[last]} ${s.label.toLowerCase()}`).join(", ");
  replace(box, stackedBars({
    title: `Exceptions by status at the end of each ${d.unit}`,
    desc: `${d.exceptions} exceptions; at the end of ${d.buckets[last]}: ${lastCounts}.`,
    categories: d.buckets, series, label: d.unit === "day" ? dayLabel : (k) => k.slice(2),
  }));
}

async function votingGroups() {
  const box = $("#ch-vg");
  replace(box, loading());
  const to = new Date().toISOString().slice(0, 7);
  const from = monthsEnding(to, 2)[0];
  try {
    const d = await session.api.query(Q_MEMBERSHIP, { from, to });
    const latest = d.membershipStatistics[d.membershipStatistics.length - 1];
    if (!latest || !latest.votingGroupsByCategory.length) {
      replace(box, h("p", { className: "muted" }, "No Voting Groups on the register."));
      return;
    }
    const order = values("PartyCategory");
    const items = [...latest.votingGroupsByCategory]
      .sort((a, b) => order.indexOf(a.category) - order.indexOf(b.category))
      .map((c, i) => ({ label: label("PartyCategory", c.category), value: c.count, cls: `s-cat-${i % 6}` }));
    replace(box, horizontalBars({
      title: `Voting Groups by category at the end of ${latest.month}`,
      desc: `${latest.votingGroupsAtMonthEnd} Voting Groups: ${items.map((i) => `${i.label} ${i.value}`).join(", ")}.`,
      items,
    }), h("p", { className: "muted small" }, `${fmtInt(latest.votingGroupsAtMonthEnd)} Voting Groups at the end of ${latest.month} (as the Operations Report's Figure 1).`));
  } catch (e) {
    replace(box, failure(e));
  }
}

export function wire() {
  on("data-changed", reset);
}
