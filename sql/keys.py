"""API keys: stored as SHA-256 of a high-entropy secret, shown once."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

import asyncpg

from domain.roles import ROLES
from sql.db import Conn
from sql.errors import Conflict, InvalidInput, NotFound
from sql.loader import fetch, fetchrow, fetchval
from sql.rows import ApiKeyHolder, from_record

PREFIX = "sgk_"


def hash_key(key: str) -> bytes:
    # The secret has 256 bits of entropy, so a fast hash is enough; lookup by hash keeps comparison out of Python.
    return hashlib.sha256(key.encode()).digest()


async def create(
    conn: Conn,
    *,
    name: str,
    role: str,
    bodies: list[str],
    party_id: int | None,
    expires_at: datetime | None = None,
) -> str:
    """Store a new key and return its secret (the only time it is shown)."""
    if role not in ROLES or role == "public":
        raise InvalidInput(
            f"unknown role {role!r}; one of {', '.join(r for r in ROLES if r != 'public')}", field="role"
        )
    if role == "party" and party_id is None:
        raise InvalidInput("a party key needs --party", field="party")
    key = PREFIX + secrets.token_urlsafe(32)
    try:
        await fetchval(
            conn,
            "api_keys.insert",
            name=name,
            key_hash=hash_key(key),
            role=role,
            bodies=sorted(set(bodies)),
            party_id=party_id,
            expires_at=expires_at,
        )
    except asyncpg.UniqueViolationError as e:
        raise Conflict(f"a key named {name!r} already exists", field="name") from e
    return key


async def holder(conn: Conn, *, key: str) -> ApiKeyHolder | None:
    """The live key's holder (marking the key used), or None for an unknown, revoked or expired key.

    No secret is compared in Python: the lookup is by the SHA-256 digest in a unique index, so the most an attacker
    could time is an index probe with a digest they cannot aim at a stored one (that would need SHA-256 preimages).
    The constant-time comparison of the stored and computed digests after the lookup is defence in depth.
    """
    digest = hash_key(key)
    row = await fetchrow(conn, "api_keys.by_hash", key_hash=digest)
    if row is None or not hmac.compare_digest(bytes(row["key_hash"]), digest):
        return None
    return from_record(ApiKeyHolder, row)


async def live_hashes(conn: Conn) -> set[bytes]:
    """The SHA-256 digests of every live key."""
    return {bytes(r["key_hash"]) for r in await fetch(conn, "api_keys.live_hashes")}


async def revoke(conn: Conn, *, name: str) -> None:
    if await fetchval(conn, "api_keys.revoke", name=name) is None:
        raise NotFound(f"no live key named {name!r}", field="name")


async def listing(conn: Conn) -> list[asyncpg.Record]:
    return await fetch(conn, "api_keys.list")
