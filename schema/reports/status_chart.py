"""`exceptionStatusOverTime`: how many exceptions stood in each status at the end of each day or month, counted by
the store, so a chart never has to replay every exception's history in the browser."""

from __future__ import annotations

import strawberry

from domain.labels import EXCEPTION_STATUSES
from domain.roles import REPORT_READERS
from domain.timeline import buckets
from schema.context import Info
from schema.reports.types import ExceptionStatus
from sql import exception_status


@strawberry.type(description="One status's counts, bucket by bucket.")
class StatusSeries:
    status: ExceptionStatus = strawberry.field(description="The status.")
    label: str = strawberry.field(description="The status in words.")
    counts: list[int] = strawberry.field(description="How many exceptions stood in it at the end of each bucket.")


@strawberry.type(description="Exceptions by status at the end of each day (a short history) or month (a long one).")
class ExceptionStatusOverTime:
    unit: str = strawberry.field(description="day (up to 14 days, for a history of up to 45) or month (12 months).")
    buckets: list[str] = strawberry.field(description="Each bucket: 2026-05-14 for a day, 2026-05 for a month.")
    series: list[StatusSeries] = strawberry.field(description="Every status, open work first.")
    exceptions: int = strawberry.field(description="How many exceptions there are in all.")


@strawberry.type
class StatusChartQuery:
    @strawberry.field(
        description="Exceptions by status over time, ending with the latest change; null when there are none or the "
        "caller may not read exceptions."
    )
    async def exception_status_over_time(self, info: Info) -> ExceptionStatusOverTime | None:
        if info.context.viewer.role not in REPORT_READERS:
            return None
        async with info.context.connection() as conn:
            span = await exception_status.span(conn)
            if span is None:
                return None
            unit, axis = buckets(span.first_at, span.last_at)
            counts = await exception_status.counts_at(conn, ends=[b.end for b in axis])
        series = [
            StatusSeries(
                status=ExceptionStatus(status),
                label=label,
                counts=[counts.get((b.end, status), 0) for b in axis],
            )
            for status, label in EXCEPTION_STATUSES.items()
        ]
        return ExceptionStatusOverTime(
            unit=unit, buckets=[b.key for b in axis], series=series, exceptions=span.exceptions
        )
