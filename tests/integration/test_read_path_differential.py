"""The compiled read path answers every operation exactly as normal execution does, errors included: random valid
operations over the mapped types (fragments, inline fragments, aliases, repeated fields, @include/@skip with
variables, asOf, filters, paging forward and back with cursors), as every kind of viewer, on a generated register
and on registers drawn by Hypothesis (a database each). The wrong answers an earlier compiled path gave are fixed
examples here."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from api.app import create_app
from api.settings import Settings
from bench.gen_register import Sizes, generate
from schema.reads import ReadPath
from sql import db
from sql.ids import encode_cursor, global_id
from tests.conftest import GraphQLClient, Keys
from tests.integration.conftest import spying
from tests.support.random_register import Register, registers, write
from tests.support.read_operations import DAYS, committee_business, findings_of_the_latest, handles, operations

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
        found = await handles(conn)
        await committee_business(conn)
        await findings_of_the_latest(conn)
    return found


async def compare(gql: GraphQLClient, monkeypatch: Any, spy: Any, query: str, variables: Any, key: Any) -> None:
    """The compiled path's answer (noted by `spy`) equals normal execution's, errors included."""
    monkeypatch.setattr(ReadPath, "statements", spy)
    answer = await gql(query, variables, key=key, expect_errors=True)
    monkeypatch.setattr(ReadPath, "statements", lambda *args: None)
    ordinary = await gql(query, variables, key=key, expect_errors=True)
    assert answer == ordinary, query


async def viewers(keys: Keys) -> list[str | None]:
    return [await keys.get(role, bodies=bodies, party_id=1 if role == "party" else None) for role, bodies in VIEWERS]


async def test_compiled_reads_answer_as_normal_execution_does(register, gql, api_keys, monkeypatch):
    keys = await viewers(api_keys)
    loop = asyncio.get_running_loop()
    compiled: list[bool] = []
    spy = spying(compiled)

    for key in keys:
        for query, variables in FIXED:
            await compare(gql, monkeypatch, spy, query, variables, key)

    @settings(max_examples=120)
    @given(operation=operations(register), key=st.sampled_from(keys))
    def run(operation: tuple[str, dict[str, Any]], key: str | None) -> None:
        asyncio.run_coroutine_threadsafe(compare(gql, monkeypatch, spy, *operation, key), loop).result()

    await asyncio.to_thread(run)
    assert sum(compiled) > len(compiled) // 2  # most operations were answered by the compiled path


# Asked of every drawn register as every viewer: what each part of it holds, whole.
WHOLE_PARTY = "id status category votingGroup { id name } userRoles { role } lastEvent { kind } events(first: 10) "
WHOLE_PARTY += "{ totalCount edges { cursor node { kind occurredOn } } }"
PROBES: list[tuple[str, dict[str, Any]]] = [
    (
        "{ exceptions(first: 20) { totalCount edges { cursor node { id status history { id action comment } "
        "submission { id status runs { id } } } } } }",
        {},
    ),
    ("{ bodies { code meetings(first: 5) { totalCount edges { node { reference classification } } } } }", {}),
    (
        "{ highlights(first: 20) { totalCount edges { node { title meeting { reference } } } } "
        "actions(first: 20) { edges { node { reference meeting { heldOn } } } } }",
        {},
    ),
    *[
        (
            "query($d: Date) { parties(asOf: $d, first: 20) { totalCount edges { node { " + WHOLE_PARTY + " } } } "
            "votingGroups(asOf: $d) { id name parties { name status } } }",
            {"d": day},
        )
        for day in (None, *DAYS)
    ],
]

# Registers drawn afresh, a database each: a few when derandomized (make test), more in the randomized run.
REGISTERS = 3 if settings.default.derandomize else 8
OPERATIONS_EACH = 40


@dataclass
class Drawn:
    """A drawn register written into a database of its own, with the app over it and each viewer's key."""

    dsn: str
    pool: Any
    client: httpx.AsyncClient
    found: tuple[list[str], list[str], list[str]]
    keys: list[str | None]

    @classmethod
    async def open(cls, pg_server: Any, register: Register) -> Drawn:
        dsn = await pg_server.create()
        pool = await db.create_pool(dsn, min_size=1, max_size=4)
        async with pool.acquire() as conn:
            await write(conn, register)
            found = await handles(conn)
        transport = httpx.ASGITransport(app=create_app(APP_SETTINGS, pool=pool))
        client = httpx.AsyncClient(transport=transport, base_url="http://testserver")
        return cls(dsn, pool, client, found, await viewers(Keys(pool)))

    async def close(self, pg_server: Any) -> None:
        await self.client.aclose()
        await self.pool.close()
        await pg_server.drop(self.dsn)


