"""Bearer API keys → the Viewer; lookups cached for a few seconds in the process."""

from __future__ import annotations

import asyncio
import time

from api.resources import Resources
from domain.viewer import PUBLIC, Viewer
from sql import keys

# A key revoked or expired is refused by every part of the process (HTTP, each WebSocket operation, the watch on an
# open WebSocket) at most this long after: under the 5 s the operations docs promise, with room for the lookup.
CACHE_SECONDS = 4.0
# How old the set of live keys may be when it decides whether a key from an address flooding made-up ones is good.
LIVE_SET_SECONDS = 5.0
MAX_CACHED = 10_000


class InvalidKey(Exception):
    """A key was presented and is not live: 401, never the public's view."""


def bearer_key(authorization: str | None) -> str | None:
    """The key in 'Bearer <key>': the scheme in any case, any white space around and between; None otherwise."""
    parts = (authorization or "").split()
    return parts[1] if len(parts) == 2 and parts[0].lower() == "bearer" else None


class KeyResolver:
    def __init__(self, resources: Resources) -> None:
        self.resources = resources
        self._cache: dict[str, tuple[float, Viewer | None]] = {}
        self._live: set[bytes] = set()
        self._live_at = -LIVE_SET_SECONDS
        self._live_lock = asyncio.Lock()

    async def viewer(self, authorization: str | None) -> Viewer:
        return (await self.lookup(authorization))[0]

    async def lookup(self, authorization: str | None) -> tuple[Viewer, float]:
        """The viewer, and the time (time.monotonic()) until which this answer is cached: a key revoked now is
        refused from then on."""
        if not authorization:
            return PUBLIC, float("inf")
        key = bearer_key(authorization)
        if key is None:
            raise InvalidKey("the Authorization header must be 'Bearer <api key>'")
        now = time.monotonic()
        hit = self._cache.get(key)
        if hit is None or hit[0] < now:
            async with self.resources.pool.acquire() as conn:
                holder = await keys.holder(conn, key=key)
            found = (
                None
                if holder is None
                else Viewer(
                    role=holder.role,
                    bodies=tuple(holder.bodies),
                    party_id=holder.party_id,
                    key_id=holder.id,
                    name=holder.name,
                )
            )
            if len(self._cache) > MAX_CACHED:
                self._cache.clear()
            hit = (now + CACHE_SECONDS, found)
            self._cache[key] = hit
        if hit[1] is None:
            raise InvalidKey("the API key is unknown, revoked or expired")
        return hit[1], hit[0]

    async def known_good(self, authorization: str | None) -> bool:
        """Whether the key is live, from the set of live keys' digests (read again when older than
        LIVE_SET_SECONDS, at most once at a time): no lookup per key, however many made-up keys arrive."""
        key = bearer_key(authorization)
        if key is None:
            return False
        digest = keys.hash_key(key)
        if digest in self._live:
            return True
        if time.monotonic() - self._live_at > LIVE_SET_SECONDS:
            async with self._live_lock:
                if time.monotonic() - self._live_at > LIVE_SET_SECONDS:
                    async with self.resources.pool.acquire() as conn:
                        self._live = await keys.live_hashes(conn)
                    self._live_at = time.monotonic()
        return digest in self._live
