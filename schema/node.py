"""`node(id:)`: any object by its global ID; hidden or absent → null."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from domain.roles import OPSG_READERS, REPORT_READERS
from schema.context import Info
from schema.errors import BadId, bad_user_input
from schema.governance.types import Action, Body, Highlight, Meeting
from schema.loading import Resolver, resolver
from schema.modifications.types import Modification
from schema.register.types import FOREVER, Party, PartyEvent, VotingGroup
from schema.relay import Node, parse_node_id
from schema.reports.opsg import OpsgObservation
from schema.reports.types import ReportException, ReportSubmission, ReportType
from sql import opsg


async def _party(info: Info, pk: int) -> Node | None:
    return await Party.load(info, pk, None)


async def _dated(info: Info, type_name: str, pk: int, day: date) -> Node | None:
    """A Party or Voting Group as it was read as of a day (its ID names the day)."""
    if type_name == "Party":
        return await Party.load(info, pk, day)
    if type_name == "VotingGroup":
        group = await info.context.loaders.voting_group.load(pk)
        return VotingGroup.from_row(group, day, explicit=True) if group else None
    return None


async def _observation(info: Info, pk: int) -> Node | None:
    if info.context.viewer.role not in OPSG_READERS:
        return None
    async with info.context.connection() as conn:
        found = await opsg.observations_by_ids(conn, ids=[pk])
    return OpsgObservation.from_model(found[0]) if found else None


RESOLVERS: dict[str, Resolver[Node]] = {
    "Party": _party,
    "PartyEvent": resolver(lambda ls: ls.party_event, PartyEvent.from_row),
    "VotingGroup": resolver(lambda ls: ls.voting_group, lambda r: VotingGroup.from_row(r, FOREVER, explicit=False)),
    "Body": resolver(lambda ls: ls.body, Body.from_row),
    "Meeting": resolver(lambda ls: ls.meeting, Meeting.from_row),
    "Highlight": resolver(lambda ls: ls.highlight, Highlight.from_row),
    "Action": resolver(lambda ls: ls.action, Action.from_row),
    "Modification": resolver(lambda ls: ls.modification, Modification.from_row),
    "ReportType": resolver(lambda ls: ls.report_type, ReportType.from_row),
    "ReportSubmission": resolver(lambda ls: ls.submission, ReportSubmission.from_row, REPORT_READERS),
    "ReportException": resolver(lambda ls: ls.exception, ReportException.from_row, REPORT_READERS),
    "OpsgObservation": _observation,
}


@strawberry.type
class NodeQuery:
    @strawberry.field(
        description="Any object by its global ID; null when it does not exist or the caller may not see it."
    )
    async def node(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The object's global ID.")],
    ) -> Node | None:
        try:
            type_name, pk, day = parse_node_id(id)
        except BadId as e:
            raise bad_user_input(e.message) from e
        if day is not None:
            return await _dated(info, type_name, pk, day)
        resolver = RESOLVERS.get(type_name)
        return await resolver(info, pk) if resolver else None
