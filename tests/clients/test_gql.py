"""gql 4 for Python as a script writer uses it: HTTP (introspection, variables, payload errors), multipart upload,
and its default WebSocket transport for subscriptions and queries."""

from __future__ import annotations

import asyncio
import io

from gql import Client, FileVar, gql
from gql.transport.aiohttp import AIOHTTPTransport
from gql.transport.websockets import WebsocketsTransport

from tests.clients.conftest import Api

CSV = b"subscriber,forecast,actual\nS1,553814,873383\n"
UPLOAD = gql(
    """mutation Upload($file: Upload!) {
      uploadReport(reportType: "CSR_VARIANCE", period: "2018-05", file: $file) { submission { id status } errors { code } }
    }"""
)
FLAGGED = gql('subscription Flagged { exceptionFlagged(reportType: "CSR_VARIANCE") { ruleCode subject status } }')
PARTY = gql(
    """query Boltland($asOf: Date) {
      parties(asOf: $asOf, filter: {nameContains: "Boltland"}) { totalCount edges { node { name status } } }
    }"""
)


def http(api: Api, key: str | None = None, **headers: str) -> Client:
    if key:
        headers["Authorization"] = f"Bearer {key}"
    return Client(transport=AIOHTTPTransport(url=api.graphql, headers=headers), fetch_schema_from_transport=True)


def socket(api: Api, key: str) -> Client:
    url = api.graphql.replace("http", "ws", 1)
    return Client(transport=WebsocketsTransport(url=url, init_payload={"Authorization": f"Bearer {key}"}))


async def upload(api: Api) -> dict:
    async with http(api, api.dcc, **{"X-Secgov-Upload": "1"}) as session:
        UPLOAD.variable_values = {"file": FileVar(io.BytesIO(CSV), filename="csr.csv", content_type="text/csv")}
        return await session.execute(UPLOAD, upload_files=True)


async def test_gql_over_http(api: Api) -> None:
    async with http(api) as session:  # introspection: gql fetches the schema and validates against it
        PARTY.variable_values = {"asOf": "2018-07-26"}
        then = await session.execute(PARTY)
        refused = await session.execute(
            gql(
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
    heard: list[str] = []
    connected = asyncio.Event()

    async def listen() -> None:
        async with socket(api, api.dcc) as session:
            connected.set()  # acknowledged; the subscribe message goes out as this task goes on
            async for result in session.subscribe(FLAGGED):
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
    async with socket(api, api.dcc) as session:
        PARTY.variable_values = {"asOf": None}
        today = await session.execute(PARTY)
    assert today["parties"]["edges"][0]["node"]["status"] == "WITHDRAWN"
