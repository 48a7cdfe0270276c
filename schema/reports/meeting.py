"""GraphQL for the Operations Group's meeting: `recordMeetingOutcome`, follow-ups (`followUps`, `closeFollowUp`).

The use case is services.meeting's; here the input is parsed and the answer rendered."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Annotated

import strawberry

from domain import meeting as policy
from domain.periods import today
from domain.roles import REPORT_READERS
from schema.context import Info
from schema.enums import described, value
from schema.errors import UserError, errors_field, user_error
from schema.governance.types import Meeting
from schema.relay import (
    After,
    Before,
    Connection,
    First,
    Last,
    Node,
    global_id,
    keys_of,
    page_of,
    pk_of,
    window,
)
from schema.reports.types import ReportException, ReviewAction
from services import meeting
from sql import followups
from sql.errors import Refusal
from sql.followups import FollowUpFilter as StoreFilter
from sql.followups import FollowUpRow


@strawberry.enum(description="Where a follow-up stands.")
class FollowUpStatus(Enum):
    OPEN = described("OPEN", description="Asked for, not yet done, not yet due.")
    CLOSED = described("CLOSED", description="Done: closed with a comment.")
    OVERDUE = described("OVERDUE", description="Still open after its due date (raised to OPSG as an exception).")


@strawberry.type(description="An action a body's meeting asked for: who is to do what by when, about which report.")
class FollowUp(Node):
    reference: str = strawberry.field(description="Its number as the body numbers them, for example OPSG10/01.")
    text: str = strawberry.field(description="What was asked for.")
    owner: str = strawberry.field(description="Who is to do it: DCC, SECAS, or a Party's ID.")
    owner_name: str = strawberry.field(description="The owner's name: DCC, SECAS, or the Party's name.")
    due: date | None = strawberry.field(description="When it is due.")
    status: FollowUpStatus = strawberry.field(description="OPEN, CLOSED, or OVERDUE (open past its due date).")
    report_type: str | None = strawberry.field(description="The report type it concerns (its code).")
    period: str | None = strawberry.field(description="The period it concerns.")
    closed_at: datetime | None = strawberry.field(description="When it was closed.")
    closed_by: str | None = strawberry.field(description="Who closed it.")
    closing_comment: str | None = strawberry.field(description="How it was done, in the closer's words.")
    row: strawberry.Private[FollowUpRow]

    @classmethod
    def from_row(cls, r: FollowUpRow) -> FollowUp:
        owner = global_id("Party", r.owner_party_id) if r.owner_party_id is not None else (r.owner or "")
        return cls(
            id=global_id("FollowUp", r.id),
            reference=r.reference,
            text=r.text,
            owner=owner,
            owner_name=r.owner or "",
            due=r.due_on,
            status=FollowUpStatus(policy.status_of(r.status, r.due_on, today())),
            report_type=r.report_type,
            period=r.period,
            closed_at=r.closed_at,
            closed_by=r.closed_by,
            closing_comment=r.closing_comment,
            row=r,
        )

    @strawberry.field(description="The meeting that asked for it.")
    async def meeting(self, info: Info) -> Meeting | None:
        row = await info.context.loaders.meeting.load(self.row.meeting_id)
        return Meeting.from_row(row) if row else None

    @strawberry.field(description="The exception it concerns, for the roles that read exceptions.")
    async def exception(self, info: Info) -> ReportException | None:
        if self.row.exception_id is None or info.context.viewer.role not in REPORT_READERS:
            return None
        row = await info.context.loaders.exception.load(self.row.exception_id)
        return ReportException.from_row(row) if row else None


async def load_follow_up(info: Info, pk: int) -> FollowUp | None:
    """node(id:) for a follow-up: hidden by its meeting's classification like any action."""
    async with info.context.connection() as conn:
        found = await followups.by_ids(conn, ids=[pk], viewer=info.context.viewer)
    return FollowUp.from_row(found[0]) if found else None


