"""Read throughput with one `secgov serve` process and with two, on the same database and the same load.

python -m bench.api_processes [--seconds 10] [--connections 8] [--runs 3]

Builds a register (bench/gen_register.py, 1,000 Parties) in a fresh database and an `opsg` key, then for each read
(a page of Parties with their Voting Groups, response cache off and on; a page of exceptions, cache off) drives:
- one process with all the connections;
- two processes, each given half of the connections by its own load tool run at the same time (what a load balancer
  spreading clients evenly would give), their requests per second added.
Production settings (`SECGOV_ENV=production`), rate limits out of the way. Runs alternate one/two, median of --runs.
The load tool and the processes share the machine's cores: the figures say what a second process adds on this
machine, not on a machine of its own. Writes bench/results/api_processes.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import asyncpg

from bench import harness
from bench.gen_register import Postgres, Sizes, build
from sql import keys

PARTIES = "{ parties(first: 100) { totalCount edges { node { id name votingGroup { id name category } } } } }"
EXCEPTIONS = "{ exceptions(first: 100) { totalCount edges { node { id ruleCode subject status } } } }"
READS = (
    ("parties page, cache off", PARTIES, "off"),
    ("parties page, cache on", PARTIES, "on"),
    ("exceptions page, cache off", EXCEPTIONS, "off"),
)


def _serve(dsn: str, cache: str) -> harness.Process:
    port = harness.free_port()
    env = {
        "DATABASE_URL": dsn,
        "SECGOV_ENV": "production",
        "SECGOV_RESPONSE_CACHE": cache,
        "SECGOV_RATE_LIMITS": "uploads=1000000/minute;graphql=100000000/minute;reads=100000000/minute",
        "PYTHONPATH": str(harness.ROOT),
    }
    env.pop("BROKER_URL", None)
    process = harness.Process(f"serve-{port}", [sys.executable, "-m", "api.cli", "serve", "--port", str(port)], env=env)
    process.url = f"http://127.0.0.1:{port}"  # type: ignore[attr-defined]
    process.wait_until(harness.answers(process.url + "/healthz"))  # type: ignore[attr-defined]
    return process


def _load(tool: str, urls: list[str], query: str, key: str, seconds: float, connections: int) -> harness.Load:
    """Each URL gets an equal share of the connections, all at once; their throughputs added."""
    body = json.dumps({"query": query}).encode()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {key}"}
    share = max(1, connections // len(urls))
    with ThreadPoolExecutor(len(urls)) as pool:
        loads = list(
            pool.map(
                lambda url: harness.run_load(
                    tool, url + "/graphql", body=body, headers=headers, seconds=seconds, connections=share
                ),
                urls,
            )
        )
    return harness.Load(
        rps=sum(x.rps for x in loads),
        p50_ms=max(x.p50_ms for x in loads),
        p99_ms=max(x.p99_ms for x in loads),
        requests=sum(x.requests for x in loads),
        failed=sum(x.failed for x in loads),
    )


async def _setup(server: Postgres) -> tuple[str, str]:
    dsn, _, _ = await build(server, Sizes(parties=1_000, modifications=200, exceptions=5_000, sr_rows=50))
    conn = await asyncpg.connect(dsn)
    try:
        key = await keys.create(conn, name="bench-opsg", role="opsg", bodies=[], party_id=None)
    finally:
        await conn.close()
    return dsn, key


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    tool = harness.load_tool()
    if tool is None:
        raise SystemExit("no load tool: install wrk (apt-get install wrk) or hey")
    server = Postgres()
    dsn, key = asyncio.run(_setup(server))
    results: list[dict[str, Any]] = []
    try:
        for name, query, cache in READS:
            processes = [_serve(dsn, cache), _serve(dsn, cache)]
            try:
                urls = [p.url for p in processes]  # type: ignore[attr-defined]
                _load(tool, urls, query, key, 2, args.connections)  # warm both up
                one, two = [], []
                for _ in range(args.runs):
                    one.append(_load(tool, urls[:1], query, key, args.seconds, args.connections))
                    two.append(_load(tool, urls, query, key, args.seconds, args.connections))
            finally:
                for p in processes:
                    p.stop()
            entry = {
                "name": name,
                "one_process_rps": round(statistics.median(x.rps for x in one), 1),
                "two_processes_rps": round(statistics.median(x.rps for x in two), 1),
                "failed": sum(x.failed for x in one + two),
            }
            entry["two_over_one_ratio"] = round(entry["two_processes_rps"] / entry["one_process_rps"], 2)
            results.append(entry)
            print(
                f"  {name}: one process {entry['one_process_rps']} req/s, two processes "
                f"{entry['two_processes_rps']} req/s ({entry['two_over_one_ratio']}x)",
                flush=True,
            )
    finally:
        asyncio.run(server.drop_all())
        server.close()
    harness.write(
        "api_processes",
        {"machine": harness.machine(), "connections": args.connections, "seconds": args.seconds, "reads": results},
    )
    print(
        harness.table(
            ["read", "one process (req/s)", "two processes (req/s)", "two / one"],
            [[r["name"], r["one_process_rps"], r["two_processes_rps"], f"{r['two_over_one_ratio']}x"] for r in results],
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
