"""Issue 9, part 4: bounded cost. An operation's cost is estimated before any SQL and refused above the budget
(QUERY_TOO_COMPLEX, no statement run); statements and the wait for a pooled connection are bounded by settings and
answered 503 UNAVAILABLE with Retry-After; expensive operations take one lane per process, so they cannot starve
other clients."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.settings import Settings
from sql import db
from sql.db import Pool

FIFTY_YEARS = '(fromMonth: "1980-01", toMonth: "2029-12")'
STATS = "{ month partiesAtMonthEnd votingGroupsByCategory { category count } }"
ABUSE = "{ " + " ".join(f"a{i}: membershipStatistics{FIFTY_YEARS} {STATS}" for i in range(30)) + " }"


def codes(r: httpx.Response) -> set[str]:
    return {e["extensions"]["code"] for e in r.json().get("errors", [])}


async def test_thirty_aliases_of_fifty_years_refused_before_any_sql(client, statements):
    statements.reset()
    r = await client.post("/graphql", json={"query": ABUSE})
    assert codes(r) == {"QUERY_TOO_COMPLEX"}, r.text[:500]
    message = r.json()["errors"][0]["message"]
    assert "estimated cost" in message and "a0" in message and "10,000" in message, message
    assert r.json().get("data") is None
    assert statements.count() == 0, statements.statements


@pytest.mark.parametrize(
    ("query", "variables", "where"),
    [
        (
            "query($n: Int) { parties(first: 5) { edges { node { events(first: $n) { totalCount } } } } }",
            {"n": 500},
            "events: first: 500",
        ),
        ("{ big: exceptions(first: 101) { totalCount } }", {}, "big: first: 101"),
        ("query($n: Int = 1000) { modifications(first: $n) { totalCount } }", {}, "modifications: first: 1000"),
    ],
)
async def test_a_page_over_100_anywhere_refused_before_any_sql_naming_it(client, statements, query, variables, where):
    statements.reset()
    r = await client.post("/graphql", json={"query": query, "variables": variables})
    assert codes(r) == {"QUERY_TOO_COMPLEX"}, r.text
    assert where in r.json()["errors"][0]["message"]
    assert statements.count() == 0, statements.statements


async def test_the_same_shapes_within_the_budget_run(gql):
    one = await gql("{ membershipStatistics" + FIFTY_YEARS + STATS + " }")
    assert len(one["data"]["membershipStatistics"]) == 600
    ten = (
        "{ "
        + " ".join(f'a{i}: membershipStatistics(fromMonth: "2016-01", toMonth: "2016-12") {STATS}' for i in range(10))
        + " }"
    )
    assert len((await gql(ten))["data"]["a9"]) == 12
    page = await gql(
        "{ parties(first: 100) { totalCount edges { node { id name votingGroup { id name category } "
        "userRoles { role } lastEvent { kind } events(first: 100) { totalCount } } } } }"
    )
    assert page["data"]["parties"]["totalCount"] == 0


async def test_two_fifty_year_statistics_exceed_the_budget_and_a_lower_budget_is_a_setting(pool, gql):
    two = "{ a: membershipStatistics" + FIFTY_YEARS + STATS + " b: membershipStatistics" + FIFTY_YEARS + STATS + " }"
    r = await gql(two, expect_errors=True)
    assert {e["extensions"]["code"] for e in r["errors"]} == {"QUERY_TOO_COMPLEX"}
    app = create_app(Settings(query_cost_budget=500), pool=pool)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c:
        r2 = await c.post(
            "/graphql",
            json={"query": "{ parties(first: 100) { edges { node { votingGroup { id } userRoles { role } } } } }"},
        )
        assert codes(r2) == {"QUERY_TOO_COMPLEX"} and "500" in r2.json()["errors"][0]["message"]
        assert (
            "errors" not in (await c.post("/graphql", json={"query": "{ parties(first: 10) { totalCount } }"})).json()
        )


async def test_the_estimate_counts_what_execution_will_run(gql):
    """Fields as graphql-core collects them: a skipped field costs nothing, a repeated one (merged) costs once."""
    two = (
        "query($skip: Boolean!) { a: membershipStatistics"
        + FIFTY_YEARS
        + " @skip(if: $skip) "
        + STATS
        + " b: membershipStatistics"
        + FIFTY_YEARS
        + STATS
        + " }"
    )
    assert len((await gql(two, {"skip": True}))["data"]["b"]) == 600
    refused = await gql(two, {"skip": False}, expect_errors=True)
    assert {e["extensions"]["code"] for e in refused["errors"]} == {"QUERY_TOO_COMPLEX"}
    repeated = "{ membershipStatistics" + FIFTY_YEARS + STATS + " ...Again } fragment Again on Query { "
    repeated += "membershipStatistics" + FIFTY_YEARS + " { expulsions } }"
    months = (await gql(repeated))["data"]["membershipStatistics"]
    assert len(months) == 600 and set(months[0]) == {
        "month",
        "partiesAtMonthEnd",
        "votingGroupsByCategory",
        "expulsions",
    }


@pytest.fixture
async def small_pool(dsn: str) -> AsyncIterator[Pool]:
    p = await db.create_pool(dsn, min_size=1, max_size=2, statement_timeout_s=1.0)
    yield p
    await p.close()


def bounded(pool: Pool, **settings: Any) -> httpx.AsyncClient:
    app = create_app(Settings(response_cache=False, **settings), pool=pool)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test", timeout=30)


async def test_a_statement_past_the_timeout_is_answered_503_with_retry_after(small_pool, dsn):
    blocker = await db.connect(dsn)
    try:
        async with blocker.transaction():
            await blocker.execute("LOCK TABLE parties IN ACCESS EXCLUSIVE MODE")
            async with bounded(small_pool) as c:
                r = await c.post("/graphql", json={"query": "{ parties(first: 5) { totalCount } }"})
        assert r.status_code == 503, r.text
        assert codes(r) == {"UNAVAILABLE"} and int(r.headers["retry-after"]) >= 1
        async with bounded(small_pool) as c:  # the lock gone, the same request is answered
            r = await c.post("/graphql", json={"query": "{ parties(first: 5) { totalCount } }"})
        assert r.status_code == 200 and r.json()["data"]["parties"]["totalCount"] == 0
    finally:
        await blocker.close()


async def test_statistics_answered_straight_from_rows_keep_the_statement_timeout(small_pool, dsn):
    """membershipStatistics with plain fields is answered by its compiled statement (schema/reads/), which keeps the bound."""
    blocker = await db.connect(dsn)
    try:
        async with blocker.transaction():
            await blocker.execute("LOCK TABLE membership_runs IN ACCESS EXCLUSIVE MODE")
            async with bounded(small_pool) as c:
                r = await c.post("/graphql", json={"query": "{ membershipStatistics" + FIFTY_YEARS + STATS + " }"})
        assert r.status_code == 503, r.text
        assert codes(r) == {"UNAVAILABLE"} and int(r.headers["retry-after"]) >= 1
    finally:
        await blocker.close()


async def test_waiting_past_the_acquire_timeout_is_answered_503_with_retry_after(small_pool):
    held = [await small_pool.acquire(), await small_pool.acquire()]  # the whole pool
    try:
        async with bounded(small_pool, acquire_timeout_s=0.2) as c:
            r = await c.post("/graphql", json={"query": "{ reportTypes { code } }"})
        assert r.status_code == 503, r.text
        assert codes(r) == {"UNAVAILABLE"} and int(r.headers["retry-after"]) >= 1
    finally:
        for conn in held:
            await small_pool.release(conn)


async def test_expensive_operations_queue_in_their_lane_and_leave_the_pool_to_others(pool, dsn):
    """Five of the most expensive operations allowed, all stuck behind a lock: they hold at most one connection
    between them, so a cheap read by another client is answered meanwhile; when the lock goes, they finish (or are
    told to try again, if they waited longer than the lane's wait)."""
    heavy = "{ membershipStatistics" + FIFTY_YEARS + STATS + " }"
    blocker = await db.connect(dsn)
    in_use = []
    try:
        tx = blocker.transaction()
        await tx.start()
        await blocker.execute("LOCK TABLE party_events, party_periods, membership_runs IN ACCESS EXCLUSIVE MODE")
        async with bounded(pool, acquire_timeout_s=10) as c:
            stuck = [asyncio.create_task(c.post("/graphql", json={"query": heavy})) for _ in range(5)]
            await asyncio.sleep(0.5)
            in_use.append(
                await pool.fetchval(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = "
                    "'Lock'"
                )
            )
            cheap = await c.post("/graphql", json={"query": "{ reportTypes { code } }"})
            assert cheap.status_code == 200 and cheap.json()["data"]["reportTypes"], cheap.text
            assert not any(t.done() for t in stuck), [t.result().text[:300] for t in stuck if t.done()]
            await tx.rollback()
            answers = await asyncio.gather(*stuck)
        assert in_use == [1]  # one heavy operation at the database, the others waiting for the lane
        for r in answers:
            assert r.status_code in (200, 503), r.text
            if r.status_code == 200:
                assert len(r.json()["data"]["membershipStatistics"]) == 600
        assert any(r.status_code == 200 for r in answers)
    finally:
        await blocker.close()
