"""What a month's Operations Report (section 1) reads from the register, as domain.operations' input."""

from __future__ import annotations

from datetime import date, timedelta

import asyncpg

from domain.errors import InvalidInput, InvalidPeriod
from domain.operations.model import Applicant, MonthFigures, PanelMeeting, PartyEvent, ReportInput
from domain.operations.report import months_to
from domain.periods import month_start
from domain.viewer import Viewer
from sql import parties
from sql.db import Conn
from sql.loader import fetch

MONTH_EVENTS = ["WITHDRAWAL", "DEFAULT_ENTERED", "EXPULSION"]
WINDOW_EVENTS = ["UEP_COMPLETED", "SREPT_COMPLETED", "UEPT_COMPLETED"]


def _events(rows: list[asyncpg.Record]) -> tuple[PartyEvent, ...]:
    return tuple(
        PartyEvent(
            r["party_id"],
            r["name"],
            r["category"],
            r["kind"],
            r["occurred_on"],
            r["user_role"],
            r["user_id"],
            r["note"],
        )
        for r in rows
    )


async def _between(conn: Conn, kinds: list[str], first_day: date, last_day: date) -> tuple[PartyEvent, ...]:
    rows = await fetch(conn, "operations_report.events_between", kinds=kinds, first_day=first_day, last_day=last_day)
    return _events(list(rows))


async def report_input(conn: Conn, *, month: str, viewer: Viewer, item: int | None = None) -> ReportInput:
    """Everything section 1 says for the month, as the viewer may see it."""
    try:
        first_day = month_start(month)
    except ValueError as e:
        raise InvalidPeriod(str(e), field="month") from None
    if first_day.year < 1901:  # Table 3 reaches back a year; no register holds months that old
        raise InvalidPeriod(f"{month!r} is before 1901", field="month")
    if item is not None and not 0 < item < 1000:
        raise InvalidInput(f"item {item} is not an agenda item number (1 to 999)", field="item")
    year_start, last_day = months_to(month)
    meetings = {
        r["which"]: PanelMeeting(r["id"], r["reference"], r["held_on"])
        for r in await fetch(conn, "operations_report.panel_meetings", month_end=last_day, **viewer.sql_args())
    }
    previous = meetings.get("previous")
    # The previous meeting took the report of the month before its own: "since the last SEC Panel meeting" starts on
    # the first day of that meeting's month (never after the report's own month starts).
    since = min(previous.held_on.replace(day=1), first_day) if previous else first_day
    applicants = tuple(
        Applicant(r["party_id"], r["name"], r["category"])
        for r in await fetch(conn, "operations_report.applicants", first_day=since, last_day=last_day)
    )
    before = await fetch(conn, "operations_report.in_default_on", day=first_day - timedelta(days=1))
    at_end = await fetch(conn, "operations_report.in_default_on", day=last_day)
    rows = await parties.membership_statistics(conn, from_month=year_start, to_month=first_day)
    membership = tuple(
        MonthFigures(
            r.month,
            r.accessions,
            r.in_default,
            r.withdrawals,
            r.expulsions,
            r.parties_at_month_end,
            r.voting_groups_at_month_end,
            dict(r.voting_groups_by_category),
            r.complete,
        )
        for r in rows
    )
    show_amber = viewer.may_see("AMBER", "PANEL")
    return ReportInput(
        month=month,
        first_day=first_day,
        last_day=last_day,
        since=since,
        panel_meeting=meetings.get("next"),
        previous_meeting=previous,
        applicants=applicants,
        month_events=await _between(conn, MONTH_EVENTS, first_day, last_day),
        window_events=await _between(conn, WINDOW_EVENTS, since, last_day),
        year_events=await _between(conn, [*MONTH_EVENTS, "DEFAULT_CURED"], year_start, last_day),
        in_default_before=frozenset(r["party_id"] for r in before),
        in_default_at_end=tuple(Applicant(r["party_id"], r["name"], r["category"]) for r in at_end),
        membership=membership,
        show_amber=show_amber,
        item=item,
    )
