"""Prometheus metrics: requests and latency by GraphQL operation or REST route, upload sizes, refusals; and, read
from the database at each scrape, queue depth, validation runs (duration by outcome) and exceptions by status.

The database numbers are the same from every API process (take max, not sum, when aggregating across them); the
workers' own message metrics come from Dramatiq's Prometheus middleware on the workers (workers/broker.py).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily, Metric
from starlette.requests import Request
from starlette.responses import Response

from api.resources import Resources
from api.responses import error_response
from sql import metrics as store_metrics
from sql.metrics import Snapshot

log = logging.getLogger("secgov.api.metrics")
# Operation names are the client's choice: only names of this shape, and only so many distinct ones, get a label.
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
MAX_OPERATIONS = 300
UPLOAD_BUCKETS = (1e3, 1e4, 1e5, 1e6, 1e7, 5e7, 1e8, 2.5e8, 5e8)


def _le(bound: float) -> str:
    return "+Inf" if bound == float("inf") else repr(bound)


class StoreCollector:
    """Families built from the last database snapshot (taken by the scrape just before it renders)."""

    def __init__(self) -> None:
        self.snapshot: Snapshot | None = None

    def describe(self) -> list[Metric]:
        return []  # nothing to check at registration: the families exist only once a scrape read the database

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("secgov_database_scrape_ok", "1 when this scrape could read the database's numbers")
        up.add_metric([], 0 if self.snapshot is None else 1)
        yield up
        s = self.snapshot
        if s is None:
            return
        depth = GaugeMetricFamily("secgov_queue_depth", "Submissions waiting for or in validation", labels=["status"])
        for status, n in sorted(s.queue_depth.items()):
            depth.add_metric([status], n)
        yield depth
        runs = HistogramMetricFamily(
            "secgov_validation_duration_seconds",
            "Validation runs by outcome (all time, from validation_runs)",
            labels=["outcome"],
        )
        for outcome, h in sorted(s.validations.items()):
            runs.add_metric([outcome], [(_le(le), n) for le, n in h.buckets], h.total)
        yield runs
        exceptions = GaugeMetricFamily(
            "secgov_exceptions", "Report exceptions by status and severity", labels=["status", "severity"]
        )
        for (status, severity), n in sorted(s.exceptions.items()):
            exceptions.add_metric([status, severity], n)
        yield exceptions


class Metrics:
    """One registry per app (tests make many apps in one process)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=False)
        self.requests = Counter(
            "secgov_requests",
            "HTTP requests by kind (graphql, rest, other), operation or route, and status",
            ["kind", "operation", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "secgov_request_duration_seconds",
            "Time to answer a request, by kind and operation or route",
            ["kind", "operation"],
            registry=self.registry,
        )
        self.upload_bytes = Histogram(
            "secgov_upload_bytes",
            "Size of the bodies of upload requests answered 2xx",
            ["kind"],
            buckets=UPLOAD_BUCKETS,
            registry=self.registry,
        )
        self.rate_limited = Counter(
            "secgov_rate_limited", "Requests refused with 429 by category", ["category"], registry=self.registry
        )
        self.store = StoreCollector()
        self.registry.register(self.store)
        self._operations: set[str] = set()

    def operation(self, name: object) -> str:
        """A bounded label for a GraphQL operation name."""
        if not isinstance(name, str) or not name:
            return "anonymous"
        if not _NAME.fullmatch(name):
            return "invalid"
        if name not in self._operations:
            if len(self._operations) >= MAX_OPERATIONS:
                return "other"
            self._operations.add(name)
        return name

    def observe(self, *, kind: str, operation: str, status: int, seconds: float) -> None:
        self.requests.labels(kind, operation, str(status)).inc()
        self.latency.labels(kind, operation).observe(seconds)

    async def render(self, resources: Resources) -> bytes:
        try:
            async with resources.pool.acquire(timeout=2) as conn:
                self.store.snapshot = await store_metrics.snapshot(conn)
        except Exception as e:  # noqa: BLE001 - a scrape still answers with what the process knows
            log.warning("metrics: could not read the database (%s)", type(e).__name__)
            self.store.snapshot = None
        output: bytes = generate_latest(self.registry)
        return output


def make_route(metrics: Metrics, resources: Resources) -> object:
    """GET /metrics for a key with role secas or admin: the figures (exceptions by severity, validation outcomes)
    are the administrator's business, not the public's."""

    async def scrape(request: Request) -> Response:
        viewer = request.state.viewer
        if viewer.role == "public":
            return error_response(
                401,
                "UNAUTHENTICATED",
                "/metrics needs an API key with role secas or admin (Authorization: Bearer <key>)",
            )
        if not viewer.is_staff:
            return error_response(403, "FORBIDDEN", f"the {viewer.role} role may not read /metrics (secas or admin)")
        return Response(await metrics.render(resources), media_type=CONTENT_TYPE_LATEST)

    return scrape
