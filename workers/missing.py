"""MISSING_REPORT: a deadline passed with nothing received; one exception per report and period however often."""

from __future__ import annotations

from datetime import datetime

from domain.periods import LONDON
from sql import events, exceptions
from sql.db import Pool
from sql.exceptions import Raised
from sql.loader import fetch

SUBJECT = "REPORT"


async def raise_missing(pool: Pool, *, now: datetime, lookback_days: int) -> list[int]:
    """Raise what is overdue as at `now` (the scheduler passes the clock, tests a fixed one); returns new ids."""
    flagged: list[int] = []
    async with pool.acquire() as conn, conn.transaction():
        for due in await fetch(conn, "missing.overdue", now=now, lookback_days=lookback_days):
            # People read London time: the deadline is the end of the due day there.
            when = f"the end of {due['due_at'].astimezone(LONDON):%d/%m/%Y} (London time)"
            raised = Raised(
                "MISSING_REPORT",
                SUBJECT,
                "HIGH",
                f"{due['code']} for {due['period']} was due by {when} and has not been received"
                + (f" (SEC {due['sec_clause']})" if due["sec_clause"] else ""),
                due["sec_clause"],
                {"due_at": due["due_at"].isoformat(), "period": due["period"]},
            )
            new = await exceptions.apply_run(
                conn,
                report_type_id=due["report_type_id"],
                period=due["period"],
                raised=[raised],
                submission_id=None,
                run_id=None,
                closes=False,
                closing_comment="",
                raised_again_comment="still missing",
            )
            if new:
                flagged += new
                await events.flagged(conn, new, due["code"])
    return flagged
