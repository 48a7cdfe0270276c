"""Findings: what a validation run says about one submission, held as one polars frame from the rules to the store."""

# A file can raise a finding on most of its rows, so the rules build their findings with polars expressions (the
# message and the details JSON included) and never make a Python object per finding. `Finding` remains for the
# few findings about the file as a whole, and for reading a frame back (tests, small files).
from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

import polars as pl


class Severity(StrEnum):
    """How serious a finding is; INFO findings never become exceptions."""

    INFO = "INFO"
    WARNING = "WARNING"
    HIGH = "HIGH"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem (or note) found in a submission, with the numbers behind it."""

    rule_code: str
    severity: Severity
    subject: str
    message: str
    sec_clause: str | None
    # JSON-serialisable only: numbers, strings, ISO dates, lists and dicts of them.
    details: dict[str, object] = field(default_factory=dict)
    # 1-based data row (header excluded); None for file-level and aggregate findings.
    row: int | None = None


# The columns of a findings frame, in the order the store writes them; details is the JSON text of the details.
FINDINGS = pl.Schema(
    {
        "rule_code": pl.String(),
        "severity": pl.String(),
        "subject": pl.String(),
        "row": pl.Int64(),
        "message": pl.String(),
        "sec_clause": pl.String(),
        "details": pl.String(),
    }
)

Piece = str | pl.Expr
# What a rule gives: its findings, or the query that makes them (run with the other rules' queries, side by side).
Findings = pl.DataFrame | pl.LazyFrame


def empty() -> pl.DataFrame:
    return pl.DataFrame(schema=FINDINGS)


def frame_of(findings: Iterable[Finding]) -> pl.DataFrame:
    """A few findings built one by one (file-level, aggregate) as a findings frame."""
    rows = [
        (f.rule_code, f.severity.value, f.subject, f.row, f.message, f.sec_clause, json.dumps(_finite(f.details)))
        for f in findings
    ]
    return pl.DataFrame(rows, schema=FINDINGS, orient="row")


def concat(frames: Iterable[Findings]) -> pl.DataFrame:
    """Findings frames one after the other, in the order given (the order findings are reported and stored); the
    queries among them are collected together, so polars runs them side by side."""
    given = list(frames)
    queries = [frame for frame in given if isinstance(frame, pl.LazyFrame)]
    collected = iter(pl.collect_all(queries) if queries else [])
    done = [next(collected) if isinstance(frame, pl.LazyFrame) else frame for frame in given]
    found = [frame for frame in done if frame.height]
    if not found:
        return empty()
    return found[0] if len(found) == 1 else pl.concat(found, how="vertical", rechunk=False)


def as_findings(frame: pl.DataFrame) -> list[Finding]:
    """A findings frame read back as Finding objects (for tests and small files: a Python object per finding)."""
    columns = [frame.get_column(name).to_list() for name in FINDINGS.names()]
    return [
        Finding(rule, Severity(severity), subject, message, clause, json.loads(details), row)
        for rule, severity, subject, row, message, clause, details in zip(*columns, strict=True)
    ]


def rule_frame(
    rule: str | pl.Expr,
    severity: Severity | pl.Expr,
    subject: pl.Expr,
    row: pl.Expr | None,
    message: pl.Expr,
    sec_clause: str | None,
    details: pl.Expr,
) -> list[pl.Expr]:
    """The select() that turns a frame of flagged rows into findings, one per row, in the frame's column order."""
    return [
        (pl.lit(rule, dtype=pl.String) if isinstance(rule, str) else rule).alias("rule_code"),
        (pl.lit(severity.value, dtype=pl.String) if isinstance(severity, Severity) else severity).alias("severity"),
        subject.cast(pl.String).alias("subject"),
        (pl.lit(None, dtype=pl.Int64) if row is None else row.cast(pl.Int64)).alias("row"),
        message.alias("message"),
        pl.lit(sec_clause, dtype=pl.String).alias("sec_clause"),
        details.alias("details"),
    ]


def text(*pieces: Piece) -> pl.Expr:
    """Literal text and string expressions joined, as an f-string would (a null piece makes the result null)."""
    return pl.concat_str([pl.lit(p, dtype=pl.String) if isinstance(p, str) else p.cast(pl.String) for p in pieces])


# The groups of three digits of a number with thousands separators, looked up by state * 1000 + group: state 0
# is a group before the number's first (nothing), 1 its first group as written (12), 2 the same with a minus sign
# (-12), 3 a later group, zero-padded (012). One table ends each group with a comma, the other is for the last.
def _group_table(tail: str) -> pl.Series:
    written = [
        [""] * 1000,
        [str(i) for i in range(1000)],
        [f"-{i}" for i in range(1000)],
        [f"{i:03d}" for i in range(1000)],
    ]
    return pl.Series([text + tail if text else text for state in written for text in state], dtype=pl.String)


