"""The console in Chromium after `secgov up --demo`: the meeting view carries June 2018's open follow-up into July's
table and records July's meeting; the what-if beside the catalogue tries an upper band of 160% on the CSR report,
shows May 2018 would change, and amends the catalogue with it."""

from __future__ import annotations

import asyncpg
import pytest

from sql import keys
from tests.conftest import need_tool
from tests.e2e.test_cli_up import Up, empty_database  # noqa: F401 (a fixture)
from tests.e2e.test_console import CHROMIUM, CHROMIUM_ARGS, HAVE_CHROMIUM, shot

pytestmark = [pytest.mark.browser, pytest.mark.slow]


async def admin_key(database_url: str) -> str:
    conn = await asyncpg.connect(database_url)
    try:
        return await keys.create(conn, name="e2e-admin", role="admin", bodies=["OPSG"], party_id=None)
    finally:
        await conn.close()


async def test_console_meeting_and_what_if(tmp_path, empty_database):  # noqa: F811
    need_tool(HAVE_CHROMIUM, "Chromium (apt-get install chromium)")
    from playwright.async_api import async_playwright, expect

    expect.set_options(timeout=30_000)  # a shared machine: the server may be slow to answer, never wrong

    up = Up(tmp_path, empty_database, "--demo")
    try:
        await up.wait_ready()
        key = await admin_key(empty_database)
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

            # July 2018: the table carries June's request to the DCC, still open.
            await page.get_by_role("link", name="Meeting and follow-ups").click()
            await page.locator("#meeting-month").fill("2018-07")
            await page.locator("#meeting-month-form").get_by_role("button", name="Show").click()
            carried = page.locator('#carried li[data-follow-up="OPSG_2606_2018/01"]')
            await expect(carried).to_contain_text("statement of assurance")
            await expect(carried).to_contain_text("DCC")
            await expect(page.locator("#meeting-select")).to_contain_text("OPSG_10_2407")

            # Record July's meeting: one observation and one follow-up, in one go.
            await page.locator('textarea[name="obs-CSR_VARIANCE-2018-06"]').fill("Not received: DCC to explain.")
            await page.get_by_role("button", name="Add a follow-up").click()
            await page.get_by_label("What is asked for").fill("Explain the missing June CSR report")
            await page.get_by_label("Due", exact=True).fill("2018-08-21")
            await page.get_by_role("button", name="Record the meeting").click()
            await expect(page.locator("#meeting-recorded")).to_contain_text("Recorded at OPSG_10_2407")
            await expect(page.locator("#meeting-recorded")).to_contain_text("OPSG10/01")
            await expect(page.locator("#meeting-heading")).to_contain_text("24th July 2018")
            await page.screenshot(path=shot("10-meeting-july-2018"), full_page=True)

            # The what-if beside the catalogue: an upper band of 160% over April to June 2018.
            await page.get_by_role("link", name="Catalogue and what-if").click()
            await expect(page.locator("#catalogue-table")).to_contain_text("CSR_VARIANCE")
            await page.locator("#wi-report").select_option("CSR_VARIANCE")
            await page.locator("#wi-from").fill("2018-04")
            await page.locator("#wi-to").fill("2018-06")
            await page.locator("#wi-upper").fill("160")
            await page.get_by_role("button", name="Try it").click()
            await expect(page.locator("#whatif-summary")).to_contain_text("would change (2018-05)")
            may = page.locator('#whatif-table tr[data-period="2018-05"]')
            await expect(may).to_contain_text("VARIANCE_ABOVE_TOLERANCE · TOTAL")
            await expect(may).to_contain_text("FLAGGED → PASSED")
            await page.screenshot(path=shot("11-what-if-160"), full_page=True)
            await page.get_by_role("button", name="Amend the catalogue with this change").click()
            await expect(page.locator("#whatif-amended")).to_contain_text("CSR_VARIANCE is now at version")
            await expect(page.locator("#catalogue-table")).to_contain_text("160")
            assert errors == [], errors
            await browser.close()
    finally:
        up.kill()
