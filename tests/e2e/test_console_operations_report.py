"""The console's Operations Report view in Chromium: a Panel member picks July 2018 on the demo register and reads
the paper's sections (Boltland's withdrawal with the AGREE recommendation, Iresa's default, Table 2's four rows),
sees Table 3 and Figure 1 drawn and the Amber appendices, and downloads the Word file in one click."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from docx import Document

from api import demo_data
from sql.db import Pool
from tests.conftest import need_tool
from tests.e2e.test_console import CHROMIUM, CHROMIUM_ARGS, HAVE_CHROMIUM, shot
from tests.support.server import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]


async def test_the_console_shows_the_july_2018_operations_report(dsn: str, pool: Pool, api_keys: Any) -> None:
    need_tool(HAVE_CHROMIUM, "Chromium (apt-get install chromium)")
    from playwright.async_api import async_playwright, expect

    expect.set_options(timeout=30_000)
    async with pool.acquire() as conn:
        await demo_data.load(conn)
    panel = await api_keys.get("panel")
    server = LiveServer.for_database(dsn)
    await asyncio.to_thread(server.start)
    try:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=False)
            context = await browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
            page = await context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            await page.goto(f"{server.url}/console")
            await page.get_by_label("API key").fill(panel or "")
            await page.get_by_role("button", name="Sign in").click()
            await expect(page.get_by_role("button", name="Sign out")).to_be_visible()
            await page.get_by_role("link", name="Operations Report").click()
            await page.get_by_label("Reporting month").fill("2018-07")
            await page.locator("#report-form").get_by_role("button", name="Show").click()

            report = page.locator("#report")
            await expect(report.get_by_role("heading", name="Operations Report – July 2018")).to_be_visible()
            await expect(report.locator(".recommendations")).to_contain_text(
                "AGREE that Boltland Energy Limited shall cease to be a SEC Party, effective as of 27th July 2018."
            )
            await expect(report.get_by_role("heading", name="1.2 Events of Default")).to_be_visible()
            await expect(report).to_contain_text("Iresa Limited entered into an Event of Default on 25th July 2018.")
            table_2 = report.locator("table", has=page.locator("caption", has_text="Table 2"))
            await expect(table_2.locator("tbody tr")).to_have_count(4)
            await expect(table_2.locator("tbody tr").first).to_contain_text("Good Energy Limited")
            table_3 = report.locator("table.table-3")
            await expect(table_3.locator("thead th")).to_have_count(13)
            await expect(table_3.locator("thead")).to_contain_text("Jul-18")
            figure = report.locator(".figure-1 svg.chart")
            await expect(figure).to_be_visible()
            await expect(figure.locator("rect")).not_to_have_count(0)
            await expect(report.get_by_role("heading", name="Appendix B – Testing Update UEPT (Amber)")).to_be_visible()
            await page.screenshot(path=shot("operations-report-july-2018"), full_page=True)

            async with page.expect_download() as got:
                await page.locator('#report-downloads a[data-format="docx"]').click()
            download = await got.value
            assert download.suggested_filename == "operations-report-2018-07.docx"
            doc = Document(str(await download.path()))
            assert any("Boltland Energy Limited" in p.text for p in doc.paragraphs)
            assert errors == []
            await browser.close()
    finally:
        await asyncio.to_thread(server.stop)
