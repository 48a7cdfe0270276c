"""Reads answered by compiled SQL (schema/reads/) give exactly what graphql-core's execution gives, on the
benchmark generator's register: every mapped field, aliases, __typename, cursors followed page after page (forward
and back), asOf and the IDs it gives, counts; and what it does not answer goes the ordinary way."""

from __future__ import annotations

from typing import Any

import pytest

from api.settings import Settings
from bench.gen_register import Sizes, generate
from schema.reads import ReadPath
from sql.ids import global_id, parse_global_id
from tests.integration.conftest import spying

# Both ways executed every time (the response cache would answer the second from the first).
APP_SETTINGS = Settings(response_cache=False)
SIZES = Sizes(parties=150, modifications=20, exceptions=300, sr_rows=5)
PARTY_NODE = "__typename id name category status accededOn note votingGroup { __typename id name category }"
EXCEPTION_NODE = (
    "__typename id ruleCode severity status subject message secClause details period firstFlaggedAt "
    "lastRaisedAt reportType { __typename id code name secClause } submission { __typename id period "
    "receivedAt dueAt delivery status sha256 filename rowCount sizeBytes }"
)
COMPILED_EXCEPTION = (
    "__typename id ruleCode severity status subject message secClause details period firstFlaggedAt lastRaisedAt "
    "reportType { __typename id code name secClause cadence version } history { at actor action fromStatus toStatus "
    "comment } submission { id period receivedAt dueAt status sha256 filename rowCount sizeBytes reportType { code } }"
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
    "query($n: Int, $a: String) { exceptions(first: $n, after: $a) { totalCount pageInfo { hasNextPage endCursor } "
    "edges { cursor node { " + COMPILED_EXCEPTION + " } } } }",
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

    with monkeypatch.context() as m:
        m.setattr(ReadPath, "statements", lambda *args: None)
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


async def test_fragments_directives_and_filters_answer_and_a_bad_cursor_is_refused(register, gql):
    """Fragments, directives, filters: answered; a cursor to refuse is refused as normal execution refuses it."""
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


STATISTICS = """query($from: String!, $to: String!) { membershipStatistics(fromMonth: $from, toMonth: $to) {
    month accessions inDefault withdrawals expulsions partiesAtMonthEnd votingGroupsAtMonthEnd
    votingGroupsByCategory { category count } } }"""
STATISTICS_SHAPES = [
    STATISTICS,
    "query($from: String!, $to: String!) { __typename m: membershipStatistics(fromMonth: $from, toMonth: $to) { "
    "__typename n: partiesAtMonthEnd month g: votingGroupsByCategory { __typename c: count category count } "
    "votingGroupsByCategory { category } } parties(first: 2) { totalCount } }",
    "query($from: String!, $to: String!) { a: membershipStatistics(fromMonth: $from, toMonth: $to) { month } "
    'b: membershipStatistics(fromMonth: "2018-01", toMonth: "2018-03") { inDefault withdrawals expulsions } }',
]
# Before any Party existed (the register begins in 2014), across its life, the longest range allowed (50 years),
# one month, and months to come.
MONTH_RANGES = [
    ("1980-01", "1989-12"),
    ("2013-06", "2026-05"),
    ("1980-01", "2029-11"),
    ("2018-07", "2018-07"),
    ("2031-01", "2033-12"),
]


@pytest.fixture
def answered(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether the compiled path answered each operation since (True) or left it to normal execution (False)."""
    seen: list[bool] = []
    monkeypatch.setattr(ReadPath, "statements", spying(seen))
    return seen


@pytest.mark.parametrize("query", STATISTICS_SHAPES)
async def test_membership_statistics_answer_as_execution_does(register, gql, monkeypatch, statements, query, answered):
    for first, last in MONTH_RANGES:
        direct, ordinary = await both(gql, monkeypatch, statements, query, {"from": first, "to": last})
        assert direct == ordinary
        months = next(v for k, v in direct["data"].items() if k in ("membershipStatistics", "m", "a"))
        assert months[0]["month"] == first and months[-1]["month"] == last
    assert answered == [True] * len(MONTH_RANGES)  # the compiled path answered
    figures = (await gql(STATISTICS, {"from": "1980-01", "to": "2029-11"}))["data"]["membershipStatistics"]
    assert len(figures) == 599
    assert figures[0]["partiesAtMonthEnd"] == 0 and figures[0]["votingGroupsByCategory"][0]["count"] == 0
    assert max(m["partiesAtMonthEnd"] for m in figures) > 100  # the register's Parties are there in between
    assert figures[-1]["partiesAtMonthEnd"] == figures[-2]["partiesAtMonthEnd"] > 0  # and still are, in the future


async def test_membership_statistics_refusals_go_the_ordinary_way_and_fragments_compile(register, gql, answered):
    """A range to refuse is refused as before, by normal execution; fragments and directives are compiled."""
    for first, last, wrong in [
        ("2018-05", "2018-04", "toMonth is before fromMonth"),
        ("1980-01", "2030-01", "at most 50 years of months at once"),
        ("2018-13", "2019-01", "fromMonth: '2018-13' is not a month (YYYY-MM)"),
    ]:
        refused = await gql(STATISTICS, {"from": first, "to": last}, expect_errors=True)
        assert refused["data"] is None
        assert [(e["message"], e["extensions"]["code"]) for e in refused["errors"]] == [(wrong, "BAD_USER_INPUT")]
    assert answered == [False, False, False]
    for query in [
        '{ membershipStatistics(fromMonth: "2018-01", toMonth: "2018-02") { ... on MembershipMonth { month } } }',
        '{ membershipStatistics(fromMonth: "2018-01", toMonth: "2018-02") { month @include(if: true) } }',
        '{ membershipStatistics(fromMonth: "2018-01", toMonth: "2018-02") { month votingGroupsByCategory { '
        "...on CategoryCount { count } } } }",
    ]:
        months = (await gql(query))["data"]["membershipStatistics"]
        assert [m["month"] for m in months] == ["2018-01", "2018-02"]
    assert answered == [False, False, False, True, True, True]


async def test_the_parties_pages_and_their_relations_are_compiled(register, gql, answered):
    for query in PARTIES:
        await gql(query, {"n": 3} if "$n" in query else {})
    await gql(
        "{ parties(first: 2) { edges { node { events(last: 2) { edges { cursor node { id party { id } } } } } } } }"
    )
    assert all(answered) and len(answered) == len(PARTIES) + 1


AS_OF = """query($id: ID!) { node(id: $id) { id ... on Party { status votingGroup { id } } } }"""


@pytest.mark.parametrize("compiled", [True, False])
async def test_a_party_read_as_of_a_day_has_an_id_of_its_own_that_node_answers(register, gql, monkeypatch, compiled):
    if not compiled:
        monkeypatch.setattr(ReadPath, "statements", lambda *args: None)
    query = (
        '{ parties(first: 1, asOf: "2018-07-26") { edges { node { id status votingGroup { id parties { id } } } } } }'
    )
    then = (await gql(query))["data"]["parties"]["edges"][0]["node"]
    now = (await gql("{ parties(first: 1) { edges { node { id status votingGroup { id } } } } }"))["data"]
    today = now["parties"]["edges"][0]["node"]
    kind, pk, day = parse_global_id(then["id"])
    assert (kind, str(day)) == ("Party", "2018-07-26")
    assert parse_global_id(today["id"])[2] is None and parse_global_id(today["votingGroup"]["id"])[2] is None
    assert parse_global_id(then["votingGroup"]["id"])[2] == day
    assert all(parse_global_id(p["id"])[2] == day for p in then["votingGroup"]["parties"])
    assert then["id"] != today["id"]
    found = (await gql(AS_OF, {"id": then["id"]}))["data"]["node"]
    assert found == {"id": then["id"], "status": then["status"], "votingGroup": {"id": then["votingGroup"]["id"]}}
    same = (await gql(AS_OF, {"id": global_id("Party", pk)}))["data"]["node"]
    assert same["id"] == global_id("Party", pk)  # the plain ID is today's Party
    group = (await gql("query($id: ID!) { node(id: $id) { id } }", {"id": then["votingGroup"]["id"]}))["data"]
    assert group["node"]["id"] == then["votingGroup"]["id"]


@pytest.mark.parametrize("compiled", [True, False])
async def test_parties_page_backward_with_last_and_before(register, gql, monkeypatch, compiled):
    if not compiled:
        monkeypatch.setattr(ReadPath, "statements", lambda *args: None)
    page = "query($a: String, $b: String, $f: Int, $l: Int) { parties(first: $f, last: $l, after: $a, before: $b) { "
    page += "pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { name } } } }"
    forward = (await gql(page, {"f": 10}))["data"]["parties"]
    names = [e["node"]["name"] for e in forward["edges"]]
    back = (await gql(page, {"l": 4, "b": forward["edges"][8]["cursor"]}))["data"]["parties"]
    assert [e["node"]["name"] for e in back["edges"]] == names[4:8]
    assert back["pageInfo"]["hasPreviousPage"] and back["pageInfo"]["hasNextPage"]
    before_that = (await gql(page, {"l": 10, "b": back["pageInfo"]["startCursor"]}))["data"]["parties"]
    assert [e["node"]["name"] for e in before_that["edges"]] == names[:4]
    assert not before_that["pageInfo"]["hasPreviousPage"]
    events = "{ parties(first: 3) { edges { node { events(last: 1) { edges { node { id } } pageInfo { hasPreviousPage } } } } } }"
    assert (await gql(events))["data"]["parties"]["edges"]


async def test_a_compiled_statement_at_fault_leaves_the_answer_to_normal_execution(register, gql, monkeypatch, caplog):
    from sql.read_model import TYPES

    monkeypatch.setitem(TYPES["Party"].columns, "note", "{a}.no_such_column")  # type: ignore[index]
    answer = await gql("{ parties(first: 3) { edges { node { name note } } } }")
    assert len(answer["data"]["parties"]["edges"]) == 3
    assert "compiled read failed" in caplog.text


async def test_modifications_with_their_events_are_compiled_and_answer_as_execution_does(
    register, gql, monkeypatch, statements
):
    query = (
        "query($a: String) { modifications(first: 7, after: $a) { totalCount pageInfo { hasNextPage endCursor } "
        "edges { cursor node { id reference formerReferences title path stage proposer raisedOn workingGroup "
        "release implementedOn partiesImpacted secSections events { kind occurredOn note stage outcome "
        "body { id code name } } } } } }"
    )
    variables: dict[str, Any] = {}
    for _ in range(3):
        compiled, ordinary = await both(gql, monkeypatch, statements, query, variables)
        assert compiled == ordinary
        page = compiled["data"]["modifications"]
        assert page["edges"] and any(e["node"]["events"] for e in page["edges"])
        variables = {"a": page["pageInfo"]["endCursor"]}


async def test_submissions_with_findings_and_runs_are_compiled_for_readers(register, gql, api_keys, answered):
    query = (
        "query($k: String) { reportSubmissions(first: 5, after: $k, filter: {status: FLAGGED}) { totalCount pageInfo { hasNextPage endCursor } "
        "edges { node { id period status delivery reportType { code } runs { startedAt finishedAt outcome attempt "
        "findingCount } findings(last: 3) { totalCount pageInfo { hasPreviousPage startCursor } edges { cursor "
        "node { ruleCode severity subject message details row } } } } } } }"
    )
    opsg = await api_keys.get("opsg", bodies=("OPSG",))
    compiled = (await gql(query, {}, key=opsg))["data"]["reportSubmissions"]
    assert compiled["edges"] and any(e["node"]["runs"] for e in compiled["edges"])
    assert answered == [True]
    with pytest.MonkeyPatch.context() as m:
        m.setattr(ReadPath, "statements", lambda *args: None)
        assert (await gql(query, {}, key=opsg))["data"]["reportSubmissions"] == compiled
