"""The request context every resolver receives."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any

from strawberry.types import Info as StrawberryInfo

from domain.limits import MAX_UPLOAD_BYTES
from domain.register import CheckedFile
from domain.viewer import Viewer
from schema.connection import RequestConnection
from schema.loaders import Loaders
from sql.db import Conn, Pool
from sql.listen import EventHub

Enqueue = Callable[[int, str], Awaitable[None]]
# Re-runs stored files under tried catalogue parameters out of this process (api.whatif_child): a request in, the
# findings out, as JSON.
WhatIfRunner = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]
# Wired by api: a register file ('register') or opening balance ('balance') checked outside the API process.
CheckFile = Callable[[str, bytes], Awaitable[CheckedFile]]


@dataclass
class Context:
    pool: Pool
    viewer: Viewer
    request_id: str
    loaders: Loaders
    db: RequestConnection
    # Wired by api: hands a submission id to the workers, so the API process never loads the validation stack.
    enqueue: Enqueue | None = None
    # Wired by api: the what-if's re-run, in a child process.
    what_if: WhatIfRunner | None = None
    check_file: CheckFile | None = None
    request: Any = None
    response: Any = None
    client: str | None = None
    # The process's feed of NOTIFY events, for subscriptions (None where nothing listens: no subscription events).
    hub: EventHub | None = None
    # Uploads through GraphQL are refused past this many bytes (SECGOV_MAX_UPLOAD_BYTES).
    max_upload_bytes: int = MAX_UPLOAD_BYTES
    # The WebSocket's connection_init payload (strawberry fills it in).
    connection_params: dict[str, Any] | None = None
    # The response cache (api): whether this request's answer may be kept, the data version read for it, and
    # whether it was a query (only those are kept).
    keep_answer: bool = False
    data_version: int | None = None
    answer_keepable: bool = False
    # Set when the operation reached execution (schema/observe.py): its answer has `data`, even null.
    executed: bool = False

    def connection(self) -> AbstractAsyncContextManager[Conn]:
        """`async with ctx.connection() as conn:` the request's connection (see RequestConnection)."""
        return self.db.use()


def build_context(db: RequestConnection, viewer: Viewer, request_id: str, **kwargs: Any) -> Context:
    return Context(pool=db.pool, viewer=viewer, request_id=request_id, loaders=Loaders(db, viewer), db=db, **kwargs)


Info = StrawberryInfo[Context, None]
