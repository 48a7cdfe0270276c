"""Raise missing reports: a MISSING_REPORT exception per report and period whose deadline passed with nothing
received, one however often the job runs (the scheduler's door calls this with its clock, tests with a fixed one).
"""

from __future__ import annotations

from datetime import datetime

from domain import missing_reports as missing
from sql import events, exceptions
from sql.db import Pool
from sql.exceptions import Raised
from sql.missing import Overdue, overdue


def raised(due: Overdue) -> Raised:
    """What is raised for one overdue report."""
    return Raised(
        missing.RULE,
        missing.SUBJECT,
        missing.SEVERITY,
        missing.missing_report_message(due.code, due.period, due.due_at, due.sec_clause),
        due.sec_clause,
        {"due_at": due.due_at.isoformat(), "period": due.period},
    )


async def raise_missing_reports(pool: Pool, *, now: datetime, lookback_days: int) -> list[int]:
    """Raise, in one transaction, what is overdue as at `now`; returns the ids of the exceptions newly flagged."""
    flagged: list[int] = []
    async with pool.acquire() as conn, conn.transaction():
        for due in await overdue(conn, now=now, lookback_days=lookback_days):
            new = await exceptions.apply_run(
                conn,
                report_type_id=due.report_type_id,
                period=due.period,
                raised=[raised(due)],
                submission_id=None,
                run_id=None,
                closes=False,
                closing_comment="",
                raised_again_comment=missing.RAISED_AGAIN,
            )
            if new:
                flagged += new
                await events.flagged(conn, new, due.code)
    return flagged
