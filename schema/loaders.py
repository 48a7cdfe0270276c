"""Per-request DataLoaders: one `= ANY($1)` query per relation and batch, whatever the page size, each on the
request's one connection."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from datetime import date
from typing import Any, Generic, TypeVar

from strawberry.dataloader import DataLoader

from domain.viewer import Viewer
from schema.connection import RequestConnection
from sql import catalogue, exceptions, governance, modifications, parties, submissions
from sql.db import Conn
from sql.rows import (
    ActionRow,
    BodyRow,
    ExceptionRow,
    HighlightRow,
    HistoryRow,
    MeetingRow,
    ModificationEventRow,
    ModificationRow,
    PartyEventRow,
    PartyRow,
    ReportTypeRow,
    RunRow,
    ServiceLevelRow,
    SubmissionRow,
    VotingGroupRow,
)

Row = TypeVar("Row")
K = TypeVar("K", bound=Hashable)


class _Batch(Generic[Row]):
    """Turns a store function over a list of ids into DataLoader batch functions."""

    def __init__(self, db: RequestConnection, fetch: Callable[[Conn, list[int]], Awaitable[list[Row]]]) -> None:
        self.db = db
        self.fetch = fetch

    async def rows(self, ids: Sequence[int]) -> list[Row]:
        async with self.db.use() as conn:
            return await self.fetch(conn, sorted(set(ids)))


def one_each(pool: RequestConnection, fetch: Callable[[Conn, list[int]], Awaitable[list[Row]]],
             key: Callable[[Row], int]) -> DataLoader[int, Row | None]:
    batch = _Batch(pool, fetch)

    async def load(ids: list[int]) -> list[Row | None]:
        found = {key(r): r for r in await batch.rows(ids)}
        return [found.get(i) for i in ids]

    return DataLoader(load_fn=load)


def many_each(pool: RequestConnection, fetch: Callable[[Conn, list[int]], Awaitable[list[Row]]],
              key: Callable[[Row], int]) -> DataLoader[int, list[Row]]:
    batch = _Batch(pool, fetch)

    async def load(ids: list[int]) -> list[list[Row]]:
        grouped: dict[int, list[Row]] = defaultdict(list)
        for r in await batch.rows(ids):
            grouped[key(r)].append(r)
        return [grouped.get(i, []) for i in ids]

    return DataLoader(load_fn=load)


def dated(pool: RequestConnection, fetch: Callable[[Conn, list[int], date], Awaitable[list[Row]]],
          key: Callable[[Row], int],
          *, many: bool) -> DataLoader[tuple[int, date], Any]:
    """Keys are (id, as-of day): one query per distinct day in the batch (in practice one)."""

    async def load(keys: list[tuple[int, date]]) -> list[Any]:
        by_day: dict[date, set[int]] = defaultdict(set)
        for pk, day in keys:
            by_day[day].add(pk)
        grouped: dict[tuple[int, date], list[Row]] = defaultdict(list)
        async with pool.use() as conn:
            for day, ids in by_day.items():
                for r in await fetch(conn, sorted(ids), day):
                    grouped[(key(r), day)].append(r)
        if many:
            return [grouped.get(k, []) for k in keys]
        return [found[0] if (found := grouped.get(k)) else None for k in keys]

    return DataLoader(load_fn=load)


class Loaders:
    """Built per request; what a viewer may see is part of each classified loader's query."""

    def __init__(self, pool: RequestConnection, viewer: Viewer) -> None:
        self.party: DataLoader[tuple[int, date], PartyRow | None] = dated(
            pool, lambda c, ids, d: parties.by_ids(c, ids=ids, as_of=d), lambda r: r.id, many=False)
        self.party_events: DataLoader[tuple[int, date], list[PartyEventRow]] = dated(
            pool, lambda c, ids, d: parties.events_by_parties(c, ids=ids, as_of=d), lambda r: r.party_id,
            many=True)
        self.group_members: DataLoader[tuple[int, date], list[PartyRow]] = dated(
            pool, lambda c, ids, d: parties.by_voting_groups(c, ids=ids, as_of=d, members_only=False),
            lambda r: r.voting_group_id, many=True)
        self.party_event: DataLoader[int, PartyEventRow | None] = one_each(
            pool, lambda c, ids: parties.events_by_ids(c, ids=ids), lambda r: r.id)
        self.voting_group: DataLoader[int, VotingGroupRow | None] = one_each(
            pool, lambda c, ids: parties.voting_groups_by_ids(c, ids=ids), lambda r: r.id)
        self.body: DataLoader[int, BodyRow | None] = one_each(
            pool, lambda c, ids: governance.bodies_by_ids(c, ids=ids), lambda r: r.id)
        self.meeting: DataLoader[int, MeetingRow | None] = one_each(
            pool, lambda c, ids: governance.meetings_by_ids(c, ids=ids, viewer=viewer), lambda r: r.id)
        self.body_meetings: DataLoader[int, list[MeetingRow]] = many_each(
            pool, lambda c, ids: governance.meetings_of_bodies(c, body_ids=ids, viewer=viewer), lambda r: r.body_id)
        self.highlight: DataLoader[int, HighlightRow | None] = one_each(
            pool, lambda c, ids: governance.highlights_by_ids(c, ids=ids, viewer=viewer), lambda r: r.id)
        self.action: DataLoader[int, ActionRow | None] = one_each(
            pool, lambda c, ids: governance.actions_by_ids(c, ids=ids, viewer=viewer), lambda r: r.id)
        self.modification: DataLoader[int, ModificationRow | None] = one_each(
            pool, lambda c, ids: modifications.by_ids(c, ids=ids), lambda r: r.id)
        self.modification_events: DataLoader[int, list[ModificationEventRow]] = many_each(
            pool, lambda c, ids: modifications.events_by_modifications(c, ids=ids), lambda r: r.modification_id)
        self.report_type: DataLoader[int, ReportTypeRow | None] = one_each(
            pool, lambda c, ids: catalogue.report_types_by_ids(c, ids=ids), lambda r: r.id)
        self.service_levels: DataLoader[int, list[ServiceLevelRow]] = many_each(
            pool, lambda c, ids: catalogue.service_levels(c, ids=ids), lambda r: r.report_type_id)
        self.submission: DataLoader[int, SubmissionRow | None] = one_each(
            pool, lambda c, ids: submissions.by_ids(c, ids=ids), lambda r: r.id)
        self.runs: DataLoader[int, list[RunRow]] = many_each(
            pool, lambda c, ids: submissions.runs(c, ids=ids), lambda r: r.submission_id)
        self.exception: DataLoader[int, ExceptionRow | None] = one_each(
            pool, lambda c, ids: exceptions.by_ids(c, ids=ids), lambda r: r.id)
        self.submission_exceptions: DataLoader[int, list[ExceptionRow]] = many_each(
            pool, lambda c, ids: exceptions.of_submissions(c, ids=ids), lambda r: r.submission_id or 0)
        self.history: DataLoader[int, list[HistoryRow]] = many_each(
            pool, lambda c, ids: exceptions.history(c, ids=ids), lambda r: r.exception_id)
