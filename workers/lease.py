"""A run's lease on its submission: taken with its attempt, renewed while it works, so that no other delivery parses
the same file meanwhile and the scheduler re-rings the bell only once the lease has lapsed (its worker died)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from uuid import UUID

from services.validation import LeaseHeld
from sql import submissions
from sql.db import Pool

log = logging.getLogger("secgov.worker")
__all__ = ["LeaseHeld", "holding"]


@asynccontextmanager
async def holding(pool: Pool, submission_id: int, token: UUID, lease_s: float) -> AsyncIterator[None]:
    """Renew the run's lease every third of its length while the body runs (the parse runs in a thread or a child
    process, so the event loop is free to)."""

    async def renew() -> None:
        while True:
            await asyncio.sleep(lease_s / 3)
            try:
                async with pool.acquire() as conn:
                    if not await submissions.renew_lease(conn, id=submission_id, token=token, lease_s=lease_s):
                        # Over, or taken over once lapsed: the run's store checks which, in its transaction.
                        log.info("submission %s: the run no longer holds its lease", submission_id)
                        return
            except Exception as exc:  # noqa: BLE001 - a missed renewal is tried again; the lease has slack
                log.warning("submission %s: the lease could not be renewed: %s", submission_id, exc)

    task = asyncio.create_task(renew())
    try:
        yield
    except Exception:
        # A fault (the database went away, ...): the delivery is retried, and need not wait for this lease to lapse.
        with suppress(Exception):
            async with pool.acquire() as conn:
                await submissions.release_lease(conn, id=submission_id, token=token)
        raise
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
