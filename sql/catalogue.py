"""The report catalogue (versioned) and the working-day calendar, as data."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sql.db import Conn
from sql.errors import InvalidInput, NotFound, UnknownReportType
from sql.loader import execute, executemany, fetch, fetchrow, fetchval
from sql.rows import ReportTypeRow, ServiceLevelRow, from_record, from_records


async def report_types(conn: Conn) -> list[ReportTypeRow]:
    return from_records(ReportTypeRow, await fetch(conn, "catalogue.list"))


async def report_types_by_ids(conn: Conn, *, ids: list[int]) -> list[ReportTypeRow]:
    return from_records(ReportTypeRow, await fetch(conn, "catalogue.by_ids", ids=ids))


async def report_type(conn: Conn, *, code: str) -> ReportTypeRow:
    row = await fetchrow(conn, "catalogue.by_code", code=code)
    if row is None:
        raise UnknownReportType(f"no report type {code!r} in the catalogue", field="reportType")
    return from_record(ReportTypeRow, row)


async def service_levels(conn: Conn, *, ids: list[int]) -> list[ServiceLevelRow]:
    return from_records(ServiceLevelRow, await fetch(conn, "catalogue.service_levels_of", ids=ids))


async def amend(
    conn: Conn,
    *,
    id: int,
    actor: str,
    sec_clause: str | None = None,
    set_clause: bool = False,
    due_working_days: int | None = None,
    set_due: bool = False,
    tolerance_lower_pct: float | None = None,
    tolerance_upper_pct: float | None = None,
    obligation_from: str | None = None,
    tbc: list[str] | None = None,
    service_levels: Sequence[tuple[str, str | None, float | None, float | None]] = (),
) -> int:
    """Change a report type's parameters as a new version (snapshotted); returns the new version."""
    if await fetchval(conn, "catalogue.lock", id=id) is None:
        raise NotFound("no such report type", field="id")
    lower, upper = tolerance_lower_pct, tolerance_upper_pct
    if lower is not None and upper is not None and lower > upper:
        raise InvalidInput("the lower tolerance is above the upper one", field="toleranceLowerPct")
    for measure, provider, target, minimum in service_levels:
        await execute(
            conn,
            "catalogue.upsert_service_level",
            report_type_id=id,
            measure=measure,
            provider=provider,
            name=None,
            target_pct=target,
            minimum_pct=minimum,
        )
    version: int = await fetchval(
        conn,
        "catalogue.amend",
        id=id,
        actor=actor,
        sec_clause=sec_clause,
        set_clause=set_clause,
        due_working_days=due_working_days,
        set_due=set_due,
        tolerance_lower_pct=lower,
        tolerance_upper_pct=upper,
        obligation_from=obligation_from,
        tbc=tbc,
    )
    await execute(conn, "catalogue.snapshot", id=id, actor=actor)
    return version


async def write_bank_holidays(conn: Conn, holidays: list[tuple[date, str]]) -> None:
    await executemany(conn, "catalogue.write_bank_holiday", ({"day": d, "name": n} for d, n in holidays))


async def amend_calendar(conn: Conn, *, day: date, working: bool, reason: str, actor: str) -> int:
    if not reason.strip():
        raise InvalidInput("a calendar amendment needs a reason", field="reason")
    amendment: int = await fetchval(
        conn, "catalogue.amend_calendar", day=day, working=working, reason=reason, actor=actor
    )
    return amendment


async def non_working_days(conn: Conn, *, from_day: date, to_day: date) -> list[date]:
    return [r["day"] for r in await fetch(conn, "catalogue.non_working_between", from_day=from_day, to_day=to_day)]


async def due_at(conn: Conn, *, report_type_id: int, period: str) -> datetime | None:
    value: datetime | None = await fetchval(conn, "catalogue.due_at", report_type_id=report_type_id, period=period)
    return value
