"""What the store announces on its NOTIFY channel, one dataclass per kind, and their JSON on the wire.

A worker announces in the transaction that made the change (PostgreSQL delivers it at commit); each API process
LISTENs once and hands the decoded events to its subscribers (sql/listen.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from sql.db import Conn
from sql.loader import fetchval

# A NOTIFY payload must stay under 8,000 bytes: exception ids go out this many at a time.
IDS_PER_EVENT = 500


@dataclass(frozen=True, slots=True)
class SubmissionChanged:
    """A submission's status changed."""

    id: int
    status: str


@dataclass(frozen=True, slots=True)
class ExceptionsFlagged:
    """Exceptions of one report type were flagged (or reopened)."""

    ids: tuple[int, ...]
    report_type: str


Event = SubmissionChanged | ExceptionsFlagged
# The wire's "type" of each kind (the names the payloads have always had).
_TYPE_OF: dict[type[SubmissionChanged] | type[ExceptionsFlagged], str] = {
    SubmissionChanged: "submission",
    ExceptionsFlagged: "exceptions",
}


def encode(event: Event) -> str:
    if isinstance(event, SubmissionChanged):
        body: dict[str, Any] = {"id": event.id, "status": event.status}
    else:
        body = {"ids": list(event.ids), "report_type": event.report_type}
    return orjson.dumps({"type": _TYPE_OF[type(event)], **body}).decode()


def decode(payload: str | bytes) -> Event | None:
    """The event a payload carries; None for one that is not ours or not well formed."""
    try:
        found = orjson.loads(payload)
        if not isinstance(found, dict):
            return None
        kind = found.get("type")
        if kind == "submission":
            return SubmissionChanged(id=int(found["id"]), status=str(found["status"]))
        if kind == "exceptions":
            return ExceptionsFlagged(ids=tuple(int(i) for i in found["ids"]), report_type=str(found["report_type"]))
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None
    return None


async def notify(conn: Conn, event: Event) -> None:
    """Announce the event when the transaction commits; many flagged exceptions go out in several payloads."""
    if isinstance(event, ExceptionsFlagged) and len(event.ids) > IDS_PER_EVENT:
        for i in range(0, len(event.ids), IDS_PER_EVENT):
            await notify(conn, ExceptionsFlagged(event.ids[i : i + IDS_PER_EVENT], event.report_type))
        return
    await fetchval(conn, "exceptions.notify", payload=encode(event))


async def flagged(conn: Conn, ids: Sequence[int], report_type: str) -> None:
    """Announce newly flagged exceptions, if there are any."""
    if ids:
        await notify(conn, ExceptionsFlagged(tuple(ids), report_type))
