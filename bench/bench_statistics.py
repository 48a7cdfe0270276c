"""membershipStatistics and the register's first page on the large register, with the Party periods and without.

python -m bench.bench_statistics [--runs 30] [--keep]

1. Builds the large register (bench/gen_register.py: 5,000 Parties and their events) in a fresh database.
2. SQL, one connection, prepared statements, medians of --runs after a warm-up:
   - `parties.statistics` (one read of the membership runs) for 10 years (2016-01..2025-12) and 50 years
     (1980-01..2029-11), beside `parties.statistics_by_month_ends` (party_states() at every month end, as the
     statistics were computed before the periods), timed once each: it takes seconds.
   - the first page of 100 Parties and its count as `parties(first: 100)` reads them, beside the same statements
     joined to party_states(today) instead of the periods (as they were before), taken in turn.
3. membershipStatistics over HTTP: the real server (production settings, one uvicorn worker), one request at a time,
   for 10 and 50 years, response cache off, then on (a repeated request: one data version check). Targets, cache
   off: 10 years <= 50 ms, 50 years <= 200 ms (medians).
Writes bench/results/statistics.json and prints a table.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import date
from functools import partial
from typing import Any

import orjson

from bench import harness
from bench.gen_register import Postgres, Sizes, build
from bench.harness import ROOT
from bench.reads import uvicorn
from domain.lifecycle import MEMBER_STATUSES
from sql import db
from sql.loader import query

RANGES = {"10 years": (date(2016, 1, 1), date(2025, 12, 1)), "50 years": (date(1980, 1, 1), date(2029, 11, 1))}
TARGET_S = {"10 years": 0.050, "50 years": 0.200}


def before_periods(page_text: str) -> tuple[str, str]:
    """The page and count statements as they were before the periods: each Party's state from party_states()."""
    start, end = page_text.index("CROSS JOIN LATERAL ("), page_text.index(") AS s\n") + len(") AS s\n")
    page = page_text[:start] + "JOIN party_states($1::date) s ON s.party_id = p.id\n" + page_text[end:]
    count = "SELECT count(*)\n" + page[page.index("FROM parties p") : page.index("ORDER BY")]
    return page, count


