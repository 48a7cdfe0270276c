"""Rate limits per API key (or per client address without one), counted in the process or in a shared Redis.

SECGOV_RATE_LIMITS names a limit per category, e.g. "uploads=60/minute;graphql=1200/minute" (a category may list
several, "uploads=60/minute,1000/day"). The edge asks before the key is looked up, so a refusal runs no SQL.

`reads` (default 1200/minute) counts the other API routes: /metrics, /readyz, a submission's summary and the OPSG
table's downloads. Requests are counted against the key (parsed: `bearer  K` is `Bearer K`), or against the client
address when no Bearer key is shown (a malformed header is not a count of its own).

Another category, `unknown_keys` (default 20/minute), counts per client address the presented keys that turned out
unknown, revoked or expired: past it, that address's keys are refused before the lookup, so a flood of made-up keys
(each its own per-key count) cannot turn into a flood of lookups.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse_many
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError
from limits.storage import storage_from_string

from api.auth import bearer_key

log = logging.getLogger("secgov.api.ratelimit")
CATEGORIES = ("uploads", "graphql", "reads", "unknown_keys")
DEFAULTS = {"reads": "1200/minute", "unknown_keys": "20/minute"}
_WHAT = {"uploads": "uploads", "graphql": "GraphQL requests", "reads": "requests", "unknown_keys": "unknown API keys"}


@dataclass(frozen=True, slots=True)
class Refusal:
    category: str
    limit: RateLimitItem
    retry_after: int  # whole seconds, at least 1

    @property
    def message(self) -> str:
        unit = self.limit.GRANULARITY.name
        per = unit if self.limit.multiples == 1 else f"{self.limit.multiples} {unit}s"
        return (
            f"too many {_WHAT[self.category]}: the limit is {self.limit.amount} per {per}; try again in "
            f"{self.retry_after} s"
        )


def parse_limits(spec: str) -> dict[str, list[RateLimitItem]]:
    """'uploads=60/minute;graphql=1200/minute' → {category: [limits]}; a clear ValueError for anything else."""
    found: dict[str, list[RateLimitItem]] = {k: parse_many(v) for k, v in DEFAULTS.items()}
    for part in filter(None, (p.strip() for p in spec.split(";"))):
        category, sep, value = part.partition("=")
        category = category.strip().lower()
        if not sep or category not in CATEGORIES:
            raise ValueError(
                f"SECGOV_RATE_LIMITS: {part!r} is not <category>=<limit> with a category of {', '.join(CATEGORIES)}"
            )
        try:
            found[category] = parse_many(value.replace(",", ";"))
        except ValueError as e:
            raise ValueError(f"SECGOV_RATE_LIMITS: {value!r} is not a limit like 60/minute") from e
    return found


def storage_uri(setting: str | None) -> str:
    """The limits library's async storage for SECGOV_RATE_LIMIT_STORAGE (unset: this process's memory)."""
    if not setting or setting.startswith("memory://"):
        return "async+memory://"
    if setting.startswith("unix://"):
        return "async+redis+unix://" + setting.removeprefix("unix://")
    if setting.startswith(("redis://", "rediss://", "redis+unix://")):
        return "async+" + setting
    raise ValueError("SECGOV_RATE_LIMIT_STORAGE must be redis://..., rediss://..., unix://... or unset")


def identity(authorization: str | None, client: str | None) -> str:
    """Whom a request is counted against: the presented Bearer key (as a digest: no secret is kept), else the
    address."""
    key = bearer_key(authorization)
    if key is not None:
        return "key:" + hashlib.sha256(key.encode()).hexdigest()[:32]
    return "addr:" + (client or "unknown")


class RateLimiter:
    """Moving-window counts: a refused request does not use up the allowance, and Retry-After is exact."""

    def __init__(self, spec: str, storage: str | None) -> None:
        self.limits = parse_limits(spec)
        uri = storage_uri(storage)
        options: dict[str, float | str | bool] = {}
        if uri.startswith("async+redis"):
            # redis-py (declared in pyproject.toml) rather than coredis; short timeouts: an unreachable
            # Redis must not hold requests up.
            options = {
                "implementation": "redispy",
                "socket_timeout": 0.5,
                "socket_connect_timeout": 0.5,
                "wrap_exceptions": True,
            }
        self.shared = uri != "async+memory://"
        self.strategy = MovingWindowRateLimiter(storage_from_string(uri, **options))

    async def hit(self, categories: tuple[str, ...], who: str) -> Refusal | None:
        """Count one request of each category against `who`; the first limit it would pass is the refusal."""
        for category in categories:
            for limit in self.limits.get(category, ()):
                refusal = await self._check(category, limit, who, count=True)
                if refusal is not None:
                    return refusal
        return None

    async def exhausted(self, category: str, who: str) -> Refusal | None:
        """The refusal `who` would get in a category, without counting anything."""
        for limit in self.limits.get(category, ()):
            refusal = await self._check(category, limit, who, count=False)
            if refusal is not None:
                return refusal
        return None

    async def _check(self, category: str, limit: RateLimitItem, who: str, *, count: bool) -> Refusal | None:
        try:
            if await (self.strategy.hit if count else self.strategy.test)(limit, category, who):
                return None
            stats = await self.strategy.get_window_stats(limit, category, who)
        except StorageError as e:
            # Fail open: an outage of the shared counter must not take the API down with it.
            log.error("rate-limit storage unavailable (%s); request let through", type(e).__name__)
            return None
        return Refusal(category, limit, max(1, math.ceil(stats.reset_time - time.time())))
