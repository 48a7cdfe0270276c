"""The scheduler's door to raising missing reports (services.missing): the clock comes from here."""

from __future__ import annotations

from datetime import datetime

from services.missing import raise_missing_reports
from sql.db import Pool


async def raise_missing(pool: Pool, *, now: datetime, lookback_days: int) -> list[int]:
    """Raise what is overdue as at `now` (the scheduler passes the clock, tests a fixed one); returns new ids."""
    return await raise_missing_reports(pool, now=now, lookback_days=lookback_days)
