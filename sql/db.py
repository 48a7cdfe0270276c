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


async def set_codecs(conn: Conn) -> None:
    """json and jsonb as Python values through orjson, on every new connection."""
    await conn.set_type_codec(
        "json", schema="pg_catalog", encoder=lambda v: orjson.dumps(v).decode(), decoder=orjson.loads
    )
    # Binary, so COPY can carry jsonb too: version byte 1, then the JSON text.
    await conn.set_type_codec(
        "jsonb",
        schema="pg_catalog",
        format="binary",
        encoder=lambda v: b"\x01" + orjson.dumps(v),
        decoder=lambda b: orjson.loads(b[1:]),
    )


async def _keep_session(conn: Conn) -> None:
    """Nothing to undo when a connection goes back to the pool: our code leaves no session state behind (no SET,
    LISTEN only on the live feed's own connection, which removes it, session advisory locks always released in a
    `finally`), and asyncpg still rolls back an open transaction first. asyncpg's default reset would cost a round
    trip (`pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL`) per release."""


# JIT compilation of a plan costs seconds (9 s for the OPSG table on a busy machine, against 30 ms to run it): the
# planner's estimates for the set-returning calendar functions cross the JIT threshold though the rows are few.
NO_JIT = {"jit": "off"}


async def create_pool(
    dsn: str,
    *,
    min_size: int = 1,
    max_size: int = 10,
    on_query: Callable[[str], None] | None = None,
    statement_timeout_s: float | None = None,
    **kwargs: Any,
) -> Pool:
    """A pool whose connections decode JSON, keep their prepared statements (asyncpg's per-connection cache, larger
    than its default so every statement of the API fits) and are not reset on release; `on_query` sees every
    statement (tests count them). `statement_timeout_s` bounds each statement on the server (set once per
    connection, when it opens: no round trip per request)."""

    async def init(conn: Conn) -> None:
        await set_codecs(conn)
        if on_query is not None:
            conn.add_query_logger(lambda logged: on_query(logged.query))

    settings = {**NO_JIT, **dict(kwargs.pop("server_settings", None) or {})}
    if statement_timeout_s:
        settings["statement_timeout"] = str(int(statement_timeout_s * 1000))
    kwargs["server_settings"] = settings
    kwargs.setdefault("statement_cache_size", 1000)
    pool = await asyncpg.create_pool(
        dsn, min_size=min_size, max_size=max_size, init=init, reset=_keep_session, **kwargs
    )
    assert pool is not None
    return pool


async def connect(dsn: str) -> Conn:
    conn: Conn = await asyncpg.connect(dsn, server_settings=NO_JIT)
    await set_codecs(conn)
    return conn
