"""GraphQL types of modifications."""

from __future__ import annotations

from datetime import date

import strawberry

from schema.context import Info
from schema.enums import ModificationPath, ModificationStage
from schema.governance.types import Body
from schema.relay import Node, global_id
from sql.rows import ModificationEventRow, ModificationRow


@strawberry.type(
    description="A dated step in a modification's life: a stage change, an assessment, a vote, a decision."
)
class ModificationEvent(Node):
    kind: str = strawberry.field(
        description="What happened: RAISED, CONVERTED, STAGE_CHANGED, WORKING_GROUP, CONSULTATION, "
        "PRELIMINARY_ASSESSMENT, IMPACT_ASSESSMENT, CHANGE_BOARD_VOTE, PANEL_DECISION, AUTHORITY_DECISION, "
        "IMPLEMENTED, WITHDRAWN or SPLIT."
    )
    occurred_on: date = strawberry.field(description="The day it happened.")
    note: str | None = strawberry.field(description="Free text about it.")
    stage: ModificationStage | None = strawberry.field(
        description="The stage the modification entered, if the event moved it."
    )
    outcome: str | None = strawberry.field(
        description="The outcome of a vote or decision, in the body's words (approved, rejected, ...)."
    )
    row: strawberry.Private[ModificationEventRow]

    @classmethod
    def from_row(cls, row: ModificationEventRow) -> ModificationEvent:
        return cls(
            id=global_id("ModificationEvent", row.id),
            kind=row.kind,
            occurred_on=row.occurred_on,
            note=row.note,
            stage=ModificationStage(row.stage) if row.stage else None,
            outcome=row.outcome,
            row=row,
        )

    @strawberry.field(description="The body that acted (the Change Board, the Panel, a Working Group), if any.")
    async def body(self, info: Info) -> Body | None:
        if self.row.body_id is None:
            return None
        row = await info.context.loaders.body.load(self.row.body_id)
        return Body.from_row(row) if row else None


@strawberry.type(description="A proposed change to the Smart Energy Code, from Draft Proposal to implementation.")
class Modification(Node):
    reference: str = strawberry.field(
        description="Its current reference: SECMPnnnn (older), DPnnn as a Draft Proposal, MPnnn once converted, with "
        "a letter after a split (MP134A)."
    )
    former_references: list[str] = strawberry.field(
        description="References it had before (DP118 after conversion to MP118); each finds it too."
    )
    title: str = strawberry.field(description="Its title.")
    path: ModificationPath | None = strawberry.field(description="The route by which it is decided.")
    stage: ModificationStage | None = strawberry.field(
        description="Where it is now (from its latest stage-setting event)."
    )
    proposer: str | None = strawberry.field(description="Who proposed it.")
    raised_on: date | None = strawberry.field(description="The day it was raised.")
    working_group: str | None = strawberry.field(description="The Working Group refining it, if any.")
    release: str | None = strawberry.field(description="The SEC release it targets (June or November of a year).")
    implemented_on: date | None = strawberry.field(description="The day it was implemented, if it has been.")
    parties_impacted: list[str] = strawberry.field(description="The Party Categories it affects.")
    sec_sections: list[str] = strawberry.field(description="The SEC sections it changes.")
    row: strawberry.Private[ModificationRow]

    @classmethod
    def from_row(cls, row: ModificationRow) -> Modification:
        return cls(
            id=global_id("Modification", row.id),
            reference=row.reference,
            former_references=list(row.former_references),
            title=row.title,
            path=ModificationPath(row.path) if row.path else None,
            stage=ModificationStage(row.stage) if row.stage else None,
            proposer=row.proposer,
            raised_on=row.raised_on,
            working_group=row.working_group,
            release=row.release,
            implemented_on=row.implemented_on,
            parties_impacted=list(row.parties_impacted),
            sec_sections=list(row.sec_sections),
            row=row,
        )

    @strawberry.field(description="Its dated events, oldest first.")
    async def events(self, info: Info) -> list[ModificationEvent]:
        rows = await info.context.loaders.modification_events.load(self.row.id)
        return [ModificationEvent.from_row(r) for r in rows]


@strawberry.input(description="Narrows a list of modifications; every field given must match.")
class ModificationFilter:
    stage: ModificationStage | None = strawberry.field(default=None, description="Only those in this stage.")
    path: ModificationPath | None = strawberry.field(default=None, description="Only those on this path.")
    text_contains: str | None = strawberry.field(
        default=None, description="Only those whose reference or title contains this (case-insensitive)."
    )
    raised_from: date | None = strawberry.field(default=None, description="Only those raised on or after this day.")
    raised_to: date | None = strawberry.field(default=None, description="Only those raised on or before this day.")
