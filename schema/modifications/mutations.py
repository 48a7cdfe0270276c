"""Mutations of modifications (secas and admin)."""

from __future__ import annotations

from datetime import date

import strawberry

from schema.context import Info
from schema.enums import (
    ModificationEventKind,
    ModificationPath,
    ModificationStage,
    value,
)
from schema.errors import UserError
from schema.modifications.types import Modification, ModificationEvent
from schema.mutation import STAFF, run
from schema.relay import pk_of
from sql import governance, modifications
from sql.db import Conn


@strawberry.input
class CreateModificationInput:
    reference: str
    title: str
    path: ModificationPath | None = None
    stage: ModificationStage | None = ModificationStage.DRAFT_PROPOSAL
    proposer: str | None = None
    raised_on: date | None = None
    working_group: str | None = None
    release: str | None = None
    former_references: list[str] | None = None
    parties_impacted: list[str] | None = None
    sec_sections: list[str] | None = None


@strawberry.input
class AmendModificationInput:
    id: strawberry.ID
    title: str | None = None
    path: ModificationPath | None = None
    proposer: str | None = None
    working_group: str | None = None
    release: str | None = None
    implemented_on: date | None = None
    new_reference: str | None = strawberry.field(
        default=None, description="Converting DP118 to MP118: the old reference stays findable.")


@strawberry.input
class RecordModificationEventInput:
    modification_id: strawberry.ID
    kind: ModificationEventKind
    occurred_on: date
    stage: ModificationStage | None = None
    body_code: str | None = None
    outcome: str | None = None
    note: str | None = None


@strawberry.type
class ModificationPayload:
    modification: Modification | None
    errors: list[UserError]


@strawberry.type
class ModificationEventPayload:
    modification_event: ModificationEvent | None
    modification: Modification | None
    errors: list[UserError]


async def _load(info: Info, pk: int | None) -> Modification | None:
    row = await info.context.loaders.modification.load(pk) if pk else None
    return Modification.from_row(row) if row else None


@strawberry.type
class ModificationMutation:
    @strawberry.mutation
    async def create_modification(self, info: Info, input: CreateModificationInput) -> ModificationPayload:
        async def act(conn: Conn) -> int:
            return await modifications.create(
                conn, reference=input.reference, title=input.title, path=value(input.path),
                stage=value(input.stage), proposer=input.proposer, raised_on=input.raised_on,
                working_group=input.working_group, release=input.release,
                former_references=input.former_references, parties_impacted=input.parties_impacted,
                sec_sections=input.sec_sections)

        pk, errors = await run(info, STAFF, act)
        return ModificationPayload(modification=await _load(info, pk), errors=errors)

    @strawberry.mutation
    async def amend_modification(self, info: Info, input: AmendModificationInput) -> ModificationPayload:
        async def act(conn: Conn) -> int:
            return await modifications.update(
                conn, id=pk_of(input.id, "Modification"), title=input.title, path=value(input.path),
                proposer=input.proposer, working_group=input.working_group, release=input.release,
                implemented_on=input.implemented_on, new_reference=input.new_reference)

        pk, errors = await run(info, STAFF, act)
        return ModificationPayload(modification=await _load(info, pk), errors=errors)

    @strawberry.mutation(description="A dated stage change, vote or decision; the stage follows the latest one.")
    async def record_modification_event(self, info: Info, input: RecordModificationEventInput
                                        ) -> ModificationEventPayload:
        async def act(conn: Conn) -> int:
            pk = pk_of(input.modification_id, "Modification", field="modificationId")
            body = (await governance.body_by_code(conn, code=input.body_code)).id if input.body_code else None
            await modifications.record_event(
                conn, modification_id=pk, kind=input.kind.value, occurred_on=input.occurred_on, note=input.note,
                stage=value(input.stage), body_id=body, outcome=input.outcome)
            return pk

        pk, errors = await run(info, STAFF, act)
        mod = await _load(info, pk)
        event = None
        if pk:
            events = await info.context.loaders.modification_events.load(pk)
            event = ModificationEvent.from_row(max(events, key=lambda e: e.id)) if events else None
        return ModificationEventPayload(modification_event=event, modification=mod, errors=errors)
