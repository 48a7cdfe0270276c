"""bench.stages' parent: writes the inputs once, starts a child per measurement, reports (see the package)."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import polars as pl

from bench.bench_validation import SPEC
from bench.gen_sr_variance import generate
from bench.harness import ROOT, machine, write
from bench.stages.child import child
from bench.stages.impls import CODE
from bench.stages.report import IMPLS, TARGETS, checks, figures, ratio, report

STAGES = ("parse", "validate", "store")
FLOOR_TABLES = """
CREATE TABLE floor_rows (submission_id bigint, row integer, subject text, user_id text, forecast bigint,
                         actual bigint, user_role text, service text, party_name text,
                         PRIMARY KEY (submission_id, row));
CREATE TABLE floor_findings (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, run_id bigint,
                             submission_id bigint, rule_code text, severity text, subject text, row integer,
                             message text, sec_clause text, details jsonb);
"""


def write_inputs(folder: Path, rows: int, bad: float) -> dict[str, Any]:
    """The input of every stage, written once: the file, the parsed frame, the validation result, the rows CSV."""
    from validation import parse, validate_frame
    from workers.validate import findings_frame, rows_frame

    folder.mkdir(parents=True, exist_ok=True)
    data = generate(rows, bad_fraction=bad, seed=1)
    (folder / "data.csv").write_bytes(data)
    frame = parse(data)
    frame.write_parquet(folder / "frame.parquet", compression="uncompressed")
    result = validate_frame(frame, SPEC)
    with (folder / "result.pickle").open("wb") as f:
        pickle.dump(result, f, protocol=pickle.HIGHEST_PROTOCOL)
    # The floor's input: the frames the worker writes out, with their submission (and run) ids.
    rows = rows_frame(result, CODE, 0)
    assert rows is not None
    rows.write_parquet(folder / "rows.parquet", compression="uncompressed")
    found = findings_frame(result, 0, 0)
    assert found is not None
    found.write_parquet(folder / "findings.parquet", compression="uncompressed")
    return {
        "bytes": len(data),
        "status": result.status,
        "findings": result.findings_frame.height,
        "stored_rows": 0 if result.rows is None else result.rows.height,
    }


def run_child(job: dict[str, Any]) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.run(
        [sys.executable, "-m", "bench.stages", "--child", json.dumps(job)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{job['stage']}/{job['impl']} at {job['rows']:,} rows failed:\n{proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


async def floor_tables(dsn: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(FLOOR_TABLES)
    finally:
        await conn.close()


async def set_max_wal_size(dsn: str, size: str) -> None:
    """A private server set up for bulk loads: checkpoints no more often than `size` of WAL (a reload applies it)."""
    if not re.fullmatch(r"\d+(MB|GB)", size):
        raise SystemExit(f"--max-wal-size: {size!r} is not a size like 8GB")
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f"ALTER SYSTEM SET max_wal_size = '{size}'")
        await conn.execute("SELECT pg_reload_conf()")
        print(f"private server: max_wal_size = {await conn.fetchval('SHOW max_wal_size')}", flush=True)
    finally:
        await conn.close()


async def drop_database(dsn: str) -> None:
    """The benchmark's own database on DATABASE_URL's server (a private pgserver goes with its directory)."""
    from urllib.parse import urlsplit

    import asyncpg

    admin = os.environ["DATABASE_URL"]
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{urlsplit(dsn).path.lstrip("/")}" WITH (FORCE)')
    finally:
        await conn.close()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    p.add_argument("--bad", type=float, nargs="+", default=[0.0, 0.1])
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--stages", nargs="+", choices=STAGES, default=list(STAGES), help="the stages to run (all)")
    p.add_argument(
        "--max-wal-size",
        help="on a private server (DATABASE_URL unset), its max_wal_size, e.g. 8GB (the server's default otherwise)",
    )
    p.add_argument("--child", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        print(json.dumps(asyncio.run(child(json.loads(args.child)))))
        return 0

    from bench.bench_intake import database

    started = time.perf_counter()
    dsn, pg_handle = asyncio.run(database())
    if args.max_wal_size and pg_handle is not None:
        asyncio.run(set_max_wal_size(dsn, args.max_wal_size))
    asyncio.run(floor_tables(dsn))
    tmp = Path(tempfile.mkdtemp(prefix="secgov-bench-stages-"))
    results: list[dict[str, Any]] = []
    period = 0
    try:
        for n in args.rows:
            for bad in args.bad:
                folder = tmp / f"{n}-{bad}"
                t0 = time.perf_counter()
                inputs = write_inputs(folder, n, bad)
                print(
                    f"{n:>10,} rows, {bad * 100:g}% bad: {inputs['bytes'] / 2**20:,.1f} MB, "
                    f"{inputs['findings']:,} findings (inputs in {time.perf_counter() - t0:.1f} s)",
                    flush=True,
                )
                for stage in args.stages:
                    entry: dict[str, Any] = {"rows": n, "bad_fraction": bad, "stage": stage, **inputs}
                    for impl in (*IMPLS, "records") if stage == "store" else IMPLS:
                        job = {
                            "stage": stage,
                            "impl": impl,
                            "dir": str(folder),
                            "runs": args.runs,
                            "dsn": dsn,
                            "period": period,
                            "rows": n,
                        }
                        period += args.runs + 1
                        entry[impl] = run_child(job)
                    s, f = entry["secgov"], entry["floor"]
                    entry.update(figures(n, s, f))
                    if "records" in entry:
                        entry["records_ratio"] = round(ratio(s["seconds"], entry["records"]["seconds"]), 2)
                    results.append(entry)
                    print(
                        f"{'':>10} {stage:<8} secgov {s['seconds'] * 1000:9,.1f} ms {s['peak_increase_mb']:8,.1f} MB"
                        f" | floor {f['seconds'] * 1000:9,.1f} ms {f['peak_increase_mb']:8,.1f} MB"
                        f" | {entry['time_ratio']:.2f}x time, {entry['memory_ratio']:.2f}x memory"
                        + (
                            f" | copy_records_to_table {entry['records']['seconds'] * 1000:9,.1f} ms:"
                            f" {entry['records_ratio']:.2f}x"
                            if "records" in entry
                            else ""
                        ),
                        flush=True,
                    )
                shutil.rmtree(folder, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if pg_handle is not None:
            pg_handle.cleanup()
        elif os.environ.get("DATABASE_URL"):
            asyncio.run(drop_database(dsn))
    found = checks(results)
    print()
    print(report(results, found))
    elapsed = time.perf_counter() - started
    path = write(
        "stages",
        {
            "machine": machine(),
            "polars": pl.__version__,
            "runs": args.runs,
            "elapsed_s": elapsed,
            "statistic": "median wall seconds of --runs runs after one warm-up, each (stage, implementation, size) "
            "in a fresh process; peak_increase_mb: ru_maxrss after the warm-up run minus before it, the peak "
            "reset after loading the input",
            "results": results,
            "targets": {"limits": TARGETS, "checks": found},
        },
    )
    print(f"\n{elapsed:.0f} s in all; wrote {path.relative_to(ROOT)}")
    return 0
