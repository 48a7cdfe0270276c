"""Answers to GraphQL reads kept per API process, keyed by the request and the viewer's clearance, valid only for
the data version they were computed at.

Freshness: each request that could be answered from here reads the data version (one short statement on the
request's own connection) before answering; every committed write has raised that version in its own transaction
(migration 0011), so a request that starts after a write committed never gets an answer kept from before it, in
any API process. An answer is stored under the version read before its resolvers ran (a write committing
meanwhile makes the answer newer than its version, never older).

Never kept: mutations and subscriptions (only query operations are stored), answers with errors, multipart and GET
requests. Never shared across clearances: the viewer's role, bodies and party are part of the key. Answers that
depend on the clock (today's register, a deadline passing) are kept at most MAX_AGE_S and never past midnight.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import orjson
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from domain.viewer import Viewer

MAX_AGE_S = 60.0
Key = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Kept:
    version: int
    body: bytes
    stored_at: float
    operation: str | None  # its name, for metrics and the access log


def request_key(payload: object, viewer: Viewer, day: date) -> Key | None:
    """The key of a single GraphQL request body, or None when it is not one that may be kept."""
    if not isinstance(payload, dict):
        return None
    query, name, variables = payload.get("query"), payload.get("operationName"), payload.get("variables") or {}
    if not isinstance(query, str) or not isinstance(variables, dict) or not isinstance(name, str | None):
        return None
    try:
        canonical = orjson.dumps(variables, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        return None
    return (query, name, canonical, viewer.role, viewer.all_bodies, viewer.party_id, day)


class ResponseCache:
    """Least recently used answers up to `max_bytes` of bodies."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._kept: OrderedDict[Key, Kept] = OrderedDict()
        self.bytes = 0
        self.hits = 0
        self.misses = 0
        self.evictions = 0

    def known(self, key: Key) -> bool:
        """Whether an answer is kept for this request at some version (worth reading the current version for)."""
        return key in self._kept

    def get(self, key: Key, version: int) -> Kept | None:
        kept = self._kept.get(key)
        if kept is None or kept.version != version or time.monotonic() - kept.stored_at > MAX_AGE_S:
            self.misses += 1
            return None
        self._kept.move_to_end(key)
        self.hits += 1
        return kept

    def miss(self) -> None:
        self.misses += 1

    def put(self, key: Key, version: int, body: bytes, operation: str | None) -> None:
        kept = Kept(version, body, time.monotonic(), operation)
        cost = self._size(key, kept)
        if cost > self.max_bytes // 4:
            return  # one huge answer would push out many small ones
        old = self._kept.pop(key, None)
        if old is not None:
            self.bytes -= self._size(key, old)
        self._kept[key] = kept
        self.bytes += cost
        while self.bytes > self.max_bytes and self._kept:
            k, v = self._kept.popitem(last=False)
            self.bytes -= self._size(k, v)
            self.evictions += 1

    @staticmethod
    def _size(key: Key, kept: Kept) -> int:
        return len(kept.body) + sum(len(part) for part in key[:3] if isinstance(part, str | bytes))

    def __len__(self) -> int:
        return len(self._kept)


class CacheCollector:
    """The cache's figures on /metrics."""

    def __init__(self, cache: ResponseCache) -> None:
        self.cache = cache

    def describe(self) -> list[Metric]:
        return []

    def collect(self) -> Iterator[Metric]:
        c = self.cache
        hits = CounterMetricFamily("secgov_response_cache_hits", "GraphQL reads answered from the response cache")
        hits.add_metric([], c.hits)
        misses = CounterMetricFamily(
            "secgov_response_cache_misses", "GraphQL reads that could have been kept but were executed"
        )
        misses.add_metric([], c.misses)
        evictions = CounterMetricFamily(
            "secgov_response_cache_evictions", "Answers pushed out of the response cache to stay within its size"
        )
        evictions.add_metric([], c.evictions)
        size = GaugeMetricFamily("secgov_response_cache_bytes", "Bytes of answers kept in the response cache")
        size.add_metric([], c.bytes)
        entries = GaugeMetricFamily("secgov_response_cache_entries", "Answers kept in the response cache")
        entries.add_metric([], len(c))
        looked = c.hits + c.misses
        ratio = GaugeMetricFamily("secgov_response_cache_hit_ratio", "Hits over lookups since the process started")
        ratio.add_metric([], c.hits / looked if looked else 0.0)
        yield from (hits, misses, evictions, size, entries, ratio)
