"""The exceptions' statuses over time, counted in the store (a chart needs the counts, not the exceptions)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sql.db import Conn
from sql.loader import fetch, fetchrow


@dataclass(frozen=True, slots=True)
class Span:
    first_at: datetime
    last_at: datetime
    exceptions: int


async def span(conn: Conn) -> Span | None:
    """When the first and the last status change happened, and over how many exceptions; None when there are none."""
    r = await fetchrow(conn, "exception_status.span")
    if r is None or r["first_at"] is None:
        return None
    return Span(r["first_at"], r["last_at"], r["exceptions"])


async def counts_at(conn: Conn, *, ends: Sequence[datetime]) -> dict[tuple[datetime, str], int]:
    """(instant, status) → how many exceptions stood in that status just before the instant."""
    rows = await fetch(conn, "exception_status.at_ends", ends=list(ends))
    return {(r["end_at"], r["status"]): r["n"] for r in rows}
