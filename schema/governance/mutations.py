"""Mutations of governance: bodies, meetings, highlights, actions (secas and admin)."""

from __future__ import annotations

from datetime import date

import strawberry

from schema.context import Info
from schema.enums import (
    ActionKind,
    ActionStatus,
    Classification,
    DecisionOutcome,
    value,
)
from schema.errors import UserError
from schema.governance.types import Action, Body, Highlight, Meeting
from schema.mutation import STAFF, run
from schema.relay import pk_of
from sql import governance
from sql.db import Conn


@strawberry.input
class CreateBodyInput:
    code: str
    name: str


@strawberry.input
class CreateMeetingInput:
    body_code: str
    reference: str
    held_on: date
    classification: Classification = Classification.WHITE
    title: str | None = None


@strawberry.input
class AmendMeetingInput:
    id: strawberry.ID
    held_on: date | None = None
    title: str | None = None
    classification: Classification | None = None


@strawberry.input
class CreateHighlightInput:
    body_code: str
    title: str
    body: str
    classification: Classification
    published_on: date
    meeting_id: strawberry.ID | None = None


@strawberry.input
class CreateActionInput:
    reference: str
    meeting_id: strawberry.ID
    text: str
    kind: ActionKind = ActionKind.ACTION
    owner: str | None = None
    status: ActionStatus = ActionStatus.OPEN
    outcome: DecisionOutcome | None = None
    due_on: date | None = None
    classification: Classification = Classification.WHITE


@strawberry.input
class AmendActionInput:
    id: strawberry.ID
    status: ActionStatus | None = None
    outcome: DecisionOutcome | None = None
    owner: str | None = None
    text: str | None = None
    due_on: date | None = None


@strawberry.type
class BodyPayload:
    body: Body | None
    errors: list[UserError]


@strawberry.type
class MeetingPayload:
    meeting: Meeting | None
    errors: list[UserError]


@strawberry.type
class HighlightPayload:
    highlight: Highlight | None
    errors: list[UserError]


@strawberry.type
class ActionPayload:
    action: Action | None
    errors: list[UserError]


async def _meeting(info: Info, pk: int | None) -> Meeting | None:
    row = await info.context.loaders.meeting.load(pk) if pk else None
    return Meeting.from_row(row) if row else None


@strawberry.type
class GovernanceMutation:
    @strawberry.mutation
    async def create_body(self, info: Info, input: CreateBodyInput) -> BodyPayload:
        async def act(conn: Conn) -> Body:
            return Body.from_row(await governance.create_body(conn, code=input.code.strip().upper(),
                                                              name=input.name.strip()))

        body, errors = await run(info, STAFF, act)
        return BodyPayload(body=body, errors=errors)

    @strawberry.mutation
    async def create_meeting(self, info: Info, input: CreateMeetingInput) -> MeetingPayload:
        async def act(conn: Conn) -> int:
            body = await governance.body_by_code(conn, code=input.body_code)
            return await governance.create_meeting(conn, body_id=body.id, reference=input.reference.strip(),
                                                   held_on=input.held_on, title=input.title,
                                                   classification=input.classification.value)

        pk, errors = await run(info, STAFF, act)
        return MeetingPayload(meeting=await _meeting(info, pk), errors=errors)

    @strawberry.mutation
    async def amend_meeting(self, info: Info, input: AmendMeetingInput) -> MeetingPayload:
        async def act(conn: Conn) -> int:
            return await governance.update_meeting(conn, id=pk_of(input.id, "Meeting"), held_on=input.held_on,
                                                   title=input.title, classification=value(input.classification))

        pk, errors = await run(info, STAFF, act)
        return MeetingPayload(meeting=await _meeting(info, pk), errors=errors)

    @strawberry.mutation
    async def create_highlight(self, info: Info, input: CreateHighlightInput) -> HighlightPayload:
        async def act(conn: Conn) -> int:
            body = await governance.body_by_code(conn, code=input.body_code)
            meeting = pk_of(input.meeting_id, "Meeting", field="meetingId") if input.meeting_id else None
            return await governance.create_highlight(
                conn, body_id=body.id, meeting_id=meeting, title=input.title.strip(), body=input.body,
                classification=input.classification.value, published_on=input.published_on)

        pk, errors = await run(info, STAFF, act)
        row = await info.context.loaders.highlight.load(pk) if pk else None
        return HighlightPayload(highlight=Highlight.from_row(row) if row else None, errors=errors)

    @strawberry.mutation
    async def create_action(self, info: Info, input: CreateActionInput) -> ActionPayload:
        async def act(conn: Conn) -> int:
            return await governance.create_action(
                conn, reference=input.reference.strip(), meeting_id=pk_of(input.meeting_id, "Meeting",
                                                                           field="meetingId"),
                kind=input.kind.value, text=input.text, owner=input.owner, status=input.status.value,
                outcome=value(input.outcome), due_on=input.due_on, classification=input.classification.value)

        pk, errors = await run(info, STAFF, act)
        row = await info.context.loaders.action.load(pk) if pk else None
        return ActionPayload(action=Action.from_row(row) if row else None, errors=errors)

    @strawberry.mutation
    async def amend_action(self, info: Info, input: AmendActionInput) -> ActionPayload:
        async def act(conn: Conn) -> int:
            return await governance.update_action(
                conn, id=pk_of(input.id, "Action"), status=value(input.status), outcome=value(input.outcome),
                owner=input.owner, text=input.text, due_on=input.due_on)

        pk, errors = await run(info, STAFF, act)
        row = await info.context.loaders.action.load(pk) if pk else None
        return ActionPayload(action=Action.from_row(row) if row else None, errors=errors)
