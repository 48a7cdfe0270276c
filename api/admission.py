"""Whether a caller may go on, and as whom: the rate limits, asked before a key is looked up, then the key.

One policy for HTTP requests (the edge's middlewares) and WebSocket connections (api/sockets.py):
- each request, and each operation sent over a WebSocket, counts against its key (or, without one, its address);
- a presented key is looked up (cached, api/auth.py); one that is not live counts against its address's
  `unknown_keys` limit; past that limit, keys from the address are refused before the lookup, unless the key is
  known to be good (api/auth.py `known_good`), so made-up keys cannot lock out a real one behind the same address.
"""

from __future__ import annotations

from starlette.types import Scope

from api.auth import InvalidKey, KeyResolver
from api.metrics import Metrics
from api.ratelimit import RateLimiter, Refusal, identity
from domain.viewer import Viewer


class RateLimited(Exception):
    """Refused by a rate limit (429 over HTTP, 4429 or an operation's error over a WebSocket)."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.message)
        self.refusal = refusal


class Admission:
    def __init__(self, keys: KeyResolver, limiter: RateLimiter | None, metrics: Metrics) -> None:
        self.keys = keys
        self.limiter = limiter
        self.metrics = metrics

    async def count(self, kinds: tuple[str, ...], authorization: str | None, client: str | None) -> Refusal | None:
        """Count one request of each kind against its key (or address); the refusal when a limit is passed."""
        if self.limiter is None or not kinds:
            return None
        refusal = await self.limiter.hit(kinds, identity(authorization, client))
        if refusal is not None:
            self.metrics.rate_limited.labels(refusal.category).inc()
        return refusal

    async def viewer(self, authorization: str | None, client: str | None) -> tuple[Viewer, float]:
        """The key's viewer and the time (monotonic) until which that answer holds.

        RateLimited when the address sent too many unknown keys and this one is not known to be good; InvalidKey
        (counted against the address) when the key is not live."""
        if authorization and self.limiter is not None:
            refusal = await self.limiter.exhausted("unknown_keys", identity(None, client))
            if refusal is not None and not await self.keys.known_good(authorization):
                self.metrics.rate_limited.labels(refusal.category).inc()
                raise RateLimited(refusal)
        try:
            return await self.keys.lookup(authorization)
        except InvalidKey:
            if self.limiter is not None:
                await self.limiter.hit(("unknown_keys",), identity(None, client))
            raise


def client_of(scope: Scope) -> str | None:
    """The client's address (the proxy's forwarded one when SECGOV_TRUSTED_PROXIES lists the proxy)."""
    client = scope.get("client")
    return str(client[0]) if isinstance(client, tuple | list) and client else None
