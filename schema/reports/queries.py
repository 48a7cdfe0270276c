"""Queries of DCC reporting; submissions, findings and exceptions only for the roles that may read them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry

from domain.roles import REPORT_READERS
from schema.context import Info
from schema.enums import value
from schema.errors import BadId, bad_user_input
from schema.relay import (
    After,
    Before,
    Connection,
    Edge,
    First,
    Last,
    PageInfo,
    Window,
    decode_cursor,
    id_key,
    keys_of,
    needs_page,
    page_of,
    pk_of,
    window,
)
from schema.reports.types import (
    ExceptionFilter,
    ReportException,
    ReportSubmission,
    ReportType,
    SubmissionFilter,
)
from sql import catalogue, exceptions, submissions
from sql.rows import ExceptionRow


async def _none() -> int:
    return 0


def empty() -> Connection:  # type: ignore[type-arg]
    """What a caller who may not see a list gets: nothing, and a count of nothing."""
    return Connection(
        edges=list[Edge[object]](),
        page_info=PageInfo(has_next_page=False, has_previous_page=False, start_cursor=None, end_cursor=None),
        counter=_none,
    )


def _exception_position(cursor: str | None, field: str) -> tuple[int, datetime, int] | None:
    if cursor is None:
        return None
    try:
        c = decode_cursor(cursor, 3, field=field)
        return int(c[0]), datetime.fromisoformat(c[1]), int(c[2])
    except (BadId, ValueError, TypeError) as e:
        raise bad_user_input(f"{cursor!r} is not a valid cursor") from e


def exception_page_args(
    filter: ExceptionFilter | None, w: Window
) -> tuple[dict[str, Any], tuple[int, datetime, int] | None, tuple[int, datetime, int] | None]:
    """(the store's filter arguments, the keyset positions after and before the cursors) of an exceptions page."""
    f = filter or ExceptionFilter()
    after, before = _exception_position(w.after, "after"), _exception_position(w.before, "before")
    args = dict(
        status=value(f.status),
        severity=value(f.severity),
        report_type=f.report_type,
        period=f.period,
        rule_code=f.rule_code,
    )
    return args, after, before


def exception_cursor(row: ExceptionRow) -> list[Any]:
    return [0 if row.severity == "HIGH" else 1, row.first_flagged_at.isoformat(), row.id]


@strawberry.type
class ReportQuery:
    @strawberry.field(description="The report catalogue: what the DCC owes, when, and the rules applied.")
    async def report_types(self, info: Info) -> list[ReportType]:
        async with info.context.connection() as conn:
            return [ReportType.from_row(r) for r in await catalogue.report_types(conn)]

    @strawberry.field(description="Submissions, newest first.")
    async def report_submissions(
        self,
        info: Info,
        filter: Annotated[
            SubmissionFilter | None, strawberry.argument(description="Only the submissions that match it.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[ReportSubmission]:
        w = window(first, after, last, before)
        if info.context.viewer.role not in REPORT_READERS:
            return empty()
        f = filter or SubmissionFilter()
        after_key, before_key = keys_of(w, 1, id_key)
        async with info.context.connection() as conn:
            rows = await submissions.page(
                conn,
                report_type=f.report_type,
                period=f.period,
                status=value(f.status),
                after=after_key,
                before=before_key,
                backward=w.backward,
                limit=w.limit + 1,
            )

        async def total() -> int:
            async with info.context.connection() as conn:
                return await submissions.count(conn, report_type=f.report_type, period=f.period, status=value(f.status))

        return page_of(
            rows,
            w,
            key=lambda r: [r.id],
            node=ReportSubmission.from_row,
            counter=total,
        )

    @strawberry.field(description="One submission by its ID; null when absent or not visible to the caller.")
    async def report_submission(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The submission's global ID.")],
    ) -> ReportSubmission | None:
        try:
            pk = pk_of(id, "ReportSubmission")
        except BadId as e:
            raise bad_user_input(e.message) from e
        if info.context.viewer.role not in REPORT_READERS:
            return None
        row = await info.context.loaders.submission.load(pk)
        return ReportSubmission.from_row(row) if row else None

    @strawberry.field(description="Exceptions, most severe first, then oldest.")
    async def exceptions(
        self,
        info: Info,
        filter: Annotated[
            ExceptionFilter | None, strawberry.argument(description="Only the exceptions that match it.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[ReportException]:
        w = window(first, after, last, before)
        args, after_key, before_key = exception_page_args(filter, w)
        if info.context.viewer.role not in REPORT_READERS:
            return empty()
        rows = []
        if needs_page(info):
            async with info.context.connection() as conn:
                rows = await exceptions.page(
                    conn, after=after_key, before=before_key, backward=w.backward, limit=w.limit + 1, **args
                )

        async def total() -> int:
            async with info.context.connection() as conn:
                return await exceptions.count(conn, **args)

        return page_of(
            rows,
            w,
            node=ReportException.from_row,
            counter=total,
            key=exception_cursor,
        )
