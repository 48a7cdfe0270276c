"""Numbers for /metrics that live in the database: queue depth, validation runs, exceptions; three statements."""

from __future__ import annotations

from dataclasses import dataclass, field

from sql.db import Conn
from sql.loader import fetch

# Upper bounds (seconds) of the validation-duration histogram.
BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 1200.0)


@dataclass(frozen=True, slots=True)
class Histogram:
    """Cumulative counts per upper bound (the last is +Inf), and the sum of the observations."""

    buckets: list[tuple[float, int]]
    count: int
    total: float


@dataclass(frozen=True, slots=True)
class Snapshot:
    queue_depth: dict[str, int] = field(default_factory=dict)
    validations: dict[str, Histogram] = field(default_factory=dict)
    exceptions: dict[tuple[str, str], int] = field(default_factory=dict)


async def snapshot(conn: Conn) -> Snapshot:
    depth = {r["status"]: r["n"] for r in await fetch(conn, "metrics.queue_depth")}
    for status in ("RECEIVED", "VALIDATING"):
        depth.setdefault(status, 0)
    per_bucket: dict[str, list[int]] = {}
    sums: dict[str, float] = {}
    for r in await fetch(conn, "metrics.validation_runs", bounds=list(BUCKETS)):
        counts = per_bucket.setdefault(r["outcome"], [0] * (len(BUCKETS) + 1))
        counts[r["bucket"]] += r["n"]
        sums[r["outcome"]] = sums.get(r["outcome"], 0.0) + r["seconds"]
    validations = {}
    for outcome, counts in per_bucket.items():
        # Bucket i holds bounds[i-1] <= s < bounds[i]: the count at or under bound i is the sum of buckets 0..i.
        cumulative = [sum(counts[: i + 1]) for i in range(len(BUCKETS))]
        total = sum(counts)
        validations[outcome] = Histogram(
            [*zip(BUCKETS, cumulative, strict=True), (float("inf"), total)], total, sums[outcome]
        )
    exceptions = {(r["status"], r["severity"]): r["n"] for r in await fetch(conn, "metrics.exceptions")}
    return Snapshot(queue_depth=depth, validations=validations, exceptions=exceptions)
