"""Raise missing reports: a MISSING_REPORT exception per report and period whose deadline passed with nothing
received, one however often the job runs (the scheduler's door calls this with its clock, tests with a fixed one).
"""

from __future__ import annotations

from datetime import datetime

from domain.exception_lifecycle import STILL_MISSING, missing_report
from services.raising import raise_and_close
from sql import events
from sql.db import Pool
from sql.missing import overdue


async def raise_missing_reports(pool: Pool, *, now: datetime, lookback_days: int) -> list[int]:
    """Raise, in one transaction, what is overdue as at `now`; returns the ids of the exceptions newly flagged."""
    flagged: list[int] = []
    async with pool.acquire() as conn, conn.transaction():
        for due in await overdue(conn, now=now, lookback_days=lookback_days):
            raised = missing_report(code=due.code, period=due.period, due_at=due.due_at, sec_clause=due.sec_clause)
            new = await raise_and_close(
                conn,
                report_type_id=due.report_type_id,
                period=due.period,
                raised=[raised],
                submission_id=None,
                run_id=None,
                effect=STILL_MISSING,
            )
            if new:
                flagged += new
                await events.flagged(conn, new, due.code)
    return flagged
