"""GraphQL documents known by their SHA-256: automatic persisted queries and trusted documents (migration 0040)."""

from __future__ import annotations

from dataclasses import dataclass

from sql.db import Conn
from sql.loader import execute, fetchrow, fetchval

# Automatic persisted queries kept at most (the oldest registered are evicted), each at most MAX_PERSISTED_CHARS
# (a longer document runs, but is not kept): at most some 40 MB, whatever clients send.
MAX_AUTOMATIC = 2_000
MAX_PERSISTED_CHARS = 20_000


@dataclass(frozen=True, slots=True)
class Known:
    document: str
    trusted: bool


async def by_hash(conn: Conn, *, sha256: str) -> Known | None:
    row = await fetchrow(conn, "documents.by_hash", sha256=sha256)
    return Known(row["document"], row["trusted"]) if row is not None else None


async def remember(conn: Conn, *, sha256: str, document: str, keep: int = MAX_AUTOMATIC) -> None:
    """Keep an automatic persisted query (known already: nothing changes); the oldest beyond `keep` go."""
    await execute(conn, "documents.remember", sha256=sha256, document=document, keep=keep)


async def trust(conn: Conn, *, sha256: str, document: str) -> bool:
    """Register a trusted document; True when it was not trusted before."""
    added = await fetchval(conn, "documents.trust", sha256=sha256, document=document)
    return added is not None
