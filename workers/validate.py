"""One validation run of one submission: attempt counted, pure validation off the event loop, one transaction."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import polars as pl

from domain.report_rows import REPORT_ROWS
from services import validation
from services.validation import Begun
from sql.db import Pool
from sql.errors import cannot_hold
from sql.rows import ReportTypeRow, ServiceLevelRow
from validation.findings import FINDINGS
from validation.parsing import parse
from validation.pipeline import ValidationResult, validate_report
from validation.rejected_runs import attempts_exhausted, refused_by_store
from validation.spec import ReportSpec, ServiceLevel
from workers import copy
from workers.lease import holding

log = logging.getLogger("secgov.worker")


@dataclass(frozen=True)
class Limits:
    max_attempts: int = 3
    max_rows: int = 10_000_000
    max_exceptions_per_rule: int = 500
    lease_s: float = 60.0


def spec_of(rt: ReportTypeRow, levels: list[ServiceLevelRow]) -> ReportSpec:
    """The report type as the validation reads it."""
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
    """The parsed rows as store_run COPYs them: submission_id, then the type's stored columns (domain.report_rows)."""
    table = REPORT_ROWS.get(code)
    if table is None or result.rows is None or result.rows.height == 0:
        return None
    columns = table.stored
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


@dataclass(frozen=True)
class Outcome:
    status: str | None  # None: nothing done (already final)
    flagged: list[int]  # exceptions newly flagged or reopened


Parser = Callable[[bytes], pl.DataFrame]


async def run(pool: Pool, submission_id: int, limits: Limits, parser: Parser | None = None) -> str | None:
    """Validate a submission once and return its status (None when it was already final)."""
    return (await validate(pool, submission_id, limits, parser)).status


async def validate(pool: Pool, submission_id: int, limits: Limits, parser: Parser | None = None) -> Outcome:
    """Validate a submission once through services.validation; a final one is left as it is (redelivery changes
    nothing). `parser` reads the bytes (the worker's sandbox); without one they are parsed in this process. Raises
    LeaseHeld while another delivery's run holds the submission."""
    laps = _Laps()
    begun = await validation.begin(pool, submission_id, lease_s=limits.lease_s, max_attempts=limits.max_attempts)
    if begun is None:
        return Outcome(None, [])
    data, begun = begun.content, replace(begun, content=None)  # the bytes go once validated, before the store
    async with holding(pool, submission_id, begun.token, limits.lease_s):
        spec = spec_of(begun.report_type, begun.service_levels)
        laps("load")
        if data is None:
            result = attempts_exhausted(begun.attempt, spec)
        else:
            sub = begun.submission
            # Polars releases the GIL for most of the work; the event loop stays free for other messages.
            result = await asyncio.to_thread(
                validate_report,
                data,
                spec,
                received_at=sub.first_received_at,
                due_at=sub.due_at,
                max_rows=limits.max_rows,
                parser=parser or parse,
            )
        laps.split("parse_validate", result.seconds)
        del data
        try:
            flagged = await _store(pool, begun, result, limits, laps)
        except Exception as exc:
            if not cannot_hold(exc):
                raise  # a fault (the database went away, ...): the delivery is retried
            log.warning("submission %s: the store refused the run's result for good: %s", submission_id, exc)
            result = refused_by_store(exc, spec)
            flagged = await _store(pool, begun, result, limits, laps)
    if flagged is None:
        return Outcome(None, [])
    log.info(
        "submission %s validated: %s, %d findings, %d exceptions flagged",
        submission_id,
        result.status,
        result.findings_frame.height,
        len(flagged),
        extra=laps.fields(submission_id, begun.started),
    )
    return Outcome(result.status, flagged)


async def _store(pool: Pool, begun: Begun, result: ValidationResult, limits: Limits, laps: _Laps) -> list[int] | None:
    """The result laid out as the store takes it (before the transaction; encoded batch by batch as the COPYs read
    them), then stored by the use case."""
    sid = begun.submission.id
    rows = rows_frame(result, begun.report_type.code, sid)
    found = findings_frame(result, begun.run_id, sid)
    laps("write_out")
    stored = validation.Result(
        status=result.status,
        row_count=result.row_count,
        rule_counts=result.rule_counts,
        findings=None if found is None else copy.stream(found),
        rows=None if rows is None else copy.stream(rows),
        late=bool((result.findings_frame.get_column("rule_code") == "LATE_DELIVERY").any()),
    )
    return await validation.store(pool, begun, stored, max_exceptions_per_rule=limits.max_exceptions_per_rule, lap=laps)


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
