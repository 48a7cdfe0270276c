"""Answers to GraphQL reads kept per API process, keyed by the request and the viewer's clearance, valid only for
the data version they were computed at.

Freshness: each request that could be answered from here reads the data version (one short statement on the
request's own connection) before answering; every committed write has raised that version in its own transaction
(migration 0011), so a request that starts after a write committed never gets an answer kept from before it, in
any API process. An answer is stored under the version read before its resolvers ran (a write committing
meanwhile makes the answer newer than its version, never older).

Never kept: mutations and subscriptions (only query operations are stored), answers with errors, multipart
requests. A query sent by its hash (a persisted query) is kept under the hash: a hash always names the same text.
Never shared across clearances: the viewer's role, bodies and party are part of the key. Answers that depend on the
clock (today's register, a deadline passing) are kept at most MAX_AGE_S and never past midnight.

Memory: the limit bounds what the process holds, not `len()` of it. A request's key is kept as its SHA-256 digest
(32 bytes, whatever the document's length), an answer as an exact-size copy (orjson hands back its bytes inside a
4 KiB allocation), and each entry is charged ENTRY_OVERHEAD besides (the dict slot, the entry, its digest and
numbers: about 300 bytes measured, 512 charged); at most MAX_ENTRIES are kept. A test holds the process's resident
memory under many distinct small answers to within 1.5 times the limit
(tests/integration/test_response_cache_memory.py).
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import orjson
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from domain.viewer import Viewer
from schema.persisted import request_document_key

MAX_AGE_S = 60.0
ENTRY_OVERHEAD = 512
MAX_ENTRIES = 100_000
MAX_OPERATION_CHARS = 64
Key = bytes


@dataclass(frozen=True, slots=True)
class Kept:
    version: int
    body: bytes
    stored_at: float
    operation: str | None  # its name, for metrics and the access log


def request_key(payload: object, viewer: Viewer, day: date) -> Key | None:
    """The key of a single GraphQL request body (a digest of the request and the viewer's clearance), or None when it
    is not one that may be kept."""
    if not isinstance(payload, dict):
        return None
    query = request_document_key(payload)  # its text, or the hash it was sent by (the same text, always)
    name, variables = payload.get("operationName"), payload.get("variables") or {}
    if query is None or not isinstance(variables, dict) or not isinstance(name, str | None):
        return None
    try:
        parts = [query, name, variables, viewer.role, viewer.all_bodies, viewer.party_id, day.isoformat()]
        return hashlib.sha256(orjson.dumps(parts, option=orjson.OPT_SORT_KEYS)).digest()
    except TypeError:
        return None


class ResponseCache:
    """Least recently used answers, up to `max_bytes` as charged (bodies and ENTRY_OVERHEAD each) and MAX_ENTRIES."""

    def __init__(self, max_bytes: int, max_entries: int = MAX_ENTRIES) -> None:
        self.max_bytes = max_bytes
        self.max_entries = max_entries
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
        if ENTRY_OVERHEAD + len(body) > self.max_bytes // 4:
            return  # one huge answer would push out many small ones
        # An exact-size copy of the body; the operation's name shared between entries (names repeat).
        name = sys.intern(operation[:MAX_OPERATION_CHARS]) if operation else None
        kept = Kept(version, bytes(memoryview(body)), time.monotonic(), name)
        old = self._kept.pop(key, None)
        if old is not None:
            self.bytes -= self._cost(old)
        self._kept[key] = kept
        self.bytes += self._cost(kept)
        while (self.bytes > self.max_bytes or len(self._kept) > self.max_entries) and self._kept:
            _, gone = self._kept.popitem(last=False)
            self.bytes -= self._cost(gone)
            self.evictions += 1

    @staticmethod
    def _cost(kept: Kept) -> int:
        return ENTRY_OVERHEAD + len(kept.body)

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
