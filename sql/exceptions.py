"""Exceptions: one per (report type, period, rule, subject), raised and closed by runs, with an append-only history."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sql.db import Conn
from sql.loader import execute, fetch, fetchval
from sql.rows import ExceptionRow, HistoryRow, from_records

OPEN_STATES = ("OPEN", "ACKNOWLEDGED")
SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class Raised:
    """What a run raises: the exception's identity within the period and what it says."""

    rule_code: str
    subject: str
    severity: str
    message: str
    sec_clause: str | None
    details: dict[str, Any]


async def raised_by_run(conn: Conn, *, run_id: int, cap: int) -> list[Raised]:
    """The exceptions a run raises, read from its stored findings (WARNING and HIGH; SCHEMA per column; at most
    `cap` per rule and one MORE for the rest), in the order apply_run takes them."""
    rows = await fetch(conn, "exceptions.raised_by_run", run_id=run_id, cap=cap)
    return [Raised(r["rule_code"], r["subject"], r["severity"], r["message"], r["sec_clause"], r["details"])
            for r in rows]


async def _history(conn: Conn, exception_id: int, action: str, from_status: str | None, to_status: str | None,
                   comment: str | None, actor: str = SYSTEM) -> None:
    await execute(conn, "exceptions.history_add", exception_id=exception_id, actor=actor, action=action,
                  from_status=from_status, to_status=to_status, comment=comment)


async def apply_run(
    conn: Conn, *, report_type_id: int, period: str, raised: Sequence[Raised], submission_id: int | None,
    run_id: int | None, closes: bool, closing_comment: str, raised_again_comment: str,
    closing_by_rule: Mapping[str, str] | None = None,
) -> list[int]:
    """Raise (insert, re-raise or reopen) and, when `closes`, close what the run no longer raises.

    Idempotent: a redelivered message or a re-run of the same submission adds no history twice.
    Returns the ids of exceptions newly flagged or reopened (for the live feed).
    """
    existing = {(e.rule_code, e.subject): e for e in from_records(
        ExceptionRow, await fetch(conn, "exceptions.of_period_for_update", report_type_id=report_type_id,
                                  period=period))}
    flagged: list[int] = []
    seen: set[tuple[str, str]] = set()
    for r in raised:
        key = (r.rule_code, r.subject)
        if key in seen:
            continue
        seen.add(key)
        old = existing.get(key)
        if old is None:
            new_id: int | None = await fetchval(
                conn, "exceptions.insert", report_type_id=report_type_id, period=period, rule_code=r.rule_code,
                subject=r.subject, severity=r.severity, message=r.message, sec_clause=r.sec_clause,
                details=r.details, submission_id=submission_id, run_id=run_id)
            if new_id is not None:
                await _history(conn, new_id, "FLAGGED", None, "OPEN", r.message)
                flagged.append(new_id)
            continue
        new_source = submission_id is not None and old.submission_id != submission_id
        status, by_system = old.status, old.closed_by_system
        if old.status in ("RESOLVED", "WAIVED") and old.closed_by_system:
            status, by_system = "OPEN", False
            await _history(conn, old.id, "SYSTEM_REOPENED", old.status, "OPEN", raised_again_comment)
            flagged.append(old.id)
        elif new_source:
            note = raised_again_comment
            if old.status in ("RESOLVED", "WAIVED"):
                note += f"; left {old.status} as its reviewer decided"
            await _history(conn, old.id, "RAISED_AGAIN", old.status, old.status, note)
        await execute(conn, "exceptions.raise_again", id=old.id, severity=r.severity, message=r.message,
                      sec_clause=r.sec_clause, details=r.details, submission_id=submission_id, run_id=run_id,
                      status=status, closed_by_system=by_system)
    if closes:
        for key, old in existing.items():
            if key in seen:
                continue
            comment = (closing_by_rule or {}).get(old.rule_code, closing_comment)
            if old.status in OPEN_STATES:
                await execute(conn, "exceptions.set_status", id=old.id, to_status="RESOLVED",
                              closed_by_system=True, meeting_id=None, version=old.version)
                await _history(conn, old.id, "SYSTEM_RESOLVED", old.status, "RESOLVED", comment)
            elif old.status == "ESCALATED" and not await fetchval(
                    conn, "exceptions.history_has", exception_id=old.id, comment=comment):
                await _history(conn, old.id, "COMMENT", "ESCALATED", "ESCALATED", comment)
    return flagged


async def by_ids(conn: Conn, *, ids: list[int]) -> list[ExceptionRow]:
    return from_records(ExceptionRow, await fetch(conn, "exceptions.by_ids", ids=ids))


async def of_submissions(conn: Conn, *, ids: list[int]) -> list[ExceptionRow]:
    return from_records(ExceptionRow, await fetch(conn, "exceptions.of_submissions", ids=ids))


async def history(conn: Conn, *, ids: list[int]) -> list[HistoryRow]:
    return from_records(HistoryRow, await fetch(conn, "exceptions.history_of", ids=ids))


async def page(
    conn: Conn, *, status: str | None, severity: str | None, report_type: str | None, period: str | None,
    rule_code: str | None, after: tuple[int, Any, int] | None, limit: int,
) -> list[ExceptionRow]:
    rows = await fetch(
        conn, "exceptions.page", status=status, severity=severity, report_type=report_type, period=period,
        rule_code=rule_code, after_rank=after[0] if after else None, after_at=after[1] if after else None,
        after_id=after[2] if after else None, limit=limit)
    return from_records(ExceptionRow, rows)


async def count(conn: Conn, *, status: str | None, severity: str | None, report_type: str | None,
                period: str | None, rule_code: str | None) -> int:
    n: int = await fetchval(conn, "exceptions.count", status=status, severity=severity, report_type=report_type,
                            period=period, rule_code=rule_code)
    return n
