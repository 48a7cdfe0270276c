"""membershipStatistics' months, shaped from the store's rows in one pass."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import FieldNode

from schema.direct.selection import Getter, NotDirect, Selection, arguments, plain, selection_of
from schema.register.queries import COUNTED_CATEGORIES, statistics_months
from sql import parties
from sql.db import Conn

MONTH_VALUES = {
    "month": "month",
    "accessions": "accessions",
    "inDefault": "in_default",
    "withdrawals": "withdrawals",
    "expulsions": "expulsions",
    "partiesAtMonthEnd": "parties_at_month_end",
    "votingGroupsAtMonthEnd": "voting_groups_at_month_end",
}
CATEGORY_COUNT_FIELDS = ("category", "count", "__typename")


def month_getter(name: str, sub: Selection | None) -> Getter:
    """How one field of a MembershipMonth is read from its row; NotDirect for any field not answered here."""
    if name == "__typename" and sub is None:
        return lambda _: "MembershipMonth"
    if name in MONTH_VALUES and sub is None:
        return plain(MONTH_VALUES[name])
    if name != "votingGroupsByCategory" or sub is None or any(f not in CATEGORY_COUNT_FIELDS for _, f, _ in sub):
        raise NotDirect
    fields = [(key, field) for key, field, _ in sub]

    def by_category(row: Any) -> list[dict[str, Any]]:
        counts = row.voting_groups_by_category
        return [
            {
                key: c.name if f == "category" else counts.get(c.value, 0) if f == "count" else "CategoryCount"
                for key, f in fields
            }
            for c in COUNTED_CATEGORIES
        ]

    return by_category


async def membership_statistics(conn: Conn, ctx: Any, node: FieldNode, variables: Mapping[str, Any]) -> list[Any]:
    """The months' rows from the store's one statement, shaped in one pass: about a thousand fields for ten years,
    which graphql-core would complete one by one."""
    args = arguments(node, variables, ("fromMonth", "toMonth"))
    if not isinstance(args["fromMonth"], str) or not isinstance(args["toMonth"], str):
        raise NotDirect
    start, end = statistics_months(args["fromMonth"], args["toMonth"])  # a refusal: the ordinary way words it
    selection = selection_of(node)
    if selection is None:
        raise NotDirect
    getters = [(key, month_getter(name, sub)) for key, name, sub in selection]
    rows = await parties.membership_statistics(conn, from_month=start, to_month=end)
    return [{key: get(row) for key, get in getters} for row in rows]
