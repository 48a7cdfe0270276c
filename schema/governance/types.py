"""GraphQL types of governance."""

from __future__ import annotations

from datetime import date

import strawberry

from schema.context import Info
from schema.enums import ActionKind, ActionStatus, Classification, DecisionOutcome
from schema.relay import Connection, Node, global_id, in_memory
from sql.rows import ActionRow, BodyRow, HighlightRow, MeetingRow


@strawberry.type
class Body(Node):
    code: str
    name: str
    row: strawberry.Private[BodyRow]

    @classmethod
    def from_row(cls, row: BodyRow) -> Body:
        return cls(id=global_id("Body", row.id), code=row.code, name=row.name, row=row)

    @strawberry.field(description="Its meetings that the caller may see, newest first.")
    async def meetings(self, info: Info, first: int | None = None, after: str | None = None
                       ) -> Connection[Meeting]:
        rows = await info.context.loaders.body_meetings.load(self.row.id)
        return in_memory(rows, first=first, after=after, key=lambda m: m.id, node=Meeting.from_row)


@strawberry.type
class Meeting(Node):
    reference: str
    held_on: date
    title: str | None
    classification: Classification
    row: strawberry.Private[MeetingRow]

    @classmethod
    def from_row(cls, row: MeetingRow) -> Meeting:
        return cls(id=global_id("Meeting", row.id), reference=row.reference, held_on=row.held_on,
                   title=row.title, classification=Classification(row.classification), row=row)

    @strawberry.field
    async def body(self, info: Info) -> Body | None:
        row = await info.context.loaders.body.load(self.row.body_id)
        return Body.from_row(row) if row else None


@strawberry.type
class Highlight(Node):
    title: str
    body: str
    body_code: str
    classification: Classification
    published_on: date
    row: strawberry.Private[HighlightRow]

    @classmethod
    def from_row(cls, row: HighlightRow) -> Highlight:
        return cls(id=global_id("Highlight", row.id), title=row.title, body=row.body, body_code=row.body_code,
                   classification=Classification(row.classification), published_on=row.published_on, row=row)

    @strawberry.field
    async def meeting(self, info: Info) -> Meeting | None:
        if self.row.meeting_id is None:
            return None
        row = await info.context.loaders.meeting.load(self.row.meeting_id)
        return Meeting.from_row(row) if row else None


@strawberry.type
class Action(Node):
    """A Panel action (`SECP33/01`) or decision, with its outcome."""

    reference: str
    kind: ActionKind
    text: str
    owner: str | None
    status: ActionStatus
    outcome: DecisionOutcome | None
    due_on: date | None
    classification: Classification
    row: strawberry.Private[ActionRow]

    @classmethod
    def from_row(cls, row: ActionRow) -> Action:
        return cls(
            id=global_id("Action", row.id), reference=row.reference, kind=ActionKind(row.kind), text=row.text,
            owner=row.owner, status=ActionStatus(row.status),
            outcome=DecisionOutcome(row.outcome) if row.outcome else None, due_on=row.due_on,
            classification=Classification(row.classification), row=row,
        )

    @strawberry.field
    async def meeting(self, info: Info) -> Meeting | None:
        row = await info.context.loaders.meeting.load(self.row.meeting_id)
        return Meeting.from_row(row) if row else None


@strawberry.input
class HighlightFilter:
    body_code: str | None = None
    from_: date | None = strawberry.field(default=None, name="from")
    to: date | None = None
    text_contains: str | None = None


@strawberry.input
class ActionFilter:
    meeting_id: strawberry.ID | None = None
    status: ActionStatus | None = None
