"""A chart's time axis: buckets of days for a short history, of months for a long one (UTC, as the store keeps time)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

# Up to this many days between the first and the last event, the axis counts days; beyond, months.
DAYS_AT_MOST = 45
MONTHS = 12


@dataclass(frozen=True, slots=True)
class Bucket:
    key: str  # 2026-05-14 or 2026-05
    end: datetime  # the instant it ends (exclusive)


def buckets(first: datetime, last: datetime) -> tuple[str, list[Bucket]]:
    """("day" or "month", the buckets ending with the one that holds `last`): 7 to 14 days, or 12 months."""
    last = last.astimezone(UTC)
    span_days = (last - first).total_seconds() / 86400
    if span_days <= DAYS_AT_MOST:
        days = min(14, max(7, math.ceil(span_days) + 1))
        day0 = datetime(last.year, last.month, last.day, tzinfo=UTC)
        out = [day0 - timedelta(days=i) for i in range(days - 1, -1, -1)]
        return "day", [Bucket(d.date().isoformat(), d + timedelta(days=1)) for d in out]
    months: list[Bucket] = []
    y, m = last.year, last.month
    for _ in range(MONTHS):
        ny, nm = (y + 1, 1) if m == 12 else (y, m + 1)
        months.append(Bucket(f"{y:04d}-{m:02d}", datetime(ny, nm, 1, tzinfo=UTC)))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return "month", months[::-1]
