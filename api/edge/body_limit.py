"""Body caps: a body larger than its cap is refused 413 from its declared length, or while it streams, before the
app has buffered it. Uploads through /graphql may be as large as an upload; the REST upload route enforces its own
limit while streaming; every other body (a GraphQL request in JSON) is capped by SECGOV_MAX_JSON_BYTES."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.edge.rate_limit import UPLOAD_ROUTE, categories
from api.responses import refusal

# The multipart envelope around an upload's bytes (its fields, the document, the map).
ENVELOPE_BYTES = 64 * 1024


class BodyTooLarge(Exception):
    """A body passed its cap while being read."""


class BodyLimit:
    def __init__(self, app: ASGIApp, *, max_upload_bytes: int, max_json_bytes: int) -> None:
        self.app = app
        self.max_upload_bytes = max_upload_bytes
        self.max_json_bytes = max_json_bytes

    def cap(self, scope: Scope, headers: Headers) -> int | None:
        if scope["path"].startswith(UPLOAD_ROUTE):
            return None
        if "uploads" in categories(scope, headers):
            return self.max_upload_bytes + ENVELOPE_BYTES
        return self.max_json_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        cap = self.cap(scope, headers)
        if cap is None:
            await self.app(scope, receive, send)
            return
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            message = f"the body declares {int(declared):,} bytes; the limit is {cap:,}"
            await refusal(scope["path"], 413, "PAYLOAD_TOO_LARGE", message)(scope, receive, send)
            return
        received, answered = 0, False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > cap:
                raise BodyTooLarge
            return message

        async def noting_send(message: Message) -> None:
            nonlocal answered
            answered = answered or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, noting_send)
        except BodyTooLarge:
            if answered:
                raise  # the answer had begun: nothing clean left to say
            message = f"the body is larger than the limit of {cap:,} bytes"
            await refusal(scope["path"], 413, "PAYLOAD_TOO_LARGE", message)(scope, receive, send)
