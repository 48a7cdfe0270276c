// The month of an OPSG meeting: the reporting calendar, the OPSG table with its downloads, and the observations.

import { on } from "../bus.js";
import { M_OBSERVATION, Q_CALENDAR, Q_OPSG } from "../documents.js";
import { $, h, replace } from "../dom.js";
import { announce, badge, errorBox, failure, fmtDate, fmtDateTime, fmtInt, label, loading, table } from "../format.js";
import { may, session } from "../session.js";

const FORMATS = [["md", "Markdown"], ["csv", "CSV"], ["html", "HTML"], ["docx", "Word"]];

const month = { shown: null, loaded: false };

// The month to start on: the one last chosen, else that of the latest submission, else this one.
export function prepare() {
  const latest = session.latestReceived;
  $("#month").value = month.shown || (latest ? latest.slice(0, 7) : new Date().toISOString().slice(0, 7));
}

export function show() {
  if (!month.loaded) load($("#month").value);
}

export function reset() {
  month.loaded = false;
}

async function load(m) {
  if (!m) return;
  month.shown = m;
  month.loaded = true;
  const cal = $("#calendar");
  const opsg = $("#opsg");
  replace(cal, loading());
  replace(opsg, loading());
  renderDownloads(m);
  const [c, o] = await Promise.allSettled([
    session.api.query(Q_CALENDAR, { month: m }), session.api.query(Q_OPSG, { month: m }),
  ]);
  if (c.status === "fulfilled") renderCalendar(c.value.reportingCalendar, m);
  else replace(cal, failure(c.reason, "The reporting calendar"));
  if (o.status === "fulfilled") renderOpsg(o.value.opsgReport);
  else replace(opsg, failure(o.reason, "The OPSG table"));
}

const deliveryBadge = (d) => (d ? badge("dl", "Delivery", d) : "–");

function renderCalendar(rows, m) {
  const cal = $("#calendar");
  if (!rows.length) {
    replace(cal, h("p", { className: "muted" }, `No report falls due in ${m}.`));
    return;
  }
  const sorted = [...rows].sort((a, b) => (a.dueAt || "").localeCompare(b.dueAt || "") || a.reportType.localeCompare(b.reportType));
  const body = sorted.map((r) => h("tr", {},
    h("th", { scope: "row" }, r.reportType),
    h("td", {}, r.period),
    h("td", {}, fmtDateTime(r.dueAt)),
    h("td", {}, deliveryBadge(r.delivery)),
    h("td", {}, r.submission ? `${label("SubmissionStatus", r.submission.status)} · received ${fmtDate(r.submission.receivedAt)}` : "nothing received")));
  replace(cal, table({
    id: "calendar-table", caption: `Reports due in ${m}`, head: ["Report", "Period", "Due", "Delivery", "Submission"], rows: body,
  }));
}

function lines(text) {
  const parts = String(text).split("\n").filter((p) => p.trim());
  return parts.length > 1 ? h("ul", {}, parts.map((p) => h("li", {}, p))) : text;
}

function renderOpsg(report) {
  const opsg = $("#opsg");
  if (!report.tableRows.length) {
    replace(opsg, h("p", { className: "muted" }, "No rows for this month."));
    return;
  }
  // The table as the Panel's paper prints it: one row per report, periods merged.
  const body = report.tableRows.map((r) => h("tr", { "data-report-type": r.reportType },
    h("th", { scope: "row" }, r.report),
    h("td", {}, r.deliveryText),
    h("td", {}, r.content),
    h("td", {}, lines(r.observationText))));
  replace(opsg, h("p", { id: "opsg-heading" }, report.heading), table({
    id: "opsg-table", className: "opsg", caption: `The OPSG table for ${report.month}`,
    head: ["Report", "Delivery per SEC", "Content", "Observations"], rows: body,
  }), renderObservations(report));
}

