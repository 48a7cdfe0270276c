"""The rate limits, asked before anything else costs: a refused request runs no SQL and reads no body."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from api.admission import Admission, client_of
from api.responses import rate_limited

UPLOAD_ROUTE = "/api/v1/reports/"
# Limited as `reads`: every other API route (health is not: a load balancer asks it often, and it does no IO).
READ_ROUTES = ("/api/", "/metrics", "/readyz")


def categories(scope: Scope, headers: Headers) -> tuple[str, ...]:
    """Which rate limits a request counts against (a WebSocket's handshake counts as a GraphQL request)."""
    path, method = scope["path"], scope.get("method", "GET")
    if path.rstrip("/") == "/graphql":
        if method == "POST" and headers.get("content-type", "").startswith("multipart/form-data"):
            return ("graphql", "uploads")
        return ("graphql",)
    if method == "POST" and path.startswith(UPLOAD_ROUTE):
        return ("uploads",)
    if path.startswith(READ_ROUTES):
        return ("reads",)
    return ()


class RateLimit:
    def __init__(self, app: ASGIApp, admission: Admission) -> None:
        self.app = app
        self.admission = admission

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            headers = Headers(scope=scope)
            kinds = categories(scope, headers)
            refusal = await self.admission.count(kinds, headers.get("authorization"), client_of(scope))
            if refusal is not None:
                if scope["type"] == "websocket":
                    await send({"type": "websocket.close", "code": 4429, "reason": refusal.message})
                else:
                    await rate_limited(scope["path"], refusal)(scope, receive, send)
                return
        await self.app(scope, receive, send)
