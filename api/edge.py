"""The edge middleware: request id, rate limits, API key → viewer, body-size caps, metrics and the access log.

Order matters: the rate limit is asked before the key is looked up, so a refused request runs no SQL at all.
"""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

from starlette.requests import HTTPConnection
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import logs
from api.admission import Admission, RateLimited, client_of
from api.auth import InvalidKey, KeyResolver
from api.metrics import Metrics
from api.ratelimit import RateLimiter
from api.responses import error_response as error_response
from api.sockets import Socket
from domain.limits import MAX_UPLOAD_BYTES, MIB
from sql.errors import is_unavailable

# Bodies of GraphQL requests that are not uploads: a legitimate query is a few kB (its tokens are limited anyway).
MAX_GRAPHQL_BODY = 8 * 1024 * 1024
UPLOAD_ROUTE = "/api/v1/reports/"
# Limited as `reads`: every other API route (health is not: a load balancer asks it often, and it does no IO).
READ_ROUTES = ("/api/", "/metrics", "/readyz")
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


class BodyTooLarge(Exception):
    """A body passed its cap while being read."""


def request_id_of(header: str | None) -> str:
    """The caller's X-Request-Id when it is a sane token (it goes into logs), otherwise a new one."""
    return header if header and _REQUEST_ID.fullmatch(header) else uuid.uuid4().hex


def categories(scope: Scope, content_type: str) -> tuple[str, ...]:
    """Which rate limits a request counts against."""
    path, method = scope["path"], scope.get("method", "GET")
    if path.rstrip("/") == "/graphql":
        if method == "POST" and content_type.startswith("multipart/form-data"):
            return ("graphql", "uploads")
        return ("graphql",)
    if method == "POST" and path.startswith(UPLOAD_ROUTE):
        return ("uploads",)
    if path.startswith(READ_ROUTES):
        return ("reads",)
    return ()


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


class Edge:
    def __init__(
        self,
        app: ASGIApp,
        keys: KeyResolver,
        limiter: RateLimiter | None = None,
        metrics: Metrics | None = None,
        max_upload_bytes: int = MAX_UPLOAD_BYTES,
        max_json_bytes: int = MIB,
    ) -> None:
        self.app = app
        self.metrics = metrics or Metrics()
        self.admission = Admission(keys, limiter, self.metrics)
        self.max_upload_bytes = max_upload_bytes
        self.max_json_bytes = max_json_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        conn = HTTPConnection(scope)
        request_id = request_id_of(conn.headers.get("x-request-id"))
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        token = logs.REQUEST_ID.set(request_id)
        try:
            if scope["type"] == "websocket":
                await self._websocket(scope, receive, send, conn)
            else:
                await self._http(scope, receive, send, conn, request_id)
        finally:
            logs.REQUEST_ID.reset(token)

    async def _websocket(self, scope: Scope, receive: Receive, send: Send, conn: HTTPConnection) -> None:
        refusal = await self.admission.count(("graphql",), conn.headers.get("authorization"), client_of(scope))
        if refusal is not None:
            await send({"type": "websocket.close", "code": 4429, "reason": refusal.message})
            return
        # The key is read and checked once the connection starts (api/sockets.py), not here.
        socket = Socket(scope, receive, send, admission=self.admission, max_bytes=self.max_json_bytes)
        await socket.serve(self.app)

    async def _http(self, scope: Scope, receive: Receive, send: Send, conn: HTTPConnection, request_id: str) -> None:
        started = time.perf_counter()
        status = 500
        answered = False
        received = 0
        content_type = conn.headers.get("content-type", "")
        kinds = categories(scope, content_type)
        upload = "uploads" in kinds
        # The REST upload route enforces its own limit while streaming; everything else is capped here.
        cap = (
            None
            if scope["path"].startswith(UPLOAD_ROUTE)
            else (self.max_upload_bytes + 64 * 1024 if upload else MAX_GRAPHQL_BODY)
        )

        async def send_with_id(message: Message) -> None:
            nonlocal status, answered
            if message["type"] == "http.response.start":
                status, answered = message["status"], True
                message.setdefault("headers", []).append((b"x-request-id", request_id.encode()))
            await send(message)

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if cap is not None and received > cap:
                    raise BodyTooLarge
            return message

        async def refuse(code: int, error: str, message: str, headers: dict[str, str] | None = None) -> None:
            await error_response(code, error, message, headers)(scope, receive, send_with_id)

        try:
            declared = conn.headers.get("content-length", "")
            try:
                await self._admit(scope, kinds, conn.headers.get("authorization"))
            except RateLimited as e:
                r = e.refusal
                await refuse(429, "RATE_LIMITED", r.message, {"Retry-After": str(r.retry_after)})
            except InvalidKey as e:
                await refuse(401, "UNAUTHENTICATED", str(e))
            else:
                if cap is not None and declared.isdigit() and int(declared) > cap:
                    await refuse(
                        413, "PAYLOAD_TOO_LARGE", f"the body declares {int(declared):,} bytes; the limit is {cap:,}"
                    )
                    return
                try:
                    await self.app(scope, counting_receive, send_with_id)
                except BodyTooLarge:
                    if answered:
                        raise  # the answer had begun: nothing clean left to say
                    await refuse(413, "PAYLOAD_TOO_LARGE", f"the body is larger than the limit of {cap:,} bytes")
        except Exception as e:
            if not answered:  # the app's exception handler answers it: record what it will say
                status = 503 if is_unavailable(e) else 500
            raise
        finally:
            self._observe(scope, status, time.perf_counter() - started, received if upload else None)

    async def _admit(self, scope: Scope, kinds: tuple[str, ...], authorization: str | None) -> None:
        """The request's rate limits, then its key: RateLimited or InvalidKey, else the viewer in the scope."""
        refusal = await self.admission.count(kinds, authorization, client_of(scope))
        if refusal is not None:
            raise RateLimited(refusal)
        scope["state"]["viewer"] = (await self.admission.viewer(authorization, client_of(scope)))[0]

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
