"""The actors: thin, idempotent, ids in messages. Importing this module declares them on the broker."""

from __future__ import annotations

import asyncio
import logging
import os

import dramatiq

from domain.settings import Settings
from sql import db
from sql.db import Pool
from sql.errors import NotFound
from workers import broker as broker_module
from workers.lease import LeaseHeld
from workers.sandbox import ACTOR_TIME_LIMIT_S, GIB, Sandbox, SandboxLimits
from workers.validate import Limits, validate
from workers.webhook import deliver

log = logging.getLogger("secgov.worker")
# A worker process reads its settings once, here: this module is what Dramatiq imports in each of them.
settings = Settings.from_env(os.environ)
# A worker's broker: its messages' request ids in JSON logs, and Prometheus when SECGOV_WORKER_METRICS_PORT is set.
broker = broker_module.from_settings(settings, worker=True)
dramatiq.set_broker(broker)

_pool: Pool | None = None
_pool_lock = asyncio.Lock()


LIMITS = Limits(
    max_attempts=settings.max_attempts,
    max_rows=settings.max_rows,
    max_exceptions_per_rule=settings.max_exceptions_per_rule,
    lease_s=settings.lease_s,
)


# Files are parsed in child processes with memory and processor-time limits, never in the worker itself.
sandbox = Sandbox(
    SandboxLimits(
        memory_bytes=settings.sandbox_memory_mb * (GIB // 1024),
        cpu_seconds=settings.sandbox_cpu_seconds,
        max_columns=settings.max_columns,
    )
)


async def pool() -> Pool:
    """One pool per worker process, opened on first use on the worker's event loop."""
    global _pool
    async with _pool_lock:
        if _pool is None:
            if not settings.database_url:
                raise RuntimeError("DATABASE_URL is not set")
            _pool = await db.create_pool(settings.database_url, min_size=1, max_size=4)
    return _pool


# A crash is counted by the submission's own attempt counter and a file that fails for good is rejected by the run
# itself, so Dramatiq's retries are only for transient faults (database down), and for a delivery that finds
# another one's run holding the submission (it comes back once that lease may have lapsed). A submission that does
# not exist is not retried (`throws`).
def announce(exception_ids: list[int]) -> None:
    """Queue a webhook delivery per new exception, when a webhook is configured (after the run's commit)."""
    if settings.webhook_url:
        for exception_id in exception_ids:
            notify_webhook.send(exception_id)


@dramatiq.actor(
    actor_name=broker_module.WEBHOOK_ACTOR,
    queue_name=settings.webhook_queue,
    max_retries=10,
    min_backoff=2_000,
    max_backoff=300_000,
    time_limit=60_000,
)
async def notify_webhook(exception_id: int) -> None:
    if settings.webhook_url:
        await deliver(await pool(), exception_id, settings.webhook_url)


@dramatiq.actor(
    actor_name=broker_module.ACTOR,
    queue_name=settings.queue,
    max_retries=20,
    min_backoff=1_000,
    max_backoff=60_000,
    time_limit=ACTOR_TIME_LIMIT_S * 1000,
    throws=(NotFound,),
)
async def validate_submission(submission_id: int) -> None:
    try:
        outcome = await validate(await pool(), submission_id, LIMITS, sandbox.parse)
    except LeaseHeld as held:
        raise dramatiq.Retry(str(held), delay=int(held.seconds * 1000) + 1_000) from None
    announce(outcome.flagged)
