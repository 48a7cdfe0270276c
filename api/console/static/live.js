// Live updates: the exceptionFlagged subscription, or, while the WebSocket is refused, a poll every POLL_MS that
// tells new exceptions from known ones. Either way the news goes on the bus.

import { emit } from "./bus.js";
import { Q_POLL, S_FLAGGED } from "./documents.js";
import { $ } from "./dom.js";
import { LiveClient } from "./gql.js";
import { session } from "./session.js";

const POLL_MS = 10_000;
const RECONNECT_MS = 30_000;

let client = null;
let pollTimer = null;
let reconnectTimer = null;
let polledOnce = false;
// Every exception this session has seen: one the poll finds that is not here is new.
const seen = new Set();

export const remember = (id) => seen.add(id);

// The connected client, for a view that follows something of its own (a submission being validated); null if none.
export const liveClient = () => (client && client.acked ? client : null);

function setLive(mode, why = "") {
  $("#live-status").dataset.mode = mode;
  const text = {
    live: "Live: new exceptions appear as they are flagged",
    polling: `Checking for new exceptions every ${POLL_MS / 1000} s${why ? ` (live feed unavailable: ${why})` : ""}`,
    connecting: "Connecting to the live feed…",
    off: "Not connected",
  }[mode];
  $("#live-text").textContent = text;
}

function flagged(ex) {
  seen.add(ex.id);
  emit("exception-flagged", { exception: ex });
}

export function start() {
  stop();
  setLive("connecting");
  const c = new LiveClient(session.key, {
    onClose: (event) => {
      if (client === c) fallBack(`connection closed (${event.code})`);
    },
  });
  client = c;
  c.connect().then(() => {
    if (client !== c) return;
    c.subscribe(S_FLAGGED, { reportType: null }, {
      next: (payload) => {
        if (payload.errors && payload.errors.length) return;
        const ex = payload.data && payload.data.exceptionFlagged;
        if (ex) flagged(ex);
      },
      error: (errs) => fallBack((errs[0] && errs[0].message) || "subscription refused"),
      complete: () => fallBack("subscription ended"),
    });
    stopPolling();
    setLive("live");
    emit("live-connected");
  }).catch((e) => {
    if (client === c) fallBack(e.message);
  });
}

function dropClient() {
  if (client) {
    const old = client;
    client = null;
    old.close();
  }
}

function fallBack(why) {
  dropClient();
  setLive("polling", why);
  startPolling();
  clearTimeout(reconnectTimer);
  reconnectTimer = setTimeout(() => { if (session.api) start(); }, RECONNECT_MS);
}

export function stop() {
  clearTimeout(reconnectTimer);
  stopPolling();
  dropClient();
  setLive("off");
}

// Signing out forgets what this session saw.
export function reset() {
  stop();
  seen.clear();
  polledOnce = false;
}

function startPolling() {
  if (pollTimer) return;
  poll();
  pollTimer = setInterval(poll, POLL_MS);
}

function stopPolling() {
  clearInterval(pollTimer);
  pollTimer = null;
}

// Newest submissions' exceptions and the missing reports: anything not seen before is new.
async function poll() {
  if (!session.api) return;
  let d;
  const box = $("#live-status");
  try {
    d = await session.api.query(Q_POLL);
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
  const baseline = !polledOnce;
  polledOnce = true;
  found.sort((a, b) => a.firstFlaggedAt.localeCompare(b.firstFlaggedAt));
  for (const ex of found) {
    // The first poll learns what exists; only what was flagged since sign-in counts as new then.
    if (baseline && !seen.has(ex.id) && new Date(ex.firstFlaggedAt).getTime() < session.signedInAt) seen.add(ex.id);
    else if (!seen.has(ex.id)) flagged(ex);
    else emit("exception-changed", { exception: ex });
  }
  box.dataset.polls = String(Number(box.dataset.polls || 0) + 1);
}
