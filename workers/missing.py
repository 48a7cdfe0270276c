"""MISSING_REPORT: a deadline passed with nothing received; one exception per report and period however often."""

from __future__ import annotations

from datetime import datetime

from domain.exception_lifecycle import STILL_MISSING, missing_report
from services.raising import raise_and_close
from sql import events
from sql.db import Pool
from sql.loader import fetch


async def raise_missing(pool: Pool, *, now: datetime, lookback_days: int) -> list[int]:
    """Raise what is overdue as at `now` (the scheduler passes the clock, tests a fixed one); returns new ids."""
    flagged: list[int] = []
    async with pool.acquire() as conn, conn.transaction():
        for due in await fetch(conn, "missing.overdue", now=now, lookback_days=lookback_days):
            raised = missing_report(
                code=due["code"], period=due["period"], due_at=due["due_at"], sec_clause=due["sec_clause"]
            )
            new = await raise_and_close(
                conn,
                report_type_id=due["report_type_id"],
                period=due["period"],
                raised=[raised],
                submission_id=None,
                run_id=None,
                effect=STILL_MISSING,
            )
            if new:
                flagged += new
                await events.flagged(conn, new, due["code"])
    return flagged
