"""Exceptions: one per (report type, period, rule, subject), raised and closed by runs, with an append-only history."""

from __future__ import annotations

from typing import Any, TypedDict, Unpack

import orjson

from domain.exception_lifecycle import Entry, Existing, Found, Key, Plan, Raised, RaisePolicy, flagged
from sql.db import Conn
from sql.loader import execute, executemany, fetch, fetchval
from sql.rows import ExceptionRow, HistoryRow, from_records

SYSTEM = "system"


async def raised_by_run(conn: Conn, *, run_id: int, policy: RaisePolicy) -> list[Found]:
    """What a run's stored findings give to raise under the policy, in the order found (set by set: a run can hold a
    million findings)."""
    rows = await fetch(
        conn,
        "exceptions.raised_by_run",
        run_id=run_id,
        severities=list(policy.severities),
        by_column=list(policy.by_column),
        cap=policy.cap,
        shown=policy.shown,
    )
    return [
        Found(
            r["kind"],
            r["rule_code"],
            r["subject"],
            r["severity"],
            r["message"],
            r["sec_clause"],
            r["details"],
            r["row"],
            r["n"],
            r["rows"],
            r["subjects"],
        )
        for r in rows
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


async def existing(conn: Conn, *, report_type_id: int, period: str) -> list[Existing]:
    """The period's exceptions, locked until the transaction ends (a run plans against them)."""
    rows = await fetch(conn, "exceptions.of_period_for_update", report_type_id=report_type_id, period=period)
    return [
        Existing(
            r["id"], r["rule_code"], r["subject"], r["status"], r["closed_by_system"], r["submission_id"], r["version"]
        )
        for r in rows
    ]


async def apply_run(
    conn: Conn, *, report_type_id: int, period: str, plan: Plan, submission_id: int | None, run_id: int | None
) -> list[int]:
    """Write what the plan decided: each kind of statement once for all the exceptions it touches (a run raises up
    to a few thousand). Returns the ids of exceptions newly flagged or reopened (for the live feed), in the order
    raised."""
    inserted = await _insert(conn, report_type_id, period, list(plan.fresh), submission_id, run_id)
    history = [*plan.history, *(flagged(inserted[r.key], r) for r in plan.fresh if r.key in inserted)]
    if plan.updates:
        await executemany(
            conn,
            "exceptions.raise_again",
            [
                {
                    "id": u.id,
                    "severity": u.raised.severity,
                    "message": u.raised.message,
                    "sec_clause": u.raised.sec_clause,
                    "details": u.raised.details,
                    "submission_id": submission_id,
                    "run_id": run_id,
                    "status": u.status,
                    "closed_by_system": u.closed_by_system,
                }
                for u in plan.updates
            ],
        )
    if plan.closes:
        await executemany(
            conn,
            "exceptions.set_status",
            [
                {
                    "id": c.id,
                    "to_status": "RESOLVED",
                    "closed_by_system": True,
                    "meeting_id": None,
                    "version": c.version,
                }
                for c in plan.closes
            ],
        )
    if plan.notes:
        noted = await fetch(
            conn,
            "exceptions.history_having",
            ids=[n.exception_id for n in plan.notes],
            comments=[n.comment for n in plan.notes],
        )
        have = {(r["exception_id"], r["comment"]) for r in noted}
        history += [n for n in plan.notes if (n.exception_id, n.comment) not in have]
    if history:
        await executemany(conn, "exceptions.history_add", [_entry(e) for e in history])
    reopened = {u.raised.key: u.id for u in plan.updates if u.raised.key in plan.reopened}
    return [inserted.get(key) or reopened[key] for key in plan.order if key in inserted or key in reopened]


def _entry(e: Entry) -> dict[str, Any]:
    return {
        "exception_id": e.exception_id,
        "actor": SYSTEM,
        "action": e.action,
        "from_status": e.from_status,
        "to_status": e.to_status,
        "comment": e.comment,
        "meeting_id": None,
    }


async def _insert(
    conn: Conn, report_type_id: int, period: str, fresh: list[Raised], submission_id: int | None, run_id: int | None
) -> dict[Key, int]:
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
