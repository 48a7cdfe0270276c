"""The compiled read path answers every operation exactly as normal execution does, errors included: random valid
operations over the mapped types (fragments, inline fragments, aliases, repeated fields, @include/@skip with
variables, asOf, filters, paging forward and back with cursors), as every kind of viewer, on a generated register.
The wrong answers an earlier compiled path gave are fixed examples here."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.settings import Settings
from bench.gen_register import Sizes, generate
from schema.reads import ReadPath
from sql.ids import encode_cursor, global_id
from tests.integration.conftest import spying
from tests.support.read_operations import committee_business, findings_of_the_latest, operations

APP_SETTINGS = Settings(response_cache=False)
VIEWERS = [("public", ()), ("party", ()), ("dcc", ()), ("opsg", ("OPSG",)), ("opsg", ()), ("panel", ("PANEL",))]
VIEWERS += [("admin", ())]
FIXED = [
    ("{ parties(first: 3) { edges { node { votingGroup { name } votingGroup { id } } } } }", {}),
    ("{ parties(first: 3) { pageInfo { hasNextPage } pageInfo { endCursor } } }", {}),
    ("{ parties(first: 3) { edges { node { id } } edges { cursor } } }", {}),
    ("query($d: Date!) { parties(asOf: $d, first: 1) { totalCount } }", {}),
    ("query($n: Int!) { parties(first: $n) { totalCount } }", {}),
    ("query($d: Date) { parties(asOf: $d, first: 1) { totalCount } }", {"d": "not a day"}),
    ("{ parties(first: 2, last: 2) { totalCount } }", {}),
    ("{ parties(last: 101) { totalCount } }", {}),
    ('{ parties(first: 2, after: "nonsense") { totalCount } }', {}),
    ("{ parties(first: 2) { edges { node { ...P ...P } } } } fragment P on Party { id name }", {}),
    ('{ node(id: "UGFydHk6MQ") { id } parties(first: 1) { totalCount } }', {}),
    ("{ exceptions(first: 3) { edges { node { reportType { code } reportType { name } } } } }", {}),
    ("{ exceptions(first: 3) { edges { node { id } } edges { cursor } } }", {}),
    (
        "{ highlights { totalCount edges { node { id classification meeting { id classification body { code } } } } } }",
        {},
    ),
    (
        "{ reportSubmissions(first: 1) { edges { node { findings(last: 4) { totalCount pageInfo { hasPreviousPage "
        "startCursor } edges { cursor node { ruleCode details row } } } } } } }",
        {},
    ),
    ("{ actions(last: 5) { totalCount pageInfo { hasPreviousPage } edges { cursor node { meeting { id } } } } }", {}),
    (
        "{ exceptions(last: 3) { pageInfo { hasPreviousPage startCursor } edges { node { history { at action } } } } }",
        {},
    ),
]


@pytest.fixture
async def register(pool: Any) -> tuple[list[str], list[str], list[str]]:
    """Cursors of some Parties and exceptions, and some Parties' IDs, of a generated register."""
    async with pool.acquire() as conn:
        await generate(conn, Sizes(parties=60, modifications=5, exceptions=60, sr_rows=2))
        parties = [(r["name"], r["id"]) for r in await conn.fetch("SELECT name, id FROM parties ORDER BY name, id")]
        queue = await conn.fetch("SELECT id, severity, first_flagged_at FROM report_exceptions ORDER BY id")
        references = [r["reference"] for r in await conn.fetch("SELECT reference FROM modifications ORDER BY 1")]
        await committee_business(conn)
        await findings_of_the_latest(conn)
    exceptions = [
        encode_cursor([0 if r["severity"] == "HIGH" else 1, r["first_flagged_at"].isoformat(), r["id"]])
        for r in queue[::6]
    ]
    return (
        [encode_cursor(list(p)) for p in parties[::7]] + ["bm9wZQ"],
        exceptions + [encode_cursor([r]) for r in references[::2]] + [encode_cursor([i]) for i in (1, 3, 6, 10)],
        [global_id("Party", i) for _, i in parties[::9]] + [global_id("Party", 2, date(2018, 7, 26))],
    )


