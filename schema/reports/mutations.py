"""Mutations of DCC reporting: upload, re-validation, catalogue and calendar amendments."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime
from typing import Annotated, Any

import strawberry
from strawberry.file_uploads import Upload

from domain.errors import Refusal
from domain.roles import STAFF
from domain.size_cap import read_capped
from schema.context import Info
from schema.errors import UserError, errors_field, user_error
from schema.load_one import load_one
from schema.payloads import run
from schema.relay import pk_of
from schema.reports.types import ReportSubmission, ReportType
from services.upload import File, ReadFile, UploadRequest, accept, file_cap, ring
from sql import catalogue, submissions
from sql.db import Conn

CHUNK = 1024 * 1024


@strawberry.type(description="The answer to uploadReport.")
class UploadReportPayload:
    submission: ReportSubmission | None = strawberry.field(
        description="The stored submission (validation follows in a worker); null when refused."
    )
    duplicate_of: ReportSubmission | None = strawberry.field(
        description="The existing submission, when the same bytes were already stored for the report and period."
    )
    errors: list[UserError] = errors_field()


@strawberry.type(description="The answer to revalidateSubmission.")
class ReportSubmissionPayload:
    submission: ReportSubmission | None = strawberry.field(
        description="The submission, back in RECEIVED until the worker has validated it again."
    )
    errors: list[UserError] = errors_field()


@strawberry.type(description="The answer to amendReportType.")
class ReportTypePayload:
    report_type: ReportType | None = strawberry.field(
        description="The report type under its new catalogue version; null when refused."
    )
    errors: list[UserError] = errors_field()


@strawberry.type(description="The answer to amendCalendar.")
class CalendarAmendmentPayload:
    day: date | None = strawberry.field(description="The amended day.")
    working: bool | None = strawberry.field(description="Whether that day is now a Working Day.")
    errors: list[UserError] = errors_field()


@strawberry.input(description="A measure's Target and Minimum Service Level.")
class ServiceLevelInput:
    measure: str = strawberry.field(description="The measure's code (CPM1 ... CPM8, or a Service Provider measure).")
    provider: str | None = strawberry.field(default=None, description="The provider it applies to; null for all.")
    target_pct: float | None = strawberry.field(default=None, description="The Target, a percentage.")
    minimum_pct: float | None = strawberry.field(default=None, description="The Minimum Service Level, a percentage.")


@strawberry.input(
    description="New rules for a report type, stored as its next catalogue version; fields not given stay as they are."
)
class AmendReportTypeInput:
    code: str = strawberry.field(description="The report type's code.")
    sec_clause: str | None = strawberry.field(default=None, description="The SEC clause.")
    due_working_days: int | None = strawberry.field(
        default=None, description="The deadline: the Nth Working Day after the end of the period."
    )
    no_deadline: bool = strawberry.field(default=False, description="True: the report has no deadline from now on.")
    tolerance_lower_pct: float | None = strawberry.field(
        default=None, description="The lower variance tolerance, a percentage of forecast."
    )
    tolerance_upper_pct: float | None = strawberry.field(
        default=None, description="The upper variance tolerance, a percentage of forecast."
    )
    obligation_from: str | None = strawberry.field(
        default=None, description="The first period the report is owed (YYYY-MM or YYYY-Qn)."
    )
    service_levels: list[ServiceLevelInput] | None = strawberry.field(
        default=None, description="The Targets and Minimum Service Levels, replacing the current ones."
    )


async def read_upload(file: Any, limit: int) -> bytes:
    """An uploaded file read in chunks, refused as soon as it passes the size limit."""

    async def chunks() -> AsyncIterator[bytes]:
        while chunk := await file.read(CHUNK):
            yield chunk

    return await read_capped(chunks(), file_cap(limit))


def file_reader(file: Any) -> ReadFile:
    """How the upload use case reads the mutation's file (once its checks have passed)."""

    async def read(limit: int) -> File:
        content = await read_upload(file, limit)
        return File(content, getattr(file, "filename", None), getattr(file, "content_type", None))

    return read


async def _submission(info: Info, pk: int | None) -> ReportSubmission | None:
    return await load_one(info, lambda ls: ls.submission, ReportSubmission.from_row, pk)


