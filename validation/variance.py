"""Requests sent against forecast, as the Operations Group reads them.

Volumes above forecast are the capacity risk: above the upper tolerance is VARIANCE_ABOVE_TOLERANCE (WARNING, an
exception), and every subject at or above 100% of its forecast is listed as AT_OR_ABOVE_FORECAST (INFO), as the CSR
report lists its Authorised Subscribers. Below the lower tolerance is VARIANCE_BELOW_TOLERANCE, information unless
the catalogue raises its severity.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

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
    side: str  # "above", "below" or "at or above"
    bound: float
    numerator: int
    denominator: int
    severity: Severity
    phrase: str

    @classmethod
    def of(cls, rule: str, side: str, bound: float, severity: Severity, clause: str | None, tbc: bool = False) -> _Band:
        fraction = Fraction(repr(float(bound))).limit_denominator(_BOUND_DENOMINATOR)
        mark = " (TBC)" if tbc else ""
        phrase = f"{side} the {text.pct(bound)}{mark} tolerance" if rule != AT_OR_ABOVE else "at or above forecast"
        return cls(rule, side, bound, fraction.numerator, fraction.denominator, severity, phrase + text.clause(clause))

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
        compared: pl.Expr = _compare(self.side, left, right)
        return compared

    def beyond(self, actual: int, forecast: int) -> bool:
        left, right = actual * 100 * self.denominator, forecast * self.numerator
        return bool(_compare(self.side, left, right))


def _compare(side: str, left: Any, right: Any) -> Any:
    if side == "above":
        return left > right
    return left < right if side == "below" else left >= right


AT_OR_ABOVE = "AT_OR_ABOVE_FORECAST"


def _bands(spec: ReportSpec) -> list[_Band]:
    """The tolerance rules; a row gets a finding of the first it is beyond."""
    bands = []
    clause = spec.sec_clause
    if spec.tolerance_upper_pct is not None and math.isfinite(spec.tolerance_upper_pct):
        tbc = "tolerance_upper_pct" in spec.tbc
        bands.append(
            _Band.of("VARIANCE_ABOVE_TOLERANCE", "above", spec.tolerance_upper_pct, Severity.WARNING, clause, tbc)
        )
    if spec.tolerance_lower_pct is not None and math.isfinite(spec.tolerance_lower_pct):
        tbc = "tolerance_lower_pct" in spec.tbc
        below = Severity(spec.below_tolerance_severity)
        bands.append(_Band.of("VARIANCE_BELOW_TOLERANCE", "below", spec.tolerance_lower_pct, below, clause, tbc))
    return bands


def _largest(frame: pl.DataFrame) -> int:
    """The largest magnitude among actual and forecast, which decides how wide the arithmetic must be."""
    extremes = frame.select(pl.col("actual", "forecast").min().name.suffix("_min"), pl.col("actual", "forecast").max())
    return max((abs(int(v)) for v in extremes.row(0) if v is not None), default=0)


def variance(frame: pl.DataFrame, spec: ReportSpec) -> findings.Findings:
    """Per subject and for the sum of the rows (subject TOTAL); forecast 0 is FORECAST_ZERO's."""
    bands = _bands(spec)
    if not bands or not all(c in frame.columns for c in ("forecast", "actual", "subject", "row")):
        return findings.empty()
    largest = _largest(frame)
    listing = [_Band.of(AT_OR_ABOVE, "at or above", 100.0, Severity.INFO, spec.sec_clause)]
    # The rows beyond the band, then the rows at or above forecast: two independent queries, run side by side.
    return pl.concat(
        [
            _per_subject(frame, spec, bands, largest),
            _per_subject(frame, spec, listing, largest),
            findings.frame_of(_aggregate(frame, bands, spec)).lazy(),
        ]
    )


def _per_subject(frame: pl.DataFrame, spec: ReportSpec, bands: list[_Band], largest: int) -> pl.LazyFrame:
    """One finding per row beyond one of `bands` (the first it is beyond), in row order, as a query."""
    # Int64 is faster and enough for any real report; Int128 only when a product could overflow it.
    wide = pl.Int64 if largest * 2000 < 2**62 else pl.Int128
    actual, forecast = pl.col("actual").cast(wide), pl.col("forecast").cast(wide)
    rule = pl.coalesce([pl.when(band.outside("actual", "forecast", largest)).then(pl.lit(band.rule)) for band in bands])
    # Everything that is the same for every finding is worked out once: there can be many thousands of them.
    lower, upper, clause = spec.tolerance_lower_pct, spec.tolerance_upper_pct, spec.sec_clause
    phrases = {band.rule: band.phrase for band in bands}
    severities = {band.rule: band.severity.value for band in bands}
    # Half-up to one decimal in integer arithmetic: 873383/553814 -> 1577 tenths, never a float artefact.
    ratio = findings.tenths((actual * 2000 + forecast) // (2 * forecast))
    per_row = (
        frame.lazy()
        .with_columns(rule.alias("__rule"))
        # Filter first so only the flagged rows are copied and given a message.
        .filter(pl.col("__rule").is_not_null(), forecast > 0, actual.is_not_null())
        .with_columns(
            ratio.alias("__ratio"),
            pl.col("__rule").replace_strict(phrases, return_dtype=pl.String).alias("__phrase"),
            pl.col("__rule").replace_strict(severities, return_dtype=pl.String).alias("__severity"),
        )
        .select(
            findings.rule_frame(
                pl.col("__rule"),
                pl.col("__severity"),
                pl.col("subject"),
                pl.col("row"),
                findings.text(
                    *findings.thousands(actual, largest),
                    " requests sent against a forecast of ",
                    *findings.thousands(forecast, largest),
                    ": ",
                    pl.col("__ratio"),
                    "% of forecast, ",
                    pl.col("__phrase"),
                ),
                clause,
                findings.text(
                    '{"actual":',
                    actual,
                    ',"forecast":',
                    forecast,
                    ',"ratio":',
                    pl.col("__ratio"),
                    f',"lower":{findings.json_value(lower)},"upper":{findings.json_value(upper)}}}',
                ),
            )
        )
    )
    return per_row


def _aggregate(frame: pl.DataFrame, bands: list[_Band], spec: ReportSpec) -> list[Finding]:
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
                f" {ratio:.1f}% of forecast, {band.phrase}"
            )
            details: dict[str, object] = {
                "actual": total_actual,
                "forecast": total_forecast,
                "ratio": ratio,
                "lower": spec.tolerance_lower_pct,
                "upper": spec.tolerance_upper_pct,
            }
            found.append(Finding(band.rule, band.severity, "TOTAL", message, spec.sec_clause, details))
    return found