@strawberry.input(description="Narrows a list of follow-ups; every field given must match.")
class FollowUpFilter:
    status: FollowUpStatus | None = strawberry.field(default=None, description="Only those in this status.")
    owner: str | None = strawberry.field(default=None, description="Only those of this owner: DCC, SECAS or a name.")
    body_code: str | None = strawberry.field(default=None, description="Only those of this body's meetings.")
    due_before: date | None = strawberry.field(default=None, description="Only those due before this day.")


@strawberry.input(description="A row of the month's table the meeting noted, with its observation.")
class MeetingRowInput:
    report_type: str = strawberry.field(description="The report type's code.")
    period: str = strawberry.field(description="The period of the row.")
    observation: str | None = strawberry.field(
        default=None, description="OPSG's words for the row; not given: noted, the observation left as it is."
    )


@strawberry.input(description="An exception the meeting discussed, and its outcome.")
class MeetingExceptionInput:
    id: strawberry.ID = strawberry.field(description="The exception's ID.")
    action: ReviewAction | None = strawberry.field(
        default=None,
        description="ACKNOWLEDGE, RESOLVE, ESCALATE (to the Panel), ... under the review rules; not given: noted.",
    )
    comment: str | None = strawberry.field(default=None, description="Why; needed where the review rules need one.")


@strawberry.input(description="A follow-up the meeting asked for.")
class FollowUpInput:
    text: str = strawberry.field(description="What is asked for.")
    owner: str = strawberry.field(description="Who is to do it: DCC, SECAS, or a Party's ID.")
    due: date = strawberry.field(description="When it is due.")
    report_type: str | None = strawberry.field(default=None, description="The report type it concerns (its code).")
    period: str | None = strawberry.field(default=None, description="The period it concerns.")
    exception_id: strawberry.ID | None = strawberry.field(default=None, description="The exception it concerns.")


@strawberry.input(description="What an OPSG meeting concluded about the month's table.")
class RecordMeetingOutcomeInput:
    meeting_id: strawberry.ID = strawberry.field(description="The OPSG meeting (its ID).")
    month: str = strawberry.field(description="The month of the table, YYYY-MM: the meeting's month.")
    rows: list[MeetingRowInput] = strawberry.field(default_factory=list, description="The rows noted.")
    exceptions: list[MeetingExceptionInput] = strawberry.field(
        default_factory=list, description="The exceptions discussed, each with its outcome."
    )
    follow_ups: list[FollowUpInput] = strawberry.field(
        default_factory=list, description="The follow-ups asked for, numbered in this order."
    )


@strawberry.type(description="The meeting's outcome as recorded, or why nothing was.")
class MeetingOutcomePayload:
    meeting: Meeting | None = strawberry.field(description="The meeting; null when refused.")
    month: str | None = strawberry.field(description="The month of the table; null when refused.")
    exceptions: list[ReportException] = strawberry.field(description="The exceptions discussed, after the meeting.")
    follow_ups: list[FollowUp] = strawberry.field(description="The follow-ups asked for, with their numbers.")
    errors: list[UserError] = errors_field()


@strawberry.type(description="The answer to closeFollowUp.")
class FollowUpPayload:
    follow_up: FollowUp | None = strawberry.field(description="The follow-up, closed; null when refused.")
    errors: list[UserError] = errors_field()


def _outcome(i: RecordMeetingOutcomeInput) -> meeting.MeetingOutcome:
    """The use case's input; BadId naming the part whose ID is malformed."""
    asked = []
    for n, f in enumerate(i.follow_ups):
        kind = policy.owner_kind(f.owner)
        where = f"followUps[{n}]"
        asked.append(
            meeting.FollowUpAsked(
                text=f.text,
                owner=kind or f.owner,
                due_on=f.due,
                owner_party_id=None if kind else pk_of(f.owner.strip(), "Party", field=f"{where}.owner"),
                report_type=f.report_type,
                period=f.period,
                exception_id=pk_of(f.exception_id, "ReportException", field=f"{where}.exceptionId")
                if f.exception_id
                else None,
            )
        )
    return meeting.MeetingOutcome(
        meeting_id=pk_of(i.meeting_id, "Meeting", field="meetingId"),
        month=i.month,
        rows=tuple(meeting.RowNoted(r.report_type.strip().upper(), r.period.strip(), r.observation) for r in i.rows),
        exceptions=tuple(
            meeting.ExceptionDiscussed(
                pk_of(e.id, "ReportException", field=f"exceptions[{n}].id"), value(e.action), e.comment
            )
            for n, e in enumerate(i.exceptions)
        ),
        follow_ups=tuple(asked),
    )


