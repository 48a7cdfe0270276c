"""Each stage of validation and intake — parse, validate, store — timed and its peak memory taken, beside its floor.

python -m bench.stages [--rows 10000 100000 1000000 5000000] [--bad 0.0 0.1] [--runs 3] [--stages parse validate store]

Stages and their floors (the same input, the least the work needs, in bare polars and asyncpg):
  parse     validation.parse(data)                 pl.read_csv(io.BytesIO(data), infer_schema=False)
  validate  validation.validate_frame(frame, SPEC) floor_validation.floor(frame): the same findings in bare polars
  store     next_run_id, rows_frame, findings_frame, store_run in one transaction (as the worker does)
                                                   the same rows and findings frames in the binary COPY format
                                                   (encoded as the worker does) COPYed into plain logged tables
                                                   with primary keys (rows keyed by submission and row, findings
                                                   by an identity), no foreign keys, one transaction; and beside
                                                   it ("records"), the same frames through a bare
                                                   copy_records_to_table each
The file's bytes are stored by neither (sql.submissions.receive did that earlier; it runs untimed before each
secgov store to make the submission row, and its time is reported apart as receive_s).

Every (stage, implementation, size, bad fraction) runs in a fresh child process that loads its input from files
written once. Time: the median of --runs runs after one warm-up; to keep the default sizes to minutes, a stage
gets only the runs that fit in 30 s after its warm-up (at least one), and a run longer than a minute is measured
once with no warm-up; the output marks both. Memory: the child resets its peak RSS after loading its input
(/proc/self/clear_refs) and reads it before and after the first run: the increase is the stage's peak ("peak MB"),
the absolute peak is reported too. The peak is VmHWM (/proc/self/status), the figure getrusage's ru_maxrss reports
for the process's own memory: ru_maxrss itself, also recorded, cannot go below the parent's RSS at the exec that
started the child, so it does not see a child's stage below that. Writes bench/results/stages.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import gc
import hashlib
import io
import json
import os
import pickle
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import polars as pl  # noqa: E402
from bench_validation import SPEC  # noqa: E402
from floor_validation import floor  # noqa: E402
from gen_sr_variance import generate  # noqa: E402
from harness import machine, table, write  # noqa: E402

CODE = "SR_VARIANCE"
STAGES = ("parse", "validate", "store")
IMPLS = ("secgov", "floor")
FLOOR_TABLES = """
CREATE TABLE floor_rows (submission_id bigint, row integer, subject text, user_id text, forecast bigint,
                         actual bigint, user_role text, service text, party_name text,
                         PRIMARY KEY (submission_id, row));
CREATE TABLE floor_findings (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, run_id bigint,
                             submission_id bigint, rule_code text, severity text, subject text, row integer,
                             message text, sec_clause text, details jsonb);
"""
SLOW_RUN_S = 60.0  # a run longer than this is measured once, with no warm-up before it
RUN_BUDGET_S = 30.0  # after the warm-up, as many runs as fit in this (at least one, at most --runs)
MEMORY_NOISE_MB = 32.0  # below this for both, the increase is first-use costs (thread pools, allocator), not data
TARGETS = {"validate_clean": 1.5, "validate_bad": 3.0, "store": 1.3, "per_row_growth": 1.2, "memory": 2.0}


# --- in the child: one stage, one implementation, one input ---------------------------------------------------------


def _maxrss_mb() -> float:
    """getrusage's ru_maxrss, in MB. In a child it starts at least at the parent's RSS: exec keeps the peak of the
    address space it replaces (the parent's copy, or with vfork the parent's own), which the child never touches."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _peak_mb() -> float:
    """The peak RSS of this process's own address space (VmHWM, which clear_refs resets); else ru_maxrss."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return _maxrss_mb()


def _reset_peak() -> bool:
    """Reset the peak RSS to the current RSS (Linux: clear_refs 5); False where that is not possible."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


