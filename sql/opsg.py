"""The Operations Group's month: the reporting calendar and the rows of the OPSG table, one statement each."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sql.db import Conn
from sql.errors import InvalidInput
from sql.loader import fetch
from sql.rows import from_records

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def check_month(month: str) -> str:
    """'YYYY-MM', or InvalidInput."""
    month = month.strip()
    if not MONTH.fullmatch(month) or not "1900-01" <= month <= "9998-12":
        raise InvalidInput(f"month {month!r} is not of the form YYYY-MM", field="month")
    return month


@dataclass(frozen=True, slots=True)
class DueRow:
    """A report and period whose deadline falls in the month."""

    report_type_id: int
    report_type: str
    period: str
    due_at: datetime
    delivery: str
    submission_id: int | None


@dataclass(frozen=True, slots=True)
class Shortfall:
    """A PMR measure under its Target (or Minimum Service Level)."""

    subject: str
    actual_pct: float
    target_pct: float | None
    minimum_pct: float | None
    below: str  # TARGET or MINIMUM


@dataclass(frozen=True, slots=True)
class ExceptionNote:
    """An exception of the report and period, with the latest comment a reviewer (or the system) left on it."""

    rule_code: str
    subject: str
    severity: str
    status: str
    message: str
    comment: str | None
    comment_by: str | None
    comment_on: str | None  # DD/MM/YYYY, London


@dataclass(frozen=True, slots=True)
class TableRow:
    """One row of the OPSG table, with what Delivery, Content and Observations are written from."""

    report_type_id: int
    report_type: str
    report_name: str
    sec_clause: str | None
    cadence: str
    due_working_days: int | None
    tbc: list[str]
    tolerance_lower_pct: float | None
    tolerance_upper_pct: float | None
    period: str | None
    as_at: datetime
    delivery: str
    due_at: datetime | None
    first_received_at: datetime | None
    submission_id: int | None
    submission_status: str | None
    submission_received_at: datetime | None
    row_count: int | None
    variance_rows: int
    actual_total: Decimal | None
    forecast_total: Decimal | None
    ratio_pct: Decimal | None
    tolerance: str | None  # ABOVE, BELOW, WITHIN, or None (no band or no forecast)
    measures: int
    measures_checked: int
    measures_with_target: int
    providers: list[str]
    shortfalls: list[Shortfall]
    incidents: int
    incidents_resolved: int
    incidents_open: int
    exception_count: int
    exceptions: list[ExceptionNote]


def _table_row(record: Any) -> TableRow:
    values = dict(record.items())
    values["shortfalls"] = [Shortfall(**s) for s in values["shortfalls"]]
    values["exceptions"] = [ExceptionNote(**e) for e in values["exceptions"]]
    values["providers"] = sorted(values["providers"] or [])
    values["tbc"] = list(values["tbc"] or [])
    return TableRow(**values)


async def calendar(conn: Conn, *, month: str, as_at: datetime | None = None) -> list[DueRow]:
    """What is due in the month, with its delivery as at `as_at` (now by default)."""
    return from_records(DueRow, await fetch(conn, "opsg.calendar", month=check_month(month), as_at=as_at))


async def table(conn: Conn, *, month: str) -> list[TableRow]:
    """The OPSG table's rows for the month, judged as at the earlier of now and the month's end."""
    return [_table_row(r) for r in await fetch(conn, "opsg.table", month=check_month(month))]