_GROUP, _LAST_GROUP = _group_table(","), _group_table("")
_DIGITS = pl.Series([str(i) for i in range(10)], dtype=pl.String)


def thousands(value: pl.Expr, largest: int = 2**63) -> list[pl.Expr]:
    """An integer with thousands separators, as f"{n:,}" writes it (-1,234,567; |value| <= `largest`), as pieces
    to give `text`, one per group of three digits."""
    # Each group is a gather from a small table, with its comma, padding and sign decided by arithmetic: no text is
    # split, stripped or joined twice, and the pieces go straight into the message's one concatenation.
    magnitude = value.abs().cast(pl.Int64)
    count = max(1, (len(str(abs(largest))) + 2) // 3)
    first = pl.lit(1, dtype=pl.Int64) + (value < 0).cast(pl.Int64)
    pieces = []
    for k in reversed(range(count)):
        group = magnitude // 10 ** (3 * k) % 1000 if k else magnitude % 1000
        later = magnitude >= 10 ** (3 * (k + 1)) if 10 ** (3 * (k + 1)) <= 2**63 - 1 else pl.lit(False)
        state = (
            pl.when(later).then(3).when(magnitude >= 10 ** (3 * k)).then(first).otherwise(0)
            if k
            else pl.when(later).then(3).otherwise(first)
        )
        pieces.append(pl.lit(_GROUP if k else _LAST_GROUP).gather(state * 1000 + group))
    return pieces


def tenths(value: pl.Expr) -> pl.Expr:
    """An integer number of tenths with one decimal, as f"{tenths / 10:.1f}" writes it: 358 -> 35.8, -5 -> -0.5."""
    magnitude = value.abs()
    sign = pl.when(value < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    return text(sign, (magnitude // 10).cast(pl.String), ".", pl.lit(_DIGITS).gather(magnitude % 10))


def json_value(value: object) -> str:
    """A constant as JSON text, to splice into details built with `text`."""
    return json.dumps(_finite(value))


def _finite(value: object) -> object:
    """NaN and infinities become null, as JSON (and PostgreSQL's jsonb) has no such numbers."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


# Floats from 2**53 up are whole numbers, which polars writes with an exponent (1e+16).
_WHOLE_FLOAT = 2.0**53


def percent(value: pl.Expr) -> pl.Expr:
    """A percentage with one decimal, rounded half-up on the number as written (as text.pct): 99.45 -> 99.5%."""
    # polars writes a float with the same shortest digits as Python's repr, so rounding those digits as decimal
    # text rounds exactly what text.pct's Decimal(repr(x)) rounds.
    written = value.abs().cast(pl.String)
    whole, fraction = written.str.extract(r"^(\d+)\.", 1), written.str.extract(r"\.(\d*)$", 1) + "00"
    rounded = (
        whole.cast(pl.Int64, strict=False) * 10
        + fraction.str.slice(0, 1).cast(pl.Int64)
        + (fraction.str.slice(1, 1).cast(pl.Int64) >= 5).cast(pl.Int64)
    )
    sign = pl.when(value.cast(pl.String).str.starts_with("-")).then(pl.lit("-")).otherwise(pl.lit(""))
    number = (
        pl.when(value.is_nan())
        .then(pl.lit("nan"))
        .when(value.is_infinite())
        .then(pl.lit("inf"))
        .when(value.abs() >= _WHOLE_FLOAT)
        .then(text(pl.coalesce(value.abs().cast(pl.Int128, strict=False).cast(pl.String), written), ".0"))
        .when(written.str.contains("e-", literal=True))
        .then(pl.lit("0.0"))  # below 1e-5: rounds to nothing
        .otherwise(tenths(rounded))
    )
    return text(sign, number, "%")


# Text Python's repr() writes as it is between single quotes: printable ASCII but for the quote and backslash.
_PLAIN = r"^[ -&(-\[\]-~]*$"


def quoted(value: pl.Series) -> pl.Series:
    """Each value as repr() writes it ('n/a'); the rare value with quotes, escapes or non-ASCII goes through repr."""
    plain = value.str.contains(_PLAIN)
    quoted_plain = pl.select(text("'", pl.lit(value), "'")).to_series()
    if plain.fill_null(True).all():
        return quoted_plain.alias(value.name)
    others = value.filter(~plain).unique()
    written = dict(zip(others.to_list(), map(repr, others.to_list()), strict=True))
    return pl.select(
        pl.when(pl.lit(plain))
        .then(pl.lit(quoted_plain))
        .otherwise(pl.lit(value).replace_strict(written, default=None, return_dtype=pl.String))
        .alias(value.name)
    ).to_series()
