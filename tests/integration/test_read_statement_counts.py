"""Issue 6, acceptance 3: the SQL statement count of each read benchmark's query does not depend on the page size.

The queries are the read benchmarks' own (bench/reads.py). The register is made with the benchmark generator's
set-based SQL (bench/gen_register.py) at a size that fills a page of 100, in the test's own database; each query is
then run at two sizes, the statement log reset before each request, and the two counts (and statements) compared.
"""

from __future__ import annotations

from typing import Any

import pytest

from api.settings import Settings
from bench.gen_register import Sizes, generate
from bench.reads import EXCEPTIONS, OPSG, PARTIES, STATISTICS

SIZES = Sizes(parties=150, modifications=20, exceptions=300, sr_rows=5)


# The SQL of executing each query is counted, not the response cache's version check before a kept answer.
APP_SETTINGS = Settings(response_cache=False)


def housekeeping(statement: str) -> bool:
    """asyncpg's own statements (the reset when a connection goes back to the pool, type introspection), and the
    API key's lookup (cached for a few seconds per process, so it may or may not fall in a request)."""
    text = statement.strip()
    return (
        not text
        or text.startswith("SELECT pg_advisory_unlock_all()")
        or "typeinfo_tree" in text
        or "set_config('jit'" in text
        or "api_keys" in text
    )


async def measure(
    gql: Any, statements: Any, query: str, variables: dict[str, Any], key: str | None
) -> tuple[list[str], dict[str, Any]]:
    await gql(query, variables, key=key)  # warm: the key lookup, type introspection of a new connection
    statements.reset()
    r = await gql(query, variables, key=key)
    return [s for s in statements.statements if not housekeeping(s)], r["data"]


async def same_count(
    gql: Any, statements: Any, query: str, small: dict[str, Any], large: dict[str, Any], key: str | None = None
) -> tuple[int, dict[str, Any], dict[str, Any]]:
    few, small_data = await measure(gql, statements, query, small, key)
    many, large_data = await measure(gql, statements, query, large, key)
    assert len(many) == len(few), "\n---\n".join(many)
    assert sorted(many) == sorted(few)
    return len(few), small_data, large_data


@pytest.fixture
async def register(pool: Any) -> None:
    async with pool.acquire() as conn:
        await generate(conn, SIZES)


async def test_a_page_of_100_parties_costs_what_a_page_of_5_costs(register, gql, statements):
    count, small, large = await same_count(gql, statements, PARTIES, {"first": 5}, {"first": 100})
    # one compiled statement: the page, totalCount, events (roles and last event) and voting groups
    assert count == 1
    assert len(small["parties"]["edges"]) == 5
    assert len(large["parties"]["edges"]) == 100
    assert large["parties"]["totalCount"] == SIZES.parties
    nodes = [e["node"] for e in large["parties"]["edges"]]
    assert all(n["votingGroup"] is not None for n in nodes)
    assert any(n["userRoles"] for n in nodes)
    assert all(n["lastEvent"] is not None for n in nodes)


async def test_a_page_of_100_exceptions_costs_what_a_page_of_5_costs(register, gql, statements, api_keys):
    key = await api_keys.get("opsg", bodies=("OPSG",))
    count, small, large = await same_count(gql, statements, EXCEPTIONS, {"first": 5}, {"first": 100}, key=key)
    # one compiled statement: the page, totalCount, report types and submissions
    assert count == 1
    assert len(small["exceptions"]["edges"]) == 5
    edges = large["exceptions"]["edges"]
    assert len(edges) == 100
    assert large["exceptions"]["totalCount"] >= SIZES.exceptions
    assert all(e["node"]["submission"] is not None and e["node"]["reportType"] for e in edges)


async def test_membership_statistics_over_100_months_costs_what_5_months_cost(register, gql, statements):
    count, small, large = await same_count(
        gql, statements, STATISTICS, {"from": "2016-01", "to": "2016-05"}, {"from": "2016-01", "to": "2024-04"}
    )
    assert count == 1
    assert len(small["membershipStatistics"]) == 5
    assert len(large["membershipStatistics"]) == 100
    assert any(m["partiesAtMonthEnd"] for m in large["membershipStatistics"])


async def test_the_opsg_table_of_a_busy_month_costs_what_a_quiet_one_costs(register, gql, statements, api_keys):
    key = await api_keys.get("opsg", bodies=("OPSG",))
    # before any report was owed, and a month with every report type due and delivered
    count, quiet, busy = await same_count(gql, statements, OPSG, {"month": "2016-01"}, {"month": "2019-05"}, key=key)
    assert count >= 1
    assert len(busy["opsgReport"]["rows"]) > 0
    assert quiet["opsgReport"]["month"] == "2016-01"
