"""Content rules, each a pure function of the valid rows (with `row` and `subject`) and its parameters."""

# The variance rules live in validation.variance and the PMR rules in validation.service_levels.
from __future__ import annotations

from datetime import datetime

import polars as pl

from validation import findings, text
from validation.findings import Finding, Severity
from validation.spec import ReportSpec

SUMMED = ("forecast", "actual")


def _has(frame: pl.DataFrame, *columns: str) -> bool:
    return all(column in frame.columns for column in columns)


def forecast_zero(frame: pl.DataFrame, spec: ReportSpec) -> findings.Findings:
    """FORECAST_ZERO: requests sent where none were forecast, per subject and for the sum of the rows."""
    if not _has(frame, "forecast", "actual", "subject", "row"):
        return findings.empty()
    actual = pl.col("actual")
    per_row = (
        frame.lazy()
        .filter(pl.col("forecast") == 0, actual > 0)
        .select(
            findings.rule_frame(
                "FORECAST_ZERO",
                Severity.WARNING,
                pl.col("subject"),
                pl.col("row"),
                findings.text(*findings.thousands(actual), _ZERO_TAIL + text.clause(spec.sec_clause)),
                spec.sec_clause,
                findings.text('{"actual":', actual, ',"forecast":0}'),
            )
        )
    )
    sums = frame.select(pl.col("actual", "forecast").cast(pl.Int128).sum())
    total_actual, total_forecast = (int(v) for v in sums.row(0))
    if total_forecast == 0 and total_actual > 0:
        message = f"All rows together: {text.count(total_actual)}{_ZERO_TAIL}{text.clause(spec.sec_clause)}"
        total = Finding(
            "FORECAST_ZERO",
            Severity.WARNING,
            "TOTAL",
            message,
            spec.sec_clause,
            {"actual": total_actual, "forecast": 0},
        )
        return pl.concat([per_row, findings.frame_of([total]).lazy()])
    return per_row


_ZERO_TAIL = " requests sent against a forecast of 0: no percentage of forecast can be given"
_SHOWN = 10  # rows named in a DUPLICATE_SUBJECT message; details list them all


def duplicate_subjects(frame: pl.DataFrame, spec: ReportSpec) -> findings.Findings:
    """DUPLICATE_SUBJECT: one finding per subject that appears on more than one row, listing the rows."""
    if not _has(frame, "subject", "row"):
        return findings.empty()
    subjects = frame.get_column("subject").drop_nulls()
    # Counting distinct hashes is several times cheaper than marking duplicates and usually proves there are none
    # (equal subjects have equal hashes; a collision only sends us down the exact path below).
    if subjects.hash().n_unique() == subjects.len():
        return findings.empty()
    rows, count = pl.col("row"), pl.col("__n")
    more = pl.when(count > _SHOWN).then(findings.text(" and ", count - _SHOWN, " more")).otherwise(pl.lit(""))
    return (
        frame.lazy()
        .filter(pl.col("subject").is_not_null())
        .group_by("subject")
        .agg(pl.col("row").sort(), pl.len().alias("__n"))
        .filter(count > 1)
        .sort(rows.list.first())
        .select(
            findings.rule_frame(
                "DUPLICATE_SUBJECT",
                Severity.WARNING,
                pl.col("subject"),
                rows.list.first(),
                findings.text(
                    pl.col("subject"),
                    " appears on ",
                    count,
                    " rows (",
                    rows.list.head(_SHOWN).cast(pl.List(pl.String)).list.join(", "),
                    more,
                    "): each subject should appear once",
                ),
                spec.sec_clause,
                findings.text('{"rows":[', rows.cast(pl.List(pl.String)).list.join(","), '],"count":', count, "}"),
            )
        )
    )


def total_mismatch(frame: pl.DataFrame, total_row: dict[str, object] | None, spec: ReportSpec) -> pl.DataFrame:
    """TOTAL_MISMATCH: the file's own TOTAL row against the sum of the other rows, for forecast and actual."""
    return findings.frame_of(_total_mismatch(frame, total_row, spec))


def _total_mismatch(frame: pl.DataFrame, total_row: dict[str, object] | None, spec: ReportSpec) -> list[Finding]:
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


def late_delivery(received_at: datetime | None, due_at: datetime | None, spec: ReportSpec) -> pl.DataFrame:
    """LATE_DELIVERY: received after the end of the due day (both instants as given by the caller)."""
    if received_at is None or due_at is None:
        return findings.empty()
    received, due = text.as_utc(received_at), text.as_utc(due_at)
    if received <= due:
        return findings.empty()
    return findings.frame_of(
        [
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
    )
