"""The page of Parties, returned as JSON by one statement of the store."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import orjson
from graphql import FieldNode

from schema.direct.selection import NotDirect, Selection, arguments, check_page_info, page_info, selection_of
from schema.register.queries import party_page_args
from sql import pages
from sql.db import Conn

PARTY_VALUES = {
    "id": "global_id",
    "name": "name",
    "category": "category",
    "status": "status",
    "accededOn": "acceded_on",
    "note": "note",
    "__typename": "typename",
}
GROUP_VALUES = {"id": "global_id", "name": "name", "category": "category", "__typename": "typename"}
EDGE_VALUES = {"cursor": "cursor", "__typename": "typename"}


def projection(
    selection: Selection | None, values: dict[str, str], relations: dict[str, tuple[str, dict[str, str]]]
) -> pages.Projection:
    """A selection as the store's projection: JSON keys to values of the row, or to a relation's projection."""
    if selection is None:
        raise NotDirect
    out: list[tuple[str, str | tuple[str, pages.Projection]]] = []
    for key, name, sub in selection:
        if name in relations:
            relation, inner = relations[name]
            out.append((key, (relation, projection(sub, inner, {}))))
        elif name in values and sub is None:
            out.append((key, values[name]))
        else:
            raise NotDirect
    return out


async def party_page(conn: Conn, ctx: Any, node: FieldNode, variables: Mapping[str, Any]) -> dict[str, Any]:
    """One statement returns the page's JSON (pages.party_page_sql)."""
    args = arguments(node, variables, ("first", "after", "asOf"))
    selection = selection_of(node) or []
    as_of = args["asOf"]
    try:
        day = date.fromisoformat(as_of) if isinstance(as_of, str) else None
    except ValueError:
        raise NotDirect from None
    if as_of is not None and day is None:
        raise NotDirect
    names = [name for _, name, _ in selection]
    if names.count("edges") > 1 or not set(names) <= {"edges", "pageInfo", "totalCount", "__typename"}:
        raise NotDirect
    edges: pages.Projection | None = None
    nodes: pages.Projection | None = None
    for _, name, sub in selection:
        if name == "edges":
            node_fields = [n for _, n, _ in sub or []]
            if node_fields.count("node") > 1:
                raise NotDirect
            edges = projection(
                [(k, n, None) if n == "node" else (k, n, v) for k, n, v in sub or []],
                {**EDGE_VALUES, "node": "node"},
                {},
            )
            nodes = next(
                (
                    projection(v, PARTY_VALUES, {"votingGroup": ("voting_group", GROUP_VALUES)})
                    for _, n, v in sub or []
                    if n == "node"
                ),
                [],
            )
        elif name == "pageInfo":
            check_page_info(sub)
    limit, store, cursor = party_page_args(None, day, args["first"], args["after"])
    try:
        sql = pages.party_page_sql(edges, nodes, "totalCount" in names, "pageInfo" in names)
    except pages.Unanswerable:
        raise NotDirect from None
    found = orjson.loads(
        await pages.party_page_json(
            conn, sql, as_of=store["as_of"], members_only=store["members_only"], after=cursor, limit=limit
        )
    )
    out: dict[str, Any] = {}
    for key, name, sub in selection:
        if name == "edges":
            out[key] = found["edges"]
        elif name == "totalCount":
            out[key] = found["count"]
        elif name == "pageInfo":
            out[key] = page_info(sub, found["more"], args["after"], found["first"], found["last"])
        else:
            out[key] = "PartyConnection"
    return out
