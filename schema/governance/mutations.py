"""Mutations of governance: bodies, meetings, highlights, actions (secas and admin)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from domain.roles import STAFF
from schema.context import Info
from schema.enums import (
    ActionKind,
    ActionStatus,
    Classification,
    DecisionOutcome,
    value,
)
from schema.errors import UserError, errors_field
from schema.governance.types import Action, Body, Highlight, Meeting
from schema.payloads import run, run_then_load
from schema.relay import pk_of
from sql import governance
from sql.db import Conn


@strawberry.input(description="A new body (a Working Group, say).")
class CreateBodyInput:
    code: str = strawberry.field(description="Its code, unique (upper case, as PANEL or OPSG).")
    name: str = strawberry.field(description="Its full name.")


@strawberry.input(description="A new meeting of a body.")
class CreateMeetingInput:
    body_code: str = strawberry.field(description="The body's code.")
    reference: str = strawberry.field(description="The meeting's reference, unique (for example OPSG_10_2407).")
    held_on: date = strawberry.field(description="The day it is held.")
    classification: Classification = strawberry.field(
        default=Classification.WHITE, description="Who may see it; White when not given."
    )
    title: str | None = strawberry.field(default=None, description="Its title.")


@strawberry.input(description="Changes to a meeting; fields not given stay as they are.")
class AmendMeetingInput:
    id: strawberry.ID = strawberry.field(description="The meeting's ID.")
    held_on: date | None = strawberry.field(default=None, description="The corrected day.")
    title: str | None = strawberry.field(default=None, description="The new title.")
    classification: Classification | None = strawberry.field(default=None, description="The new classification.")


@strawberry.input(description="A new highlight of a body.")
class CreateHighlightInput:
    body_code: str = strawberry.field(description="The publishing body's code.")
    title: str = strawberry.field(description="Its title.")
    body: str = strawberry.field(description="Its text.")
    classification: Classification = strawberry.field(description="Who may see it.")
    published_on: date = strawberry.field(description="The day it is published.")
    meeting_id: strawberry.ID | None = strawberry.field(
        default=None, description="The meeting it comes from (its ID), if any."
    )


@strawberry.input(description="A new action or decision of a meeting.")
class CreateActionInput:
    reference: str = strawberry.field(description="Its reference, unique (for example SECP33/01).")
    meeting_id: strawberry.ID = strawberry.field(description="The meeting that recorded it (its ID).")
    text: str = strawberry.field(description="What is to be done, or what was decided.")
    kind: ActionKind = strawberry.field(
        default=ActionKind.ACTION, description="Action or decision; ACTION when not given."
    )
    owner: str | None = strawberry.field(default=None, description="Who is to do it.")
    status: ActionStatus = strawberry.field(default=ActionStatus.OPEN, description="OPEN when not given.")
    outcome: DecisionOutcome | None = strawberry.field(default=None, description="For a decision: what was decided.")
    due_on: date | None = strawberry.field(default=None, description="When it is due.")
    classification: Classification = strawberry.field(
        default=Classification.WHITE, description="Who may see it; White when not given."
    )


@strawberry.input(description="Changes to an action or decision; fields not given stay as they are.")
class AmendActionInput:
    id: strawberry.ID = strawberry.field(description="Its ID.")
    status: ActionStatus | None = strawberry.field(default=None, description="The new status (CLOSED when done).")
    outcome: DecisionOutcome | None = strawberry.field(default=None, description="The decision's outcome.")
    owner: str | None = strawberry.field(default=None, description="The new owner.")
    text: str | None = strawberry.field(default=None, description="The new text.")
    due_on: date | None = strawberry.field(default=None, description="The new due date.")


@strawberry.type(description="The answer to createBody.")
class BodyPayload:
    body: Body | None = strawberry.field(description="The new body; null when refused.")
    errors: list[UserError] = errors_field()


@strawberry.type(description="The answer to createMeeting and amendMeeting.")
class MeetingPayload:
    meeting: Meeting | None = strawberry.field(description="The meeting as stored; null when refused.")
    errors: list[UserError] = errors_field()


@strawberry.type(description="The answer to createHighlight.")
class HighlightPayload:
    highlight: Highlight | None = strawberry.field(description="The new highlight; null when refused.")
    errors: list[UserError] = errors_field()


@strawberry.type(description="The answer to createAction and amendAction.")
class ActionPayload:
    action: Action | None = strawberry.field(description="The action as stored; null when refused.")
    errors: list[UserError] = errors_field()


@strawberry.type
class GovernanceMutation:
    @strawberry.mutation(description="Create a body (secas, admin).")
    async def create_body(
        self,
        info: Info,
        input: Annotated[CreateBodyInput, strawberry.argument(description="The new body.")],
    ) -> BodyPayload:
        async def act(conn: Conn) -> Body:
            return Body.from_row(
                await governance.create_body(conn, code=input.code.strip().upper(), name=input.name.strip())
            )

        body, errors = await run(info, STAFF, act)
        return BodyPayload(body=body, errors=errors)

    @strawberry.mutation(description="Record a meeting of a body (secas, admin).")
    async def create_meeting(
        self,
        info: Info,
        input: Annotated[CreateMeetingInput, strawberry.argument(description="The new meeting.")],
    ) -> MeetingPayload:
        async def act(conn: Conn) -> int:
            body = await governance.body_by_code(conn, code=input.body_code)
            return await governance.create_meeting(
                conn,
                body_id=body.id,
                reference=input.reference.strip(),
                held_on=input.held_on,
                title=input.title,
                classification=input.classification.value,
            )

        meeting, errors = await run_then_load(info, STAFF, act, lambda ls: ls.meeting, Meeting.from_row)
        return MeetingPayload(meeting=meeting, errors=errors)

    @strawberry.mutation(description="Correct a meeting (secas, admin).")
    async def amend_meeting(
        self,
        info: Info,
        input: Annotated[AmendMeetingInput, strawberry.argument(description="What changes.")],
    ) -> MeetingPayload:
        async def act(conn: Conn) -> int:
            return await governance.update_meeting(
                conn,
                id=pk_of(input.id, "Meeting"),
                held_on=input.held_on,
                title=input.title,
                classification=value(input.classification),
            )

        meeting, errors = await run_then_load(info, STAFF, act, lambda ls: ls.meeting, Meeting.from_row)
        return MeetingPayload(meeting=meeting, errors=errors)

    @strawberry.mutation(description="Publish a highlight of a body (secas, admin).")
    async def create_highlight(
        self,
        info: Info,
        input: Annotated[CreateHighlightInput, strawberry.argument(description="The new highlight.")],
    ) -> HighlightPayload:
        async def act(conn: Conn) -> int:
            body = await governance.body_by_code(conn, code=input.body_code)
            meeting = pk_of(input.meeting_id, "Meeting", field="meetingId") if input.meeting_id else None
            return await governance.create_highlight(
                conn,
                body_id=body.id,
                meeting_id=meeting,
                title=input.title.strip(),
                body=input.body,
                classification=input.classification.value,
                published_on=input.published_on,
            )

        highlight, errors = await run_then_load(info, STAFF, act, lambda ls: ls.highlight, Highlight.from_row)
        return HighlightPayload(highlight=highlight, errors=errors)

    @strawberry.mutation(description="Record an action or decision of a meeting (secas, admin).")
    async def create_action(
        self,
        info: Info,
        input: Annotated[CreateActionInput, strawberry.argument(description="The new action or decision.")],
    ) -> ActionPayload:
        async def act(conn: Conn) -> int:
            return await governance.create_action(
                conn,
                reference=input.reference.strip(),
                meeting_id=pk_of(input.meeting_id, "Meeting", field="meetingId"),
                kind=input.kind.value,
                text=input.text,
                owner=input.owner,
                status=input.status.value,
                outcome=value(input.outcome),
                due_on=input.due_on,
                classification=input.classification.value,
            )

        action, errors = await run_then_load(info, STAFF, act, lambda ls: ls.action, Action.from_row)
        return ActionPayload(action=action, errors=errors)

    @strawberry.mutation(description="Update an action or decision: close it, record its outcome (secas, admin).")
    async def amend_action(
        self,
        info: Info,
        input: Annotated[AmendActionInput, strawberry.argument(description="What changes.")],
    ) -> ActionPayload:
        async def act(conn: Conn) -> int:
            return await governance.update_action(
                conn,
                id=pk_of(input.id, "Action"),
                status=value(input.status),
                outcome=value(input.outcome),
                owner=input.owner,
                text=input.text,
                due_on=input.due_on,
            )

        action, errors = await run_then_load(info, STAFF, act, lambda ls: ls.action, Action.from_row)
        return ActionPayload(action=action, errors=errors)
