"""Type the string columns of a report and locate every bad value by row, vectorised."""

# Casting is done here with polars (a failed cast becomes null and is flagged); the pandera model then checks
# nullability, ranges and allowed values on the typed frame and reports each failure with its row index.
# pandera's own coercion is not used: on a failed cast its polars backend (0.35) reports the frame, not the
# column, and every later check of that column fails with a compute error instead of locating rows.
from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from pandera.errors import SchemaErrors

from validation import findings
from validation.findings import Severity
from validation.schemas import ColumnSpec, ReportSchema

# The kinds of problem a bad cell can have; the message depends on it.
TYPE, RANGE, MISSING, LONG = "type", "range", "missing", "long"


@dataclass(frozen=True, slots=True)
class Coerced:
    """The typed frame (every schema column present, `row` kept) and its bad cells."""

    typed: pl.DataFrame
    # pos (UInt32, index into typed), column, value (the text as written, or null), problem
    bad: pl.DataFrame
    # schema failures pandera could not place on a row (should not happen; reported against the file)
    unplaced: tuple[str, ...] = ()


_BAD_SCHEMA = pl.Schema({"pos": pl.UInt32(), "column": pl.String(), "value": pl.String(), "problem": pl.String()})


def _typed(spec: ColumnSpec) -> pl.Expr:
    text = pl.col(spec.name)
    if spec.kind == "count":
        return text.cast(pl.Int64, strict=False)
    if spec.kind == "percent":
        number = text.str.strip_suffix("%").str.strip_chars().cast(pl.Float64, strict=False)
        # nan and inf parse as floats but are not percentages: treat them as unreadable values.
        return pl.when(number.is_finite()).then(number)
    if spec.kind == "date":
        return text.str.to_date("%Y-%m-%d", strict=False)
    if spec.kind == "choice":
        return text.str.to_uppercase()  # allowed values are matched case-insensitively
    return text


def coerce(frame: pl.DataFrame, schema: ReportSchema) -> Coerced:
    """Cast `frame` (pl.String columns plus `row`) to the schema's types and find its bad cells."""
    specs = schema.columns
    present = [spec for spec in specs if spec.name in frame.columns]
    castable = [spec for spec in present if spec.kind in ("count", "percent", "date")]
    typed = frame.with_columns(
        *(_typed(spec).alias(spec.name) for spec in present),
        *(pl.lit(None, dtype=spec.dtype).alias(spec.name) for spec in specs if spec.name not in frame.columns),
    )
    parts: list[pl.DataFrame] = []
    # A failed cast turns a value into null, so equal null counts (kept by polars, free to read) mean none failed.
    failing = [s for s in castable if typed.get_column(s.name).null_count() != frame.get_column(s.name).null_count()]
    if failing:
        masks = frame.select(
            (pl.col(s.name).is_not_null() & typed.get_column(s.name).is_null()).alias(s.name) for s in failing
        )
        parts.extend(_cells(frame, masks, spec.name, TYPE) for spec in failing)
    # Too long for the store to index (domain.limits): worded here, before pandera's own finding of the same cell.
    long = [s for s in present if s.max_chars is not None]
    if long:
        masks = frame.select(
            (pl.col(s.name).str.len_chars() > s.max_chars).fill_null(False).alias(s.name) for s in long
        )
        parts.extend(_cells(frame, masks, spec.name, LONG) for spec in long if masks.get_column(spec.name).any())
    unplaced: tuple[str, ...] = ()
    try:
        schema.schema.validate(typed.select(spec.name for spec in specs), lazy=True)
    except SchemaErrors as errors:
        cases = errors.failure_cases
        placed = cases.filter(pl.col("index").is_not_null())
        unplaced = tuple(
            sorted({f"{c['column']}: {c['check']}" for c in cases.filter(pl.col("index").is_null()).to_dicts()})
        )
        if placed.height:
            parts.append(_pandera_cells(frame, placed))
    if not parts:
        return Coerced(typed, pl.DataFrame(schema=_BAD_SCHEMA), unplaced)
    order = {spec.name: i for i, spec in enumerate(specs)}
    bad = (
        pl.concat(parts)
        .unique(subset=["pos", "column"], keep="first", maintain_order=True)
        .sort(by=[pl.col("pos"), pl.col("column").replace_strict(order, default=len(order))])
    )
    return Coerced(typed, bad, unplaced)


