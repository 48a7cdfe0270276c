"""The broker cut and restored under a stream of uploads (issue 5, acceptance 5, broker half).

One TCP proxy stands between the broker and both the API (a live uvicorn server) and a real worker process: cutting
it is what a broker restart looks like to them. The machine's shared RabbitMQ or Redis is never stopped (without
BROKER_URL the test starts a private redis-server of its own). Every upload is answered 202 and stored while the
broker is away; once it is back and the scheduler's requeue job has run, the same worker process, never restarted,
validates every accepted submission exactly once.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx

from api.app import create_app
from api.settings import Settings
from schema.relay import pk_of
from sql import db
from tests.integration.conftest import through
from tests.support.polling import eventually
from tests.support.server import LiveServer
from tests.support.workers import WorkerProcess
from workers import scheduler
from workers.broker import make_broker

FINAL = ("PASSED", "FLAGGED", "REJECTED")


def descendants(pid: int) -> set[int]:
    """Dramatiq's processes under pid (Linux /proc), to see that dramatiq did not replace its worker child. The
    parsing sandbox's children are left out: they start on demand and are replaced by design."""
    found: set[int] = set()
    todo = [pid]
    while todo:
        p = todo.pop()
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                kids = {int(k) for k in (task / "children").read_text().split()}
            except OSError:
                continue
            todo.extend(kids - found)
            found |= kids
    # (a process gone between the listing and the read has an empty command line: it is left out too)
    return {p for p in found if (cmd := _cmdline(p)) and b"workers.sandbox" not in cmd}


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


async def test_broker_restart_under_a_stream_of_uploads(direct_url, proxy, queue, dsn, api_keys, monkeypatch):
    monkeypatch.setattr("workers.broker.QUEUE", queue)
    url = through(direct_url, proxy)
    dcc = await api_keys.get("dcc")
    worker = WorkerProcess(dsn, url, queue).start()
    assert worker.proc is not None
    pid = worker.proc.pid
    app = create_app(Settings(database_url=dsn, broker_url=url, queue=queue))
    accepted: list[str] = []
    phases: dict[str, str] = {}
    outcomes: list[tuple[str, int, object]] = []  # (phase, status, JSON body or the raw text)
    pool = await db.create_pool(dsn, min_size=1, max_size=4)
    try:

        async def ready() -> bool:  # the worker child has started consuming (dramatiq says so once it has)
            return "ready for action" in worker.output() and bool(descendants(pid))

        await eventually(ready, what="the worker is consuming")
        children = descendants(pid)
        with LiveServer(app) as server:
            async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
                headers = {"Authorization": f"Bearer {dcc}", "Content-Type": "text/csv"}
                month = iter(range(1, 13))

                async def burst(phase: str, n: int) -> None:
                    for _ in range(n):
                        m = next(month)
                        body = f"subscriber,forecast,actual\nS{phase}{m},100,{100 + m}\n".encode()
                        r = await http.post(f"/api/v1/reports/CSR_VARIANCE/2018-{m:02d}", content=body, headers=headers)
                        try:
                            payload: object = r.json()
                        except ValueError:
                            payload = r.text
                        outcomes.append((phase, r.status_code, payload))
                        if r.status_code == 202 and isinstance(payload, dict):
                            accepted.append(payload["submission_id"])
                            phases[payload["submission_id"]] = phase

                await burst("before", 4)
                proxy.cut()
                cut_at = time.monotonic()
                await burst("down", 4)
                await asyncio.sleep(max(0.0, 4 - (time.monotonic() - cut_at)))  # away for a few seconds at least
                proxy.restore()
                await burst("after", 4)

        async with pool.acquire() as conn:
            unrung = {r["id"] for r in await conn.fetch("SELECT id FROM submissions WHERE enqueued_at IS NULL")}
        # The scheduler's requeue job rings the bell for whatever was stored while the broker was away.
        requeue_broker = make_broker(url)
        try:
            await scheduler.requeue_job(requeue_broker, older_than_s=0)(pool)
            # Settled: every submission final, and every attempt begun has stored its run. A second delivery of a
            # message that was in flight at the cut counts a second attempt, so it is waited for (and then shows
            # as a second run) rather than missed.
            deadline = time.monotonic() + 90
            while True:
                async with pool.acquire() as conn:
                    pending = await conn.fetchval(
                        "SELECT count(*) FROM submissions s WHERE status NOT IN ('PASSED', 'FLAGGED', 'REJECTED') "
                        "OR s.attempts > (SELECT count(*) FROM validation_runs r WHERE r.submission_id = s.id)"
                    )
                if pending == 0 or time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.5)
        finally:
            requeue_broker.close()
        async with pool.acquire() as conn:
            runs = await conn.fetch(
                "SELECT s.id, s.status, count(r.id) AS runs, "
                "bool_and(r.outcome IN ('PASSED', 'FLAGGED', 'REJECTED')) AS final "
                "FROM submissions s LEFT JOIN validation_runs r ON r.submission_id = s.id "
                "GROUP BY s.id, s.status"
            )
            stored = await conn.fetchval("SELECT count(*) FROM submissions")
        alive = worker.proc.poll() is None
        log = worker.output()
        same_children = descendants(pid) == children
    finally:
        await pool.close()
        worker.stop()

    assert [o for o in outcomes if o[1] != 202] == [], outcomes
    assert all(isinstance(body, dict) for _, _, body in outcomes), outcomes
    assert not [o for o in outcomes if o[1] >= 500 and not (isinstance(o[2], dict) and o[2].get("error"))], (
        "a 5xx without a clear error body"
    )
    assert len(accepted) == 12 == stored
    # The cut was real: what came in while the broker was away was stored but not enqueued until the requeue job.
    down = {pk_of(sid, "ReportSubmission") for sid, phase in phases.items() if phase == "down"}
    before = {pk_of(sid, "ReportSubmission") for sid, phase in phases.items() if phase == "before"}
    assert len(down) == 4 and down <= unrung and not before & unrung, (phases, unrung)
    assert alive and worker.proc.pid == pid, "the worker process died or was replaced"
    assert "Consumer encountered a connection error" in log, "the cut never reached the worker"
    assert same_children, "dramatiq replaced its worker child while the broker was away"
    assert pending == 0, ([dict(r) for r in runs], log[-4000:])
    assert {r["runs"] for r in runs} == {1}, [dict(r) for r in runs]
    assert all(r["final"] and r["status"] in FINAL for r in runs), [dict(r) for r in runs]
