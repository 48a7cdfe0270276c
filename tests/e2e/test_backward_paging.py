"""Every connection pages backward as Relay has it: `last` items before `before`, in the list's order, with
hasPreviousPage telling whether more come before; `first` with `last` is refused."""

from __future__ import annotations

from typing import Any

import pytest

from api.settings import Settings
from bench.gen_register import Sizes, generate

APP_SETTINGS = Settings(response_cache=False)

# (the path to the connection from the query's data, the query with $f/$l/$a/$b paging arguments)
PAGE = "pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor }"
CONNECTIONS = [
    (
        ["parties"],
        "query($f: Int, $l: Int, $a: String, $b: String) { parties(first: $f, last: $l, after: $a, "
        "before: $b) { " + PAGE + " } }",
    ),
    (
        ["modifications"],
        "query($f: Int, $l: Int, $a: String, $b: String) { modifications(first: $f, last: $l, "
        "after: $a, before: $b) { " + PAGE + " } }",
    ),
    (
        ["exceptions"],
        "query($f: Int, $l: Int, $a: String, $b: String) { exceptions(first: $f, last: $l, after: $a, "
        "before: $b) { " + PAGE + " } }",
    ),
    (
        ["reportSubmissions"],
        "query($f: Int, $l: Int, $a: String, $b: String) { reportSubmissions(first: $f, "
        "last: $l, after: $a, before: $b) { " + PAGE + " } }",
    ),
    (
        ["auditLog"],
        "query($f: Int, $l: Int, $a: String, $b: String) { auditLog(first: $f, last: $l, after: $a, "
        "before: $b) { " + PAGE + " } }",
    ),
    (
        ["highlights"],
        "query($f: Int, $l: Int, $a: String, $b: String) { highlights(first: $f, last: $l, after: $a, "
        "before: $b) { " + PAGE + " } }",
    ),
    (
        ["actions"],
        "query($f: Int, $l: Int, $a: String, $b: String) { actions(first: $f, last: $l, after: $a, "
        "before: $b) { " + PAGE + " } }",
    ),
    (
        ["followUps"],
        "query($f: Int, $l: Int, $a: String, $b: String) { followUps(first: $f, last: $l, after: $a, "
        "before: $b) { " + PAGE + " } }",
    ),
]


def test_every_connection_takes_first_after_last_and_before():
    """Every field answering a connection, wherever it stands in the schema, pages both ways."""
    from graphql import get_named_type

    from schema.root import build_schema

    schema = build_schema()._schema
    missing = [
        f"{type_name}.{name}"
        for type_name, t in schema.type_map.items()
        if not type_name.startswith("__") and hasattr(t, "fields")
        for name, field in t.fields.items()
        if get_named_type(field.type).name.endswith("Connection")
        and not {"first", "after", "last", "before"} <= set(field.args)
    ]
    assert missing == []


@pytest.fixture
async def register(pool: Any) -> None:
    async with pool.acquire() as conn:
        await generate(conn, Sizes(parties=30, modifications=12, exceptions=30, sr_rows=2))


def _at(data: dict[str, Any], path: list[str]) -> dict[str, Any]:
    for step in path:
        data = data[step]
    return data


@pytest.mark.parametrize(("path", "query"), CONNECTIONS, ids=[p[0] for p, _ in CONNECTIONS])
async def test_last_before_is_the_page_before_in_the_lists_order(register, gql, api_keys, path, query):
    key = await api_keys.get("admin")
    forward = _at((await gql(query, {"f": 8}, key=key))["data"], path)
    cursors = [e["cursor"] for e in forward["edges"]]
    if len(cursors) < 6:
        back = _at((await gql(query, {"l": 3}, key=key))["data"], path)
        assert [e["cursor"] for e in back["edges"]] == cursors[-3:]  # the end of a short list
        return
    back = _at((await gql(query, {"l": 3, "b": cursors[5]}, key=key))["data"], path)
    assert [e["cursor"] for e in back["edges"]] == cursors[2:5]
    assert back["pageInfo"] == {
        "hasNextPage": True,
        "hasPreviousPage": True,
        "startCursor": cursors[2],
        "endCursor": cursors[4],
    }
    start = _at((await gql(query, {"l": 5, "b": cursors[2]}, key=key))["data"], path)
    assert [e["cursor"] for e in start["edges"]] == cursors[:2]
    assert start["pageInfo"]["hasPreviousPage"] is False
    between = _at((await gql(query, {"l": 10, "a": cursors[1], "b": cursors[5]}, key=key))["data"], path)
    assert [e["cursor"] for e in between["edges"]] == cursors[2:5]
    refused = await gql(query, {"f": 2, "l": 2}, key=key, expect_errors=True)
    assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    too_many = await gql(query, {"l": 101}, key=key, expect_errors=True)
    assert too_many["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
