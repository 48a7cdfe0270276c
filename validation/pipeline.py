"""validate_report: bytes and catalogue parameters in, a status, findings and the typed rows out."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Literal

import polars as pl

from validation import findings as found
from validation import rules, text
from validation.coerce import coerce, schema_findings
from validation.findings import Finding, Severity
from validation.parsing import UnreadableFile, parse
from validation.schemas import SCHEMAS, ReportSchema
from validation.service_levels import service_levels
from validation.spec import ReportSpec, ServiceLevel
from validation.variance import variance

__all__ = ["ReportSpec", "ServiceLevel", "ValidationResult", "validate_frame", "validate_report"]

Status = Literal["PASSED", "FLAGGED", "REJECTED"]
DEFAULT_MAX_ROWS = 10_000_000
# Columns the result adds; a file's own columns of these names are dropped.
_RESERVED = ("row", "subject")
_TOTAL = "(?i)^total$"


@dataclass
class ValidationResult:
    """The outcome of one validation run."""

    status: Status
    # Every finding, one row each, in the order reported (validation.findings.FINDINGS columns).
    findings_frame: pl.DataFrame
    # The typed, valid rows (SCHEMA-bad and TOTAL rows removed) with `row` (1-based source row, Int64) and
    # `subject`; None when REJECTED. Types without a schema give their string columns with a null subject.
    rows: pl.DataFrame | None
    row_count: int  # data rows in the file, header and blank lines excluded
    total_row: dict[str, object] | None  # the file's own TOTAL row (typed, dates as ISO text), if valid
    # Wall seconds of the stages run: "parse" (validate_report) and "validate", for the worker's profile.
    seconds: dict[str, float] = field(default_factory=dict)

    @cached_property
    def rule_counts(self) -> dict[str, int]:
        """How many findings each rule gave, by rule code."""
        counts = self.findings_frame.group_by("rule_code").len().sort("rule_code")
        return dict(zip(counts.get_column("rule_code").to_list(), counts.get_column("len").to_list(), strict=True))

    @cached_property
    def findings(self) -> list[Finding]:
        """The findings as objects: for tests and small files (a Python object per finding)."""
        return found.as_findings(self.findings_frame)


def validate_report(
    data: bytes,
    spec: ReportSpec,
    *,
    received_at: datetime | None = None,
    due_at: datetime | None = None,
    max_rows: int = DEFAULT_MAX_ROWS,
    parser: Callable[[bytes], pl.DataFrame] = parse,
) -> ValidationResult:
    """Parse and validate one report file; never raises for anything about the file's content.

    `parser` is `parse` unless the caller parses elsewhere (the worker: in a sandboxed child process)."""
    started = time.perf_counter()
    try:
        frame = parser(data)
    except UnreadableFile as exc:
        result = _rejected([_unreadable(exc, spec)], 0)
        result.seconds["parse"] = time.perf_counter() - started
        return result
    parsed = time.perf_counter() - started
    result = validate_frame(frame, spec, received_at=received_at, due_at=due_at, max_rows=max_rows)
    result.seconds["parse"] = parsed
    return result


def validate_frame(
    frame: pl.DataFrame,
    spec: ReportSpec,
    *,
    received_at: datetime | None = None,
    due_at: datetime | None = None,
    max_rows: int = DEFAULT_MAX_ROWS,
) -> ValidationResult:
    """Validate a frame as `parse` returns it (string columns; row = position + 1)."""
    started = time.perf_counter()
    result = _validate_frame(frame, spec, received_at=received_at, due_at=due_at, max_rows=max_rows)
    result.seconds["validate"] = time.perf_counter() - started
    return result


def _validate_frame(
    frame: pl.DataFrame,
    spec: ReportSpec,
    *,
    received_at: datetime | None,
    due_at: datetime | None,
    max_rows: int,
) -> ValidationResult:
    if frame.height > max_rows:
        return _rejected(
            [
                _file(
                    "TOO_MANY_ROWS",
                    _too_many(frame.height, max_rows),
                    spec,
                    {"rows": frame.height, "max_rows": max_rows},
                )
            ],
            frame.height,
        )
    frame = _numbered(frame)
    row_count = frame.height
    schema = SCHEMAS.get(spec.code)
    late = rules.late_delivery(received_at, due_at, spec)
    if schema is None:
        # No schema yet for this type: a readable file is accepted and checked for delivery only.
        rows = frame.select("row", pl.lit(None, dtype=pl.String).alias("subject"), pl.exclude("row"))
        return _result([late], rows, row_count, None)
    missing = [c.name for c in schema.columns if c.required and c.name not in frame.columns]
    if missing:
        return _rejected([_missing_columns(missing, frame, spec)], row_count)
    coerced = coerce(frame, schema)
    findings: list[found.Findings] = [schema_findings(coerced, schema, spec.sec_clause)]
    if coerced.unplaced:
        message = f"The file does not match the {spec.code} schema: {'; '.join(coerced.unplaced)}"
        unplaced = _file("SCHEMA", message, spec, {"failures": list(coerced.unplaced)})
        return _rejected([found.frame_of([unplaced]), *findings], row_count)
    valid = coerced.typed
    if coerced.bad.height:
        left_out = pl.repeat(False, valid.height, dtype=pl.Boolean, eager=True).scatter(
            coerced.bad.get_column("pos"), True
        )
        valid = valid.filter(~left_out)
    # A regex is several times faster than upper-casing every key just to find the TOTAL row.
    valid = valid.with_columns(schema.subject(), pl.col(schema.key).str.contains(_TOTAL).alias("__total"))
    totals = valid.filter(pl.col("__total")).with_columns(pl.lit("TOTAL").alias("subject"))
    rows = valid.filter(~pl.col("__total")) if totals.height else valid
    totals, rows = totals.drop("__total"), rows.drop("__total")
    if rows.height == 0:
        note = _no_valid_row(row_count, coerced.bad, spec)
        return _rejected([*findings, found.frame_of([note])], row_count)
    named = [c.name for c in schema.columns]
    rows = rows.select("row", "subject", *named, *(c for c in rows.columns if c not in (*_RESERVED, *named)))
    total_row = _total_row(totals)
    # A second TOTAL row is a duplicate subject too.
    keyed = pl.concat([rows.select("subject", "row"), totals.select("subject", "row")]) if totals.height else rows
    findings.append(rules.duplicate_subjects(keyed, spec))
    if total_row is not None:
        if _bad_outside_totals(coerced.bad, coerced.typed, schema):
            findings.append(found.frame_of([_total_not_checked(total_row, spec)]))
        else:
            findings.append(rules.total_mismatch(rows, total_row, spec))
    findings += [rules.forecast_zero(rows, spec), variance(rows, spec), service_levels(rows, spec), late]
    return _result(findings, rows, row_count, total_row)


def _numbered(frame: pl.DataFrame) -> pl.DataFrame:
    """String columns plus `row`, with blank rows (every value null) left out but still counted in numbering."""
    frame = frame.drop([c for c in _RESERVED if c in frame.columns])
    frame = frame.with_columns(pl.col(c).cast(pl.String) for c, t in frame.schema.items() if t != pl.String)
    frame = frame.with_columns(pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("row"))
    if frame.width == 1:
        return frame.clear()
    # A column without nulls proves no row is blank (null counts are free to read).
    if all(frame.get_column(c).null_count() for c in frame.columns if c != "row"):
        frame = frame.filter(pl.any_horizontal(pl.exclude("row").is_not_null()))
    return frame


def _result(
    findings: list[found.Findings], rows: pl.DataFrame, row_count: int, total: dict[str, object] | None
) -> ValidationResult:
    frame = found.concat(findings)
    flagged = bool((frame.get_column("severity") != Severity.INFO.value).any())
    return ValidationResult("FLAGGED" if flagged else "PASSED", frame, rows, row_count, total)


def _rejected(findings: Sequence[Finding | found.Findings], row_count: int) -> ValidationResult:
    frames = [found.frame_of([f]) if isinstance(f, Finding) else f for f in findings]
    return ValidationResult("REJECTED", found.concat(frames), None, row_count, None)


def _file(rule: str, message: str, spec: ReportSpec, details: dict[str, object]) -> Finding:
    return Finding(rule, Severity.HIGH, "FILE", message, spec.sec_clause, details)


def _unreadable(exc: UnreadableFile, spec: ReportSpec) -> Finding:
    where = f" (line {exc.line})" if exc.line is not None else ""
    return _file(
        "UNREADABLE_FILE",
        f"The file could not be read: {exc.reason}{where}",
        spec,
        {"reason": exc.reason, "line": exc.line},
    )


def _too_many(rows: int, limit: int) -> str:
    return f"The file has {text.count(rows)} data rows, more than the limit of {text.count(limit)}: not validated"


def _missing_columns(missing: list[str], frame: pl.DataFrame, spec: ReportSpec) -> Finding:
    found = [c for c in frame.columns if c != "row"]
    names = ", ".join(missing)
    plural = "columns" if len(missing) > 1 else "column"
    message = f"Required {plural} missing: {names} (the file's columns are: {', '.join(found) or 'none'})"
    if any(sep in name for name in found for sep in (";", "\t")):
        message += "; the file looks semicolon- or tab-separated: save it as comma-separated CSV"
    return _file("SCHEMA", message, spec, {"missing": missing, "columns": found})


def _no_valid_row(row_count: int, bad: pl.DataFrame, spec: ReportSpec) -> Finding:
    bad_rows = bad.get_column("pos").n_unique() if bad.height else 0
    message = (
        f"No valid data row: {text.count(bad_rows)} of {text.count(row_count)} rows have invalid values"
        if row_count
        else "No data rows below the header"
    )
    return _file("SCHEMA", message, spec, {"rows": row_count, "invalid_rows": bad_rows})


def _total_row(totals: pl.DataFrame) -> dict[str, object] | None:
    if not totals.height:
        return None
    first = totals.row(0, named=True)
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in first.items()}


def _bad_outside_totals(bad: pl.DataFrame, typed: pl.DataFrame, schema: ReportSchema) -> bool:
    """Were rows other than TOTAL rows left out? Then the TOTAL row cannot be checked fairly."""
    if not bad.height:
        return False
    keys = typed.get_column(schema.key).gather(bad.get_column("pos").unique())
    return bool((~keys.str.contains(_TOTAL)).fill_null(True).any())


def _total_not_checked(total_row: dict[str, object], spec: ReportSpec) -> Finding:
    row = total_row.get("row")
    return Finding(
        "TOTAL_NOT_CHECKED",
        Severity.INFO,
        "TOTAL",
        "The TOTAL row was not checked against the sum of the rows: some rows were left out for invalid values",
        spec.sec_clause,
        {"row": row},
        row if isinstance(row, int) else None,
    )
