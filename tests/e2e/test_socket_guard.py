"""The WebSocket's guard against a real server and database: every frame is read whole, the key is checked where the
connection starts and again per operation, and a revoked key stops answering on every open connection within 5 s.

Each way round the guard found in review is tried here: the message type spelled with a JSON escape, a payload
naming Authorization twice, a padded connection_init, escaped operations under a rate limit."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import websockets

from api.app import create_app
from api.settings import Settings
from sql import keys
from tests.e2e.test_gaps_sockets import closed_code as closed
from tests.support.server import LiveServer

QUERY = "{ viewer { role } }"
OBSERVE = (
    "mutation($input: RecordObservationInput!) { recordObservation(input: $input) { observation { text } "
    "errors { code } } }"
)
FLAGGED = "subscription { exceptionFlagged { ruleCode } }"
REVOKED_WITHIN_S = 5.0


def escaped(message: dict[str, Any]) -> str:
    """The message with its type spelled with a JSON escape (`connection\\u005finit`, `sub\\u0073cribe`)."""
    text = json.dumps(message)
    return text.replace('"connection_init"', '"connection\\u005finit"').replace('"subscribe"', '"sub\\u0073cribe"')


async def opened(url: str, init: str, headers: dict[str, str] | None = None) -> Any:
    """A connection whose connection_init (given as its raw text) was acknowledged."""
    ws = await websockets.connect(
        url.replace("http", "ws") + "/graphql", subprotocols=["graphql-transport-ws"], additional_headers=headers
    )
    await ws.send(init)
    ack = json.loads(await asyncio.wait_for(ws.recv(), 10))
    assert ack["type"] == "connection_ack", ack
    return ws


async def answer(ws: Any, op_id: str, query: str, variables: dict[str, Any] | None = None, *, raw: bool = False):
    """Run one operation; its messages up to complete or error, or None once the connection is closed."""
    message = {"id": op_id, "type": "subscribe", "payload": {"query": query, "variables": variables or {}}}
    try:
        await ws.send(escaped(message) if raw else json.dumps(message))
        got = []
        while True:
            reply = json.loads(await asyncio.wait_for(ws.recv(), 10))
            if reply.get("id") == op_id:
                got.append(reply)
                if reply["type"] in ("complete", "error"):
                    return got
    except websockets.ConnectionClosed:
        return None


def init(authorization: str | None, **extra: Any) -> dict[str, Any]:
    payload = {"Authorization": authorization} if authorization else {}
    return {"type": "connection_init", "payload": {**payload, **extra}}


async def revoke(pool, name: str) -> float:
    async with pool.acquire() as conn:
        await keys.revoke(conn, name=name)
    return time.monotonic()


async def test_escaped_message_types_are_read_and_the_key_is_watched(dsn, api_keys, pool):
    opsg = await api_keys.get("opsg")
    with LiveServer(create_app(Settings(database_url=dsn))) as server:
        ws = await opened(server.url, escaped(init(f"Bearer {opsg}")))
        got = await answer(ws, "1", QUERY, raw=True)
        assert got is not None and got[0]["payload"] == {"data": {"viewer": {"role": "opsg"}}}, got
        revoked_at = await revoke(pool, "opsg-0")
        code, reason = await closed(ws, timeout=10)
        assert code == 4403 and "revoked" in reason, (code, reason)
        assert time.monotonic() - revoked_at <= REVOKED_WITHIN_S


async def test_a_payload_naming_authorization_twice_is_refused(dsn, api_keys):
    opsg = await api_keys.get("opsg")
    with LiveServer(create_app(Settings(database_url=dsn))) as server:
        ws = await websockets.connect(
            server.url.replace("http", "ws") + "/graphql", subprotocols=["graphql-transport-ws"]
        )
        payload = {"Authorization": "", "authorization": f"Bearer {opsg}"}
        await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        code, reason = await closed(ws, timeout=10)
        assert code == 4403 and "more than once" in reason, (code, reason)


async def test_a_padded_connection_init_is_read_whole_and_an_oversized_one_closes(dsn, api_keys, pool):
    opsg = await api_keys.get("opsg")
    settings = Settings(database_url=dsn, max_json_bytes=600_000)
    with LiveServer(create_app(settings)) as server:
        ws = await opened(server.url, json.dumps(init(f"Bearer {opsg}", pad="x" * 300_000)))
        got = await answer(ws, "1", QUERY)
        assert got is not None and got[0]["payload"]["data"]["viewer"]["role"] == "opsg", got
        too_big = await websockets.connect(
            server.url.replace("http", "ws") + "/graphql", subprotocols=["graphql-transport-ws"]
        )
        await too_big.send(json.dumps(init(f"Bearer {opsg}", pad="x" * 700_000)))
        code, reason = await closed(too_big, timeout=10)
        assert code == 1009 and "600,000 bytes" in reason, (code, reason)
        revoked_at = await revoke(pool, "opsg-0")
        assert (await closed(ws, timeout=10))[0] == 4403
        assert time.monotonic() - revoked_at <= REVOKED_WITHIN_S


async def test_frames_that_are_not_json_objects_close_the_connection(dsn):
    with LiveServer(create_app(Settings(database_url=dsn))) as server:
        frames = (
            '{"type": "connection_init"',
            b'{"type": "connection_init"}',
            "[1, 2]",
            '{"id": "1"}',
            '{"id": "1", "type": "subscribe", "payload": "{ __typename }"}',
            '{"id": 1, "type": "subscribe", "payload": {"query": "{ __typename }"}}',
        )
        for frame in frames:
            ws = await websockets.connect(
                server.url.replace("http", "ws") + "/graphql", subprotocols=["graphql-transport-ws"]
            )
            await ws.send(frame)
            code, reason = await closed(ws, timeout=10)
            assert code == 4400, (frame, code, reason)


async def test_escaped_operations_count_against_the_rate_limit(dsn, api_keys):
    opsg = await api_keys.get("opsg")
    with LiveServer(create_app(Settings(database_url=dsn, rate_limits="graphql=5/minute"))) as server:
        ws = await opened(server.url, escaped(init(f"Bearer {opsg}")))
        outcomes = []
        for i in range(20):
            got = await answer(ws, str(i), "{ __typename }", raw=True)
            assert got is not None
            outcomes.append(got[0]["type"] if got[0]["type"] == "next" else got[0]["payload"][0]["extensions"]["code"])
        assert outcomes == ["next"] * 5 + ["RATE_LIMITED"] * 15, outcomes


async def test_a_revoked_key_stops_answering_queries_mutations_and_subscriptions_within_5_s(dsn, api_keys, pool):
    opsg = await api_keys.get("opsg")
    panel = await api_keys.get("panel")
    with LiveServer(create_app(Settings(database_url=dsn))) as server:
        reader, writer, listener = [await opened(server.url, json.dumps(init(f"Bearer {opsg}"))) for _ in range(3)]
        other = await opened(server.url, json.dumps(init(f"Bearer {panel}")))
        await listener.send(json.dumps({"id": "s", "type": "subscribe", "payload": {"query": FLAGGED}}))
        observe = {"input": {"reportType": "CSR_VARIANCE", "period": "2018-05", "text": "before"}}
        got = await answer(writer, "w0", OBSERVE, observe)
        assert got is not None and got[0]["payload"]["data"]["recordObservation"]["errors"] == [], got

        written = ["before"]
        revoked_at = await revoke(pool, "opsg-0")
        last_read = last_write = None
        for i in range(40):  # an operation every 0.25 s until each connection stops answering
            read = await answer(reader, f"r{i}", QUERY) if last_read is None else None
            if read is None and last_read is None:
                last_read = time.monotonic() - revoked_at
            text = {"input": {**observe["input"], "text": f"after {i}"}}
            wrote = await answer(writer, f"w{i + 1}", OBSERVE, text) if last_write is None else None
            if wrote is None and last_write is None:
                last_write = time.monotonic() - revoked_at
            elif wrote is not None:
                written.append(f"after {i}")
            if last_read is not None and last_write is not None:
                break
            await asyncio.sleep(0.25)
        code, reason = await closed(listener, timeout=1)
        assert code == 4403 and "revoked" in reason, (code, reason)
        assert last_read is not None and last_read <= REVOKED_WITHIN_S, last_read
        assert last_write is not None and last_write <= REVOKED_WITHIN_S, last_write
        print(f"stopped answering {last_read:.1f} s (query) and {last_write:.1f} s (mutation) after the revocation")

        # Every write the socket answered is stored, and nothing else: none slipped through unanswered.
        async with pool.acquire() as conn:
            history = await conn.fetch("SELECT text FROM opsg_observation_history ORDER BY id")
        assert [r["text"] for r in history] == written
        got = await answer(other, "p", QUERY)
        assert got is not None and got[0]["payload"]["data"]["viewer"]["role"] == "panel", got
