"""The edge middleware: request id, API key → viewer, and clear JSON errors for refusals."""

from __future__ import annotations

import uuid

from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth import InvalidKey, KeyResolver


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


class Edge:
    def __init__(self, app: ASGIApp, keys: KeyResolver) -> None:
        self.app = app
        self.keys = keys

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        conn = HTTPConnection(scope)
        request_id = conn.headers.get("x-request-id") or uuid.uuid4().hex
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        try:
            state["viewer"] = await self.keys.viewer(conn.headers.get("authorization"))
        except InvalidKey as e:
            if scope["type"] == "http":
                await error_response(401, "UNAUTHENTICATED", str(e))(scope, receive, send)
                return
            await send({"type": "websocket.close", "code": 4401, "reason": str(e)})
            return

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", []).append((b"x-request-id", request_id.encode()))
            await send(message)

        await self.app(scope, receive, send_with_id)
