"""What a front end saves with persisted queries and HTTP caching, on the real server and the demo register.

python -m bench.bench_persisted [--runs 300]

One request at a time over one keep-alive connection (httpx), medians of --runs after a warm-up, response cache on
(the default), for the same read (a page of 20 Parties with their Voting Groups):
- POST with the query's text (as without persisted queries);
- POST with its hash alone (an automatic persisted query, registered by the first request);
- GET with its hash alone (useGETForHashedQueries), answered 200 with an ETag;
- the same GET with If-None-Match: 304, no body.
Also the bytes of each request and answer. Writes bench/results/persisted.json and prints a table.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import statistics
import time
from typing import Any

import asyncpg
import httpx

from api import demo_data
from api.setup import prepare
from bench import harness
from bench.gen_register import Postgres
from bench.reads import uvicorn

QUERY = (
    "query PartiesPage { parties(first: 20) { totalCount edges { cursor node { id name category status "
    "accededOn votingGroup { id name } } } pageInfo { hasNextPage endCursor } } }"
)
HASH = hashlib.sha256(QUERY.encode()).hexdigest()
EXTENSIONS = json.dumps({"persistedQuery": {"version": 1, "sha256Hash": HASH}})
ACCEPT = {"Accept": "application/graphql-response+json, application/json;q=0.9"}


def cases(etag: str) -> dict[str, httpx.Request]:
    url = "/graphql"
    return {
        "POST text": httpx.Request("POST", url, json={"query": QUERY}, headers=ACCEPT),
        "POST hash": httpx.Request("POST", url, json={"extensions": json.loads(EXTENSIONS)}, headers=ACCEPT),
        "GET hash (200, ETag)": httpx.Request("GET", url, params={"extensions": EXTENSIONS}, headers=ACCEPT),
        "GET hash, If-None-Match (304)": httpx.Request(
            "GET", url, params={"extensions": EXTENSIONS}, headers={**ACCEPT, "If-None-Match": etag}
        ),
    }


def request_bytes(request: httpx.Request) -> int:
    head = f"{request.method} {request.url.raw_path.decode()} HTTP/1.1\r\n"
    return len(head) + sum(len(k) + len(v) + 4 for k, v in request.headers.raw) + len(request.content)


async def measure(base: str, runs: int) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        registered = await client.post("/graphql", json={"query": QUERY, "extensions": json.loads(EXTENSIONS)})
        assert registered.status_code == 200 and "errors" not in registered.json(), registered.text
        first = await client.get("/graphql", params={"extensions": EXTENSIONS}, headers=ACCEPT)
        etag = first.headers["etag"]
        out = []
        for name, template in cases(etag).items():
            times, status, size = [], 0, 0
            for n in range(runs + 20):
                request = client.build_request(
                    template.method, template.url, headers=template.headers, content=template.content
                )
                started = time.perf_counter()
                response = await client.send(request)
                elapsed = time.perf_counter() - started
                status, size = response.status_code, len(response.content)
                assert status in (200, 304), response.text
                if n >= 20:  # the warm-up
                    times.append(elapsed)
            out.append(
                {
                    "case": name,
                    "status": status,
                    "median_ms": round(statistics.median(times) * 1000, 2),
                    "request_bytes": request_bytes(template),
                    "answer_bytes": size,
                }
            )
        return out


async def database(server: Postgres) -> str:
    dsn = await server.create()
    conn = await asyncpg.connect(dsn)
    try:
        await prepare(conn)
        await demo_data.load(conn)
    finally:
        await conn.close()
    return dsn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    server = Postgres()
    dsn = asyncio.run(database(server))
    # The rate limit would refuse a benchmark's pace: it is not what is measured here.
    env = {"SECGOV_ENV": "production", "SECGOV_RATE_LIMITS": "graphql=1000000/minute"}
    proc, base = uvicorn("api", "bench.server:create", dsn, 1, env)
    try:
        rows = asyncio.run(measure(base, args.runs))
    finally:
        proc.stop()
        asyncio.run(server.drop(dsn))
        server.close()
    path = harness.write("persisted", {"machine": harness.machine(), "runs": args.runs, "cases": rows})
    header = ["case", "status", "median ms", "request bytes", "answer bytes"]
    print(
        harness.table(
            header, [[r["case"], r["status"], r["median_ms"], r["request_bytes"], r["answer_bytes"]] for r in rows]
        )
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
