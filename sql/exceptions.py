"""Exceptions: one per (report type, period, rule, subject), raised and closed by runs, with an append-only history."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypedDict, Unpack

import orjson

from domain.review import RESOLVED_BY_A_RUN
from sql.db import Conn
from sql.loader import execute, executemany, fetch, fetchval
from sql.rows import ExceptionRow, HistoryRow, from_records

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
    return [
        Raised(r["rule_code"], r["subject"], r["severity"], r["message"], r["sec_clause"], r["details"]) for r in rows
    ]


async def add_history(
    conn: Conn,
    *,
    exception_id: int,
    action: str,
    from_status: str | None,
    to_status: str | None,
    comment: str | None,
    actor: str = SYSTEM,
    meeting_id: int | None = None,
) -> None:
    """One entry of an exception's append-only trail; `meeting_id`: the meeting it was discussed at."""
    await execute(
        conn,
        "exceptions.history_add",
        exception_id=exception_id,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status,
        comment=comment,
        meeting_id=meeting_id,
    )


async def apply_run(
    conn: Conn,
    *,
    report_type_id: int,
    period: str,
    raised: Sequence[Raised],
    submission_id: int | None,
    run_id: int | None,
    closes: bool,
    closing_comment: str,
    raised_again_comment: str,
    closing_by_rule: Mapping[str, str] | None = None,
) -> list[int]:
    """Raise (insert, re-raise or reopen) and, when `closes`, close what the run no longer raises.

    Idempotent: a redelivered message or a re-run of the same submission adds no history twice.
    Returns the ids of exceptions newly flagged or reopened (for the live feed), in the order raised.
    A run raises up to a few thousand exceptions: each kind of statement is sent once for all of them.
    """
    existing = {
        (e.rule_code, e.subject): e
        for e in from_records(
            ExceptionRow,
            await fetch(conn, "exceptions.of_period_for_update", report_type_id=report_type_id, period=period),
        )
    }
    fresh: dict[tuple[str, str], Raised] = {}
    reopened: set[tuple[str, str]] = set()
    order: dict[tuple[str, str], None] = {}  # each key once, in the order raised
    history: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for r in raised:
        key = (r.rule_code, r.subject)
        if key in order:
            continue
        order[key] = None
        old = existing.get(key)
        if old is None:
            fresh[key] = r
            continue
        new_source = submission_id is not None and old.submission_id != submission_id
        status, by_system = old.status, old.closed_by_system
        if old.status in ("RESOLVED", "WAIVED") and old.closed_by_system:
            status, by_system = "OPEN", False
            history.append(_entry(old.id, "SYSTEM_REOPENED", old.status, "OPEN", raised_again_comment))
            reopened.add(key)
        elif new_source:
            note = raised_again_comment
            if old.status in ("RESOLVED", "WAIVED"):
                note += f"; left {old.status} as its reviewer decided"
            history.append(_entry(old.id, "RAISED_AGAIN", old.status, old.status, note))
        updates.append(
            {
                "id": old.id,
                "severity": r.severity,
                "message": r.message,
                "sec_clause": r.sec_clause,
                "details": r.details,
                "submission_id": submission_id,
                "run_id": run_id,
                "status": status,
                "closed_by_system": by_system,
            }
        )
    inserted = await _insert(conn, report_type_id, period, list(fresh.values()), submission_id, run_id)
    history += [_entry(inserted[k], "FLAGGED", None, "OPEN", r.message) for k, r in fresh.items() if k in inserted]
    if updates:
        await executemany(conn, "exceptions.raise_again", updates)
    if closes:
        closing: list[dict[str, Any]] = []
        for key, old in existing.items():
            if key in order:
                continue
            comment = (closing_by_rule or {}).get(old.rule_code, closing_comment)
            if old.status in RESOLVED_BY_A_RUN:
                closing.append(
                    {
                        "id": old.id,
                        "to_status": "RESOLVED",
                        "closed_by_system": True,
                        "meeting_id": None,
                        "version": old.version,
                    }
                )
                history.append(_entry(old.id, "SYSTEM_RESOLVED", old.status, "RESOLVED", comment))
            elif old.status == "ESCALATED" and not await fetchval(
                conn, "exceptions.history_has", exception_id=old.id, comment=comment
            ):
                history.append(_entry(old.id, "COMMENT", "ESCALATED", "ESCALATED", comment))
        if closing:
            await executemany(conn, "exceptions.set_status", closing)
    if history:
        await executemany(conn, "exceptions.history_add", history)
    return [
        inserted[key] if key in inserted else existing[key].id for key in order if key in inserted or key in reopened
    ]


def _entry(
    exception_id: int, action: str, from_status: str | None, to_status: str | None, comment: str | None
) -> dict[str, Any]:
    return {
        "exception_id": exception_id,
        "actor": SYSTEM,
        "action": action,
        "from_status": from_status,
        "to_status": to_status,
        "comment": comment,
        "meeting_id": None,
    }


async def _insert(
    conn: Conn, report_type_id: int, period: str, fresh: list[Raised], submission_id: int | None, run_id: int | None
) -> dict[tuple[str, str], int]:
    """The new exceptions, one statement; the ids of those inserted (one raced in meanwhile is left alone)."""
    if not fresh:
        return {}
    rows = await fetch(
        conn,
        "exceptions.insert_many",
        report_type_id=report_type_id,
        period=period,
        rule_codes=[r.rule_code for r in fresh],
        subjects=[r.subject for r in fresh],
        severities=[r.severity for r in fresh],
        messages=[r.message for r in fresh],
        sec_clauses=[r.sec_clause for r in fresh],
        details=[orjson.dumps(r.details).decode() for r in fresh],
        submission_id=submission_id,
        run_id=run_id,
    )
    return {(r["rule_code"], r["subject"]): r["id"] for r in rows}


async def by_ids(conn: Conn, *, ids: list[int]) -> list[ExceptionRow]:
    return from_records(ExceptionRow, await fetch(conn, "exceptions.by_ids", ids=ids))


async def of_submissions(conn: Conn, *, ids: list[int]) -> list[ExceptionRow]:
    return from_records(ExceptionRow, await fetch(conn, "exceptions.of_submissions", ids=ids))


async def history(conn: Conn, *, ids: list[int]) -> list[HistoryRow]:
    return from_records(HistoryRow, await fetch(conn, "exceptions.history_of", ids=ids))


class ExceptionFilter(TypedDict):
    """Which exceptions a page of the queue and its count hold (None: any)."""

    status: str | None
    severity: str | None
    report_type: str | None
    period: str | None
    rule_code: str | None


async def page(
    conn: Conn,
    *,
    after: tuple[int, Any, int] | None,
    limit: int,
    before: tuple[int, Any, int] | None = None,
    backward: bool = False,
    **filter: Unpack[ExceptionFilter],
) -> list[ExceptionRow]:
    """A page of the queue; `backward`: the page before `before`, nearest first."""
    rows = await fetch(
        conn,
        "exceptions.page_backward" if backward else "exceptions.page",
        **filter,
        after_rank=after[0] if after else None,
        after_at=after[1] if after else None,
        after_id=after[2] if after else None,
        before_rank=before[0] if before else None,
        before_at=before[1] if before else None,
        before_id=before[2] if before else None,
        limit=limit,
    )
    return from_records(ExceptionRow, rows)


async def count(conn: Conn, **filter: Unpack[ExceptionFilter]) -> int:
    n: int = await fetchval(conn, "exceptions.count", **filter)
    return n
