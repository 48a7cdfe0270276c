"""GraphQL types of the register."""

from __future__ import annotations

from datetime import date

import strawberry

from schema.clock import today
from schema.context import Info
from schema.enums import DccUserRole, PartyCategory, PartyEventKind, PartyStatus
from schema.relay import Connection, Node, global_id, in_memory
from sql.rows import PartyEventRow, PartyRow, VotingGroupRow

FOREVER = date(9999, 12, 31)


@strawberry.type
class UserRole:
    role: DccUserRole
    user_id: str | None
    since: date


@strawberry.type
class PartyEvent(Node):
    kind: PartyEventKind
    occurred_on: date
    note: str | None
    user_role: DccUserRole | None
    user_id: str | None
    category: PartyCategory | None
    row: strawberry.Private[PartyEventRow]

    @classmethod
    def from_row(cls, row: PartyEventRow) -> PartyEvent:
        return cls(
            id=global_id("PartyEvent", row.id), kind=PartyEventKind(row.kind), occurred_on=row.occurred_on,
            note=row.note, user_role=DccUserRole(row.user_role) if row.user_role else None, user_id=row.user_id,
            category=PartyCategory(row.category) if row.category else None, row=row,
        )

    @strawberry.field
    async def voting_group(self, info: Info) -> VotingGroup | None:
        if self.row.voting_group_id is None:
            return None
        group = await info.context.loaders.voting_group.load(self.row.voting_group_id)
        return VotingGroup.from_row(group, FOREVER, explicit=False) if group else None

    @strawberry.field
    async def party(self, info: Info) -> Party | None:
        return await Party.load(info, self.row.party_id, None)


@strawberry.type
class Party(Node):
    name: str
    category: PartyCategory
    status: PartyStatus
    acceded_on: date | None
    note: str | None
    row: strawberry.Private[PartyRow]
    as_of: strawberry.Private[date]
    explicit: strawberry.Private[bool]

    @classmethod
    def from_row(cls, row: PartyRow, as_of: date, *, explicit: bool) -> Party:
        return cls(
            id=global_id("Party", row.id), name=row.name, category=PartyCategory(row.category),
            status=PartyStatus(row.status), acceded_on=row.acceded_on, note=row.note, row=row, as_of=as_of,
            explicit=explicit,
        )

    @classmethod
    async def load(cls, info: Info, pk: int, as_of: date | None) -> Party | None:
        day = as_of or today()
        row = await info.context.loaders.party.load((pk, day))
        return cls.from_row(row, day, explicit=as_of is not None) if row else None

    async def _events(self, info: Info) -> list[PartyEventRow]:
        # Without asOf every recorded event shows, future-dated ones included; with it, those up to that day.
        until = self.as_of if self.explicit else FOREVER
        return await info.context.loaders.party_events.load((self.row.id, until))

    @strawberry.field
    async def voting_group(self, info: Info) -> VotingGroup | None:
        group = await info.context.loaders.voting_group.load(self.row.voting_group_id)
        return VotingGroup.from_row(group, self.as_of, explicit=self.explicit) if group else None

    @strawberry.field(description="The DCC User Roles for which the Party completed the User Entry Process.")
    async def user_roles(self, info: Info) -> list[UserRole]:
        return [
            UserRole(role=DccUserRole(e.user_role), user_id=e.user_id, since=e.occurred_on)
            for e in await self._events(info)
            if e.kind == "UEP_COMPLETED" and e.user_role and e.occurred_on <= self.as_of
        ]

    @strawberry.field
    async def events(self, info: Info, first: int | None = None, after: str | None = None
                     ) -> Connection[PartyEvent]:
        return in_memory(await self._events(info), first=first, after=after, key=lambda e: e.id,
                         node=PartyEvent.from_row)

    @strawberry.field(description="The most recent event (by date) up to the day the Party is shown as of.")
    async def last_event(self, info: Info) -> PartyEvent | None:
        events = [e for e in await self._events(info) if e.occurred_on <= self.as_of]
        return PartyEvent.from_row(events[-1]) if events else None


@strawberry.type
class VotingGroup(Node):
    name: str
    category: PartyCategory
    row: strawberry.Private[VotingGroupRow]
    as_of: strawberry.Private[date]
    explicit: strawberry.Private[bool]

    @classmethod
    def from_row(cls, row: VotingGroupRow, as_of: date, *, explicit: bool) -> VotingGroup:
        return cls(id=global_id("VotingGroup", row.id), name=row.name, category=PartyCategory(row.category),
                   row=row, as_of=as_of, explicit=explicit)

    @strawberry.field(description="Its Parties (with asOf: those that were Parties at the end of that day).")
    async def parties(self, info: Info) -> list[Party]:
        rows = await info.context.loaders.group_members.load((self.row.id, self.as_of))
        if self.explicit:
            rows = [r for r in rows if r.status in ("ACTIVE", "IN_DEFAULT")]
        return [Party.from_row(r, self.as_of, explicit=self.explicit) for r in rows]


@strawberry.type
class CategoryCount:
    category: PartyCategory
    count: int


@strawberry.type
class MembershipMonth:
    month: str
    accessions: int
    in_default: int
    withdrawals: int
    expulsions: int
    parties_at_month_end: int
    voting_groups_at_month_end: int
    voting_groups_by_category: list[CategoryCount]


@strawberry.input
class PartyFilter:
    category: PartyCategory | None = None
    status: PartyStatus | None = None
    name_contains: str | None = None
    voting_group_id: strawberry.ID | None = None
