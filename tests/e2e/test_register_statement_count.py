"""Issue 2, acceptance 3: the number of SQL statements for a page does not grow with the page size.

Every relation goes through a per-request DataLoader, so a page of 100 costs exactly what a page of 5 costs. The
data is made through the store's functions directly (fast); the pages are read over HTTP (as the public, so no key
lookup joins the count)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from api.settings import Settings
from sql import governance, modifications, parties

MAX_STATEMENTS = 6

PARTIES = """query($first: Int!) { parties(first: $first) { totalCount edges { node {
    name status category accededOn
    votingGroup { name category }
    events(first: 10) { totalCount edges { node { kind occurredOn userRole userId } } }
    userRoles { role userId since }
    lastEvent { kind occurredOn } } } } }"""
HIGHLIGHTS = """query($first: Int!) { highlights(first: $first) { totalCount edges { node {
    title bodyCode meeting { reference heldOn body { code } } } } } }"""
MODIFICATIONS = """query($first: Int!) { modifications(first: $first) { totalCount edges { node {
    reference stage events { kind occurredOn stage body { code } } } } } }"""


# The SQL of executing each query is counted, not the response cache's version check before a kept answer.
APP_SETTINGS = Settings(response_cache=False)


def housekeeping(statement: str) -> bool:
    """asyncpg's own statements, not the request's: the reset run when a connection goes back to the pool, and the
    type introspection a fresh connection runs once (with jit switched off around it), and the API key's lookup
    (cached for a few seconds, so a slow test may see it again: it happens once per request at most)."""
    text = statement.strip()
    return (
        not text
        or text.startswith("SELECT pg_advisory_unlock_all()")
        or "typeinfo_tree" in text
        or "set_config('jit'" in text
        or text.startswith("UPDATE api_keys SET last_used_at")
    )


def ours(statements: Any) -> list[str]:
    return [s for s in statements.statements if not housekeeping(s)]


async def measure(gql: Any, statements: Any, query: str, first: int) -> tuple[list[str], dict[str, Any]]:
    statements.reset()
    r = await gql(query, {"first": first})
    return ours(statements), r["data"]


async def compare(gql: Any, statements: Any, query: str) -> tuple[int, dict[str, Any]]:
    small, _ = await measure(gql, statements, query, 5)
    large, data = await measure(gql, statements, query, 100)
    assert len(large) == len(small), "\n---\n".join(large)
    assert sorted(large) == sorted(small)
    assert 1 <= len(small) <= MAX_STATEMENTS, small
    return len(small), data


async def test_a_page_of_100_parties_costs_what_a_page_of_5_costs(pool, gql, statements):
    async with pool.acquire() as conn, conn.transaction():
        shared = await parties.create_voting_group(conn, name="Shared Group", category="SMALL_SUPPLIER")
        for i in range(120):
            pk = await parties.create_party(
                conn, name=f"Party {i:03d}", category="SMALL_SUPPLIER", voting_group_id=shared.id if i % 2 else None
            )
            await parties.record_event(
                conn, party_id=pk, kind="ACCESSION", occurred_on=date(2017, 1, 1) + timedelta(days=i)
            )
            await parties.record_event(
                conn,
                party_id=pk,
                kind="UEP_COMPLETED",
                occurred_on=date(2018, 7, 1),
                user_role="IMPORT_SUPPLIER",
                user_id=f"ASE{i:03d}",
            )
    count, data = await compare(gql, statements, PARTIES)
    # one compiled statement: the page, totalCount, events and voting groups
    assert count == 1
    conn = data["parties"]
    assert conn["totalCount"] == 120
    assert len(conn["edges"]) == 100
    first, last = conn["edges"][0]["node"], conn["edges"][-1]["node"]
    assert first == {
        "name": "Party 000",
        "status": "ACTIVE",
        "category": "SMALL_SUPPLIER",
        "accededOn": "2017-01-01",
        "votingGroup": {"name": "Party 000", "category": "SMALL_SUPPLIER"},
        "events": {
            "totalCount": 2,
            "edges": [
                {"node": {"kind": "ACCESSION", "occurredOn": "2017-01-01", "userRole": None, "userId": None}},
                {
                    "node": {
                        "kind": "UEP_COMPLETED",
                        "occurredOn": "2018-07-01",
                        "userRole": "IMPORT_SUPPLIER",
                        "userId": "ASE000",
                    }
                },
            ],
        },
        "userRoles": [{"role": "IMPORT_SUPPLIER", "userId": "ASE000", "since": "2018-07-01"}],
        "lastEvent": {"kind": "UEP_COMPLETED", "occurredOn": "2018-07-01"},
    }
    assert last["name"] == "Party 099"
    assert last["votingGroup"]["name"] == "Shared Group"
    assert last["userRoles"] == [{"role": "IMPORT_SUPPLIER", "userId": "ASE099", "since": "2018-07-01"}]


async def test_a_page_of_100_highlights_with_meetings_costs_what_a_page_of_5_costs(pool, gql, statements):
    async with pool.acquire() as conn, conn.transaction():
        bodies = [await governance.create_body(conn, code=code, name=code) for code in ("OPSG", "SSC", "TAG")]
        for i in range(120):
            day = date(2018, 1, 1) + timedelta(days=i)
            body = bodies[i % 3]
            meeting = await governance.create_meeting(
                conn,
                body_id=body.id,
                reference=f"{body.code}_{i}_{day:%d%m}",
                held_on=day,
                title=None,
                classification="WHITE",
            )
            await governance.create_highlight(
                conn,
                body_id=body.id,
                meeting_id=meeting,
                title=f"Highlight {i:03d}",
                body="text",
                classification="WHITE",
                published_on=day,
            )
    count, data = await compare(gql, statements, HIGHLIGHTS)
    # one compiled statement: the page, totalCount, meetings and bodies
    assert count == 1
    conn = data["highlights"]
    assert conn["totalCount"] == 120
    assert len(conn["edges"]) == 100
    assert conn["edges"][0]["node"] == {
        "title": "Highlight 119",
        "bodyCode": "TAG",
        "meeting": {"reference": "TAG_119_3004", "heldOn": "2018-04-30", "body": {"code": "TAG"}},
    }
    assert conn["edges"][-1]["node"]["title"] == "Highlight 020"
    assert all(e["node"]["meeting"] is not None for e in conn["edges"])


async def test_a_page_of_100_modifications_with_events_costs_what_a_page_of_5_costs(pool, gql, statements):
    async with pool.acquire() as conn, conn.transaction():
        board = await governance.create_body(conn, code="CHANGE_BOARD", name="Change Board")
        for i in range(120):
            pk = await modifications.create(
                conn,
                reference=f"MP{i + 100:03d}",
                title=f"Modification {i}",
                path="PATH_3_SELF_GOVERNANCE",
                stage="DRAFT_PROPOSAL",
                proposer=None,
                raised_on=date(2018, 1, 1),
                working_group=None,
                release=None,
            )
            await modifications.record_event(
                conn,
                modification_id=pk,
                kind="RAISED",
                occurred_on=date(2018, 1, 1),
                note=None,
                stage="DRAFT_PROPOSAL",
                body_id=None,
                outcome=None,
            )
            await modifications.record_event(
                conn,
                modification_id=pk,
                kind="CHANGE_BOARD_VOTE",
                occurred_on=date(2018, 7, 25),
                note=None,
                stage="APPROVED",
                body_id=board.id,
                outcome="APPROVED",
            )
    count, data = await compare(gql, statements, MODIFICATIONS)
    # one compiled statement: the page, totalCount, events and bodies
    assert count == 1
    conn = data["modifications"]
    assert conn["totalCount"] == 120
    assert len(conn["edges"]) == 100
    assert conn["edges"][0]["node"] == {
        "reference": "MP100",
        "stage": "APPROVED",
        "events": [
            {"kind": "RAISED", "occurredOn": "2018-01-01", "stage": "DRAFT_PROPOSAL", "body": None},
            {
                "kind": "CHANGE_BOARD_VOTE",
                "occurredOn": "2018-07-25",
                "stage": "APPROVED",
                "body": {"code": "CHANGE_BOARD"},
            },
        ],
    }
    assert conn["edges"][-1]["node"]["reference"] == "MP199"