def _cells(frame: pl.DataFrame, masks: pl.DataFrame, column: str, problem: str) -> pl.DataFrame:
    positions = masks.get_column(column).arg_true()
    return pl.DataFrame(
        {
            "pos": positions.cast(pl.UInt32),
            "column": pl.Series([column] * positions.len(), dtype=pl.String),
            "value": frame.get_column(column).gather(positions),
            "problem": pl.Series([problem] * positions.len(), dtype=pl.String),
        },
        schema=_BAD_SCHEMA,
    )


def _pandera_cells(frame: pl.DataFrame, cases: pl.DataFrame) -> pl.DataFrame:
    """pandera's failures as cells, with the text as written; a null there means the value was missing."""
    found: list[pl.DataFrame] = []
    for (column,), group in cases.select("column", "index").group_by("column", maintain_order=True):
        name = str(column)
        positions = group.get_column("index").cast(pl.UInt32).unique(maintain_order=True)
        values = (
            frame.get_column(name).gather(positions)
            if name in frame.columns
            else pl.Series(name, [None] * positions.len(), dtype=pl.String)
        )
        found.append(
            pl.DataFrame({"pos": positions, "value": values.cast(pl.String)}).select(
                "pos",
                pl.lit(name, dtype=pl.String).alias("column"),
                "value",
                pl.when(pl.col("value").is_null()).then(pl.lit(MISSING)).otherwise(pl.lit(RANGE)).alias("problem"),
            )
        )
    return pl.concat(found).cast(_BAD_SCHEMA)


def _problem(spec: ColumnSpec, problem: str) -> str:
    if problem == MISSING:
        return "is empty: a value is required"
    if problem == LONG:
        return f"is longer than {spec.max_chars or 0:,} characters, the most a value naming a subject may have"
    if spec.kind == "count":
        return "is negative: a count cannot be below 0" if problem == RANGE else "is not a whole number"
    if spec.kind == "percent":
        return "is outside 0 to 100: a percentage must be between 0 and 100" if problem == RANGE else "is not a number"
    if spec.kind == "date":
        return "is not a date in the form YYYY-MM-DD"
    if spec.kind == "choice":
        return f"is not one of {', '.join(spec.choices)}"
    return "is not valid"


def schema_findings(coerced: Coerced, schema: ReportSchema, sec_clause: str | None) -> findings.Findings:
    """One SCHEMA finding per bad cell (subject: the column), in row then column order."""
    bad = coerced.bad
    if not bad.height:
        return findings.empty()
    specs = {c.name: c for c in schema.columns}
    value = pl.col("value")
    problem = pl.when(value.is_null()).then(pl.lit(MISSING)).otherwise(pl.col("problem"))
    # Numbers out of range read best bare (actual -1); anything else is quoted so blanks and text show.
    counted = [name for name, spec in specs.items() if spec.kind in ("count", "percent")]
    bare = pl.col("column").is_in(counted) & (problem == RANGE)
    # The wording depends only on the column and the kind of problem: worked out once per pair.
    wording = {
        f"{name}|{kind}": _problem(spec, kind) for name, spec in specs.items() for kind in (TYPE, RANGE, MISSING, LONG)
    }
    return (
        bad.lazy()
        .select(
            "column",
            value,
            pl.lit(findings.quoted(bad.get_column("value"))).alias("__quoted"),
            pl.lit(coerced.typed.get_column("row").gather(bad.get_column("pos"))).alias("row"),
            findings.text(pl.col("column"), "|", problem)
            .replace_strict(wording, return_dtype=pl.String)
            .alias("__says"),
            bare.alias("__bare"),
            (problem == LONG).alias("__long"),
        )
        .select(
            findings.rule_frame(
                "SCHEMA",
                Severity.HIGH,
                pl.col("column"),
                pl.col("row"),
                findings.text(
                    pl.col("column"),
                    pl.when(value.is_null())
                    .then(pl.lit(""))
                    .when(pl.col("__long"))  # its length, not thousands of characters of it
                    .then(findings.text(" (", value.str.len_chars(), " characters)"))
                    .when(pl.col("__bare"))
                    .then(findings.text(" ", value))
                    .otherwise(findings.text(" ", pl.col("__quoted"))),
                    " on row ",
                    pl.col("row"),
                    " ",
                    pl.col("__says"),
                ),
                sec_clause,
                pl.struct("column", "value").struct.json_encode(),
            )
        )
    )
