"""The validation floor: SR_VARIANCE's checks and findings written by hand in bare polars.

`floor(frame)` gives exactly the findings frame `validate_frame` gives for the benchmark's files (the benchmark
compares them), with one lazy query per kind of finding run side by side: what a polars programmer would write
for this one report type, without a schema, a catalogue or rules shared between types. `checks(frame)` is the
same checks without their findings' messages and details, for comparison.
"""

from __future__ import annotations

import polars as pl

CLAUSE = "H3.24"
LOWER, UPPER = 90, 110
COUNTS = ("forecast", "actual")
DETAILS_BOUNDS = f',"lower":{float(LOWER)},"upper":{float(UPPER)}}}'
# The groups of a number with thousands separators: state * 1000 + group, state 0 before the first group, 1 the
# first (unpadded), 2 a later one (zero-padded); the last group has no comma after it.
_GROUPS = [
    pl.Series([*([""] * 1000), *(f"{i}{tail}" for i in range(1000)), *(f"{i:03d}{tail}" for i in range(1000))])
    for tail in (",", "")
]
_DIGITS = pl.Series([str(i) for i in range(10)])
# A valid row's columns: its subject, row number and counts.
VALID = (
    pl.when(pl.col("service").is_null())
    .then(pl.col("user_id"))
    .otherwise(pl.col("user_id") + "/" + pl.col("service"))
    .alias("subject"),
    pl.col("row"),
    pl.col("forecast_n").alias("forecast"),
    pl.col("actual_n").alias("actual"),
)