def _errors(e: Refusal) -> list[UserError]:
    problems = e.problems if isinstance(e, meeting.Refused) else [e]
    return [user_error(p) for p in problems]


def _position(key: list[object]) -> tuple[date, int]:
    """A follow-up's position in the list: (due on, id)."""
    return date.fromisoformat(str(key[0])), int(str(key[1]))


@strawberry.type
class MeetingQuery:
    @strawberry.field(
        description="Follow-ups the caller may see (by their meeting's classification), soonest due first."
    )
    async def follow_ups(
        self,
        info: Info,
        filter: Annotated[FollowUpFilter | None, strawberry.argument(description="Only those that match it.")] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[FollowUp]:
        w, f = window(first, after, last, before), filter or FollowUpFilter()
        after_key, before_key = keys_of(w, 2, _position)
        owner = policy.owner_kind(f.owner) or f.owner if f.owner else None
        wanted = StoreFilter(value(f.status), owner, f.body_code, f.due_before)
        viewer, day = info.context.viewer, today()
        async with info.context.connection() as conn:
            rows = await followups.page(
                conn,
                filter=wanted,
                today=day,
                after=after_key,
                before=before_key,
                backward=w.backward,
                limit=w.limit + 1,
                viewer=viewer,
            )

        async def total() -> int:
            async with info.context.connection() as conn:
                return await followups.count(conn, filter=wanted, today=day, viewer=viewer)

        return page_of(
            rows,
            w,
            key=lambda r: [r.due_on.isoformat() if r.due_on else "9999-12-31", r.id],
            node=FollowUp.from_row,
            counter=total,
        )


@strawberry.type
class MeetingMutation:
    @strawberry.mutation(
        description="Record an OPSG meeting's outcome for the month's table (opsg, secas, admin): the rows noted "
        "with their observations, the exceptions discussed with their outcomes, the follow-ups asked for. One "
        "transaction: refused as a whole, every part at fault named."
    )
    async def record_meeting_outcome(
        self,
        info: Info,
        input: Annotated[RecordMeetingOutcomeInput, strawberry.argument(description="What the meeting concluded.")],
    ) -> MeetingOutcomePayload:
        refused = MeetingOutcomePayload(meeting=None, month=None, exceptions=[], follow_ups=[], errors=[])
        try:
            outcome = _outcome(input)
            async with info.context.connection() as conn:
                done = await meeting.record(conn, info.context.viewer, outcome)
        except Refusal as e:
            refused.errors = _errors(e)
            return refused
        return MeetingOutcomePayload(
            meeting=Meeting.from_row(done.meeting),
            month=done.month,
            exceptions=[ReportException.from_row(e) for e in done.exceptions],
            follow_ups=[FollowUp.from_row(f) for f in done.follow_ups],
            errors=[],
        )

    @strawberry.mutation(
        description="Close a follow-up with a comment saying how it was done (opsg, secas, admin; the DCC its own)."
    )
    async def close_follow_up(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The follow-up's ID.")],
        comment: Annotated[str, strawberry.argument(description="How it was done.")],
    ) -> FollowUpPayload:
        try:
            async with info.context.connection() as conn:
                row = await meeting.close(
                    conn, info.context.viewer, follow_up_id=pk_of(id, "FollowUp"), comment=comment
                )
        except Refusal as e:
            return FollowUpPayload(follow_up=None, errors=[user_error(e)])
        return FollowUpPayload(follow_up=FollowUp.from_row(row), errors=[])
