"""Run in a child process of its own (`python -m tests.support.cache_rss DSN LIMIT COUNT`): the app in-process with a
response cache of LIMIT bytes answers COUNT distinct small public reads; prints, as JSON, the process's resident
memory before and after, and the cache's own figures. A process of its own, so nothing else the test runner holds
moves its RSS."""

from __future__ import annotations

import asyncio
import base64
import gc
import json
import sys

import httpx
import psutil

from api.app import create_app
from api.settings import Settings

QUERY = "query($i: ID!) { node(id: $i) { id } }"
WARM_UP = 1_000


def rss() -> int:
    gc.collect()
    return int(psutil.Process().memory_info().rss)


async def measure(dsn: str, limit: int, count: int) -> dict[str, int]:
    settings = Settings(
        database_url=dsn, response_cache=limit > 0, response_cache_bytes=limit, rate_limits="uploads=60/minute"
    )
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=transport, base_url="http://t") as c:

        async def ask(i: int) -> None:
            # A well-formed ID of nothing: the public's answer is {"data": {"node": null}}, a few bytes each.
            node_id = base64.urlsafe_b64encode(f"Party:{10_000_000 + i}".encode()).decode().rstrip("=")
            r = await c.post("/graphql", json={"query": QUERY, "variables": {"i": node_id}})
            assert r.status_code == 200 and r.json() == {"data": {"node": None}}, r.text

        for i in range(WARM_UP):  # every code path warm, and the cache holding answers already
            await ask(i)
        before = rss()
        for i in range(WARM_UP, WARM_UP + count):
            await ask(i)
        after = rss()
        cache = app.state.cache
        kept = {"entries": len(cache), "counted": cache.bytes, "evictions": cache.evictions} if cache else {}
        return {"before": before, "after": after, **kept}


if __name__ == "__main__":
    dsn, limit, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    print(json.dumps(asyncio.run(measure(dsn, limit, count))))
