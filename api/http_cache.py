"""HTTP caching of GraphQL reads sent with GET: an ETag made of the data version and the answer, Cache-Control and
Vary, and 304 Not Modified when the client's If-None-Match names the answer it has.

The ETag changes when the answer changes or any write has committed since (the data version), so a client that
revalidates never keeps an answer older than the data. Answers are revalidated every time (`no-cache`): they depend
on the clock too (today's register, a deadline passing). Keyed answers are the key holder's alone (`private`);
public ones (no key) may be kept by a shared cache, which must revalidate them as well. A 304 saves the bytes, not
the work: the answer is computed (or taken from the response cache) and compared.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from urllib.parse import parse_qs

from starlette.datastructures import Headers
from starlette.types import Message, Scope, Send

# With Origin, which the edge's CORS layer adds to every answer (outside this one): Vary is then
# "Authorization, Accept, Origin", each named once.
VARY = b"Authorization, Accept"


def is_graphql_get(scope: Scope) -> bool:
    """A GET that carries an operation (not the GraphiQL page)."""
    if scope.get("method") != "GET":
        return False
    params = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return "query" in params or "extensions" in params


def entity_tag(version: int | None, body: bytes) -> str:
    digest = hashlib.sha256(body).hexdigest()[:32]
    return f'"{version}-{digest}"' if version is not None else f'"{digest}"'


def matches(if_none_match: str | None, tag: str) -> bool:
    """Whether If-None-Match names this tag (weak comparison, as RFC 9110 asks for it)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    return any(t.strip().removeprefix("W/") == tag for t in if_none_match.split(","))


def conditional(scope: Scope, send: Send, *, keyed: bool, version: Callable[[], int | None]) -> Send:
    """`send` for a GraphQL GET: a 200 answer gets its ETag, Cache-Control and Vary, or becomes a 304."""
    if_none_match = Headers(scope=scope).get("if-none-match")
    control = b"private, no-cache" if keyed else b"public, no-cache"
    start: Message | None = None
    chunks: list[bytes] = []

    async def send_cached(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            if message["status"] != 200:
                message.setdefault("headers", []).append((b"vary", VARY))
                await send(message)
                return
            start = message
            return
        if start is None or message["type"] != "http.response.body":
            await send(message)
            return
        chunks.append(message.get("body", b""))
        if message.get("more_body", False):
            return
        body = b"".join(chunks)
        tag = entity_tag(version(), body)
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() not in (b"cache-control", b"vary")]
        headers += [(b"etag", tag.encode()), (b"cache-control", control), (b"vary", VARY)]
        if matches(if_none_match, tag):
            kept = [(k, v) for k, v in headers if k.lower() not in (b"content-length", b"content-type")]
            await send({"type": "http.response.start", "status": 304, "headers": kept})
            await send({"type": "http.response.body", "body": b""})
            return
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return send_cached
