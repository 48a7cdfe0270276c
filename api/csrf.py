"""CSRF defence for GraphQL multipart uploads: a custom header, and a same-origin Origin when one is sent."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from api.edge import error_response


class CsrfGuard:
    """An ASGI wrapper (a class, so Starlette's router passes it scope, receive and send)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            request = Request(scope)
            if request.headers.get("content-type", "").startswith("multipart/form-data"):
                problem = _problem(request)
                if problem:
                    await error_response(400, "CSRF_REFUSED", problem)(scope, receive, send)
                    return
        await self.app(scope, receive, send)


def _problem(request: Request) -> str | None:
    if request.headers.get("x-secgov-upload") != "1":
        return "a multipart GraphQL request needs the header X-Secgov-Upload: 1"
    origin = request.headers.get("origin")
    if origin and origin != "null":
        host = request.headers.get("host", "")
        if urlsplit(origin).netloc != host:
            return f"the Origin {origin} is not this site"
    elif origin == "null":
        return "an opaque Origin is not accepted for uploads"
    return None
