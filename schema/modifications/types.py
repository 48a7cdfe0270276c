"""GraphQL types of modifications."""

from __future__ import annotations

from datetime import date

import strawberry

from schema.context import Info
from schema.enums import ModificationPath, ModificationStage
from schema.governance.types import Body
from schema.relay import Node, global_id
from sql.rows import ModificationEventRow, ModificationRow


@strawberry.type
class ModificationEvent:
    kind: str
    occurred_on: date
    note: str | None
    stage: ModificationStage | None
    outcome: str | None
    row: strawberry.Private[ModificationEventRow]

    @classmethod
    def from_row(cls, row: ModificationEventRow) -> ModificationEvent:
        return cls(kind=row.kind, occurred_on=row.occurred_on, note=row.note,
                   stage=ModificationStage(row.stage) if row.stage else None, outcome=row.outcome, row=row)

    @strawberry.field
    async def body(self, info: Info) -> Body | None:
        if self.row.body_id is None:
            return None
        row = await info.context.loaders.body.load(self.row.body_id)
        return Body.from_row(row) if row else None


@strawberry.type
class Modification(Node):
    reference: str
    former_references: list[str]
    title: str
    path: ModificationPath | None
    stage: ModificationStage | None
    proposer: str | None
    raised_on: date | None
    working_group: str | None
    release: str | None
    implemented_on: date | None
    parties_impacted: list[str]
    sec_sections: list[str]
    row: strawberry.Private[ModificationRow]

    @classmethod
    def from_row(cls, row: ModificationRow) -> Modification:
        return cls(
            id=global_id("Modification", row.id), reference=row.reference,
            former_references=list(row.former_references), title=row.title,
            path=ModificationPath(row.path) if row.path else None,
            stage=ModificationStage(row.stage) if row.stage else None,
            proposer=row.proposer, raised_on=row.raised_on, working_group=row.working_group, release=row.release,
            implemented_on=row.implemented_on, parties_impacted=list(row.parties_impacted),
            sec_sections=list(row.sec_sections), row=row,
        )

    @strawberry.field
    async def events(self, info: Info) -> list[ModificationEvent]:
        rows = await info.context.loaders.modification_events.load(self.row.id)
        return [ModificationEvent.from_row(r) for r in rows]


@strawberry.input
class ModificationFilter:
    stage: ModificationStage | None = None
    path: ModificationPath | None = None
    text_contains: str | None = None
    raised_from: date | None = None
    raised_to: date | None = None
