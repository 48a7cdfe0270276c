"""A front end served from another origin, in Chromium: with its origin in SECGOV_CORS_ORIGINS it queries,
subscribes and uploads against the API (and hears of its upload's exceptions); from an origin not allowed every one
of those fails cleanly in the page, and nothing is stored."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import asyncpg
import pytest

from tests.clients.conftest import HERE, Api, serve
from tests.conftest import need_tool

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class Site:
    """The front end's own origin: its static files on a port of their own."""

    def __init__(self) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(HERE / "browser")))
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sites() -> Iterator[tuple[Site, Site]]:
    allowed, other = Site(), Site()
    yield allowed, other
    allowed.close()
    other.close()


@pytest.fixture
def cors_api(
    dsn: str, broker_url: str, queue: str, worker: Any, sites: tuple[Site, Site], monkeypatch
) -> Iterator[Api]:
    monkeypatch.setattr("workers.broker.QUEUE", queue)
    allowed, _ = sites
    found, server = serve(dsn, {"BROKER_URL": broker_url, "SECGOV_QUEUE": queue, "SECGOV_CORS_ORIGINS": allowed.origin})
    yield found
    server.stop()


async def in_page(origin: str, api: Api, timeout_ms: int) -> dict[str, Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=False)
        try:
            page = await browser.new_page()
            await page.goto(f"{origin}/index.html")
            result: dict[str, Any] = await page.evaluate(
                "([api, key, timeout]) => window.run(api, key, timeout)", [api.url, api.dcc, timeout_ms]
            )
            return result
        finally:
            await browser.close()


async def stored(dsn: str) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        count: int = await conn.fetchval("SELECT count(*) FROM submissions")
        return count
    finally:
        await conn.close()


def test_a_front_end_on_an_allowed_origin_and_on_another(cors_api: Api, sites: tuple[Site, Site]) -> None:
    need_tool(os.path.exists(CHROMIUM), "Chromium (apt-get install chromium)")
    allowed, other = sites

    out = asyncio.run(in_page(allowed.origin, cors_api, 60_000))
    assert out["query"].get("status") == 200, out
    assert {"PANEL", "OPSG"} <= {b["code"] for b in out["query"]["body"]["data"]["bodies"]}
    assert out["subscribed"] is True, out
    assert out["upload"].get("status") == 200, out
    assert out["upload"]["body"]["data"]["uploadReport"]["errors"] == []
    assert out["subscription"]["error"] is None, out
    assert sorted(out["subscription"]["events"]) == [
        "LATE_DELIVERY FILE",
        "VARIANCE_ABOVE_TOLERANCE S1",
        "VARIANCE_ABOVE_TOLERANCE TOTAL",
    ]
    assert asyncio.run(stored(cors_api.dsn)) == 1

    refused = asyncio.run(in_page(other.origin, cors_api, 10_000))
    # The browser withholds every answer from a page whose origin the API does not allow: the page sees a network
    # error at once (no hanging request), the WebSocket is refused, and the upload never reaches the server.
    assert "Failed to fetch" in refused["query"]["error"], refused
    assert refused["subscribed"] is False and refused["subscription"]["events"] == []
    assert "Failed to fetch" in refused["upload"]["error"], refused
    assert asyncio.run(stored(cors_api.dsn)) == 1
