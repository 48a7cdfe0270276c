"""Issue 4, acceptance 5: the Operations Group's console in a real browser against a real server.

Debian's Chromium driven by Playwright signs in (a refused key first), filters the queue, opens an exception from the
keyboard, acknowledges it and resolves it with a comment, sees the history, sees a newly flagged exception appear
without reload (live, and again with the WebSocket refused so that the console polls), shows the month's calendar
and OPSG table and downloads it, and draws the charts. Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from sql import catalogue, submissions
from sql.db import Pool
from tests.conftest import need_tool
from tests.support.server import LiveServer
from workers.validate import Limits, run

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
HAVE_CHROMIUM = os.path.exists(CHROMIUM)
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
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "console"
LIVE_TIMEOUT_MS = 30_000  # polling runs every 10 s; the subscription is immediate


async def seed(pool: Pool, code: str, period: str, csv: str, received_at: datetime) -> str:
    """Store a file as an upload would and validate it in-process (no broker): the status it ends in."""
    body = csv.encode()
    async with pool.acquire() as conn:
        received = await submissions.receive(
            conn,
            code=code,
            period=period,
            content=body,
            sha256=hashlib.sha256(body).digest(),
            filename=f"{code.lower()}-{period}.csv",
            content_type="text/csv",
            received_at=received_at,
            uploaded_by="dcc-upload",
            request_id=None,
        )
    status = await run(pool, received.submission_id, Limits())
    assert status is not None
    return status


async def gql(http: httpx.AsyncClient, key: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    r = await http.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers={"Authorization": f"Bearer {key}"}
    )
    body: dict[str, Any] = r.json()
    assert "errors" not in body, body
    return body["data"]


async def seed_register(http: httpx.AsyncClient, admin: str) -> None:
    """A few Parties (each its own Voting Group) so that Figure 1 has bars."""
    for name, category in [
        ("Alpha Energy", "LARGE_SUPPLIER"),
        ("Beta Power", "LARGE_SUPPLIER"),
        ("Gamma Supply", "SMALL_SUPPLIER"),
        ("Delta Networks", "ELECTRICITY_NETWORK"),
        ("Epsilon Gas", "GAS_NETWORK"),
    ]:
        d = await gql(
            http,
            admin,
            """mutation($i: CreatePartyInput!) { createParty(input: $i) {
            party { id } errors { code message } } }""",
            {"i": {"name": name, "category": category}},
        )
        assert not d["createParty"]["errors"], d
        pid = d["createParty"]["party"]["id"]
        d = await gql(
            http,
            admin,
            """mutation($i: RecordPartyEventInput!) { recordPartyEvent(input: $i) {
            errors { code message } } }""",
            {"i": {"partyId": pid, "kind": "ACCESSION", "occurredOn": "2018-01-15"}},
        )
        assert not d["recordPartyEvent"]["errors"], d


def shot(name: str) -> str:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return str(ARTIFACTS / f"{name}.png")


async def test_console_end_to_end(dsn: str, pool: Pool, api_keys: Any) -> None:
    need_tool(HAVE_CHROMIUM, "Chromium (apt-get install chromium)")
    from playwright.async_api import async_playwright, expect

    opsg = await api_keys.get("opsg")
    other = await api_keys.get("opsg", bodies=("SSC",))
    admin = await api_keys.get("admin")
    dcc = await api_keys.get("dcc")
    assert opsg and other and admin and dcc
    async with pool.acquire() as conn:
        clause = (await catalogue.report_type(conn, code="CSR_VARIANCE")).sec_clause

    # The July 2018 paper's CSR variance for May 2018: 873,383 sent against a forecast of 553,814.
    assert (
        await seed(
            pool,
            "CSR_VARIANCE",
            "2018-05",
            "subscriber,forecast,actual\nES-SUPPLIER-1,553814,873383\n",
            datetime(2018, 6, 4, 10, tzinfo=UTC),
        )
        == "FLAGGED"
    )
    assert (
        await seed(
            pool,
            "SR_VARIANCE",
            "2018-04",
            "user_id,forecast,actual\nASE001,100000,98000\n",
            datetime(2018, 5, 10, 10, tzinfo=UTC),
        )
        == "PASSED"
    )
    assert (
        await seed(
            pool,
            "SR_VARIANCE",
            "2018-05",
            "user_id,forecast,actual\nASE001,100000,131000\n",
            datetime(2018, 6, 8, 10, tzinfo=UTC),
        )
        == "FLAGGED"
    )

    server = LiveServer.for_database(dsn)
    await asyncio.to_thread(server.start)
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http, async_playwright() as pw:
            await seed_register(http, admin)
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=False)
            context = await browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
            context.set_default_timeout(10_000)
            page = await context.new_page()
            console_errors: list[str] = []
            page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: console_errors.append(str(e)))
            await page.goto(f"{server.url}/console")

            # Landmarks, and the key field has a label.
            await expect(page.get_by_role("banner")).to_be_visible()
            await expect(page.get_by_role("main")).to_be_visible()
            await expect(page.get_by_role("contentinfo")).to_be_visible()

            # A refused key is said clearly; a good one signs in and shows what the key may do.
            key_field = page.get_by_label("API key")
            await key_field.fill("secgov_not-a-real-key")
            await page.get_by_role("button", name="Sign in").click()
            await expect(page.locator("#signin-error")).to_contain_text("UNAUTHENTICATED")
            await expect(key_field).to_have_attribute("aria-invalid", "true")
            await page.screenshot(path=shot("01-sign-in-refused"))
            await key_field.fill(opsg)
            await key_field.press("Enter")
            await expect(page.get_by_role("button", name="Sign out")).to_be_visible()
            await expect(page.get_by_role("navigation", name="Console sections")).to_be_visible()
            # The key's own role, as the server says it (viewer), and its bodies.
            await expect(page.locator("#session-role")).to_have_text("opsg")
            await expect(page.locator("#session-access")).to_contain_text("bodies: OPSG")
            assert await page.evaluate("sessionStorage.getItem('secgov.console.key')") == opsg
            await page.reload()  # the key is kept for the tab
            await expect(page.get_by_role("button", name="Sign out")).to_be_visible()

            # The queue: 2 CSR exceptions (ES-SUPPLIER-1, TOTAL) and 2 SR ones, all above tolerance (WARNING).
            items = page.locator("#queue-list .q-item")
            await expect(items).to_have_count(4)
            await expect(items.first.locator(".badge").first).to_have_text("Warning")
            await page.get_by_label("Report", exact=True).select_option("CSR_VARIANCE")
            await page.get_by_label("Severity").select_option("WARNING")
            await page.get_by_label("Period").fill("2018-05")
            await page.get_by_role("button", name="Apply").click()
            await expect(items).to_have_count(2)
            await expect(items.first).to_contain_text("ES-SUPPLIER-1")
            await expect(items.first).to_contain_text("CSR_VARIANCE · 2018-05")
            await expect(page.locator("#queue-count")).to_contain_text("2 of 2")
            await page.screenshot(path=shot("02-queue-filtered"))

            # Open it from the keyboard; the focus ring is visible.
            await page.get_by_role("button", name="Clear").focus()
            await page.keyboard.press("Tab")
            await expect(items.first).to_be_focused()
            outline = await items.first.evaluate("e => getComputedStyle(e).outlineStyle")
            assert outline == "solid", outline
            await page.keyboard.press("Enter")
            detail = page.locator("#detail")
            await expect(page.locator("#detail-h")).to_have_text("VARIANCE_ABOVE_TOLERANCE · ES-SUPPLIER-1")
            await expect(page.locator("#detail-h")).to_be_focused()
            numbers = detail.locator("dl.numbers")
            await expect(numbers).to_contain_text("873,383")
            await expect(numbers).to_contain_text("553,814")
            await expect(numbers).to_contain_text("157.7%")
            await expect(detail.locator("dl.meta")).to_contain_text(f"SEC {clause}")
            await expect(detail.get_by_role("img", name="Actual as a share of forecast")).to_be_visible()
            rows = detail.locator("table.rows tbody tr")
            # The findings: ES-SUPPLIER-1 above tolerance (this one) and listed at or above forecast, and the TOTAL.
            await expect(rows).to_have_count(3)
            await expect(detail.locator("table.rows tr.this")).to_contain_text("ES-SUPPLIER-1")
            await expect(detail.locator("table.rows")).to_contain_text("AT_OR_ABOVE_FORECAST")
            await expect(detail.locator("table.rows")).to_contain_text("TOTAL")
            await expect(detail.locator("#history li")).to_have_count(1)
            await expect(detail.locator("#history")).to_contain_text("FLAGGED")
            actions = detail.get_by_role("group", name="Actions open on this exception").get_by_role("button")
            await expect(actions).to_have_text(["Acknowledge", "Resolve", "Waive", "Escalate to the Panel", "Comment"])
            await page.screenshot(path=shot("03-detail"), full_page=True)

            # Acknowledge (no comment needed) → ACKNOWLEDGED; the buttons follow the new status.
            await detail.get_by_role("button", name="Acknowledge").click()
            await expect(page.locator("#review-result")).to_have_text("Acknowledged. Status: Acknowledged.")
            await expect(actions).to_have_text(["Resolve", "Waive", "Escalate to the Panel", "Comment"])
            await expect(items.first).to_contain_text("Acknowledged")

            # Resolve needs a comment: refused inline without a request, then done with one.
            await detail.get_by_role("button", name="Resolve").click()
            await expect(page.locator("#review-errors")).to_contain_text("Resolve needs a comment")
            comment = detail.get_by_label(re.compile(r"^Comment"))
            await expect(comment).to_have_attribute("aria-invalid", "true")
            await expect(comment).to_be_focused()
            text = "DCC confirmed the May forecast was superseded; statement of assurance received at OPSG."
            await comment.fill(text)
            await detail.get_by_role("button", name="Resolve").click()
            await expect(page.locator("#review-result")).to_have_text("Resolved. Status: Resolved.")
            await expect(actions).to_have_text(["Reopen", "Comment"])
            history = detail.locator("#history li")
            await expect(history).to_have_count(3)
            await expect(history.nth(1)).to_contain_text("ACKNOWLEDGE")
            await expect(history.nth(1)).to_contain_text("OPEN → ACKNOWLEDGED")
            await expect(history.nth(2)).to_contain_text("RESOLVE")
            await expect(history.nth(2)).to_contain_text("ACKNOWLEDGED → RESOLVED")
            await expect(history.nth(2)).to_contain_text(text)
            await page.screenshot(path=shot("04-resolved"), full_page=True)

            # The server agrees: the trail is exact.
            d = await gql(
                http,
                opsg,
                """{ exceptions(filter: {reportType: "CSR_VARIANCE", period: "2018-05"}) {
                edges { node { subject status history { action fromStatus toStatus comment } } } } }""",
            )
            (node,) = [e["node"] for e in d["exceptions"]["edges"] if e["node"]["subject"] == "ES-SUPPLIER-1"]
            assert node["status"] == "RESOLVED"
            assert [(h["action"], h["fromStatus"], h["toStatus"]) for h in node["history"]] == [
                ("FLAGGED", None, "OPEN"),
                ("ACKNOWLEDGE", "OPEN", "ACKNOWLEDGED"),
                ("RESOLVE", "ACKNOWLEDGED", "RESOLVED"),
            ]
            assert [h["comment"] for h in node["history"][1:]] == [None, text]

            # A payload error is shown inline: another reviewer waives the TOTAL one while we look at it.
            await page.get_by_role("button", name="Clear").click()
            await expect(items).to_have_count(4)
            warning = items.filter(has_text="CSR_VARIANCE · 2018-05").filter(has_text="TOTAL")
            await warning.click()
            await expect(page.locator("#detail-h")).to_have_text("VARIANCE_ABOVE_TOLERANCE · TOTAL")
            wid = await warning.get_attribute("data-id")
            d = await gql(
                http,
                other,
                """mutation($id: ID!) { reviewException(id: $id, action: WAIVE,
                comment: "Within the supplier's notified change") { errors { code } } }""",
                {"id": wid},
            )
            assert d["reviewException"]["errors"] == []
            await detail.get_by_role("button", name="Acknowledge").click()
            await expect(page.locator("#review-errors")).to_contain_text("ILLEGAL_TRANSITION")
            await expect(page.locator("#review-errors")).to_contain_text("it is now Waived")
            await expect(actions).to_have_text(["Reopen", "Comment"])  # the detail shows it as it is now
            await expect(detail.locator("#history")).to_contain_text("Within the supplier's notified change")
            await expect(warning).to_contain_text("Waived")

            # New exceptions appear without a reload: over the subscription (exceptionFlagged) here.
            await page.evaluate("window.__notReloaded = true")
            await expect(page.locator("#live-status")).to_have_attribute("data-mode", "live")
            await seed(
                pool,
                "CSR_VARIANCE",
                "2018-06",
                "subscriber,forecast,actual\nES-SUPPLIER-1,600000,900000\n",
                datetime(2018, 7, 5, 10, tzinfo=UTC),
            )
            fresh = items.filter(has_text="CSR_VARIANCE · 2018-06")
            await expect(fresh).to_have_count(2, timeout=LIVE_TIMEOUT_MS)
            await expect(fresh.first).to_contain_text("New")
            await expect(fresh.filter(has_text="TOTAL")).to_contain_text("VARIANCE_ABOVE_TOLERANCE")
            assert await page.evaluate("window.__notReloaded") is True
            await page.screenshot(path=shot("05-new-exception-live"))

            # The same with the WebSocket refused: the console falls back to polling every 10 s.
            page2 = await context.new_page()
            page2.on("pageerror", lambda e: console_errors.append(str(e)))

            async def refuse(ws: Any) -> None:
                await ws.close(code=1011, reason="refused by the test")

            await page2.route_web_socket(re.compile(r".*/graphql$"), refuse)
            await page2.goto(f"{server.url}/console")
            await page2.get_by_label("API key").fill(opsg)
            await page2.get_by_role("button", name="Sign in").click()
            status2 = page2.locator("#live-status")
            await expect(status2).to_have_attribute("data-mode", "polling")
            await expect(status2).to_contain_text("every 10 s")
            await expect(status2).to_have_attribute("data-polls", re.compile(r"[1-9]\d*"))
            await seed(
                pool,
                "SR_VARIANCE",
                "2018-06",
                "user_id,forecast,actual\nASE001,100000,140000\n",
                datetime(2018, 7, 6, 10, tzinfo=UTC),
            )
            polled = page2.locator("#queue-list .q-item").filter(has_text=re.compile(r"(^|\s)SR_VARIANCE · 2018-06"))
            await expect(polled).to_have_count(2, timeout=LIVE_TIMEOUT_MS)
            await expect(polled.first).to_contain_text("New")
            await page2.screenshot(path=shot("06-new-exception-polling"))
            await page2.close()

            # The month: calendar and OPSG table for the meeting of June 2018, and the downloads.
            await page.get_by_role("link", name="Calendar and OPSG table").click()
            await expect(page.locator("#month-h")).to_be_focused()
            await page.get_by_label("Month of the OPSG meeting").fill("2018-06")
            await page.get_by_role("button", name="Show").click()
            links = page.locator("#downloads a.download")
            await expect(links).to_have_count(4)
            for ext in ("md", "csv", "html", "docx"):
                await expect(links.filter(has_text=f".{ext}")).to_have_attribute(
                    "href", f"/api/v1/opsg-report/2018-06.{ext}"
                )
            calendar = page.locator("#calendar-table")
            await expect(calendar.locator("tbody tr").filter(has_text="CSR_VARIANCE")).to_contain_text("On time")
            await expect(calendar.locator("tbody tr").filter(has_text="PMR")).to_contain_text("Missing")
            table = page.locator("#opsg-table")
            csr_row = table.locator('tbody tr[data-report-type="CSR_VARIANCE"]')
            await expect(csr_row).to_contain_text("On Time (SEC L8.9")
            await expect(csr_row).to_contain_text("873,383 requests were sent versus a forecast of 553,814")
            # OPSG recorded nothing and both exceptions are settled (resolved, waived): the paper's "None".
            await expect(csr_row.locator("td").nth(2)).to_have_text("None")
            await page.screenshot(path=shot("07-month"), full_page=True)

            # The download is fetched with the key and handed to the browser: the same bytes as the route's.
            r = await http.get("/api/v1/opsg-report/2018-06.csv", headers={"Authorization": f"Bearer {opsg}"})
            assert r.status_code == 200, r.text
            async with page.expect_download() as info:
                await links.filter(has_text=".csv").click()
            download = await info.value
            assert download.suggested_filename == "opsg-report-2018-06.csv"
            saved = ARTIFACTS / download.suggested_filename
            await download.save_as(saved)
            assert saved.read_bytes() == r.content
            assert b"873,383 requests were sent versus a forecast of 553,814" in saved.read_bytes()
            async with page.expect_download() as info:
                await links.filter(has_text=".docx").click()
            docx = await info.value
            assert docx.suggested_filename == "opsg-report-2018-06.docx"
            await docx.save_as(ARTIFACTS / docx.suggested_filename)
            assert (ARTIFACTS / docx.suggested_filename).read_bytes()[:2] == b"PK"  # a Word file is a zip

            # Charts, drawn by the console itself as inline SVG.
            await page.get_by_role("link", name="Charts").click()
            await expect(page.locator("#ch-variance svg.chart")).to_have_count(2)  # SR and CSR variance
            await expect(page.locator("#ch-variance svg.chart rect.s-actual")).to_have_count(4)  # CSR, SR × May, June
            await expect(page.locator("#ch-status svg.chart[role=img]")).to_have_count(1)
            await expect(page.locator("#ch-status svg.chart rect.s-RESOLVED")).not_to_have_count(0)
            vg = page.locator("#ch-vg svg.chart[role=img]")
            await expect(vg).to_have_count(1)
            await page.screenshot(path=shot("08-charts"), full_page=True)
            await expect(vg.locator("rect")).to_have_count(4)  # Large, Small, Electricity and Gas
            await expect(page.locator("#ch-vg")).to_contain_text("Large Supplier")

            # Sign out forgets the key.
            await page.get_by_role("button", name="Sign out").click()
            await expect(page.get_by_label("API key")).to_be_visible()
            assert await page.evaluate("sessionStorage.getItem('secgov.console.key')") is None

            # A dcc key: its role is named (the OPSG table refuses it) and it is offered Comment only.
            await page.get_by_label("API key").fill(dcc)
            await page.get_by_role("button", name="Sign in").click()
            await expect(page.locator("#session-role")).to_have_text("dcc")
            await expect(page.locator("#session-access")).to_contain_text("OPSG table: not allowed")
            await page.get_by_role("link", name="Exceptions").click()
            await items.first.click()
            await expect(actions).to_have_text(["Comment"])

            # No script errors (the refused key's 401 is a resource error the browser logs, and expected).
            assert not [e for e in console_errors if not e.startswith("Failed to load resource")], console_errors
            await browser.close()
    finally:
        await asyncio.to_thread(server.stop)
