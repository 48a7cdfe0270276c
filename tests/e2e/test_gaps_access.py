"""Who may see what beyond the data: /metrics for the administrator's roles only, reviewException(meetingId:) that
does not reveal hidden meetings, no introspection in production, and the console and GraphiQL under a
Content-Security-Policy that forbids framing (checked in Chromium)."""

from __future__ import annotations

import asyncio
import re
from datetime import date
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from api.settings import Settings
from schema.relay import global_id
from sql import governance
from tests.conftest import need_tool
from tests.support.reports import csv_bytes
from tests.support.seed import a_party, exception_ids, validated
from tests.support.server import LiveServer

CONSOLE = Path(__file__).resolve().parents[2] / "api" / "console"


# /metrics ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status", "code"),
    [
        ("public", 401, "UNAUTHENTICATED"),
        ("party", 403, "FORBIDDEN"),
        ("dcc", 403, "FORBIDDEN"),
        ("opsg", 403, "FORBIDDEN"),
        ("panel", 403, "FORBIDDEN"),
        ("secas", 200, None),
        ("admin", 200, None),
    ],
)
async def test_metrics_only_for_secas_and_admin(client, api_keys, pool, role, status, code):
    party_id = await a_party(pool) if role == "party" else None
    key = await api_keys.get(role, party_id=party_id)
    r = await client.get("/metrics", headers={"Authorization": f"Bearer {key}"} if key else {})
    assert r.status_code == status, r.text[:300]
    if code:
        assert r.json()["error"]["code"] == code
        assert "secgov_" not in r.text
    else:
        assert "secgov_requests_total" in r.text


# reviewException(meetingId:) ---------------------------------------------------------------------------------------

REVIEW = """mutation($id: ID!, $meetingId: ID) {
  reviewException(id: $id, action: COMMENT, comment: "for the agenda", meetingId: $meetingId) {
    exception { meeting { reference } history { action } } errors { code message field } } }"""


async def test_review_does_not_reveal_a_meeting_the_viewer_cannot_see(gql, api_keys, pool):
    """An opsg key (body OPSG only) names SSC's Red meeting, a meeting that never existed, and OPSG's Amber one:
    the first two answer exactly alike and change nothing; the third is assigned."""
    await validated(pool, "CSR_VARIANCE", "2018-05", csv_bytes("subscriber,forecast,actual", "S1,100,300"))
    exc = global_id("ReportException", (await exception_ids(pool, "VARIANCE_ABOVE_TOLERANCE"))[0])
    async with pool.acquire() as conn, conn.transaction():
        ssc = await governance.create_body(conn, code="SSC", name="SSC")
        opsg_body = await governance.create_body(conn, code="OPSG", name="Operations Group")
        hidden = await governance.create_meeting(
            conn, body_id=ssc.id, reference="SSC_RED", held_on=date(2018, 7, 1), title=None, classification="RED"
        )
        seen = await governance.create_meeting(
            conn,
            body_id=opsg_body.id,
            reference="OPSG_AMBER",
            held_on=date(2018, 7, 2),
            title=None,
            classification="AMBER",
        )
        absent = await conn.fetchval("SELECT coalesce(max(id), 0) + 1000 FROM meetings")
    opsg = await api_keys.get("opsg")

    answers = []
    for pk in (hidden, absent):
        body = await gql(REVIEW, {"id": exc, "meetingId": global_id("Meeting", pk)}, key=opsg)
        answers.append(body["data"]["reviewException"])
    assert answers[0] == answers[1], answers
    assert answers[0]["exception"] is None
    assert [(e["code"], e["field"]) for e in answers[0]["errors"]] == [("NOT_FOUND", "meetingId")]
    async with pool.acquire() as conn:
        assert (
            await conn.fetchval(
                "SELECT meeting_id FROM report_exceptions WHERE id = $1",
                (await exception_ids(pool, "VARIANCE_ABOVE_TOLERANCE"))[0],
            )
            is None
        )

    done = (await gql(REVIEW, {"id": exc, "meetingId": global_id("Meeting", seen)}, key=opsg))["data"]
    assert done["reviewException"]["errors"] == []
    assert done["reviewException"]["exception"]["meeting"] == {"reference": "OPSG_AMBER"}
    # secas sees every meeting: the Red one is assigned for it.
    secas = await api_keys.get("secas")
    done = (await gql(REVIEW, {"id": exc, "meetingId": global_id("Meeting", hidden)}, key=secas))["data"]
    assert done["reviewException"]["exception"]["meeting"] == {"reference": "SSC_RED"}


