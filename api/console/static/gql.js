// The console's way to the public API: GraphQL over HTTP, a minimal graphql-transport-ws client, keyed downloads.
// No library: fetch, WebSocket and Blob are enough.

export class ApiError extends Error {
  constructor(code, message, status = 0) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

export class Api {
  constructor(key) {
    this.key = key;
  }

  headers(extra = {}) {
    const h = { ...extra };
    if (this.key) h.Authorization = `Bearer ${this.key}`;
    return h;
  }

  // {data, errors}; a refused key (401) or a transport failure throws ApiError.
  async request(query, variables = {}) {
    let response;
    try {
      response = await fetch("/graphql", {
        method: "POST",
        headers: this.headers({ "Content-Type": "application/json", Accept: "application/json" }),
        body: JSON.stringify({ query, variables }),
      });
    } catch (e) {
      throw new ApiError("NETWORK", `The server could not be reached (${e.message}).`);
    }
    let body = null;
    try {
      body = await response.json();
    } catch {
      throw new ApiError("BAD_RESPONSE", `The server answered ${response.status} without JSON.`, response.status);
    }
    if (body && body.error) throw new ApiError(body.error.code, body.error.message, response.status);
    if (!response.ok && !(body && (body.data || body.errors))) {
      throw new ApiError(`HTTP_${response.status}`, `The server answered ${response.status}.`, response.status);
    }
    return { data: body.data || null, errors: body.errors || [] };
  }

  // data, or throws ApiError with the first GraphQL error's code and every message.
  async query(query, variables = {}) {
    const { data, errors } = await this.request(query, variables);
    if (errors.length) {
      const code = (errors[0].extensions && errors[0].extensions.code) || "GRAPHQL_ERROR";
      throw new ApiError(code, errors.map((e) => e.message).join("; "));
    }
    return data;
  }

  // Fetch a file with the key and hand it to the browser as a download (a Blob link: links cannot carry headers).
  async download(url, filename) {
    let response;
    try {
      response = await fetch(url, { headers: this.headers() });
    } catch (e) {
      throw new ApiError("NETWORK", `The server could not be reached (${e.message}).`);
    }
    if (!response.ok) {
      let code = `HTTP_${response.status}`;
      let message = `The server answered ${response.status}.`;
      try {
        const body = await response.json();
        if (body.error) ({ code, message } = body.error);
      } catch { /* not JSON */ }
      throw new ApiError(code, message, response.status);
    }
    const blob = await response.blob();
    const href = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = href;
    a.download = filename;
    a.hidden = true;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(href), 60_000);
    return blob.size;
  }
}

// graphql-transport-ws (https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md), the few messages we need:
// connection_init → connection_ack; subscribe → next* → complete | error; ping ↔ pong.
export class LiveClient {
  constructor(key, { onOpen, onClose } = {}) {
    this.key = key;
    this.onOpen = onOpen || (() => {});
    this.onClose = onClose || (() => {});
    this.socket = null;
    this.acked = false;
    this.nextId = 1;
    this.subs = new Map(); // id → {payload, sink}
    this.closedByUs = false;
  }

  url() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    return `${scheme}//${location.host}/graphql`;
  }

  // Resolves once the server acknowledged the connection; rejects if it never does.
  connect(timeoutMs = 5000) {
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (why) => {
        if (!settled) {
          settled = true;
          reject(new Error(why));
        }
      };
      let socket;
      try {
        socket = new WebSocket(this.url(), "graphql-transport-ws");
      } catch (e) {
        fail(e.message);
        return;
      }
      this.socket = socket;
      const timer = setTimeout(() => {
        fail("no connection_ack in time");
        socket.close(4408, "Connection initialisation timeout");
      }, timeoutMs);
      socket.addEventListener("open", () => {
        const payload = this.key ? { Authorization: `Bearer ${this.key}` } : {};
        socket.send(JSON.stringify({ type: "connection_init", payload }));
      });
      socket.addEventListener("message", (event) => {
        let msg;
        try {
          msg = JSON.parse(event.data);
        } catch {
          return;
        }
        if (msg.type === "connection_ack") {
          clearTimeout(timer);
          this.acked = true;
          settled = true;
          for (const [id, sub] of this.subs) this.send({ id, type: "subscribe", payload: sub.payload });
          this.onOpen();
          resolve();
        } else if (msg.type === "ping") {
          this.send({ type: "pong" });
        } else if (msg.type === "next") {
          const sub = this.subs.get(msg.id);
          if (sub) sub.sink.next(msg.payload || {});
        } else if (msg.type === "error") {
          const sub = this.subs.get(msg.id);
          this.subs.delete(msg.id);
          if (sub) sub.sink.error(Array.isArray(msg.payload) ? msg.payload : [msg.payload]);
        } else if (msg.type === "complete") {
          const sub = this.subs.get(msg.id);
          this.subs.delete(msg.id);
          if (sub) sub.sink.complete();
        }
      });
      socket.addEventListener("close", (event) => {
        clearTimeout(timer);
        const wasAcked = this.acked;
        this.acked = false;
        fail(`closed (${event.code}${event.reason ? `: ${event.reason}` : ""})`);
        if (wasAcked && !this.closedByUs) this.onClose(event);
      });
    });
  }

  send(msg) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(msg));
  }

  // sink: {next(payload), error(errors), complete()}; returns a function that ends the subscription.
  subscribe(query, variables, sink) {
    const id = String(this.nextId++);
    const payload = { query, variables };
    this.subs.set(id, { payload, sink });
    if (this.acked) this.send({ id, type: "subscribe", payload });
    return () => {
      if (this.subs.delete(id)) this.send({ id, type: "complete" });
    };
  }

  close() {
    this.closedByUs = true;
    this.subs.clear();
    if (this.socket) this.socket.close(1000, "signed out");
  }
}
