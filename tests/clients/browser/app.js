// A single-page app served from its own origin, using the API on another: a query, a subscription over
// graphql-transport-ws, and an upload that the subscription then hears of. window.run(api, key) answers what
// happened to each; nothing is thrown, so a refusal is seen as the page sees it.
"use strict";

const CSV = "subscriber,forecast,actual\nS1,553814,873383\n";
const FLAGGED = 'subscription Flagged { exceptionFlagged(reportType: "CSR_VARIANCE") { ruleCode subject } }';
const UPLOAD =
  'mutation Upload($file: Upload!) { uploadReport(reportType: "CSR_VARIANCE", period: "2018-05", file: $file) ' +
  "{ submission { id status } errors { code } } }";

async function query(api, key) {
  const response = await fetch(`${api}/graphql`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: "query BodyCodes { bodies { code } }" }),
  });
  return { status: response.status, body: await response.json() };
}

async function upload(api, key) {
  const form = new FormData();
  form.append("operations", JSON.stringify({ query: UPLOAD, variables: { file: null } }));
  form.append("map", JSON.stringify({ 0: ["variables.file"] }));
  form.append("0", new Blob([CSV], { type: "text/csv" }), "csr.csv");
  const response = await fetch(`${api}/graphql`, {
    method: "POST",
    headers: { Authorization: `Bearer ${key}`, "X-Secgov-Upload": "1" },
    body: form,
  });
  return { status: response.status, body: await response.json() };
}

// Resolves `subscribed` once the server acknowledged the connection and the subscription was sent, and `done`
// with the events heard (or what went wrong).
function subscribe(api, key, wanted, timeoutMs) {
  const events = [];
  let markSubscribed;
  const subscribed = new Promise((resolve) => { markSubscribed = resolve; });
  const done = new Promise((resolve) => {
    const finish = (error) => { clearTimeout(timer); markSubscribed(false); resolve({ events, error }); };
    const timer = setTimeout(() => finish(`timed out after ${events.length} events`), timeoutMs);
    const ws = new WebSocket(`${api.replace(/^http/, "ws")}/graphql`, "graphql-transport-ws");
    ws.onopen = () => ws.send(JSON.stringify({ type: "connection_init", payload: { Authorization: `Bearer ${key}` } }));
    ws.onerror = () => finish("the WebSocket failed");
    ws.onclose = (e) => finish(`closed ${e.code}`);
    ws.onmessage = (message) => {
      const data = JSON.parse(message.data);
      if (data.type === "connection_ack") {
        ws.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query: FLAGGED } }));
        markSubscribed(true);
      } else if (data.type === "next") {
        events.push(`${data.payload.data.exceptionFlagged.ruleCode} ${data.payload.data.exceptionFlagged.subject}`);
        if (events.length === wanted) { ws.onclose = null; ws.close(); finish(null); }
      } else if (data.type === "error") {
        finish(JSON.stringify(data.payload));
      }
    };
  });
  return { subscribed, done };
}

async function attempt(step) {
  try {
    return await step();
  } catch (e) {
    return { error: String(e) };
  }
}

window.run = async (api, key, timeoutMs) => {
  const out = { query: await attempt(() => query(api, key)) };
  const subscription = subscribe(api, key, 3, timeoutMs);
  out.subscribed = await subscription.subscribed;
  out.upload = await attempt(() => upload(api, key));
  out.subscription = await subscription.done;
  return out;
};
