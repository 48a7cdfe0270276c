"""Submitted report files as GraphQL types: submissions, their validation runs and findings."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, cast

import strawberry
from strawberry.scalars import JSON

from schema.context import Info
from schema.enums import described
from schema.relay import (
    After,
    Before,
    Connection,
    First,
    Last,
    Node,
    global_id,
    id_key,
    in_memory,
    keys_of,
    page_of,
    window,
)
from schema.reports.catalogue import ReportType, Severity, load_report_type
from sql import submissions
from sql.rows import FindingRow, RunRow, SubmissionRow

if TYPE_CHECKING:
    from schema.reports.exceptions import ReportException


@strawberry.enum(description="Where an uploaded file stands in validation.")
class SubmissionStatus(Enum):
    RECEIVED = described("RECEIVED", description="Stored; waiting for a worker.")
    VALIDATING = described("VALIDATING", description="A worker is validating it.")
    PASSED = described("PASSED", description="Validated; no finding of WARNING or HIGH.")
    FLAGGED = described("FLAGGED", description="Validated; at least one finding of WARNING or HIGH.")
    REJECTED = described(
        "REJECTED",
        description="Not validated: unreadable, a required column missing, "
        "no valid row, too many rows, or attempts exhausted. It does not count as received.",
    )


@strawberry.enum(
    description="Whether a report for a period was delivered by its deadline (judged on the first submission that was "
    "not REJECTED)."
)
class Delivery(Enum):
    ON_TIME = described("ON_TIME", description="Received at or before the deadline.")
    LATE = described("LATE", description="Received after the deadline.")
    MISSING = described("MISSING", description="The deadline has passed and nothing was received.")
    NOT_YET_DUE = described("NOT_YET_DUE", description="The deadline is still ahead and nothing was received yet.")
    NOT_DUE = described(
        "NOT_DUE",
        description="Nothing owed for the month in question (between quarters, or before the obligation starts).",
    )
    NO_DEADLINE = described("NO_DEADLINE", description="The report type has no deadline and a file was received.")


@strawberry.type(description="One thing validation found in a file: a rule, what it concerns, the numbers behind it.")
class Finding(Node):
    rule_code: str = strawberry.field(
        description="The rule: SCHEMA, DUPLICATE_SUBJECT, TOTAL_MISMATCH, VARIANCE_ABOVE_TOLERANCE, BELOW_TARGET, "
        "LATE_DELIVERY, ..."
    )
    severity: Severity = strawberry.field(description="How much it matters.")
    subject: str = strawberry.field(
        description="What it concerns: a row's subject (a User ID, a measure/provider), a column, FILE or TOTAL."
    )
    message: str = strawberry.field(description="What was found, in words.")
    sec_clause: str | None = strawberry.field(description="The SEC clause behind the rule.")
    details: JSON = strawberry.field(
        description="The numbers behind it: actual, forecast, ratio (a percentage, one decimal), lower, upper, "
        "due_at, received_at, column, value, as they apply."
    )
    row: int | None = strawberry.field(
        description="The 1-based data row of the file (header excluded), when it concerns one row."
    )

    @classmethod
    def from_row(cls, r: FindingRow) -> Finding:
        return cls(
            id=global_id("Finding", r.id),
            rule_code=r.rule_code,
            severity=Severity(r.severity),
            subject=r.subject,
            message=r.message,
            sec_clause=r.sec_clause,
            details=cast(JSON, r.details),
            row=r.row,
        )


@strawberry.type(description="One validation of a submission.")
class ValidationRun(Node):
    started_at: datetime = strawberry.field(description="When the run started.")
    finished_at: datetime = strawberry.field(description="When it finished.")
    catalogue_version: int = strawberry.field(description="The report type's catalogue version it applied.")
    outcome: SubmissionStatus = strawberry.field(description="The status it gave the submission.")
    attempt: int = strawberry.field(description="Which attempt this was (a worker stopped mid-run counts one).")
    finding_count: int = strawberry.field(description="How many findings it stored.")

    @classmethod
    def from_row(cls, r: RunRow) -> ValidationRun:
        return cls(
            id=global_id("ValidationRun", r.id),
            started_at=r.started_at,
            finished_at=r.finished_at,
            catalogue_version=r.catalogue_version,
            outcome=SubmissionStatus(r.outcome),
            attempt=r.attempt,
            finding_count=r.finding_count,
        )


@strawberry.type(description="A report file as uploaded for a report and period, with its validation.")
class ReportSubmission(Node):
    period: str = strawberry.field(description="The period it reports on: YYYY-MM, or YYYY-Qn for quarterly reports.")
    received_at: datetime = strawberry.field(
        description="When it was received (or the receipt time an administrator back-filled)."
    )
    due_at: datetime | None = strawberry.field(
        description="The deadline for the report and period (the last instant of the Nth Working Day, London time); "
        "null if none."
    )
    delivery: Delivery = strawberry.field(description="The verdict for the report and period (every submission).")
    status: SubmissionStatus = strawberry.field(description="Where it stands in validation.")
    sha256: str = strawberry.field(
        description="The SHA-256 of the bytes, in hex: the same bytes for the same report and period are one "
        "submission."
    )
    filename: str | None = strawberry.field(description="The file name given with the upload, if any.")
    row_count: int | None = strawberry.field(description="How many data rows it had, once parsed.")
    size_bytes: int = strawberry.field(description="Its size in bytes.")
    row: strawberry.Private[SubmissionRow]

    @classmethod
    def from_row(cls, r: SubmissionRow) -> ReportSubmission:
        return cls(
            id=global_id("ReportSubmission", r.id),
            period=r.period,
            received_at=r.received_at,
            due_at=r.due_at,
            delivery=Delivery(r.delivery),
            status=SubmissionStatus(r.status),
            sha256=r.sha256.hex(),
            filename=r.filename,
            row_count=r.row_count,
            size_bytes=r.size_bytes,
            row=r,
        )

    @strawberry.field(description="The report type.")
    async def report_type(self, info: Info) -> ReportType:
        return await load_report_type(info, self.row.report_type_id)

    @strawberry.field(description="The earlier submission this one replaces (none for a REJECTED one).")
    async def supersedes(self, info: Info) -> ReportSubmission | None:
        if self.row.supersedes_id is None or self.row.status == "REJECTED":
            return None
        row = await info.context.loaders.submission.load(self.row.supersedes_id)
        return ReportSubmission.from_row(row) if row else None

    @strawberry.field(description="Its validation runs, oldest first.")
    async def runs(self, info: Info) -> list[ValidationRun]:
        return [ValidationRun.from_row(r) for r in await info.context.loaders.runs.load(self.row.id)]

    @strawberry.field(description="The findings of the latest run, in the order found.")
    async def findings(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Finding]:
        w = window(first, after, last, before)
        after_key, before_key = keys_of(w, 1, id_key)
        async with info.context.connection() as conn:
            rows = await submissions.findings_page(
                conn,
                submission_id=self.row.id,
                after=after_key,
                before=before_key,
                backward=w.backward,
                limit=w.limit + 1,
            )

        async def total() -> int:
            async with info.context.connection() as conn:
                return await submissions.findings_count(conn, submission_id=self.row.id)

        return page_of(
            rows,
            w,
            key=lambda r: [r.id],
            node=Finding.from_row,
            counter=total,
        )

    @strawberry.field(description="The exceptions that point at this submission as the latest that raised them.")
    async def exceptions(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Annotated[ReportException, strawberry.lazy("schema.reports.exceptions")]]:
        from schema.reports.exceptions import ReportException  # here: exceptions imports this module

        rows = await info.context.loaders.submission_exceptions.load(self.row.id)
        return in_memory(
            rows, first=first, after=after, last=last, before=before, key=lambda e: e.id, node=ReportException.from_row
        )


@strawberry.input(description="Narrows a list of submissions; every field given must match.")
class SubmissionFilter:
    report_type: str | None = strawberry.field(default=None, description="Only this report type (its code).")
    period: str | None = strawberry.field(default=None, description="Only this period.")
    status: SubmissionStatus | None = strawberry.field(default=None, description="Only submissions in this status.")
