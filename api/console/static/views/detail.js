// One exception: its numbers, the submission's rows around it, the review actions the server offers, its history.

import { varianceGauge } from "../charts.js";
import { emit, on } from "../bus.js";
import { M_REVIEW, Q_DETAIL, S_SUBMISSION } from "../documents.js";
import { $, $$, h, replace } from "../dom.js";
import { announce, badge, errorBox, fmtDate, fmtDateTime, fmtInt, label, listed, plural } from "../format.js";
import { liveClient } from "../live.js";
import { labelOf, session, tbc, values } from "../session.js";

const ROWS_AROUND = 5;
const VALIDATING = ["RECEIVED", "VALIDATING"];

const detail = { selectedId: null, exception: null, showAllRows: false, watch: null };

// Which detail keys are the catalogue's figures, for the (TBC) mark.
const TBC_FIELD = { lower: "tolerance_lower_pct", upper: "tolerance_upper_pct" };

function detailValue(key, value) {
  if (value === null || value === undefined) return "–";
  if (typeof value === "number") {
    if (["ratio", "lower", "upper"].includes(key) || key.endsWith("_pct")) return `${value.toFixed(1)}%`;
    return fmtInt(value);
  }
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}T/.test(value)) return fmtDateTime(value);
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

const heading = (text = "Exception") => h("h2", { id: "detail-h", tabindex: "-1" }, text);

export function reset() {
  stopWatch();
  Object.assign(detail, { selectedId: null, exception: null, showAllRows: false });
  replace($("#detail"), h("h2", { id: "detail-h" }, "Exception"),
    h("p", { className: "muted" }, "Choose an exception in the list to see its numbers, the rows around it, its history and the actions open to you."));
}

async function open(id, { focus = true } = {}) {
  const sameOne = detail.selectedId === id;
  detail.selectedId = id;
  if (!sameOne) detail.showAllRows = false;
  const pane = $("#detail");
  if (!sameOne) replace(pane, h("h2", { id: "detail-h" }, "Exception"), h("p", { className: "muted" }, "Loading…"));
  try {
    const d = await session.api.query(Q_DETAIL, { id });
    if (!d.node) {
      replace(pane, heading(), h("p", { className: "error" }, "This exception is not visible to your key (or no longer exists)."));
      return;
    }
    render(d.node);
    if (focus) $("#detail-h").focus();
  } catch (e) {
    replace(pane, heading(), h("div", { className: "error", role: "alert" }));
    errorBox($("#detail .error"), e, "Could not load the exception: ");
  }
}

