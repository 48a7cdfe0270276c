"""A graphql-transport-ws connection's guard: every message read in full before strawberry sees it, the key checked
once when the connection starts and again for each operation and while it stays open.

- Every frame is parsed whole (at most SECGOV_MAX_JSON_BYTES): a binary frame, one larger than that, one that is
  not a JSON object with a `type`, closes the connection (4400, or 1009 for the size). Strawberry then reads the
  message as it was parsed here (encoded again), so nothing it acts on was read differently here.
- The key: the `Authorization` entry of the connection_init payload (its name in any case, at most once); when the
  payload has none, the handshake's `Authorization` header. Read in one place, `authenticate`, which strawberry's
  on_ws_connect calls (api/graphql_view.py). A key that is not live closes the connection with 4403; an address
  that sent too many unknown keys, 4429.
- Each operation (`subscribe`) counts against the GraphQL rate limit of the connection's key (or its address):
  the same count as HTTP requests. Over it, that operation answers an `error` message with RATE_LIMITED and
  retryAfter; the connection stays open. Its variables are bounded as over HTTP (api/variables.py).
- The key is looked up again for each operation and whenever its cache entry runs out (api/auth.py): once it is
  revoked or expired, the connection is closed with 4403, its subscriptions end, and nothing more is answered.
- A connection runs at most MAX_OPERATIONS_PER_CONNECTION operations at once (strawberry refuses the next one).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.admission import Admission, RateLimited, client_of
from api.auth import InvalidKey
from api.variables import variables_problem
from domain.viewer import Viewer

MAX_OPERATIONS_PER_CONNECTION = 20
INVALID, REVOKED, LIMITED, TOO_BIG = 4400, 4403, 4429, 1009
log = logging.getLogger("secgov.api.sockets")


class Refused(Exception):
    """The connection was closed here (its code and reason already sent): strawberry must not acknowledge it."""


def socket_authorization(payload: dict[str, Any], handshake: str | None) -> str | None:
    """The connection's key by the one rule (module docstring); InvalidKey when the payload names it twice or not
    as text."""
    named = [value for name, value in payload.items() if name.lower() == "authorization"]
    if len(named) > 1:
        raise InvalidKey("the connection_init payload names Authorization more than once")
    if not named:
        return handshake
    if named[0] is not None and not isinstance(named[0], str):
        raise InvalidKey("the connection_init payload's Authorization must be 'Bearer <api key>'")
    return named[0] or None


def session_of(scope: Scope) -> Socket:
    """The connection's guard, which the edge put in the scope's state."""
    socket = scope.get("state", {}).get("socket")
    if not isinstance(socket, Socket):
        raise RuntimeError("a WebSocket reached GraphQL without the edge's guard")
    return socket


class Socket:
    def __init__(self, scope: Scope, receive: Receive, send: Send, *, admission: Admission, max_bytes: int) -> None:
        self.scope, self._receive, self._send = scope, receive, send
        self.admission, self.max_bytes = admission, max_bytes
        self.client = client_of(scope)
        self.authorization: str | None = None
        self.closed = False
        self.stopped = asyncio.Event()  # closed here: the app reads a disconnect from now on
        self.watcher: asyncio.Task[None] | None = None
        scope.setdefault("state", {})["socket"] = self

    async def serve(self, app: ASGIApp) -> None:
        try:
            await app(self.scope, self.receive, self.send)
        finally:
            if self.watcher is not None:
                self.watcher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self.watcher

    async def authenticate(self, payload: dict[str, Any], handshake: str | None) -> Viewer:
        """The connection's viewer, from its key (checked here only); Refused (connection closed) otherwise."""
        try:
            self.authorization = socket_authorization(payload, handshake)
            viewer, until = await self.admission.viewer(self.authorization, self.client)
        except InvalidKey as e:
            await self.close(REVOKED, str(e))
            raise Refused(str(e)) from e
        except RateLimited as e:
            await self.close(LIMITED, e.refusal.message)
            raise Refused(e.refusal.message) from e
        if self.authorization and self.watcher is None:
            self.watcher = asyncio.create_task(self._watch(until))
        return viewer

    async def send(self, message: Message) -> None:
        if self.closed:
            return  # closed here: the app's last words go nowhere
        if message["type"] == "websocket.close":
            self.closed = True
        elif message["type"] == "websocket.send" and message.get("bytes") is not None:
            # graphql-transport-ws is a text protocol (browsers hand binary frames over as Blobs, which its clients
            # do not read): JSON encoded to bytes goes out as the text it is.
            message = {"type": "websocket.send", "text": message["bytes"].decode()}
        await self._send(message)

    async def receive(self) -> Message:
        while True:
            message = await self._next()
            if message["type"] != "websocket.receive":
                return message
            found = await self._parse(message)
            if found is None:
                return {"type": "websocket.disconnect", "code": INVALID}
            if found["type"] == "subscribe" and not await self._admit(found):
                if self.closed:
                    return {"type": "websocket.disconnect", "code": REVOKED}
                continue
            return {"type": "websocket.receive", "text": json.dumps(found)}

    async def _parse(self, message: Message) -> dict[str, Any] | None:
        """The message as a JSON object with a type; None (the connection closed) for anything else."""
        text = message.get("text")
        if not isinstance(text, str):
            await self.close(INVALID, "a graphql-transport-ws message is a text frame")
            return None
        if len(text) > self.max_bytes or len(text.encode()) > self.max_bytes:
            await self.close(TOO_BIG, f"a message may be at most {self.max_bytes:,} bytes")
            return None
        try:
            found = json.loads(text)
        except ValueError:
            found = None
        if not isinstance(found, dict) or not isinstance(found.get("type"), str):
            await self.close(INVALID, "a graphql-transport-ws message is a JSON object with a type")
            return None
        payload = found.get("payload")
        if found["type"] == "subscribe" and not (
            isinstance(found.get("id"), str) and isinstance(payload, dict) and isinstance(payload.get("query"), str)
        ):
            await self.close(INVALID, "a subscribe message has a text id and a payload with a query")
            return None
        return found

    async def _admit(self, message: dict[str, Any]) -> bool:
        """Whether an operation may run: its count, its variables, its key still live."""
        op_id = message.get("id")
        refusal = await self.admission.count(("graphql",), self.authorization, self.client)
        if refusal is not None:
            await self._error(op_id, refusal.message, "RATE_LIMITED", retryAfter=refusal.retry_after)
            return False
        payload = message.get("payload")
        problem = variables_problem(payload.get("variables") if isinstance(payload, dict) else None)
        if problem is not None:
            await self._error(op_id, problem, "QUERY_TOO_COMPLEX")
            return False
        if self.authorization:
            try:
                await self.admission.keys.lookup(self.authorization)
            except InvalidKey:
                await self.close(REVOKED, "the API key was revoked or has expired")
                return False
            except Exception as e:  # noqa: BLE001 - the database away: the operation itself will say so
                log.warning("could not check a WebSocket's key (%s)", type(e).__name__)
        return True

    async def _next(self) -> Message:
        """The client's next message; a disconnect once the connection was closed here."""
        if self.stopped.is_set():
            return {"type": "websocket.disconnect", "code": REVOKED}
        client = asyncio.ensure_future(self._receive())
        stop = asyncio.ensure_future(self.stopped.wait())
        try:
            await asyncio.wait((client, stop), return_when=asyncio.FIRST_COMPLETED)
        finally:  # also when the app is cancelled while waiting: no task is left behind
            stop.cancel()
            if not client.done():
                client.cancel()
        if client.done() and not client.cancelled():
            return client.result()
        return {"type": "websocket.disconnect", "code": REVOKED}

    async def _watch(self, until: float) -> None:
        """Close the connection once its key is no longer live (asked each time the cached answer runs out)."""
        assert self.authorization is not None
        while True:
            await asyncio.sleep(max(until - time.monotonic(), 0.05))
            try:
                _, until = await self.admission.keys.lookup(self.authorization)
            except InvalidKey:
                await self.close(REVOKED, "the API key was revoked or has expired")
                return
            except Exception as e:  # noqa: BLE001 - the database away: keep the connection, ask again shortly
                log.warning("could not check a WebSocket's key (%s)", type(e).__name__)
                until = time.monotonic() + 1

    async def close(self, code: int, reason: str) -> None:
        if not self.closed:
            self.closed = True
            await self._send({"type": "websocket.close", "code": code, "reason": reason})
        self.stopped.set()

    async def _error(self, op_id: object, message: str, code: str, **extensions: object) -> None:
        error = {"message": message, "extensions": {"code": code, **extensions}}
        await self.send(
            {"type": "websocket.send", "text": json.dumps({"id": op_id, "type": "error", "payload": [error]})}
        )


class SocketGuard:
    """The edge's middleware for WebSockets: each connection served through its own Socket."""

    def __init__(self, app: ASGIApp, admission: Admission, max_bytes: int) -> None:
        self.app = app
        self.admission = admission
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":
            await self.app(scope, receive, send)
            return
        await Socket(scope, receive, send, admission=self.admission, max_bytes=self.max_bytes).serve(self.app)
