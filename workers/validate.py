"""One validation run of one submission: attempt counted, pure validation off the event loop, one transaction."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import polars as pl

from domain.periods import LONDON
from sql import catalogue, events, exceptions, submissions
from sql.db import Pool
from sql.exceptions import Raised
from sql.rows import ReportTypeRow
from validation.findings import FINDINGS, Finding, Severity, frame_of
from validation.parsing import parse
from validation.pipeline import ValidationResult, validate_report
from validation.spec import ReportSpec, ServiceLevel
from validation.text import as_utc
from workers import copy

log = logging.getLogger("secgov.worker")


@dataclass(frozen=True)
class Limits:
    max_attempts: int = 3
    max_rows: int = 10_000_000
    max_exceptions_per_rule: int = 500


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


def _exhausted(attempts: int, spec: ReportSpec) -> ValidationResult:
    finding = Finding(
        "UNREADABLE_FILE",
        Severity.HIGH,
        "FILE",
        f"Validation did not complete after {attempts - 1} attempts (the worker stopped each time): "
        "the file is rejected rather than retried for ever",
        spec.sec_clause,
        {"attempts": attempts - 1, "reason": "attempts exhausted"},
    )
    return ValidationResult("REJECTED", frame_of([finding]), None, 0, None)


def _day(moment: datetime) -> str:
    """The London day of an instant, as a comment reads it: 4 Jun 2018."""
    return f"{as_utc(moment).astimezone(LONDON):%d %b %Y}".lstrip("0")


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
    bytes (the worker's sandbox); without one they are parsed in this process."""
    started, laps = datetime.now(UTC), _Laps()
    async with pool.acquire() as conn:
        attempts = await submissions.begin_attempt(conn, id=submission_id)
        if attempts is None:
            log.info("submission %s is already final; nothing to do", submission_id)
            return Outcome(None, [])
        sub = (await submissions.by_ids(conn, ids=[submission_id]))[0]
        rt = (await catalogue.report_types_by_ids(conn, ids=[sub.report_type_id]))[0]
        ctx = await submissions.for_run(conn, id=submission_id)
        data = await submissions.content(conn, submission_id=submission_id) if attempts <= limits.max_attempts else b""
    assert ctx is not None
    spec = await spec_for(pool, rt)
    laps("load")
    if attempts > limits.max_attempts:
        result = _exhausted(attempts, spec)
    else:
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
    async with pool.acquire() as conn:
        run_id = await submissions.next_run_id(conn)
    # Laid out before the transaction; they are encoded batch by batch as their COPYs read them.
    rows = rows_frame(result, rt.code, submission_id)
    found = findings_frame(result, run_id, submission_id)
    laps("write_out")
    async with pool.acquire() as conn, conn.transaction():
        ctx = await submissions.for_run(conn, id=submission_id)
        if ctx is None or ctx.status not in ("RECEIVED", "VALIDATING"):
            # Another delivery of the same submission (the bell and the requeue job can both ring) finished it
            # meanwhile: this one stores nothing, and its attempt is given back, as it neither failed nor ran.
            await submissions.give_back_attempt(conn, id=submission_id)
            log.info("submission %s was finished by another delivery meanwhile; nothing stored", submission_id)
            return Outcome(None, [])
        await submissions.store_run(
            conn,
            run_id=run_id,
            submission_id=submission_id,
            code=rt.code,
            started_at=started,
            catalogue_version=rt.version,
            attempt=attempts,
            status=result.status,
            row_count=result.row_count,
            rule_counts=result.rule_counts,
            findings=None if found is None else copy.stream(found),
            rows=None if rows is None else copy.stream(rows),
        )
        laps("store")
        raised = await exceptions.raised_by_run(conn, run_id=run_id, cap=limits.max_exceptions_per_rule)
        flagged = await _raise(conn, ctx, result, raised, run_id, sub.supersedes_id is not None, attempts)
        laps("exceptions")
        await events.notify(conn, events.SubmissionChanged(submission_id, result.status))
        await events.flagged(conn, flagged, rt.code)
    laps("commit")
    log.info(
        "submission %s validated: %s, %d findings, %d exceptions raised",
        submission_id,
        result.status,
        result.findings_frame.height,
        len(raised),
        extra=laps.fields(submission_id, started),
    )
    return Outcome(result.status, flagged)


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
    conn: object,
    ctx: submissions.RunContext,
    result: ValidationResult,
    raised: list[Raised],
    run_id: int,
    is_resubmission: bool,
    attempts: int,
) -> list[int]:
    """Only the newest non-REJECTED submission raises and closes; a REJECTED one raises its own, closes nothing."""
    rejected = result.status == "REJECTED"
    if not rejected and ctx.newest_accepted_id != ctx.id:
        return []
    when = _day(ctx.received_at)
    closing = (
        f"not raised by the resubmission of {when}"
        if is_resubmission
        else f"not raised by the validation of the submission of {when}"
    )
    late = (result.findings_frame.get_column("rule_code") == "LATE_DELIVERY").any()
    delivery = "late" if late else "on time"
    return await exceptions.apply_run(
        conn,  # type: ignore[arg-type]
        report_type_id=ctx.report_type_id,
        period=ctx.period,
        raised=raised,
        submission_id=ctx.id,
        run_id=run_id,
        closes=not rejected,
        closing_comment=closing,
        raised_again_comment=f"raised again by the submission of {when}",
        closing_by_rule={"MISSING_REPORT": f"report received: {delivery}"},
    )
