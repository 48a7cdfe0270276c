"""One validation run of one submission: attempt counted, pure validation off the event loop, one transaction."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID, uuid4

import polars as pl

from domain.exception_lifecycle import Raised, RaisePolicy, raised_from, run_effect
from services.raising import raise_and_close
from sql import catalogue, events, exceptions, submissions
from sql.db import Conn, Pool
from sql.errors import NotFound, cannot_hold
from sql.rows import ReportTypeRow
from validation.findings import FINDINGS, Finding, Severity, frame_of
from validation.parsing import parse
from validation.pipeline import ValidationResult, validate_report
from validation.spec import ReportSpec, ServiceLevel
from validation.text import as_utc
from workers import copy
from workers.lease import LeaseHeld, holding

log = logging.getLogger("secgov.worker")


@dataclass(frozen=True)
class Limits:
    max_attempts: int = 3
    max_rows: int = 10_000_000
    max_exceptions_per_rule: int = 500
    lease_s: float = 60.0


async def spec_for(pool: Pool, rt: ReportTypeRow) -> ReportSpec:
    async with pool.acquire() as conn:
        levels = await catalogue.service_levels(conn, ids=[rt.id])
    return ReportSpec(
        code=rt.code,
        sec_clause=rt.sec_clause,
        tolerance_lower_pct=rt.tolerance_lower_pct,
        tolerance_upper_pct=rt.tolerance_upper_pct,
        below_tolerance_severity=rt.below_tolerance_severity,
        tbc=tuple(rt.tbc),
        service_levels=tuple(ServiceLevel(s.measure, s.provider, s.target_pct, s.minimum_pct) for s in levels),
    )


def rows_frame(result: ValidationResult, code: str, submission_id: int) -> pl.DataFrame | None:
    """The parsed rows as store_run COPYs them: submission_id, then the type's columns (submissions.ROW_TABLES)."""
    table = submissions.ROW_TABLES.get(code)
    if table is None or result.rows is None or result.rows.height == 0:
        return None
    _, columns = table
    frame = result.rows
    return frame.select(
        pl.lit(submission_id, dtype=pl.Int64).alias("submission_id"),
        *[pl.col(c) if c in frame.columns else pl.lit(None, dtype=pl.String).alias(c) for c in columns],
    )


def findings_frame(result: ValidationResult, run_id: int, submission_id: int) -> pl.DataFrame | None:
    """The run's findings as store_run COPYs them (submissions.FINDING_COLUMNS), straight from the frame."""
    frame = result.findings_frame
    if frame.height == 0:
        return None
    return frame.select(
        pl.lit(run_id, dtype=pl.Int64).alias("run_id"),
        pl.lit(submission_id, dtype=pl.Int64).alias("submission_id"),
        *FINDINGS.names(),
    )


def _unreadable(spec: ReportSpec, message: str, details: dict[str, object]) -> ValidationResult:
    """A run that rejects the file with one UNREADABLE_FILE finding saying why."""
    finding = Finding("UNREADABLE_FILE", Severity.HIGH, "FILE", message, spec.sec_clause, details)
    return ValidationResult("REJECTED", frame_of([finding]), None, 0, None)


def _exhausted(attempts: int, spec: ReportSpec) -> ValidationResult:
    return _unreadable(
        spec,
        f"Validation did not complete after {attempts - 1} attempts (the worker stopped each time): "
        "the file is rejected rather than retried for ever",
        {"attempts": attempts - 1, "reason": "attempts exhausted"},
    )


def _unstorable(exc: BaseException, spec: ReportSpec) -> ValidationResult:
    """A run whose result the store refused for good: the file is rejected with the store's own reason."""
    return _unreadable(
        spec,
        f"The file's contents could not be stored: {exc}. Storing them again would fail the same way, so the file "
        "is rejected",
        {
            "reason": "the store refused a value",
            "error": type(exc).__name__,
            "sqlstate": getattr(exc, "sqlstate", None),
        },
    )


@dataclass(frozen=True)
class Outcome:
    status: str | None  # None: nothing done (already final)
    flagged: list[int]  # exceptions newly flagged or reopened


Parser = Callable[[bytes], pl.DataFrame]


async def run(pool: Pool, submission_id: int, limits: Limits, parser: Parser | None = None) -> str | None:
    """Validate a submission once and return its status (None when it was already final)."""
    return (await validate(pool, submission_id, limits, parser)).status


