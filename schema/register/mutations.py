"""Mutations of the register (secas and admin)."""

from __future__ import annotations

from datetime import date

import strawberry

from schema.context import Info
from schema.enums import DccUserRole, PartyCategory, PartyEventKind, value
from schema.errors import UserError
from schema.mutation import STAFF, run
from schema.register.types import FOREVER, Party, PartyEvent, VotingGroup
from schema.relay import pk_of
from sql import parties
from sql.db import Conn


@strawberry.input
class CreateVotingGroupInput:
    name: str
    category: PartyCategory


@strawberry.input
class CreatePartyInput:
    name: str
    category: PartyCategory
    voting_group_id: strawberry.ID | None = None
    note: str | None = None


@strawberry.input
class RecordPartyEventInput:
    party_id: strawberry.ID
    kind: PartyEventKind
    occurred_on: date
    user_role: DccUserRole | None = None
    user_id: str | None = None
    category: PartyCategory | None = None
    voting_group_id: strawberry.ID | None = None
    note: str | None = None


@strawberry.type
class VotingGroupPayload:
    voting_group: VotingGroup | None
    errors: list[UserError]


@strawberry.type
class PartyPayload:
    party: Party | None
    errors: list[UserError]


@strawberry.type
class PartyEventPayload:
    party_event: PartyEvent | None
    party: Party | None
    errors: list[UserError]


@strawberry.type
class RegisterMutation:
    @strawberry.mutation
    async def create_voting_group(self, info: Info, input: CreateVotingGroupInput) -> VotingGroupPayload:
        async def act(conn: Conn) -> VotingGroup:
            row = await parties.create_voting_group(conn, name=input.name, category=input.category.value)
            return VotingGroup.from_row(row, FOREVER, explicit=False)

        group, errors = await run(info, STAFF, act)
        return VotingGroupPayload(voting_group=group, errors=errors)

    @strawberry.mutation(description="Without a Voting Group, a one-Party group of the same name is created.")
    async def create_party(self, info: Info, input: CreatePartyInput) -> PartyPayload:
        async def act(conn: Conn) -> int:
            group = pk_of(input.voting_group_id, "VotingGroup", field="votingGroupId") if input.voting_group_id \
                else None
            return await parties.create_party(conn, name=input.name, category=input.category.value,
                                              voting_group_id=group, note=input.note)

        pk, errors = await run(info, STAFF, act)
        return PartyPayload(party=await Party.load(info, pk, None) if pk else None, errors=errors)

    @strawberry.mutation(description="Record a dated event; one that contradicts the lifecycle is refused.")
    async def record_party_event(self, info: Info, input: RecordPartyEventInput) -> PartyEventPayload:
        async def act(conn: Conn) -> PartyEvent:
            row = await parties.record_event(
                conn, party_id=pk_of(input.party_id, "Party", field="partyId"), kind=input.kind.value,
                occurred_on=input.occurred_on, user_role=value(input.user_role), user_id=input.user_id,
                category=value(input.category),
                voting_group_id=pk_of(input.voting_group_id, "VotingGroup", field="votingGroupId")
                if input.voting_group_id else None,
                note=input.note,
            )
            return PartyEvent.from_row(row)

        event, errors = await run(info, STAFF, act)
        party = await Party.load(info, event.row.party_id, None) if event else None
        return PartyEventPayload(party_event=event, party=party, errors=errors)
