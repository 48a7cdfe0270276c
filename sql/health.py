"""Cheap questions the edge and the CLI ask of the database."""

from __future__ import annotations

from sql.db import Conn
from sql.loader import fetchval


async def ping(conn: Conn) -> None:
    await fetchval(conn, "health.ping")


async def has_parties(conn: Conn) -> bool:
    found: bool = await fetchval(conn, "health.has_parties")
    return found


async def data_version(conn: Conn) -> int:
    version: int = await fetchval(conn, "health.data_version")
    return version
