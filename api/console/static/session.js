// The signed-in session: the key's client, who the server says the caller is and what it may use, the words for
// the API's values, and the catalogue every view shares. Nothing here is the console's own opinion of a role.

import { Api } from "./gql.js";
import { Q_SETUP, Q_SIGN_IN } from "./documents.js";

const KEY_STORE = "secgov.console.key";

export const session = {
  api: null,
  key: null,
  signedInAt: 0,
  viewer: null, // { role, bodies, discussedAt, may }
  visible: 0, // how many exceptions the key may see
  labels: new Map(), // kind → value → { text, doneText }
  reportTypes: [],
  meetings: [],
  periods: [],
  latestReceived: null,
};

export const savedKey = () => sessionStorage.getItem(KEY_STORE);

// Signs in with a key; throws ApiError when the server refuses it.
export async function open(key) {
  const api = new Api(key);
  const d = await api.query(Q_SIGN_IN);
  const labels = new Map();
  for (const l of d.labels) {
    if (!labels.has(l.kind)) labels.set(l.kind, new Map());
    labels.get(l.kind).set(l.value, l);
  }
  Object.assign(session, {
    api, key, signedInAt: Date.now(), viewer: d.viewer, visible: d.exceptions.totalCount, labels,
  });
  sessionStorage.setItem(KEY_STORE, key);
}

// The report catalogue, the periods seen and the meetings an exception can be put on: throws ApiError on failure.
export async function loadCatalogue() {
  const d = await session.api.query(Q_SETUP);
  session.reportTypes = d.reportTypes;
  session.periods = [...new Set(d.reportSubmissions.edges.map((e) => e.node.period))].sort().reverse();
  session.meetings = d.bodies.filter((b) => session.viewer.discussedAt.includes(b.code))
    .flatMap((b) => b.meetings.edges.map((e) => ({ ...e.node, body: b.code })));
  session.latestReceived = d.reportSubmissions.edges.map((e) => e.node.receivedAt).sort().pop() || null;
}

export function close() {
  sessionStorage.removeItem(KEY_STORE);
  Object.assign(session, {
    api: null, key: null, signedInAt: 0, viewer: null, visible: 0, labels: new Map(), reportTypes: [], meetings: [],
    periods: [], latestReceived: null,
  });
}

// Whether the server lets this caller use a role-restricted query or mutation (it stays the judge when called).
export const may = (field) => Boolean(session.viewer && session.viewer.may.includes(field));

// The server's words for an enum value (or, with done, for a review action once done); null when it has none.
export function labelOf(kind, value, { done = false } = {}) {
  const l = session.labels.get(kind) && session.labels.get(kind).get(value);
  return l ? (done && l.doneText) || l.text : null;
}

// In the order the server lists them.
export const values = (kind) => [...(session.labels.get(kind) || new Map()).keys()];

// A catalogue value the papers do not state is shown as such.
export function tbc(code, field) {
  const t = session.reportTypes.find((r) => r.code === code);
  return t && (t.toBeConfirmed || []).includes(field) ? " (TBC)" : "";
}
