"""VARIANCE_ABOVE_TOLERANCE / VARIANCE_BELOW_TOLERANCE: requests sent against forecast, outside the band."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import polars as pl

from validation import findings, text
from validation.findings import Finding, Severity
from validation.spec import ReportSpec

# Tolerances are compared as exact fractions; a bound with more decimals than this is rounded to it.
_BOUND_DENOMINATOR = 10_000


@dataclass(frozen=True, slots=True)
class _Band:
    """One side of the tolerance band, held as an exact fraction so that 110.1% is not a binary float."""

    rule: str
    side: str  # "above" or "below"
    bound: float
    numerator: int
    denominator: int

    @classmethod
    def of(cls, rule: str, side: str, bound: float) -> _Band:
        fraction = Fraction(repr(float(bound))).limit_denominator(_BOUND_DENOMINATOR)
        return cls(rule, side, bound, fraction.numerator, fraction.denominator)

    def outside(self, actual: str, forecast: str, largest: int) -> pl.Expr:
        """actual / forecast * 100 beyond the bound, for forecast > 0, exactly whenever the integers allow."""
        # actual * 100 * q > p * forecast in the narrowest integer type that cannot overflow; only an absurd
        # bound (beyond any Int128 product) falls back to comparing floats.
        scale, numerator = 100 * self.denominator, self.numerator
        reach = max(largest, 1) * max(scale, abs(numerator))
        if reach < 2**126:
            wide = pl.Int64 if reach < 2**62 else pl.Int128
            left = pl.col(actual).cast(wide) * pl.lit(scale, dtype=wide)
            right = pl.col(forecast).cast(wide) * pl.lit(numerator, dtype=wide)
        else:
            left = pl.col(actual).cast(pl.Float64) * 100.0
            right = pl.col(forecast).cast(pl.Float64) * float(self.bound)
        return left > right if self.side == "above" else left < right

    def beyond(self, actual: int, forecast: int) -> bool:
        left, right = actual * 100 * self.denominator, forecast * self.numerator
        return left > right if self.side == "above" else left < right


def _bands(spec: ReportSpec) -> list[_Band]:
    bands = []
    if spec.tolerance_upper_pct is not None and math.isfinite(spec.tolerance_upper_pct):
        bands.append(_Band.of("VARIANCE_ABOVE_TOLERANCE", "above", spec.tolerance_upper_pct))
    if spec.tolerance_lower_pct is not None and math.isfinite(spec.tolerance_lower_pct):
        bands.append(_Band.of("VARIANCE_BELOW_TOLERANCE", "below", spec.tolerance_lower_pct))
    return bands


def _largest(frame: pl.DataFrame) -> int:
    """The largest magnitude among actual and forecast, which decides how wide the arithmetic must be."""
    extremes = frame.select(pl.col("actual", "forecast").min().name.suffix("_min"), pl.col("actual", "forecast").max())
    return max((abs(int(v)) for v in extremes.row(0) if v is not None), default=0)


def variance(frame: pl.DataFrame, spec: ReportSpec) -> pl.DataFrame:
    """Per subject (WARNING) and for the sum of the rows, subject TOTAL (HIGH); forecast 0 is FORECAST_ZERO's."""
    bands = _bands(spec)
    if not bands or not all(c in frame.columns for c in ("forecast", "actual", "subject", "row")):
        return findings.empty()
    largest = _largest(frame)
    # Int64 is faster and enough for any real report; Int128 only when a product could overflow it.
    wide = pl.Int64 if largest * 2000 < 2**62 else pl.Int128
    actual, forecast = pl.col("actual").cast(wide), pl.col("forecast").cast(wide)
    rule = pl.coalesce([pl.when(band.outside("actual", "forecast", largest)).then(pl.lit(band.rule)) for band in bands])
    # Everything that is the same for every finding is worked out once: there can be many thousands of them.
    lower, upper, clause = spec.tolerance_lower_pct, spec.tolerance_upper_pct, spec.sec_clause
    tail = text.clause(clause)
    phrases = {band.rule: f"{band.side} the {text.pct(band.bound)} tolerance{tail}" for band in bands}
    # Half-up to one decimal in integer arithmetic: 873383/553814 -> 1577 tenths, never a float artefact.
    ratio = findings.tenths((actual * 2000 + forecast) // (2 * forecast))
    per_row = (
        frame.lazy()
        .with_columns(rule.alias("__rule"))
        # Filter first so only the flagged rows are copied and given a message.
        .filter(pl.col("__rule").is_not_null(), forecast > 0, actual.is_not_null())
        .with_columns(
            ratio.alias("__ratio"), pl.col("__rule").replace_strict(phrases, return_dtype=pl.String).alias("__phrase")
        )
        .select(
            findings.rule_frame(
                pl.col("__rule"),
                Severity.WARNING,
                pl.col("subject"),
                pl.col("row"),
                findings.text(
                    findings.thousands(actual), " requests sent against a forecast of ", findings.thousands(forecast),
                    ": ", pl.col("__ratio"), "% of forecast, ", pl.col("__phrase"),
                ),
                clause,
                findings.text(
                    '{"actual":', actual, ',"forecast":', forecast, ',"ratio":', pl.col("__ratio"),
                    f',"lower":{findings.json_value(lower)},"upper":{findings.json_value(upper)}}}',
                ),
            )
        )
        .collect()
    )
    return findings.concat([per_row, findings.frame_of(_aggregate(frame, bands, phrases, spec))])


def _aggregate(frame: pl.DataFrame, bands: list[_Band], phrases: dict[str, str], spec: ReportSpec) -> list[Finding]:
    """The sum of the rows against the band: one finding, subject TOTAL."""
    sums = frame.select(pl.col("actual", "forecast").cast(pl.Int128).sum()).row(0)
    total_actual, total_forecast = (int(v or 0) for v in sums)
    if total_forecast <= 0:
        return []
    ratio = text.ratio_pct(total_actual, total_forecast)
    found = []
    for band in bands:
        if band.beyond(total_actual, total_forecast):
            message = (
                f"All rows together: {total_actual:,} requests sent against a forecast of {total_forecast:,}:"
                f" {ratio:.1f}% of forecast, {phrases[band.rule]}"
            )
            details: dict[str, object] = {
                "actual": total_actual,
                "forecast": total_forecast,
                "ratio": ratio,
                "lower": spec.tolerance_lower_pct,
                "upper": spec.tolerance_upper_pct,
            }
            found.append(Finding(band.rule, Severity.HIGH, "TOTAL", message, spec.sec_clause, details))
    return found
