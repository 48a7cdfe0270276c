"""The HTTP edge against the app and a real database: CORS for listed origins, refusals at /graphql in GraphQL's
shape (REST keeps its own), the client's address from forwarded headers of trusted proxies only, and bounded
GraphQL bodies and variables."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator

import httpx
import pytest

from api.app import create_app
from api.settings import Settings

APP_ORIGIN = "http://localhost:5173"
QUERY = {"query": "{ __typename }"}
PREFLIGHT_HEADERS = "authorization, content-type, x-secgov-upload, apollo-require-preflight"


def client_for(pool, settings: Settings, address: str = "127.0.0.1") -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=create_app(settings, pool=pool), client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


def graphql_error(r: httpx.Response) -> dict:
    body = r.json()
    assert list(body) == ["errors"] and len(body["errors"]) == 1, body
    [error] = body["errors"]
    assert isinstance(error["message"], str) and error["message"], error
    return error


@pytest.fixture
async def cors(pool) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(pool, Settings(cors_origins=(APP_ORIGIN,))) as c:
        yield c


@pytest.mark.parametrize("path", ["/graphql", "/api/v1/reports/CSR_VARIANCE/2018-05", "/api/v1/submissions/x"])
async def test_a_preflight_from_a_listed_origin_is_answered(cors, path):
    r = await cors.options(
        path,
        headers={
            "Origin": APP_ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": PREFLIGHT_HEADERS,
        },
    )
    assert r.status_code == 200, r.text
    assert r.headers["access-control-allow-origin"] == APP_ORIGIN
    allowed = {h.strip().lower() for h in r.headers["access-control-allow-headers"].split(",")}
    assert {h.strip() for h in PREFLIGHT_HEADERS.split(",")} <= allowed
    assert "POST" in r.headers["access-control-allow-methods"]
    assert "Origin" in r.headers["vary"]
    assert "access-control-allow-credentials" not in r.headers  # keys, never cookies


async def test_other_origins_get_no_allowance(cors, client):
    for c in (cors, client):  # listed elsewhere, and the default (none listed)
        r = await c.options(
            "/graphql", headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"}
        )
        assert "access-control-allow-origin" not in r.headers
        r = await c.post("/graphql", json=QUERY, headers={"Origin": "http://evil.example"})
        assert r.status_code == 200 and "access-control-allow-origin" not in r.headers
        assert "Origin" in r.headers["vary"]
    r = await client.options("/graphql", headers={"Origin": APP_ORIGIN, "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in r.headers


async def test_answers_and_refusals_carry_the_allowance(cors):
    r = await cors.post("/graphql", json=QUERY, headers={"Origin": APP_ORIGIN})
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] == APP_ORIGIN
    assert "Origin" in r.headers["vary"]
    # A refusal too, so that the page can read why, and the headers a client needs to see are exposed.
    r = await cors.post("/graphql", json=QUERY, headers={"Origin": APP_ORIGIN, "Authorization": "Bearer sgk_nope"})
    assert r.status_code == 401 and r.headers["access-control-allow-origin"] == APP_ORIGIN
    exposed = r.headers["access-control-expose-headers"].lower()
    assert "retry-after" in exposed and "x-request-id" in exposed


async def test_refusals_at_graphql_are_in_graphql_shape_with_their_status(pool):
    settings = Settings(rate_limits="graphql=2/minute", max_json_bytes=10_000)
    async with client_for(pool, settings) as c:
        r = await c.post("/graphql", json=QUERY, headers={"Authorization": "Bearer sgk_nope"})
        assert r.status_code == 401 and graphql_error(r)["extensions"]["code"] == "UNAUTHENTICATED"
        r = await c.post("/graphql", content=json.dumps({**QUERY, "variables": {"x": "y" * 20_000}}))
        assert r.status_code == 413 and graphql_error(r)["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
        statuses = [(await c.post("/graphql", json=QUERY)).status_code for _ in range(3)]
        r = await c.post("/graphql", json=QUERY)
        assert 429 in statuses and r.status_code == 429
        assert graphql_error(r)["extensions"]["code"] == "RATE_LIMITED" and int(r.headers["retry-after"]) >= 1
        # The REST routes keep their own shape.
        r = await c.get("/api/v1/submissions/x", headers={"Authorization": "Bearer sgk_nope"})
        assert r.status_code == 401 and r.json()["error"]["code"] == "UNAUTHENTICATED"


async def test_an_upload_without_the_csrf_header_is_refused_in_graphql_shape(client):
    r = await client.post(
        "/graphql",
        data={"operations": json.dumps({"query": "mutation { __typename }"}), "map": "{}"},
        files={"0": ("r.csv", b"a,b\n")},
    )
    assert r.status_code == 400
    error = graphql_error(r)
    assert error["extensions"]["code"] == "CSRF_REFUSED" and "X-Secgov-Upload" in error["message"]


@pytest.mark.parametrize("trusted", [False, True])
async def test_forwarded_addresses_count_only_from_a_trusted_proxy(pool, trusted):
    """Behind a load balancer every request comes from its address: with it listed, each client is counted by
    the address it forwards; without, the forwarded header is ignored (a client cannot pick its own address)."""
    proxy = "10.0.0.7"
    settings = Settings(rate_limits="graphql=2/minute", trusted_proxies=(proxy,) if trusted else ())
    async with client_for(pool, settings, proxy) as via_proxy, client_for(pool, settings, "192.0.2.9") as direct:
        for _ in range(2):
            r = await via_proxy.post("/graphql", json=QUERY, headers={"X-Forwarded-For": "203.0.113.1"})
            assert r.status_code == 200
        first = await via_proxy.post("/graphql", json=QUERY, headers={"X-Forwarded-For": "203.0.113.1"})
        second = await via_proxy.post("/graphql", json=QUERY, headers={"X-Forwarded-For": "203.0.113.2"})
        assert first.status_code == 429
        assert second.status_code == (200 if trusted else 429)
        # A client that is not the proxy cannot name an address of its own.
        for forwarded in ("203.0.113.3", "203.0.113.4", "203.0.113.5"):
            r = await direct.post("/graphql", json=QUERY, headers={"X-Forwarded-For": forwarded})
        assert r.status_code == 429


@pytest.mark.parametrize(
    ("name", "variables"),
    [
        ("300,000 empty objects", {"x": [{}] * 300_000}),
        ("nested 40 deep", {"x": json.loads("[" * 40 + "]" * 40)}),
        ("20,000 numbers", {"x": list(range(20_000))}),
    ],
)
async def test_variables_beyond_their_bounds_are_refused_before_graphql(client, statements, name, variables):
    statements.reset()
    body = json.dumps({"query": "query($x: JSON) { __typename }", "variables": variables}, separators=(",", ":"))
    assert len(body) < 1024 * 1024
    started = time.perf_counter()
    r = await client.post("/graphql", content=body, headers={"Content-Type": "application/json"})
    took = time.perf_counter() - started
    assert r.status_code == 400, r.text[:300]
    error = graphql_error(r)
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX" and "variables" in error["message"], error
    assert statements.count() == 0
    print(f"{name}: refused in {took * 1000:.0f} ms")


async def test_variables_within_their_bounds_are_answered(client):
    deep: object = 1
    for _ in range(10):
        deep = [deep]
    for variables in ({"x": list(range(5_000))}, {"x": deep}):
        r = await client.post("/graphql", json={"query": "{ __typename }", "variables": variables})
        assert r.status_code == 200 and r.json() == {"data": {"__typename": "Query"}}, r.text[:300]
    r = await client.get(
        "/graphql",
        params={"query": "{ __typename }", "variables": json.dumps({"x": json.loads("[" * 30 + "]" * 30)})},
        headers={"Accept": "application/json"},
    )
    assert r.status_code == 400 and graphql_error(r)["extensions"]["code"] == "QUERY_TOO_COMPLEX"
