"""Structured logs: one JSON object a line, with the request id that follows an upload from the API into the worker.

Here (not in api) because workers may not import api; the API's own logging (api/logs.py) builds on it.
"""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import IO, Any

import dramatiq
from dramatiq.broker import MessageProxy
from dramatiq.middleware import Middleware

# The id of the request being served (API) or of the request that enqueued the message being processed (worker).
REQUEST_ID: ContextVar[str | None] = ContextVar("secgov_request_id", default=None)

# What every LogRecord has; anything else on a record came from `extra=` and goes into the line as it is.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    """time, level, logger, message and request_id on every line; `extra=` fields beside them."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or REQUEST_ID.get(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in line:
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


def configure(level: int | str = logging.INFO, stream: IO[str] | None = None) -> logging.Handler:
    """Send every logger's records to `stream` (standard error by default) as JSON lines, replacing other handlers."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("pika").setLevel(logging.WARNING)
    return handler


log = logging.getLogger("secgov.worker")


class RequestLogging(Middleware):
    """In a worker process: JSON logs, and one line as each message starts and ends, carrying its request id.

    The request id travels in the message's options (api/bell.py puts it there). It is set in a context variable
    for the message's duration, so every line logged while handling it carries it too (the AsyncIO middleware runs
    the actor with a copy of this thread's context).
    """

    def after_process_boot(self, broker: dramatiq.Broker) -> None:
        # Dramatiq has pointed standard error at the pipe its main process reads; log there, as JSON.
        configure()

    def before_process_message(self, broker: dramatiq.Broker, message: MessageProxy) -> None:
        REQUEST_ID.set(message.options.get("request_id"))
        log.info("message started", extra=_fields(message))

    def after_process_message(self, broker: dramatiq.Broker, message: MessageProxy, *,
                              result: Any = None, exception: BaseException | None = None) -> None:
        if exception is None:
            log.info("message done", extra=_fields(message))
        else:
            log.warning("message failed: %s", type(exception).__name__, extra=_fields(message))
        REQUEST_ID.set(None)

    def after_skip_message(self, broker: dramatiq.Broker, message: MessageProxy) -> None:
        log.info("message skipped", extra=_fields(message))
        REQUEST_ID.set(None)


def _fields(message: MessageProxy) -> dict[str, Any]:
    args = message.args
    return {"actor": message.actor_name, "message_id": message.message_id, "queue": message.queue_name,
            "submission_id": args[0] if args and message.actor_name == "validate_submission" else None,
            "retries": message.options.get("retries", 0)}