@strawberry.type
class ReportMutation:
    @strawberry.mutation(description="Upload a report file (multipart, with the header X-Secgov-Upload: 1).")
    async def upload_report(
        self,
        info: Info,
        report_type: Annotated[
            str, strawberry.argument(description="The report type's code, for example CSR_VARIANCE.")
        ],
        period: Annotated[
            str,
            strawberry.argument(
                description="The period the file reports on: YYYY-MM, or YYYY-Qn for quarterly reports."
            ),
        ],
        file: Annotated[
            Upload, strawberry.argument(description="The file: CSV, XLSX or JSON, told apart by its bytes.")
        ],
        received_at: Annotated[
            datetime | None, strawberry.argument(description="Back-fill a historical receipt time (secas, admin only).")
        ] = None,
    ) -> UploadReportPayload:
        ctx = info.context
        request = UploadRequest(ctx.viewer, report_type, period, ctx.request_id, received_at)
        try:
            received = await accept(
                ctx.pool, ctx.enqueue, request, file_reader(file), max_upload_bytes=ctx.max_upload_bytes
            )
        except Refusal as e:
            return UploadReportPayload(submission=None, duplicate_of=None, errors=[user_error(e)])
        sub = await _submission(info, received.submission_id)
        return UploadReportPayload(submission=sub, duplicate_of=sub if received.duplicate_of else None, errors=[])

    @strawberry.mutation(description="Validate a submission again under the current catalogue version.")
    async def revalidate_submission(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The submission's ID.")],
    ) -> ReportSubmissionPayload:
        async def act(conn: Conn) -> int:
            pk = pk_of(id, "ReportSubmission")
            await submissions.reset_for_revalidation(conn, id=pk)
            return pk

        pk, errors = await run(info, STAFF, act)
        if pk:
            await ring(info.context.pool, info.context.enqueue, pk, info.context.request_id)
        info.context.loaders.submission.clear_all()
        return ReportSubmissionPayload(submission=await _submission(info, pk), errors=errors)

    @strawberry.mutation(description="Change a report type's rules as a new catalogue version.")
    async def amend_report_type(
        self,
        info: Info,
        input: Annotated[AmendReportTypeInput, strawberry.argument(description="The new rules.")],
    ) -> ReportTypePayload:
        async def act(conn: Conn) -> int:
            rt = await catalogue.report_type(conn, code=input.code)
            await catalogue.amend(
                conn,
                id=rt.id,
                actor=info.context.viewer.name,
                sec_clause=input.sec_clause,
                set_clause=input.sec_clause is not None,
                due_working_days=input.due_working_days,
                set_due=input.due_working_days is not None or input.no_deadline,
                tolerance_lower_pct=input.tolerance_lower_pct,
                tolerance_upper_pct=input.tolerance_upper_pct,
                obligation_from=input.obligation_from,
                service_levels=[
                    (s.measure, s.provider, s.target_pct, s.minimum_pct) for s in input.service_levels or []
                ],
            )
            return rt.id

        pk, errors = await run(info, STAFF, act)
        row = (await catalogue_row(info, pk)) if pk else None
        return ReportTypePayload(report_type=ReportType.from_row(row) if row else None, errors=errors)

    @strawberry.mutation(description="Add a non-working day (working: false) or make a bank holiday a Working Day.")
    async def amend_calendar(
        self,
        info: Info,
        day: Annotated[date, strawberry.argument(description="The day.")],
        working: Annotated[
            bool,
            strawberry.argument(
                description="False: the day is not a Working Day; true: it is (a bank holiday worked)."
            ),
        ],
        reason: Annotated[str, strawberry.argument(description="Why, kept with the amendment.")],
    ) -> CalendarAmendmentPayload:
        async def act(conn: Conn) -> date:
            await catalogue.amend_calendar(
                conn, day=day, working=working, reason=reason, actor=info.context.viewer.name
            )
            return day

        done, errors = await run(info, STAFF, act)
        return CalendarAmendmentPayload(day=done, working=working if done else None, errors=errors)


async def catalogue_row(info: Info, pk: int) -> Any:
    async with info.context.connection() as conn:
        rows = await catalogue.report_types_by_ids(conn, ids=[pk])
    return rows[0] if rows else None
