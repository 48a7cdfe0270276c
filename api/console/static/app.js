// The Operations Group's console: sign in with a key, work the exception queue, see the month, watch it live.
// Uses only the public GraphQL API (and the OPSG table downloads), like any other front end.

import { Api, ApiError, LiveClient } from "./gql.js";
import { fmtInt, groupedBars, horizontalBars, stackedBars, varianceGauge } from "./charts.js";
import { $, $$, h, replace } from "./dom.js";
import { show as showMeeting } from "./meeting.js";
import { show as showWhatIf } from "./whatif.js";

// Views of their own modules: shown with the signed-in client.
const MODULE_VIEWS = { meeting: showMeeting, whatif: showWhatIf };

const KEY_STORE = "secgov.console.key";
const PAGE = 25;
const POLL_MS = 10_000;
const RECONNECT_MS = 30_000;

const ACTION_LABEL = {
  ACKNOWLEDGE: "Acknowledge", RESOLVE: "Resolve", WAIVE: "Waive", ESCALATE: "Escalate to the Panel",
  REOPEN: "Reopen", COMMENT: "Comment",
};
const DONE_LABEL = {
  ACKNOWLEDGE: "Acknowledged", RESOLVE: "Resolved", WAIVE: "Waived", ESCALATE: "Escalated", REOPEN: "Reopened",
  COMMENT: "Comment added",
};
const STATUSES = ["OPEN", "ACKNOWLEDGED", "ESCALATED", "RESOLVED", "WAIVED"];
const DELIVERY = {
  ON_TIME: "On time", LATE: "Late", MISSING: "Missing", NOT_YET_DUE: "Not yet due", NOT_DUE: "Not due this month",
  NO_DEADLINE: "No deadline",
};
const CATEGORY = {
  LARGE_SUPPLIER: "Large Supplier", SMALL_SUPPLIER: "Small Supplier", ELECTRICITY_NETWORK: "Electricity Network",
  GAS_NETWORK: "Gas Network", OTHER_SEC_PARTY: "Other SEC Party", DCC: "DCC",
};

const QUEUE_FIELDS = `id ruleCode severity status subject message period firstFlaggedAt reportType { code name }`;
// availableActions: the review actions the server allows this key on the exception as it stands (no copy of the
// review rules here).
const DETAIL_FIELDS = `${QUEUE_FIELDS} secClause details availableActions { action commentRequired }
  meeting { id reference heldOn }
  submission { id period receivedAt dueAt delivery status filename rowCount
    findings(first: 100) { totalCount edges { node { ruleCode severity subject message row details secClause } } } }
  history { at actor action fromStatus toStatus comment }`;

const Q_PROBE = `query Probe { exceptions(first: 1) { totalCount } }`;
const Q_VIEWER = `query Viewer { viewer { role bodies } }`;
const Q_OPSG_PROBE = `query OpsgProbe($month: String!) { opsgReport(month: $month) { month } }`;
const Q_SETUP = `query Setup {
  reportTypes { code name secClause toleranceLowerPct toleranceUpperPct toBeConfirmed }
  reportSubmissions(first: 100) { edges { node { period receivedAt } } }
  bodies { code name meetings(first: 20) { edges { node { id reference heldOn } } } } }`;
const Q_QUEUE = `query Queue($filter: ExceptionFilter, $first: Int, $after: String) {
  exceptions(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { ${QUEUE_FIELDS} } } } }`;
const Q_DETAIL = `query Detail($id: ID!) { node(id: $id) { ... on ReportException { ${DETAIL_FIELDS} } } }`;
const M_REVIEW = `mutation Review($id: ID!, $action: ReviewAction!, $comment: String, $meetingId: ID) {
  reviewException(id: $id, action: $action, comment: $comment, meetingId: $meetingId) {
    exception { ${DETAIL_FIELDS} } errors { code message field } } }`;
const S_FLAGGED = `subscription Flagged($reportType: String) { exceptionFlagged(reportType: $reportType) { ${QUEUE_FIELDS} } }`;
const S_SUBMISSION = `subscription Sub($id: ID!) { submissionUpdated(id: $id) { id status } }`;
const Q_POLL = `query Poll {
  recent: reportSubmissions(first: 20) { edges { node { id status exceptions(first: 100) { edges { node { ${QUEUE_FIELDS} } } } } } }
  missing: exceptions(filter: { ruleCode: "MISSING_REPORT" }, first: 100) { edges { node { ${QUEUE_FIELDS} } } } }`;
const Q_CALENDAR = `query Calendar($month: String!) { reportingCalendar(month: $month) {
  reportType period dueAt delivery submission { id status receivedAt filename } } }`;
const Q_OPSG = `query Opsg($month: String!) { opsgReport(month: $month) {
  month heading tableRows { reportType report periods deliveryText content observationText }
  rows { reportType period delivery observationText observation { text recordedBy recordedAt }
    exceptions { id ruleCode subject severity status } } } }`;
const M_OBSERVATION = `mutation RecordObservation($input: RecordObservationInput!) { recordObservation(input: $input) {
  observation { text recordedBy recordedAt } errors { code message field } } }`;
// Who may record the Operations Group's observations.
const OBSERVERS = new Set(["opsg", "secas", "admin"]);
const Q_VARIANCE = `query Variance($code: String!) {
  subs: reportSubmissions(filter: { reportType: $code }, first: 100) { edges { node { id period status receivedAt } } }
  above: exceptions(filter: { reportType: $code, ruleCode: "VARIANCE_ABOVE_TOLERANCE" }, first: 100) {
    edges { node { period subject details submission { id } } } }
  below: exceptions(filter: { reportType: $code, ruleCode: "VARIANCE_BELOW_TOLERANCE" }, first: 100) {
    edges { node { period subject details submission { id } } } } }`;
