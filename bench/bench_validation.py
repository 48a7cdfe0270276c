"""Time parsing and validation of SR_VARIANCE files beside a bare-polars floor giving the same findings."""

# python -m bench.bench_validation [--rows 100000 1000000] [--bad 0.0 0.1] [--runs 3]
# Writes bench/results/validation.json. "floor" is floor_validation.floor: the same checks and the same findings,
# message for message (compared in the run), written by hand in bare polars; "checks" is the same checks with no
# findings written (floor_validation.checks), to show what writing the findings costs.
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import polars as pl

from bench.floor_validation import checks, floor
from bench.gen_sr_variance import generate
from bench.harness import RESULTS as RESULTS_DIR
from bench.harness import machine
from validation import ReportSpec, parse, validate_frame

SPEC = ReportSpec("SR_VARIANCE", "H3.24")
RESULTS = RESULTS_DIR / "validation.json"


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
            expected = floor(frame)
            if not outcome.findings_frame.equals(expected):
                raise SystemExit(f"the floor's findings differ from validate_frame's ({rows:,} rows, bad={bad})")
            times = timed(
                {
                    "parse": partial(parse, data),
                    "validate": partial(validate_frame, frame, SPEC),
                    "floor": partial(floor, frame),
                    "checks": partial(checks, frame),
                },
                args.runs,
            )
            entry = {
                "rows": rows,
                "bad_fraction": bad,
                "bytes": len(data),
                "status": outcome.status,
                "findings": outcome.findings_frame.height,
                **{f"{name}_s": round(value, 4) for name, value in times.items()},
                "validate_over_floor": round(times["validate"] / times["floor"], 2),
                "validate_over_floor_cpu": round(times["validate_cpu"] / times["floor_cpu"], 2),
                "validate_over_checks": round(times["validate"] / times["checks"], 2),
                "validate_over_checks_cpu": round(times["validate_cpu"] / times["checks_cpu"], 2),
            }
            results.append(entry)
            print(
                f"{rows:>9,} rows bad={bad:<5} parse {times['parse'] * 1000:7.1f} ms"
                f" | validate {times['validate'] * 1000:7.1f} ms ({outcome.findings_frame.height:,} findings)"
                f" | floor {times['floor'] * 1000:7.1f} ms: ratio {entry['validate_over_floor']:.2f}"
                f" (CPU {entry['validate_over_floor_cpu']:.2f})"
                f" | checks alone {times['checks'] * 1000:7.1f} ms: ratio {entry['validate_over_checks']:.2f}"
                f" (CPU {entry['validate_over_checks_cpu']:.2f})"
            )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    report = {
        **machine(),
        "polars": pl.__version__,
        "runs": args.runs,
        "statistic": "median after one warm-up, the four timings taken in turn; *_cpu is process CPU time",
        "results": results,
    }
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
