"""graphql-transport-ws against a real server: each operation sent over an open connection counts against its key's
GraphQL limit (shared with HTTP), a connection runs a bounded number of operations at once, and the subscriptions of
a key revoked meanwhile are closed with 4403 once the key cache's entry (5 s) runs out."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx
import websockets

from api.app import create_app
from api.settings import Settings
from api.sockets import MAX_OPERATIONS_PER_CONNECTION
from sql import keys
from tests.support.server import LiveServer

FLAGGED = "subscription { exceptionFlagged { ruleCode } }"


async def connect(url: str, authorization: str | None) -> Any:
    ws = await websockets.connect(url.replace("http", "ws") + "/graphql", subprotocols=["graphql-transport-ws"])
    await ws.send(
        json.dumps({"type": "connection_init", "payload": {"Authorization": authorization} if authorization else {}})
    )
    raw = await asyncio.wait_for(ws.recv(), 10)
    assert isinstance(raw, str), raw  # a text frame: a browser hands binary ones over as Blobs
    ack = json.loads(raw)
    assert ack["type"] == "connection_ack", ack
    return ws


async def operation(ws: Any, op_id: str, query: str) -> list[dict[str, Any]]:
    """Send one operation; its messages up to complete or error."""
    await ws.send(json.dumps({"id": op_id, "type": "subscribe", "payload": {"query": query}}))
    got = []
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), 10))
        if message.get("id") != op_id:
            continue
        got.append(message)
        if message["type"] in ("complete", "error"):
            return got


async def closed_code(ws: Any, timeout: float) -> tuple[int | None, str]:
    try:
        while True:
            await asyncio.wait_for(ws.recv(), timeout)
    except websockets.ConnectionClosed as e:
        return (e.rcvd.code, e.rcvd.reason) if e.rcvd else (None, "")


async def test_operations_over_an_open_connection_count_against_the_key(dsn, api_keys):
    opsg = await api_keys.get("opsg")
    app = create_app(Settings(database_url=dsn, rate_limits="graphql=5/minute"))
    with LiveServer(app) as server:
        ws = await connect(server.url, f"bearer   {opsg}")  # the key as the console sends it, spelled loosely
        for i in range(5):
            got = await operation(ws, str(i), "{ __typename }")
            assert [m["type"] for m in got] == ["next", "complete"], got
            assert got[0]["payload"] == {"data": {"__typename": "Query"}}
        refused = await operation(ws, "5", "{ __typename }")
        assert [m["type"] for m in refused] == ["error"], refused
        [error] = refused[0]["payload"]
        assert error["extensions"]["code"] == "RATE_LIMITED" and "5 per minute" in error["message"], error
        assert error["extensions"]["retryAfter"] >= 1
        # The same count as the key's HTTP requests, and the connection stays open.
        async with httpx.AsyncClient(base_url=server.url) as http:
            r = await http.post(
                "/graphql", json={"query": "{ __typename }"}, headers={"Authorization": f"Bearer {opsg}"}
            )
        assert r.status_code == 429, r.text
        await ws.ping()
        await ws.close()


async def test_a_connection_runs_a_bounded_number_of_operations_at_once(dsn, api_keys):
    opsg = await api_keys.get("opsg")
    app = create_app(Settings(database_url=dsn))
    with LiveServer(app) as server:
        ws = await connect(server.url, f"Bearer {opsg}")
        for i in range(MAX_OPERATIONS_PER_CONNECTION):
            await ws.send(json.dumps({"id": f"s{i}", "type": "subscribe", "payload": {"query": FLAGGED}}))
        refused = await operation(ws, "one-more", FLAGGED)
        assert [m["type"] for m in refused] == ["error"] and "limit" in refused[0]["payload"][0]["message"], refused
        # Ending one makes room for another.
        await ws.send(json.dumps({"id": "s0", "type": "complete"}))
        await ws.send(json.dumps({"id": "again", "type": "subscribe", "payload": {"query": FLAGGED}}))
        try:
            early = json.loads(await asyncio.wait_for(ws.recv(), 2))
        except TimeoutError:
            early = None  # a subscription that is running says nothing until an exception is flagged
        assert early is None, early
        await ws.close()
    assert MAX_OPERATIONS_PER_CONNECTION <= 20


async def test_subscriptions_of_a_revoked_key_are_closed_4403(dsn, api_keys, pool):
    revoked_key = await api_keys.get("opsg")
    kept_key = await api_keys.get("panel")
    app = create_app(Settings(database_url=dsn))
    with LiveServer(app) as server:
        revoked = await connect(server.url, f"Bearer {revoked_key}")
        kept = await connect(server.url, f"Bearer {kept_key}")
        for ws in (revoked, kept):
            await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": FLAGGED}}))
        async with pool.acquire() as conn:
            await keys.revoke(conn, name="opsg-0")
        started = time.monotonic()
        code, reason = await closed_code(revoked, timeout=30)
        elapsed = time.monotonic() - started
        assert code == 4403 and "revoked" in reason, (code, reason)
        print(f"closed {elapsed:.1f} s after the revocation (key cache: 5 s)")
        # The other key's subscription is open: it answers a ping and has received nothing.
        await kept.ping()
        try:
            message = await asyncio.wait_for(kept.recv(), 1)
        except TimeoutError:
            message = None
        assert message is None, message
        await kept.close()
        # The revoked key cannot connect again.
        ws = await websockets.connect(
            server.url.replace("http", "ws") + "/graphql", subprotocols=["graphql-transport-ws"]
        )
        await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {revoked_key}"}}))
        assert (await closed_code(ws, timeout=10))[0] == 4403
