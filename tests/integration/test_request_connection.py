"""Issue 9, part 2: one request, one connection, only what is asked.

A request takes at most one pooled connection, lazily (none when it needs no SQL), shared by its top-level fields
and DataLoaders; no reset round trip when it goes back to the pool; its prepared statements are reused by the next
request; a connection's rows are fetched only when the selection asks for them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.settings import Settings
from bench.gen_register import Sizes, generate
from schema.reads import ReadPath
from sql import db
from sql.db import Conn, Pool

SIZES = Sizes(parties=150, modifications=20, exceptions=300, sr_rows=5)
EVERYTHING = """{ parties(first: 100) { totalCount edges { node { id name votingGroup { name } userRoles { role }
    lastEvent { kind } } } }
  votingGroups { name parties { name } }
  membershipStatistics(fromMonth: "2018-01", toMonth: "2018-12") { month partiesAtMonthEnd }
  again: parties(first: 3) { edges { node { name votingGroup { name } } } } }"""


@dataclass
class Watched:
    """What the pool saw: each acquisition, and each statement."""

    acquired: int = 0
    statements: list[str] = field(default_factory=list)

    async def on_acquire(self, conn: Conn) -> None:
        self.acquired += 1

    def reset(self) -> None:
        self.acquired = 0
        self.statements.clear()


@pytest.fixture
async def watched(dsn: str) -> AsyncIterator[tuple[Watched, Pool, httpx.AsyncClient]]:
    seen = Watched()
    # One connection in the pool: a request that wanted two at once would wait for itself (and time out).
    pool = await db.create_pool(dsn, min_size=1, max_size=1, on_query=seen.statements.append, setup=seen.on_acquire)
    async with pool.acquire() as conn:
        await generate(conn, SIZES)
    app = create_app(Settings(response_cache=False, acquire_timeout_s=5), pool=pool)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        yield seen, pool, client
    await pool.close()


async def ask(client: httpx.AsyncClient, query: str) -> dict[str, Any]:
    r = await client.post("/graphql", json={"query": query})
    body: dict[str, Any] = r.json()
    assert r.status_code == 200 and "errors" not in body, body
    return body["data"]


async def test_a_request_takes_one_connection_for_all_its_fields_and_loaders(watched):
    seen, _, client = watched
    await ask(client, EVERYTHING)  # warm: type introspection of the connection
    seen.reset()
    data = await ask(client, EVERYTHING)
    assert seen.acquired == 1
    assert len(data["parties"]["edges"]) == 100 and len(data["again"]["edges"]) == 3
    assert len(data["membershipStatistics"]) == 12
    assert any(g["parties"] for g in data["votingGroups"])


async def test_no_reset_round_trip_when_the_connection_goes_back(watched):
    seen, _, client = watched
    await ask(client, EVERYTHING)
    seen.reset()
    await ask(client, EVERYTHING)
    await ask(client, "{ parties(first: 5) { totalCount } }")
    assert seen.statements
    assert not [s for s in seen.statements if "pg_advisory_unlock_all" in s or "RESET ALL" in s]


async def test_a_request_without_sql_takes_no_connection(watched):
    seen, _, client = watched
    seen.reset()
    assert (await ask(client, "{ __typename }")) == {"__typename": "Query"}
    assert seen.acquired == 0


async def test_prepared_statements_are_reused_by_later_requests(watched):
    seen, pool, client = watched
    await ask(client, EVERYTHING)
    async with pool.acquire() as conn:
        prepared = await conn.fetchval("SELECT count(*) FROM pg_prepared_statements")
    for _ in range(3):
        await ask(client, EVERYTHING)
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM pg_prepared_statements") == prepared
    assert prepared >= 5


async def test_total_count_alone_is_one_count_statement(watched):
    seen, _, client = watched
    await ask(client, "{ parties(first: 100) { totalCount } }")
    seen.reset()
    data = await ask(client, "{ parties(first: 100) { totalCount } }")
    assert data["parties"]["totalCount"] == SIZES.parties
    assert len(seen.statements) == 1, seen.statements
    assert "count" in seen.statements[0].lower()


@pytest.mark.parametrize(
    ("nodes", "expected"),
    [
        ("name", 1),  # the page
        ("name votingGroup { name }", 2),  # the page, the groups
        ("name lastEvent { kind }", 2),  # the page, the events
        ("name userRoles { role } votingGroup { id }", 3),
        ("votingGroup { id } ...named", 3),  # named fragments count as selected
    ],
)
async def test_a_page_fetches_only_the_relations_its_nodes_select(watched, nodes, expected, monkeypatch):
    """Through graphql-core's execution (normal execution, not the compiled read path)."""
    monkeypatch.setattr(ReadPath, "statements", lambda *args: None)
    seen, _, client = watched
    query = "{ parties(first: 50) { edges { node { ... on Party { " + nodes + " } } } } }"
    if "...named" in nodes:
        query += " fragment named on Party { userRoles { role } }"
    await ask(client, query)
    seen.reset()
    data = await ask(client, query)
    assert len(data["parties"]["edges"]) == 50
    assert len(seen.statements) == expected, seen.statements


@pytest.mark.parametrize("nodes", ["name", "id name votingGroup { id name category }", "status accededOn note"])
async def test_a_plain_page_is_one_statement_returning_its_json(watched, nodes):
    seen, _, client = watched
    query = (
        "{ parties(first: 50) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { "
        + nodes
        + " } } } }"
    )
    await ask(client, query)
    seen.reset()
    data = await ask(client, query)
    assert len(data["parties"]["edges"]) == 50 and data["parties"]["totalCount"] == SIZES.parties
    assert len(seen.statements) == 1, seen.statements
