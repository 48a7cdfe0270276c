// The Operations Group's console: sign in with a key, work the exception queue, see the month, watch it live.
// Uses only the public GraphQL API (and the OPSG table downloads), like any other front end.
//
// This module signs in and out and switches views. Each view is a module of views/ with show() (called when it is
// shown), reset() (called on sign-out) and wire() (its own listeners); views talk through bus.js, their documents
// are in documents.js, and what a role may do and how a value is worded come from the server (session.js).

import { $, $$, h, replace } from "./dom.js";
import { announce, fmtInt } from "./format.js";
import * as live from "./live.js";
import { close, loadCatalogue, may, open, savedKey, session } from "./session.js";
import * as charts from "./views/charts.js";
import * as detail from "./views/detail.js";
import * as meeting from "./views/meeting.js";
import * as month from "./views/month.js";
import * as queue from "./views/queue.js";
import * as report from "./views/report.js";
import * as whatif from "./views/whatif.js";

// The views the navigation switches between, by the name in the URL's #fragment (the first is the default); the
// page has a <section id="view-NAME"> with a heading NAME-h for each.
const VIEWS = { queue: { show: () => {}, reset: queue.reset }, month, charts, report, meeting, whatif };
const WIRED = [queue, detail, month, charts, report, meeting, whatif];

// ---------------------------------------------------------------------------------------------------- sign in

async function signIn(key, { restoring = false } = {}) {
  const box = $("#signin-error");
  replace(box);
  $("#sign-in").disabled = true;
  try {
    await open(key);
  } catch (e) {
    if (restoring) close();
    replace(box, h("p", {}, h("strong", {}, e.code || "ERROR"), ": ", e.message));
    $("#api-key").setAttribute("aria-invalid", "true");
    $("#api-key").focus();
    return false;
  } finally {
    $("#sign-in").disabled = false;
  }
  describeRole();
  $("#api-key").value = "";
  $("#api-key").removeAttribute("aria-invalid");
  $("#view-signin").hidden = true;
  $("#session").hidden = false;
  $("#nav").hidden = false;
  $("#session-key").textContent = `…${key.slice(-4)}`;
  try {
    await loadCatalogue();
  } catch (e) {
    replace($("#queue-error"), h("p", {}, "Could not load the report catalogue: ", h("strong", {}, e.code || "ERROR"), ": ", e.message));
  }
  queue.fillFilters();
  month.prepare();
  showView(location.hash.slice(1) || "queue", { focus: !restoring });
  await queue.load();
  live.start();
  return true;
}

// The role and what it opens, in the server's words (viewer).
function describeRole() {
  const { viewer, visible } = session;
  $("#session-role").textContent = viewer.role;
  const access = [
    `bodies: ${viewer.bodies.length ? viewer.bodies.join(", ") : "none"}`,
    `exceptions: ${visible > 0 ? `${fmtInt(visible)} visible` : "none visible"}`,
    `OPSG table: ${may("opsgReport") ? "allowed" : "not allowed"}`,
  ];
  $("#session-access").textContent = `Access: ${access.join(" · ")}`;
  $("#session-access").title = visible === 0
    ? "No exceptions are visible to this key: either there are none, or its role may not read them."
    : "";
}

function signOut() {
  close();
  live.reset();
  for (const v of [...Object.values(VIEWS), detail]) v.reset();
  $("#session").hidden = true;
  $("#nav").hidden = true;
  for (const v of $$(".view")) v.hidden = true;
  $("#view-signin").hidden = false;
  history.replaceState(null, "", location.pathname);
  $("#api-key").focus();
  announce("Signed out.");
}

// ---------------------------------------------------------------------------------------------------- views

function showView(name, { focus = true } = {}) {
  if (!(name in VIEWS)) [name] = Object.keys(VIEWS);
  for (const v of Object.keys(VIEWS)) $(`#view-${v}`).hidden = v !== name;
  for (const a of $$("#nav a")) {
    if (a.dataset.view === name) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  if (location.hash.slice(1) !== name) history.replaceState(null, "", `#${name}`);
  VIEWS[name].show();
  if (focus) {
    const heading = $(`#${name}-h`);
    heading.setAttribute("tabindex", "-1");
    heading.focus();
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
  for (const a of $$("#nav a")) {
    a.addEventListener("click", (e) => {
      e.preventDefault();
      showView(a.dataset.view);
    });
  }
  window.addEventListener("hashchange", () => { if (session.api) showView(location.hash.slice(1), { focus: false }); });
  for (const m of WIRED) m.wire();
}

wire();
const saved = savedKey();
if (saved) signIn(saved, { restoring: true });
else $("#api-key").focus();
