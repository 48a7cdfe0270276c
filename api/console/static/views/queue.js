// The exception queue: filters, pages of exceptions (most severe first, then oldest), new ones as they are flagged.

import { emit, on } from "../bus.js";
import { Q_QUEUE } from "../documents.js";
import { $, $$, h, replace } from "../dom.js";
import { age, announce, badge, errorBox, fmtDateTime, fmtInt, label } from "../format.js";
import { remember } from "../live.js";
import { session, values } from "../session.js";

const PAGE = 25;

const queue = {
  filter: {},
  items: [],
  byId: new Map(),
  cursor: null,
  hasNext: false,
  total: 0,
  selectedId: null,
};

function readFilter() {
  const f = {};
  for (const [name, sel] of [["reportType", "#f-report"], ["period", "#f-period"], ["severity", "#f-severity"], ["status", "#f-status"]]) {
    const v = $(sel).value.trim();
    if (v) f[name] = v;
  }
  return f;
}

function matchesFilter(ex, f = queue.filter) {
  return (!f.reportType || ex.reportType.code === f.reportType) && (!f.period || ex.period === f.period)
    && (!f.severity || ex.severity === f.severity) && (!f.status || ex.status === f.status);
}

// The filters' choices: the enums' values in the server's words, and the catalogue the session loaded.
export function fillFilters() {
  const choices = (kind, any) => [h("option", { value: "" }, any), values(kind).map((v) => h("option", { value: v }, label(kind, v)))];
  replace($("#f-severity"), choices("Severity", "Any severity"));
  replace($("#f-status"), choices("ExceptionStatus", "Any status"));
  replace($("#f-report"), h("option", { value: "" }, "Any report"),
    session.reportTypes.map((t) => h("option", { value: t.code }, `${t.name} (${t.code})`)));
  replace($("#periods"), session.periods.map((p) => h("option", { value: p })));
}

export async function load({ append = false } = {}) {
  const box = $("#queue-error");
  replace(box);
  if (!append) {
    queue.filter = readFilter();
    $("#queue-count").textContent = "Loading…";
  }
  const more = $("#load-more");
  more.disabled = true;
  try {
    const d = await session.api.query(Q_QUEUE, { filter: queue.filter, first: PAGE, after: append ? queue.cursor : null });
    const conn = d.exceptions;
    const nodes = conn.edges.map((e) => e.node);
    if (!append) {
      queue.items = [];
      queue.byId = new Map();
    }
    for (const n of nodes) {
      if (queue.byId.has(n.id)) continue;
      queue.items.push(n);
      queue.byId.set(n.id, n);
      remember(n.id);
    }
    queue.cursor = conn.pageInfo.endCursor;
    queue.hasNext = conn.pageInfo.hasNextPage;
    queue.total = conn.totalCount;
    render();
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

function item(ex) {
  const selected = ex.id === queue.selectedId;
  return h("li", { className: ex._new ? "is-new" : "" },
    h("button", {
      type: "button", className: `q-item sev-${ex.severity}`, "data-id": ex.id, "aria-current": selected ? "true" : "false",
      "aria-controls": "detail",
    },
    // Spaces between the parts, so that the button's accessible name (and its text) reads as words.
    h("span", { className: "q-top" }, badge("sev", "Severity", ex.severity), " ", badge("st", "ExceptionStatus", ex.status), " ",
      ex._new ? [h("span", { className: "badge new" }, "New"), " "] : null,
      h("span", { className: "q-rule" }, ex.ruleCode)), " ",
    h("span", { className: "q-subject" }, ex.subject), " ",
    h("span", { className: "q-meta" }, `${ex.reportType.code} · ${ex.period} · flagged `,
      h("time", { datetime: ex.firstFlaggedAt, title: fmtDateTime(ex.firstFlaggedAt) }, age(ex.firstFlaggedAt))), " ",
    h("span", { className: "q-msg" }, ex.message)));
}

function render() {
  const list = $("#queue-list");
  replace(list, queue.items.map(item));
  if (!queue.items.length) list.append(h("li", { className: "empty muted" }, "No exceptions match these filters."));
  const shown = queue.items.length;
  const filtered = Object.keys(queue.filter).length ? " matching the filters" : "";
  $("#queue-count").textContent = `${fmtInt(shown)} of ${fmtInt(Math.max(queue.total, shown))} exceptions${filtered}.`;
  $("#load-more").hidden = !queue.hasNext;
}

const SHOWN = ["status", "severity", "message", "subject", "period"];

// A known exception as it stands now; the list is drawn again only when what it shows changed.
function changed({ exception: ex }) {
  const old = queue.byId.get(ex.id);
  if (!old || SHOWN.every((k) => old[k] === ex[k])) return;
  for (const k of SHOWN) old[k] = ex[k];
  render();
}

// A new (or reopened) exception: prepend it, among the other new ones by severity, if it matches the filters.
function flagged({ exception: ex }) {
  if (queue.byId.has(ex.id)) {
    changed({ exception: ex });
    return;
  }
  if (!matchesFilter(ex)) return;
  ex._new = true;
  const rank = values("Severity"); // most severe first
  let at = 0;
  while (at < queue.items.length && queue.items[at]._new && rank.indexOf(queue.items[at].severity) <= rank.indexOf(ex.severity)) at += 1;
  queue.items.splice(at, 0, ex);
  queue.byId.set(ex.id, ex);
  queue.total += 1;
  render();
  announce(`New exception: ${label("Severity", ex.severity)} ${ex.ruleCode}, ${ex.subject}, ${ex.reportType.code} ${ex.period}.`);
  emit("data-changed");
}

function select({ id }) {
  queue.selectedId = id;
  for (const b of $$("#queue-list .q-item")) b.setAttribute("aria-current", b.dataset.id === id ? "true" : "false");
}

export function reset() {
  Object.assign(queue, { filter: {}, items: [], byId: new Map(), cursor: null, hasNext: false, total: 0, selectedId: null });
  replace($("#queue-list"));
}

export function wire() {
  $("#filters").addEventListener("submit", (e) => {
    e.preventDefault();
    load();
  });
  $("#f-clear").addEventListener("click", () => {
    $("#filters").reset();
    load();
  });
  $("#load-more").addEventListener("click", () => load({ append: true }));
  $("#queue-list").addEventListener("click", (e) => {
    const button = e.target.closest(".q-item");
    if (button) emit("open-exception", { id: button.dataset.id });
  });
  on("open-exception", select);
  on("exception-flagged", flagged);
  on("exception-changed", changed);
  // Ages ("5 min ago") stay true without a reload.
  setInterval(() => { if (queue.items.length) for (const t of $$("#queue-list time")) t.textContent = age(t.getAttribute("datetime")); }, 60_000);
}
