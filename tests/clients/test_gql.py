"""gql 4 for Python as a script writer uses it: HTTP (introspection, variables, payload errors), multipart upload,
and its default WebSocket transport for subscriptions and queries."""

from __future__ import annotations

import asyncio
import io
from typing import Any

from tests.clients.conftest import Api
from tests.conftest import need_tool

try:
    from gql import Client, FileVar, gql
    from gql.transport.aiohttp import AIOHTTPTransport
    from gql.transport.websockets import WebsocketsTransport
except ImportError:  # a dev dependency: skipped where it is not installed, a failure under CI
    HAVE_GQL = False
else:
    HAVE_GQL = True

CSV = b"subscriber,forecast,actual\nS1,553814,873383\n"
UPLOAD_TEXT = """mutation Upload($file: Upload!) {
      uploadReport(reportType: "CSR_VARIANCE", period: "2018-05", file: $file) { submission { id status } errors { code } }
    }"""
FLAGGED_TEXT = 'subscription Flagged { exceptionFlagged(reportType: "CSR_VARIANCE") { ruleCode subject status } }'
PARTY_TEXT = """query Boltland($asOf: Date) {
      parties(asOf: $asOf, filter: {nameContains: "Boltland"}) { totalCount edges { node { name status } } }
    }"""


def document(text: str) -> Any:
    need_tool(HAVE_GQL, "gql for Python (pip install 'gql[all]')")
    return gql(text)


def http(api: Api, key: str | None = None, **headers: str) -> Any:
    if key:
        headers["Authorization"] = f"Bearer {key}"
    return Client(transport=AIOHTTPTransport(url=api.graphql, headers=headers), fetch_schema_from_transport=True)


def socket(api: Api, key: str) -> Any:
    url = api.graphql.replace("http", "ws", 1)
    return Client(transport=WebsocketsTransport(url=url, init_payload={"Authorization": f"Bearer {key}"}))


async def upload(api: Api) -> dict:
    async with http(api, api.dcc, **{"X-Secgov-Upload": "1"}) as session:
        upload = document(UPLOAD_TEXT)
        upload.variable_values = {"file": FileVar(io.BytesIO(CSV), filename="csr.csv", content_type="text/csv")}
        return await session.execute(upload, upload_files=True)


async def test_gql_over_http(api: Api) -> None:
    party = document(PARTY_TEXT)
    async with http(api) as session:  # introspection: gql fetches the schema and validates against it
        party.variable_values = {"asOf": "2018-07-26"}
        then = await session.execute(party)
        refused = await session.execute(
            document(
                'mutation NewGroup { createVotingGroup(input: {name: "G", category: OTHER_SEC_PARTY}) { errors { code } } }'
            )
        )
    assert then["parties"] == {
        "totalCount": 1,
        "edges": [{"node": {"name": "Boltland Energy Limited", "status": "ACTIVE"}}],
    }
    assert refused["createVotingGroup"]["errors"] == [{"code": "UNAUTHENTICATED"}]


async def test_gql_upload_and_subscription_on_its_default_websocket_transport(api_with_worker: Api) -> None:
    api = api_with_worker
    flagged_document = document(FLAGGED_TEXT)
    heard: list[str] = []
    connected = asyncio.Event()

    async def listen() -> None:
        async with socket(api, api.dcc) as session:
            connected.set()  # acknowledged; the subscribe message goes out as this task goes on
            async for result in session.subscribe(flagged_document):
                flagged = result["exceptionFlagged"]
                heard.append(f"{flagged['ruleCode']} {flagged['subject']}")
                if len(heard) == 3:
                    return

    listening = asyncio.create_task(listen())
    await asyncio.wait_for(connected.wait(), 30)
    uploaded = await upload(api)
    assert uploaded["uploadReport"]["errors"] == []
    assert uploaded["uploadReport"]["submission"]["status"] == "RECEIVED"
    await asyncio.wait_for(listening, 60)
    assert sorted(heard) == ["LATE_DELIVERY FILE", "VARIANCE_ABOVE_TOLERANCE S1", "VARIANCE_ABOVE_TOLERANCE TOTAL"]


async def test_gql_query_on_its_default_websocket_transport(api: Api) -> None:
    """gql's default WebSocket transport offers the older `graphql-ws` subprotocol first; a query over it must be
    answered as over `graphql-transport-ws`."""
    party = document(PARTY_TEXT)
    async with socket(api, api.dcc) as session:
        party.variable_values = {"asOf": None}
        today = await session.execute(party)
    assert today["parties"]["edges"][0]["node"]["status"] == "WITHDRAWN"
