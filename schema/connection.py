"""The request's one database connection."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from sql.db import Conn, Pool

if TYPE_CHECKING:
    from asyncpg.pool import PoolConnectionProxy


class RequestConnection:
    """The one pooled connection of a request: taken from the pool on first use (a request answered without SQL
    takes none), shared by every resolver and DataLoader of the request one statement batch at a time (top-level
    fields run concurrently; asyncpg runs one query at a time per connection), given back when the request ends.

    `per_use=True` (a WebSocket, which lives for hours) takes a connection for each use instead."""

    def __init__(self, pool: Pool, *, acquire_timeout_s: float | None = None, per_use: bool = False) -> None:
        self.pool = pool
        self.acquire_timeout_s = acquire_timeout_s
        self.per_use = per_use
        self._conn: PoolConnectionProxy[Any] | None = None
        self._lock = asyncio.Lock()
        # Run once, before the request's first statement (the response cache's data version check).
        self.before_first: Callable[[Conn], Awaitable[None]] | None = None

    @asynccontextmanager
    async def use(self) -> AsyncIterator[Conn]:
        async with self._lock:
            if self._conn is None:
                self._conn = await self.pool.acquire(timeout=self.acquire_timeout_s)
            if self.before_first is not None:
                first, self.before_first = self.before_first, None
                await first(self._conn)
            try:
                yield self._conn
            finally:
                if self.per_use:
                    await self.release()

    async def release(self) -> None:
        """Give the connection back (idempotent): at the end of the request, or as soon as execution is done."""
        conn, self._conn = self._conn, None
        if conn is not None:
            await self.pool.release(conn)
