"""Reporting periods and months: `YYYY-MM` for monthly reports, `YYYY-Qn` (calendar quarters) for quarterly ones."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from domain.errors import InvalidPeriod

# Deadlines, "today" and every date shown to a person are in Great Britain's time.
LONDON = ZoneInfo("Europe/London")
# The shape of a period; the ranges (month 01-12, quarter 1-4) are checked by whoever parses it.
PERIOD = re.compile(r"(?P<year>[0-9]{4})-(?:(?P<month>[0-9]{2})|Q(?P<quarter>[0-9]))")
FIRST_YEAR, LAST_YEAR = 2000, 2100
# A calendar month, as the register's statistics and the OPSG table are asked for.
MONTH = re.compile(r"(?P<year>[0-9]{4})-(?P<month>0[1-9]|1[0-2])")


def today() -> date:
    """Today in Great Britain."""
    return datetime.now(LONDON).date()


def check_period(period: str, cadence: str) -> str:
    """The period, stripped, when it is a real period of the report's cadence; InvalidPeriod saying why otherwise."""
    text = period.strip()
    m = PERIOD.fullmatch(text)
    month, quarter = (m["month"], m["quarter"]) if m else (None, None)
    if (
        not m
        or not FIRST_YEAR <= int(m["year"]) <= LAST_YEAR
        or (month is not None and not 1 <= int(month) <= 12)
        or (quarter is not None and not 1 <= int(quarter) <= 4)
    ):
        raise InvalidPeriod(
            f"{period!r} is not a period: use YYYY-MM, or YYYY-Qn for quarterly reports", field="period"
        )
    if cadence == "QUARTERLY" and quarter is None:
        raise InvalidPeriod(f"this report is quarterly: the period is YYYY-Qn, not {period!r}", field="period")
    if cadence == "MONTHLY" and month is None:
        raise InvalidPeriod(f"this report is monthly: the period is YYYY-MM, not {period!r}", field="period")
    return text


def month_start(text: str) -> date:
    """The first day of a month written YYYY-MM; ValueError saying so for anything else."""
    m = MONTH.fullmatch(text)
    if m is None or m["year"] == "0000":
        raise ValueError(f"{text!r} is not a month (YYYY-MM)")
    return date(int(m["year"]), int(m["month"]), 1)