// Per report and period: OPSG's recorded words (a form where the server lets this key record them) beside the
// evidence.
function renderObservations(report) {
  const owed = report.rows.filter((r) => r.period);
  if (!owed.length) return null;
  const canRecord = may("recordObservation");
  const items = owed.map((r) => {
    const id = `obs-${r.reportType}-${r.period}`;
    const evidence = r.exceptions.length
      ? h("ul", { className: "small" }, r.exceptions.map((e) => h("li", {}, `${e.ruleCode} · ${e.subject} · ${label("Severity", e.severity)} · ${label("ExceptionStatus", e.status)}`)))
      : h("p", { className: "muted small" }, "No exceptions.");
    const recorded = r.observation && r.observation.text
      ? h("p", { className: "muted small" }, `Recorded by ${r.observation.recordedBy}, ${fmtDateTime(r.observation.recordedAt)}`)
      : h("p", { className: "muted small" }, "Nothing recorded: the table shows " + (r.observationText === "None" ? "None." : "the open exceptions, not yet reviewed."));
    const parts = [h("h3", { className: "small" }, `${r.reportType} · ${r.period}`), recorded];
    if (canRecord) {
      const field = h("textarea", { id, name: "text", rows: 2, "aria-describedby": `${id}-result` });
      field.value = (r.observation && r.observation.text) || "";
      const result = h("p", { id: `${id}-result`, className: "small", role: "status" });
      const form = h("form", {
        className: "observation", "data-report-type": r.reportType, "data-period": r.period,
        onsubmit: (e) => { e.preventDefault(); recordObservation(r, field, result); },
      }, h("label", { for: id }, `Observation for ${r.reportType} ${r.period}`), field,
      h("button", { type: "submit" }, "Record observation"), result);
      parts.push(form);
    } else {
      parts.push(h("p", {}, r.observationText));
    }
    parts.push(h("h4", { className: "small" }, "Evidence"), evidence);
    return h("li", { className: "card" }, parts);
  });
  return h("section", { id: "opsg-observations", "aria-label": "Observations by report and period" },
    h("h3", {}, "Observations by report and period"), h("ul", { className: "plain" }, items));
}

async function recordObservation(row, field, result) {
  result.textContent = "Recording…";
  field.removeAttribute("aria-invalid");
  try {
    const d = await session.api.query(M_OBSERVATION, { input: { reportType: row.reportType, period: row.period, text: field.value } });
    const payload = d.recordObservation;
    if (payload.errors.length) {
      field.setAttribute("aria-invalid", "true");
      result.textContent = payload.errors.map((e) => `${e.code}: ${e.message}`).join("; ");
      return;
    }
    announce(`Observation recorded for ${row.reportType} ${row.period}.`);
    await load(month.shown);
  } catch (e) {
    result.textContent = `${e.code || "ERROR"}: ${e.message}`;
  }
}

function renderDownloads(m) {
  replace($("#downloads"), "Download: ", FORMATS.map(([ext, name], i) => [
    i ? " · " : "",
    h("a", {
      href: `/api/v1/opsg-report/${m}.${ext}`, className: "download", "data-format": ext,
      download: `opsg-report-${m}.${ext}`,
      onclick: (e) => { e.preventDefault(); download(m, ext, e.currentTarget); },
    }, `${name} (.${ext})`)]));
}

async function download(m, ext, link) {
  const box = $("#download-error");
  replace(box);
  link.setAttribute("aria-busy", "true");
  try {
    const size = await session.api.download(`/api/v1/opsg-report/${m}.${ext}`, `opsg-report-${m}.${ext}`);
    announce(`Downloaded the OPSG table for ${m} as .${ext} (${fmtInt(size)} bytes).`);
  } catch (e) {
    errorBox(box, e, `The .${ext} download failed: `);
  } finally {
    link.removeAttribute("aria-busy");
  }
}

export function wire() {
  $("#month-form").addEventListener("submit", (e) => {
    e.preventDefault();
    load($("#month").value);
  });
  on("data-changed", reset);
}
