"""Acceptance 7: uploads made while the broker is unreachable are accepted and stored, and are validated once it is
back, when the scheduler's requeue job rings the bell again.

The API reaches the broker through a TCP proxy the test cuts and restores; the machine's shared RabbitMQ or Redis is
never stopped (for Redis the test starts a private redis-server of its own). The worker talks to the broker directly.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from contextlib import suppress
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.bell import make_enqueue
from api.settings import Settings
from schema.relay import pk_of
from tests.integration.conftest import through
from tests.support.faults import TcpProxy, running_worker
from tests.support.reports import csv_bytes, upload, wait_final
from workers import scheduler

SR = "user_id,forecast,actual"


@pytest.fixture
def api_broker(proxy: TcpProxy, direct_url: str, queue: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The API's broker, reaching the server only through the proxy."""
    import workers.broker as wb

    monkeypatch.setattr(wb, "QUEUE", queue)
    # The product's own broker settings: with RabbitMQ refusing connections an enqueue gives up after ~8 s.
    b = wb.make_broker(through(direct_url, proxy))
    yield b
    with suppress(Exception):  # the proxy is gone by now
        b.close()


@pytest.fixture
async def api(pool: Any, api_broker: Any) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(), pool=pool, enqueue=make_enqueue(api_broker))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
        yield c


async def state(pool: Any, submission_id: str) -> tuple[str, int, bool]:
    async with pool.acquire() as conn:
        row = await conn.fetchrow(
            "SELECT status, attempts, enqueued_at IS NOT NULL AS rung FROM submissions WHERE id = $1",
            pk_of(submission_id, "ReportSubmission"),
        )
    return row["status"], row["attempts"], row["rung"]


async def test_uploads_while_the_broker_is_down_are_validated_when_it_is_back(
    api, api_broker, proxy, pool, api_keys, dsn, direct_url, queue
):
    secas = await api_keys.get("secas")
    with running_worker(dsn, direct_url, queue):
        # The bell works while the proxy is up: a first upload is validated straight away.
        r = await upload(
            api, secas, "SR_VARIANCE", "2018-03", csv_bytes(SR, "ASE001,100,100"), received_at="2018-04-03T10:00:00Z"
        )
        assert r.status_code == 202, r.text
        assert (await wait_final(api, secas, r.json()["submission_id"]))["status"] == "PASSED"

        proxy.cut()
        bodies = {"2018-04": csv_bytes(SR, "ASE001,100,100"), "2018-05": csv_bytes(SR, "ASE001,100,150")}
        received = {"2018-04": "2018-05-02T10:00:00Z", "2018-05": "2018-06-04T10:00:00Z"}
        ids = {}
        for period, body in bodies.items():
            started = time.monotonic()
            r = await upload(api, secas, "SR_VARIANCE", period, body, received_at=received[period])
            assert r.status_code == 202, r.text
            assert r.json()["status"] == "RECEIVED" and r.json()["duplicate_of"] is None
            assert time.monotonic() - started < 10, "the upload waited too long for a broker that is down"
            ids[period] = r.json()["submission_id"]
        for period, sid in ids.items():
            assert await state(pool, sid) == ("RECEIVED", 0, False)  # stored, never enqueued
            async with pool.acquire() as conn:
                stored = await conn.fetchval(
                    "SELECT content FROM submission_files WHERE submission_id = $1", pk_of(sid, "ReportSubmission")
                )
            assert stored == bodies[period]

        # While the broker is still down the requeue job finds them and leaves them for its next run.
        requeue = scheduler.requeue_job(api_broker, older_than_s=0)
        await requeue(pool)
        for sid in ids.values():
            assert await state(pool, sid) == ("RECEIVED", 0, False)

        proxy.restore()
        stuck = await requeue(pool)
        assert sorted(stuck) == sorted(pk_of(sid, "ReportSubmission") for sid in ids.values())
        finals = {period: await wait_final(api, secas, sid) for period, sid in ids.items()}

    assert finals["2018-04"]["status"] == "PASSED", finals
    assert finals["2018-05"]["status"] == "FLAGGED", finals
    assert finals["2018-05"]["findings_by_rule"] == {"VARIANCE_ABOVE_TOLERANCE": 2, "AT_OR_ABOVE_FORECAST": 1}
    for sid in ids.values():
        assert (await state(pool, sid))[2], "enqueued_at is set once the bell has rung"
        async with pool.acquire() as conn:
            runs = await conn.fetchval(
                "SELECT count(*) FROM validation_runs WHERE submission_id = $1", pk_of(sid, "ReportSubmission")
            )
        assert runs == 1
    # Nothing is left for the next run of the job.
    assert await requeue(pool) == []
