"""Mutations of modifications (secas and admin)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from domain.roles import STAFF
from schema.context import Info
from schema.enums import (
    ModificationEventKind,
    ModificationPath,
    ModificationStage,
    value,
)
from schema.errors import UserError, errors_field
from schema.load_one import load_one
from schema.modifications.types import Modification, ModificationEvent
from schema.payloads import run, run_then_load
from schema.relay import pk_of
from sql import governance, modifications
from sql.db import Conn


@strawberry.input(description="A new modification.")
class CreateModificationInput:
    reference: str = strawberry.field(
        description="Its reference, unique: SECMPnnnn, DPnnn or MPnnn (with a letter after a split)."
    )
    title: str = strawberry.field(description="Its title.")
    path: ModificationPath | None = strawberry.field(default=None, description="The route by which it is decided.")
    stage: ModificationStage | None = strawberry.field(
        default=ModificationStage.DRAFT_PROPOSAL, description="Its stage; DRAFT_PROPOSAL when not given."
    )
    proposer: str | None = strawberry.field(default=None, description="Who proposed it.")
    raised_on: date | None = strawberry.field(default=None, description="The day it was raised.")
    working_group: str | None = strawberry.field(default=None, description="The Working Group refining it.")
    release: str | None = strawberry.field(default=None, description="The SEC release it targets.")
    former_references: list[str] | None = strawberry.field(default=None, description="References it had before.")
    parties_impacted: list[str] | None = strawberry.field(default=None, description="The Party Categories it affects.")
    sec_sections: list[str] | None = strawberry.field(default=None, description="The SEC sections it changes.")


@strawberry.input(description="Changes to a modification; fields not given stay as they are.")
class AmendModificationInput:
    id: strawberry.ID = strawberry.field(description="The modification's ID.")
    title: str | None = strawberry.field(default=None, description="The new title.")
    path: ModificationPath | None = strawberry.field(default=None, description="The new path.")
    proposer: str | None = strawberry.field(default=None, description="The proposer.")
    working_group: str | None = strawberry.field(default=None, description="The Working Group.")
    release: str | None = strawberry.field(default=None, description="The target release.")
    implemented_on: date | None = strawberry.field(default=None, description="The day it was implemented.")
    new_reference: str | None = strawberry.field(
        default=None, description="Converting DP118 to MP118: the old reference stays findable."
    )


@strawberry.input(description="A dated event of a modification.")
class RecordModificationEventInput:
    modification_id: strawberry.ID = strawberry.field(description="The modification's ID.")
    kind: ModificationEventKind = strawberry.field(description="What happened.")
    occurred_on: date = strawberry.field(description="The day it happened.")
    stage: ModificationStage | None = strawberry.field(
        default=None, description="The stage it enters, if the event moves it."
    )
    body_code: str | None = strawberry.field(default=None, description="The code of the body that acted, if any.")
    outcome: str | None = strawberry.field(
        default=None, description="The outcome of a vote or decision, in the body's words."
    )
    note: str | None = strawberry.field(default=None, description="Free text about it.")


@strawberry.type(description="The answer to createModification and amendModification.")
class ModificationPayload:
    modification: Modification | None = strawberry.field(description="The modification as stored; null when refused.")
    errors: list[UserError] = errors_field()


@strawberry.type(description="The answer to recordModificationEvent.")
class ModificationEventPayload:
    modification_event: ModificationEvent | None = strawberry.field(
        description="The recorded event; null when refused."
    )
    modification: Modification | None = strawberry.field(description="The modification as it stands after the event.")
    errors: list[UserError] = errors_field()


async def _load(info: Info, pk: int | None) -> Modification | None:
    return await load_one(info, lambda ls: ls.modification, Modification.from_row, pk)


@strawberry.type
class ModificationMutation:
    @strawberry.mutation(description="Create a modification (secas, admin).")
    async def create_modification(
        self,
        info: Info,
        input: Annotated[CreateModificationInput, strawberry.argument(description="The new modification.")],
    ) -> ModificationPayload:
        async def act(conn: Conn) -> int:
            return await modifications.create(
                conn,
                reference=input.reference,
                title=input.title,
                path=value(input.path),
                stage=value(input.stage),
                proposer=input.proposer,
                raised_on=input.raised_on,
                working_group=input.working_group,
                release=input.release,
                former_references=input.former_references,
                parties_impacted=input.parties_impacted,
                sec_sections=input.sec_sections,
            )

        mod, errors = await run_then_load(info, STAFF, act, lambda ls: ls.modification, Modification.from_row)
        return ModificationPayload(modification=mod, errors=errors)

    @strawberry.mutation(
        description="Correct or complete a modification; a new reference keeps the old one as former (secas, admin)."
    )
    async def amend_modification(
        self,
        info: Info,
        input: Annotated[AmendModificationInput, strawberry.argument(description="What changes.")],
    ) -> ModificationPayload:
        async def act(conn: Conn) -> int:
            return await modifications.update(
                conn,
                id=pk_of(input.id, "Modification"),
                title=input.title,
                path=value(input.path),
                proposer=input.proposer,
                working_group=input.working_group,
                release=input.release,
                implemented_on=input.implemented_on,
                new_reference=input.new_reference,
            )

        mod, errors = await run_then_load(info, STAFF, act, lambda ls: ls.modification, Modification.from_row)
        return ModificationPayload(modification=mod, errors=errors)

    @strawberry.mutation(description="A dated stage change, vote or decision; the stage follows the latest one.")
    async def record_modification_event(
        self,
        info: Info,
        input: Annotated[RecordModificationEventInput, strawberry.argument(description="The event.")],
    ) -> ModificationEventPayload:
        async def act(conn: Conn) -> int:
            pk = pk_of(input.modification_id, "Modification", field="modificationId")
            body = (await governance.body_by_code(conn, code=input.body_code)).id if input.body_code else None
            await modifications.record_event(
                conn,
                modification_id=pk,
                kind=input.kind.value,
                occurred_on=input.occurred_on,
                note=input.note,
                stage=value(input.stage),
                body_id=body,
                outcome=input.outcome,
            )
            return pk

        pk, errors = await run(info, STAFF, act)
        mod = await _load(info, pk)
        event = None
        if pk:
            events = await info.context.loaders.modification_events.load(pk)
            event = ModificationEvent.from_row(max(events, key=lambda e: e.id)) if events else None
        return ModificationEventPayload(modification_event=event, modification=mod, errors=errors)
