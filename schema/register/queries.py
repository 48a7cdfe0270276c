"""Queries of the register."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import strawberry

from domain.periods import month_start, today
from schema.context import Info
from schema.enums import PartyCategory, value
from schema.errors import BadId, bad_user_input
from schema.register.types import (
    MembershipMonth,
    Party,
    PartyFilter,
    VotingGroup,
)
from schema.relay import (
    After,
    Before,
    Connection,
    First,
    Last,
    Window,
    connection,
    decode_cursor,
    needs_page,
    parse_node_id,
    pk_of,
    window,
)
from schema.selection import selected
from sql import parties
from sql.rows import PartyRow


def _month(text: str, name: str) -> date:
    try:
        return month_start(text)
    except ValueError as e:
        raise bad_user_input(f"{name}: {text!r} is not a month (YYYY-MM)") from e


# The categories membershipStatistics counts Voting Groups by, in the order it lists them (the DCC is not counted).
COUNTED_CATEGORIES = tuple(c for c in PartyCategory if c is not PartyCategory.DCC)


def statistics_months(from_month: str, to_month: str) -> tuple[date, date]:
    """The first days of membershipStatistics' first and last months; BAD_USER_INPUT naming what is wrong."""
    start, end = _month(from_month, "fromMonth"), _month(to_month, "toMonth")
    if end < start:
        raise bad_user_input("toMonth is before fromMonth")
    if (end.year - start.year) * 12 + end.month - start.month >= 600:
        raise bad_user_input("at most 50 years of months at once")
    return start, end


def _party_position(cursor: str | None, field: str) -> tuple[str, int] | None:
    if cursor is None:
        return None
    try:
        key = decode_cursor(cursor, 2, field=field)
    except BadId as e:
        raise bad_user_input(e.message) from e
    if not (isinstance(key[0], str) and type(key[1]) is int):
        raise bad_user_input(f"{cursor!r} is not a valid cursor")
    return key[0], key[1]


def party_page_args(
    filter: PartyFilter | None, as_of: date | None, w: Window
) -> tuple[dict[str, Any], tuple[str, int] | None, tuple[str, int] | None]:
    """(the store's filter arguments, the keyset positions after and before the cursors) of a parties page."""
    f = filter or PartyFilter()
    try:
        group = (
            pk_of(f.voting_group_id, "VotingGroup", field="votingGroupId") if f.voting_group_id is not None else None
        )
    except BadId as e:
        raise bad_user_input(e.message) from e
    after, before = _party_position(w.after, "after"), _party_position(w.before, "before")
    args = dict(
        as_of=as_of or today(),
        members_only=as_of is not None,
        category=value(f.category),
        status=value(f.status),
        name_contains=f.name_contains,
        voting_group_id=group,
    )
    return args, after, before


def party_cursor(row: PartyRow) -> list[Any]:
    return [row.name, row.id]


@strawberry.type
class RegisterQuery:
    @strawberry.field(description="Parties; with asOf, those that were Parties at the end of that day.")
    async def parties(
        self,
        info: Info,
        filter: Annotated[
            PartyFilter | None, strawberry.argument(description="Only the Parties that match it.")
        ] = None,
        as_of: Annotated[
            date | None,
            strawberry.argument(
                description="The register as at the end of this day: only those that were Parties then, "
                "with the status they had."
            ),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Party]:
        w = window(first, after, last, before)
        args, after_key, before_key = party_page_args(filter, as_of, w)
        limit, day = w.limit, args["as_of"]
        rows = []
        if needs_page(info):
            async with info.context.connection() as conn:
                rows = await parties.page(
                    conn, after=after_key, before=before_key, backward=w.backward, limit=limit + 1, **args
                )

        async def total() -> int:
            async with info.context.connection() as conn:
                return await parties.count(conn, **args)

        shown = {
            id(p.row): p
            for p in await Party.page(
                info, rows[:limit], day, explicit=as_of is not None, fields=selected(info, "edges", "node")
            )
        }
        return connection(
            rows,
            limit=limit,
            after=after,
            before=before,
            backward=w.backward,
            key=party_cursor,
            node=lambda r: shown[id(r)],
            counter=total,
        )

    @strawberry.field(description="One Party by its ID; null when there is none.")
    async def party(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The Party's global ID.")],
    ) -> Party | None:
        try:
            kind, pk, day = parse_node_id(id)
        except BadId as e:
            raise bad_user_input(e.message) from e
        if kind != "Party":
            raise bad_user_input(f"{id!r} is not the ID of a Party")
        return await Party.load(info, pk, day)

    @strawberry.field(description="Voting Groups; with asOf, those that had a member Party at the end of that day.")
    async def voting_groups(
        self,
        info: Info,
        category: Annotated[
            PartyCategory | None, strawberry.argument(description="Only the Voting Groups of this category.")
        ] = None,
        as_of: Annotated[date | None, strawberry.argument(description="The groups as at the end of this day.")] = None,
    ) -> list[VotingGroup]:
        async with info.context.connection() as conn:
            rows = await parties.voting_groups(conn, category=value(category), as_of=as_of)
        return [VotingGroup.from_row(r, as_of or today(), explicit=as_of is not None) for r in rows]

    @strawberry.field(description="Table 3 of the Operations Report, month by month, from the dated events.")
    async def membership_statistics(
        self,
        info: Info,
        from_month: Annotated[str, strawberry.argument(description="The first month, YYYY-MM.")],
        to_month: Annotated[
            str, strawberry.argument(description="The last month, YYYY-MM (at most 50 years after fromMonth).")
        ],
    ) -> list[MembershipMonth]:
        start, end = statistics_months(from_month, to_month)
        async with info.context.connection() as conn:
            rows = await parties.membership_statistics(conn, from_month=start, to_month=end)
        return [MembershipMonth.of(r) for r in rows]
