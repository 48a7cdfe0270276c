"""Parties, their events and Voting Groups."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, TypedDict, Unpack

from domain import lifecycle
from domain.lifecycle import MEMBER_STATUSES
from sql.db import Conn
from sql.errors import Conflict, InvalidInput, NotFound
from sql.loader import fetch, fetchrow, fetchval
from sql.rows import (
    MembershipMonthRow,
    PartyEventRow,
    PartyRow,
    VotingGroupRow,
    from_record,
    from_records,
)

# asyncpg sends date.max (the day that stands for "as it stands, whatever comes") as 'infinity', and a period's
# exclusive end is never after 'infinity'; the day before holds every event's effects all the same.
_LAST_DAY = date.max - timedelta(days=1)


def _held_on(day: date) -> date:
    """The day the Party periods are read on for `as_of` day."""
    return min(day, _LAST_DAY)


class _Day(TypedDict):
    as_of: date
    members_only: bool


class PartyFilter(_Day, total=False):
    """Which Parties a page and its count hold: those of `as_of` (only members when `members_only`) that match."""

    category: str | None
    status: str | None
    name_contains: str | None
    voting_group_id: int | None


def _filter_args(f: PartyFilter) -> dict[str, Any]:
    unset = dict.fromkeys(PartyFilter.__optional_keys__)
    return {**unset, **f, "as_of": _held_on(f["as_of"]), "member_statuses": list(MEMBER_STATUSES)}


async def page(
    conn: Conn,
    *,
    after: tuple[str, int] | None = None,
    before: tuple[str, int] | None = None,
    backward: bool = False,
    limit: int,
    **filter: Unpack[PartyFilter],
) -> list[PartyRow]:
    """A page in name order; `backward`: the page before `before`, nearest first."""
    rows = await fetch(
        conn,
        "parties.page_backward" if backward else "parties.page",
        **_filter_args(filter),
        after_name=after[0] if after else None,
        after_id=after[1] if after else None,
        before_name=before[0] if before else None,
        before_id=before[1] if before else None,
        limit=limit,
    )
    return from_records(PartyRow, rows)


async def count(conn: Conn, **filter: Unpack[PartyFilter]) -> int:
    n: int = await fetchval(conn, "parties.count", **_filter_args(filter))
    return n


async def by_ids(conn: Conn, *, ids: list[int], as_of: date) -> list[PartyRow]:
    return from_records(PartyRow, await fetch(conn, "parties.by_ids", ids=ids, as_of=_held_on(as_of)))


async def by_voting_groups(conn: Conn, *, ids: list[int], as_of: date, members_only: bool) -> list[PartyRow]:
    rows = await fetch(
        conn,
        "parties.by_voting_groups",
        ids=ids,
        as_of=_held_on(as_of),
        members_only=members_only,
        member_statuses=list(MEMBER_STATUSES),
    )
    return from_records(PartyRow, rows)


async def events_by_parties(conn: Conn, *, ids: list[int], as_of: date) -> list[PartyEventRow]:
    return from_records(PartyEventRow, await fetch(conn, "parties.events_by_parties", ids=ids, as_of=as_of))


async def events_by_ids(conn: Conn, *, ids: list[int]) -> list[PartyEventRow]:
    return from_records(PartyEventRow, await fetch(conn, "parties.event_by_ids", ids=ids))


async def voting_groups(conn: Conn, *, category: str | None, as_of: date | None) -> list[VotingGroupRow]:
    day = _held_on(as_of) if as_of is not None else None
    rows = await fetch(conn, "voting_groups.list", category=category, as_of=day, member_statuses=list(MEMBER_STATUSES))
    return from_records(VotingGroupRow, rows)


async def voting_groups_by_ids(conn: Conn, *, ids: list[int]) -> list[VotingGroupRow]:
    return from_records(VotingGroupRow, await fetch(conn, "voting_groups.by_ids", ids=ids))


async def create_voting_group(conn: Conn, *, name: str, category: str) -> VotingGroupRow:
    row = await fetchrow(conn, "voting_groups.insert", name=name.strip(), category=category)
    assert row is not None
    return from_record(VotingGroupRow, row)


async def create_party(
    conn: Conn, *, name: str, category: str, voting_group_id: int | None, note: str | None = None
) -> int:
    """Create a Party; without a Voting Group it gets a one-Party group of its own name."""
    name = name.strip()
    if not name:
        raise InvalidInput("a Party needs a name", field="name")
    if await fetchval(conn, "parties.exists_named", name=name):
        raise Conflict(f"a Party named {name!r} already exists", field="name")
    if voting_group_id is None:
        voting_group_id = (await create_voting_group(conn, name=name, category=category)).id
    elif not await voting_groups_by_ids(conn, ids=[voting_group_id]):
        raise NotFound("no such Voting Group", field="votingGroupId")
    party_id: int = await fetchval(
        conn, "parties.insert", name=name, category=category, voting_group_id=voting_group_id, note=note
    )
    return party_id


async def record_event(
    conn: Conn,
    *,
    party_id: int,
    kind: str,
    occurred_on: date,
    user_role: str | None = None,
    user_id: str | None = None,
    category: str | None = None,
    voting_group_id: int | None = None,
    note: str | None = None,
) -> PartyEventRow:
    """Record a dated event after checking it against the Party's lifecycle (the caller owns the transaction)."""
    if await fetchval(conn, "parties.lock", id=party_id) is None:
        raise NotFound("no such Party", field="partyId")
    if occurred_on >= date.max:  # sent as 'infinity': no day at all
        raise InvalidInput(f"an event needs a day before {date.max}", field="occurredOn")
    if kind == "CATEGORY_CHANGE" and category is None:
        raise InvalidInput("a category change needs the new category", field="category")
    if kind == "VOTING_GROUP_CHANGE":
        if voting_group_id is None:
            raise InvalidInput("a Voting Group change needs the new group", field="votingGroupId")
        if not await voting_groups_by_ids(conn, ids=[voting_group_id]):
            raise NotFound("no such Voting Group", field="votingGroupId")
    if kind in ("UEP_COMPLETED", "UEPT_COMPLETED") and user_role is None:
        raise InvalidInput(f"{kind} needs the DCC User Role", field="userRole")
    events = from_records(PartyEventRow, await fetch(conn, "parties.events_of", party_id=party_id))
    lifecycle.check(events, kind, occurred_on)
    row = await fetchrow(
        conn,
        "parties.insert_event",
        party_id=party_id,
        kind=kind,
        occurred_on=occurred_on,
        user_role=user_role,
        user_id=user_id,
        category=category if kind == "CATEGORY_CHANGE" else None,
        voting_group_id=voting_group_id if kind == "VOTING_GROUP_CHANGE" else None,
        note=note,
    )
    assert row is not None
    return from_record(PartyEventRow, row)


async def membership_statistics(conn: Conn, *, from_month: date, to_month: date) -> list[MembershipMonthRow]:
    rows = await fetch(conn, "parties.statistics", from_month=from_month, to_month=to_month)
    return from_records(MembershipMonthRow, rows)


async def rebuild_periods(conn: Conn) -> int:
    """Derive every Party's validity periods again from the events (they are kept current as events are written;
    this is the repair, and the check that the two agree)."""
    n: int = await fetchval(conn, "parties.rebuild_periods")
    return n
