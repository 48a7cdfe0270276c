"""After `secgov up --demo`, the console in Chromium shows the June 2018 OPSG table as the July 2018 Sub-Committee
report prints it, names the meeting, and lets an OPSG member record an observation that the table then shows."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest

from sql import keys
from tests.conftest import need_tool
from tests.e2e.test_cli_up import Up, empty_database  # noqa: F401 (a fixture)
from tests.e2e.test_console import CHROMIUM, CHROMIUM_ARGS, HAVE_CHROMIUM, shot

pytestmark = [pytest.mark.browser, pytest.mark.slow]


async def opsg_key(database_url: str) -> str:
    conn = await asyncpg.connect(database_url)
    try:
        return await keys.create(conn, name="e2e-opsg", role="opsg", bodies=["OPSG"], party_id=None)
    finally:
        await conn.close()


async def test_console_shows_the_papers_june_2018_table(tmp_path, empty_database):  # noqa: F811
    need_tool(HAVE_CHROMIUM, "Chromium (apt-get install chromium)")
    from playwright.async_api import async_playwright, expect

    expect.set_options(timeout=30_000)  # a shared machine: the server may be slow to answer, never wrong

    up = Up(tmp_path, empty_database, "--demo")
    try:
        await up.wait_ready()
        key = await opsg_key(empty_database)
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=False)
            page = await browser.new_page(viewport={"width": 1440, "height": 1000})
            page.set_default_timeout(15_000)
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            await page.goto(f"{up.base}/console")
            await page.get_by_label("API key").fill(key)
            await page.get_by_role("button", name="Sign in").click()
            await expect(page.get_by_role("button", name="Sign out")).to_be_visible()
            await page.get_by_role("link", name="Calendar and OPSG table").click()
            await page.get_by_label("Month of the OPSG meeting").fill("2018-06")
            await page.get_by_role("button", name="Show").click()

            await expect(page.locator("#opsg-heading")).to_have_text(
                "The Operations Group considered and noted the following DCC reports at their meeting on 26th June "
                "2018:"
            )
            rows = page.locator("#opsg-table tbody tr")
            await expect(rows).to_have_count(7)

            def by(code: str) -> Any:
                return page.locator(f'#opsg-table tbody tr[data-report-type="{code}"]')

            await expect(by("PMR")).to_contain_text(
                "On Time (SEC H13.4 – Monthly 25 working days following end of month)"
            )
            await expect(by("PMR")).to_contain_text(
                "Per SEC 13.1. The report indicates all Code, DSP and CSP measures "
                "are all above Target where data is available."
            )
            await expect(by("PMR")).to_contain_text("Users were unable to use services due to Major Incident in CSPN")
            await expect(by("CH_RETURNS")).to_contain_text("Not due this month.")
            await expect(by("RDP_INCIDENT")).to_contain_text(
                "14 Incidents reported in the period as resolved. One open Incident still awaiting resolution."
            )
            await expect(by("CSR_VARIANCE")).to_contain_text(
                "On Time (SEC L8.9 – 10th Working day following month end)"
            )
            await expect(by("CSR_VARIANCE")).to_contain_text(
                "Per SEC L8.9(a), 873,383 requests were sent versus a forecast of 553,814. This is a variance of "
                "319,569. This equates to 157.7% of the total forecast volume."
            )
            await expect(by("CSR_VARIANCE")).to_contain_text(
                "Despite being outside tolerance, DCC has sufficient capacity to manage."
            )
            await expect(by("SR_VARIANCE")).to_contain_text("Service Request variance report – April & May 2018")
            await expect(by("SR_VARIANCE")).to_contain_text(
                "April report delayed (due 15/05/2018, received 04/06/2018). May on time."
            )
            await expect(by("SR_VARIANCE").locator("td").nth(2)).to_have_text("None")
            await page.screenshot(path=shot("09-demo-june-2018"), full_page=True)

            # An OPSG member records an observation; the table shows it at once, the evidence stays beside it.
            form = page.locator('form.observation[data-report-type="SR_VARIANCE"][data-period="2018-05"]')
            await form.get_by_label("Observation for SR_VARIANCE 2018-05").fill("May volumes well below forecast.")
            await form.get_by_role("button", name="Record observation").click()
            await expect(by("SR_VARIANCE")).to_contain_text("May 2018: May volumes well below forecast.")
            await expect(by("SR_VARIANCE")).to_contain_text("April 2018: None")
            assert errors == [], errors
            await browser.close()
    finally:
        up.kill()
