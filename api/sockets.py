"""The edge of a graphql-transport-ws connection, after it was admitted.

- Each operation (`subscribe` message) counts against the GraphQL rate limit of the connection's key (the one in
  `connection_init`, parsed like a header) or, without one, of its address: the same count as HTTP requests, so an
  open connection is not a way around the limit. Over it, that operation answers an `error` message with
  RATE_LIMITED and retryAfter; the connection stays open.
- A connection runs at most MAX_OPERATIONS_PER_CONNECTION operations at once (strawberry refuses the next one).
- A presented key is looked up again each time its cache entry runs out (api/auth.py, 5 s): once it is revoked or
  expired, the connection is closed with 4403 and its subscriptions end.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth import InvalidKey, KeyResolver
from api.ratelimit import Refusal

MAX_OPERATIONS_PER_CONNECTION = 20
# A message worth reading here is a small JSON object; larger ones (big variables) are the app's to refuse.
_PEEK_CHARS = 200_000
REVOKED = 4403

Admit = Callable[[tuple[str, ...], str | None], Awaitable[Refusal | None]]
log = logging.getLogger("secgov.api.sockets")


def _peek(message: Message) -> dict[str, Any] | None:
    """A client's graphql-transport-ws message when it is connection_init or subscribe; None for anything else."""
    text = message.get("text")
    if not isinstance(text, str) or len(text) > _PEEK_CHARS or not ("subscribe" in text or "connection_init" in text):
        return None
    try:
        found = json.loads(text)
    except ValueError:
        return None
    return found if isinstance(found, dict) and found.get("type") in ("subscribe", "connection_init") else None


class Socket:
    def __init__(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        *,
        keys: KeyResolver,
        admit: Admit,
        unknown_key: Callable[[], Awaitable[None]],
    ) -> None:
        self.scope, self._receive, self._send = scope, receive, send
        self.keys, self.admit, self.unknown_key = keys, admit, unknown_key
        self.authorization: str | None = None
        self.closed = False
        self.revoked = asyncio.Event()
        self.watcher: asyncio.Task[None] | None = None

    async def serve(self, app: ASGIApp) -> None:
        try:
            await app(self.scope, self.receive, self.send)
        finally:
            if self.watcher is not None:
                self.watcher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self.watcher

    async def send(self, message: Message) -> None:
        if self.closed:
            return  # closed here (key revoked): the app's last words go nowhere
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
            peeked = _peek(message) if message["type"] == "websocket.receive" else None
            if peeked is None:
                return message
            if peeked["type"] == "connection_init":
                await self._init(peeked)
                return message
            refusal = await self.admit(("graphql",), self.authorization)
            if refusal is None:
                return message
            await self._refuse(peeked.get("id"), refusal)

    async def _next(self) -> Message:
        """The client's next message; a disconnect once the connection was closed here."""
        if self.revoked.is_set():
            return {"type": "websocket.disconnect", "code": REVOKED}
        client = asyncio.ensure_future(self._receive())
        stop = asyncio.ensure_future(self.revoked.wait())
        try:
            await asyncio.wait((client, stop), return_when=asyncio.FIRST_COMPLETED)
        finally:  # also when the app is cancelled while waiting: no task is left behind
            stop.cancel()
            if not client.done():
                client.cancel()
        if client.done() and not client.cancelled():
            return client.result()
        return {"type": "websocket.disconnect", "code": REVOKED}

    async def _init(self, message: dict[str, Any]) -> None:
        """The connection's key: refused here before a lookup when its address sent too many unknown keys (the app
        then rejects the key itself), watched for revocation when live."""
        payload = message.get("payload")
        header = None
        if isinstance(payload, dict):
            value = payload.get("Authorization", payload.get("authorization"))
            header = value if isinstance(value, str) else None
        self.authorization = header
        if header is None or self.watcher is not None:
            return
        refusal = await self.admit((), header)
        if refusal is not None:
            await self._close(4429, refusal.message)
            return
        try:
            _, until = await self.keys.lookup(header)
        except InvalidKey:
            await self.unknown_key()
            return
        self.watcher = asyncio.create_task(self._watch(header, until))

    async def _watch(self, header: str, until: float) -> None:
        while True:
            await asyncio.sleep(max(until - time.monotonic(), 0.05))
            try:
                _, until = await self.keys.lookup(header)
            except InvalidKey:
                await self._close(REVOKED, "the API key was revoked or has expired")
                return
            except Exception as e:  # noqa: BLE001 - the database away: keep the connection, ask again shortly
                log.warning("could not check a WebSocket's key (%s)", type(e).__name__)
                until = time.monotonic() + 1

    async def _close(self, code: int, reason: str) -> None:
        if not self.closed:
            self.closed = True
            await self._send({"type": "websocket.close", "code": code, "reason": reason})
        self.revoked.set()

    async def _refuse(self, op_id: object, refusal: Refusal) -> None:
        error = {"message": refusal.message, "extensions": {"code": "RATE_LIMITED", "retryAfter": refusal.retry_after}}
        await self.send(
            {"type": "websocket.send", "text": json.dumps({"id": op_id, "type": "error", "payload": [error]})}
        )
