"""Report periods owed and not received: the deadlines passed within a look-back window with nothing stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sql.db import Conn
from sql.loader import fetch
from sql.rows import from_records


@dataclass(frozen=True, slots=True)
class Overdue:
    report_type_id: int
    code: str
    sec_clause: str | None
    period: str
    due_at: datetime


async def overdue(conn: Conn, *, now: datetime, lookback_days: int) -> list[Overdue]:
    """Deadlines passed as at `now`, within `lookback_days`, with nothing (not REJECTED) received."""
    return from_records(Overdue, await fetch(conn, "missing.overdue", now=now, lookback_days=lookback_days))
