"""The API's logs: the lines of workers/logs.py (JSON, or readable on a terminal), uvicorn's own loggers routed
into them, and one access line per request carrying its request id (the same id the worker logs for the upload's
message)."""

from __future__ import annotations

import logging

from workers.logs import REQUEST_ID, JsonFormatter
from workers.logs import configure as configure_lines

__all__ = ["REQUEST_ID", "JsonFormatter", "access", "configure"]

log = logging.getLogger("secgov.access")


def configure(level: int | str = logging.INFO) -> logging.Handler:
    """Log lines on standard error for the whole process, uvicorn's loggers included (run it with log_config=None
    and access_log=False: the edge writes the access line)."""
    handler = configure_lines(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    return handler


def access(
    *,
    method: str,
    path: str,
    status: int,
    seconds: float,
    kind: str,
    operation: str,
    client: str | None,
    key: str | None,
) -> None:
    """One line per request; the request id comes from the context the edge set."""
    level = logging.WARNING if status >= 500 else logging.INFO
    log.log(
        level,
        "%s %s %d",
        method,
        path,
        status,
        extra={
            "method": method,
            "path": path,
            "status": status,
            "duration_ms": round(seconds * 1000, 2),
            "kind": kind,
            "operation": operation,
            "client": client,
            "key": key,
        },
    )
