"""Mutations of DCC reporting: upload, re-validation, catalogue and calendar amendments."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import strawberry
from strawberry.file_uploads import Upload

from domain.errors import PayloadTooLarge
from domain.roles import STAFF
from schema.context import Info
from schema.errors import UserError, user_error
from schema.loading import load_one
from schema.mutation import run
from schema.relay import pk_of
from schema.reports.intake import accept
from schema.reports.types import ReportSubmission, ReportType
from sql import catalogue, submissions
from sql.db import Conn
from sql.errors import StoreError

CHUNK = 1024 * 1024


@strawberry.type
class UploadReportPayload:
    submission: ReportSubmission | None
    duplicate_of: ReportSubmission | None
    errors: list[UserError]


@strawberry.type
class ReportSubmissionPayload:
    submission: ReportSubmission | None
    errors: list[UserError]


@strawberry.type
class ReportTypePayload:
    report_type: ReportType | None
    errors: list[UserError]


@strawberry.type
class CalendarAmendmentPayload:
    day: date | None
    working: bool | None
    errors: list[UserError]


@strawberry.input
class ServiceLevelInput:
    measure: str
    provider: str | None = None
    target_pct: float | None = None
    minimum_pct: float | None = None


@strawberry.input
class AmendReportTypeInput:
    code: str
    sec_clause: str | None = None
    due_working_days: int | None = None
    no_deadline: bool = False
    tolerance_lower_pct: float | None = None
    tolerance_upper_pct: float | None = None
    obligation_from: str | None = None
    service_levels: list[ServiceLevelInput] | None = None


async def read_upload(file: Any, limit: int) -> bytes:
    """Read an uploaded file in chunks, refusing it as soon as it passes the size limit."""
    parts: list[bytes] = []
    size = 0
    while chunk := await file.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"the file is larger than the limit of {limit:,} bytes", field="file")
        parts.append(chunk)
    return b"".join(parts)


async def _submission(info: Info, pk: int | None) -> ReportSubmission | None:
    return await load_one(info, lambda ls: ls.submission, ReportSubmission.from_row, pk)


@strawberry.type
class ReportMutation:
    @strawberry.mutation(description="Upload a report file (multipart, with the header X-Secgov-Upload: 1).")
    async def upload_report(self, info: Info, report_type: str, period: str, file: Upload,
                            received_at: datetime | None = None) -> UploadReportPayload:
        ctx = info.context
        try:
            content = await read_upload(file, ctx.max_upload_bytes)
            received = await accept(
                ctx.pool, ctx.enqueue, viewer=ctx.viewer, code=report_type, period=period, content=content,
                filename=getattr(file, "filename", None), content_type=getattr(file, "content_type", None),
                received_at=received_at, request_id=ctx.request_id)
        except StoreError as e:
            return UploadReportPayload(submission=None, duplicate_of=None, errors=[user_error(e)])
        sub = await _submission(info, received.submission_id)
        return UploadReportPayload(submission=sub, duplicate_of=sub if received.duplicate_of else None, errors=[])

    @strawberry.mutation(description="Validate a submission again under the current catalogue version.")
    async def revalidate_submission(self, info: Info, id: strawberry.ID) -> ReportSubmissionPayload:
        async def act(conn: Conn) -> int:
            pk = pk_of(id, "ReportSubmission")
            await submissions.reset_for_revalidation(conn, id=pk)
            return pk

        pk, errors = await run(info, STAFF, act)
        if pk and info.context.enqueue is not None:
            await info.context.enqueue(pk, info.context.request_id)
        info.context.loaders.submission.clear_all()
        return ReportSubmissionPayload(submission=await _submission(info, pk), errors=errors)

    @strawberry.mutation(description="Change a report type's rules as a new catalogue version.")
    async def amend_report_type(self, info: Info, input: AmendReportTypeInput) -> ReportTypePayload:
        async def act(conn: Conn) -> int:
            rt = await catalogue.report_type(conn, code=input.code)
            await catalogue.amend(
                conn, id=rt.id, actor=info.context.viewer.name, sec_clause=input.sec_clause,
                set_clause=input.sec_clause is not None,
                due_working_days=input.due_working_days,
                set_due=input.due_working_days is not None or input.no_deadline,
                tolerance_lower_pct=input.tolerance_lower_pct, tolerance_upper_pct=input.tolerance_upper_pct,
                obligation_from=input.obligation_from,
                service_levels=[(s.measure, s.provider, s.target_pct, s.minimum_pct)
                                for s in input.service_levels or []])
            return rt.id

        pk, errors = await run(info, STAFF, act)
        row = (await catalogue_row(info, pk)) if pk else None
        return ReportTypePayload(report_type=ReportType.from_row(row) if row else None, errors=errors)

    @strawberry.mutation(description="Add a non-working day (working: false) or make a bank holiday a Working Day.")
    async def amend_calendar(self, info: Info, day: date, working: bool, reason: str) -> CalendarAmendmentPayload:
        async def act(conn: Conn) -> date:
            await catalogue.amend_calendar(conn, day=day, working=working, reason=reason,
                                           actor=info.context.viewer.name)
            return day

        done, errors = await run(info, STAFF, act)
        return CalendarAmendmentPayload(day=done, working=working if done else None, errors=errors)


async def catalogue_row(info: Info, pk: int) -> Any:
    async with info.context.connection() as conn:
        rows = await catalogue.report_types_by_ids(conn, ids=[pk])
    return rows[0] if rows else None
