"""One whole validation run as the worker makes it, its time and the peak memory of the worker and its parser.

python -m bench.bench_worker_memory [--rows 10000000] [--bad 0.1]

The file (bench/gen_sr_variance.py) is received straight into the database, past the upload size limit that a file
of 10,000,000 rows exceeds, and validated by workers.validate.validate with the worker's sandboxed parser, in this
process: attempt, parse (in the sandboxed child), validation, the binary COPYs, the exceptions, the commit. The
peaks are VmHWM (this process, reset after the file is made) and the child's own, beside the sandbox's memory limit.
Writes bench/results/worker_memory.json.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import sys
import time
from typing import Any

from bench.bench_intake import database
from bench.gen_sr_variance import generate
from bench.harness import machine, peak_mb, reset_peak, write
from bench.stages.run import drop_database
from domain.settings import Settings
from sql import db, submissions
from workers.sandbox import GIB, Sandbox, SandboxLimits
from workers.validate import Limits, validate


async def run(rows: int, bad: float) -> dict[str, Any]:
    settings = Settings.from_env({})
    limits = SandboxLimits(
        memory_bytes=settings.sandbox_memory_mb * (GIB // 1024),
        cpu_seconds=settings.sandbox_cpu_seconds,
        max_columns=settings.max_columns,
    )
    sandbox = Sandbox(limits, keep=1)
    dsn, handle = await database()
    pool = await db.create_pool(dsn)
    try:
        data = generate(rows, bad_fraction=bad, seed=1)
        async with pool.acquire() as conn:
            received = await submissions.receive(
                conn,
                code="SR_VARIANCE",
                period="2018-05",
                content=data,
                sha256=hashlib.sha256(data).digest(),
                filename="bench.csv",
                content_type="text/csv",
                received_at=None,
                uploaded_by="bench",
                request_id=None,
            )
        size = len(data)
        del data
        reset_peak()
        before = peak_mb()
        started = time.perf_counter()
        outcome = await validate(pool, received.submission_id, Limits(max_rows=settings.max_rows), sandbox.parse)
        seconds = time.perf_counter() - started
        children = [child.proc.pid for child in sandbox._idle]
        return {
            "rows": rows,
            "bad_fraction": bad,
            "bytes": size,
            "status": outcome.status,
            "seconds": round(seconds, 2),
            "worker_peak_mb": round(peak_mb(), 1),
            "worker_peak_increase_mb": round(peak_mb() - before, 1),
            "parser_peak_mb": round(max((peak_mb(pid) for pid in children), default=0.0), 1),
            "parser_limit_mb": settings.sandbox_memory_mb,
        }
    finally:
        sandbox.close()
        await pool.close()
        if handle is not None:
            handle.cleanup()
        else:
            await drop_database(dsn)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--bad", type=float, default=0.1)
    args = parser.parse_args(argv)
    result = asyncio.run(run(args.rows, args.bad))
    print(json.dumps(result, indent=2))
    write("worker_memory", {**machine(), "result": result})
    return 0


if __name__ == "__main__":
    sys.exit(main())
