"""PostgreSQL stopped and started under a stream of requests and uploads (a private server, never the shared one).

While it is down: /readyz answers 503, requests get a clear 503-class error. Afterwards the same process serves
again without a restart, and every accepted upload is validated exactly once.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

import asyncpg
import httpx
import pytest

from api.app import create_app
from api.settings import Settings
from api.setup import prepare
from sql import keys
from tests.support.server import LiveServer
from tests.support.workers import WorkerProcess


@pytest.fixture
def private_postgres():
    import pgserver
    from pgserver._commands import pg_ctl

    server = pgserver.get_server(Path(tempfile.mkdtemp(prefix="secgov-fault-pg-")), cleanup_mode="delete")

    def stop() -> None:
        pg_ctl(["-w", "-m", "immediate", "stop"], pgdata=server.pgdata, user=server.system_user)

    def start() -> None:
        server.ensure_postgres_running()

    yield server.get_uri(), stop, start
    server.cleanup()


async def test_database_restart_under_load(private_postgres, broker_url, queue, monkeypatch):
    dsn, stop, start = private_postgres
    monkeypatch.setattr("workers.broker.QUEUE", queue)
    conn = await asyncpg.connect(dsn)
    await prepare(conn)
    dcc = await keys.create(conn, name="dcc", role="dcc", bodies=[], party_id=None)
    await conn.close()
    worker = WorkerProcess(dsn, broker_url, queue).start()
    app = create_app(Settings(database_url=dsn, broker_url=broker_url, queue=queue))
    accepted: list[str] = []
    outcomes: list[tuple[str, int, str]] = []  # (phase, status, error code)
    with LiveServer(app) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
            headers = {"Authorization": f"Bearer {dcc}"}

            async def burst(phase: str, n: int) -> None:
                for i in range(n):
                    body = f"subscriber,forecast,actual\nS{phase}{i},100,{100 + i}\n".encode()
                    r = await http.post(
                        f"/api/v1/reports/CSR_VARIANCE/2018-{(i % 12) + 1:02d}",
                        content=body,
                        headers={**headers, "Content-Type": "text/csv"},
                    )
                    code = r.json().get("error", {}).get("code", "") if r.status_code >= 400 else ""
                    outcomes.append((phase, r.status_code, code))
                    if r.status_code == 202:
                        accepted.append(r.json()["submission_id"])
                    q = await http.post("/graphql", json={"query": "{ reportTypes { code } }"})
                    errors = q.json().get("errors") or []
                    outcomes.append(
                        (phase, q.status_code, (errors[0].get("extensions") or {}).get("code", "") if errors else "")
                    )

            await burst("before", 5)
            stop()
            assert (await http.get("/readyz")).status_code == 503
            await burst("down", 5)
            start()
            deadline = time.monotonic() + 30
            while (await http.get("/readyz")).status_code != 200:
                assert time.monotonic() < deadline, "the API did not recover by itself"
                await asyncio.sleep(0.5)
            await burst("after", 5)
    down = [o for o in outcomes if o[0] == "down"]
    assert all(status in (503, 200) for _, status, _ in down), down
    assert all(code == "UNAVAILABLE" for _, status, code in down if status == 503 or code), down
    for phase in ("before", "after"):
        assert all(status in (200, 202) and not code for p, status, code in outcomes if p == phase), outcomes
    assert not [o for o in outcomes if o[1] >= 500 and not o[2]], "a 5xx without a clear error body"
    # Every accepted upload validated exactly once.
    conn = await asyncpg.connect(dsn)
    try:
        deadline = time.monotonic() + 90
        while True:
            pending = await conn.fetchval("SELECT count(*) FROM submissions WHERE status IN ('RECEIVED', 'VALIDATING')")
            if pending == 0 or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.5)
        runs = await conn.fetch(
            "SELECT s.id, count(r.id) AS runs FROM submissions s "
            "LEFT JOIN validation_runs r ON r.submission_id = s.id GROUP BY s.id"
        )
        stored = await conn.fetchval("SELECT count(*) FROM submissions")
    finally:
        await conn.close()
        worker.stop()
    assert pending == 0, worker.output()[-3000:]
    assert stored == len(accepted) >= 10
    assert {r["runs"] for r in runs} == {1}
