"""The actors: thin, idempotent, ids in messages. Importing this module declares them on the broker."""

from __future__ import annotations

import asyncio
import logging
import os

import dramatiq

from sql import db
from sql.db import Pool
from workers import broker as broker_module
from workers.sandbox import GIB, Sandbox, SandboxLimits
from workers.validate import Limits, validate
from workers.webhook import deliver

log = logging.getLogger("secgov.worker")
# A worker's broker: its messages' request ids in JSON logs, and Prometheus when SECGOV_WORKER_METRICS_PORT is set.
broker = broker_module.from_env(worker=True)
dramatiq.set_broker(broker)

_pool: Pool | None = None
_pool_lock = asyncio.Lock()


def limits_from_env() -> Limits:
    env = os.environ
    return Limits(max_attempts=int(env.get("SECGOV_MAX_ATTEMPTS", "3")),
                  max_rows=int(env.get("SECGOV_MAX_ROWS", "10000000").replace("_", "")),
                  max_exceptions_per_rule=int(env.get("SECGOV_MAX_EXCEPTIONS_PER_RULE", "500")))


def sandbox_limits_from_env() -> SandboxLimits:
    env = os.environ
    return SandboxLimits(
        memory_bytes=int(env.get("SECGOV_SANDBOX_MEMORY_MB", str(4 * 1024)).replace("_", "")) * (GIB // 1024),
        cpu_seconds=int(env.get("SECGOV_SANDBOX_CPU_SECONDS", "600").replace("_", "")),
        max_columns=int(env.get("SECGOV_MAX_COLUMNS", "200").replace("_", "")))


# Files are parsed in child processes with memory and processor-time limits, never in the worker itself.
sandbox = Sandbox(sandbox_limits_from_env())


async def pool() -> Pool:
    """One pool per worker process, opened on first use on the worker's event loop."""
    global _pool
    async with _pool_lock:
        if _pool is None:
            _pool = await db.create_pool(os.environ["DATABASE_URL"], min_size=1, max_size=4)
    return _pool


# The time limit stays below RabbitMQ's consumer timeout (30 min by default); a crash is counted by the
# submission's own attempt counter, so Dramatiq's retries are only for transient faults (database down).
def announce(exception_ids: list[int]) -> None:
    """Queue a webhook delivery per new exception, when a webhook is configured (after the run's commit)."""
    if os.environ.get("SECGOV_WEBHOOK_URL"):
        for exception_id in exception_ids:
            notify_webhook.send(exception_id)


@dramatiq.actor(actor_name=broker_module.WEBHOOK_ACTOR, queue_name=broker_module.WEBHOOK_QUEUE, max_retries=10,
                min_backoff=2_000, max_backoff=300_000, time_limit=60_000)
async def notify_webhook(exception_id: int) -> None:
    url = os.environ.get("SECGOV_WEBHOOK_URL")
    if url:
        await deliver(await pool(), exception_id, url)


@dramatiq.actor(actor_name=broker_module.ACTOR, queue_name=broker_module.QUEUE, max_retries=20,
                min_backoff=1_000, max_backoff=60_000, time_limit=20 * 60 * 1000)
async def validate_submission(submission_id: int) -> None:
    announce((await validate(await pool(), submission_id, limits_from_env(), sandbox.parse)).flagged)
