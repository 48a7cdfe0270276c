"""The WebSocket as front-end clients use it, against a real server: where the key may come from (one rule), a
subscription the viewer may not make answered with an `error` (never silence), only graphql-transport-ws offered,
and browser origins governed by SECGOV_CORS_ORIGINS."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
import websockets

from api.settings import Settings
from tests.e2e.test_gaps_sockets import closed_code
from tests.e2e.test_socket_guard import QUERY, answer, init, opened
from tests.support.seed import a_party
from tests.support.server import LiveServer

FLAGGED = "subscription { exceptionFlagged { ruleCode } }"
APP_ORIGIN = "http://localhost:5173"


def role_of(got: list[dict[str, Any]] | None) -> str:
    assert got is not None and got[0]["type"] == "next", got
    return str(got[0]["payload"]["data"]["viewer"]["role"])


async def test_the_key_comes_from_the_payload_or_else_the_handshake_header(dsn, api_keys):
    opsg, panel = await api_keys.get("opsg"), await api_keys.get("panel")
    with LiveServer.for_database(dsn) as server:
        url = server.url
        header = await opened(url, json.dumps(init(None)), headers={"Authorization": f"Bearer {opsg}"})
        assert role_of(await answer(header, "1", QUERY)) == "opsg"
        # The payload's entry, whatever the case of its name, wins over the header.
        both = await opened(
            url,
            json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {panel}"}}),
            headers={"Authorization": f"Bearer {opsg}"},
        )
        assert role_of(await answer(both, "1", QUERY)) == "panel"
        # A key nested as {"headers": {...}} is not read: the connection is the public's.
        nested = await opened(url, json.dumps(init(None, headers={"Authorization": f"Bearer {opsg}"})))
        assert role_of(await answer(nested, "1", QUERY)) == "public"
        # A bad key in the handshake header is refused like one in the payload.
        ws = await websockets.connect(
            url.replace("http", "ws") + "/graphql",
            subprotocols=["graphql-transport-ws"],
            additional_headers={"Authorization": "Bearer sgk_made-up"},
        )
        await ws.send(json.dumps(init(None)))
        code, reason = await closed_code(ws, timeout=10)
        assert code == 4403 and "unknown" in reason, (code, reason)


@pytest.mark.parametrize(("role", "code"), [("public", "UNAUTHENTICATED"), ("party", "FORBIDDEN")])
async def test_a_subscription_the_viewer_may_not_make_answers_an_error(dsn, api_keys, pool, role, code):
    party_id = await a_party(pool) if role == "party" else None
    key = await api_keys.get(role, party_id=party_id)
    with LiveServer.for_database(dsn) as server:
        url = server.url
        ws = await opened(url, json.dumps(init(f"Bearer {key}" if key else None)))
        for op, query in (
            ("a", FLAGGED),
            ("b", 'subscription { submissionUpdated(id: "UmVwb3J0U3VibWlzc2lvbjox") { id } }'),
        ):
            got = await answer(ws, op, query)
            assert got is not None and [m["type"] for m in got] == ["error"], got
            assert got[0]["payload"][0]["extensions"]["code"] == code, got


async def test_only_graphql_transport_ws_is_offered(dsn):
    with LiveServer.for_database(dsn) as server:
        url = server.url
        ws = await websockets.connect(url.replace("http", "ws") + "/graphql", subprotocols=["graphql-ws"])
        assert ws.subprotocol is None
        code, reason = await closed_code(ws, timeout=10)
        assert code == 4406, (code, reason)


async def test_browser_origins_follow_the_cors_setting(dsn):
    with LiveServer.for_database(dsn, Settings(cors_origins=(APP_ORIGIN,))) as server:
        url = server.url
        ws = await websockets.connect(
            url.replace("http", "ws") + "/graphql", subprotocols=["graphql-transport-ws"], origin=APP_ORIGIN
        )
        await ws.send(json.dumps(init(None)))
        assert json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] == "connection_ack"
        await ws.close()
        with pytest.raises(websockets.InvalidStatus) as refused:
            await websockets.connect(
                url.replace("http", "ws") + "/graphql",
                subprotocols=["graphql-transport-ws"],
                origin="http://evil.example",
            )
        assert refused.value.response.status_code == 403
    with LiveServer.for_database(dsn) as server, pytest.raises(websockets.InvalidStatus):  # none allowed by default
        url = server.url
        await websockets.connect(
            url.replace("http", "ws") + "/graphql", subprotocols=["graphql-transport-ws"], origin=APP_ORIGIN
        )
