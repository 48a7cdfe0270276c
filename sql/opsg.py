"""The Operations Group's month: the reporting calendar, the rows of the OPSG table, its meeting and the
observations OPSG records per report and period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from domain.opsg.dates_numbers import month_end
from domain.opsg.model import (
    ExceptionNote,
    FollowUpNote,
    Meeting,
    MonthInput,
    Observation,
    ObservationEntry,
    ReportRow,
    Shortfall,
)
from domain.periods import check_period, month_start
from domain.viewer import Viewer
from sql import catalogue
from sql.db import Conn
from sql.errors import InvalidInput
from sql.loader import fetch, fetchrow
from sql.rows import from_records


def check_month(month: str) -> str:
    """'YYYY-MM', or InvalidInput."""
    month = month.strip()
    try:
        month_start(month)
    except ValueError:
        raise InvalidInput(f"month {month!r} is not of the form YYYY-MM", field="month") from None
    if not "1900-01" <= month <= "9998-12":
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


def _table_row(record: Any) -> ReportRow:
    v = dict(record.items())
    observation = None
    if v["observation_id"] is not None:
        observation = Observation(
            id=v["observation_id"],
            report_type=v["report_type"],
            period=v["period"],
            text=v["observation_text"],
            recorded_by=v["observation_by"],
            recorded_at=v["observation_at"],
        )
    return ReportRow(
        report_type_id=v["report_type_id"],
        report_type=v["report_type"],
        report_name=v["report_name"],
        sec_clause=v["sec_clause"],
        cadence=v["cadence"],
        due_working_days=v["due_working_days"],
        tbc=tuple(v["tbc"] or ()),
        delivery_wording=v["delivery_wording"],
        content_lead_in=v["content_lead_in"],
        table_order=v["table_order"],
        period=v["period"],
        as_at=v["as_at"],
        delivery=v["delivery"],
        due_at=v["due_at"],
        first_received_at=v["first_received_at"],
        submission_id=v["submission_id"],
        submission_status=v["submission_status"],
        submission_received_at=v["submission_received_at"],
        row_count=v["row_count"],
        variance_rows=v["variance_rows"],
        actual_total=v["actual_total"],
        forecast_total=v["forecast_total"],
        ratio_pct=v["ratio_pct"],
        tolerance=v["tolerance"],
        measures=v["measures"],
        measures_checked=v["measures_checked"],
        measures_no_data=v["measures_no_data"],
        providers=tuple(sorted(v["providers"] or ())),
        shortfalls=tuple(Shortfall(**x) for x in v["shortfalls"]),
        incidents=v["incidents"],
        incidents_resolved=v["incidents_resolved"],
        incidents_open=v["incidents_open"],
        exception_count=v["exception_count"],
        exceptions=tuple(ExceptionNote(**x) for x in v["exceptions"]),
        observation=observation,
    )


async def calendar(conn: Conn, *, month: str, as_at: datetime | None = None) -> list[DueRow]:
    """What is due in the month, with its delivery as at `as_at` (now by default)."""
    return from_records(DueRow, await fetch(conn, "opsg.calendar", month=check_month(month), as_at=as_at))


async def table(conn: Conn, *, month: str, viewer: Viewer) -> list[ReportRow]:
    """The OPSG table's rows for the month, judged as at the earlier of now and the month's end."""
    return [_table_row(r) for r in await fetch(conn, "opsg.table", month=check_month(month), **viewer.sql_args())]


async def month_input(conn: Conn, *, month: str, viewer: Viewer) -> MonthInput:
    """Everything the month's table is written from: its rows, the month's OPSG meeting (the one at which the table
    was recorded, when there is one the viewer may see) and the follow-ups it carries, as the viewer may see them."""
    month = check_month(month)
    records = await fetch(conn, "opsg.table", month=month, **viewer.sql_args())
    rows = tuple(_table_row(r) for r in records)
    first = records[0] if records else None
    meeting = None
    if first is not None and first["meeting_id"] is not None:
        meeting = Meeting(
            id=first["meeting_id"], reference=first["meeting_reference"], held_on=first["meeting_held_on"]
        )
    elif first is None:  # an empty catalogue: no rows to carry the meeting
        found = await fetchrow(conn, "opsg.meeting", month=month, **viewer.sql_args())
        meeting = Meeting(id=found["id"], reference=found["reference"], held_on=found["held_on"]) if found else None
    carried: tuple[FollowUpNote, ...] = ()
    if first is not None:
        if first["recorded_meeting_id"] is not None:
            meeting = Meeting(
                id=first["recorded_meeting_id"],
                reference=first["recorded_meeting_reference"],
                held_on=first["recorded_meeting_held_on"],
            )
        carried = tuple(_follow_up(f) for f in first["follow_ups"])
    as_at = rows[0].as_at if rows else min(datetime.now(UTC), month_end(month))
    return MonthInput(month=month, as_at=as_at, rows=rows, meeting=meeting, follow_ups=carried)


def _follow_up(f: dict[str, Any]) -> FollowUpNote:
    """A follow-up as the table's statement gives it (JSON: dates as ISO text)."""
    return FollowUpNote(
        id=f["id"],
        reference=f["reference"],
        text=f["text"],
        owner=f["owner"],
        due_on=date.fromisoformat(f["due_on"]) if f["due_on"] else None,
        report_type=f["report_type"],
        period=f["period"],
        closed_at=datetime.fromisoformat(f["closed_at"]) if f["closed_at"] else None,
        closing_comment=f["closing_comment"],
    )


def _observation(record: Any) -> Observation:
    return Observation(**dict(record.items()))


async def record_observation(conn: Conn, *, report_type: str, period: str, text: str, actor: str) -> Observation:
    """Replace the observation of a report and period (an empty text clears it); the history keeps every version."""
    rt = await catalogue.report_type(conn, code=report_type)
    period = check_period(period, rt.cadence)
    found = await fetchrow(
        conn, "opsg.record_observation", report_type=rt.code, period=period, text=text.strip(), actor=actor
    )
    assert found is not None
    return _observation(found)


async def observations_by_ids(conn: Conn, *, ids: list[int]) -> list[Observation]:
    return [_observation(r) for r in await fetch(conn, "opsg.observations_by_ids", ids=ids)]


async def observation_history(conn: Conn, *, ids: list[int]) -> list[tuple[int, ObservationEntry]]:
    """(observation id, entry) for each version, oldest first."""
    return [
        (r["observation_id"], ObservationEntry(at=r["at"], actor=r["actor"], text=r["text"]))
        for r in await fetch(conn, "opsg.observation_history", ids=ids)
    ]
