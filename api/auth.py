"""Bearer API keys → the Viewer; lookups cached for a few seconds in the process."""

from __future__ import annotations

import time

from api.resources import Resources
from domain.viewer import PUBLIC, Viewer
from sql import keys

CACHE_SECONDS = 5.0


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
            if len(self._cache) > 10_000:
                self._cache.clear()
            hit = (now + CACHE_SECONDS, found)
            self._cache[key] = hit
        if hit[1] is None:
            raise InvalidKey("the API key is unknown, revoked or expired")
        return hit[1], hit[0]
