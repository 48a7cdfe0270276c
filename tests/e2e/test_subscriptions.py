"""exceptionFlagged over graphql-transport-ws: a real server, a real broker, a real worker in another process."""

from __future__ import annotations

import asyncio
import json

import httpx
import websockets

from api.app import create_app
from api.settings import Settings
from tests.support.reports import csv_bytes
from tests.support.server import LiveServer

SUBSCRIBE = (
    "subscription($rt: String) { exceptionFlagged(reportType: $rt) { ruleCode subject severity status "
    "reportType { code } } }"
)


async def open_subscription(url: str, key: str | None, query: str, variables: dict | None = None):
    ws = await websockets.connect(url.replace("http", "ws") + "/graphql", subprotocols=["graphql-transport-ws"])
    payload = {"Authorization": f"Bearer {key}"} if key else {}
    await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
    ack = json.loads(await asyncio.wait_for(ws.recv(), 10))
    assert ack["type"] == "connection_ack", ack
    await ws.send(
        json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query, "variables": variables or {}}})
    )
    return ws


async def next_data(ws, timeout: float):
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), timeout))
        if message["type"] == "next":
            return message["payload"]
        if message["type"] in ("error", "complete"):
            raise AssertionError(message)


async def test_exception_flagged_reaches_a_subscriber_and_not_the_public(
    dsn, api_keys, worker, broker_url, queue, monkeypatch
):
    monkeypatch.setattr("workers.broker.QUEUE", queue)
    opsg = await api_keys.get("opsg")
    dcc = await api_keys.get("dcc")
    app = create_app(Settings(database_url=dsn, broker_url=broker_url, queue=queue))
    with LiveServer(app) as server:
        member = await open_subscription(server.url, opsg, SUBSCRIBE, {"rt": "CSR_VARIANCE"})
        public = await open_subscription(server.url, None, SUBSCRIBE, {"rt": "CSR_VARIANCE"})
        async with httpx.AsyncClient(base_url=server.url) as http:
            r = await http.post(
                "/api/v1/reports/CSR_VARIANCE/2018-05",
                content=csv_bytes("subscriber,forecast,actual", "S1,553814,873383"),
                headers={"Authorization": f"Bearer {dcc}", "Content-Type": "text/csv"},
            )
            assert r.status_code == 202, r.text
        got = []
        while len(got) < 3:  # the subject, the TOTAL, and late delivery (received now for May 2018)
            got.append((await next_data(member, 60))["data"]["exceptionFlagged"])
        assert {(g["ruleCode"], g["subject"]) for g in got} == {
            ("VARIANCE_ABOVE_TOLERANCE", "S1"),
            ("VARIANCE_ABOVE_TOLERANCE", "TOTAL"),
            ("LATE_DELIVERY", "FILE"),
        }
        assert all(g["status"] == "OPEN" and g["reportType"]["code"] == "CSR_VARIANCE" for g in got)
        # The public's subscription was refused with an error at once (never left silent) and received nothing.
        refused = json.loads(await asyncio.wait_for(public.recv(), 2))
        assert refused["type"] == "error" and refused["payload"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        try:
            leaked = await asyncio.wait_for(public.recv(), 2)
        except TimeoutError:
            leaked = None
        assert leaked is None, leaked
        await member.close()
        await public.close()


async def test_invalid_key_on_websocket_is_rejected(dsn):
    app = create_app(Settings(database_url=dsn))
    with LiveServer(app) as server:
        ws = await websockets.connect(
            server.url.replace("http", "ws") + "/graphql", subprotocols=["graphql-transport-ws"]
        )
        await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": "Bearer nope"}}))
        try:
            await asyncio.wait_for(ws.recv(), 10)
            closed_code = None
        except websockets.ConnectionClosed as e:
            closed_code = e.rcvd.code if e.rcvd else None
        assert closed_code == 4403
