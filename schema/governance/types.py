"""GraphQL types of governance."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from schema.context import Info
from schema.enums import ActionKind, ActionStatus, Classification, DecisionOutcome
from schema.relay import Before, Connection, Last, Node, global_id, in_memory
from sql.rows import ActionRow, BodyRow, HighlightRow, MeetingRow


@strawberry.type(
    description="A governing body of the Code: the Panel, a Sub-Committee (OPSG, SSC, ...), a board or a Working Group."
)
class Body(Node):
    code: str = strawberry.field(
        description="Its code: PANEL, OPSG, SSC, SMKI_PMA, TABASC, TAG, CHANGE_BOARD, CHANGE_SUB_COMMITTEE, "
        "SECCO_BOARD, or a Working Group's."
    )
    name: str = strawberry.field(description="Its full name.")
    row: strawberry.Private[BodyRow]

    @classmethod
    def from_row(cls, row: BodyRow) -> Body:
        return cls(id=global_id("Body", row.id), code=row.code, name=row.name, row=row)

    @strawberry.field(description="Its meetings that the caller may see, newest first.")
    async def meetings(
        self,
        info: Info,
        first: Annotated[
            int | None, strawberry.argument(description="How many meetings to return (at most 100; 20 when not given).")
        ] = None,
        after: Annotated[
            str | None,
            strawberry.argument(description="Return the meetings after this cursor (endCursor of the page before)."),
        ] = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Meeting]:
        rows = await info.context.loaders.body_meetings.load(self.row.id)
        return in_memory(
            rows, first=first, after=after, last=last, before=before, key=lambda m: m.id, node=Meeting.from_row
        )


@strawberry.type(description="A meeting of a body, with its classification.")
class Meeting(Node):
    reference: str = strawberry.field(
        description="The meeting's reference: body, meeting number and day-month, for example OPSG_10_2407 or "
        "SECP_59_1008."
    )
    held_on: date = strawberry.field(description="The day it was held.")
    title: str | None = strawberry.field(description="Its title, if any.")
    classification: Classification = strawberry.field(description="Who may see it (White, Green, Amber, Red).")
    row: strawberry.Private[MeetingRow]

    @classmethod
    def from_row(cls, row: MeetingRow) -> Meeting:
        return cls(
            id=global_id("Meeting", row.id),
            reference=row.reference,
            held_on=row.held_on,
            title=row.title,
            classification=Classification(row.classification),
            row=row,
        )

    @strawberry.field(description="The body that met.")
    async def body(self, info: Info) -> Body | None:
        row = await info.context.loaders.body.load(self.row.body_id)
        return Body.from_row(row) if row else None


@strawberry.type(
    description="A short titled item a body's meeting published (for example an OPSG highlight in a Sub-Committee "
    "report)."
)
class Highlight(Node):
    title: str = strawberry.field(description="Its title.")
    body: str = strawberry.field(description="Its text.")
    body_code: str = strawberry.field(description="The code of the body that published it.")
    classification: Classification = strawberry.field(description="Who may see it.")
    published_on: date = strawberry.field(description="The day it was published.")
    row: strawberry.Private[HighlightRow]

    @classmethod
    def from_row(cls, row: HighlightRow) -> Highlight:
        return cls(
            id=global_id("Highlight", row.id),
            title=row.title,
            body=row.body,
            body_code=row.body_code,
            classification=Classification(row.classification),
            published_on=row.published_on,
            row=row,
        )

    @strawberry.field(description="The meeting it came from, if recorded.")
    async def meeting(self, info: Info) -> Meeting | None:
        if self.row.meeting_id is None:
            return None
        row = await info.context.loaders.meeting.load(self.row.meeting_id)
        return Meeting.from_row(row) if row else None


@strawberry.type(description="A numbered action (SECP33/01) or a decision recorded at a meeting, with its outcome.")
class Action(Node):
    """A Panel action (`SECP33/01`) or decision, with its outcome."""

    reference: str = strawberry.field(description="Its reference, for example SECP33/01.")
    kind: ActionKind = strawberry.field(description="Action or decision.")
    text: str = strawberry.field(description="What is to be done, or what was decided.")
    owner: str | None = strawberry.field(description="Who is to do it, if named.")
    status: ActionStatus = strawberry.field(description="Whether it is still open.")
    outcome: DecisionOutcome | None = strawberry.field(
        description="For a decision: NOTED, AGREED, APPROVED, REJECTED or DEFERRED."
    )
    due_on: date | None = strawberry.field(description="When it is due, if a date was set.")
    classification: Classification = strawberry.field(description="Who may see it.")
    row: strawberry.Private[ActionRow]

    @classmethod
    def from_row(cls, row: ActionRow) -> Action:
        return cls(
            id=global_id("Action", row.id),
            reference=row.reference,
            kind=ActionKind(row.kind),
            text=row.text,
            owner=row.owner,
            status=ActionStatus(row.status),
            outcome=DecisionOutcome(row.outcome) if row.outcome else None,
            due_on=row.due_on,
            classification=Classification(row.classification),
            row=row,
        )

    @strawberry.field(description="The meeting that recorded it.")
    async def meeting(self, info: Info) -> Meeting | None:
        row = await info.context.loaders.meeting.load(self.row.meeting_id)
        return Meeting.from_row(row) if row else None


@strawberry.input(description="Narrows a list of highlights; every field given must match.")
class HighlightFilter:
    body_code: str | None = strawberry.field(default=None, description="Only highlights of this body (its code).")
    from_: date | None = strawberry.field(
        default=None, name="from", description="Only highlights published on or after this day."
    )
    to: date | None = strawberry.field(default=None, description="Only highlights published on or before this day.")
    text_contains: str | None = strawberry.field(
        default=None, description="Only highlights whose title or text contains this (case-insensitive)."
    )


@strawberry.input(description="Narrows a list of actions and decisions.")
class ActionFilter:
    meeting_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only those of this meeting (its ID)."
    )
    status: ActionStatus | None = strawberry.field(default=None, description="Only those in this status.")
