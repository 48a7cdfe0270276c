"""The broker, from BROKER_URL: amqp:// → RabbitMQ, redis:// or unix:// → Redis. Imported before any actor."""

from __future__ import annotations

import os
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import dramatiq
from dramatiq.brokers.rabbitmq import RabbitmqBroker
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware.asyncio import AsyncIO

ACTOR = "validate_submission"
# Tests give each run its own queue; deployments keep the default.
QUEUE = os.environ.get("SECGOV_QUEUE", "validation")
WEBHOOK_ACTOR = "notify_webhook"
WEBHOOK_QUEUE = QUEUE + "_webhook"


def make_broker(url: str) -> dramatiq.Broker:
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
    return broker


def _amqp_url(url: str) -> str:
    """dramatiq refuses pika keyword parameters beside a URL: the defaults go in its query unless it sets them."""
    parts = urlsplit(url)
    defaults = {"heartbeat": "60", "connection_attempts": "3", "blocked_connection_timeout": "30"}
    return urlunsplit(parts._replace(query=urlencode({**defaults, **dict(parse_qsl(parts.query))})))


def from_env() -> dramatiq.Broker:
    url = os.environ.get("BROKER_URL")
    if not url:
        raise RuntimeError("BROKER_URL is not set (amqp://... for RabbitMQ, redis://... for Redis)")
    return make_broker(url)


def enqueue_message(broker: dramatiq.Broker, submission_id: int, request_id: str | None = None) -> None:
    """Ring the bell for a submission without importing the actor (and so the validation stack)."""
    message: dramatiq.Message[object] = dramatiq.Message(
        queue_name=QUEUE, actor_name=ACTOR, args=(submission_id,), kwargs={},
        options={"request_id": request_id} if request_id else {})
    broker.enqueue(message)


def enqueue_webhook(broker: dramatiq.Broker, exception_id: int) -> None:
    broker.enqueue(dramatiq.Message(queue_name=WEBHOOK_QUEUE, actor_name=WEBHOOK_ACTOR, args=(exception_id,),
                                    kwargs={}, options={}))
