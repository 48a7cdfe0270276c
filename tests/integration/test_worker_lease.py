"""A slow run holds a lease renewed while it works: the bell rung twice and the reconciler running every half second
give one parse and one result, never a second parse of the same file.

The parse takes 8 s against a 2 s lease (four renewals) and a reconciler that re-rings anything older than 1 s; a
second message for the same submission arrives while the first run works. Real broker, real worker process.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from schema.relay import pk_of
from tests.support.faults import running_worker
from tests.support.reports import csv_bytes, upload, wait_final
from workers import broker as broker_module
from workers.sandbox import ACTOR_TIME_LIMIT_S, STORE_ALLOWANCE_S, SandboxLimits
from workers.scheduler import requeue_job

SR = "user_id,forecast,actual"


def test_the_sandbox_stops_a_parse_inside_the_actors_time_limit():
    for cpu_seconds in (1, 30, 600, 3600):
        wall = SandboxLimits(cpu_seconds=cpu_seconds).wall_seconds
        assert wall + STORE_ALLOWANCE_S <= ACTOR_TIME_LIMIT_S, cpu_seconds
    assert ACTOR_TIME_LIMIT_S < 30 * 60  # RabbitMQ's consumer timeout


async def test_a_slow_run_is_parsed_once_and_stored_once(
    dsn, broker_url, queue, broker, intake_client, api_keys, pool, tmp_path: Path
):
    secas = await api_keys.get("secas")
    parses, deliveries = tmp_path / "parses", tmp_path / "deliveries"
    env = {
        "SECGOV_LEASE_S": "2",
        "SECGOV_TEST_SLOW_PARSE_S": "8",
        "SECGOV_TEST_PARSES": str(parses),
        "SECGOV_TEST_DELIVERIES": str(deliveries),
    }
    requeue = requeue_job(broker, 1, queue)
    rung: list[int] = []
    with running_worker(dsn, broker_url, queue, module="tests.support.crashing_actors", extra_env=env):
        r = await upload(intake_client, secas, "SR_VARIANCE", "2018-05", csv_bytes(SR, "ASE001,100,150"))
        assert r.status_code == 202, r.text
        sid = r.json()["submission_id"]
        pk = pk_of(sid, "ReportSubmission")
        for _ in range(300):
            if parses.exists():
                break
            await asyncio.sleep(0.1)
        assert parses.exists(), "the run never began"
        # The same bell again, as a lost acknowledgement or a second scheduler would ring it.
        await asyncio.to_thread(broker_module.enqueue_message, broker, pk, None, queue)
        async with pool.acquire() as conn:
            status = await conn.fetchval("SELECT status FROM submissions WHERE id = $1", pk)
        while status == "VALIDATING":
            await asyncio.sleep(1.5)  # past the lease and past the reconciler's age
            rung += await requeue(pool)
            async with pool.acquire() as conn:
                status = await conn.fetchval("SELECT status FROM submissions WHERE id = $1", pk)
        final = await wait_final(intake_client, secas, sid, timeout=60)
        await asyncio.sleep(3)  # the second message, back from its wait, finds the run over
    assert final["status"] == "FLAGGED", final
    assert rung == []  # a live lease is never re-rung, however old the run
    assert len(parses.read_text().split()) == 1
    async with pool.acquire() as conn:
        runs = await conn.fetch("SELECT attempt, outcome FROM validation_runs WHERE submission_id = $1", pk)
        attempts = await conn.fetchval("SELECT attempts FROM submissions WHERE id = $1", pk)
    assert ([tuple(r) for r in runs], attempts) == ([(1, "FLAGGED")], 1)
    # The first delivery ran; the second came back once the run could have ended, and found it final.
    assert deliveries.read_text().split() == [str(pk)] * 2
