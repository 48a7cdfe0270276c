"""A page of Parties as one statement that returns its JSON, shaped as the caller asks (PostGraphile's way): no
row crosses into Python. The caller names, for each JSON key, a value of the row (below) or of its Voting Group.

Values are the register's own, as the GraphQL API shows them: global IDs are base64url of "Type:id" without
padding, cursors base64url of the compact JSON [name, id], dates ISO.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sql.db import Conn

# JSON key → a value name, or (a relation name, its own projection).
Projection = Sequence[tuple[str, str | tuple[str, "Projection"]]]
MAX_KEYS = 40  # json_build_object takes at most 100 arguments


def _global_id(type_name: str, column: str) -> str:
    return f"rtrim(translate(encode(convert_to('{type_name}:' || {column}, 'UTF8'), 'base64'), E'+/\\n', '-_'), '=')"


PARTY_VALUES = {
    "global_id": _global_id("Party", "s.id"),
    "name": "s.name",
    "category": "s.category",
    "status": "s.status",
    "acceded_on": "s.acceded_on",
    "note": "s.note",
    "typename": "'Party'",
    "cursor": "rtrim(translate(encode(convert_to('[' || to_json(s.name)::text || ',' || s.id || ']', 'UTF8'), "
    "'base64'), E'+/\\n', '-_'), '=')",
}
GROUP_VALUES = {
    "global_id": _global_id("VotingGroup", "g.id"),
    "name": "g.name",
    "category": "g.category",
    "typename": "'VotingGroup'",
}


class Unanswerable(ValueError):
    """A projection this statement cannot build."""


def _quoted(key: str) -> str:
    if not key.replace("_", "").isalnum():
        raise Unanswerable(key)
    return f"'{key}'"


def _object(projection: Projection, values: dict[str, str], relations: dict[str, tuple[dict[str, str], str]]) -> str:
    if len(projection) > MAX_KEYS:
        raise Unanswerable("too many keys")
    parts = []
    for key, source in projection:
        if isinstance(source, str):
            if source not in values:
                raise Unanswerable(source)
            parts.append(f"{_quoted(key)}, {values[source]}")
        else:
            name, inner = source
            if name not in relations:
                raise Unanswerable(name)
            inner_values, template = relations[name]
            parts.append(f"{_quoted(key)}, {template.format(_object(inner, inner_values, {}))}")
    return f"json_build_object({', '.join(parts)})"


def party_page_sql(edges: Projection | None, nodes: Projection | None, count: bool, page_info: bool) -> str:
    """The statement for a page: `edges` the projection of each edge (values: cursor, and `node` → nodes)."""
    relations = {"voting_group": (GROUP_VALUES, "(SELECT {} FROM voting_groups g WHERE g.id = s.voting_group_id)")}
    node = _object(nodes or [], PARTY_VALUES, relations)
    edge_values = {"cursor": PARTY_VALUES["cursor"], "node": node, "typename": "'PartyEdge'"}
    edge = _object(edges or [], edge_values, {})
    return f"""
WITH page AS (
    SELECT p.id, p.name, s.status, s.category, s.voting_group_id, s.acceded_on, p.note
    FROM parties p
    JOIN party_periods s ON s.party_id = p.id AND s.valid_from <= $1::date AND s.valid_to > $1::date
    WHERE (NOT $2::bool OR s.status IN ('ACTIVE', 'IN_DEFAULT'))
      AND ($3::text IS NULL OR (p.name, p.id) > ($3, $4::bigint))
    ORDER BY p.name, p.id
    LIMIT {"$5::int + 1" if edges is not None or page_info else "0"}
), s AS (SELECT * FROM page ORDER BY name, id LIMIT $5)
SELECT json_build_object(
    'edges', (SELECT coalesce(json_agg({edge} ORDER BY s.name, s.id), '[]') FROM s),
    'count', {
        "(SELECT count(*) FROM party_periods s WHERE s.valid_from <= $1::date AND s.valid_to > $1::date "
        "AND (NOT $2::bool OR s.status IN ('ACTIVE', 'IN_DEFAULT')))"
        if count
        else "NULL"
    },
    'more', (SELECT count(*) FROM page) > $5,
    'first', (SELECT {PARTY_VALUES["cursor"]} FROM s ORDER BY s.name, s.id LIMIT 1),
    'last', (SELECT {PARTY_VALUES["cursor"]} FROM s ORDER BY s.name DESC, s.id DESC LIMIT 1)
)::text"""


async def party_page_json(
    conn: Conn, sql: str, *, as_of: date, members_only: bool, after: tuple[str, int] | None, limit: int
) -> str:
    """{"edges": [...], "count": n | null, "more": bool, "first": cursor | null, "last": cursor | null}."""
    text: str = await conn.fetchval(
        sql, as_of, members_only, after[0] if after else None, after[1] if after else None, limit
    )
    return text