async def timed(call: Callable[[], Awaitable[Any]], runs: int, warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        await call()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        await call()
        times.append(time.perf_counter() - started)
    return times


def figures(times: list[float]) -> dict[str, Any]:
    ordered = sorted(times)
    return {"median_s": statistics.median(ordered), "p90_s": ordered[int(len(ordered) * 0.9) - 1], "runs": len(ordered)}


async def measure_sql(dsn: str, runs: int) -> list[dict[str, Any]]:
    conn = await db.connect(dsn)
    cases: list[dict[str, Any]] = []
    try:
        one_pass = await conn.prepare(query("parties.statistics").text)
        by_month_ends = await conn.prepare(query("parties.statistics_by_month_ends").text)
        for name, (first, last) in RANGES.items():
            after = figures(await timed(partial(one_pass.fetch, first, last), runs))
            before = await timed(partial(by_month_ends.fetch, first, last, list(MEMBER_STATUSES)), 1, warmup=0)
            same = [tuple(r) for r in await one_pass.fetch(first, last)] == [
                tuple(r) for r in await by_month_ends.fetch(first, last, list(MEMBER_STATUSES))
            ]
            cases.append(
                {
                    "case": f"membershipStatistics {name}, SQL",
                    **after,
                    "before_s": before[0],
                    "before_over_after_ratio": round(before[0] / after["median_s"], 1),
                    "same_answer": same,
                    "target_s": TARGET_S[name],
                }
            )
            print(
                f"  statistics {name}: {after['median_s'] * 1000:.1f} ms median (before: one run "
                f"{before[0] * 1000:.0f} ms), same answer: {same}",
                flush=True,
            )

        page, count = query("parties.page"), query("parties.count")
        page_text_before, count_text_before = before_periods(page.text)
        page_now, page_before = await conn.prepare(page.text), await conn.prepare(page_text_before)
        count_now, count_before = await conn.prepare(count.text), await conn.prepare(count_text_before)
        today = date.today()
        page_args = page.args(
            dict(
                as_of=today,
                members_only=False,
                member_statuses=list(MEMBER_STATUSES),
                category=None,
                status=None,
                name_contains=None,
                voting_group_id=None,
                after_name=None,
                after_id=None,
                limit=101,
            )
        )
        count_args = count.args(
            dict(
                as_of=today,
                members_only=False,
                member_statuses=list(MEMBER_STATUSES),
                category=None,
                status=None,
                name_contains=None,
                voting_group_id=None,
            )
        )
        assert [tuple(r) for r in await page_now.fetch(*page_args)] == [
            tuple(r) for r in await page_before.fetch(*page_args)
        ]
        assert await count_now.fetchval(*count_args) == await count_before.fetchval(*page_args[:-1])
        timings: dict[str, list[float]] = {"page": [], "page before": [], "count": [], "count before": []}
        calls = {
            "page": partial(page_now.fetch, *page_args),
            "page before": partial(page_before.fetch, *page_args),
            "count": partial(count_now.fetchval, *count_args),
            "count before": partial(count_before.fetchval, *page_args[:-1]),
        }
        # The server's own figures too (EXPLAIN ANALYZE: planning and execution, no round trip).
        explained = {
            "page": (page.text, page_args),
            "page before": (page_text_before, page_args),
            "count": (count.text, count_args),
            "count before": (count_text_before, page_args[:-1]),
        }
        server_side: dict[str, list[float]] = {name: [] for name in explained}
        for _ in range(runs):  # in turn, so that both see the same machine
            for name, call in calls.items():
                timings[name] += await timed(call, 1, warmup=0)
                text, args = explained[name]
                answer = await conn.fetchval(f"EXPLAIN (ANALYZE, FORMAT JSON) {text}", *args)
                plan = (orjson.loads(answer) if isinstance(answer, str | bytes) else answer)[0]
                server_side[name].append((plan["Planning Time"] + plan["Execution Time"]) / 1000)
        for name in ("page", "count"):
            now, then = figures(timings[name]), figures(timings[f"{name} before"])
            explain_now = statistics.median(server_side[name])
            explain_then = statistics.median(server_side[f"{name} before"])
            cases.append(
                {
                    "case": f"parties(first: 100) {name}, SQL",
                    **now,
                    "before_median_s": then["median_s"],
                    "before_over_after_ratio": round(then["median_s"] / now["median_s"], 1),
                    "explain_analyze_median_s": explain_now,
                    "explain_analyze_before_median_s": explain_then,
                }
            )
            print(
                f"  {name} of 100 Parties: {now['median_s'] * 1000:.2f} ms median, before "
                f"{then['median_s'] * 1000:.2f} ms; EXPLAIN ANALYZE (planning + execution) "
                f"{explain_now * 1000:.2f} ms, before {explain_then * 1000:.2f} ms",
                flush=True,
            )
    finally:
        await conn.close()
    return cases


def measure_http(dsn: str, runs: int, cache: str) -> list[dict[str, Any]]:
    server, base = uvicorn(
        "secgov",
        "bench.server:create",
        dsn,
        1,
        {"SECGOV_ENV": "production", "SECGOV_RESPONSE_CACHE": cache, "SECGOV_RATE_LIMITS": "uploads=60/minute"},
    )
    cases = []
    try:
        document = """query($from: String!, $to: String!) { membershipStatistics(fromMonth: $from, toMonth: $to) {
            month accessions inDefault withdrawals expulsions partiesAtMonthEnd votingGroupsAtMonthEnd
            votingGroupsByCategory { category count } } }"""
        for name, (first, last) in RANGES.items():
            label = f"membershipStatistics {name}, HTTP, cache {cache}"
            body = orjson.dumps({"query": document, "variables": {"from": f"{first:%Y-%m}", "to": f"{last:%Y-%m}"}})
            headers = {"Content-Type": "application/json"}
            status, raw = harness.http(base + "/graphql", body=body, headers=headers)
            answer = orjson.loads(raw) if raw else {}
            months = len((answer.get("data") or {}).get("membershipStatistics") or [])
            if status != 200 or answer.get("errors"):
                cases.append({"case": label, "refused": status, "errors": answer.get("errors")})
                print(f"  HTTP {name}, cache {cache}: answered {status} {answer.get('errors')}", flush=True)
                continue
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                harness.http(base + "/graphql", body=body, headers=headers)
                times.append(time.perf_counter() - started)
            result = figures(times)
            cases.append(
                {
                    "case": label,
                    **result,
                    "months": months,
                    "target_s": TARGET_S[name],
                    "target_met": result["median_s"] <= TARGET_S[name],
                }
            )
            print(
                f"  HTTP {name}, cache {cache} ({months} months): {result['median_s'] * 1000:.1f} ms median "
                f"(target {TARGET_S[name] * 1000:.0f} ms)",
                flush=True,
            )
    finally:
        server.stop()
    return cases


def render(cases: list[dict[str, Any]]) -> str:
    def ms(value: float | None) -> str:
        return "" if value is None else f"{value * 1000:.1f} ms"

    rows = [
        [
            c["case"],
            ms(c.get("median_s")),
            ms(c.get("p90_s")),
            ms(c.get("before_median_s", c.get("before_s"))),
            f"{c['before_over_after_ratio']}x" if "before_over_after_ratio" in c else "",
            f"{ms(c['explain_analyze_median_s'])} / {ms(c['explain_analyze_before_median_s'])}"
            if "explain_analyze_median_s" in c
            else "",
            ms(c.get("target_s")),
        ]
        for c in cases
    ]
    header = [
        "read",
        "median",
        "p90",
        "before (party_states)",
        "before / now",
        "EXPLAIN ANALYZE now / before",
        "target",
    ]
    return harness.table(header, rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the database and print its URL")
    args = parser.parse_args(argv)
    server = Postgres(keep=args.keep)
    result: dict[str, Any] = {"machine": harness.machine(), "loadavg_before": os.getloadavg(), "runs": args.runs}
    try:
        dsn, counts, seconds = asyncio.run(build(server, Sizes()))
        print(f"register built in {seconds:.1f}s: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()), flush=True)
        result["data"] = counts
        result["cases"] = asyncio.run(measure_sql(dsn, args.runs)) + [
            case for cache in ("off", "on") for case in measure_http(dsn, args.runs, cache)
        ]
        result["loadavg_after"] = os.getloadavg()
        if args.keep:
            print(dsn)
    finally:
        server.close(keep=args.keep)
    path = harness.write("statistics", result)
    print(render(result["cases"]))
    print(
        f"(load average {result['loadavg_before'][0]:.1f} before, {result['loadavg_after'][0]:.1f} after; "
        f"{path.relative_to(ROOT)})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