const Q_STATUS_HISTORY = `query StatusHistory($after: String) { exceptions(first: 100, after: $after) {
  pageInfo { hasNextPage endCursor } edges { node { id status firstFlaggedAt history { at toStatus } } } } }`;
const Q_MEMBERSHIP = `query Membership($from: String!, $to: String!) { membershipStatistics(fromMonth: $from, toMonth: $to) {
  month votingGroupsAtMonthEnd votingGroupsByCategory { category count } } }`;

const state = {
  api: null,
  key: null,
  reportTypes: [],
  meetings: [],
  filter: {},
  items: [],
  byId: new Map(),
  cursor: null,
  hasNext: false,
  total: 0,
  selectedId: null,
  detail: null,
  showAllRows: false,
  seen: new Set(),
  live: null,
  pollTimer: null,
  reconnectTimer: null,
  polledOnce: false,
  submissionWatch: null,
  view: "queue",
  chartsLoaded: false,
  month: null,
  monthLoaded: false,
};

// ---------------------------------------------------------------------------------------------------- formatting

// Times as the SEC counts them: UK time (GMT or BST).
const dateTime = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone: "Europe/London" });
const dateOnly = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "Europe/London" });
const fmtDateTime = (iso) => (iso ? dateTime.format(new Date(iso)) : "–");
const fmtDate = (iso) => (iso ? dateOnly.format(new Date(iso)) : "–");
const plural = (n, one, many = `${one}s`) => `${fmtInt(n)} ${n === 1 ? one : many}`;

function age(iso) {
  const s = Math.max(0, (Date.now() - new Date(iso).getTime()) / 1000);
  if (s < 90) return "just now";
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  if (s < 129600) return `${Math.round(s / 3600)} h ago`;
  if (s < 86400 * 60) return `${Math.round(s / 86400)} days ago`;
  return `${Math.round(s / (86400 * 30.4))} months ago`;
}

const titleCase = (s) => (s ? s.charAt(0) + s.slice(1).toLowerCase().replaceAll("_", " ") : "");

function badge(kind, value, label) {
  return h("span", { className: `badge ${kind}-${value}` }, label || titleCase(value));
}

// A catalogue value the papers do not state is shown as such.
const TBC_FIELD = { lower: "tolerance_lower_pct", upper: "tolerance_upper_pct" };
function tbc(code, field) {
  const t = (state.reportTypes || []).find((r) => r.code === code);
  return t && (t.toBeConfirmed || []).includes(field) ? " (TBC)" : "";
}

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

const DETAIL_LABEL = {
  actual: "Actual", forecast: "Forecast", ratio: "Actual as % of forecast", lower: "Tolerance, lower",
  upper: "Tolerance, upper", due_at: "Due", received_at: "Received", column: "Column", value: "Value",
  target_pct: "Target", minimum_pct: "Minimum", actual_pct: "Achieved",
};

function announce(text) {
  const a = $("#announcer");
  a.textContent = "";
  setTimeout(() => { a.textContent = text; }, 50);
}

function errorBox(node, err, prefix = "") {
  if (!err) {
    replace(node);
    return;
  }
  const code = err.code || "ERROR";
  replace(node, h("p", {}, prefix, h("strong", {}, code), ": ", err.message));
}

// ---------------------------------------------------------------------------------------------------- sign in

async function signIn(key, { restoring = false } = {}) {
  const api = new Api(key);
  const box = $("#signin-error");
  replace(box);
  $("#sign-in").disabled = true;
  try {
    const probe = await api.query(Q_PROBE);
    state.api = api;
    state.key = key;
    state.signedInAt = Date.now();
    sessionStorage.setItem(KEY_STORE, key);
    await describeRole(api, probe.exceptions.totalCount);
  } catch (e) {
    if (restoring) sessionStorage.removeItem(KEY_STORE);
    replace(box, h("p", {}, h("strong", {}, e.code || "ERROR"), ": ", e.message));
    $("#api-key").setAttribute("aria-invalid", "true");
    $("#api-key").focus();
    return false;
  } finally {
    $("#sign-in").disabled = false;
  }
  $("#api-key").value = "";
  $("#api-key").removeAttribute("aria-invalid");
  $("#view-signin").hidden = true;
  $("#session").hidden = false;
  $("#nav").hidden = false;
  $("#session-key").textContent = `…${key.slice(-4)}`;
  await setup();
  showView(location.hash.slice(1) || "queue", { focus: !restoring });
  await loadQueue();
  startLive();
  return true;
}

// The role is the server's word (viewer); whether the OPSG table opens is asked of the table itself.
async function describeRole(api, visible) {
  const { viewer } = await api.query(Q_VIEWER);
  let opsg = "unknown";
  try {
    await api.query(Q_OPSG_PROBE, { month: new Date().toISOString().slice(0, 7) });
    opsg = "yes";
  } catch (e) {
    opsg = e.code === "GRAPHQL_VALIDATION_FAILED" ? "unknown" : "no";
  }
  state.role = viewer.role;
  $("#session-role").textContent = viewer.role;
  const access = [
    `bodies: ${viewer.bodies.length ? viewer.bodies.join(", ") : "none"}`,
    `exceptions: ${visible > 0 ? `${fmtInt(visible)} visible` : "none visible"}`,
    `OPSG table: ${opsg === "yes" ? "allowed" : opsg === "no" ? "not allowed" : "not available on this server"}`,
  ];
  $("#session-access").textContent = `Access: ${access.join(" · ")}`;
  const note = visible === 0
    ? " No exceptions are visible to this key: either there are none, or its role (public, party) may not read them."
    : "";
  $("#session-access").title = note.trim();
}

