"""Logs with the request id that follows an upload from the API into the worker: one JSON object a line for log
collectors, readable lines for a person at a terminal.

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
# In a worker: the message being processed (actor, message id, queue), so every line logged while handling it says so.
MESSAGE: ContextVar[dict[str, Any] | None] = ContextVar("secgov_message", default=None)

# What every LogRecord has; anything else on a record came from `extra=` and goes into the line as it is.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}


def _line(record: logging.LogRecord, formatter: logging.Formatter) -> dict[str, Any]:
    """time, level, logger, message and request_id; `extra=` fields beside them; the traceback if any."""
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
    for key, value in (MESSAGE.get() or {}).items():
        line.setdefault(key, value)
    if record.exc_info:
        line["exception"] = formatter.formatException(record.exc_info)
    return line


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message and request_id on every line; `extra=` fields beside."""

    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(_line(record, self), default=str, ensure_ascii=False)


class ReadableFormatter(logging.Formatter):
    """The same fields for a person: `12:00:01.234 INFO  secgov.access  POST /graphql 200  request_id=… key=…`
    (local time, fields that are empty or already in the message left out, the traceback below the line)."""

    def format(self, record: logging.LogRecord) -> str:
        line = _line(record, self)
        when = datetime.fromtimestamp(record.created).strftime("%H:%M:%S.%f")[:-3]
        message = line.pop("message")
        head = f"{when} {line.pop('level'):<7} {line.pop('logger')}  {message}"
        line.pop("time")
        trace = line.pop("exception", None)
        # Left out: empty fields, those the message already says (method, path, status), uvicorn's colour copy.
        rest = "  ".join(
            f"{k}={v}"
            for k, v in line.items()
            if v is not None and v != "" and k != "color_message" and str(v) not in message
        )
        text = f"{head}  {rest}" if rest else head
        return f"{text}\n{trace}" if trace else text


# Decided once per process tree: a Dramatiq worker process logs into a pipe to its main process, which writes to
# the terminal, so the forked worker keeps the choice its main process made when it configured logging first.
_readable: bool | None = None


def configure(level: int | str = logging.INFO, stream: IO[str] | None = None) -> logging.Handler:
    """Send every logger's records to `stream` (standard error by default), replacing other handlers: readable
    lines when the process first logged to a terminal, JSON lines otherwise (files, pipes, log collectors)."""
    global _readable
    stream = stream or sys.stderr
    if _readable is None:
        _readable = stream.isatty()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(ReadableFormatter() if _readable else JsonFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("pika").setLevel(logging.WARNING)
    return handler


log = logging.getLogger("secgov.worker")


class RequestLogging(Middleware):
    """In a worker process: logs as configured, and one line as each message starts and ends, carrying its request id.

    The request id travels in the message's options (api/bell.py puts it there). It and the message's actor, id
    and queue are set in context variables for the message's duration, so every line logged while handling it
    carries them too (the AsyncIO middleware runs
    the actor with a copy of this thread's context).
    """

    def after_process_boot(self, broker: dramatiq.Broker) -> None:
        # Dramatiq has pointed standard error at the pipe its main process reads; log there (as the main
        # process chose: readable on a terminal, JSON otherwise).
        configure()

    def before_process_message(self, broker: dramatiq.Broker, message: MessageProxy) -> None:
        REQUEST_ID.set(message.options.get("request_id"))
        MESSAGE.set({"actor": message.actor_name, "message_id": message.message_id, "queue": message.queue_name})
        log.info("message started", extra=_fields(message))

    def after_process_message(
        self,
        broker: dramatiq.Broker,
        message: MessageProxy,
        *,
        result: Any = None,
        exception: BaseException | None = None,
    ) -> None:
        if exception is None:
            log.info("message done", extra=_fields(message))
        else:
            log.warning("message failed: %s", type(exception).__name__, extra=_fields(message))
        REQUEST_ID.set(None)
        MESSAGE.set(None)

    def after_skip_message(self, broker: dramatiq.Broker, message: MessageProxy) -> None:
        log.info("message skipped", extra=_fields(message))
        REQUEST_ID.set(None)
        MESSAGE.set(None)


def _fields(message: MessageProxy) -> dict[str, Any]:
    args = message.args
    return {
        "actor": message.actor_name,
        "message_id": message.message_id,
        "queue": message.queue_name,
        "submission_id": args[0] if args and message.actor_name == "validate_submission" else None,
        "retries": message.options.get("retries", 0),
    }
