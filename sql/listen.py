"""The live feed: one LISTEN connection per API process, fanned out to each subscriber's queue."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

import asyncpg

from sql.db import Conn, Pool
from sql.events import Event, decode
from sql.list_sizes import CHANNEL as SIZES_CHANNEL
from sql.list_sizes import ListSizes

CHANNEL = "secgov_events"
log = logging.getLogger("secgov.live")


class EventHub:
    """The live feed, and on the same connection the unpaged lists' sizes (`sizes`) for the cost estimate."""

    def __init__(self) -> None:
        self.sizes = ListSizes()
        self._subscribers: set[asyncio.Queue[Event]] = set()
        self._conn: Conn | None = None
        self._pool: Pool | None = None
        self._task: asyncio.Task[None] | None = None

    def _on_notify(self, conn: object, pid: int, channel: str, payload: object) -> None:
        event = decode(payload if isinstance(payload, str | bytes) else str(payload))
        if event is None:
            return
        for queue in list(self._subscribers):
            if queue.qsize() < 1000:  # a stalled subscriber loses events rather than memory
                queue.put_nowait(event)

    async def start(self, pool: Pool) -> None:
        self._pool = pool
        self._task = asyncio.create_task(self._keep_listening())

    async def _keep_listening(self) -> None:
        """Listen, and listen again after the database comes back (a restart drops the connection)."""
        assert self._pool is not None
        while True:
            try:
                async with self._pool.acquire() as conn:
                    self._conn = conn
                    await conn.add_listener(CHANNEL, self._on_notify)
                    await conn.add_listener(SIZES_CHANNEL, self.sizes.heard)
                    await self.sizes.read(conn)  # after listening: no growth falls between the two
                    try:
                        while not conn.is_closed():
                            await asyncio.sleep(1)
                            await conn.execute("SELECT 1")
                    finally:
                        if not conn.is_closed():
                            with contextlib.suppress(Exception):
                                await asyncio.shield(conn.remove_listener(CHANNEL, self._on_notify))
                                await asyncio.shield(conn.remove_listener(SIZES_CHANNEL, self.sizes.heard))
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as e:
                log.warning("live feed lost its database connection (%s); retrying", type(e).__name__)
                self._conn = None
                await asyncio.sleep(1)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def events(self) -> AsyncIterator[Event]:
        queue: asyncio.Queue[Event] = asyncio.Queue()
        self._subscribers.add(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            self._subscribers.discard(queue)