async def test_random_registers_answer_as_normal_execution_does(pg_server, monkeypatch):
    loop = asyncio.get_running_loop()
    compiled: list[bool] = []
    spy = spying(compiled)

    def wait(step: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(step, loop).result()

    # Not shrunk: each example costs a database, and a failing one is reported as drawn (register and operation).
    @settings(
        max_examples=REGISTERS,
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(register=registers(), data=st.data())
    def run(register: Register, data: st.DataObject) -> None:
        drawn = wait(Drawn.open(pg_server, register))
        try:
            for key in drawn.keys:
                for query, variables in PROBES:
                    wait(compare(GraphQLClient(drawn.client), monkeypatch, spy, query, variables, key))
            for _ in range(OPERATIONS_EACH):
                query, variables = data.draw(operations(drawn.found))
                key = data.draw(st.sampled_from(drawn.keys))
                wait(compare(GraphQLClient(drawn.client), monkeypatch, spy, query, variables, key))
        finally:
            wait(drawn.close(pg_server))

    await asyncio.to_thread(run)
    assert sum(compiled) > len(compiled) // 2


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


async def test_bodies_their_meetings_and_report_types_are_compiled(register, gql, api_keys, monkeypatch):
    """The root lists and a body's meetings (paged as its resolver pages them, visibility by the same statement)."""
    compiled: list[bool] = []
    spy = spying(compiled)
    query = (
        "{ reportTypes { code name cadence } bodies { code meetings(first: 2, after: $after) { totalCount pageInfo "
        "{ hasNextPage endCursor } edges { cursor node { reference classification body { code } } } } } }"
    )
    query = "query($after: String) " + query
    seen = {}
    for role, bodies in [("public", ()), ("dcc", ()), ("opsg", ("OPSG",)), ("admin", ())]:
        key = await api_keys.get(role, bodies=bodies)
        for after in (None, encode_cursor([5]), encode_cursor([999])):
            await compare(gql, monkeypatch, spy, query, {"after": after}, key)
        monkeypatch.setattr(ReadPath, "statements", spy)
        data = (await gql(query, {"after": None}, key=key))["data"]
        seen[role] = sum(b["meetings"]["totalCount"] for b in data["bodies"])
        assert len(data["reportTypes"]) > 0
    assert seen["public"] < seen["dcc"] < seen["opsg"] < seen["admin"] == 12
    assert all(compiled)


NODE_SELECTIONS = {
    "Party": "name status votingGroup { name }",
    "VotingGroup": "name parties { name }",
    "Body": "code meetings(first: 1) { totalCount }",
    "Meeting": "reference classification",
    "Highlight": "title meeting { reference }",
    "Action": "reference",
    "Modification": "reference events { kind }",
    "ReportType": "code",
    "ReportException": "ruleCode history { action }",
    "ReportSubmission": "period runs { outcome }",
}


async def test_node_of_each_mapped_type_is_compiled(register, gql, api_keys, monkeypatch):
    """`node(id:)` is planned as the type its ID names, read by the statement its resolver's loader runs."""
    compiled: list[bool] = []
    spy = spying(compiled)
    ids = [(kind, global_id(kind, n)) for kind in NODE_SELECTIONS for n in (1, 2)]
    ids += [("Party", register[2][-1]), ("VotingGroup", global_id("VotingGroup", 1, date(2018, 7, 26)))]
    for role in ("public", "dcc", "admin"):
        key = await api_keys.get(role)
        for kind, node_id in ids:
            query = f'{{ node(id: "{node_id}") {{ id __typename ... on {kind} {{ {NODE_SELECTIONS[kind]} }} }} }}'
            compiled.clear()
            await compare(gql, monkeypatch, spy, query, {}, key)
            readers_only = kind in ("ReportException", "ReportSubmission") and role == "public"
            assert compiled == [not readers_only], (role, query)
