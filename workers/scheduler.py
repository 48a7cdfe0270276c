"""The scheduler's periodic jobs (APScheduler): re-ring the bell for stuck submissions, raise missing reports and
overdue follow-ups.

Several schedulers may run; each job takes a PostgreSQL advisory lock so only one acts at a time.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import dramatiq
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from domain.settings import Settings
from services.meeting import flag_overdue
from sql import db, submissions
from sql.db import Pool
from sql.loader import fetchval
from workers import broker as broker_module
from workers import logs
from workers.missing import raise_missing

log = logging.getLogger("secgov.scheduler")
Job = Callable[[Pool], Awaitable[object]]


async def exclusively(pool: Pool, lock_key: int, job: Job) -> bool:
    """Run the job only if no other scheduler holds its lock; the lock lives as long as the job."""
    async with pool.acquire() as conn:
        if not await fetchval(conn, "scheduler.try_lock", key=lock_key):
            return False
        try:
            await job(pool)
        finally:
            await fetchval(conn, "scheduler.unlock", key=lock_key)
    return True


def requeue_job(broker: dramatiq.Broker, older_than_s: int, queue: str | None = None) -> Job:
    async def requeue(pool: Pool) -> list[int]:
        async with pool.acquire() as conn:
            stuck = await submissions.stale(conn, older_than_s=older_than_s)
        for sid in stuck:
            try:
                await asyncio.wait_for(
                    asyncio.to_thread(broker_module.enqueue_message, broker, sid, None, queue), timeout=5
                )
            except Exception:  # noqa: BLE001 - the broker is still down: the next run tries again
                log.warning("broker unreachable; %d submission(s) wait for the next run", len(stuck))
                break
            async with pool.acquire() as conn:
                await submissions.mark_enqueued(conn, id=sid)
        if stuck:
            log.info("re-enqueued %d submission(s) stuck in RECEIVED", len(stuck))
        return stuck

    return requeue


async def main(settings: Settings) -> None:
    logs.configure()  # JSON lines, like the API and the workers
    if not settings.database_url:
        raise RuntimeError("DATABASE_URL is not set")
    pool = await db.create_pool(settings.database_url, min_size=1, max_size=4)
    broker = broker_module.from_settings(settings)
    older = settings.requeue_after_s
    jobs: list[tuple[int, int, Job]] = [
        (7_301_101, max(5, min(30, older // 2 or 5)), requeue_job(broker, older, settings.queue))
    ]
    jobs.append((7_301_102, 60, missing_job(settings.missing_lookback_days, broker, settings)))
    jobs.append((OVERDUE_LOCK, 60, overdue_job))
    scheduler = AsyncIOScheduler()
    for key, every, job in jobs:
        scheduler.add_job(
            exclusively,
            "interval",
            seconds=every,
            args=(pool, key, job),
            max_instances=1,
            coalesce=True,
            next_run_time=None,
        )
        asyncio.get_running_loop().call_soon(asyncio.ensure_future, exclusively(pool, key, job))
    scheduler.start()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    log.info("scheduler started with %d job(s)", len(jobs))
    await stop.wait()
    scheduler.shutdown(wait=False)
    await pool.close()


def missing_job(lookback_days: int, broker: dramatiq.Broker | None = None, settings: Settings | None = None) -> Job:
    """Raise MISSING_REPORT exceptions; with a broker and a webhook in the settings, announce each one."""

    async def missing(pool: Pool) -> list[int]:
        flagged = await raise_missing(pool, now=datetime.now(UTC), lookback_days=lookback_days)
        if flagged:
            log.info("raised %d MISSING_REPORT exception(s)", len(flagged))
            if broker is not None and settings is not None and settings.webhook_url:
                for exception_id in flagged:
                    await asyncio.to_thread(broker_module.enqueue_webhook, broker, exception_id, settings.queue)
        return flagged

    return missing


# The advisory lock of the overdue follow-ups job: one scheduler flags them at a time.
OVERDUE_LOCK = 7_301_103


async def overdue_job(pool: Pool) -> list[int]:
    """Raise each open follow-up past its due date to the Operations Group, once."""
    flagged = await flag_overdue(pool, now=datetime.now(UTC))
    if flagged:
        log.info("raised %d overdue follow-up(s)", len(flagged))
    return flagged


def run(settings: Settings) -> None:
    asyncio.run(main(settings))
