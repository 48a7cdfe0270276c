"""GraphiQL outside production, with every asset served by this server (it works offline); none in production."""

from __future__ import annotations

import re

import httpx

from api.app import create_app
from api.settings import Settings


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
