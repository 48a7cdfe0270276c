"""The request context every resolver receives."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from strawberry.types import Info as StrawberryInfo

from schema.errors import unauthenticated
from schema.loaders import Loaders
from sql.db import Conn, Pool
from sql.viewer import Viewer

Enqueue = Callable[[int, str], Awaitable[None]]


@dataclass
class Context:
    pool: Pool
    viewer: Viewer
    request_id: str
    loaders: Loaders
    # Wired by api: hands a submission id to the workers, so the API process never loads the validation stack.
    enqueue: Enqueue | None = None
    request: Any = None
    response: Any = None
    client: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    # The WebSocket's connection_init payload (strawberry fills it in).
    connection_params: dict[str, Any] | None = None

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Conn]:
        async with self.pool.acquire() as conn:
            yield conn

    def require_key(self) -> Viewer:
        if self.viewer.role == "public":
            raise unauthenticated()
        return self.viewer


def build_context(pool: Pool, viewer: Viewer, request_id: str, **kwargs: Any) -> Context:
    return Context(pool=pool, viewer=viewer, request_id=request_id, loaders=Loaders(pool, viewer), **kwargs)


Info = StrawberryInfo[Context, None]
