"""Raising and closing a period's exceptions, as the run's effect allows: the period's exceptions are read (locked),
domain.exception_lifecycle plans what changes, and the store writes the plan."""

from __future__ import annotations

from collections.abc import Sequence

from domain.exception_lifecycle import Effect, Raised, plan
from sql import exceptions
from sql.db import Conn


async def raise_and_close(
    conn: Conn,
    *,
    report_type_id: int,
    period: str,
    raised: Sequence[Raised],
    submission_id: int | None,
    run_id: int | None,
    effect: Effect,
) -> list[int]:
    """Inside the caller's transaction; the ids of exceptions newly flagged or reopened, in the order raised."""
    existing = await exceptions.existing(conn, report_type_id=report_type_id, period=period)
    decided = plan(existing, raised, submission_id=submission_id, effect=effect)
    return await exceptions.apply_run(
        conn, report_type_id=report_type_id, period=period, plan=decided, submission_id=submission_id, run_id=run_id
    )
