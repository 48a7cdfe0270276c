"""The real front-end clients against a live server on the demo data: Node's (Apollo Client, urql, graphql-ws,
GraphQL Code Generator, tsc; `npm ci` here), Python's gql, and Chromium through Playwright."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from api import demo_data
from api.app import create_app
from api.settings import Settings
from sql import db, keys
from tests.conftest import need_tool
from tests.support.server import LiveServer

HERE = Path(__file__).resolve().parent


def need_node() -> None:
    need_tool(
        shutil.which("node") is not None and (HERE / "node_modules" / "@apollo" / "client").exists(),
        "Node and the client packages (cd tests/clients && npm ci)",
    )


def node(script: str, *args: str, timeout: float = 120) -> dict[str, Any]:
    """Run a script of this folder; its last line of output is a JSON object."""
    done = subprocess.run(
        ["node", str(HERE / script), *args], capture_output=True, text=True, timeout=timeout, cwd=HERE
    )
    assert done.returncode == 0, f"{script} failed:\n{done.stdout}\n{done.stderr}"
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@dataclass
class Api:
    url: str
    dsn: str
    dcc: str
    admin: str

    @property
    def graphql(self) -> str:
        return f"{self.url}/graphql"


async def prepared(dsn: str) -> tuple[str, str]:
    """The demo data, and a dcc and an admin key."""
    conn = await db.connect(dsn)
    try:
        await demo_data.load(conn)
        dcc = await keys.create(conn, name="dcc", role="dcc", bodies=[], party_id=None)
        admin = await keys.create(conn, name="admin", role="admin", bodies=[], party_id=None)
    finally:
        await conn.close()
    return dcc, admin


def serve(dsn: str, environ: dict[str, str] | None = None) -> tuple[Api, LiveServer]:
    dcc, admin = asyncio.run(prepared(dsn))
    settings = Settings.from_env({"DATABASE_URL": dsn, **(environ or {})})
    server = LiveServer(create_app(settings)).start()
    return Api(server.url, dsn, dcc, admin), server


@pytest.fixture
def api(dsn: str) -> Iterator[Api]:
    """A live server on the demo data, without a broker (nothing is validated)."""
    found, server = serve(dsn)
    yield found
    server.stop()


@pytest.fixture
def api_with_worker(
    dsn: str, broker_url: str, queue: str, worker: Any, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Api]:
    """A live server on the demo data whose uploads a real worker validates (subscriptions then hear of them)."""
    monkeypatch.setattr("workers.broker.QUEUE", queue)
    found, server = serve(dsn, {"BROKER_URL": broker_url, "SECGOV_QUEUE": queue})
    yield found
    server.stop()
