"""Read an SR_VARIANCE workbook with the previous XLSX reader and the current one, beside a floor.

python -m bench.bench_xlsx [--rows 100000 1000000] [--runs 3]

The workbook: bench/gen_sr_variance.py's rows (user_id, user_role, service, forecast, actual), written as XLSX by
polars (xlsxwriter). Each measurement runs in a fresh child process that reads the workbook once: its wall time,
and its peak RSS increase (the peak RSS during the read, less the RSS just before it: Linux's VmHWM, reset before
the read; the reader is first run on a one-row workbook so that no one-off set-up is counted). The readers:

- previous: python-calamine's Python value per cell, converted by sheet.text_series (bench/previous_xlsx.py)
- current: validation.readers.read_xlsx (typed Arrow columns through fastexcel, text by polars expressions)
- floor: fastexcel straight to polars (header row, guessed types), no structural checks and no text
- checks: validation.workbook.check_workbook alone, the hostile-file checks both readers make first

Medians of --runs children. Writes bench/results/xlsx.json.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl

from bench.gen_sr_variance import generate
from bench.harness import RESULTS as RESULTS_DIR
from bench.harness import machine, peak_mb, reset_peak

RESULTS = RESULTS_DIR / "xlsx.json"
READERS = ("previous", "current", "floor", "checks")


def build(rows: int, path: Path) -> None:
    """The generator's CSV, counts as numbers, written as the first sheet of a workbook."""
    frame = pl.read_csv(io.BytesIO(generate(rows)), schema_overrides={"forecast": pl.Int64, "actual": pl.Int64})
    frame.write_excel(path, autofit=False)


def reader(name: str) -> Callable[[bytes], pl.DataFrame | None]:
    if name == "checks":
        from validation.workbook import check_workbook

        return lambda data: check_workbook(data, max_columns=200)
    if name == "previous":
        from bench.previous_xlsx import read_xlsx as previous

        return previous
    if name == "current":
        from validation.readers import read_xlsx

        return read_xlsx
    import fastexcel

    return lambda data: fastexcel.read_excel(data).load_sheet(0).to_polars()


def child(name: str, path: Path, warm_up: Path) -> dict[str, float]:
    """One measurement, in this (fresh) process."""
    read = reader(name)
    read(warm_up.read_bytes())
    data = path.read_bytes()
    reset_peak()
    before = peak_mb()
    started = time.perf_counter()
    frame = read(data)
    seconds = time.perf_counter() - started
    peak_bytes = (peak_mb() - before) * 2**20
    return {"seconds": seconds, "peak_bytes": peak_bytes, "rows": -1 if frame is None else frame.height}


def measure(name: str, path: Path, warm_up: Path) -> dict[str, float]:
    command = [sys.executable, "-m", "bench.bench_xlsx", "--child", name, str(path), str(warm_up)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--child", nargs=3, metavar=("READER", "WORKBOOK", "WARM_UP"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child[0], Path(args.child[1]), Path(args.child[2]))))
        return 0
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        warm_up = Path(scratch) / "warm_up.xlsx"
        build(1, warm_up)
        for rows in args.rows:
            path = Path(scratch) / f"sr_variance_{rows}.xlsx"
            build(rows, path)
            entry: dict[str, object] = {"rows": rows, "bytes": path.stat().st_size}
            for name in READERS:
                runs = [measure(name, path, warm_up) for _ in range(args.runs)]
                assert all(r["rows"] in (rows, -1) for r in runs), (name, runs)
                entry[f"{name}_s"] = round(statistics.median(r["seconds"] for r in runs), 3)
                entry[f"{name}_peak_mib"] = round(statistics.median(r["peak_bytes"] for r in runs) / 2**20, 1)
            results.append(entry)
            print(f"{rows:>9,} rows, {entry['bytes']:,} bytes of XLSX (median of {args.runs} fresh processes each)")
            for name in READERS:
                print(f"  {name:<9} {entry[f'{name}_s']:>8.3f} s   peak RSS +{entry[f'{name}_peak_mib']:>8.1f} MiB")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    report = {
        **machine(),
        "polars": pl.__version__,
        "runs": args.runs,
        "statistic": "median over fresh child processes: wall time of one read, peak RSS less RSS before it",
        "results": results,
    }
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
