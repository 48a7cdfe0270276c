"""Mutations of the register (secas and admin)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from domain.roles import STAFF
from schema.context import Info
from schema.enums import DccUserRole, PartyCategory, PartyEventKind, value
from schema.errors import UserError, errors_field
from schema.payloads import run
from schema.register.types import FOREVER, Party, PartyEvent, VotingGroup
from schema.relay import pk_of
from sql import parties
from sql.db import Conn


@strawberry.input(description="A new Voting Group.")
class CreateVotingGroupInput:
    name: str = strawberry.field(description="Its name.")
    category: PartyCategory = strawberry.field(description="The Party Category it votes in.")


@strawberry.input(description="A new Party (its accession and other events are recorded with recordPartyEvent).")
class CreatePartyInput:
    name: str = strawberry.field(description="Its name.")
    category: PartyCategory = strawberry.field(description="Its Party Category.")
    voting_group_id: strawberry.ID | None = strawberry.field(
        default=None, description="The Voting Group it joins; without one, a one-Party group of the same name is made."
    )
    note: str | None = strawberry.field(default=None, description="Free text kept with the Party.")


@strawberry.input(description="A dated event of a Party.")
class RecordPartyEventInput:
    party_id: strawberry.ID = strawberry.field(description="The Party's ID.")
    kind: PartyEventKind = strawberry.field(description="What happened.")
    occurred_on: date = strawberry.field(description="The effective date.")
    user_role: DccUserRole | None = strawberry.field(
        default=None, description="The DCC User Role: required with UEP_COMPLETED and UEPT_COMPLETED."
    )
    user_id: str | None = strawberry.field(default=None, description="The DCC User ID for that role, if known.")
    category: PartyCategory | None = strawberry.field(
        default=None, description="The new category: required with CATEGORY_CHANGE."
    )
    voting_group_id: strawberry.ID | None = strawberry.field(
        default=None, description="The Voting Group joined: required with VOTING_GROUP_CHANGE."
    )
    note: str | None = strawberry.field(default=None, description="Free text: the source, or why the date was assumed.")


@strawberry.type(description="The answer to createVotingGroup.")
class VotingGroupPayload:
    voting_group: VotingGroup | None = strawberry.field(description="The new Voting Group; null when refused.")
    errors: list[UserError] = errors_field()


@strawberry.type(description="The answer to createParty.")
class PartyPayload:
    party: Party | None = strawberry.field(description="The new Party; null when refused.")
    errors: list[UserError] = errors_field()


@strawberry.type(description="The answer to recordPartyEvent.")
class PartyEventPayload:
    party_event: PartyEvent | None = strawberry.field(description="The recorded event; null when refused.")
    party: Party | None = strawberry.field(description="The Party as it stands after the event.")
    errors: list[UserError] = errors_field()


@strawberry.type
class RegisterMutation:
    @strawberry.mutation(description="Create a Voting Group (secas, admin).")
    async def create_voting_group(
        self,
        info: Info,
        input: Annotated[CreateVotingGroupInput, strawberry.argument(description="The new Voting Group.")],
    ) -> VotingGroupPayload:
        async def act(conn: Conn) -> VotingGroup:
            row = await parties.create_voting_group(conn, name=input.name, category=input.category.value)
            return VotingGroup.from_row(row, FOREVER, explicit=False)

        group, errors = await run(info, STAFF, act)
        return VotingGroupPayload(voting_group=group, errors=errors)

    @strawberry.mutation(description="Without a Voting Group, a one-Party group of the same name is created.")
    async def create_party(
        self,
        info: Info,
        input: Annotated[CreatePartyInput, strawberry.argument(description="The new Party.")],
    ) -> PartyPayload:
        async def act(conn: Conn) -> int:
            group = (
                pk_of(input.voting_group_id, "VotingGroup", field="votingGroupId") if input.voting_group_id else None
            )
            return await parties.create_party(
                conn, name=input.name, category=input.category.value, voting_group_id=group, note=input.note
            )

        pk, errors = await run(info, STAFF, act)
        return PartyPayload(party=await Party.load(info, pk, None) if pk else None, errors=errors)

    @strawberry.mutation(description="Record a dated event; one that contradicts the lifecycle is refused.")
    async def record_party_event(
        self,
        info: Info,
        input: Annotated[RecordPartyEventInput, strawberry.argument(description="The event.")],
    ) -> PartyEventPayload:
        async def act(conn: Conn) -> PartyEvent:
            row = await parties.record_event(
                conn,
                party_id=pk_of(input.party_id, "Party", field="partyId"),
                kind=input.kind.value,
                occurred_on=input.occurred_on,
                user_role=value(input.user_role),
                user_id=input.user_id,
                category=value(input.category),
                voting_group_id=pk_of(input.voting_group_id, "VotingGroup", field="votingGroupId")
                if input.voting_group_id
                else None,
                note=input.note,
            )
            return PartyEvent.from_row(row)

        event, errors = await run(info, STAFF, act)
        party = await Party.load(info, event.row.party_id, None) if event else None
        return PartyEventPayload(party_event=event, party=party, errors=errors)