function signOut() {
  sessionStorage.removeItem(KEY_STORE);
  stopLive();
  Object.assign(state, {
    api: null, key: null, items: [], byId: new Map(), cursor: null, hasNext: false, total: 0, selectedId: null,
    detail: null, seen: new Set(), polledOnce: false, chartsLoaded: false,
  });
  replace($("#queue-list"));
  resetDetail();
  $("#session").hidden = true;
  $("#nav").hidden = true;
  for (const v of $$(".view")) v.hidden = true;
  $("#view-signin").hidden = false;
  history.replaceState(null, "", location.pathname);
  $("#api-key").focus();
  announce("Signed out.");
}

async function setup() {
  try {
    const d = await state.api.query(Q_SETUP);
    state.reportTypes = d.reportTypes;
    const select = $("#f-report");
    replace(select, h("option", { value: "" }, "Any report"),
      d.reportTypes.map((t) => h("option", { value: t.code }, `${t.name} (${t.code})`)));
    const periods = [...new Set(d.reportSubmissions.edges.map((e) => e.node.period))].sort().reverse();
    replace($("#periods"), periods.map((p) => h("option", { value: p })));
    state.meetings = d.bodies.filter((b) => b.code === "OPSG" || b.code === "PANEL")
      .flatMap((b) => b.meetings.edges.map((e) => ({ ...e.node, body: b.code })));
    const latest = d.reportSubmissions.edges.map((e) => e.node.receivedAt).sort().pop();
    $("#month").value = state.month || (latest ? latest.slice(0, 7) : new Date().toISOString().slice(0, 7));
  } catch (e) {
    errorBox($("#queue-error"), e, "Could not load the report catalogue: ");
  }
}

// ---------------------------------------------------------------------------------------------------- views