async def validate(pool: Pool, submission_id: int, limits: Limits, parser: Parser | None = None) -> Outcome:
    """Validate a submission once; a final one is left as it is (redelivery changes nothing). `parser` reads the
    bytes (the worker's sandbox); without one they are parsed in this process. Raises LeaseHeld while another
    delivery's run holds the submission."""
    started, laps, token = datetime.now(UTC), _Laps(), uuid4()
    async with pool.acquire() as conn:
        attempt = await submissions.begin_attempt(conn, id=submission_id, token=token, lease_s=limits.lease_s)
        if attempt.final:
            log.info("submission %s is already final; nothing to do", submission_id)
            return Outcome(None, [])
        if attempt.number is None:
            raise LeaseHeld(submission_id, attempt.lease_left_s)
        attempts = attempt.number
        found = await submissions.by_ids(conn, ids=[submission_id])
        if not found:
            raise NotFound(f"no submission {submission_id}", field="id")
        sub = found[0]
        rt = (await catalogue.report_types_by_ids(conn, ids=[sub.report_type_id]))[0]
        data = await submissions.content(conn, submission_id=submission_id) if attempts <= limits.max_attempts else b""
    async with holding(pool, submission_id, token, limits.lease_s):
        spec = await spec_for(pool, rt)
        laps("load")
        if attempts > limits.max_attempts:
            result = _exhausted(attempts, spec)
        else:
            async with pool.acquire() as conn:
                ctx = await submissions.for_run(conn, id=submission_id)
            assert ctx is not None
            # Polars releases the GIL for most of the work; the event loop stays free for other messages.
            result = await asyncio.to_thread(
                validate_report,
                data,
                spec,
                received_at=ctx.first_received_at,
                due_at=ctx.due_at,
                max_rows=limits.max_rows,
                parser=parser or parse,
            )
        laps.split("parse_validate", result.seconds)
        del data
        run = _Run(submission_id, token, started, attempts, rt, sub.supersedes_id is not None, limits, laps)
        try:
            flagged = await run.store(pool, result)
        except Exception as exc:
            if not cannot_hold(exc):
                raise  # a fault (the database went away, ...): the delivery is retried
            log.warning("submission %s: the store refused the run's result for good: %s", submission_id, exc)
            result = _unstorable(exc, spec)
            flagged = await run.store(pool, result)
    if flagged is None:
        return Outcome(None, [])
    log.info(
        "submission %s validated: %s, %d findings, %d exceptions flagged",
        submission_id,
        result.status,
        result.findings_frame.height,
        len(flagged),
        extra=laps.fields(submission_id, started),
    )
    return Outcome(result.status, flagged)


@dataclass(frozen=True)
class _Run:
    """What storing one run's result needs besides the result."""

    submission_id: int
    token: UUID
    started: datetime
    attempt: int
    report_type: ReportTypeRow
    is_resubmission: bool
    limits: Limits
    laps: _Laps

    async def store(self, pool: Pool, result: ValidationResult) -> list[int] | None:
        """Store the result in one transaction; None (nothing stored) when another delivery overtook this one."""
        submission_id, rt = self.submission_id, self.report_type
        async with pool.acquire() as conn:
            run_id = await submissions.next_run_id(conn)
        # Laid out before the transaction; they are encoded batch by batch as their COPYs read them.
        rows = rows_frame(result, rt.code, submission_id)
        found = findings_frame(result, run_id, submission_id)
        self.laps("write_out")
        async with pool.acquire() as conn, conn.transaction():
            ctx = await submissions.for_run(conn, id=submission_id)
            if ctx is None or ctx.status not in ("RECEIVED", "VALIDATING") or ctx.lease_token != self.token:
                # Another delivery finished it meanwhile, or took it over once this one's lease had lapsed: this
                # one stores nothing, and its attempt is given back, as it neither failed nor ran to the end.
                await submissions.give_back_attempt(conn, id=submission_id)
                log.info("submission %s was taken by another delivery meanwhile; nothing stored", submission_id)
                return None
            await submissions.store_run(
                conn,
                run_id=run_id,
                submission_id=submission_id,
                code=rt.code,
                started_at=self.started,
                catalogue_version=rt.version,
                attempt=self.attempt,
                status=result.status,
                row_count=result.row_count,
                rule_counts=result.rule_counts,
                findings=None if found is None else copy.stream(found),
                rows=None if rows is None else copy.stream(rows),
            )
            self.laps("store")
            policy = RaisePolicy(cap=self.limits.max_exceptions_per_rule)
            raised = raised_from(await exceptions.raised_by_run(conn, run_id=run_id, policy=policy), policy)
            flagged = await _raise(conn, ctx, result, raised, run_id, self.is_resubmission)
            self.laps("exceptions")
            await events.notify(conn, events.SubmissionChanged(submission_id, result.status))
            await events.flagged(conn, flagged, rt.code)
        self.laps("commit")
        return flagged


class _Laps:
    """The wall time of each stage of a run, for the line that closes it (the intake benchmark reads them)."""

    def __init__(self) -> None:
        self.last = time.perf_counter()
        self.ms: dict[str, float] = {}

    def __call__(self, stage: str) -> None:
        now = time.perf_counter()
        self.ms[stage] = round((now - self.last) * 1000, 1)
        self.last = now

    def split(self, stage: str, parts: dict[str, float]) -> None:
        """A lap made of the parts the pure code timed itself (parse, validate), the rest left as `stage`."""
        self(stage)
        total = self.ms.pop(stage)
        for name, seconds in parts.items():
            self.ms[name] = round(seconds * 1000, 1)
        self.ms[f"{stage}_other"] = round(total - sum(seconds * 1000 for seconds in parts.values()), 1)

    def fields(self, submission_id: int, started: datetime) -> dict[str, object]:
        return {
            "submission_id": submission_id,
            "picked_up_at": started.timestamp(),
            "finished_at": datetime.now(UTC).timestamp(),
            "stages_ms": self.ms,
        }


async def _raise(
    conn: Conn,
    ctx: submissions.RunContext,
    result: ValidationResult,
    raised: list[Raised],
    run_id: int,
    is_resubmission: bool,
) -> list[int]:
    """What the run does to its period's exceptions, as domain.exception_lifecycle decides."""
    effect = run_effect(
        rejected=result.status == "REJECTED",
        newest_accepted=ctx.newest_accepted_id == ctx.id,
        resubmission=is_resubmission,
        received_at=as_utc(ctx.received_at),
        late=bool((result.findings_frame.get_column("rule_code") == "LATE_DELIVERY").any()),
    )
    if effect is None:
        return []
    return await raise_and_close(
        conn,
        report_type_id=ctx.report_type_id,
        period=ctx.period,
        raised=raised,
        submission_id=ctx.id,
        run_id=run_id,
        effect=effect,
    )
