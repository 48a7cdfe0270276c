"""GraphQL multipart requests (uploads through /graphql): the CSRF defence, and the uploader's role checked before
the file is read.

CSRF: a custom header, and, when an Origin is sent, this site's or one SECGOV_CORS_ORIGINS allows (a page there may
call the API by design: the custom header already needs the CORS preflight that allowance answers); otherwise 400
CSRF_REFUSED.

Role: for a caller who may not upload, only the leading fields are read (`operations` and `map`, which the multipart
request spec puts before the files); the mutation then runs with each file replaced by an empty one, so it answers
its usual payload error (FORBIDDEN, UNAUTHENTICATED) and is audited as usual, and the file itself, up to 256 MiB, is
never read or buffered. The REST route checks the role before reading too.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncGenerator, Collection
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.responses import refusal
from domain.roles import UPLOADERS

# The leading fields of an upload are a GraphQL document and a small map: more is not an upload's.
MAX_LEADING_FIELDS_BYTES = 1024 * 1024


class CsrfGuard:
    """An ASGI wrapper (a class, so Starlette's router passes it scope, receive and send)."""

    def __init__(self, app: ASGIApp, allowed_origins: Collection[str] = ()) -> None:
        self.app = app
        self.allowed_origins = frozenset(allowed_origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            request = Request(scope)
            if request.headers.get("content-type", "").startswith("multipart/form-data"):
                problem = _problem(request, self.allowed_origins)
                if problem:
                    await refusal(scope["path"], 400, "CSRF_REFUSED", problem)(scope, receive, send)
                    return
                if request.state.viewer.role not in UPLOADERS:
                    await self._without_files(scope, receive, send)
                    return
        await self.app(scope, receive, send)

    async def _without_files(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the request with its leading fields only (each file empty): the mutation refuses the role."""
        headers = Headers(scope=scope)
        fields = await leading_fields(headers, receive)
        if fields is None:
            await refusal(
                scope["path"],
                413,
                "PAYLOAD_TOO_LARGE",
                f"the fields before the file are larger than {MAX_LEADING_FIELDS_BYTES:,} bytes",
            )(scope, receive, send)
            return
        boundary = f"secgov-{uuid.uuid4().hex}"
        body = without_files(fields, boundary)
        replaced = [(k, v) for k, v in scope["headers"] if k not in (b"content-length", b"content-type")]
        replaced += [
            (b"content-length", str(len(body)).encode()),
            (b"content-type", f"multipart/form-data; boundary={boundary}".encode()),
        ]
        sent = False

        async def receive_body() -> Message:
            nonlocal sent
            if sent:
                return await receive()  # nothing more: wait for the disconnect
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app({**scope, "headers": replaced}, receive_body, send)


async def leading_fields(headers: Headers, receive: Receive) -> list[tuple[str, str]] | None:
    """The form fields before the first file, reading no further than its part's headers; None past the cap."""

    async def stream() -> AsyncGenerator[bytes, None]:
        size = 0
        while True:
            message = await receive()
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_LEADING_FIELDS_BYTES:
                raise OverflowError
            yield chunk
            if not message.get("more_body", False):
                return

    parser = MultiPartParser(headers, stream(), max_files=0, max_fields=10)
    try:
        await parser.parse()
    except MultiPartException:
        pass  # at the first file (no file is wanted), or malformed: the fields read so far are all there is
    except OverflowError:
        return None
    return [(name, value) for name, value in parser.items if isinstance(value, str)]


def without_files(fields: list[tuple[str, str]], boundary: str) -> bytes:
    """A multipart body of these fields and, for each file the map names, an empty file."""
    try:
        mapping = json.loads(dict(fields).get("map", "{}"))
    except ValueError:
        mapping = {}
    files = list(mapping) if isinstance(mapping, dict) else []
    parts = [
        f"--{boundary}\r\nContent-Disposition: form-data; name={_quoted(name)}\r\n\r\n{value}\r\n"
        for name, value in fields
    ]
    parts += [
        f'--{boundary}\r\nContent-Disposition: form-data; name={_quoted(str(name))}; filename="not-read"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n\r\n"
        for name in files
    ]
    return ("".join(parts) + f"--{boundary}--\r\n").encode()


def _quoted(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "").replace("\n", "") + '"'


def _problem(request: Request, allowed_origins: Collection[str]) -> str | None:
    if request.headers.get("x-secgov-upload") != "1":
        return "a multipart GraphQL request needs the header X-Secgov-Upload: 1"
    origin = request.headers.get("origin")
    if origin and origin != "null":
        host = request.headers.get("host", "")
        if urlsplit(origin).netloc != host and origin not in allowed_origins:
            return f"the Origin {origin} is not this site, nor one SECGOV_CORS_ORIGINS allows"
    elif origin == "null":
        return "an opaque Origin is not accepted for uploads"
    return None
