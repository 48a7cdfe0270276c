"""Time parsing and validation of SR_VARIANCE files beside a bare-polars floor doing the same checks."""

# python bench/bench_validation.py [--rows 100000 1000000] [--bad 0.0 0.1] [--runs 3]
# Writes bench/results/validation.json. "floor" is the same checks by hand in bare polars (findings not written);
# "floor_messages" is the floor plus its findings' messages and details with bare pl.format (floor_findings);
# "quiet" is the pipeline with a band no row leaves: the same checks, no variance findings to write.
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_sr_variance import generate

from validation import ReportSpec, parse, validate_frame

SPEC = ReportSpec("SR_VARIANCE", "H3.24")
# The same checks with a band no row leaves (0% to 1,000,000,000%): the difference to SPEC is the cost of
# building the per-row variance findings (a frame of messages and details), which the floor does not do.
QUIET = ReportSpec("SR_VARIANCE", "H3.24", tolerance_lower_pct=0.0, tolerance_upper_pct=1e9)
RESULTS = Path(__file__).resolve().parent / "results" / "validation.json"


def floor(frame: pl.DataFrame) -> tuple[pl.DataFrame, ...]:
    """The same checks written by hand in bare polars: cast, null/negative checks, ratio, duplicates, sums."""
    counts = ("forecast", "actual")
    typed = frame.with_columns(pl.col(counts).cast(pl.Int64, strict=False), pl.int_range(1, pl.len() + 1).alias("row"))
    cast_failed = [frame.get_column(c).is_not_null() & typed.get_column(c).is_null() for c in counts]
    bad = (
        cast_failed[0]
        | cast_failed[1]
        | typed.get_column("forecast").lt(0).fill_null(False)
        | typed.get_column("actual").lt(0).fill_null(False)
        | typed.get_column("user_id").is_null()
        | typed.get_column("forecast").is_null()
        | typed.get_column("actual").is_null()
    )
    bad_rows = typed.filter(bad).select("row", "user_id", "forecast", "actual")
    valid = typed.filter(~bad).with_columns(
        pl.when(pl.col("service").is_null())
        .then(pl.col("user_id"))
        .otherwise(pl.col("user_id") + "/" + pl.col("service"))
        .alias("subject")
    )
    actual, forecast = pl.col("actual"), pl.col("forecast")
    ratio = ((actual * 2000 + forecast) // (2 * forecast) / 10).alias("ratio")

    def with_ratio(*where: pl.Expr) -> pl.DataFrame:
        return valid.lazy().filter(forecast > 0, *where).select("subject", "row", "actual", "forecast", ratio).collect()

    flagged = with_ratio((actual * 100 > forecast * 110) | (actual * 100 < forecast * 90))
    # Every subject at or above its forecast is listed as well (INFO).
    listed = with_ratio(actual >= forecast)
    zero = valid.filter(pl.col("forecast") == 0, pl.col("actual") > 0).select("subject", "row")
    # The same shortcut the pipeline takes: counting distinct subjects usually proves there are no duplicates.
    subjects = valid.get_column("subject")
    dups = (
        valid.group_by("subject").agg(pl.col("row").sort(), pl.len().alias("n")).filter(pl.col("n") > 1)
        if subjects.hash().n_unique() != subjects.len()
        else valid.head(0)
    )
    sums = valid.select(pl.col(counts).cast(pl.Int128).sum())
    return bad_rows, flagged, listed, zero, dups, sums


def floor_findings(checked: tuple[pl.DataFrame, ...]) -> pl.DataFrame:
    """The floor's findings with their messages, one frame (bare pl.format, as little as a message needs)."""
    bad_rows, flagged, listed, zero, dups, _ = checked
    clause = SPEC.sec_clause
    first_row = pl.col("row").list.first() if isinstance(dups.schema["row"], pl.List) else pl.col("row")

    def against_forecast(frame: pl.DataFrame, rule: str) -> pl.DataFrame:
        return frame.select(
            pl.lit(rule).alias("rule"),
            "subject",
            "row",
            pl.format(
                "{} requests sent against a forecast of {}: {}% of forecast (SEC " + f"{clause})",
                "actual",
                "forecast",
                "ratio",
            ).alias("message"),
            pl.format('{{"actual":{},"forecast":{},"ratio":{}}}', "actual", "forecast", "ratio").alias("details"),
        )

    return pl.concat(
        [
            bad_rows.select(
                pl.lit("SCHEMA").alias("rule"),
                pl.lit("user_id").alias("subject"),
                "row",
                pl.format("row {} has an invalid value", "row").alias("message"),
                pl.format('{{"row":{}}}', "row").alias("details"),
            ),
            against_forecast(flagged, "VARIANCE"),
            against_forecast(listed, "AT_OR_ABOVE_FORECAST"),
            zero.select(
                pl.lit("FORECAST_ZERO").alias("rule"),
                "subject",
                "row",
                pl.lit("forecast 0").alias("message"),
                pl.lit("{}").alias("details"),
            ),
            dups.select(
                pl.lit("DUPLICATE").alias("rule"),
                "subject",
                first_row.cast(pl.Int64),
                pl.lit("duplicate").alias("message"),
                pl.lit("{}").alias("details"),
            ),
        ]
    )


def timed(fns: dict[str, Callable[[], object]], runs: int) -> dict[str, float]:
    """Median wall and CPU seconds of each function over `runs` runs after one warm-up."""
    # Taken in turn so that drift hits all alike; CPU time (all threads of this process) is the steadier
    # figure on a shared machine.
    for fn in fns.values():
        fn()
    samples: dict[str, list[float]] = {}
    for _ in range(runs):
        for name, fn in fns.items():
            wall, cpu = time.perf_counter(), time.process_time()
            fn()
            samples.setdefault(name, []).append(time.perf_counter() - wall)
            samples.setdefault(f"{name}_cpu", []).append(time.process_time() - cpu)
    return {name: statistics.median(values) for name, values in samples.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--bad", type=float, nargs="+", default=[0.0, 0.1])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    results = []
    for rows in args.rows:
        for bad in args.bad:
            data = generate(rows, bad_fraction=bad, seed=1)
            frame = parse(data)
            outcome = validate_frame(frame, SPEC)
            quiet_outcome = validate_frame(frame, QUIET)
            times = timed(
                {
                    "parse": partial(parse, data),
                    "validate": partial(validate_frame, frame, SPEC),
                    "validate_quiet": partial(validate_frame, frame, QUIET),
                    "floor": partial(floor, frame),
                    "floor_messages": lambda frame=frame: floor_findings(floor(frame)),
                },
                args.runs,
            )
            entry = {
                "rows": rows,
                "bad_fraction": bad,
                "bytes": len(data),
                "status": outcome.status,
                "findings": outcome.findings_frame.height,
                "findings_quiet": quiet_outcome.findings_frame.height,
                **{f"{name}_s": round(value, 4) for name, value in times.items()},
                "validate_over_floor": round(times["validate"] / times["floor"], 2),
                "validate_quiet_over_floor": round(times["validate_quiet"] / times["floor"], 2),
                "validate_over_floor_cpu": round(times["validate_cpu"] / times["floor_cpu"], 2),
                "validate_over_floor_messages": round(times["validate"] / times["floor_messages"], 2),
                "validate_over_floor_messages_cpu": round(times["validate_cpu"] / times["floor_messages_cpu"], 2),
                "validate_quiet_over_floor_cpu": round(times["validate_quiet_cpu"] / times["floor_cpu"], 2),
            }
            results.append(entry)
            print(
                f"{rows:>9,} rows bad={bad:<5} parse {times['parse'] * 1000:7.1f} ms"
                f" | validate {times['validate'] * 1000:7.1f} ms ({outcome.findings_frame.height:,} findings)"
                f"  quiet {times['validate_quiet'] * 1000:7.1f} ms ({quiet_outcome.findings_frame.height:,})"
                f"  floor {times['floor'] * 1000:7.1f} ms"
                f" | ratio {entry['validate_over_floor']:.2f}, quiet {entry['validate_quiet_over_floor']:.2f}"
                f" (CPU {entry['validate_over_floor_cpu']:.2f}, quiet {entry['validate_quiet_over_floor_cpu']:.2f})"
                f" | with messages: floor {times['floor_messages'] * 1000:7.1f} ms,"
                f" ratio {entry['validate_over_floor_messages']:.2f}"
                f" (CPU {entry['validate_over_floor_messages_cpu']:.2f})"
            )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "python": platform.python_version(),
        "polars": pl.__version__,
        "machine": platform.machine(),
        "runs": args.runs,
        "statistic": "median after one warm-up, the four timings taken in turn; *_cpu is process CPU time",
        "cpus": os.cpu_count(),
        "results": results,
    }
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
