"""`node(id:)`: any object by its global ID; hidden or absent → null."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import strawberry

from domain.roles import REPORT_READERS
from schema.context import Info
from schema.errors import BadId, bad_user_input
from schema.governance.types import Action, Body, Highlight, Meeting
from schema.modifications.types import Modification
from schema.register.types import FOREVER, Party, PartyEvent, VotingGroup
from schema.relay import Node, parse_global_id
from schema.reports.types import ReportException, ReportSubmission, ReportType


async def _party(info: Info, pk: int) -> Node | None:
    return await Party.load(info, pk, None)


async def _party_event(info: Info, pk: int) -> Node | None:
    row = await info.context.loaders.party_event.load(pk)
    return PartyEvent.from_row(row) if row else None


async def _voting_group(info: Info, pk: int) -> Node | None:
    row = await info.context.loaders.voting_group.load(pk)
    return VotingGroup.from_row(row, FOREVER, explicit=False) if row else None


async def _body(info: Info, pk: int) -> Node | None:
    row = await info.context.loaders.body.load(pk)
    return Body.from_row(row) if row else None


async def _meeting(info: Info, pk: int) -> Node | None:
    row = await info.context.loaders.meeting.load(pk)
    return Meeting.from_row(row) if row else None


async def _highlight(info: Info, pk: int) -> Node | None:
    row = await info.context.loaders.highlight.load(pk)
    return Highlight.from_row(row) if row else None


async def _action(info: Info, pk: int) -> Node | None:
    row = await info.context.loaders.action.load(pk)
    return Action.from_row(row) if row else None


async def _modification(info: Info, pk: int) -> Node | None:
    row = await info.context.loaders.modification.load(pk)
    return Modification.from_row(row) if row else None


async def _report_type(info: Info, pk: int) -> Node | None:
    row = await info.context.loaders.report_type.load(pk)
    return ReportType.from_row(row) if row else None


async def _submission(info: Info, pk: int) -> Node | None:
    row = await info.context.loaders.submission.load(pk) if info.context.viewer.role in REPORT_READERS else None
    return ReportSubmission.from_row(row) if row else None


async def _exception(info: Info, pk: int) -> Node | None:
    row = await info.context.loaders.exception.load(pk) if info.context.viewer.role in REPORT_READERS else None
    return ReportException.from_row(row) if row else None


RESOLVERS: dict[str, Callable[[Info, int], Awaitable[Node | None]]] = {
    "Party": _party, "PartyEvent": _party_event, "VotingGroup": _voting_group, "Body": _body,
    "Meeting": _meeting, "Highlight": _highlight, "Action": _action, "Modification": _modification,
    "ReportType": _report_type, "ReportSubmission": _submission, "ReportException": _exception,
}


@strawberry.type
class NodeQuery:
    @strawberry.field
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        try:
            type_name, pk = parse_global_id(id)
        except BadId as e:
            raise bad_user_input(e.message) from e
        resolver = RESOLVERS.get(type_name)
        return await resolver(info, pk) if resolver else None
