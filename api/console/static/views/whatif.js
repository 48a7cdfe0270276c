// The catalogue and the what-if beside it: try a tolerance band, a due rule or a service level over past months, see
// the months it would change, then make it with amendReportType (the server refuses those who may not).

import { M_AMEND_REPORT_TYPE, Q_CATALOGUE_TABLE, Q_WHAT_IF } from "../documents.js";
import { $, h, replace } from "../dom.js";
import { session } from "../session.js";

let tried = null;

function problem(err) {
  return h("div", { className: "error", role: "alert" }, h("p", {}, h("strong", {}, err.code), `: ${err.message}`));
}

function change() {
  const c = {};
  for (const [name, id] of [["toleranceLowerPct", "#wi-lower"], ["toleranceUpperPct", "#wi-upper"], ["dueWorkingDays", "#wi-due"]]) {
    const v = $(id).value.trim();
    if (v) c[name] = name === "dueWorkingDays" ? parseInt(v, 10) : parseFloat(v);
  }
  return c;
}

function findings(list, what) {
  if (!list.length) return "–";
  return h("ul", { className: "small" }, list.map((f) => h("li", {},
    `${f.ruleCode} · ${f.subject} · ${f.was ? `${f.was} → ` : ""}${f.severity}${f.raisesException ? " (exception)" : ""}`,
    what === "cleared" && f.exception ? ` · today ${f.exception.status}` : "")));
}

function renderCatalogue(types) {
  return h("div", { className: "table-wrap" }, h("table", { id: "catalogue-table" },
    h("caption", {}, "The report catalogue as it stands"),
    h("thead", {}, h("tr", {}, ["Report", "Version", "Lower %", "Upper %", "Due (Working Day)"].map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, types.map((t) => h("tr", {}, h("th", { scope: "row" }, `${t.name} (${t.code})`), h("td", {}, t.version),
      h("td", {}, t.toleranceLowerPct ?? "–"), h("td", {}, t.toleranceUpperPct ?? "–"), h("td", {}, t.dueWorkingDays ?? "none"))))));
}

function renderResult(w) {
  const changed = w.periods.filter((p) => p.added.length || p.cleared.length || p.changed.length);
  const rows = w.periods.map((p) => h("tr", { "data-period": p.period },
    h("th", { scope: "row" }, p.period), h("td", {}, `${p.statusToday} → ${p.statusWouldBe}`),
    h("td", {}, findings(p.added, "added")), h("td", {}, findings(p.cleared, "cleared")), h("td", {}, findings(p.changed, "changed"))));
  return [
    h("p", { id: "whatif-summary", role: "status" }, `${w.reportType}, catalogue version ${w.catalogueVersion}: `
      + `${changed.length} of ${w.periods.length} month(s) would change (${changed.map((p) => p.period).join(", ") || "none"}). `
      + `Cost: ${w.cost.periods} file(s), ${w.cost.findings} findings compared, ${w.cost.milliseconds} ms. Nothing was stored.`),
    h("div", { className: "table-wrap" }, h("table", { id: "whatif-table" },
      h("caption", { className: "visually-hidden" }, "What the change would do, month by month"),
      h("thead", {}, h("tr", {}, ["Period", "Status", "Added", "Cleared", "Changed"].map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", {}, rows))),
    h("p", {}, h("button", { type: "button", id: "whatif-amend", onclick: amend }, "Amend the catalogue with this change")),
    h("div", { id: "whatif-amended", role: "status" }),
  ];
}

async function amend() {
  const out = $("#whatif-amended");
  const d = await session.api.query(M_AMEND_REPORT_TYPE, { input: { code: tried.reportType, ...tried.change } });
  const done = d.amendReportType;
  if (done.errors.length) return replace(out, problem(done.errors[0]));
  replace(out, h("p", { className: "ok" }, `${done.reportType.code} is now at version ${done.reportType.version}.`));
  replace($("#catalogue"), renderCatalogue((await session.api.query(Q_CATALOGUE_TABLE)).reportTypes));
}

async function tryIt(e) {
  e.preventDefault();
  const out = $("#whatif-result");
  tried = { reportType: $("#wi-report").value, change: change() };
  replace(out, h("p", { className: "muted" }, "Re-running the stored files…"));
  const variables = { reportType: tried.reportType, from: $("#wi-from").value, to: $("#wi-to").value, change: tried.change };
  // A what-if takes the heavy lane: when it is busy the server says so (UNAVAILABLE) and it is tried again shortly.
  for (let attempt = 1; ; attempt += 1) {
    try {
      const d = await session.api.query(Q_WHAT_IF, variables);
      replace(out, renderResult(d.whatIf));
      return;
    } catch (err) {
      if (err.code !== "UNAVAILABLE" || attempt >= 4) {
        replace(out, problem(err));
        return;
      }
      replace(out, h("p", { className: "muted" }, "The server is busy with other expensive queries; trying again…"));
      await new Promise((resolve) => setTimeout(resolve, 2000 * attempt));
    }
  }
}

export async function show() {
  try {
    const { reportTypes } = await session.api.query(Q_CATALOGUE_TABLE);
    replace($("#catalogue"), renderCatalogue(reportTypes));
    const select = $("#wi-report");
    if (!select.options.length) replace(select, reportTypes.map((t) => h("option", { value: t.code }, `${t.name} (${t.code})`)));
  } catch (err) {
    replace($("#catalogue"), problem(err));
  }
}

export function reset() {
  tried = null;
  replace($("#wi-report"));
  replace($("#whatif-result"));
}

export function wire() {
  $("#whatif-form").addEventListener("submit", tryIt);
}
