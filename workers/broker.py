"""The broker, from BROKER_URL: amqp:// → RabbitMQ, redis:// or unix:// → Redis. Imported before any actor."""

from __future__ import annotations

import os
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import dramatiq
from dramatiq.brokers.rabbitmq import RabbitmqBroker
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware import Middleware
from dramatiq.middleware.asyncio import AsyncIO

from workers.logs import RequestLogging

ACTOR = "validate_submission"
# Tests give each run its own queue; deployments keep the default.
QUEUE = os.environ.get("SECGOV_QUEUE", "validation")
WEBHOOK_ACTOR = "notify_webhook"
WEBHOOK_QUEUE = QUEUE + "_webhook"
# Dramatiq's own (lower-case) settings of its Prometheus exporter.
PROM_PORT, PROM_DB = "dramatiq_prom_port", "dramatiq_prom_db"


def make_broker(url: str, *, worker: bool = False) -> dramatiq.Broker:
    """The broker; `worker=True` in a worker process adds request-id logging and, when asked, Prometheus."""
    broker: dramatiq.Broker
    if url.startswith(("amqp://", "amqps://")):
        # Heartbeats keep a long validation from looking like a dead consumer.
        broker = RabbitmqBroker(url=_amqp_url(url))
    elif url.startswith(("redis://", "rediss://", "unix://")):
        # A dead worker's messages return to the queue once its heartbeat is this old (maintenance runs on a
        # share of commands, out of a million).
        broker = RedisBroker(  # type: ignore[no-untyped-call]
            url=url, heartbeat_timeout=int(os.environ.get("SECGOV_REDIS_HEARTBEAT_MS", "30000")),
            maintenance_chance=int(os.environ.get("SECGOV_REDIS_MAINTENANCE_CHANCE", "1000")),
            dead_message_ttl=7 * 24 * 3600 * 1000)
    else:
        raise ValueError(f"BROKER_URL must start with amqp://, redis:// or unix://, not {url.split(':')[0]!r}")
    broker.add_middleware(AsyncIO())
    if worker:
        broker.add_middleware(RequestLogging())
        exporter = prometheus()
        if exporter is not None:
            broker.add_middleware(exporter)
    return broker


def prometheus_env() -> bool:
    """Map SECGOV_WORKER_METRICS_PORT onto Dramatiq's setting; whether the exporter is wanted. Called in Dramatiq's
    main process too (`secgov worker`): the exporter runs in a process forked from that one, not from a worker."""
    port = os.environ.get("SECGOV_WORKER_METRICS_PORT")
    if port:
        os.environ[PROM_PORT] = port
    return bool(port or os.environ.get(PROM_PORT) or os.environ.get(PROM_DB))


def prometheus() -> Middleware | None:
    """Dramatiq's Prometheus middleware when SECGOV_WORKER_METRICS_PORT (or dramatiq's own dramatiq_prom_port /
    dramatiq_prom_db) is set: the worker serves its message metrics on that port (host: dramatiq_prom_host,
    default 0.0.0.0), one exporter per `secgov worker` command whatever its --processes."""
    if not prometheus_env():
        return None
    # Imported only now: the module reads its dramatiq_prom_* settings from the environment when imported.
    from dramatiq.middleware.prometheus import Prometheus

    return Prometheus()


def _amqp_url(url: str) -> str:
    """dramatiq refuses pika keyword parameters beside a URL: the defaults go in its query unless it sets them."""
    parts = urlsplit(url)
    defaults = {"heartbeat": "60", "connection_attempts": "3", "blocked_connection_timeout": "30"}
    return urlunsplit(parts._replace(query=urlencode({**defaults, **dict(parse_qsl(parts.query))})))


def from_env(*, worker: bool = False) -> dramatiq.Broker:
    url = os.environ.get("BROKER_URL")
    if not url:
        raise RuntimeError("BROKER_URL is not set (amqp://... for RabbitMQ, redis://... for Redis)")
    return make_broker(url, worker=worker)


def enqueue_message(broker: dramatiq.Broker, submission_id: int, request_id: str | None = None) -> None:
    """Ring the bell for a submission without importing the actor (and so the validation stack)."""
    message: dramatiq.Message[object] = dramatiq.Message(
        queue_name=QUEUE, actor_name=ACTOR, args=(submission_id,), kwargs={},
        options={"request_id": request_id} if request_id else {})
    broker.enqueue(message)


def enqueue_webhook(broker: dramatiq.Broker, exception_id: int) -> None:
    broker.enqueue(dramatiq.Message(queue_name=WEBHOOK_QUEUE, actor_name=WEBHOOK_ACTOR, args=(exception_id,),
                                    kwargs={}, options={}))
