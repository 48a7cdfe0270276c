"""whatIf over twelve months of the demo's CSR report: the answer's wall time as a person at the console gets it.

python -m bench.bench_whatif [--runs 10]

1. A fresh database with the demo data (May 2018's CSR report from the paper) and eleven more months of CSR reports
   (July 2017 to June 2018, a few dozen subscribers each, made here) delivered through the intake and validated by
   the worker's own run.
2. The app in-process (httpx over ASGI, as the tests drive it), an admin key: `whatIf(CSR_VARIANCE, 2017-07, 2018-06,
   upper band 160%)` once cold (the child process starts and loads the validation stack), then --runs times warm,
   each after the heavy lane's rest. Target: warm median under one second.
Writes bench/results/whatif.json and prints the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from datetime import datetime
from typing import Any

import httpx

from api import demo_data, demo_reports
from api.app import create_app
from api.settings import Settings
from api.setup import prepare
from bench import harness
from bench.gen_register import Postgres
from domain.periods import LONDON
from domain.viewer import Viewer
from schema.reports.intake import accept
from sql import db, keys
from workers.validate import Limits, run

QUERY = """query($from: String!, $to: String!) { whatIf(reportType: "CSR_VARIANCE", fromPeriod: $from, toPeriod: $to,
    change: { toleranceUpperPct: 160 }) { periods { period added { ruleCode } cleared { ruleCode subject }
    changed { ruleCode } } cost { periods bytes findings cpuSeconds milliseconds } } }"""
MONTHS = [f"{y}-{m:02d}" for y, m in [(2017, m) for m in range(7, 13)] + [(2018, m) for m in range(1, 7)]]
SUBSCRIBERS = 40


def csr_file(period: str) -> bytes:
    """A month's CSR report: subscribers whose volumes run from under to well over forecast."""
    seed = int(period.replace("-", ""))
    lines = ["subscriber,forecast,actual,party_name"]
    for i in range(SUBSCRIBERS):
        forecast = 10_000 + (seed * (i + 7)) % 5_000
        actual = forecast * (60 + (seed + i * 13) % 120) // 100
        lines.append(f"SUB{i:03d},{forecast},{actual},Bench Party {i}")
    return ("\n".join(lines) + "\n").encode()


async def load(dsn: str) -> int:
    conn = await db.connect(dsn)
    try:
        await prepare(conn)
        await demo_data.load(conn)
    finally:
        await conn.close()
    pool = await db.create_pool(dsn, min_size=1, max_size=4)
    try:
        await demo_reports.load(pool)
        uploader = Viewer(role="secas", name="bench")
        delivered = 0
        for period in MONTHS:
            if period == "2018-05":
                continue  # the paper's month, from the demo
            year, month = (int(p) for p in period.split("-"))
            received = datetime(year + month // 12, month % 12 + 1, 8, 10, tzinfo=LONDON)  # on time
            got = await accept(
                pool,
                None,
                viewer=uploader,
                code="CSR_VARIANCE",
                period=period,
                content=csr_file(period),
                filename=f"bench-csr-{period}.csv",
                content_type="text/csv",
                received_at=received,
                request_id="bench",
            )
            await run(pool, got.submission_id, Limits())
            delivered += 1
        return delivered
    finally:
        await pool.close()


async def measure(dsn: str, runs: int) -> dict[str, Any]:
    pool = await db.create_pool(dsn, min_size=1, max_size=4)
    settings = Settings(acquire_timeout_s=60, response_cache=False)
    app = create_app(settings, pool=pool)
    async with pool.acquire() as conn:
        key = await keys.create(conn, name="bench-admin", role="admin", bodies=[], party_id=None)
    headers = {"Authorization": f"Bearer {key}"}
    variables = {"from": MONTHS[0], "to": MONTHS[-1]}
    walls: list[float] = []
    answer: dict[str, Any] = {}
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
            for i in range(runs + 1):
                started = time.perf_counter()
                r = await client.post("/graphql", json={"query": QUERY, "variables": variables}, headers=headers)
                walls.append(time.perf_counter() - started)
                answer = r.json()
                assert "errors" not in answer, answer
                if i < runs:
                    await asyncio.sleep(walls[-1] * 2 + 0.05)  # the heavy lane's rest
    finally:
        await pool.close()
    what = answer["data"]["whatIf"]
    warm = walls[1:]
    changed = [p["period"] for p in what["periods"] if p["added"] or p["cleared"] or p["changed"]]
    return {
        "periods": len(what["periods"]),
        "months_changed": changed,
        "cost": what["cost"],
        "cold_s": round(walls[0], 3),
        "warm_median_s": round(statistics.median(warm), 3),
        "warm_max_s": round(max(warm), 3),
        "runs": runs,
        "target_s": 1.0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args(argv)
    server = Postgres()
    result: dict[str, Any] = {"machine": harness.machine(), "loadavg_before": os.getloadavg()}

    async def go() -> None:
        dsn = await server.create()
        try:
            result["delivered"] = await load(dsn)
            result["case"] = await measure(dsn, args.runs)
        finally:
            await server.drop(dsn)

    try:
        asyncio.run(go())
    finally:
        server.close()
    result["loadavg_after"] = os.getloadavg()
    path = harness.write("whatif", result)
    case = result["case"]
    print(
        f"whatIf, CSR_VARIANCE {MONTHS[0]}..{MONTHS[-1]} ({case['periods']} periods, upper band 160%): "
        f"cold {case['cold_s']:.3f} s, warm median {case['warm_median_s']:.3f} s (max {case['warm_max_s']:.3f} s, "
        f"{case['runs']} runs); child CPU {case['cost']['cpuSeconds']:.3f} s; months changed: "
        f"{', '.join(case['months_changed'])} ({path})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