def grouped(value: pl.Expr, groups: int = 7) -> list[pl.Expr]:
    """A count (0 or more) with thousands separators, as pieces of one concat_str."""
    pieces = []
    for k in reversed(range(groups)):
        later = value >= 10 ** (3 * (k + 1)) if k < 6 else pl.lit(False)
        state = pl.when(later).then(2).when(value >= 10 ** (3 * k) if k else pl.lit(True)).then(1).otherwise(0)
        pieces.append(pl.lit(_GROUPS[k == 0]).gather(state * 1000 + value // 10 ** (3 * k) % 1000))
    return pieces


def typed(frame: pl.DataFrame) -> pl.LazyFrame:
    """Counts cast (a failed cast is null), row numbers, and which rows are left out for a bad value."""
    return (
        frame.lazy()
        .with_columns(
            pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("row"),
            *(pl.col(c).cast(pl.Int64, strict=False).alias(f"{c}_n") for c in COUNTS),
        )
        .with_columns(
            pl.any_horizontal(
                pl.col("user_id").is_null(), *(pl.col(f"{c}_n").is_null() | (pl.col(f"{c}_n") < 0) for c in COUNTS)
            ).alias("bad")
        )
    )


def _schema(rows: pl.LazyFrame) -> pl.LazyFrame:
    """One finding per bad cell, in row then column order."""
    cells = [
        rows.filter(pl.col("user_id").is_null()).select(
            "row",
            pl.lit(0).alias("order"),
            pl.lit("user_id").alias("subject"),
            pl.format("user_id on row {} is empty: a value is required", "row").alias("message"),
            pl.lit('{"column":"user_id","value":null}').alias("details"),
        )
    ]
    for order, c in enumerate(COUNTS, start=1):
        text, number = pl.col(c), pl.col(f"{c}_n")
        message = (
            pl.when(text.is_null())
            .then(pl.format(c + " on row {} is empty: a value is required", "row"))
            .when(number.is_null())
            .then(pl.format(c + " '{}' on row {} is not a whole number", text, "row"))
            .otherwise(pl.format(c + " {} on row {} is negative: a count cannot be below 0", text, "row"))
        )
        details = pl.when(text.is_null()).then(pl.lit(f'{{"column":"{c}","value":null}}'))
        details = details.otherwise(pl.format(f'{{{{"column":"{c}","value":"{{}}"}}}}', text))
        cells.append(
            rows.filter(number.is_null() | (number < 0)).select(
                "row",
                pl.lit(order).alias("order"),
                pl.lit(c).alias("subject"),
                message.alias("message"),
                details.alias("details"),
            )
        )
    return (
        pl.concat(cells)
        .sort("row", "order")
        .select(_finding(pl.lit("SCHEMA"), pl.lit("HIGH"), pl.col("message"), pl.col("details")))
    )


def _finding(rule: pl.Expr, severity: pl.Expr, message: pl.Expr, details: pl.Expr) -> list[pl.Expr]:
    return [
        rule.alias("rule_code"),
        severity.alias("severity"),
        pl.col("subject"),
        pl.col("row"),
        message.alias("message"),
        pl.lit(CLAUSE).alias("sec_clause"),
        details.alias("details"),
    ]


def _against_forecast(
    valid: pl.LazyFrame, where: pl.Expr, rule: pl.Expr, severity: pl.Expr, phrase: pl.Expr
) -> pl.LazyFrame:
    actual, forecast = pl.col("actual"), pl.col("forecast")
    tenths = (actual * 2000 + forecast) // (2 * forecast)
    return (
        valid.filter(forecast > 0, where)
        .with_columns(
            pl.concat_str((tenths // 10).cast(pl.String), pl.lit("."), pl.lit(_DIGITS).gather(tenths % 10)).alias(
                "ratio"
            )
        )
        .select(
            _finding(
                rule,
                severity,
                pl.concat_str(
                    *grouped(actual),
                    pl.lit(" requests sent against a forecast of "),
                    *grouped(forecast),
                    pl.lit(": "),
                    pl.col("ratio"),
                    pl.lit("% of forecast, "),
                    phrase,
                ),
                pl.concat_str(
                    pl.lit('{"actual":'),
                    actual,
                    pl.lit(',"forecast":'),
                    forecast,
                    pl.lit(',"ratio":'),
                    pl.col("ratio"),
                    pl.lit(DETAILS_BOUNDS),
                ),
            )
        )
    )


def floor(frame: pl.DataFrame) -> pl.DataFrame:
    """The findings, exactly as validate_frame gives them for the benchmark's files."""
    return findings_and_rows(frame)[0]


def findings_and_rows(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The findings and the valid rows (typed, with their subject and row number)."""
    rows = typed(frame).collect()
    valid = (
        rows.lazy()
        .filter(~pl.col("bad"))
        .select(
            *VALID,
            "user_id",
            "user_role",
            "service",
            pl.col("user_id").str.contains("(?i)^total$").alias("total"),
        )
        .collect()
    )
    # The benchmark's files have no TOTAL row and no subject twice; a floor need not word what never happens.
    subjects = valid.get_column("subject")
    assert not valid.get_column("total").any() and subjects.hash().n_unique() == subjects.len()
    actual, forecast = pl.col("actual"), pl.col("forecast")
    above, below = actual * 100 > forecast * UPPER, actual * 100 < forecast * LOWER
    zero = (
        valid.lazy()
        .filter(forecast == 0, actual > 0)
        .select(
            _finding(
                pl.lit("FORECAST_ZERO"),
                pl.lit("WARNING"),
                pl.concat_str(
                    *grouped(actual),
                    pl.lit(
                        " requests sent against a forecast of 0: no percentage of forecast can be given (SEC H3.24)"
                    ),
                ),
                pl.format('{{"actual":{},"forecast":0}}', actual),
            )
        )
    )
    beyond = _against_forecast(
        valid.lazy(),
        above | below,
        pl.when(above).then(pl.lit("VARIANCE_ABOVE_TOLERANCE")).otherwise(pl.lit("VARIANCE_BELOW_TOLERANCE")),
        pl.when(above).then(pl.lit("WARNING")).otherwise(pl.lit("INFO")),
        pl.when(above)
        .then(pl.lit(f"above the {UPPER:.1f}% tolerance (SEC {CLAUSE})"))
        .otherwise(pl.lit(f"below the {LOWER:.1f}% tolerance (SEC {CLAUSE})")),
    )
    listed = _against_forecast(
        valid.lazy(),
        actual >= forecast,
        pl.lit("AT_OR_ABOVE_FORECAST"),
        pl.lit("INFO"),
        pl.lit(f"at or above forecast (SEC {CLAUSE})"),
    )
    found = pl.collect_all([_schema(rows.lazy().filter(pl.col("bad"))), zero, beyond, listed])
    sums = valid.select(pl.col(COUNTS).cast(pl.Int128).sum()).row(0)
    total_forecast, total_actual = (int(v) for v in sums)
    # The benchmark's sums stay within the band: no TOTAL finding to word.
    assert total_forecast > 0 and LOWER * total_forecast <= 100 * total_actual <= UPPER * total_forecast
    return pl.concat([f for f in found if f.height]).cast({"row": pl.Int64}), valid.drop("total")


def checks(frame: pl.DataFrame) -> tuple[pl.DataFrame, ...]:
    """The same checks without messages: bad rows, rows beyond the band, rows listed, forecast 0, sums."""
    rows = typed(frame).collect()
    valid = rows.filter(~pl.col("bad")).select(*VALID)
    actual, forecast = pl.col("actual"), pl.col("forecast")
    subjects = valid.get_column("subject")
    distinct = subjects.hash().n_unique() == subjects.len()
    return (
        rows.filter(pl.col("bad")).select("row"),
        valid.filter(forecast > 0, (actual * 100 > forecast * UPPER) | (actual * 100 < forecast * LOWER)),
        valid.filter(forecast > 0, actual >= forecast),
        valid.filter(forecast == 0, actual > 0),
        valid.head(0) if distinct else valid.filter(pl.col("subject").is_duplicated()),
        valid.select(pl.col(COUNTS).cast(pl.Int128).sum()),
    )
