"""Issue 2, acceptance 7: migrations from an empty database; applying twice changes nothing; the demo data loads."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest

from api import demo_data
from sql import db, migrate, parties


@pytest.fixture
async def empty_dsn(pg_server) -> AsyncIterator[str]:
    url = await pg_server.create(empty=True)
    yield url
    await pg_server.drop(url)


async def schema_dump(conn: Any) -> dict[str, Any]:
    """Every column, constraint, index, view and function of the public schema, and the migrations recorded."""
    columns = [
        tuple(r)
        for r in await conn.fetch(
            """SELECT table_name, column_name, ordinal_position, data_type, is_nullable, column_default
           FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position"""
        )
    ]
    constraints = [
        tuple(r)
        for r in await conn.fetch(
            """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
           WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2"""
        )
    ]
    indexes = [
        tuple(r)
        for r in await conn.fetch(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2"
        )
    ]
    routines = [
        tuple(r)
        for r in await conn.fetch(
            """SELECT p.proname, pg_get_function_identity_arguments(p.oid) FROM pg_proc p
           WHERE p.pronamespace = 'public'::regnamespace ORDER BY 1, 2"""
        )
    ]
    views = [
        r["table_name"]
        for r in await conn.fetch(
            "SELECT table_name FROM information_schema.views WHERE table_schema = 'public' ORDER BY 1"
        )
    ]
    applied = [tuple(r) for r in await conn.fetch("SELECT version, applied_at FROM schema_migrations ORDER BY 1")]
    return {
        "columns": columns,
        "constraints": constraints,
        "indexes": indexes,
        "routines": routines,
        "views": views,
        "applied": applied,
    }


async def test_migrations_from_an_empty_database_and_twice(empty_dsn):
    conn = await db.connect(empty_dsn)
    try:
        tables = await conn.fetchval("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
        assert tables == 0
        versions = [version for version, _ in migrate.migrations()]
        assert versions[:2] == ["0001_register", "0002_governance"]
        assert versions == sorted(versions)

        assert await migrate.apply(conn) == versions
        first = await schema_dump(conn)
        assert [v for v, _ in first["applied"]] == versions
        table_names = {c[0] for c in first["columns"]}
        assert {
            "parties",
            "party_events",
            "voting_groups",
            "api_keys",
            "bodies",
            "meetings",
            "highlights",
            "actions",
            "modifications",
            "modification_events",
            "schema_migrations",
        } <= table_names
        assert "voting_group_memberships" in first["views"]
        assert {
            ("party_states", "as_of date"),
            (
                "can_see",
                "classification text, body_code text, seen_anywhere text[], seen_as_member text[], viewer_bodies text[]",
            ),
        } <= set(first["routines"])

        assert await migrate.apply(conn) == []
        assert await schema_dump(conn) == first
        assert await migrate.apply(conn) == []
        assert await schema_dump(conn) == first
    finally:
        await conn.close()


async def test_a_half_migrated_database_gets_the_rest(empty_dsn):
    conn = await db.connect(empty_dsn)
    try:
        versions = [version for version, _ in migrate.migrations()]
        await conn.execute(
            "CREATE TABLE schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        first_version, first_sql = migrate.migrations()[0]
        await conn.execute(first_sql)
        await conn.execute("INSERT INTO schema_migrations (version) VALUES ($1)", first_version)
        assert await migrate.apply(conn) == versions[1:]
        assert await migrate.apply(conn) == []
    finally:
        await conn.close()


async def test_runs_stored_before_the_range_and_the_counts_get_both(empty_dsn):
    # 0014 and 0015 fill, for runs stored before them, what a run now records when it stores its findings.
    conn = await db.connect(empty_dsn)
    try:
        await conn.execute(
            "CREATE TABLE schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        for version, sql in migrate.migrations():
            if version >= "0014":
                break
            await conn.execute(sql)
            await conn.execute("INSERT INTO schema_migrations (version) VALUES ($1)", version)
        sid = await conn.fetchval(
            "INSERT INTO submissions (report_type_id, period, sha256, size_bytes, format, received_at, uploaded_by) "
            "SELECT id, '2018-05', '\\x00', 1, 'csv', now(), 'test' FROM report_types WHERE code = 'SR_VARIANCE' "
            "RETURNING id"
        )
        runs = [
            await conn.fetchval(
                "INSERT INTO validation_runs (submission_id, started_at, catalogue_version, outcome, attempt, "
                "finding_count) VALUES ($1, now(), 1, 'FLAGGED', 1, $2) RETURNING id",
                sid,
                count,
            )
            for count in (3, 0)
        ]
        await conn.execute(
            "INSERT INTO findings (run_id, submission_id, rule_code, severity, subject, message) "
            "SELECT $1, $2, rule, 'WARNING', 'A', 'm' FROM unnest($3::text[]) AS rule",
            runs[0],
            sid,
            ["TOTAL_MISMATCH", "FORECAST_ZERO", "FORECAST_ZERO"],
        )
        await migrate.apply(conn)
        ids = [r["id"] for r in await conn.fetch("SELECT id FROM findings ORDER BY id")]
        got = await conn.fetch("SELECT findings_after, findings_last, rule_counts FROM validation_runs ORDER BY id")
        assert [tuple(r) for r in got] == [
            (ids[0] - 1, ids[-1], {"FORECAST_ZERO": 2, "TOTAL_MISMATCH": 1}),
            (None, None, {}),
        ]
    finally:
        await conn.close()


async def test_demo_data_loads_into_a_fresh_database(empty_dsn):
    conn = await db.connect(empty_dsn)
    try:
        await migrate.apply(conn)
        counts = await demo_data.load(conn)
        seed = demo_data.seed()
        assert counts["parties"] == len(seed["parties"])
        assert counts["parties"] > 30
        assert counts["bodies"] == len(seed["bodies"])
        assert counts["meetings"] == len(seed["meetings"])
        assert counts["highlights"] == len(seed["highlights"])
        assert counts["actions"] == len(seed["actions"])
        assert counts["modifications"] == len(seed["modifications"])
        assert counts["events"] == sum(len(p.get("events", [])) for p in seed["parties"])
        for table, kind in (
            ("parties", "parties"),
            ("bodies", "bodies"),
            ("meetings", "meetings"),
            ("highlights", "highlights"),
            ("actions", "actions"),
            ("modifications", "modifications"),
            ("party_events", "events"),
        ):
            assert await conn.fetchval(f"SELECT count(*) FROM {table}") == counts[kind], table
        # Every Party is in a Voting Group.
        assert await conn.fetchval("SELECT count(*) FROM parties WHERE initial_voting_group_id IS NULL") == 0

        boltland = await conn.fetchval("SELECT id FROM parties WHERE name = 'Boltland Energy Limited'")
        assert boltland is not None
        (before,) = await parties.by_ids(conn, ids=[boltland], as_of=date(2018, 7, 26))
        (after,) = await parties.by_ids(conn, ids=[boltland], as_of=date(2018, 7, 31))
        assert (before.status, after.status) == ("ACTIVE", "WITHDRAWN")
        july = await parties.page(conn, as_of=date(2018, 7, 31), members_only=True, limit=1000)
        assert "Boltland Energy Limited" not in {p.name for p in july}
        assert len(july) == await parties.count(conn, as_of=date(2018, 7, 31), members_only=True)

        # Table 3 for July 2018 counts Boltland's withdrawal, from the events alone.
        (month,) = await parties.membership_statistics(conn, from_month=date(2018, 7, 1), to_month=date(2018, 7, 1))
        assert month.month == "2018-07"
        assert month.withdrawals == await conn.fetchval(
            """SELECT count(*) FROM party_events e JOIN parties p ON p.id = e.party_id
               WHERE e.kind = 'WITHDRAWAL' AND e.occurred_on BETWEEN '2018-07-01' AND '2018-07-31'
                 AND p.initial_category <> 'DCC'"""
        )
        assert month.withdrawals >= 1

        # Migrating again leaves the data alone.
        assert await migrate.apply(conn) == []
        assert await conn.fetchval("SELECT count(*) FROM parties") == counts["parties"]
    finally:
        await conn.close()


async def test_demo_data_over_graphql(pool, gql):
    async with pool.acquire() as conn:
        await demo_data.load(conn)
    query = """query($asOf: Date) { parties(asOf: $asOf, filter: {nameContains: "Boltland"}) {
        totalCount edges { node { name status category } } } }"""
    r = await gql(query, {"asOf": "2018-07-26"})
    assert r["data"]["parties"] == {
        "totalCount": 1,
        "edges": [{"node": {"name": "Boltland Energy Limited", "status": "ACTIVE", "category": "SMALL_SUPPLIER"}}],
    }
    r = await gql(query, {"asOf": "2018-07-31"})
    assert r["data"]["parties"] == {"totalCount": 0, "edges": []}
    r = await gql(query, {"asOf": None})
    assert r["data"]["parties"]["edges"][0]["node"]["status"] == "WITHDRAWN"
    r = await gql('{ modification(reference: "SECMP0019") { reference } bodies { code } }')
    assert r["data"]["modification"] == {"reference": "SECMP0019"}
    assert {"PANEL", "OPSG", "SSC", "CHANGE_BOARD"} <= {b["code"] for b in r["data"]["bodies"]}