function showView(name, { focus = true } = {}) {
  const views = ["queue", "month", "charts", ...Object.keys(MODULE_VIEWS)];
  if (!views.includes(name)) name = "queue";
  state.view = name;
  for (const v of views) $(`#view-${v}`).hidden = v !== name;
  if (MODULE_VIEWS[name]) MODULE_VIEWS[name](state.api);
  for (const a of $$("#nav a")) {
    if (a.dataset.view === name) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  if (location.hash.slice(1) !== name) history.replaceState(null, "", `#${name}`);
  if (name === "month" && !state.monthLoaded) loadMonth($("#month").value);
  if (name === "charts" && !state.chartsLoaded) loadCharts();
  if (focus) {
    const heading = $(`#${name}-h`);
    heading.setAttribute("tabindex", "-1");
    heading.focus();
  }
}

// ---------------------------------------------------------------------------------------------------- the queue

function readFilter() {
  const f = {};
  for (const [name, sel] of [["reportType", "#f-report"], ["period", "#f-period"], ["severity", "#f-severity"], ["status", "#f-status"]]) {
    const v = $(sel).value.trim();
    if (v) f[name] = v;
  }
  return f;
}

function matchesFilter(ex, f = state.filter) {
  return (!f.reportType || ex.reportType.code === f.reportType) && (!f.period || ex.period === f.period)
    && (!f.severity || ex.severity === f.severity) && (!f.status || ex.status === f.status);
}

async function loadQueue({ append = false } = {}) {
  const box = $("#queue-error");
  replace(box);
  if (!append) {
    state.filter = readFilter();
    $("#queue-count").textContent = "Loading…";
  }
  const more = $("#load-more");
  more.disabled = true;
  try {
    const d = await state.api.query(Q_QUEUE, { filter: state.filter, first: PAGE, after: append ? state.cursor : null });
    const conn = d.exceptions;
    const nodes = conn.edges.map((e) => e.node);
    if (!append) {
      state.items = [];
      state.byId = new Map();
    }
    for (const n of nodes) {
      if (state.byId.has(n.id)) continue;
      state.items.push(n);
      state.byId.set(n.id, n);
      state.seen.add(n.id);
    }
    state.cursor = conn.pageInfo.endCursor;
    state.hasNext = conn.pageInfo.hasNextPage;
    state.total = conn.totalCount;
    renderQueue();
    if (append && nodes.length) {
      const first = $(`#queue-list [data-id="${CSS.escape(nodes[0].id)}"]`);
      if (first) first.focus();
    }
  } catch (e) {
    errorBox(box, e, "Could not load exceptions: ");
    $("#queue-count").textContent = "";
  } finally {
    more.disabled = false;
  }
}

function queueItem(ex) {
  const selected = ex.id === state.selectedId;
  return h("li", { className: ex._new ? "is-new" : "" },
    h("button", {
      type: "button", className: `q-item sev-${ex.severity}`, "data-id": ex.id, "aria-current": selected ? "true" : "false",
      "aria-controls": "detail",
    },
    // Spaces between the parts, so that the button's accessible name (and its text) reads as words.
    h("span", { className: "q-top" }, badge("sev", ex.severity), " ", badge("st", ex.status), " ",
      ex._new ? [h("span", { className: "badge new" }, "New"), " "] : null,
      h("span", { className: "q-rule" }, ex.ruleCode)), " ",
    h("span", { className: "q-subject" }, ex.subject), " ",
    h("span", { className: "q-meta" }, `${ex.reportType.code} · ${ex.period} · flagged `,
      h("time", { datetime: ex.firstFlaggedAt, title: fmtDateTime(ex.firstFlaggedAt) }, age(ex.firstFlaggedAt))), " ",
    h("span", { className: "q-msg" }, ex.message)));
}

function renderQueue() {
  const list = $("#queue-list");
  replace(list, state.items.map(queueItem));
  if (!state.items.length) list.append(h("li", { className: "empty muted" }, "No exceptions match these filters."));
  const shown = state.items.length;
  const filtered = Object.keys(state.filter).length ? " matching the filters" : "";
  $("#queue-count").textContent = `${fmtInt(shown)} of ${fmtInt(Math.max(state.total, shown))} exceptions${filtered}.`;
  $("#load-more").hidden = !state.hasNext;
}

function updateQueueItem(ex) {
  const old = state.byId.get(ex.id);
  if (!old) return;
  Object.assign(old, {
    status: ex.status, severity: ex.severity, message: ex.message, subject: ex.subject, period: ex.period,
  });
  renderQueue();
}

// A new (or reopened) exception from the live feed or a poll: prepend it if it matches the filters.
function onFlagged(ex) {
  const known = state.byId.get(ex.id);
  state.seen.add(ex.id);
  if (known) {
    updateQueueItem(ex);
    if (state.selectedId === ex.id) openException(ex.id, { focus: false });
    return;
  }
  if (!matchesFilter(ex)) return;
  ex._new = true;
  const rank = { HIGH: 0, WARNING: 1, INFO: 2 };
  let at = 0;
  while (at < state.items.length && state.items[at]._new && rank[state.items[at].severity] <= rank[ex.severity]) at += 1;
  state.items.splice(at, 0, ex);
  state.byId.set(ex.id, ex);
  state.total += 1;
  renderQueue();
  announce(`New exception: ${titleCase(ex.severity)} ${ex.ruleCode}, ${ex.subject}, ${ex.reportType.code} ${ex.period}.`);
  state.chartsLoaded = false;
  state.monthLoaded = false;
}

// ---------------------------------------------------------------------------------------------------- the detail

function resetDetail() {
  stopSubmissionWatch();
  replace($("#detail"), h("h2", { id: "detail-h" }, "Exception"),
    h("p", { className: "muted" }, "Choose an exception in the list to see its numbers, the rows around it, its history and the actions open to you."));
}

async function openException(id, { focus = true } = {}) {
  const sameOne = state.selectedId === id;
  state.selectedId = id;
  if (!sameOne) state.showAllRows = false;
  for (const b of $$("#queue-list .q-item")) b.setAttribute("aria-current", b.dataset.id === id ? "true" : "false");
  const pane = $("#detail");
  if (!sameOne) replace(pane, h("h2", { id: "detail-h" }, "Exception"), h("p", { className: "muted" }, "Loading…"));
  try {
    const d = await state.api.query(Q_DETAIL, { id });
    if (!d.node) {
      replace(pane, h("h2", { id: "detail-h", tabindex: "-1" }, "Exception"),
        h("p", { className: "error" }, "This exception is not visible to your key (or no longer exists)."));
      return;
    }
    renderDetail(d.node);
    if (focus) $("#detail-h").focus();
  } catch (e) {
    replace(pane, h("h2", { id: "detail-h", tabindex: "-1" }, "Exception"), h("div", { className: "error", role: "alert" }));
    errorBox($("#detail .error"), e, "Could not load the exception: ");
  }
}

function renderDetail(ex, { result = null } = {}) {
  state.detail = ex;
  const pane = $("#detail");
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
    meta.push(["Submission", `${sub.filename || "(no file name)"} · ${titleCase(sub.status)}${sub.rowCount === null ? "" : ` · ${plural(sub.rowCount, "row")}`}`]);
    meta.push(["Received", `${fmtDateTime(sub.receivedAt)} · ${DELIVERY[sub.delivery] || sub.delivery}${sub.dueAt ? ` (due ${fmtDateTime(sub.dueAt)})` : ""}`]);
  }
  const order = Object.keys(DETAIL_LABEL);
  const rank = (k) => (order.includes(k) ? order.indexOf(k) : order.length);
  const numbers = Object.entries(details).sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
  const gauge = ["actual", "forecast", "ratio"].every((k) => typeof details[k] === "number") ? varianceGauge(details) : null;

  replace(pane,
    h("h2", { id: "detail-h", tabindex: "-1" }, `${ex.ruleCode} · ${ex.subject}`),
    h("p", { className: "badges" }, badge("sev", ex.severity), " ", badge("st", ex.status, `Status: ${titleCase(ex.status)}`)),
    h("p", { className: "message" }, ex.message),
    h("dl", { className: "meta" }, meta.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
    h("section", { "aria-labelledby": "numbers-h", className: "block" },
      h("h3", { id: "numbers-h" }, "The numbers"),
      numbers.length
        ? h("dl", { className: "numbers" }, numbers.map(([k, v]) => [h("dt", {}, DETAIL_LABEL[k] || k), h("dd", {}, detailValue(k, v), TBC_FIELD[k] ? tbc(ex.reportType.code, TBC_FIELD[k]) : "")]))
        : h("p", { className: "muted" }, "No figures recorded for this finding."),
      gauge),
    reviewBlock(ex, result),
    rowsBlock(ex),
    historyBlock(ex));
  watchSubmission(sub);
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
  const WINDOW = 5;
  if (!state.showAllRows && sorted.length > 2 * WINDOW + 1 && anchor >= 0) {
    shown = sorted.slice(Math.max(0, anchor - WINDOW), anchor + WINDOW + 1);
  }
  const figures = (d) => {
    if (!d || typeof d !== "object") return "";
    const parts = [];
    if ("actual" in d) parts.push(`actual ${fmtInt(d.actual)}`);
    if ("forecast" in d) parts.push(`forecast ${fmtInt(d.forecast)}`);
    if (typeof d.ratio === "number") parts.push(`${d.ratio.toFixed(1)}%`);
    if ("column" in d) parts.push(`column ${d.column}`);
    if ("value" in d) parts.push(`value ${d.value}`);
    return parts.join(" · ");
  };
  block.append(h("p", { className: "muted small" },
    `${plural(sub.findings.totalCount, "finding")} in ${sub.filename || "the file"} (row = data row, header excluded).`
    + (shown.length < sorted.length ? ` Showing the ${shown.length} nearest this one.` : "")));
  block.append(h("div", { className: "table-wrap" }, h("table", { className: "rows" },
    h("caption", { className: "visually-hidden" }, "Findings of the submission, by row; this exception's row is marked"),
    h("thead", {}, h("tr", {}, ["Row", "Subject", "Rule", "Severity", "Figures"].map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, shown.map((f) => h("tr", { className: isThis(f) ? "this" : "", "aria-current": isThis(f) ? "true" : null },
      h("td", {}, f.row ?? "–"), h("th", { scope: "row" }, f.subject, isThis(f) ? h("span", { className: "visually-hidden" }, " (this exception)") : null),
      h("td", {}, f.ruleCode), h("td", {}, titleCase(f.severity)), h("td", { title: f.message }, figures(f.details))))))));
  if (shown.length < sorted.length || state.showAllRows) {
    block.append(h("button", {
      type: "button", className: "secondary small",
      onclick: () => { state.showAllRows = !state.showAllRows; renderDetail(state.detail); $("#rows-h").scrollIntoView(); },
    }, state.showAllRows ? "Show only the rows around it" : `Show all ${sorted.length} findings`));
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

// "A", "A and B", "A, B and C".
function listed(words) {
  return words.length > 1 ? `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}` : words.join("");
}

function reviewBlock(ex, result) {
  // The actions the server lists for this key and status (docs/domain.md, "Roles"); it stays the judge when acting.
  const actions = (ex.availableActions || []).map((o) => o.action);
  const needing = (ex.availableActions || []).filter((o) => o.commentRequired).map((o) => ACTION_LABEL[o.action]);
  const form = h("form", { className: "review", id: "review-form", novalidate: true, onsubmit: (e) => e.preventDefault() });
  form.append(
    h("label", { for: "review-comment" }, "Comment ", needing.length ? h("span", { className: "muted small" }, `(required for ${listed(needing)})`) : null),
    h("textarea", { id: "review-comment", rows: "3", "aria-describedby": "review-errors" }),
  );
  if (state.meetings.length) {
    form.append(h("label", { for: "review-meeting" }, "Put on the agenda of ", h("span", { className: "muted small" }, "(optional)")),
      h("select", { id: "review-meeting" }, h("option", { value: "" }, "no meeting"),
        state.meetings.map((m) => h("option", { value: m.id, selected: ex.meeting && ex.meeting.id === m.id }, `${m.reference} · ${fmtDate(m.heldOn)}`))));
  }
  form.append(h("div", { className: "actions", role: "group", "aria-label": "Actions open on this exception" },
    actions.map((a) => h("button", {
      type: "button", className: a === "COMMENT" ? "secondary" : a === "ESCALATE" ? "warn" : "", "data-action": a,
      onclick: () => act(ex, a),
    }, ACTION_LABEL[a]))));
  form.append(h("div", { id: "review-errors", className: "error", role: "alert" }));
  form.append(h("p", { id: "review-result", className: "ok", tabindex: "-1", role: "status" }, result || ""));
  return h("section", { "aria-labelledby": "review-h", className: "block" }, h("h3", { id: "review-h" }, "Review"), form);
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
    replace(errors, h("p", {}, `${ACTION_LABEL[action]} needs a comment saying why.`));
    $("#review-comment").setAttribute("aria-invalid", "true");
    $("#review-comment").focus();
    return;
  }
  const buttons = $$("#review-form button");
  for (const b of buttons) b.disabled = true;
  try {
    const d = await state.api.query(M_REVIEW, {
      id: ex.id, action, comment: comment || null, meetingId: meeting && meeting.value ? meeting.value : null,
    });
    const payload = d.reviewException;
    if (payload.errors.length) {
      const stale = payload.errors.some((e) => e.code === "ILLEGAL_TRANSITION" || e.code === "CONFLICT");
      if (stale) {
        // Someone else acted meanwhile: show the exception as it is now, with the refusal and what was typed.
        const d = await state.api.query(Q_DETAIL, { id: ex.id });
        if (d.node) {
          renderDetail(d.node);
          updateQueueItem(d.node);
          $("#review-comment").value = comment;
        }
      }
      const box = $("#review-errors");
      replace(box, h("ul", {}, payload.errors.map((e) => h("li", {}, h("strong", {}, e.code), `: ${e.message}`, e.field ? ` (${e.field})` : ""))),
        stale ? h("p", {}, `The exception changed while you were looking at it; it is now ${titleCase(state.detail.status)}.`) : null);
      if (payload.errors.some((e) => e.field === "comment")) $("#review-comment").setAttribute("aria-invalid", "true");
      for (const b of $$("#review-form button")) b.disabled = false;
      $("#review-comment").focus();
      return;
    }
    const updated = payload.exception;
    const message = `${DONE_LABEL[action]}. Status: ${titleCase(updated.status)}.`;
    renderDetail(updated, { result: message });
    updateQueueItem(updated);
    $("#review-result").focus();
    announce(message);
    state.chartsLoaded = false;
    state.monthLoaded = false;
  } catch (e) {
    errorBox(errors, e);
    for (const b of buttons) b.disabled = false;
  }
}

// While a submission is still being validated, follow it (submissionUpdated) and refresh the detail when it ends.
function watchSubmission(sub) {
  if (state.submissionWatch && state.submissionWatch.id === (sub && sub.id)) return;
  stopSubmissionWatch();
  if (!sub || !["RECEIVED", "VALIDATING"].includes(sub.status) || !state.live || !state.live.acked) return;
  const stop = state.live.subscribe(S_SUBMISSION, { id: sub.id }, {
    next: (p) => {
      const s = p.data && p.data.submissionUpdated;
      if (s && !["RECEIVED", "VALIDATING"].includes(s.status) && state.selectedId) openException(state.selectedId, { focus: false });
    },
    error: () => {},
    complete: () => {},
  });
  state.submissionWatch = { id: sub.id, stop };
}

function stopSubmissionWatch() {
  if (state.submissionWatch) state.submissionWatch.stop();
  state.submissionWatch = null;
}

// ---------------------------------------------------------------------------------------------------- live

function setLive(mode, why = "") {
  const box = $("#live-status");
  box.dataset.mode = mode;
  const text = {
    live: "Live: new exceptions appear as they are flagged",
    polling: `Checking for new exceptions every ${POLL_MS / 1000} s${why ? ` (live feed unavailable: ${why})` : ""}`,
    connecting: "Connecting to the live feed…",
    off: "Not connected",
  }[mode];
  $("#live-text").textContent = text;
}

function startLive() {
  stopLive();
  setLive("connecting");
  const client = new LiveClient(state.key, {
    onClose: (event) => {
      if (state.live !== client) return;
      fallBack(`connection closed (${event.code})`);
    },
  });
  state.live = client;
  client.connect().then(() => {
    if (state.live !== client) return;
    client.subscribe(S_FLAGGED, { reportType: null }, {
      next: (payload) => {
        if (payload.errors && payload.errors.length) return;
        const ex = payload.data && payload.data.exceptionFlagged;
        if (ex) onFlagged(ex);
      },
      error: (errs) => fallBack((errs[0] && errs[0].message) || "subscription refused"),
      complete: () => fallBack("subscription ended"),
    });
    stopPolling();
    setLive("live");
    if (state.detail) watchSubmission(state.detail.submission);
  }).catch((e) => {
    if (state.live === client) fallBack(e.message);
  });
}

function fallBack(why) {
  if (state.live) {
    const old = state.live;
    state.live = null;
    old.close();
  }
  setLive("polling", why);
  startPolling();
  clearTimeout(state.reconnectTimer);
  state.reconnectTimer = setTimeout(() => { if (state.api) startLive(); }, RECONNECT_MS);
}

function stopLive() {
  clearTimeout(state.reconnectTimer);
  stopPolling();
  stopSubmissionWatch();
  if (state.live) {
    const old = state.live;
    state.live = null;
    old.close();
  }
  setLive("off");
}

function startPolling() {
  if (state.pollTimer) return;
  poll();
  state.pollTimer = setInterval(poll, POLL_MS);
}

function stopPolling() {
  clearInterval(state.pollTimer);
  state.pollTimer = null;
}

// Newest submissions' exceptions and the missing reports: anything not seen before is new.
async function poll() {
  if (!state.api) return;
  let d;
  const box = $("#live-status");
  try {
    d = await state.api.query(Q_POLL);
    delete box.dataset.pollError;
  } catch (e) {
    box.dataset.pollError = `${e.code}: ${e.message}`;
    $("#live-text").textContent = `Checking for new exceptions every ${POLL_MS / 1000} s; the last check failed (${e.code}).`;
    return;
  }
  const found = [
    ...d.recent.edges.flatMap((e) => e.node.exceptions.edges.map((x) => x.node)),
    ...d.missing.edges.map((e) => e.node),
  ];
  const baseline = !state.polledOnce;
  state.polledOnce = true;
  found.sort((a, b) => a.firstFlaggedAt.localeCompare(b.firstFlaggedAt));
  for (const ex of found) {
    // The first poll learns what exists; only what was flagged since sign-in counts as new then.
    if (baseline && !state.seen.has(ex.id) && new Date(ex.firstFlaggedAt).getTime() < state.signedInAt) {
      state.seen.add(ex.id);
    } else if (baseline && state.seen.has(ex.id)) {
      if (state.byId.has(ex.id)) updateQueueItem(ex);
    } else if (!state.seen.has(ex.id)) {
      onFlagged(ex);
    } else if (state.byId.has(ex.id) && state.byId.get(ex.id).status !== ex.status) {
      updateQueueItem(ex);
    }
  }
  box.dataset.polls = String(Number(box.dataset.polls || 0) + 1);
}

// ---------------------------------------------------------------------------------------------------- the month

function unavailable(e, what) {
  if (e.code === "GRAPHQL_VALIDATION_FAILED") {
    return h("p", { className: "muted" }, `${what} is not available on this server yet (${e.message}).`);
  }
  return h("div", { className: "error", role: "alert" }, h("p", {}, h("strong", {}, e.code), `: ${e.message}`));
}

async function loadMonth(month) {
  if (!month) return;
  state.month = month;
  state.monthLoaded = true;
  const cal = $("#calendar");
  const opsg = $("#opsg");
  replace(cal, h("p", { className: "muted" }, "Loading…"));
  replace(opsg, h("p", { className: "muted" }, "Loading…"));
  renderDownloads(month);
  const [c, o] = await Promise.allSettled([
    state.api.query(Q_CALENDAR, { month }), state.api.query(Q_OPSG, { month }),
  ]);
  if (c.status === "fulfilled") renderCalendar(c.value.reportingCalendar, month);
  else replace(cal, unavailable(c.reason, "The reporting calendar"));
  if (o.status === "fulfilled") renderOpsg(o.value.opsgReport);
  else replace(opsg, unavailable(o.reason, "The OPSG table"));
}

function deliveryBadge(d, text) {
  return d ? badge("dl", d, text || DELIVERY[d] || d) : "–";
}

function table({ id, className, caption, head, rows }) {
  return h("div", { className: "table-wrap" }, h("table", { id, className },
    h("caption", { className: "visually-hidden" }, caption),
    h("thead", {}, h("tr", {}, head.map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, rows)));
}

function renderCalendar(rows, month) {
  const cal = $("#calendar");
  if (!rows.length) {
    replace(cal, h("p", { className: "muted" }, `No report falls due in ${month}.`));
    return;
  }
  const sorted = [...rows].sort((a, b) => (a.dueAt || "").localeCompare(b.dueAt || "") || a.reportType.localeCompare(b.reportType));
  const body = sorted.map((r) => h("tr", {},
    h("th", { scope: "row" }, r.reportType),
    h("td", {}, r.period),
    h("td", {}, fmtDateTime(r.dueAt)),
    h("td", {}, deliveryBadge(r.delivery)),
    h("td", {}, r.submission ? `${titleCase(r.submission.status)} · received ${fmtDate(r.submission.receivedAt)}` : "nothing received")));
  replace(cal, table({
    id: "calendar-table", caption: `Reports due in ${month}`, head: ["Report", "Period", "Due", "Delivery", "Submission"], rows: body,
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

// Per report and period: OPSG's recorded words (editable by opsg, secas and admin) beside the evidence.
function renderObservations(report) {
  const owed = report.rows.filter((r) => r.period);
  if (!owed.length) return null;
  const canRecord = OBSERVERS.has(state.role);
  const items = owed.map((r) => {
    const id = `obs-${r.reportType}-${r.period}`;
    const evidence = r.exceptions.length
      ? h("ul", { className: "small" }, r.exceptions.map((e) => h("li", {}, `${e.ruleCode} · ${e.subject} · ${titleCase(e.severity)} · ${titleCase(e.status)}`)))
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
    const d = await state.api.query(M_OBSERVATION, { input: { reportType: row.reportType, period: row.period, text: field.value } });
    const payload = d.recordObservation;
    if (payload.errors.length) {
      field.setAttribute("aria-invalid", "true");
      result.textContent = payload.errors.map((e) => `${e.code}: ${e.message}`).join("; ");
      return;
    }
    announce(`Observation recorded for ${row.reportType} ${row.period}.`);
    await loadMonth(state.month);
  } catch (e) {
    result.textContent = `${e.code || "ERROR"}: ${e.message}`;
  }
}

function renderDownloads(month) {
  const box = $("#downloads");
  const formats = [["md", "Markdown"], ["csv", "CSV"], ["html", "HTML"], ["docx", "Word"]];
  replace(box, "Download: ", formats.map(([ext, name], i) => [
    i ? " · " : "",
    h("a", {
      href: `/api/v1/opsg-report/${month}.${ext}`, className: "download", "data-format": ext,
      download: `opsg-report-${month}.${ext}`,
      onclick: (e) => { e.preventDefault(); download(month, ext, e.currentTarget); },
    }, `${name} (.${ext})`)]));
}

async function download(month, ext, link) {
  const box = $("#download-error");
  replace(box);
  link.setAttribute("aria-busy", "true");
  try {
    const size = await state.api.download(`/api/v1/opsg-report/${month}.${ext}`, `opsg-report-${month}.${ext}`);
    announce(`Downloaded the OPSG table for ${month} as .${ext} (${fmtInt(size)} bytes).`);
  } catch (e) {
    errorBox(box, e, `The .${ext} download failed: `);
  } finally {
    link.removeAttribute("aria-busy");
  }
}

// ---------------------------------------------------------------------------------------------------- charts

function monthsEnding(last, n) {
  let [y, m] = last.split("-").map(Number);
  const out = [];
  for (let i = 0; i < n; i++) {
    out.unshift(`${y}-${String(m).padStart(2, "0")}`);
    m -= 1;
    if (m === 0) { m = 12; y -= 1; }
  }
  return out;
}

async function loadCharts() {
  state.chartsLoaded = true;
  await Promise.allSettled([chartVariance(), chartStatus(), chartVotingGroups()]);
}

async function chartVariance() {
  const box = $("#ch-variance");
  replace(box, h("p", { className: "muted" }, "Loading…"));
  const types = state.reportTypes.filter((t) => /VARIANCE/.test(t.code) || (t.toleranceLowerPct !== null && t.toleranceUpperPct !== null && t.code !== "PMR"));
  if (!types.length) {
    replace(box, h("p", { className: "muted" }, "No variance report in the catalogue."));
    return;
  }
  const parts = [];
  for (const t of types) {
    try {
      const d = await state.api.query(Q_VARIANCE, { code: t.code });
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

async function chartStatus() {
  const box = $("#ch-status");
  replace(box, h("p", { className: "muted" }, "Loading…"));
  const all = [];
  try {
    let after = null;
    for (let page = 0; page < 10; page++) {
      const d = await state.api.query(Q_STATUS_HISTORY, { after });
      all.push(...d.exceptions.edges.map((e) => e.node));
      if (!d.exceptions.pageInfo.hasNextPage) break;
      after = d.exceptions.pageInfo.endCursor;
    }
  } catch (e) {
    replace(box, h("div", { className: "error" }, h("p", {}, h("strong", {}, e.code), `: ${e.message}`)));
    return;
  }
  if (!all.length) {
    replace(box, h("p", { className: "muted" }, "No exceptions yet."));
    return;
  }
  // Each exception's status at the end of each bucket, from its history (FLAGGED opens it; each action moves it).
  const events = all.map((x) => {
    const moves = x.history.filter((e) => e.toStatus).map((e) => [e.at, e.toStatus]);
    if (!moves.length) moves.push([x.firstFlaggedAt, x.status]);
    return moves;
  });
  const stamps = events.flat().map(([at]) => at).sort();
  const first = new Date(stamps[0]);
  const last = new Date(stamps[stamps.length - 1]);
  const spanDays = (last - first) / 86400000;
  let buckets;
  let label;
  if (spanDays <= 45) {
    const days = Math.min(14, Math.max(7, Math.ceil(spanDays) + 1));
    buckets = [];
    for (let i = days - 1; i >= 0; i--) {
      const d = new Date(Date.UTC(last.getUTCFullYear(), last.getUTCMonth(), last.getUTCDate() - i));
      buckets.push({ key: d.toISOString().slice(0, 10), end: new Date(d.getTime() + 86400000).toISOString() });
    }
    label = "day";
  } else {
    buckets = monthsEnding(last.toISOString().slice(0, 7), 12).map((m) => {
      const [y, mo] = m.split("-").map(Number);
      return { key: m, end: new Date(Date.UTC(y, mo, 1)).toISOString() };
    });
    label = "month";
  }
  const counts = STATUSES.map(() => buckets.map(() => 0));
  buckets.forEach((b, i) => {
    for (const moves of events) {
      let status = null;
      for (const [at, to] of moves) if (at < b.end) status = to;
      if (status) counts[STATUSES.indexOf(status)][i] += 1;
    }
  });
  const series = STATUSES.map((s, i) => ({ name: titleCase(s), values: counts[i], cls: `s-${s}` }));
  const lastCounts = STATUSES.map((s, i) => `${counts[i][buckets.length - 1]} ${titleCase(s).toLowerCase()}`).join(", ");
  replace(box, stackedBars({
    title: `Exceptions by status at the end of each ${label}`,
    desc: `${all.length} exceptions; at the end of ${buckets[buckets.length - 1].key}: ${lastCounts}.`,
    categories: buckets.map((b) => b.key), series, label: label === "day" ? dayLabel : (k) => k.slice(2),
  }), all.length >= 1000 ? h("p", { className: "muted small" }, "The first 1,000 exceptions only.") : null);
}

const dayLabel = (k) => new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" }).format(new Date(`${k}T00:00:00Z`));

async function chartVotingGroups() {
  const box = $("#ch-vg");
  replace(box, h("p", { className: "muted" }, "Loading…"));
  const to = new Date().toISOString().slice(0, 7);
  const from = monthsEnding(to, 2)[0];
  try {
    const d = await state.api.query(Q_MEMBERSHIP, { from, to });
    const latest = d.membershipStatistics[d.membershipStatistics.length - 1];
    if (!latest || !latest.votingGroupsByCategory.length) {
      replace(box, h("p", { className: "muted" }, "No Voting Groups on the register."));
      return;
    }
    const order = Object.keys(CATEGORY);
    const items = [...latest.votingGroupsByCategory]
      .sort((a, b) => order.indexOf(a.category) - order.indexOf(b.category))
      .map((c, i) => ({ label: CATEGORY[c.category] || titleCase(c.category), value: c.count, cls: `s-cat-${i % 6}` }));
    replace(box, horizontalBars({
      title: `Voting Groups by category at the end of ${latest.month}`,
      desc: `${latest.votingGroupsAtMonthEnd} Voting Groups: ${items.map((i) => `${i.label} ${i.value}`).join(", ")}.`,
      items,
    }), h("p", { className: "muted small" }, `${fmtInt(latest.votingGroupsAtMonthEnd)} Voting Groups at the end of ${latest.month} (as the Operations Report's Figure 1).`));
  } catch (e) {
    replace(box, h("div", { className: "error" }, h("p", {}, h("strong", {}, e.code), `: ${e.message}`)));
  }
}

// ---------------------------------------------------------------------------------------------------- wiring

function wire() {
  $("#signin-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const key = $("#api-key").value.trim();
    if (!key) {
      replace($("#signin-error"), h("p", {}, "Enter an API key."));
      $("#api-key").setAttribute("aria-invalid", "true");
      $("#api-key").focus();
      return;
    }
    signIn(key);
  });
  $("#sign-out").addEventListener("click", signOut);
  $("#filters").addEventListener("submit", (e) => {
    e.preventDefault();
    loadQueue();
  });
  $("#f-clear").addEventListener("click", () => {
    $("#filters").reset();
    loadQueue();
  });
  $("#load-more").addEventListener("click", () => loadQueue({ append: true }));
  $("#queue-list").addEventListener("click", (e) => {
    const button = e.target.closest(".q-item");
    if (button) openException(button.dataset.id);
  });
  $("#month-form").addEventListener("submit", (e) => {
    e.preventDefault();
    loadMonth($("#month").value);
  });
  for (const a of $$("#nav a")) {
    a.addEventListener("click", (e) => {
      e.preventDefault();
      showView(a.dataset.view);
    });
  }
  window.addEventListener("hashchange", () => { if (state.api) showView(location.hash.slice(1), { focus: false }); });
  // Ages ("5 min ago") stay true without a reload.
  setInterval(() => { if (state.items.length) for (const t of $$("#queue-list time")) t.textContent = age(t.getAttribute("datetime")); }, 60_000);
}

wire();
const saved = sessionStorage.getItem(KEY_STORE);
if (saved) signIn(saved, { restoring: true });
else $("#api-key").focus();