function render(ex, { result = null } = {}) {
  detail.exception = ex;
  const sub = ex.submission;
  const details = ex.details && typeof ex.details === "object" ? ex.details : {};
  const meta = [
    ["Report", `${ex.reportType.name} (${ex.reportType.code})`],
    ["Period", ex.period],
    ["SEC clause", ex.secClause ? `SEC ${ex.secClause}` : "–"],
    ["First flagged", fmtDateTime(ex.firstFlaggedAt)],
    ["Meeting", ex.meeting ? `${ex.meeting.reference} (${fmtDate(ex.meeting.heldOn)})` : "not on an agenda"],
  ];
  if (sub) {
    meta.push(["Submission", `${sub.filename || "(no file name)"} · ${label("SubmissionStatus", sub.status)}${sub.rowCount === null ? "" : ` · ${plural(sub.rowCount, "row")}`}`]);
    meta.push(["Received", `${fmtDateTime(sub.receivedAt)} · ${label("Delivery", sub.delivery)}${sub.dueAt ? ` (due ${fmtDateTime(sub.dueAt)})` : ""}`]);
  }
  const order = values("FindingDetail"); // the server's order, then any other key by name
  const rank = (k) => (order.includes(k) ? order.indexOf(k) : order.length);
  const numbers = Object.entries(details).sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
  const gauge = ["actual", "forecast", "ratio"].every((k) => typeof details[k] === "number") ? varianceGauge(details) : null;

  replace($("#detail"),
    heading(`${ex.ruleCode} · ${ex.subject}`),
    h("p", { className: "badges" }, badge("sev", "Severity", ex.severity), " ",
      badge("st", "ExceptionStatus", ex.status, `Status: ${label("ExceptionStatus", ex.status)}`)),
    h("p", { className: "message" }, ex.message),
    h("dl", { className: "meta" }, meta.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
    h("section", { "aria-labelledby": "numbers-h", className: "block" },
      h("h3", { id: "numbers-h" }, "The numbers"),
      numbers.length
        ? h("dl", { className: "numbers" }, numbers.map(([k, v]) => [h("dt", {}, labelOf("FindingDetail", k) || k), h("dd", {}, detailValue(k, v), TBC_FIELD[k] ? tbc(ex.reportType.code, TBC_FIELD[k]) : "")]))
        : h("p", { className: "muted" }, "No figures recorded for this finding."),
      gauge),
    reviewBlock(ex, result),
    rowsBlock(ex),
    historyBlock(ex));
  watch(sub);
}

function figures(d) {
  if (!d || typeof d !== "object") return "";
  const parts = [];
  if ("actual" in d) parts.push(`actual ${fmtInt(d.actual)}`);
  if ("forecast" in d) parts.push(`forecast ${fmtInt(d.forecast)}`);
  if (typeof d.ratio === "number") parts.push(`${d.ratio.toFixed(1)}%`);
  if ("column" in d) parts.push(`column ${d.column}`);
  if ("value" in d) parts.push(`value ${d.value}`);
  return parts.join(" · ");
}

function rowsBlock(ex) {
  const sub = ex.submission;
  const block = h("section", { "aria-labelledby": "rows-h", className: "block" }, h("h3", { id: "rows-h" }, "The submission's rows around it"));
  if (!sub) {
    block.append(h("p", { className: "muted" }, "No submission raised this exception (a missing report)."));
    return block;
  }
  const findings = sub.findings.edges.map((e) => e.node);
  const isThis = (f) => f.ruleCode === ex.ruleCode && f.subject === ex.subject;
  const sorted = [...findings].sort((a, b) => (a.row ?? Infinity) - (b.row ?? Infinity));
  let shown = sorted;
  const anchor = sorted.findIndex(isThis);
  if (!detail.showAllRows && sorted.length > 2 * ROWS_AROUND + 1 && anchor >= 0) {
    shown = sorted.slice(Math.max(0, anchor - ROWS_AROUND), anchor + ROWS_AROUND + 1);
  }
  block.append(h("p", { className: "muted small" },
    `${plural(sub.findings.totalCount, "finding")} in ${sub.filename || "the file"} (row = data row, header excluded).`
    + (shown.length < sorted.length ? ` Showing the ${shown.length} nearest this one.` : "")));
  block.append(h("div", { className: "table-wrap" }, h("table", { className: "rows" },
    h("caption", { className: "visually-hidden" }, "Findings of the submission, by row; this exception's row is marked"),
    h("thead", {}, h("tr", {}, ["Row", "Subject", "Rule", "Severity", "Figures"].map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, shown.map((f) => h("tr", { className: isThis(f) ? "this" : "", "aria-current": isThis(f) ? "true" : null },
      h("td", {}, f.row ?? "–"), h("th", { scope: "row" }, f.subject, isThis(f) ? h("span", { className: "visually-hidden" }, " (this exception)") : null),
      h("td", {}, f.ruleCode), h("td", {}, label("Severity", f.severity)), h("td", { title: f.message }, figures(f.details))))))));
  if (shown.length < sorted.length || detail.showAllRows) {
    block.append(h("button", {
      type: "button", className: "secondary small",
      onclick: () => { detail.showAllRows = !detail.showAllRows; render(detail.exception); $("#rows-h").scrollIntoView(); },
    }, detail.showAllRows ? "Show only the rows around it" : `Show all ${sorted.length} findings`));
  }
  if (sub.findings.totalCount > findings.length) {
    block.append(h("p", { className: "muted small" }, `The first ${findings.length} of ${fmtInt(sub.findings.totalCount)} findings are shown.`));
  }
  return block;
}

function historyBlock(ex) {
  return h("section", { "aria-labelledby": "history-h", className: "block" },
    h("h3", { id: "history-h" }, "History"),
    h("ol", { className: "history", id: "history" }, ex.history.map((e) => h("li", {},
      h("p", {}, h("time", { datetime: e.at }, fmtDateTime(e.at)), " · ", h("strong", { className: "h-action" }, e.action),
        " by ", h("span", { className: "h-actor" }, e.actor),
        e.fromStatus || e.toStatus ? h("span", { className: "h-move" }, ` · ${e.fromStatus || "–"} → ${e.toStatus || "–"}`) : null),
      e.comment ? h("blockquote", { className: "h-comment" }, e.comment) : null))));
}

function reviewBlock(ex, result) {
  // The actions the server lists for this key and status (docs/domain.md, "Roles"); it stays the judge when acting.
  const options = ex.availableActions || [];
  const needing = options.filter((o) => o.commentRequired).map((o) => label("ReviewAction", o.action));
  const form = h("form", { className: "review", id: "review-form", novalidate: true, onsubmit: (e) => e.preventDefault() });
  form.append(
    h("label", { for: "review-comment" }, "Comment ", needing.length ? h("span", { className: "muted small" }, `(required for ${listed(needing)})`) : null),
    h("textarea", { id: "review-comment", rows: "3", "aria-describedby": "review-errors" }),
  );
  if (session.meetings.length) {
    form.append(h("label", { for: "review-meeting" }, "Put on the agenda of ", h("span", { className: "muted small" }, "(optional)")),
      h("select", { id: "review-meeting" }, h("option", { value: "" }, "no meeting"),
        session.meetings.map((m) => h("option", { value: m.id, selected: ex.meeting && ex.meeting.id === m.id }, `${m.reference} · ${fmtDate(m.heldOn)}`))));
  }
  form.append(h("div", { className: "actions", role: "group", "aria-label": "Actions open on this exception" },
    options.map(({ action: a }) => h("button", {
      type: "button", className: a === "COMMENT" ? "secondary" : a === "ESCALATE" ? "warn" : "", "data-action": a,
      onclick: () => act(ex, a),
    }, label("ReviewAction", a)))));
  form.append(h("div", { id: "review-errors", className: "error", role: "alert" }));
  form.append(h("p", { id: "review-result", className: "ok", tabindex: "-1", role: "status" }, result || ""));
  return h("section", { "aria-labelledby": "review-h", className: "block" }, h("h3", { id: "review-h" }, "Review"), form);
}

// Someone else acted meanwhile: show the exception as it is now, keeping what was typed.
async function refresh(ex, comment) {
  const d = await session.api.query(Q_DETAIL, { id: ex.id });
  if (!d.node) return;
  render(d.node);
  emit("exception-changed", { exception: d.node });
  $("#review-comment").value = comment;
}

async function act(ex, action) {
  const comment = $("#review-comment").value.trim();
  const meeting = $("#review-meeting");
  const errors = $("#review-errors");
  replace(errors);
  $("#review-result").textContent = "";
  $("#review-comment").removeAttribute("aria-invalid");
  const option = (ex.availableActions || []).find((o) => o.action === action);
  if (option && option.commentRequired && !comment) {
    replace(errors, h("p", {}, `${label("ReviewAction", action)} needs a comment saying why.`));
    $("#review-comment").setAttribute("aria-invalid", "true");
    $("#review-comment").focus();
    return;
  }
  const buttons = $$("#review-form button");
  for (const b of buttons) b.disabled = true;
  try {
    const d = await session.api.query(M_REVIEW, {
      id: ex.id, action, comment: comment || null, meetingId: meeting && meeting.value ? meeting.value : null,
    });
    const payload = d.reviewException;
    if (payload.errors.length) {
      const stale = payload.errors.some((e) => e.code === "ILLEGAL_TRANSITION" || e.code === "CONFLICT");
      if (stale) await refresh(ex, comment);
      replace($("#review-errors"), h("ul", {}, payload.errors.map((e) => h("li", {}, h("strong", {}, e.code), `: ${e.message}`, e.field ? ` (${e.field})` : ""))),
        stale ? h("p", {}, `The exception changed while you were looking at it; it is now ${label("ExceptionStatus", detail.exception.status)}.`) : null);
      if (payload.errors.some((e) => e.field === "comment")) $("#review-comment").setAttribute("aria-invalid", "true");
      for (const b of $$("#review-form button")) b.disabled = false;
      $("#review-comment").focus();
      return;
    }
    const updated = payload.exception;
    const message = `${label("ReviewAction", action, { done: true })}. Status: ${label("ExceptionStatus", updated.status)}.`;
    render(updated, { result: message });
    emit("exception-changed", { exception: updated });
    $("#review-result").focus();
    announce(message);
    emit("data-changed");
  } catch (e) {
    errorBox(errors, e);
    for (const b of buttons) b.disabled = false;
  }
}

// While a submission is still being validated, follow it (submissionUpdated) and refresh the detail when it ends.
function watch(sub) {
  if (detail.watch && detail.watch.id === (sub && sub.id)) return;
  stopWatch();
  const live = liveClient();
  if (!sub || !VALIDATING.includes(sub.status) || !live) return;
  const stop = live.subscribe(S_SUBMISSION, { id: sub.id }, {
    next: (p) => {
      const s = p.data && p.data.submissionUpdated;
      if (s && !VALIDATING.includes(s.status) && detail.selectedId) open(detail.selectedId, { focus: false });
    },
    error: () => {},
    complete: () => {},
  });
  detail.watch = { id: sub.id, stop };
}

function stopWatch() {
  if (detail.watch) detail.watch.stop();
  detail.watch = null;
}

export function wire() {
  on("open-exception", ({ id }) => open(id));
  on("exception-flagged", ({ exception }) => {
    if (detail.selectedId === exception.id) open(exception.id, { focus: false });
  });
  on("live-connected", () => { if (detail.exception) watch(detail.exception.submission); });
}
