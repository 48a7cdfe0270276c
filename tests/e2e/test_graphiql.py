"""GraphiQL outside production, with every asset served by this server (it works offline), opening on a commented
example that runs; none in production."""

from __future__ import annotations

import asyncio
import re

import httpx
import pytest

from api.app import create_app
from api.settings import Settings
from tests.conftest import need_tool
from tests.e2e.test_console import CHROMIUM, CHROMIUM_ARGS, HAVE_CHROMIUM
from tests.support.server import LiveServer


async def test_graphiql_assets_are_local(client):
    r = await client.get("/graphql", headers={"Accept": "text/html"})
    assert r.status_code == 200 and "graphiql" in r.text.lower()
    assert "unpkg.com" not in r.text and "https://" not in re.sub(r'xmlns="[^"]*"', "", r.text).split("<body")[0]
    assets = re.findall(r'(?:src|href)="(/static/graphiql/[^"]+)"', r.text)
    assert len(assets) == 7
    for path in assets:
        asset = await client.get(path)
        assert asset.status_code == 200 and len(asset.content) > 500, path


async def test_no_graphiql_in_production(pool):
    app = create_app(Settings(env="production"), pool=pool)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        r = await c.get("/graphql", headers={"Accept": "text/html"})
    assert "graphiql" not in r.text.lower()


def example_of(html: str) -> str:
    """The query GraphiQL's editor opens on, as the page holds it."""
    match = re.search(r"const EXAMPLE_QUERY = `(.*?)`;", html, re.S)
    assert match, "the page has no EXAMPLE_QUERY"
    return match.group(1)


async def test_graphiql_opens_on_a_commented_example_that_runs(client, gql):
    page = (await client.get("/graphql", headers={"Accept": "text/html"})).text
    example = example_of(page)
    assert "Welcome to GraphiQL" not in page
    comments = [line for line in example.splitlines() if line.startswith("#")]
    assert len(comments) >= 5 and any("Authorization" in line for line in comments), example
    # As it stands (comments included), for the public: no key.
    data = (await gql(example))["data"]
    assert data["parties"]["totalCount"] == 0 and data["parties"]["pageInfo"]["hasNextPage"] is False
    assert {t["code"] for t in data["reportTypes"]} >= {"PMR", "SR_VARIANCE", "CSR_VARIANCE", "RDP_INCIDENT"}
    assert [m["month"] for m in data["membershipStatistics"]] == ["2018-07", "2018-08", "2018-09"]


@pytest.mark.browser
async def test_graphiql_in_a_browser_runs_its_example(dsn):
    need_tool(HAVE_CHROMIUM, "Chromium (apt-get install chromium)")
    from playwright.async_api import async_playwright, expect

    server = LiveServer.for_database(dsn)
    await asyncio.to_thread(server.start)
    try:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = await browser.new_page()
            await page.goto(f"{server.url}/graphql")
            editor = page.locator(".graphiql-query-editor")
            await expect(editor).to_contain_text("It needs no key", timeout=20_000)
            await page.locator(".graphiql-execute-button").click()
            result = page.locator(".graphiql-response")
            await expect(result).to_contain_text('"totalCount"', timeout=20_000)
            await expect(result).to_contain_text('"month": "2018-07"')  # the editor shows what fits on screen
            # (the HTTP test above checks the whole answer has no errors; here only the part on screen is in the page)
            assert '"errors"' not in (await result.text_content() or "")
            await browser.close()
    finally:
        await asyncio.to_thread(server.stop)
