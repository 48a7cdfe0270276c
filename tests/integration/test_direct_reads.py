"""Pages of Parties and exceptions answered straight from their rows (schema/direct.py) give exactly what
graphql-core's execution gives, on the benchmark generator's register: every field the direct path answers, aliases,
__typename, cursors followed page after page, asOf, counts; and what it does not answer goes the ordinary way."""

from __future__ import annotations

from typing import Any

import pytest

import schema.direct
from api.settings import Settings
from bench.gen_register import Sizes, generate

# Both ways executed every time (the response cache would answer the second from the first).
APP_SETTINGS = Settings(response_cache=False)
SIZES = Sizes(parties=150, modifications=20, exceptions=300, sr_rows=5)
PARTY_NODE = "__typename id name category status accededOn note votingGroup { __typename id name category }"
EXCEPTION_NODE = (
    "__typename id ruleCode severity status subject message secClause details period firstFlaggedAt "
    "lastRaisedAt reportType { __typename id code name secClause } submission { __typename id period "
    "receivedAt dueAt delivery status sha256 filename rowCount sizeBytes }"
)
PARTIES = [
    "{ parties(first: 100) { totalCount edges { node { id name votingGroup { id name category } } } } }",
    "query($n: Int, $a: String) { parties(first: $n, after: $a) { __typename totalCount pageInfo { __typename "
    "hasNextPage hasPreviousPage startCursor endCursor } edges { __typename cursor node { " + PARTY_NODE + " } } } }",
    '{ x: parties(first: 3, asOf: "2018-06-30") { n: totalCount e: edges { c: cursor p: node { nm: name '
    "s: status g: votingGroup { nm: name } } } } y: parties { totalCount } __typename }",
    "{ parties(first: 0) { totalCount pageInfo { hasNextPage startCursor endCursor } edges { cursor } } }",
]
EXCEPTIONS = [
    "query($n: Int, $a: String) { exceptions(first: $n, after: $a) { totalCount pageInfo { hasNextPage endCursor "
    "startCursor hasPreviousPage } edges { cursor node { " + EXCEPTION_NODE + " } } } }",
    "{ a: exceptions(first: 2) { edges { node { id } } } b: exceptions { totalCount } }",
]


@pytest.fixture
async def register(pool: Any) -> None:
    async with pool.acquire() as conn:
        await generate(conn, SIZES)


async def both(
    gql: Any,
    monkeypatch: pytest.MonkeyPatch,
    statements: Any,
    query: str,
    variables: dict[str, Any],
    key: str | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    statements.reset()
    direct = await gql(query, variables, key=key)
    direct_count = len(
        [s for s in statements.statements if "typeinfo" not in s and "jit" not in s and "api_keys" not in s]
    )

    async def not_direct(*args: Any, **kwargs: Any) -> Any:
        raise schema.direct.NotDirect

    with monkeypatch.context() as m:
        m.setattr(schema.direct, "answer", not_direct)
        statements.reset()
        ordinary = await gql(query, variables, key=key)
        ordinary_count = len(
            [s for s in statements.statements if "typeinfo" not in s and "jit" not in s and "api_keys" not in s]
        )
    assert direct_count <= ordinary_count
    return direct, ordinary


@pytest.mark.parametrize("query", PARTIES)
async def test_parties_pages_answer_as_execution_does(register, gql, monkeypatch, statements, query):
    variables: dict[str, Any] = {"n": 40} if "$n" in query else {}
    seen = 0
    for _ in range(5):  # page after page, following the cursor
        direct, ordinary = await both(gql, monkeypatch, statements, query, variables)
        assert direct == ordinary
        page = direct["data"].get("parties")
        if not page or "pageInfo" not in page or not page["pageInfo"].get("hasNextPage"):
            break
        seen += len(page["edges"])
        variables = {**variables, "a": page["pageInfo"]["endCursor"]}
    if "$a" in query:
        assert seen >= 120


@pytest.mark.parametrize("query", EXCEPTIONS)
async def test_exceptions_pages_answer_as_execution_does(register, gql, monkeypatch, statements, api_keys, query):
    key = await api_keys.get("opsg", bodies=("OPSG",))
    variables: dict[str, Any] = {"n": 100} if "$n" in query else {}
    for _ in range(3):
        direct, ordinary = await both(gql, monkeypatch, statements, query, variables, key)
        assert direct == ordinary
        page = direct["data"].get("exceptions")
        if not page or "pageInfo" not in page or not page["pageInfo"]["hasNextPage"]:
            break
        variables = {**variables, "a": page["pageInfo"]["endCursor"]}
    # The public sees no exceptions (the ordinary way answers a reader without rights).
    public = (await gql(query, {"n": 5} if "$n" in query else {}))["data"]
    for answer in public.values():
        assert answer.get("totalCount", 0) == 0 and answer.get("edges", []) == []


async def test_what_the_direct_path_does_not_answer_goes_the_ordinary_way(register, gql):
    """Relations it does not know, fragments, directives, filters: executed as ever."""
    for query in [
        "{ parties(first: 5) { edges { node { name lastEvent { kind } } } } }",
        "{ parties(first: 5) { edges { node { ... on Party { name } } } } }",
        "{ parties(first: 5) { edges { node { name @include(if: true) } } } }",
        "{ parties(first: 5, filter: {category: SMALL_SUPPLIER}) { edges { node { category } } } }",
    ]:
        data = (await gql(query))["data"]["parties"]["edges"]
        assert len(data) == 5
    bad = await gql('{ parties(first: 5, after: "nonsense") { totalCount } }', expect_errors=True)
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