async def test_compiled_reads_answer_as_normal_execution_does(register, gql, api_keys, monkeypatch):
    keys = [
        await api_keys.get(role, bodies=bodies, party_id=1 if role == "party" else None) for role, bodies in VIEWERS
    ]
    loop = asyncio.get_running_loop()
    compiled: list[bool] = []
    spy = spying(compiled)

    async def compare(query: str, variables: dict[str, Any], key: str | None) -> None:
        monkeypatch.setattr(ReadPath, "statements", spy)
        answer = await gql(query, variables, key=key, expect_errors=True)
        monkeypatch.setattr(ReadPath, "statements", lambda *args: None)
        ordinary = await gql(query, variables, key=key, expect_errors=True)
        assert answer == ordinary, query

    for key in keys:
        for query, variables in FIXED:
            await compare(query, variables, key)

    @settings(max_examples=120)
    @given(operation=operations(register), key=st.sampled_from(keys))
    def run(operation: tuple[str, dict[str, Any]], key: str | None) -> None:
        asyncio.run_coroutine_threadsafe(compare(*operation, key), loop).result()

    await asyncio.to_thread(run)
    assert sum(compiled) > len(compiled) // 2  # most operations were answered by the compiled path


async def test_committee_business_is_compiled_with_each_viewers_visibility(register, gql, api_keys, monkeypatch):
    """Who sees which classified item is decided by the statements both paths run: each viewer gets its own."""
    compiled: list[bool] = []
    monkeypatch.setattr(ReadPath, "statements", spying(compiled))
    query = "{ highlights { totalCount } actions { totalCount edges { node { meeting { classification } } } } }"
    seen = {}
    for role, bodies in VIEWERS:
        key = await api_keys.get(role, bodies=bodies, party_id=1 if role == "party" else None)
        data = (await gql(query, key=key))["data"]
        seen[(role, bodies)] = (data["highlights"]["totalCount"], data["actions"]["totalCount"])
        meetings = [e["node"]["meeting"] for e in data["actions"]["edges"]]
        assert None in meetings or role == "admin"  # an action whose meeting the viewer may not see: null
    assert seen[("public", ())] == (3, 3) and seen[("dcc", ())] == (6, 6) and seen[("admin", ())] == (12, 12)
    assert seen[("opsg", ("OPSG",))] > seen[("dcc", ())]
    assert all(compiled)


async def test_findings_are_paged_backward_by_the_compiled_path(register, gql, api_keys, monkeypatch):
    compiled: list[bool] = []
    monkeypatch.setattr(ReadPath, "statements", spying(compiled))
    query = (
        "{ reportSubmissions(first: 1) { edges { node { findings(last: 4) { totalCount pageInfo { hasPreviousPage } "
        "edges { node { ruleCode details row } } } } } } }"
    )
    data = (await gql(query, key=await api_keys.get("dcc")))["data"]
    findings = data["reportSubmissions"]["edges"][0]["node"]["findings"]
    assert findings["totalCount"] == 12 and findings["pageInfo"]["hasPreviousPage"] is True
    assert [e["node"]["row"] for e in findings["edges"]] == [9, 10, 11, 12]
    assert findings["edges"][0]["node"]["details"] == {"actual": 13.5}
    assert compiled == [True]


async def test_history_made_at_a_meeting_shows_only_to_whom_may_see_the_meeting(register, gql, api_keys, monkeypatch):
    compiled: list[bool] = []
    spy = spying(compiled)
    monkeypatch.setattr(ReadPath, "statements", spy)
    query = "{ exceptions(first: 100) { edges { node { history { id comment } } } } }"
    counts = {}
    for role, bodies in [("dcc", ()), ("opsg", ("OPSG",)), ("admin", ())]:
        key = await api_keys.get(role, bodies=bodies)
        answer = await gql(query, key=key)
        entries = [h for e in answer["data"]["exceptions"]["edges"] for h in e["node"]["history"]]
        counts[role] = sum(h["comment"] == "at the meeting" for h in entries)
        monkeypatch.setattr(ReadPath, "statements", lambda *args: None)
        assert (await gql(query, key=key)) == answer  # as normal execution answers
        monkeypatch.setattr(ReadPath, "statements", spy)
    # Twelve meetings (three bodies, four classifications), five exceptions each: dcc sees White and Green.
    assert counts == {"dcc": 30, "opsg": 40, "admin": 60}  # OPSG also sees its own Amber and Red meetings
    assert compiled == [True, True, True]
