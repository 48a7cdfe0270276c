"""Ringing the workers' bell from the API: a message by actor name, so the API never imports the validation stack."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import dramatiq

from services.upload import Enqueue
from workers import broker as broker_module

log = logging.getLogger("secgov.api")
# Past this an upload answers without waiting for the broker; the scheduler's requeue job rings the bell later.
ENQUEUE_TIMEOUT_S = 5.0


def make_enqueue(broker: dramatiq.Broker, queue: str | None = None) -> Enqueue:
    """The bell: a message on `queue` (SECGOV_QUEUE) per stored upload; False when the broker is out of reach."""

    async def enqueue(submission_id: int, request_id: str) -> bool:
        try:
            # Bounded: with RabbitMQ refusing connections dramatiq and pika retry for ~20 s, and the upload is stored.
            await asyncio.wait_for(
                asyncio.to_thread(broker_module.enqueue_message, broker, submission_id, request_id, queue),
                timeout=ENQUEUE_TIMEOUT_S,
            )
        except Exception as e:  # noqa: BLE001 - the upload is stored; the scheduler re-rings the bell later
            log.warning(
                "broker unreachable (%s); submission %s waits for the reconciler", type(e).__name__, submission_id
            )
            return False
        return True

    return enqueue


def make_ping(broker: dramatiq.Broker) -> Callable[[], Awaitable[object]]:
    """A cheap reachability check of the broker for /readyz."""

    def ping() -> object:
        client = getattr(broker, "client", None)
        if client is not None:  # Redis
            return client.ping()
        import pika  # type: ignore[import-untyped]

        params = broker.parameters  # type: ignore[attr-defined]
        conn = pika.BlockingConnection(params[0] if isinstance(params, list) else params)
        conn.close()
        return True

    async def aping() -> object:
        return await asyncio.wait_for(asyncio.to_thread(ping), timeout=3)

    return aping
