"""PMR rules: each measure's achieved percentage against its Target and Minimum Service Level."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from validation import findings, text
from validation.findings import Severity
from validation.spec import ReportSpec

_LEVELS = {"__measure": pl.String, "__provider": pl.String, "__target": pl.Float64, "__minimum": pl.Float64}


def _catalogue(spec: ReportSpec, specific: bool) -> pl.DataFrame:
    """The catalogue's levels keyed by upper-cased measure: per provider, or for any provider."""
    rows = [
        (
            level.measure.strip().upper(),
            level.provider.strip().upper() if level.provider else None,
            level.target_pct,
            level.minimum_pct,
        )
        for level in spec.service_levels
        if (level.provider is not None and level.provider.strip() != "") == specific
    ]
    frame = pl.DataFrame(rows, schema=_LEVELS, orient="row")
    # The first entry for a key wins, so a repeated catalogue row cannot double the findings.
    keys = ["__measure", "__provider"] if specific else ["__measure"]
    return frame.unique(subset=keys, keep="first", maintain_order=True)


def service_levels(frame: pl.DataFrame, spec: ReportSpec) -> findings.Findings:
    """BELOW_MINIMUM (HIGH), else BELOW_TARGET (WARNING); NO_SERVICE_LEVEL (INFO) when a measure has neither."""
    needed = ("measure", "provider", "actual_pct", "subject", "row")
    if not all(column in frame.columns for column in needed):
        return findings.empty()
    own = [c for c in ("target_pct", "minimum_pct") if c in frame.columns]
    specific = _catalogue(spec, True).rename({"__target": "__target_p", "__minimum": "__minimum_p"})
    generic = _catalogue(spec, False).drop("__provider").rename({"__target": "__target_g", "__minimum": "__minimum_g"})
    return (
        frame.lazy()
        .select(
            "subject",
            "row",
            "actual_pct",
            *own,
            pl.col("measure").str.strip_chars().str.to_uppercase().alias("__measure"),
            pl.col("provider").str.strip_chars().str.to_uppercase().alias("__provider"),
        )
        .join(specific.lazy(), on=["__measure", "__provider"], how="left", nulls_equal=False)
        .join(generic.lazy(), on="__measure", how="left")
        .with_columns(
            # The file's own figure first, then the catalogue's for that provider, then for any provider.
            pl.coalesce(_own(own, "target_pct"), "__target_p", "__target_g").alias("__target"),
            pl.coalesce(_own(own, "minimum_pct"), "__minimum_p", "__minimum_g").alias("__minimum"),
            _source(_own(own, "target_pct"), "__target_p", "__target_g").alias("__target_from"),
            _source(_own(own, "minimum_pct"), "__minimum_p", "__minimum_g").alias("__minimum_from"),
        )
        .with_columns(
            pl.when(pl.col("__target").is_null() & pl.col("__minimum").is_null())
            .then(pl.lit("NO_SERVICE_LEVEL"))
            .when(pl.col("actual_pct").is_null())
            .then(pl.lit(None, dtype=pl.String))
            .when(pl.col("actual_pct") < pl.col("__minimum"))
            .then(pl.lit("BELOW_MINIMUM"))
            .when(pl.col("actual_pct") < pl.col("__target"))
            .then(pl.lit("BELOW_TARGET"))
            .alias("__rule")
        )
        .filter(pl.col("__rule").is_not_null())
        .select("subject", "row", "actual_pct", "__target", "__minimum", "__target_from", "__minimum_from", "__rule")
        .sort("row")
        .select(_findings(spec))
    )


_SEVERITIES = {"NO_SERVICE_LEVEL": Severity.INFO, "BELOW_MINIMUM": Severity.HIGH, "BELOW_TARGET": Severity.WARNING}


def _findings(spec: ReportSpec) -> list[pl.Expr]:
    """One finding per checked row; the message names the level missed and the other level when there is one."""
    rule, subject = pl.col("__rule"), pl.col("subject")
    actual, target, minimum = (pl.col(c) for c in ("actual_pct", "__target", "__minimum"))
    achieved = findings.text(subject, " achieved ", findings.percent(actual.fill_null(0.0)))
    also_target = pl.when(target.is_not_null()).then(findings.text(" (Target ", findings.percent(target), ")"))
    also_minimum = pl.when(minimum.is_not_null()).then(
        findings.text(" (Minimum Service Level ", findings.percent(minimum), ")")
    )
    clause = text.clause(spec.sec_clause)
    message = (
        pl.when(rule == "NO_SERVICE_LEVEL")
        .then(
            findings.text(subject, " has no Target or Minimum Service Level in the file or the catalogue: not checked")
        )
        .when(rule == "BELOW_MINIMUM")
        .then(
            findings.text(
                achieved,
                ", below its Minimum Service Level of ",
                findings.percent(minimum.fill_null(0.0)),
                also_target.otherwise(pl.lit("")),
                clause,
            )
        )
        .otherwise(
            findings.text(
                achieved,
                ", below its Target of ",
                findings.percent(target.fill_null(0.0)),
                also_minimum.otherwise(pl.lit("")),
                clause,
            )
        )
    )
    details = pl.struct(
        actual.alias("actual_pct"),
        target.alias("target_pct"),
        minimum.alias("minimum_pct"),
        pl.col("__target_from").alias("target_from"),
        pl.col("__minimum_from").alias("minimum_from"),
    ).struct.json_encode()
    severity = rule.replace_strict({k: v.value for k, v in _SEVERITIES.items()}, return_dtype=pl.String)
    return findings.rule_frame(rule, severity, subject, pl.col("row"), message, spec.sec_clause, details)


def _source(own: pl.Expr, provider_level: str, any_level: str) -> pl.Expr:
    """Where a threshold came from, for the analyst: the file or the catalogue."""
    return (
        pl.when(own.is_not_null())
        .then(pl.lit("file"))
        .when(pl.coalesce(provider_level, any_level).is_not_null())
        .then(pl.lit("catalogue"))
    )


def _own(own: Sequence[str], column: str) -> pl.Expr:
    return pl.col(column) if column in own else pl.lit(None, dtype=pl.Float64)
