"""Automatic persisted queries as Apollo sends them, kept in PostgreSQL and bounded; trusted documents from a
manifest with SECGOV_DOCUMENTS=trusted (`secgov documents add`)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.cli import main
from api.settings import Settings
from schema.persisted import sha256_of
from sql import documents

QUERY = "query Bodies { bodies { code } }"
HASH = sha256_of(QUERY)
APQ = {"persistedQuery": {"version": 1, "sha256Hash": HASH}}


def answered(r: httpx.Response) -> bool:
    body = r.json()
    return "errors" not in body and isinstance(body["data"]["bodies"], list)


def app_client(pool: Any, **settings: Any) -> httpx.AsyncClient:
    app = create_app(Settings(**settings), pool=pool)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def test_a_hash_unknown_then_sent_with_its_text_is_known_to_every_process(pool):
    async with app_client(pool) as first, app_client(pool) as second:
        r = await first.post("/graphql", json={"extensions": APQ})
        assert r.status_code == 200
        assert r.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
        assert "data" not in r.json()  # it never executed
        r = await first.post("/graphql", json={"query": QUERY, "extensions": APQ})
        assert answered(r), r.json()
        # Another API process (its own memory) finds it in the database, over GET as useGETForHashedQueries sends.
        r = await second.get(
            "/graphql",
            params={"operationName": "Bodies", "extensions": json.dumps(APQ)},
            headers={"Accept": "application/graphql-response+json,application/json;q=0.9"},
        )
        assert r.status_code == 200, r.text
        assert answered(r)


async def test_a_text_that_is_not_its_hash_is_refused_and_not_kept(pool):
    async with app_client(pool) as c:
        other = {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}
        r = await c.post("/graphql", json={"query": QUERY, "extensions": other})
        error = r.json()["errors"][0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert "sha256Hash" in error["message"]
        r = await c.post("/graphql", json={"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "xyz"}}})
        assert r.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    async with pool.acquire() as conn:
        assert await documents.by_hash(conn, sha256="0" * 64) is None


async def test_invalid_documents_are_not_kept(pool):
    bad = "query Bad { nothingHere }"
    async with app_client(pool) as c:
        ext = {"persistedQuery": {"version": 1, "sha256Hash": sha256_of(bad)}}
        r = await c.post("/graphql", json={"query": bad, "extensions": ext})
        assert r.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    async with pool.acquire() as conn:
        assert await documents.by_hash(conn, sha256=sha256_of(bad)) is None


async def test_automatic_documents_are_bounded_oldest_evicted(pool):
    async with pool.acquire() as conn:
        texts = [f"query Q{i} {{ bodies {{ code }} }}" for i in range(5)]
        for text in texts:
            await documents.remember(conn, sha256=sha256_of(text), document=text, keep=3)
        kept = [await documents.by_hash(conn, sha256=sha256_of(t)) is not None for t in texts]
        # A registration is not a change of data: the response caches stay valid.
        version = await conn.fetchval("SELECT version FROM data_version")
        await documents.remember(conn, sha256=sha256_of("{ bodies { name } }"), document="{ bodies { name } }")
        assert await conn.fetchval("SELECT version FROM data_version") == version
    assert kept == [False, False, True, True, True]


@pytest.fixture
def manifest(tmp_path):
    path = tmp_path / "persisted-documents.json"
    path.write_text(json.dumps({HASH: QUERY}))
    return path


async def test_trusted_documents_only(pool, dsn, manifest, capsys, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", dsn)
    add = ["documents", "add", str(manifest)]
    assert await asyncio.to_thread(main, add) == 0
    assert "1 new" in capsys.readouterr().out
    assert await asyncio.to_thread(main, add) == 0  # again: nothing changes
    assert "0 new, 1 already registered" in capsys.readouterr().out
    async with app_client(pool, documents="trusted") as c:
        r = await c.post("/graphql", json={"extensions": APQ})
        assert answered(r), r.json()
        r = await c.post("/graphql", json={"query": QUERY})  # its text is a registered document's
        assert answered(r)
        r = await c.post("/graphql", json={"query": "{ bodies { name } }"})
        assert r.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_REQUIRED"
        unknown = {"persistedQuery": {"version": 1, "sha256Hash": sha256_of("{ __typename }")}}
        r = await c.post("/graphql", json={"query": "{ __typename }", "extensions": unknown})
        assert r.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    async with pool.acquire() as conn:  # nothing is registered by a request in trusted mode
        assert await documents.by_hash(conn, sha256=sha256_of("{ __typename }")) is None


def test_a_bad_manifest_registers_nothing(dsn, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", dsn)
    path = tmp_path / "persisted-documents.json"
    path.write_text(json.dumps({HASH: QUERY, "ab" * 32: "{ bodies { code } }", sha256_of("{ nope }"): "{ nope }"}))
    assert main(["documents", "add", str(path)]) == 2
    err = capsys.readouterr().err
    assert "not the SHA-256 of its document" in err and "abab" in err
    assert "Cannot query field 'nope'" in err


async def test_a_subscription_not_registered_is_refused_with_an_error_message(dsn, pool):
    """On the WebSocket too, a refused document is answered: an `error` message for that operation."""
    import websockets

    from sql import keys
    from tests.support.server import LiveServer

    async with pool.acquire() as conn:
        key = await keys.create(conn, name="opsg", role="opsg", bodies=[], party_id=None)
    server = LiveServer(create_app(Settings(database_url=dsn, documents="trusted")))
    await asyncio.to_thread(server.start)
    try:
        async with websockets.connect(
            server.url.replace("http", "ws") + "/graphql", subprotocols=["graphql-transport-ws"]
        ) as ws:
            await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {key}"}}))
            assert json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] == "connection_ack"
            query = "subscription Flagged { exceptionFlagged { id } }"
            await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
            answer = json.loads(await asyncio.wait_for(ws.recv(), 10))
    finally:
        await asyncio.to_thread(server.stop)
    assert answer["type"] == "error" and answer["id"] == "1"
    assert answer["payload"][0]["extensions"]["code"] == "PERSISTED_QUERY_REQUIRED"


async def test_the_consoles_own_documents_run_on_a_trusted_server(pool):
    from graphql import build_schema, parse, validate

    from api.app import CONSOLE_DIR
    from schema.root import build_schema as build_ours

    shipped = json.loads((CONSOLE_DIR / "persisted-documents.json").read_text(encoding="utf-8"))
    types = build_schema(build_ours().as_str())
    for sha256, text in shipped.items():  # each named by its hash, each valid against the schema
        assert sha256 == sha256_of(text)
        assert validate(types, parse(text)) == [], text
    sign_in = next(text for text in shipped.values() if text.startswith("query SignIn"))
    async with app_client(pool, documents="trusted") as c:
        r = await c.post("/graphql", json={"query": sign_in})
    assert "errors" not in r.json(), r.json()
    assert r.json()["data"]["viewer"]["role"] == "public"
