"""The broker, from the settings' BROKER_URL: amqp:// → RabbitMQ, redis:// or unix:// → Redis. Imported before any
actor."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import dramatiq
from dramatiq.brokers.rabbitmq import RabbitmqBroker
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware import Middleware
from dramatiq.middleware.asyncio import AsyncIO

from domain.settings import Settings
from workers.logs import RequestLogging

ACTOR = "validate_submission"
# The queue a message goes to when the caller names none (the settings' SECGOV_QUEUE default).
QUEUE = Settings().queue
WEBHOOK_ACTOR = "notify_webhook"


def make_broker(url: str, *, worker: bool = False, settings: Settings | None = None) -> dramatiq.Broker:
    """The broker; `worker=True` in a worker process adds request-id logging and, when the settings ask, Prometheus."""
    settings = settings or Settings()
    broker: dramatiq.Broker
    if url.startswith(("amqp://", "amqps://")):
        # Heartbeats keep a long validation from looking like a dead consumer.
        broker = RabbitmqBroker(url=_amqp_url(url))
    elif url.startswith(("redis://", "rediss://", "unix://")):
        # A dead worker's messages return to the queue once its heartbeat is this old (maintenance runs on a
        # share of commands, out of a million).
        broker = RedisBroker(  # type: ignore[no-untyped-call]
            url=url,
            heartbeat_timeout=settings.redis_heartbeat_ms,
            maintenance_chance=settings.redis_maintenance_chance,
            dead_message_ttl=7 * 24 * 3600 * 1000,
        )
    else:
        raise ValueError(f"BROKER_URL must start with amqp://, redis:// or unix://, not {url.split(':')[0]!r}")
    broker.add_middleware(AsyncIO())
    if worker:
        broker.add_middleware(RequestLogging())
        if settings.worker_metrics_port is not None:
            broker.add_middleware(prometheus())
    return broker


def dramatiq_env(settings: Settings) -> dict[str, str]:
    """Dramatiq's own (lower-case) environment settings that follow from ours, for the `secgov worker` process."""
    env: dict[str, str] = {}
    if settings.worker_metrics_port is not None:
        env["dramatiq_prom_port"] = str(settings.worker_metrics_port)
    if not (settings.broker_url or "").startswith("amqp"):
        # Redis's default prefetch of 2 per thread leaves the worker idle between messages (10x slower).
        env["dramatiq_queue_prefetch"] = "32"
        # An idle Redis consumer polls with backoff up to this many ms: keep the first message's wait short.
        env["dramatiq_worker_timeout"] = "200"
    return env


def prometheus() -> Middleware:
    """Dramatiq's Prometheus middleware, asked for by SECGOV_WORKER_METRICS_PORT: the worker serves its message
    metrics on that port (host: dramatiq_prom_host, default 0.0.0.0), one exporter per `secgov worker` command
    whatever its --processes (the exporter runs in a process forked from Dramatiq's main process)."""
    # Imported only now: the module reads its dramatiq_prom_* settings (dramatiq_env) when imported.
    from dramatiq.middleware.prometheus import Prometheus

    return Prometheus()


def _amqp_url(url: str) -> str:
    """dramatiq refuses pika keyword parameters beside a URL: the defaults go in its query unless it sets them."""
    parts = urlsplit(url)
    defaults = {"heartbeat": "60", "connection_attempts": "3", "blocked_connection_timeout": "30"}
    return urlunsplit(parts._replace(query=urlencode({**defaults, **dict(parse_qsl(parts.query))})))


def from_settings(settings: Settings, *, worker: bool = False) -> dramatiq.Broker:
    if not settings.broker_url:
        raise RuntimeError("BROKER_URL is not set (amqp://... for RabbitMQ, redis://... for Redis)")
    return make_broker(settings.broker_url, worker=worker, settings=settings)


def enqueue_message(
    broker: dramatiq.Broker, submission_id: int, request_id: str | None = None, queue: str | None = None
) -> None:
    """Ring the bell for a submission without importing the actor (and so the validation stack)."""
    message: dramatiq.Message[object] = dramatiq.Message(
        queue_name=queue or QUEUE,
        actor_name=ACTOR,
        args=(submission_id,),
        kwargs={},
        options={"request_id": request_id} if request_id else {},
    )
    broker.enqueue(message)


def enqueue_webhook(broker: dramatiq.Broker, exception_id: int, queue: str | None = None) -> None:
    broker.enqueue(
        dramatiq.Message(
            queue_name=(queue or QUEUE) + "_webhook",
            actor_name=WEBHOOK_ACTOR,
            args=(exception_id,),
            kwargs={},
            options={},
        )
    )
