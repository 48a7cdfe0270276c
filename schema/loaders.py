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
V = TypeVar("V")


class _Batch(Generic[Row]):
    """Turns a store function over a list of ids into DataLoader batch functions."""

    def __init__(self, db: RequestConnection, fetch: Callable[[Conn, list[int]], Awaitable[list[Row]]]) -> None:
        self.db = db
        self.fetch = fetch

    async def rows(self, ids: Sequence[int]) -> list[Row]:
        async with self.db.use() as conn:
            return await self.fetch(conn, sorted(set(ids)))


def one_each(
    pool: RequestConnection, fetch: Callable[[Conn, list[int]], Awaitable[list[Row]]], key: Callable[[Row], int]
) -> DataLoader[int, Row | None]:
    batch = _Batch(pool, fetch)

    async def load(ids: list[int]) -> list[Row | None]:
        found = {key(r): r for r in await batch.rows(ids)}
        return [found.get(i) for i in ids]

    return DataLoader(load_fn=load)


def many_each(
    pool: RequestConnection, fetch: Callable[[Conn, list[int]], Awaitable[list[Row]]], key: Callable[[Row], int]
) -> DataLoader[int, list[Row]]:
    batch = _Batch(pool, fetch)

    async def load(ids: list[int]) -> list[list[Row]]:
        grouped: dict[int, list[Row]] = defaultdict(list)
        for r in await batch.rows(ids):
            grouped[key(r)].append(r)
        return [grouped.get(i, []) for i in ids]

    return DataLoader(load_fn=load)


def dated(
    pool: RequestConnection,
    fetch: Callable[[Conn, list[int], date], Awaitable[list[Row]]],
    key: Callable[[Row], int],
    *,
    many: bool,
) -> DataLoader[tuple[int, date], Any]:
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


class made_once(Generic[K, V]):
    """A loader made on first use and kept for the request (a request uses two or three of the nineteen)."""

    def __init__(self, make: Callable[[Loaders], DataLoader[K, V]]) -> None:
        self.make = make
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, loaders: Loaders, owner: type | None = None) -> DataLoader[K, V]:
        loader = loaders.__dict__[self.name] = self.make(loaders)
        return loader


class Loaders:
    """Built per request; what a viewer may see is part of each classified loader's query."""

    def __init__(self, pool: RequestConnection, viewer: Viewer) -> None:
        self.db = pool
        self.viewer = viewer

    party: made_once[tuple[int, date], PartyRow | None] = made_once(
        lambda x: dated(x.db, lambda c, ids, d: parties.by_ids(c, ids=ids, as_of=d), lambda r: r.id, many=False)
    )
    party_events: made_once[tuple[int, date], list[PartyEventRow]] = made_once(
        lambda x: dated(
            x.db, lambda c, ids, d: parties.events_by_parties(c, ids=ids, as_of=d), lambda r: r.party_id, many=True
        )
    )
    group_members: made_once[tuple[int, date], list[PartyRow]] = made_once(
        lambda x: dated(
            x.db,
            lambda c, ids, d: parties.by_voting_groups(c, ids=ids, as_of=d, members_only=False),
            lambda r: r.voting_group_id,
            many=True,
        )
    )
    party_event: made_once[int, PartyEventRow | None] = made_once(
        lambda x: one_each(x.db, lambda c, ids: parties.events_by_ids(c, ids=ids), lambda r: r.id)
    )
    voting_group: made_once[int, VotingGroupRow | None] = made_once(
        lambda x: one_each(x.db, lambda c, ids: parties.voting_groups_by_ids(c, ids=ids), lambda r: r.id)
    )
    body: made_once[int, BodyRow | None] = made_once(
        lambda x: one_each(x.db, lambda c, ids: governance.bodies_by_ids(c, ids=ids), lambda r: r.id)
    )
    meeting: made_once[int, MeetingRow | None] = made_once(
        lambda x: one_each(x.db, lambda c, ids: governance.meetings_by_ids(c, ids=ids, viewer=x.viewer), lambda r: r.id)
    )
    body_meetings: made_once[int, list[MeetingRow]] = made_once(
        lambda x: many_each(
            x.db, lambda c, ids: governance.meetings_of_bodies(c, body_ids=ids, viewer=x.viewer), lambda r: r.body_id
        )
    )
    highlight: made_once[int, HighlightRow | None] = made_once(
        lambda x: one_each(
            x.db, lambda c, ids: governance.highlights_by_ids(c, ids=ids, viewer=x.viewer), lambda r: r.id
        )
    )
    action: made_once[int, ActionRow | None] = made_once(
        lambda x: one_each(x.db, lambda c, ids: governance.actions_by_ids(c, ids=ids, viewer=x.viewer), lambda r: r.id)
    )
    modification: made_once[int, ModificationRow | None] = made_once(
        lambda x: one_each(x.db, lambda c, ids: modifications.by_ids(c, ids=ids), lambda r: r.id)
    )
    modification_events: made_once[int, list[ModificationEventRow]] = made_once(
        lambda x: many_each(
            x.db, lambda c, ids: modifications.events_by_modifications(c, ids=ids), lambda r: r.modification_id
        )
    )
    report_type: made_once[int, ReportTypeRow | None] = made_once(
        lambda x: one_each(x.db, lambda c, ids: catalogue.report_types_by_ids(c, ids=ids), lambda r: r.id)
    )
    service_levels: made_once[int, list[ServiceLevelRow]] = made_once(
        lambda x: many_each(x.db, lambda c, ids: catalogue.service_levels(c, ids=ids), lambda r: r.report_type_id)
    )
    submission: made_once[int, SubmissionRow | None] = made_once(
        lambda x: one_each(x.db, lambda c, ids: submissions.by_ids(c, ids=ids), lambda r: r.id)
    )
    runs: made_once[int, list[RunRow]] = made_once(
        lambda x: many_each(x.db, lambda c, ids: submissions.runs(c, ids=ids), lambda r: r.submission_id)
    )
    exception: made_once[int, ExceptionRow | None] = made_once(
        lambda x: one_each(x.db, lambda c, ids: exceptions.by_ids(c, ids=ids), lambda r: r.id)
    )
    submission_exceptions: made_once[int, list[ExceptionRow]] = made_once(
        lambda x: many_each(x.db, lambda c, ids: exceptions.of_submissions(c, ids=ids), lambda r: r.submission_id or 0)
    )
    history: made_once[int, list[HistoryRow]] = made_once(
        lambda x: many_each(x.db, lambda c, ids: exceptions.history(c, ids=ids), lambda r: r.exception_id)
    )