# Introspection -----------------------------------------------------------------------------------------------------

INTROSPECTION = {
    "__schema": "{ __schema { queryType { name } types { name } } }",
    "__type": '{ __type(name: "Party") { name fields { name } } }',
    "nested __type": '{ parties(first: 1) { totalCount } t: __type(name: "Query") { name } }',
}


@pytest.mark.parametrize("name", list(INTROSPECTION))
async def test_introspection_is_off_in_production(pool, name):
    app = create_app(Settings(env="production"), pool=pool)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        r = await c.post("/graphql", json={"query": INTROSPECTION[name]})
        body = r.json()
        assert body.get("data") is None, body
        assert {e["extensions"]["code"] for e in body["errors"]} == {"GRAPHQL_VALIDATION_FAILED"}, body
        assert "introspection" in body["errors"][0]["message"].lower()
        # __typename is not introspection of the schema: clients (and the console) may ask for it.
        ok = (await c.post("/graphql", json={"query": "{ __typename parties(first: 1) { totalCount } }"})).json()
        assert ok == {"data": {"__typename": "Query", "parties": {"totalCount": 0}}}


async def test_introspection_is_on_in_development(gql):
    data = (await gql(INTROSPECTION["__schema"]))["data"]
    assert data["__schema"]["queryType"] == {"name": "Query"}
    assert (await gql(INTROSPECTION["__type"]))["data"]["__type"]["name"] == "Party"


def test_the_console_does_not_rely_on_introspection():
    """It runs in production too: none of its queries may ask for the schema."""
    sources = [p for p in (CONSOLE / "static").glob("*.js")] + [CONSOLE / "index.html"]
    assert len(sources) >= 3
    for path in sources:
        text = path.read_text()
        assert not re.search(r"__schema|__type\b", text), path


# Content-Security-Policy -------------------------------------------------------------------------------------------


def directives(header: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for part in filter(None, (p.strip() for p in header.split(";"))):
        name, *values = part.split()
        found[name] = values
    return found


@pytest.mark.parametrize("path", ["/console", "/graphql"])
async def test_console_and_graphiql_forbid_framing_and_foreign_scripts(client, path):
    r = await client.get(path, headers={"Accept": "text/html"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    csp = directives(r.headers["content-security-policy"])
    assert csp["frame-ancestors"] in (["'none'"], ["'self'"])
    assert csp["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    assert csp["object-src"] == ["'none'"] and csp["base-uri"] == ["'none'"]
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"


CHROMIUM = "/usr/bin/chromium"
HAVE_CHROMIUM = Path(CHROMIUM).exists()
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.mark.browser
@pytest.mark.slow
async def test_graphiql_runs_a_query_under_its_policy_and_cannot_be_framed(dsn):
    """GraphiQL (its inline script allowed by hash) draws, runs a query and shows the answer; no policy violation
    is reported; a page of another origin that frames /graphql or /console gets nothing drawn."""
    need_tool(HAVE_CHROMIUM, "Chromium (apt-get install chromium)")
    from playwright.async_api import async_playwright, expect

    server = LiveServer.for_database(dsn)
    await asyncio.to_thread(server.start)
    try:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=False)
            page = await browser.new_page()
            page.set_default_timeout(15_000)
            problems: list[str] = []
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            await page.goto(f"{server.url}/graphql?q=" + "%7B%20__typename%20%7D")
            await expect(page.locator(".graphiql-container .graphiql-query-editor")).to_be_visible()
            await page.locator(".graphiql-execute-button").click()
            await expect(page.locator(".graphiql-response")).to_contain_text('"__typename": "Query"')
            assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems

            # Framed by a page of another origin (localhost is not 127.0.0.1): refused, nothing of ours drawn in it.
            other_origin = server.url.replace("127.0.0.1", "localhost")
            for path in ("/graphql", "/console"):
                frame_page = await browser.new_page()
                await frame_page.goto(f"{other_origin}/healthz")
                await frame_page.evaluate(
                    """url => new Promise(done => {
                    const f = document.createElement("iframe"); f.onload = () => done(); f.src = url;
                    document.body.append(f); })""",
                    server.url + path,
                )
                frame = frame_page.frames[1]
                content = await frame.content()
                assert "graphiql" not in content.lower() and "console" not in content.lower(), (path, frame.url)
                await frame_page.close()
            await browser.close()
    finally:
        await asyncio.to_thread(server.stop)
