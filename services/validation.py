"""Run a validation: the one use case behind the worker's actor and every caller that validates in process.

The door (the worker) parses and validates the file, which this room never loads; this owns the run's steps in the
store: the attempt begun with its lease and everything judging the file needs read in one go, then the result stored
in one transaction that checks the run still holds its submission, raises and closes the period's exceptions as
domain.exception_lifecycle decides, sets the status and announces what changed.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import UUID, uuid4

from domain.exception_lifecycle import RaisePolicy, raised_from, run_effect
from services.raising import raise_and_close
from sql import catalogue, events, exceptions, submissions
from sql.db import Pool
from sql.rows import ReportTypeRow, ServiceLevelRow
from sql.submissions import RunContext

log = logging.getLogger("secgov.worker")


class LeaseHeld(Exception):
    """Another delivery of the submission holds a live lease: this one comes back when it may have lapsed."""

    def __init__(self, submission_id: int, seconds: float) -> None:
        super().__init__(f"submission {submission_id} is being validated by another delivery for {seconds:.1f} s more")
        self.seconds = seconds


@dataclass(frozen=True)
class Begun:
    """A run begun: its attempt counted and lease taken, with what judging the file needs."""

    submission: RunContext
    report_type: ReportTypeRow
    service_levels: list[ServiceLevelRow]
    attempt: int
    token: UUID
    run_id: int  # taken first, so that the door lays out the run's findings before its transaction
    content: bytes | None  # None once the attempts are used up: the file is not read again
    started: datetime = field(default_factory=lambda: datetime.now(UTC))


async def begin(pool: Pool, submission_id: int, *, lease_s: float, max_attempts: int) -> Begun | None:
    """Count an attempt and take the lease; None when the submission is final already (redelivery changes nothing).
    Raises LeaseHeld while another delivery's run holds it."""
    token = uuid4()
    async with pool.acquire() as conn:
        attempt = await submissions.begin_attempt(conn, id=submission_id, token=token, lease_s=lease_s)
        if attempt.final:
            log.info("submission %s is already final; nothing to do", submission_id)
            return None
        if attempt.number is None:
            raise LeaseHeld(submission_id, attempt.lease_left_s)
        sub = await submissions.for_run(conn, id=submission_id)
        report_type = (await catalogue.report_types_by_ids(conn, ids=[sub.report_type_id]))[0]
        levels = await catalogue.service_levels(conn, ids=[report_type.id])
        run_id = await submissions.next_run_id(conn)
        data = None
        if attempt.number <= max_attempts:
            data = await submissions.content(conn, submission_id=submission_id)
    return Begun(sub, report_type, levels, attempt.number, token, run_id, data)


@dataclass(frozen=True)
class Result:
    """A run's result as the store takes it: findings and parsed rows in PostgreSQL's binary COPY format."""

    status: str
    row_count: int | None
    rule_counts: Mapping[str, int]
    findings: AsyncIterable[bytes] | None
    rows: AsyncIterable[bytes] | None
    late: bool  # a LATE_DELIVERY finding was made


async def store(
    pool: Pool,
    begun: Begun,
    result: Result,
    *,
    max_exceptions_per_rule: int,
    lap: Callable[[str], None] = lambda stage: None,
) -> list[int] | None:
    """Store the result in one transaction; the exceptions newly flagged or reopened, or None (nothing stored) when
    another delivery overtook this one. `lap` marks the end of each stage for the run's closing log line."""
    sub, rt = begun.submission, begun.report_type
    async with pool.acquire() as conn, conn.transaction():
        held = await submissions.run_held(conn, id=sub.id, token=begun.token)
        if held is None:
            # Another delivery finished it meanwhile, or took it over once this one's lease had lapsed: this one
            # stores nothing, and its attempt is given back, as it neither failed nor ran to the end.
            await submissions.give_back_attempt(conn, id=sub.id)
            log.info("submission %s was taken by another delivery meanwhile; nothing stored", sub.id)
            return None
        await submissions.store_run(
            conn,
            run_id=begun.run_id,
            submission_id=sub.id,
            code=rt.code,
            started_at=begun.started,
            catalogue_version=rt.version,
            attempt=begun.attempt,
            status=result.status,
            row_count=result.row_count,
            rule_counts=result.rule_counts,
            findings=result.findings,
            rows=result.rows,
        )
        lap("store")
        flagged: list[int] = []
        effect = run_effect(
            rejected=result.status == "REJECTED",
            newest_accepted=held.newest_accepted_id == sub.id,
            resubmission=sub.supersedes_id is not None,
            received_at=sub.received_at.astimezone(UTC),
            late=result.late,
        )
        if effect is not None:
            policy = RaisePolicy(cap=max_exceptions_per_rule)
            raised = raised_from(await exceptions.raised_by_run(conn, run_id=begun.run_id, policy=policy), policy)
            flagged = await raise_and_close(
                conn,
                report_type_id=sub.report_type_id,
                period=sub.period,
                raised=raised,
                submission_id=sub.id,
                run_id=begun.run_id,
                effect=effect,
            )
        lap("exceptions")
        await events.notify(conn, events.SubmissionChanged(sub.id, result.status))
        await events.flagged(conn, flagged, rt.code)
    lap("commit")
    return flagged
