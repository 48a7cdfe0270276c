"""Connections: a pool with the codecs the store relies on."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import asyncpg
import orjson

if TYPE_CHECKING:
    from asyncpg.pool import PoolConnectionProxy

    Conn = asyncpg.Connection[Any] | PoolConnectionProxy[Any]
    Pool = asyncpg.Pool[Any]
else:  # asyncpg's classes are generic only in its type stubs
    Conn = asyncpg.Connection
    Pool = asyncpg.Pool


async def _init(conn: Conn) -> None:
    await conn.set_type_codec(
        "json", schema="pg_catalog", encoder=lambda v: orjson.dumps(v).decode(), decoder=orjson.loads)
    # Binary, so COPY can carry jsonb too: version byte 1, then the JSON text.
    await conn.set_type_codec(
        "jsonb", schema="pg_catalog", format="binary", encoder=lambda v: b"\x01" + orjson.dumps(v),
        decoder=lambda b: orjson.loads(b[1:]))


async def create_pool(
    dsn: str, *, min_size: int = 1, max_size: int = 10, on_query: Callable[[str], None] | None = None,
    **kwargs: Any,
) -> Pool:
    """A pool whose connections decode JSON; `on_query` sees every statement (tests count them)."""

    async def init(conn: Conn) -> None:
        await _init(conn)
        if on_query is not None:
            conn.add_query_logger(lambda logged: on_query(logged.query))

    pool = await asyncpg.create_pool(dsn, min_size=min_size, max_size=max_size, init=init, **kwargs)
    assert pool is not None
    return pool


async def connect(dsn: str) -> Conn:
    conn: Conn = await asyncpg.connect(dsn)
    await _init(conn)
    return conn
