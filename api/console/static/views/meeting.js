// The Operations Group's meeting: the month's table recorded at a meeting (rows noted with their observations,
// exceptions discussed with their outcome, follow-ups asked for), and the follow-ups still open, closed with a comment.
// The server decides who may record or close (errors come back in the payload); the console keeps no role list.

import { M_CLOSE_FOLLOW_UP, M_RECORD_MEETING, Q_FOLLOW_UPS, Q_MEETING_MONTH, Q_MEETINGS } from "../documents.js";
import { $, h, replace } from "../dom.js";
import { session } from "../session.js";

// The outcomes a meeting may give an exception; the review rules behind them are the server's.
const OUTCOMES = [["", "Noted"], ["ACKNOWLEDGE", "Acknowledged"], ["RESOLVE", "Resolved"], ["ESCALATE", "Escalated to the Panel"],
  ["WAIVE", "Waived"], ["COMMENT", "Commented"]];

function errors(list) {
  return h("div", { className: "error", role: "alert" }, h("ul", {},
    list.map((e) => h("li", {}, h("strong", {}, e.code), e.field ? ` (${e.field})` : "", `: ${e.message}`))));
}

function field(label, input) {
  return h("label", { className: "field" }, h("span", {}, label), input);
}

function followUpRow(concerns) {
  const row = h("fieldset", { className: "follow-up card" },
    h("legend", {}, "Follow-up"),
    field("What is asked for", h("input", { name: "text", required: true, size: 50 })),
    field("Owner (DCC, SECAS or a Party's ID)", h("input", { name: "owner", value: "DCC", size: 12 })),
    field("Due", h("input", { name: "due", type: "date", required: true })),
    field("Concerns", h("select", { name: "concerns" }, concerns.map((c) => h("option", { value: c }, c.replace("|", " "))))),
    h("button", { type: "button", className: "secondary", onclick: () => row.remove() }, "Remove"));
  return row;
}

function readForm(form, report) {
  const rows = report.rows.filter((r) => r.period).map((r) => ({
    reportType: r.reportType, period: r.period,
    observation: form.elements[`obs-${r.reportType}-${r.period}`].value,
  }));
  const exceptions = [...form.querySelectorAll("[data-exception]")].map((box) => {
    const action = box.querySelector("select").value;
    const comment = box.querySelector("input").value.trim();
    return { id: box.dataset.exception, action: action || null, comment: comment || null };
  });
  const followUps = [...form.querySelectorAll(".follow-up")].map((box) => {
    const [reportType, period] = box.querySelector("[name=concerns]").value.split("|");
    return {
      text: box.querySelector("[name=text]").value, owner: box.querySelector("[name=owner]").value,
      due: box.querySelector("[name=due]").value, reportType, period,
    };
  });
  return { meetingId: form.elements.meeting.value, month: report.month, rows, exceptions, followUps };
}

function renderForm(report, meetings) {
  const held = meetings.filter((m) => m.heldOn.startsWith(report.month));
  const concerns = report.rows.filter((r) => r.period).map((r) => `${r.reportType}|${r.period}`);
  const result = h("div", { id: "meeting-result", role: "status" });
  const asked = h("div", { id: "meeting-follow-ups" });
  const form = h("form", { id: "meeting-form", "aria-label": "Record the meeting" },
    field("Meeting", h("select", { name: "meeting", id: "meeting-select" },
      held.map((m) => h("option", { value: m.id, selected: report.meeting && report.meeting.id === m.id }, `${m.reference} (${m.heldOn})`)))),
    held.length ? null : h("p", { className: "muted" }, "No OPSG meeting is recorded in this month."),
    h("h3", {}, "Rows noted"),
    report.rows.filter((r) => r.period).map((r) => h("div", { className: "card meeting-row" },
      h("p", {}, h("strong", {}, r.report)),
      field("Observation", h("textarea", { name: `obs-${r.reportType}-${r.period}`, rows: 2, cols: 60 }, r.observation ? r.observation.text : "")),
      r.exceptions.map((e) => h("div", { className: "meeting-exception", "data-exception": e.id },
        h("span", {}, `${e.ruleCode} · ${e.subject} · ${e.status}`),
        h("select", { "aria-label": `Outcome for ${e.ruleCode} ${e.subject}` }, OUTCOMES.map(([v, label]) => h("option", { value: v }, label))),
        h("input", { "aria-label": `Comment for ${e.ruleCode} ${e.subject}`, placeholder: "Comment", size: 30 }))))),
    h("h3", {}, "Follow-ups asked for"), asked,
    h("p", {}, h("button", { type: "button", className: "secondary", id: "add-follow-up",
      onclick: () => asked.append(followUpRow(concerns)) }, "Add a follow-up")),
    h("p", {}, h("button", { type: "submit", id: "record-meeting" }, "Record the meeting")), result);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    replace(result, h("p", { className: "muted" }, "Recording…"));
    try {
      const d = await session.api.query(M_RECORD_MEETING, { input: readForm(form, report) });
      const done = d.recordMeetingOutcome;
      if (done.errors.length) return replace(result, h("p", {}, "Nothing was recorded:"), errors(done.errors));
      // The table is loaded again (heading, carried follow-ups); the confirmation stays above the form.
      load(report.month, { keep: h("p", { id: "meeting-recorded", className: "ok", role: "status" },
        `Recorded at ${done.meeting.reference}: ${done.exceptions.length} exception(s), `
        + `follow-ups ${done.followUps.map((f) => f.reference).join(", ") || "none"}.`) });
    } catch (err) {
      replace(result, errors([{ code: err.code, message: err.message }]));
    }
  });
  return form;
}

