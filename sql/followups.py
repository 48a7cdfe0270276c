"""Follow-ups: the actions a body's meeting asks for, with an owner, a due date and what they concern; closed with a
comment; flagged once when overdue. Also the meeting at which a month's OPSG table was recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from domain.meeting import OverdueFollowUp
from domain.opsg.model import Meeting
from domain.review import RESOLVED_BY_A_RUN
from domain.viewer import Viewer
from sql.db import Conn
from sql.exceptions import add_history
from sql.loader import execute, fetch, fetchrow, fetchval
from sql.rows import MeetingRow, from_record, from_records


@dataclass(frozen=True, slots=True)
class FollowUpRow:
    id: int
    reference: str
    meeting_id: int
    body_code: str
    text: str
    owner: str | None
    owner_party_id: int | None
    status: str
    due_on: date | None
    classification: str
    report_type: str | None
    report_type_id: int | None
    period: str | None
    exception_id: int | None
    closed_at: datetime | None
    closed_by: str | None
    closing_comment: str | None
    overdue_flagged_at: datetime | None


@dataclass(frozen=True, slots=True)
class NewFollowUp:
    text: str
    owner: str
    owner_party_id: int | None
    due_on: date
    report_type_id: int | None
    period: str | None
    exception_id: int | None


async def meeting(conn: Conn, *, id: int, viewer: Viewer) -> MeetingRow | None:
    """The meeting, when the viewer may see it (one hidden from them answers as one that does not exist)."""
    found = await fetchrow(conn, "followups.meeting", id=id, **viewer.sql_args())
    return from_record(MeetingRow, found) if found else None


async def next_number(conn: Conn, *, meeting_id: int) -> int:
    n: int = await fetchval(conn, "followups.next_number", meeting_id=meeting_id)
    return n


async def insert(conn: Conn, *, reference: str, meeting: MeetingRow, new: NewFollowUp) -> int:
    """One follow-up of the meeting, classified as the meeting is."""
    pk: int = await fetchval(
        conn,
        "followups.insert",
        reference=reference,
        meeting_id=meeting.id,
        text=new.text,
        owner=new.owner,
        due_on=new.due_on,
        classification=meeting.classification,
        owner_party_id=new.owner_party_id,
        report_type_id=new.report_type_id,
        period=new.period,
        exception_id=new.exception_id,
    )
    return pk


async def by_ids(conn: Conn, *, ids: list[int], viewer: Viewer) -> list[FollowUpRow]:
    return from_records(FollowUpRow, await fetch(conn, "followups.by_ids", ids=ids, **viewer.sql_args()))


@dataclass(frozen=True, slots=True)
class FollowUpFilter:
    status: str | None = None  # OPEN, CLOSED or OVERDUE
    owner: str | None = None
    body_code: str | None = None
    due_before: date | None = None


async def page(
    conn: Conn,
    *,
    filter: FollowUpFilter,
    today: date,
    after: tuple[date, int] | None,
    limit: int,
    viewer: Viewer,
    before: tuple[date, int] | None = None,
    backward: bool = False,
) -> list[FollowUpRow]:
    """A page, soonest due first; `backward`: the page before `before`, nearest first."""
    rows = await fetch(
        conn,
        "followups.page_backward" if backward else "followups.page",
        status=filter.status,
        owner=filter.owner,
        body_code=filter.body_code,
        due_before=filter.due_before,
        today=today,
        after_due=after[0] if after else None,
        after_id=after[1] if after else None,
        before_due=before[0] if before else None,
        before_id=before[1] if before else None,
        limit=limit,
        **viewer.sql_args(),
    )
    return from_records(FollowUpRow, rows)


async def count(conn: Conn, *, filter: FollowUpFilter, today: date, viewer: Viewer) -> int:
    n: int = await fetchval(
        conn,
        "followups.count",
        status=filter.status,
        owner=filter.owner,
        body_code=filter.body_code,
        due_before=filter.due_before,
        today=today,
        **viewer.sql_args(),
    )
    return n


async def close(conn: Conn, *, id: int, comment: str, actor: str) -> bool:
    """Close an open follow-up; False when it was not open (closed meanwhile, or no such follow-up)."""
    return await fetchval(conn, "followups.close", id=id, comment=comment, actor=actor) is not None


async def overdue(conn: Conn, *, today: date) -> list[OverdueFollowUp]:
    """Open follow-ups past their due date not yet flagged, locked for the caller's transaction."""
    return from_records(OverdueFollowUp, await fetch(conn, "followups.overdue", today=today))


async def mark_flagged(conn: Conn, *, ids: list[int]) -> None:
    await execute(conn, "followups.mark_flagged", ids=ids)


async def overdue_exception(
    conn: Conn, *, report_type_id: int, period: str, rule_code: str, subject: str
) -> tuple[int, str, int] | None:
    """(id, status, version) of the open exception an overdue follow-up raised."""
    found = await fetchrow(
        conn,
        "followups.overdue_exception",
        report_type_id=report_type_id,
        period=period,
        rule_code=rule_code,
        subject=subject,
        statuses=sorted(RESOLVED_BY_A_RUN),
    )
    return (found["id"], found["status"], found["version"]) if found else None


async def record_outcome(conn: Conn, *, month: str, meeting_id: int, actor: str) -> None:
    await execute(conn, "followups.record_outcome", month=month, meeting_id=meeting_id, actor=actor)


async def recorded_meeting(conn: Conn, *, month: str, viewer: Viewer) -> Meeting | None:
    """The meeting at which the month's table was recorded, when the viewer may see it."""
    found = await fetchrow(conn, "followups.recorded_meeting", month=month, **viewer.sql_args())
    return Meeting(id=found["id"], reference=found["reference"], held_on=found["held_on"]) if found else None


async def party_name(conn: Conn, *, id: int) -> str | None:
    """The name of the Party a follow-up is given to; None when there is no such Party."""
    name: str | None = await fetchval(conn, "followups.party_name", id=id)
    return name


async def resolve_by_system(conn: Conn, *, found: tuple[int, str, int], comment: str) -> None:
    """Resolve an open exception as the system, with the comment saying why (a reviewer may reopen it)."""
    exception_id, status, version = found
    await fetchval(
        conn,
        "exceptions.set_status",
        id=exception_id,
        to_status="RESOLVED",
        closed_by_system=True,
        meeting_id=None,
        version=version,
    )
    await add_history(
        conn,
        exception_id=exception_id,
        action="SYSTEM_RESOLVED",
        from_status=status,
        to_status="RESOLVED",
        comment=comment,
    )


async def meeting_id(conn: Conn, *, reference: str) -> int | None:
    """The ID of the meeting with this reference, if there is one."""
    pk: int | None = await fetchval(conn, "followups.meeting_id_by_reference", reference=reference)
    return pk