class Stage:
    """prepare(i) untimed before run i, run(arg) timed; parts: sub-timings of the last run (seconds)."""

    def __init__(self) -> None:
        self.parts: dict[str, float] = {}

    async def prepare(self, i: int) -> Any:
        return None

    async def run(self, arg: Any) -> Any:
        raise NotImplementedError

    async def close(self) -> None:
        pass


class Sync(Stage):
    def __init__(self, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.fn = fn

    async def run(self, arg: Any) -> Any:
        return self.fn()


class SecgovStore(Stage):
    """As workers/validate.py does it: a run id, the rows and findings CSVs, store_run in one transaction."""

    def __init__(self, conn: Any, result: Any, data: bytes, period: int) -> None:
        super().__init__()
        self.conn, self.result, self.data, self.period = conn, result, data, period
        self.sha = hashlib.sha256(data).digest()

    async def prepare(self, i: int) -> int:
        from sql import submissions

        month = self.period + i  # a period of its own per run: receive answers the same bytes for a period once
        t0 = time.perf_counter()
        received = await submissions.receive(
            self.conn,
            code=CODE,
            period=f"{2000 + month // 12}-{month % 12 + 1:02d}",
            content=self.data,
            sha256=self.sha,
            filename=None,
            content_type="text/csv",
            received_at=None,
            uploaded_by="bench",
            request_id=None,
        )
        self.parts = {"receive_s": time.perf_counter() - t0}
        assert received.duplicate_of is None
        # After the file's bytes are stored: the checkpoint then flushes them too, so that the timed run does not
        # share the disk with writing out a file as large as the rows it stores.
        await _reset_tables(self.conn, "sr_variance_rows", "findings")
        return received.submission_id

    async def run(self, sid: int) -> None:
        from sql import submissions
        from workers import copy
        from workers.validate import findings_frame, rows_frame

        result = self.result
        t0 = time.perf_counter()
        run_id = await submissions.next_run_id(self.conn)
        rows = rows_frame(result, CODE, sid)
        found = findings_frame(result, run_id, sid)
        t1 = time.perf_counter()
        async with self.conn.transaction():
            await submissions.store_run(
                self.conn,
                run_id=run_id,
                submission_id=sid,
                code=CODE,
                started_at=datetime.now(UTC),
                catalogue_version=1,
                attempt=1,
                status=result.status,
                row_count=result.row_count,
                rule_counts=result.rule_counts,
                findings=None if found is None else copy.stream(found),
                rows=None if rows is None else copy.stream(rows),
            )
        t2 = time.perf_counter()
        self.parts.update(write_out_s=t1 - t0, copy_s=t2 - t1)

    async def close(self) -> None:
        await self.conn.close()


class FloorStore(Stage):
    """The same frames in the binary COPY format (pgpq, as the worker encodes them) and one COPY each into plain
    logged tables, one transaction."""

    def __init__(self, conn: Any, rows: pl.DataFrame, findings: pl.DataFrame) -> None:
        super().__init__()
        self.conn, self.rows, self.findings = conn, rows, findings

    async def prepare(self, i: int) -> None:
        await _reset_tables(self.conn, "floor_rows", "floor_findings")

    async def run(self, arg: Any) -> None:
        from workers.copy import encoded

        async def chunks(frame: pl.DataFrame) -> Any:
            for chunk in encoded(frame):
                yield chunk

        t0 = time.perf_counter()
        async with self.conn.transaction():
            await self.conn.copy_to_table(
                "floor_rows", source=chunks(self.rows), format="binary", columns=list(self.rows.columns)
            )
            await self.conn.copy_to_table(
                "floor_findings", source=chunks(self.findings), format="binary", columns=list(self.findings.columns)
            )
        self.parts = {"write_out_s": 0.0, "copy_s": time.perf_counter() - t0}

    async def close(self) -> None:
        await self.conn.close()


class RecordsStore(FloorStore):
    """The same frames through a bare copy_records_to_table each (binary COPY of Python tuples), one transaction."""

    async def run(self, arg: Any) -> None:
        t0 = time.perf_counter()
        async with self.conn.transaction():
            await self.conn.copy_records_to_table(
                "floor_rows", records=self.rows.iter_rows(), columns=list(self.rows.columns)
            )
            await self.conn.copy_records_to_table(
                "floor_findings", records=self.findings.iter_rows(), columns=list(self.findings.columns)
            )
        self.parts = {"write_out_s": 0.0, "copy_s": time.perf_counter() - t0}


async def _reset_tables(conn: Any, *names: str) -> None:
    """Untimed, before every run: empty the tables written, and checkpoint so no run pays for another's WAL."""
    await conn.execute(f"TRUNCATE {', '.join(names)}")
    with contextlib.suppress(Exception):  # not a superuser: the runs share the checkpoints then
        await conn.execute("CHECKPOINT")


async def _stage(job: dict[str, Any]) -> Stage:
    """Load the input from the files the parent wrote, and the code the stage runs."""
    folder = Path(job["dir"])
    stage, impl = job["stage"], job["impl"]
    if stage == "parse":
        from validation import parse

        data = (folder / "data.csv").read_bytes()
        if impl == "secgov":
            return Sync(lambda: parse(data))
        return Sync(lambda: pl.read_csv(io.BytesIO(data), infer_schema=False))
    if stage == "validate":
        from validation import validate_frame

        frame = pl.read_parquet(folder / "frame.parquet")  # decoded into memory, not mapped
        if impl == "secgov":
            return Sync(lambda: validate_frame(frame, SPEC))
        return Sync(lambda: floor(frame))
    import asyncpg

    data = (folder / "data.csv").read_bytes()
    if impl == "secgov":
        from sql import db

        with (folder / "result.pickle").open("rb") as f:
            result = pickle.load(f)
        return SecgovStore(await db.connect(job["dsn"]), result, data, job["period"])
    return (RecordsStore if impl == "records" else FloorStore)(
        await asyncpg.connect(job["dsn"]),
        pl.read_parquet(folder / "rows.parquet"),
        pl.read_parquet(folder / "findings.parquet"),
    )


async def child(job: dict[str, Any]) -> dict[str, Any]:
    # Everything the stages import, imported before the peak is reset.
    import sql.submissions  # noqa: F401
    import validation.pipeline  # noqa: F401
    import workers.validate  # noqa: F401

    stage = await _stage(job)
    try:
        arg = await stage.prepare(0)
        reset = _reset_peak()
        before, rusage_before = _peak_mb(), _maxrss_mb()
        w, c = time.perf_counter(), time.process_time()
        out = await stage.run(arg)
        warmup, warmup_cpu = time.perf_counter() - w, time.process_time() - c
        peak, rusage_peak = _peak_mb(), _maxrss_mb()
        del out, arg
        if warmup > SLOW_RUN_S:  # a run this long is its own warm-up: measured once
            runs, wall, cpu, parts = 0, [warmup], [warmup_cpu], [dict(stage.parts)]
        else:  # as many runs as fit the budget, at least one
            runs, wall, cpu, parts = max(1, min(job["runs"], int(RUN_BUDGET_S / max(warmup, 1e-9)))), [], [], []
        for i in range(1, runs + 1):
            arg = await stage.prepare(i)
            gc.collect()
            w, c = time.perf_counter(), time.process_time()
            out = await stage.run(arg)
            wall.append(time.perf_counter() - w)
            cpu.append(time.process_time() - c)
            parts.append(dict(stage.parts))
            del out, arg
    finally:
        await stage.close()
    return {
        "seconds": statistics.median(wall),
        "cpu_seconds": statistics.median(cpu),
        "warmup_s": warmup,
        "samples_s": wall,
        "runs": runs,
        "reduced_runs": runs < job["runs"],
        "parts_s": {k: statistics.median(p[k] for p in parts) for k in parts[0]},
        "rss_before_mb": before,
        "rss_peak_mb": peak,
        "peak_increase_mb": peak - before,
        "peak_reset": reset,
        "ru_maxrss_before_mb": rusage_before,
        "ru_maxrss_peak_mb": rusage_peak,
    }


# --- in the parent: inputs, children, the table and the checks ------------------------------------------------------


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


def _ratio(a: float, b: float) -> float:
    return a / b if b > 0 else float("inf")


def figures(rows: int, s: dict[str, Any], f: dict[str, Any]) -> dict[str, Any]:
    """secgov's figures beside the floor's; flat, so that python -m bench's summary shows them too."""
    return {
        "time_ratio": round(_ratio(s["seconds"], f["seconds"]), 2),
        "cpu_ratio": round(_ratio(s["cpu_seconds"], f["cpu_seconds"]), 2),
        "memory_ratio": round(_ratio(s["peak_increase_mb"], f["peak_increase_mb"]), 2),
        "secgov_us_per_row": s["seconds"] / rows * 1e6,
        "floor_us_per_row": f["seconds"] / rows * 1e6,
        "secgov_s": round(s["seconds"], 4),
        "floor_s": round(f["seconds"], 4),
        "secgov_peak_rss_mb": round(s["peak_increase_mb"], 1),
        "floor_peak_rss_mb": round(f["peak_increase_mb"], 1),
    }


def checks(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    by = {(r["rows"], r["bad_fraction"], r["stage"]): r for r in results}
    for r in results:
        if r["stage"] == "validate":
            limit = TARGETS["validate_clean"] if r["bad_fraction"] == 0 else TARGETS["validate_bad"]
            out.append(
                {
                    "check": f"validate <= {limit}x floor",
                    "stage": "validate",
                    "rows": r["rows"],
                    "bad_fraction": r["bad_fraction"],
                    "value": r["time_ratio"],
                    "limit": limit,
                    "met": r["time_ratio"] <= limit,
                }
            )
        if r["stage"] == "store":
            out.append(
                {
                    "check": f"store <= {TARGETS['store']}x floor",
                    "stage": "store",
                    "rows": r["rows"],
                    "bad_fraction": r["bad_fraction"],
                    "value": r["time_ratio"],
                    "limit": TARGETS["store"],
                    "met": r["time_ratio"] <= TARGETS["store"],
                }
            )
    # Per-row cost as the file grows tenfold: 100k -> 1M, 1M -> 10M.
    for (rows, bad, stage), r in by.items():
        if rows >= 1_000_000 and (small := by.get((rows // 10, bad, stage))):
            growth = r["secgov_us_per_row"] / small["secgov_us_per_row"]
            out.append(
                {
                    "check": f"per-row at {rows:,} <= 1.2x at {rows // 10:,}",
                    "stage": stage,
                    "bad_fraction": bad,
                    "value": growth,
                    "limit": TARGETS["per_row_growth"],
                    "met": growth <= TARGETS["per_row_growth"],
                }
            )
    # The memory target is parsing's (bytes to frame without copies); the other stages' peaks are reported beside
    # their floors' in the table.
    for r in (r for r in results if r["stage"] == "parse"):
        noise = max(r["secgov"]["peak_increase_mb"], r["floor"]["peak_increase_mb"]) < MEMORY_NOISE_MB
        out.append(
            {
                "check": "memory <= 2x floor",
                "stage": r["stage"],
                "rows": r["rows"],
                "bad_fraction": r["bad_fraction"],
                "value": r["memory_ratio"],
                "limit": TARGETS["memory"],
                "met": None if noise else r["memory_ratio"] <= TARGETS["memory"],
            }
        )
    return out


def _verdict(c: dict[str, Any]) -> str:
    if c["met"] is None:
        return f"n/a ({c['value']:.2f}x, both under {MEMORY_NOISE_MB:.0f} MB)"
    if c["met"]:
        return f"met ({c['value']:.2f}x)"
    return f"NOT MET ({c['value']:.2f}x, {c['value'] / c['limit']:.2f}x over the limit)"


def _mark(m: dict[str, Any]) -> str:
    return "†" if m["runs"] == 0 else "*" if m["reduced_runs"] else ""


def report(results: list[dict[str, Any]], found: list[dict[str, Any]]) -> str:
    rows = []
    for r in results:
        s, f = r["secgov"], r["floor"]
        rows.append(
            [
                f"{r['rows']:,}",
                f"{r['bad_fraction'] * 100:g}",
                r["stage"],
                f"{s['seconds'] * 1000:,.1f}" + _mark(s),
                f"{f['seconds'] * 1000:,.1f}" + _mark(f),
                f"{r['time_ratio']:.2f}",
                "-" if r["stage"] == "store" else f"{r['cpu_ratio']:.2f}",
                f"{r['secgov_us_per_row']:.3f}",
                f"{s['peak_increase_mb']:,.1f}",
                f"{f['peak_increase_mb']:,.1f}",
                f"{r['memory_ratio']:.2f}",
                f"{s['rss_peak_mb']:,.0f} / {f['rss_peak_mb']:,.0f}",
            ]
        )
    lines = [
        table(
            [
                "rows",
                "bad %",
                "stage",
                "secgov ms",
                "floor ms",
                "ratio",
                "cpu ratio",
                "µs/row",
                "secgov peak MB",
                "floor peak MB",
                "mem ratio",
                "abs. peak MB s/f",
            ],
            rows,
        )
    ]
    marks = {_mark(r[k]) for r in results for k in IMPLS}
    if "*" in marks:
        lines.append(
            f"* fewer runs than --runs: those that fit in {RUN_BUDGET_S:.0f} s after the warm-up "
            "(the json has each run)"
        )
    if "†" in marks:
        lines.append(f"† one run, no warm-up: a run took more than {SLOW_RUN_S:.0f} s")
    lines.append(
        "ratio: of wall times; cpu ratio: of this process's CPU times, the steadier figure on a shared "
        "machine (not for store, whose work is in PostgreSQL); µs/row: secgov's wall time per row of the file"
    )
    lines.append(
        "peak MB: the stage's increase of peak RSS (VmHWM) over its loaded input, first run in a fresh "
        "process; abs. peak: the process's whole peak RSS, secgov / floor"
    )
    store = [r for r in results if r["stage"] == "store"]
    if store:
        lines.append(
            "store, frames laid out / COPYs (encoding included), ms (secgov; floor): "
            + ", ".join(
                f"{r['rows']:,}/{r['bad_fraction'] * 100:g}%: {r['secgov']['parts_s']['write_out_s'] * 1000:,.0f} / "
                f"{r['secgov']['parts_s']['copy_s'] * 1000:,.0f}; {r['floor']['parts_s']['write_out_s'] * 1000:,.0f} / "
                f"{r['floor']['parts_s']['copy_s'] * 1000:,.0f}"
                for r in store
            )
        )
        lines.append(
            "store beside a bare copy_records_to_table of the same frames (Python tuples, binary COPY), ms: "
            + ", ".join(
                f"{r['rows']:,}/{r['bad_fraction'] * 100:g}%: {r['records']['seconds'] * 1000:,.0f}"
                f" ({r['records_ratio']:.2f}x)"
                for r in store
                if "records" in r
            )
        )
    lines.append("")
    lines.append(
        table(
            ["target", "stage", "rows", "bad %", "verdict"],
            [
                [
                    c["check"],
                    c.get("stage", "validate"),
                    f"{c['rows']:,}" if "rows" in c else "tenfold",
                    f"{c['bad_fraction'] * 100:g}",
                    _verdict(c),
                ]
                for c in found
            ],
        )
    )
    return "\n".join(lines)


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

    from bench_intake import database

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
                        entry["records_ratio"] = round(_ratio(s["seconds"], entry["records"]["seconds"]), 2)
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


if __name__ == "__main__":
    sys.exit(main())
