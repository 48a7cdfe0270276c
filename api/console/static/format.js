// How values are written for a person: UK times, ages, counts, the server's labels, and small shared widgets.

import { fmtInt } from "./charts.js";
import { $, h, replace } from "./dom.js";
import { labelOf } from "./session.js";

export { fmtInt };

// Times as the SEC counts them: UK time (GMT or BST).
const dateTime = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone: "Europe/London" });
const dateOnly = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "Europe/London" });
export const fmtDateTime = (iso) => (iso ? dateTime.format(new Date(iso)) : "–");
export const fmtDate = (iso) => (iso ? dateOnly.format(new Date(iso)) : "–");
export const plural = (n, one, many = `${one}s`) => `${fmtInt(n)} ${n === 1 ? one : many}`;

export function age(iso) {
  const s = Math.max(0, (Date.now() - new Date(iso).getTime()) / 1000);
  if (s < 90) return "just now";
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  if (s < 129600) return `${Math.round(s / 3600)} h ago`;
  if (s < 86400 * 60) return `${Math.round(s / 86400)} days ago`;
  return `${Math.round(s / (86400 * 30.4))} months ago`;
}

export const titleCase = (s) => (s ? s.charAt(0) + s.slice(1).toLowerCase().replaceAll("_", " ") : "");

// The server's words for an enum value, or the value as words where it has none (severities, submission statuses).
export const label = (kind, value, opts) => (kind && labelOf(kind, value, opts)) || titleCase(value);

// A badge for an enum value, in the server's words for it where it has some.
export function badge(cls, kind, value, text) {
  return h("span", { className: `badge ${cls}-${value}` }, text || label(kind, value));
}

// "A", "A and B", "A, B and C".
export function listed(words) {
  return words.length > 1 ? `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}` : words.join("");
}

// The last n months up to and including `last` (YYYY-MM), oldest first.
export function monthsEnding(last, n) {
  let [y, m] = last.split("-").map(Number);
  const out = [];
  for (let i = 0; i < n; i++) {
    out.unshift(`${y}-${String(m).padStart(2, "0")}`);
    m -= 1;
    if (m === 0) { m = 12; y -= 1; }
  }
  return out;
}

export function announce(text) {
  const a = $("#announcer");
  a.textContent = "";
  setTimeout(() => { a.textContent = text; }, 50);
}

export function errorBox(node, err, prefix = "") {
  if (!err) {
    replace(node);
    return;
  }
  replace(node, h("p", {}, prefix, h("strong", {}, err.code || "ERROR"), ": ", err.message));
}

// A failed load inside a view: a field this server does not have yet is said plainly, anything else is an error.
export function failure(e, what = null) {
  if (what && e.code === "GRAPHQL_VALIDATION_FAILED") {
    return h("p", { className: "muted" }, `${what} is not available on this server yet (${e.message}).`);
  }
  return h("div", { className: "error", role: what ? "alert" : null }, h("p", {}, h("strong", {}, e.code), `: ${e.message}`));
}

export const loading = () => h("p", { className: "muted" }, "Loading…");

export function table({ id, className, caption, head, rows }) {
  return h("div", { className: "table-wrap" }, h("table", { id, className },
    h("caption", { className: "visually-hidden" }, caption),
    h("thead", {}, h("tr", {}, head.map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, rows)));
}
