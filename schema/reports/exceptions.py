"""Exceptions as GraphQL types: the review work items, their history and the actions open on them."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import cast

import strawberry
from strawberry.scalars import JSON

from domain import review
from schema.context import Info
from schema.enums import described
from schema.governance.types import Meeting
from schema.relay import Node, global_id
from schema.reports.catalogue import ReportType, Severity, load_report_type
from schema.reports.submissions import ReportSubmission
from sql.rows import ExceptionRow, HistoryRow


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


@strawberry.type(description="One change to an exception: who, when, what, from which status to which, and why.")
class HistoryEntry(Node):
    at: datetime = strawberry.field(description="When.")
    actor: str = strawberry.field(description="Who: a key's name, or system.")
    action: str = strawberry.field(
        description="A review action, NOTED (discussed at a meeting, left as it was), or FLAGGED, RAISED_AGAIN, "
        "SYSTEM_RESOLVED or SYSTEM_REOPENED."
    )
    from_status: ExceptionStatus | None = strawberry.field(description="The status before; null for FLAGGED.")
    to_status: ExceptionStatus | None = strawberry.field(description="The status after.")
    comment: str | None = strawberry.field(description="The comment given, or the system's reason.")
    meeting_id: strawberry.Private[int | None] = None

    @classmethod
    def from_row(cls, r: HistoryRow) -> HistoryEntry:
        return cls(
            id=global_id("HistoryEntry", r.id),
            at=r.at,
            actor=r.actor,
            action=r.action,
            from_status=ExceptionStatus(r.from_status) if r.from_status else None,
            to_status=ExceptionStatus(r.to_status) if r.to_status else None,
            comment=r.comment,
            meeting_id=r.meeting_id,
        )

    @strawberry.field(
        description="The meeting at which it was discussed, when the caller may see that meeting (by its "
        "classification); null otherwise."
    )
    async def meeting(self, info: Info) -> Meeting | None:
        if self.meeting_id is None:
            return None
        row = await info.context.loaders.meeting.load(self.meeting_id)
        return Meeting.from_row(row) if row else None


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
        return await load_report_type(info, self.row.report_type_id)

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

    @strawberry.field(
        description="Every change, oldest first; never edited or deleted. An entry made at a meeting the caller may "
        "not see (by its classification) is left out, as the meeting is."
    )
    async def history(self, info: Info) -> list[HistoryEntry]:
        entries = await info.context.loaders.history.load(self.row.id)
        named = sorted({h.meeting_id for h in entries if h.meeting_id is not None})
        seen = {m for m, row in zip(named, await info.context.loaders.meeting.load_many(named), strict=True) if row}
        return [HistoryEntry.from_row(h) for h in entries if h.meeting_id is None or h.meeting_id in seen]


@strawberry.input(description="Narrows a list of exceptions; every field given must match.")
class ExceptionFilter:
    status: ExceptionStatus | None = strawberry.field(default=None, description="Only exceptions in this status.")
    severity: Severity | None = strawberry.field(default=None, description="Only exceptions of this severity.")
    report_type: str | None = strawberry.field(default=None, description="Only this report type (its code).")
    period: str | None = strawberry.field(default=None, description="Only this period.")
    rule_code: str | None = strawberry.field(default=None, description="Only this rule.")
