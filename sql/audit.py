"""The audit log: who did what, when, from where and with what outcome; append-only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.limits import MAX_ID_CHARS
from sql.db import Conn
from sql.loader import fetch, fetchval
from sql.rows import from_records

ACTIONS = ("MUTATION", "UPLOAD")
OK = "OK"
MAX_TARGETS = 20


@dataclass(frozen=True, slots=True)
class AuditRow:
    id: int
    at: datetime
    key_name: str
    role: str
    action: str
    operation: str
    operation_name: str | None
    target_ids: list[str]
    client_address: str | None
    request_id: str | None
    outcome: str


@dataclass(frozen=True, slots=True)
class AuditFilter:
    key_name: str | None = None
    role: str | None = None
    action: str | None = None
    operation: str | None = None
    outcome: str | None = None
    request_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def args(self) -> dict[str, object]:
        return {
            "key_name": self.key_name,
            "role": self.role,
            "action": self.action,
            "operation": self.operation,
            "outcome": self.outcome,
            "request_id": self.request_id,
            "since": self.since,
            "until": self.until,
        }


async def record(
    conn: Conn,
    *,
    key_name: str,
    role: str,
    action: str,
    operation: str,
    outcome: str,
    operation_name: str | None = None,
    target_ids: list[str] | None = None,
    client_address: str | None = None,
    request_id: str | None = None,
) -> int:
    """One entry; at most MAX_TARGETS ids (the rest are not worth a large row), each cut to the length of an ID (a
    longer one was refused as malformed: its first characters are enough to say what was sent)."""
    targets = [t[:MAX_ID_CHARS] for t in dict.fromkeys(target_ids or ())][:MAX_TARGETS]
    entry: int = await fetchval(
        conn,
        "audit.insert",
        key_name=key_name,
        role=role,
        action=action,
        operation=operation[:200],
        operation_name=(operation_name or None) and operation_name[:200],
        target_ids=targets,
        client_address=client_address,
        request_id=request_id,
        outcome=outcome,
    )
    return entry


async def page(
    conn: Conn,
    *,
    after: int | None,
    limit: int,
    where: AuditFilter,
    before: int | None = None,
    backward: bool = False,
) -> list[AuditRow]:
    """A page; `backward`: the page before `before`, nearest first."""
    name = "audit.page_backward" if backward else "audit.page"
    return from_records(AuditRow, await fetch(conn, name, after=after, before=before, limit=limit, **where.args()))


async def count(conn: Conn, *, where: AuditFilter) -> int:
    total: int = await fetchval(conn, "audit.count", **where.args())
    return total
