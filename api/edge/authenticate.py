"""The API key → the viewer, in the scope's state for everything after (401 for a key that is not live). A
WebSocket's key is read once its connection starts (api/sockets.py), not here."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from api.admission import Admission, RateLimited, client_of
from api.auth import InvalidKey
from api.responses import rate_limited, refusal


class Authenticate:
    def __init__(self, app: ASGIApp, admission: Admission) -> None:
        self.app = app
        self.admission = admission

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            authorization = Headers(scope=scope).get("authorization")
            try:
                viewer, _ = await self.admission.viewer(authorization, client_of(scope))
            except InvalidKey as e:
                await refusal(scope["path"], 401, "UNAUTHENTICATED", str(e))(scope, receive, send)
                return
            except RateLimited as e:
                await rate_limited(scope["path"], e.refusal)(scope, receive, send)
                return
            scope.setdefault("state", {})["viewer"] = viewer
        await self.app(scope, receive, send)