function followUpItem(f) {
  const comment = h("input", { "aria-label": `Closing comment for ${f.reference}`, placeholder: "How it was done", size: 30 });
  const said = h("span", { role: "status" });
  const open = f.status !== "CLOSED";
  return h("li", { "data-follow-up": f.reference },
    h("strong", {}, f.reference), ` · ${f.ownerName} · due ${f.due} · `, h("span", { className: `badge st-${f.status}` }, f.status),
    ` · ${f.text}`, f.reportType ? ` (${f.reportType} ${f.period})` : "",
    f.closingComment ? h("span", { className: "muted" }, ` · closed: ${f.closingComment}`) : "",
    open ? h("span", {}, " ", comment, h("button", { type: "button", className: "secondary", onclick: async () => {
      const d = await session.api.query(M_CLOSE_FOLLOW_UP, { id: f.id, comment: comment.value });
      const done = d.closeFollowUp;
      if (done.errors.length) replace(said, errors(done.errors));
      else load($("#meeting-month").value);
    } }, "Close"), said) : "");
}

// Each load is numbered: an earlier one answering after a later one (another month chosen meanwhile) is dropped.
let loads = 0;

export async function load(month, { keep = null } = {}) {
  const box = $("#meeting");
  const mine = ++loads;
  replace(box, h("p", { className: "muted" }, "Loading…"));
  try {
    const [d, listed, open] = await Promise.all([
      session.api.query(Q_MEETING_MONTH, { month }), session.api.query(Q_MEETINGS), session.api.query(Q_FOLLOW_UPS)]);
    if (mine !== loads) return;
    const meetings = listed.bodies.filter((b) => b.code === "OPSG").flatMap((b) => b.meetings.edges.map((e) => e.node));
    const report = d.opsgReport;
    replace(box,
      h("p", { id: "meeting-heading" }, report.heading),
      h("section", { className: "card", "aria-labelledby": "carried-h" }, h("h2", { id: "carried-h" }, "Follow-ups this month's table carries"),
        report.followUps.length ? h("ul", { id: "carried" }, report.followUps.map(followUpItem)) : h("p", { className: "muted" }, "None.")),
      h("section", { className: "card", "aria-labelledby": "record-h" }, h("h2", { id: "record-h" }, "Record the meeting"),
        keep, renderForm(report, meetings)),
      h("section", { className: "card", "aria-labelledby": "all-fu-h" }, h("h2", { id: "all-fu-h" }, `All follow-ups (${open.followUps.totalCount})`),
        h("ul", {}, open.followUps.edges.map((e) => followUpItem(e.node)))));
  } catch (err) {
    if (mine === loads) replace(box, errors([{ code: err.code, message: err.message }]));
  }
}

// Shown by the console's view switch: the month chosen there, or the OPSG table's month.
export function show() {
  const input = $("#meeting-month");
  if (!input.value) input.value = $("#month").value;
  load(input.value);
}

export function reset() {
  $("#meeting-month").value = "";
  replace($("#meeting"));
}

export function wire() {
  $("#meeting-month-form").addEventListener("submit", (e) => {
    e.preventDefault();
    load($("#meeting-month").value);
  });
}
