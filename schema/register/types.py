"""GraphQL types of the register."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

import strawberry

from domain.lifecycle import MEMBER_STATUSES
from domain.operations.model import MonthFigures
from domain.periods import today
from domain.register import COUNTED
from schema.context import Info
from schema.enums import DccUserRole, PartyCategory, PartyEventKind, PartyStatus
from schema.relay import After, Before, Connection, First, Last, Node, global_id, in_memory
from sql.rows import MembershipMonthRow, PartyEventRow, PartyRow, VotingGroupRow

FOREVER = date(9999, 12, 31)
EVENT_FIELDS = frozenset({"events", "userRoles", "lastEvent"})  # a Party's fields answered from its events
T = TypeVar("T")


@strawberry.type(description="A DCC User Role a Party holds, after completing the User Entry Process for it.")
class UserRole:
    role: DccUserRole = strawberry.field(description="The DCC User Role.")
    user_id: str | None = strawberry.field(
        description="The DCC User ID for the role (for example ASE001), when recorded."
    )
    since: date = strawberry.field(description="The day the User Entry Process for the role was completed.")


@strawberry.type(
    description="A dated event in a Party's life (accession, User Entry Process, default, withdrawal, ...): the "
    "register is derived from these."
)
class PartyEvent(Node):
    kind: PartyEventKind = strawberry.field(description="What happened.")
    occurred_on: date = strawberry.field(
        description="The effective date (a withdrawal counts when it took effect, not when it was agreed)."
    )
    note: str | None = strawberry.field(description="Free text: the source of the record, or why the date was assumed.")
    user_role: DccUserRole | None = strawberry.field(
        description="The DCC User Role, for UEP_COMPLETED and UEPT_COMPLETED."
    )
    user_id: str | None = strawberry.field(description="The DCC User ID given with the User Role, if any.")
    category: PartyCategory | None = strawberry.field(description="The new Party Category, for CATEGORY_CHANGE.")
    row: strawberry.Private[PartyEventRow]

    @classmethod
    def from_row(cls, row: PartyEventRow) -> PartyEvent:
        return cls(
            id=global_id("PartyEvent", row.id),
            kind=PartyEventKind(row.kind),
            occurred_on=row.occurred_on,
            note=row.note,
            user_role=DccUserRole(row.user_role) if row.user_role else None,
            user_id=row.user_id,
            category=PartyCategory(row.category) if row.category else None,
            row=row,
        )

    @strawberry.field(description="The Voting Group the Party joined, for VOTING_GROUP_CHANGE.")
    async def voting_group(self, info: Info) -> VotingGroup | None:
        if self.row.voting_group_id is None:
            return None
        group = await info.context.loaders.voting_group.load(self.row.voting_group_id)
        return VotingGroup.from_row(group, FOREVER, explicit=False) if group else None

    @strawberry.field(description="The Party the event belongs to.")
    async def party(self, info: Info) -> Party | None:
        return await Party.load(info, self.row.party_id, None)


@dataclass(frozen=True, slots=True)
class Prefetched:
    """A page's relations fetched with the page (only those the query selects), so each Party's fields resolve
    without awaiting (300 awaits a page of 100 cost more than the SQL did)."""

    group: VotingGroupRow | None = None
    events: list[PartyEventRow] | None = None
    has_group: bool = False


NOTHING = Prefetched()


@strawberry.type(description="An organisation that has acceded to (or applied to) the Smart Energy Code.")
class Party(Node):
    name: str = strawberry.field(description="The Party's name.")
    category: PartyCategory = strawberry.field(
        description="The Party Category it votes in (as of the day it is shown for)."
    )
    status: PartyStatus = strawberry.field(
        description="Its state from its events as of the day it is shown for: APPLICANT, ACTIVE, IN_DEFAULT, "
        "WITHDRAWN or EXPELLED."
    )
    acceded_on: date | None = strawberry.field(description="The date of its accession, if it has acceded.")
    note: str | None = strawberry.field(
        description="Free text kept with the Party (for demo data: where the record comes from)."
    )
    row: strawberry.Private[PartyRow]
    as_of: strawberry.Private[date]
    explicit: strawberry.Private[bool]
    prefetched: strawberry.Private[Prefetched] = NOTHING

    @classmethod
    def from_row(cls, row: PartyRow, as_of: date, *, explicit: bool, prefetched: Prefetched = NOTHING) -> Party:
        return cls(
            id=global_id("Party", row.id, as_of if explicit else None),
            name=row.name,
            category=PartyCategory(row.category),
            status=PartyStatus(row.status),
            acceded_on=row.acceded_on,
            note=row.note,
            row=row,
            as_of=as_of,
            explicit=explicit,
            prefetched=prefetched,
        )

    @classmethod
    async def load(cls, info: Info, pk: int, as_of: date | None) -> Party | None:
        day = as_of or today()
        row = await info.context.loaders.party.load((pk, day))
        return cls.from_row(row, day, explicit=as_of is not None) if row else None

    @classmethod
    async def page(
        cls, info: Info, rows: list[PartyRow], as_of: date, *, explicit: bool, fields: set[str]
    ) -> list[Party]:
        """Parties of a page with the relations `fields` (the nodes' selection) asks for, each in one batch."""
        loaders = info.context.loaders
        until = as_of if explicit else FOREVER
        groups: list[VotingGroupRow | None] | None = None
        events: list[list[PartyEventRow]] | None = None
        if "votingGroup" in fields:
            groups = await loaders.voting_group.load_many([r.voting_group_id for r in rows])
        if fields & EVENT_FIELDS:
            events = await loaders.party_events.load_many([(r.id, until) for r in rows])
        return [
            cls.from_row(
                r,
                as_of,
                explicit=explicit,
                prefetched=Prefetched(
                    group=groups[i] if groups is not None else None,
                    has_group=groups is not None,
                    events=events[i] if events is not None else None,
                ),
            )
            for i, r in enumerate(rows)
        ]

    async def _events(self, info: Info) -> list[PartyEventRow]:
        # Without asOf every recorded event shows, future-dated ones included; with it, those up to that day.
        until = self.as_of if self.explicit else FOREVER
        return await info.context.loaders.party_events.load((self.row.id, until))

    def _group(self, group: VotingGroupRow | None) -> VotingGroup | None:
        return VotingGroup.from_row(group, self.as_of, explicit=self.explicit) if group else None

    def _roles(self, events: list[PartyEventRow]) -> list[UserRole]:
        return [
            UserRole(role=DccUserRole(e.user_role), user_id=e.user_id, since=e.occurred_on)
            for e in events
            if e.kind == "UEP_COMPLETED" and e.user_role and e.occurred_on <= self.as_of
        ]

    def _last(self, events: list[PartyEventRow]) -> PartyEvent | None:
        shown = [e for e in events if e.occurred_on <= self.as_of]
        return PartyEvent.from_row(shown[-1]) if shown else None

    async def _later(self, info: Info, use: Callable[[list[PartyEventRow]], T]) -> T:
        return use(await self._events(info))

    # Sync resolvers: with the page's data at hand they answer at once; otherwise (party(id), node) they hand
    # graphql-core an awaitable, which it awaits.
    @strawberry.field(description="The Voting Group it belongs to (as of the day it is shown for).")
    def voting_group(self, info: Info) -> VotingGroup | None:
        if self.prefetched.has_group:
            return self._group(self.prefetched.group)
        return self._load_group(info)  # type: ignore[return-value]

    async def _load_group(self, info: Info) -> VotingGroup | None:
        return self._group(await info.context.loaders.voting_group.load(self.row.voting_group_id))

    @strawberry.field(description="The DCC User Roles for which the Party completed the User Entry Process.")
    def user_roles(self, info: Info) -> list[UserRole]:
        if self.prefetched.events is not None:
            return self._roles(self.prefetched.events)
        return self._later(info, self._roles)  # type: ignore[return-value]

    @strawberry.field(description="Its dated events, oldest first; with asOf, those up to that day.")
    async def events(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[PartyEvent]:
        events = self.prefetched.events if self.prefetched.events is not None else await self._events(info)
        return in_memory(
            events, first=first, after=after, last=last, before=before, key=lambda e: e.id, node=PartyEvent.from_row
        )

    @strawberry.field(description="The most recent event (by date) up to the day the Party is shown as of.")
    def last_event(self, info: Info) -> PartyEvent | None:
        if self.prefetched.events is not None:
            return self._last(self.prefetched.events)
        return self._later(info, self._last)  # type: ignore[return-value]


@strawberry.type(description="A Party with its Affiliates: they vote as one in their category.")
class VotingGroup(Node):
    name: str = strawberry.field(description="The Voting Group's name.")
    category: PartyCategory = strawberry.field(description="The Party Category the group votes in.")
    row: strawberry.Private[VotingGroupRow]
    as_of: strawberry.Private[date]
    explicit: strawberry.Private[bool]

    @classmethod
    def from_row(cls, row: VotingGroupRow, as_of: date, *, explicit: bool) -> VotingGroup:
        return cls(
            id=global_id("VotingGroup", row.id, as_of if explicit else None),
            name=row.name,
            category=PartyCategory(row.category),
            row=row,
            as_of=as_of,
            explicit=explicit,
        )

    @strawberry.field(description="Its Parties (with asOf: those that were Parties at the end of that day).")
    async def parties(self, info: Info) -> list[Party]:
        rows = await info.context.loaders.group_members.load((self.row.id, self.as_of))
        if self.explicit:
            rows = [r for r in rows if r.status in MEMBER_STATUSES]
        return [Party.from_row(r, self.as_of, explicit=self.explicit) for r in rows]


@strawberry.type(description="How many Voting Groups one Party Category had.")
class CategoryCount:
    category: PartyCategory = strawberry.field(description="The Party Category.")
    count: int = strawberry.field(description="The number of Voting Groups in it.")


@strawberry.type(
    description="One month of membership figures (Table 3 of the monthly Operations Report); the DCC is not counted."
)
class MembershipMonth:
    month: str = strawberry.field(description="The month, YYYY-MM.")
    accessions: int = strawberry.field(description="Parties that acceded during the month.")
    in_default: int = strawberry.field(
        description="Parties in an Event of Default at the end of the month's last day and still Parties then."
    )
    withdrawals: int = strawberry.field(description="Parties whose withdrawal took effect during the month.")
    expulsions: int = strawberry.field(description="Parties expelled during the month.")
    parties_at_month_end: int = strawberry.field(
        description="Parties acceded and neither withdrawn nor expelled at the end of the month's last day."
    )
    voting_groups_at_month_end: int = strawberry.field(
        description="Voting Groups with at least one such Party at the end of the month."
    )
    voting_groups_by_category: list[CategoryCount] = strawberry.field(
        description="Those Voting Groups by Party Category."
    )
    complete: bool = strawberry.field(
        default=True,
        description="False for a month that ends before the register's opening balance: its totals are the "
        "register's own Parties only.",
    )

    @classmethod
    def of(cls, row: MembershipMonthRow | MonthFigures) -> MembershipMonth:
        """A month from the store's row or the report's figures (the same numbers under two names)."""
        if isinstance(row, MembershipMonthRow):
            parties, groups, counts = (
                row.parties_at_month_end,
                row.voting_groups_at_month_end,
                row.voting_groups_by_category,
            )
        else:
            parties, groups, counts = row.parties, row.voting_groups, row.by_category
        return cls(
            month=row.month,
            accessions=row.accessions,
            in_default=row.in_default,
            withdrawals=row.withdrawals,
            expulsions=row.expulsions,
            parties_at_month_end=parties,
            voting_groups_at_month_end=groups,
            voting_groups_by_category=[
                CategoryCount(category=PartyCategory(c), count=counts.get(c, 0)) for c in COUNTED
            ],
            complete=row.complete,
        )


@strawberry.input(description="Narrows a list of Parties; every field given must match.")
class PartyFilter:
    category: PartyCategory | None = strawberry.field(default=None, description="Only Parties of this category.")
    status: PartyStatus | None = strawberry.field(default=None, description="Only Parties in this status.")
    name_contains: str | None = strawberry.field(
        default=None, description="Only Parties whose name contains this text (case-insensitive)."
    )
    voting_group_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only the Parties of this Voting Group (its ID)."
    )
