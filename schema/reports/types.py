"""GraphQL types of DCC reporting."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import cast

import strawberry
from strawberry.scalars import JSON

from domain import review
from schema.context import Info
from schema.enums import described
from schema.errors import BadId, bad_user_input
from schema.governance.types import Meeting
from schema.relay import After, Connection, First, Node, connection, decode_cursor, global_id, in_memory, page_size
from sql import submissions
from sql.rows import ExceptionRow, FindingRow, HistoryRow, ReportTypeRow, RunRow, SubmissionRow


@strawberry.enum(description="How much a finding matters.")
class Severity(Enum):
    INFO = described("INFO", description="Information only; does not become an exception by default.")
    WARNING = described(
        "WARNING",
        description="A problem for the Operations Group to look at; flags the submission and becomes an exception.",
    )
    HIGH = described(
        "HIGH", description="A serious problem (unreadable file, missing report, below the Minimum Service Level)."
    )


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


@strawberry.enum(description="Where an exception stands in the Operations Group's review.")
class ExceptionStatus(Enum):
    OPEN = described("OPEN", description="Flagged; nobody has acted on it yet (or reopened).")
    ACKNOWLEDGED = described("ACKNOWLEDGED", description="Seen and being looked at.")
    RESOLVED = described(
        "RESOLVED", description="Dealt with (by a person, or by the system when a later run no longer raised it)."
    )
    WAIVED = described("WAIVED", description="Accepted as it is, with a reason.")
    ESCALATED = described("ESCALATED", description="Passed to the Panel.")


@strawberry.enum(
    description="What a reviewer does to an exception; any move not in the review table is ILLEGAL_TRANSITION."
)
class ReviewAction(Enum):
    ACKNOWLEDGE = described("ACKNOWLEDGE", description="OPEN to ACKNOWLEDGED.")
    RESOLVE = described("RESOLVE", description="OPEN, ACKNOWLEDGED or ESCALATED to RESOLVED; needs a comment.")
    WAIVE = described("WAIVE", description="OPEN, ACKNOWLEDGED or ESCALATED to WAIVED; needs a comment.")
    ESCALATE = described("ESCALATE", description="OPEN or ACKNOWLEDGED to ESCALATED (to the Panel); needs a comment.")
    REOPEN = described("REOPEN", description="RESOLVED or WAIVED back to OPEN; needs a comment.")
    COMMENT = described("COMMENT", description="Add a comment; the status stays as it is.")


@strawberry.type(description="An action the caller may take on an exception now, and where it leads.")
class ReviewOption:
    action: ReviewAction = strawberry.field(description="The action.")
    to_status: ExceptionStatus = strawberry.field(description="The status it leads to (COMMENT keeps the status).")
    comment_required: bool = strawberry.field(description="Whether the action needs a comment saying why.")


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


@strawberry.enum(description="How often a report is owed.")
class Cadence(Enum):
    MONTHLY = described("MONTHLY", description="Every calendar month; periods are YYYY-MM.")
    QUARTERLY = described("QUARTERLY", description="Every calendar quarter; periods are YYYY-Qn.")


@strawberry.type(description="A performance measure's Target and Minimum Service Level, as the catalogue holds them.")
class ServiceLevel:
    measure: str = strawberry.field(
        description="The measure's code: CPM1 to CPM8 for Code Performance Measures, or a Service Provider measure."
    )
    provider: str | None = strawberry.field(
        description="The provider it applies to (CODE, DSP, CSP_N, CSP_C, CSP_S); null for all."
    )
    name: str | None = strawberry.field(description="What the measure is, in words.")
    target_pct: float | None = strawberry.field(
        description="The Target, a percentage: below it is BELOW_TARGET (WARNING)."
    )
    minimum_pct: float | None = strawberry.field(
        description="The Minimum Service Level, a percentage: below it is BELOW_MINIMUM (HIGH)."
    )
    tbc: bool = strawberry.field(
        default=False,
        description="True when the papers do not state these levels: to be "
        "confirmed with the administrator, shown as (TBC).",
    )


@strawberry.type(
    description="A report the DCC owes the Operations Group, with its deadline and the rules its files are checked by "
    "(one catalogue version)."
)
class ReportType(Node):
    code: str = strawberry.field(
        description="Its code: PMR, SR_VARIANCE, CSR_VARIANCE, RDP_INCIDENT, CH_RETURNS, NEP, PROBLEM_QUARTERLY, ..."
    )
    name: str = strawberry.field(description="Its name, as the Operations Group's papers give it.")
    sec_clause: str | None = strawberry.field(
        description="The SEC clause that requires it; null while to be confirmed."
    )
    cadence: Cadence = strawberry.field(description="Monthly or quarterly.")
    due_working_days: int | None = strawberry.field(
        description="The Nth Working Day after the end of the period; null = no deadline."
    )
    tolerance_lower_pct: float | None = strawberry.field(
        description="Actual below this percentage of forecast is VARIANCE_BELOW_TOLERANCE."
    )
    tolerance_upper_pct: float | None = strawberry.field(
        description="Actual above this percentage of forecast is VARIANCE_ABOVE_TOLERANCE."
    )
    obligation_from: str = strawberry.field(description="The first period the report is owed.")
    to_be_confirmed: list[str] = strawberry.field(description="Parameters still to be confirmed (TBC).")
    version: int = strawberry.field(
        description="The catalogue version of these rules; every validation run records the one it used."
    )
    below_tolerance_severity: Severity = strawberry.field(
        description="The severity of VARIANCE_BELOW_TOLERANCE under this version (INFO: information, no exception)."
    )
    delivery_wording: str | None = strawberry.field(
        description="Delivery per SEC as the OPSG table words it: 'SEC L8.9 – 10th Working day following month end'."
    )
    content_lead_in: str | None = strawberry.field(
        description="What the OPSG table's Content cell opens with: 'Per SEC L8.9(a),'."
    )
    row: strawberry.Private[ReportTypeRow]

    @strawberry.field(description="True when any parameter of this version is still to be confirmed (shown as TBC).")
    def tbc(self) -> bool:
        return bool(self.to_be_confirmed)

    @classmethod
    def from_row(cls, row: ReportTypeRow) -> ReportType:
        return cls(
            id=global_id("ReportType", row.id),
            code=row.code,
            name=row.name,
            sec_clause=row.sec_clause,
            cadence=Cadence(row.cadence),
            due_working_days=row.due_working_days,
            tolerance_lower_pct=row.tolerance_lower_pct,
            tolerance_upper_pct=row.tolerance_upper_pct,
            obligation_from=row.obligation_from,
            to_be_confirmed=list(row.tbc),
            version=row.version,
            below_tolerance_severity=Severity(row.below_tolerance_severity),
            delivery_wording=row.delivery_wording,
            content_lead_in=row.content_lead_in,
            row=row,
        )

    @strawberry.field(description="The Targets and Minimum Service Levels its measures are checked against.")
    async def service_levels(self, info: Info) -> list[ServiceLevel]:
        return [
            ServiceLevel(
                measure=s.measure,
                provider=s.provider,
                name=s.name,
                target_pct=s.target_pct,
                minimum_pct=s.minimum_pct,
                tbc=s.tbc,
            )
            for s in await info.context.loaders.service_levels.load(self.row.id)
        ]


@strawberry.type(description="One thing validation found in a file: a rule, what it concerns, the numbers behind it.")
class Finding:
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
            rule_code=r.rule_code,
            severity=Severity(r.severity),
            subject=r.subject,
            message=r.message,
            sec_clause=r.sec_clause,
            details=cast(JSON, r.details),
            row=r.row,
        )


@strawberry.type(description="One validation of a submission.")
class ValidationRun:
    started_at: datetime = strawberry.field(description="When the run started.")
    finished_at: datetime = strawberry.field(description="When it finished.")
    catalogue_version: int = strawberry.field(description="The report type's catalogue version it applied.")
    outcome: SubmissionStatus = strawberry.field(description="The status it gave the submission.")
    attempt: int = strawberry.field(description="Which attempt this was (a worker stopped mid-run counts one).")
    finding_count: int = strawberry.field(description="How many findings it stored.")

    @classmethod
    def from_row(cls, r: RunRow) -> ValidationRun:
        return cls(
            started_at=r.started_at,
            finished_at=r.finished_at,
            catalogue_version=r.catalogue_version,
            outcome=SubmissionStatus(r.outcome),
            attempt=r.attempt,
            finding_count=r.finding_count,
        )


async def _report_type(info: Info, pk: int) -> ReportType:
    row = await info.context.loaders.report_type.load(pk)
    assert row is not None
    return ReportType.from_row(row)


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
        return await _report_type(info, self.row.report_type_id)

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
    ) -> Connection[Finding]:
        limit = page_size(first)
        try:
            cursor = int(decode_cursor(after, 1)[0]) if after else None
        except (BadId, ValueError, TypeError) as e:
            raise bad_user_input(f"{after!r} is not a valid cursor") from e
        async with info.context.connection() as conn:
            rows = await submissions.findings_page(conn, submission_id=self.row.id, after=cursor, limit=limit + 1)

        async def total() -> int:
            async with info.context.connection() as conn:
                return await submissions.findings_count(conn, submission_id=self.row.id)

        return connection(rows, limit=limit, after=after, key=lambda r: [r.id], node=Finding.from_row, counter=total)

    @strawberry.field(description="The exceptions that point at this submission as the latest that raised them.")
    async def exceptions(
        self,
        info: Info,
        first: First = None,
        after: After = None,
    ) -> Connection[ReportException]:
        rows = await info.context.loaders.submission_exceptions.load(self.row.id)
        return in_memory(rows, first=first, after=after, key=lambda e: e.id, node=ReportException.from_row)


@strawberry.type(description="One change to an exception: who, when, what, from which status to which, and why.")
class HistoryEntry:
    at: datetime = strawberry.field(description="When.")
    actor: str = strawberry.field(description="Who: a key's name, or system.")
    action: str = strawberry.field(
        description="A review action, or FLAGGED, RAISED_AGAIN, SYSTEM_RESOLVED or SYSTEM_REOPENED."
    )
    from_status: ExceptionStatus | None = strawberry.field(description="The status before; null for FLAGGED.")
    to_status: ExceptionStatus | None = strawberry.field(description="The status after.")
    comment: str | None = strawberry.field(description="The comment given, or the system's reason.")

    @classmethod
    def from_row(cls, r: HistoryRow) -> HistoryEntry:
        return cls(
            at=r.at,
            actor=r.actor,
            action=r.action,
            from_status=ExceptionStatus(r.from_status) if r.from_status else None,
            to_status=ExceptionStatus(r.to_status) if r.to_status else None,
            comment=r.comment,
        )


@strawberry.type(
    description="The Operations Group's work item for one problem: one per report type, period, rule and subject, "
    "across resubmissions."
)
class ReportException(Node):
    rule_code: str = strawberry.field(description="The rule that raised it.")
    severity: Severity = strawberry.field(description="WARNING or HIGH.")
    status: ExceptionStatus = strawberry.field(description="Where it stands in review.")
    subject: str = strawberry.field(
        description="What it concerns (a subject, a column, FILE, TOTAL, or MORE for the ones past the per-rule cap)."
    )
    message: str = strawberry.field(description="The latest finding's words.")
    sec_clause: str | None = strawberry.field(description="The SEC clause behind the rule.")
    details: JSON = strawberry.field(description="The numbers behind it, as the latest finding gives them.")
    period: str = strawberry.field(description="The period of the report.")
    first_flagged_at: datetime = strawberry.field(description="When it was first raised.")
    last_raised_at: datetime = strawberry.field(description="When a run last raised it.")
    row: strawberry.Private[ExceptionRow]

    @classmethod
    def from_row(cls, r: ExceptionRow) -> ReportException:
        return cls(
            id=global_id("ReportException", r.id),
            rule_code=r.rule_code,
            severity=Severity(r.severity),
            status=ExceptionStatus(r.status),
            subject=r.subject,
            message=r.message,
            sec_clause=r.sec_clause,
            details=cast(JSON, r.details),
            period=r.period,
            first_flagged_at=r.first_flagged_at,
            last_raised_at=r.last_raised_at,
            row=r,
        )

    @strawberry.field(description="The report type.")
    async def report_type(self, info: Info) -> ReportType:
        return await _report_type(info, self.row.report_type_id)

    @strawberry.field(description="The latest submission that raised it.")
    async def submission(self, info: Info) -> ReportSubmission | None:
        if self.row.submission_id is None:
            return None
        row = await info.context.loaders.submission.load(self.row.submission_id)
        return ReportSubmission.from_row(row) if row else None

    @strawberry.field(description="The meeting where it was discussed, if one was given in a review.")
    async def meeting(self, info: Info) -> Meeting | None:
        if self.row.meeting_id is None:
            return None
        row = await info.context.loaders.meeting.load(self.row.meeting_id)
        return Meeting.from_row(row) if row else None

    @strawberry.field(
        description="The review actions open to the caller on this exception as it stands, in the "
        "order a reviewer would usually consider them; empty for a role that may not review it."
    )
    def available_actions(self, info: Info) -> list[ReviewOption]:
        role, status = info.context.viewer.role, self.status.value
        return [
            ReviewOption(
                action=ReviewAction(a),
                to_status=ExceptionStatus(review.next_status(status, a)),
                comment_required=a in review.NEEDS_COMMENT,
            )
            for a in review.actions_from(status)
            if review.allowed(role, status, a)
        ]

    @strawberry.field(description="Every change, oldest first; never edited or deleted.")
    async def history(self, info: Info) -> list[HistoryEntry]:
        return [HistoryEntry.from_row(h) for h in await info.context.loaders.history.load(self.row.id)]


@strawberry.input(description="Narrows a list of submissions; every field given must match.")
class SubmissionFilter:
    report_type: str | None = strawberry.field(default=None, description="Only this report type (its code).")
    period: str | None = strawberry.field(default=None, description="Only this period.")
    status: SubmissionStatus | None = strawberry.field(default=None, description="Only submissions in this status.")


@strawberry.input(description="Narrows a list of exceptions; every field given must match.")
class ExceptionFilter:
    status: ExceptionStatus | None = strawberry.field(default=None, description="Only exceptions in this status.")
    severity: Severity | None = strawberry.field(default=None, description="Only exceptions of this severity.")
    report_type: str | None = strawberry.field(default=None, description="Only this report type (its code).")
    period: str | None = strawberry.field(default=None, description="Only this period.")
    rule_code: str | None = strawberry.field(default=None, description="Only this rule.")
