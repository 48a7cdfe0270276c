"""`node(id:)`: any object by its global ID; hidden or absent → null."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date
from typing import Annotated, Any

import strawberry

from domain.roles import AUDIT_READERS, OPSG_READERS, REPORT_READERS
from schema.audit import AuditEntry
from schema.context import Info
from schema.errors import BadId, bad_user_input
from schema.governance.types import Action, Body, Highlight, Meeting
from schema.load_one import Resolver, resolver
from schema.modifications.types import Modification, ModificationEvent
from schema.register.types import FOREVER, Party, PartyEvent, VotingGroup
from schema.relay import Node, parse_node_id
from schema.reports.exceptions import HistoryEntry
from schema.reports.meeting import load_follow_up
from schema.reports.opsg import OpsgObservation
from schema.reports.submissions import Finding, ValidationRun
from schema.reports.types import ReportException, ReportSubmission, ReportType
from sql import opsg, parts


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


def part(type_name: str, make: Callable[[Any], Node], roles: Collection[str] | None = None) -> Resolver[Node]:
    """A row that belongs to another object, found by its own id (sql/parts.py), for the roles given."""

    async def resolve(info: Info, pk: int) -> Node | None:
        if roles is not None and info.context.viewer.role not in roles:
            return None
        async with info.context.connection() as conn:
            row = await parts.by_id(conn, type_name, pk)
        return make(row) if row is not None else None

    return resolve


async def _history_entry(info: Info, pk: int) -> Node | None:
    """An entry made at a meeting the caller may not see is absent, as it is from the exception's history."""
    entry = await part("HistoryEntry", HistoryEntry.from_row, REPORT_READERS)(info, pk)
    if not isinstance(entry, HistoryEntry) or entry.meeting_id is None:
        return entry
    return entry if await info.context.loaders.meeting.load(entry.meeting_id) else None


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
    "FollowUp": load_follow_up,
    "Finding": part("Finding", Finding.from_row, REPORT_READERS),
    "ValidationRun": part("ValidationRun", ValidationRun.from_row, REPORT_READERS),
    "HistoryEntry": _history_entry,
    "AuditEntry": part("AuditEntry", AuditEntry.from_row, AUDIT_READERS),
    "ModificationEvent": part("ModificationEvent", ModificationEvent.from_row),
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
