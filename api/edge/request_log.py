"""Outermost of the edge: every request gets a request id (the caller's X-Request-Id when sane, in the logs and
on the answer), and once answered its metrics and one access line."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

from starlette.datastructures import Headers
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import logs
from api.admission import client_of
from api.edge.rate_limit import categories
from api.metrics import Metrics
from sql.errors import is_unavailable

_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def request_id_of(header: str | None) -> str:
    """The caller's X-Request-Id when it is a sane token (it goes into logs), otherwise a new one."""
    return header if header and _REQUEST_ID.fullmatch(header) else uuid.uuid4().hex


def route_path(scope: Scope) -> str | None:
    """The route's template (a bounded label), also for requests refused before the router ran."""
    route = scope.get("route")
    if route is None:
        for candidate in getattr(getattr(scope.get("app"), "router", None), "routes", ()):
            if candidate.matches(scope)[0] == Match.FULL:
                route = candidate
                break
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else None


class RequestLog:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        request_id = request_id_of(headers.get("x-request-id"))
        scope.setdefault("state", {})["request_id"] = request_id
        token = logs.REQUEST_ID.set(request_id)
        try:
            if scope["type"] == "websocket":
                await self.app(scope, receive, send)
            else:
                await self._http(scope, receive, send, request_id, "uploads" in categories(scope, headers))
        finally:
            logs.REQUEST_ID.reset(token)

    async def _http(self, scope: Scope, receive: Receive, send: Send, request_id: str, upload: bool) -> None:
        started = time.perf_counter()
        status, answered, received = 500, False, 0

        async def send_with_id(message: Message) -> None:
            nonlocal status, answered
            if message["type"] == "http.response.start":
                status, answered = message["status"], True
                message.setdefault("headers", []).append((b"x-request-id", request_id.encode()))
            await send(message)

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            return message

        try:
            await self.app(scope, counting_receive, send_with_id)
        except Exception as e:
            if not answered:  # the app's exception handler answers it: record what it will say
                status = 503 if is_unavailable(e) else 500
            raise
        finally:
            self._observe(scope, status, time.perf_counter() - started, received if upload else None)

    def _observe(self, scope: Scope, status: int, seconds: float, upload_bytes: int | None) -> None:
        path = route_path(scope)
        state: dict[str, Any] = scope.get("state", {})
        if path == "/graphql":
            kind, operation = "graphql", self.metrics.operation(state.get("graphql_operation"))
        elif path is not None and path.startswith("/api/"):
            kind, operation = "rest", f"{scope.get('method', 'GET')} {path}"
        else:
            kind, operation = "other", path or "unmatched"
        self.metrics.observe(kind=kind, operation=operation, status=status, seconds=seconds)
        if upload_bytes is not None and 200 <= status < 300:
            self.metrics.upload_bytes.labels(kind).observe(upload_bytes)
        viewer = state.get("viewer")
        logs.access(
            method=scope.get("method", "GET"),
            path=scope["path"],
            status=status,
            seconds=seconds,
            kind=kind,
            operation=operation,
            client=client_of(scope),
            key=getattr(viewer, "name", None),
        )
