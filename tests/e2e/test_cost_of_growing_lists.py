"""An unpaged list the caller can grow is estimated from its stored length: a `dcc` key that comments without end
grows an exception's history, and with it the estimate of any query that selects history through a large page, until
that query is refused QUERY_TOO_COMPLEX before any SQL runs. The length is kept by the commenting transaction and
heard by the API process on its live feed's connection (no statement added to the request)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from api.app import create_app
from api.settings import Settings
from schema.relay import global_id
from sql.db import Pool
from sql.list_sizes import ListSizes
from tests.conftest import GraphQLClient, Keys, StatementLog
from tests.support.polling import eventually
from tests.support.reports import csv_bytes
from tests.support.seed import exception_ids, validated

BUDGET = 2_000
# 1 page + 100 edges + 100 exceptions + 100 x the longest history: within 2,000 until a history passes 17 entries.
HISTORIES = "{ exceptions(first: 100) { edges { node { id history { action comment } } } } }"
COMMENT = """mutation($id: ID!, $comment: String) {
  reviewException(id: $id, action: COMMENT, comment: $comment) { errors { code message } } }"""


@pytest.fixture
async def live(pool: Pool) -> AsyncIterator[tuple[GraphQLClient, ListSizes]]:
    """The app with its live feed running (the lifespan's part that hears list sizes), on the test's pool; no
    response cache, whose freshness check would be a statement of its own."""
    app = create_app(Settings(query_cost_budget=BUDGET, response_cache=False), pool=pool)
    hub = app.state.resources.hub
    await hub.start(pool)
    try:
        await eventually(lambda: "ReportException.history" in hub.sizes.largest, what="list sizes read", timeout=10)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
            yield GraphQLClient(c), hub.sizes
    finally:
        await hub.stop()


def sql_of(statements: StatementLog) -> list[str]:
    """What the request ran: the live feed's keep-alive on its own connection is not the request's."""
    return [s for s in statements.statements if s.strip() != "SELECT 1"]


async def test_history_grown_by_comments_is_refused_before_any_sql(pool, live, api_keys: Keys, statements):
    gql, sizes = live
    await validated(
        pool, "CSR_VARIANCE", "2018-05", csv_bytes("subscriber,forecast,actual", "S1,100,100", "S2,100,300")
    )
    [pk] = (await exception_ids(pool, "VARIANCE_ABOVE_TOLERANCE"))[:1]
    dcc, opsg = await api_keys.get("dcc"), await api_keys.get("opsg")

    short = await gql(HISTORIES, key=opsg)
    assert short["data"]["exceptions"]["edges"], short

    for i in range(25):
        done = await gql(COMMENT, {"id": global_id("ReportException", pk), "comment": f"note {i}"}, key=dcc)
        assert done["data"]["reviewException"]["errors"] == [], done
    await eventually(lambda: sizes.largest.get("ReportException.history", 0) >= 25, what="the history's length heard")

    statements.reset()
    refused = await gql(HISTORIES, key=opsg, expect_errors=True)
    assert refused.get("data") is None, refused
    assert [e["extensions"]["code"] for e in refused["errors"]] == ["QUERY_TOO_COMPLEX"], refused
    assert "exceptions" in refused["errors"][0]["message"]
    assert sql_of(statements) == []

    small = await gql(HISTORIES.replace("first: 100", "first: 10"), key=opsg)  # a smaller page still runs
    [edge] = [e for e in small["data"]["exceptions"]["edges"] if e["node"]["id"] == global_id("ReportException", pk)]
    assert len([h for h in edge["node"]["history"] if h["action"] == "COMMENT"]) == 25


async def test_the_stored_length_is_the_longest_list_and_only_grows(pool, live):
    _, sizes = live
    async with pool.acquire() as conn:
        stored = {r["list"]: r["largest"] for r in await conn.fetch("SELECT list, largest FROM list_sizes")}
    assert set(stored) >= {"ReportException.history", "Modification.events", "Query.bodies", "Party.userRoles"}
    assert all(sizes.largest.get(k) == v for k, v in stored.items()), (stored, sizes.largest)
