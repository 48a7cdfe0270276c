"""API keys: stored as SHA-256 of a high-entropy secret, shown once."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

import asyncpg

from sql.db import Conn
from sql.errors import Conflict, InvalidInput, NotFound
from sql.loader import fetch, fetchrow, fetchval
from sql.rows import ApiKeyHolder, from_record
from sql.viewer import ROLES

PREFIX = "sgk_"


def hash_key(key: str) -> bytes:
    # The secret has 256 bits of entropy, so a fast hash is enough; lookup by hash keeps comparison out of Python.
    return hashlib.sha256(key.encode()).digest()


async def create(
    conn: Conn, *, name: str, role: str, bodies: list[str], party_id: int | None,
    expires_at: datetime | None = None,
) -> str:
    """Store a new key and return its secret (the only time it is shown)."""
    if role not in ROLES or role == "public":
        raise InvalidInput(f"unknown role {role!r}; one of {', '.join(r for r in ROLES if r != 'public')}",
                           field="role")
    if role == "party" and party_id is None:
        raise InvalidInput("a party key needs --party", field="party")
    key = PREFIX + secrets.token_urlsafe(32)
    try:
        await fetchval(conn, "api_keys.insert", name=name, key_hash=hash_key(key), role=role,
                       bodies=sorted(set(bodies)), party_id=party_id, expires_at=expires_at)
    except asyncpg.UniqueViolationError as e:
        raise Conflict(f"a key named {name!r} already exists", field="name") from e
    return key


async def holder(conn: Conn, *, key: str) -> ApiKeyHolder | None:
    row = await fetchrow(conn, "api_keys.by_hash", key_hash=hash_key(key))
    return from_record(ApiKeyHolder, row) if row else None


async def revoke(conn: Conn, *, name: str) -> None:
    if await fetchval(conn, "api_keys.revoke", name=name) is None:
        raise NotFound(f"no live key named {name!r}", field="name")


async def listing(conn: Conn) -> list[asyncpg.Record]:
    return await fetch(conn, "api_keys.list")
