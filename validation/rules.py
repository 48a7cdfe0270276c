"""Content rules, each a pure function of the valid rows (with `row` and `subject`) and its parameters."""

# The variance rules live in validation.variance and the PMR rules in validation.service_levels.
from __future__ import annotations

from datetime import datetime

import polars as pl

from validation import text
from validation.findings import Finding, Severity, new_finding
from validation.spec import ReportSpec

SUMMED = ("forecast", "actual")


def _has(frame: pl.DataFrame, *columns: str) -> bool:
    return all(column in frame.columns for column in columns)


def forecast_zero(frame: pl.DataFrame, spec: ReportSpec) -> list[Finding]:
    """FORECAST_ZERO: requests sent where none were forecast, per subject and for the sum of the rows."""
    if not _has(frame, "forecast", "actual", "subject", "row"):
        return []
    rows = frame.filter(pl.col("forecast") == 0, pl.col("actual") > 0).select("subject", "row", "actual")
    found = [_zero(subject, actual, row, spec) for subject, row, actual in rows.iter_rows()]
    sums = frame.select(pl.col("actual", "forecast").cast(pl.Int128).sum())
    total_actual, total_forecast = (int(v) for v in sums.row(0))
    if total_forecast == 0 and total_actual > 0:
        found.append(_zero("TOTAL", total_actual, None, spec))
    return found


def _zero(subject: str, actual: int, row: int | None, spec: ReportSpec) -> Finding:
    lead = "All rows together: " if row is None else ""
    message = (
        f"{lead}{text.count(actual)} requests sent against a forecast of 0: no percentage of forecast"
        f" can be given{text.clause(spec.sec_clause)}"
    )
    # new_finding: with every forecast left at 0 there is one of these per row.
    return new_finding(
        "FORECAST_ZERO", Severity.WARNING, subject, message, spec.sec_clause, {"actual": actual, "forecast": 0}, row
    )


def duplicate_subjects(frame: pl.DataFrame, spec: ReportSpec) -> list[Finding]:
    """DUPLICATE_SUBJECT: one finding per subject that appears on more than one row, listing the rows."""
    if not _has(frame, "subject", "row"):
        return []
    subjects = frame.get_column("subject").drop_nulls()
    # Counting distinct hashes is several times cheaper than marking duplicates and usually proves there are none
    # (equal subjects have equal hashes; a collision only sends us down the exact path below).
    if subjects.hash().n_unique() == subjects.len():
        return []
    groups = (
        frame.lazy()
        .filter(pl.col("subject").is_not_null())
        .group_by("subject")
        .agg(pl.col("row").sort(), pl.len().alias("__n"))
        .filter(pl.col("__n") > 1)
        .select("subject", "row")
        .sort(pl.col("row").list.first())
        .collect()
    )
    found = []
    for subject, rows in groups.iter_rows():
        shown = ", ".join(map(str, rows[:10])) + (f" and {len(rows) - 10} more" if len(rows) > 10 else "")
        found.append(
            Finding(
                rule_code="DUPLICATE_SUBJECT",
                severity=Severity.WARNING,
                subject=str(subject),
                message=f"{subject} appears on {len(rows)} rows ({shown}): each subject should appear once",
                sec_clause=spec.sec_clause,
                details={"rows": [int(r) for r in rows], "count": len(rows)},
                row=int(rows[0]),
            )
        )
    return found


def total_mismatch(frame: pl.DataFrame, total_row: dict[str, object] | None, spec: ReportSpec) -> list[Finding]:
    """TOTAL_MISMATCH: the file's own TOTAL row against the sum of the other rows, for forecast and actual."""
    if total_row is None:
        return []
    columns = [c for c in SUMMED if c in frame.columns and isinstance(total_row.get(c), int)]
    if not columns:
        return []
    sums = frame.select(pl.col(columns).cast(pl.Int128).sum()).row(0, named=True)
    details: dict[str, object] = {"row": total_row.get("row")}
    mismatched: list[str] = []
    parts = []
    for column in columns:
        stated, summed = _int(total_row[column]), _int(sums[column])
        details[f"{column}_stated"], details[f"{column}_sum"] = stated, summed
        if stated != summed:
            mismatched.append(column)
            parts.append(f"{column} {text.count(stated)} but the rows add up to {text.count(summed)}")
    details["columns"] = mismatched
    if not parts:
        return []
    row = total_row.get("row")
    return [
        Finding(
            rule_code="TOTAL_MISMATCH",
            severity=Severity.WARNING,
            subject="TOTAL",
            message=f"The TOTAL row gives {'; '.join(parts)}{text.clause(spec.sec_clause)}",
            sec_clause=spec.sec_clause,
            details=details,
            row=row if isinstance(row, int) else None,
        )
    ]


def _int(value: object) -> int:
    return value if isinstance(value, int) else 0


def late_delivery(received_at: datetime | None, due_at: datetime | None, spec: ReportSpec) -> list[Finding]:
    """LATE_DELIVERY: received after the end of the due day (both instants as given by the caller)."""
    if received_at is None or due_at is None:
        return []
    received, due = text.as_utc(received_at), text.as_utc(due_at)
    if received <= due:
        return []
    return [
        Finding(
            rule_code="LATE_DELIVERY",
            severity=Severity.WARNING,
            subject="FILE",
            message=(
                f"Late: received {text.london(received)}, after the deadline at the end of"
                f" {text.london_day(due)}{text.clause(spec.sec_clause)}"
            ),
            sec_clause=spec.sec_clause,
            details={"due_at": due.isoformat(), "received_at": received.isoformat()},
        )
    ]
