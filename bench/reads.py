"""Read benchmarks: each GraphQL read over HTTP beside its floor, in the same run, and PostGraphile as a peer.

python -m bench.reads [--runs 3] [--seconds 5] [--warmup 2] [--connections 8] [--workers 2] [--no-peer]
                      [--profile] [--only parties exceptions ...]

1. Builds the large register (bench/gen_register.py) in a fresh database, and an `opsg` API key.
2. Counts the SQL statements of each GraphQL read in-process (the pool's on_query) at two sizes (page sizes 10 and
   100; 10 and 100 months for membershipStatistics): they must not differ.
3. Runs the real server with its production settings (SECGOV_ENV=production, uvicorn with --workers) and the floor
   (bench/floor_app.py: hand-written asyncpg SQL, orjson, a bare Starlette route, the same worker count), checks
   that both answer the same data, then drives each with the load tool (wrk, or hey) on loopback: a warm-up, then
   --runs runs of each in turn; the figure is the median requests per second. Target: GraphQL >= 0.5x its floor.
4. PostGraphile v4 (bench/node, `npm install` on first use) over the same database, answering the equivalent
   queries, beside secgov's.
5. With --profile: pyinstrument over the slowest read, in-process.
Writes bench/results/reads.json and prints the table. secgov runs as `secgov serve` does (its JSON access line per
request), PostGraphile with its defaults (a log line per query), the floor bare. GraphQL rate limits are off
(SECGOV_RATE_LIMITS=uploads=60/minute): the load comes from one address, which the default limit exists to stop.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import time
import warnings
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import orjson

from bench import harness
from bench.gen_register import Postgres, Sizes, build
from bench.harness import ROOT, Process, Target

TARGET_RATIO = 0.5
SHOW_ALL = bool(os.environ.get("BENCH_PROFILE_ALL"))
SLOW_S = 0.25  # a read slower than this alone is loaded as a slow one
SLOW_RUN_S = 20.0

PARTIES = """query Parties($first: Int!) { parties(first: $first) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { cursor node { id name category status accededOn
    votingGroup { id name category }
    userRoles { role userId since }
    lastEvent { kind occurredOn } } } } }"""

EXCEPTIONS = """query Exceptions($first: Int!) { exceptions(first: $first) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { cursor node { id ruleCode severity status subject message period firstFlaggedAt details
    reportType { code name }
    submission { id period status receivedAt dueAt delivery } } } } }"""

STATISTICS = """query Statistics($from: String!, $to: String!) { membershipStatistics(fromMonth: $from, toMonth: $to) {
  month accessions inDefault withdrawals expulsions partiesAtMonthEnd votingGroupsAtMonthEnd
  votingGroupsByCategory { category count } } }"""

OPSG = """query Opsg($month: String!) { opsgReport(month: $month) {
  month rows { reportType period delivery deliveryText secClause content observations } markdown } }"""

# The peer comparison: the same question put to secgov and to PostGraphile (its names, derived from the tables).
PEER_PARTIES = """{ parties(first: 100) { totalCount edges { node { id name votingGroup { id name category } } } } }"""
PGL_PARTIES = """{ allParties(first: 100, orderBy: [NAME_ASC, PRIMARY_KEY_ASC]) { totalCount
  nodes { id name votingGroupByInitialVotingGroupId { id name category } } } }"""
PEER_EXCEPTIONS = """{ exceptions(first: 100) { totalCount edges { node { id ruleCode severity status subject message
  period firstFlaggedAt details reportType { code name } submission { id period status receivedAt } } } } }"""
PGL_EXCEPTIONS = """{ allReportExceptions(first: 100, orderBy: [SEVERITY_ASC, FIRST_FLAGGED_AT_ASC, PRIMARY_KEY_ASC]) {
  totalCount nodes { id ruleCode severity status subject message period firstFlaggedAt details
    reportTypeByReportTypeId { code name } submissionBySubmissionId { id period status receivedAt } } } }"""


def _months_back(n: int) -> str:
    today = date.today()
    index = today.year * 12 + today.month - 1 - n
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@dataclass
class Read:
    name: str
    title: str
    query: str
    variables: dict[str, Any]
    floor_path: str
    key: bool = False  # needs an API key (exceptions, the OPSG table: not for the public)
    sized: dict[int, dict[str, Any]] = field(default_factory=dict)  # variables at two sizes, for the count
    same_shape: bool = True  # the floor answers the very same JSON (checked)


def reads() -> list[Read]:
    found = [
        Read(
            "parties",
            "parties: page of 100 (votingGroup, userRoles, lastEvent)",
            PARTIES,
            {"first": 100},
            "/parties?first=100",
            sized={10: {"first": 10}, 100: {"first": 100}},
        ),
        Read(
            "exceptions",
            "exceptions: page of 100 (submission, reportType)",
            EXCEPTIONS,
            {"first": 100},
            "/exceptions?first=100",
            key=True,
            sized={10: {"first": 10}, 100: {"first": 100}},
        ),
        Read(
            "statistics",
            "membershipStatistics: 10 years (120 months)",
            STATISTICS,
            {"from": "2016-01", "to": "2025-12"},
            "/statistics?from=2016-01&to=2025-12",
            sized={10: {"from": "2016-01", "to": "2016-10"}, 100: {"from": "2016-01", "to": "2024-04"}},
        ),
    ]
    month = _months_back(1)
    found.append(
        Read(
            "opsg",
            f"opsgReport: the OPSG table of {month}",
            OPSG,
            {"month": month},
            f"/opsg?month={month}",
            key=True,
            sized={1: {"month": month}},
            same_shape=False,
        )
    )
    return found


def opsg_available() -> bool:
    return "opsgReport" in (ROOT / "schema.graphql").read_text()


# --- setup ---------------------------------------------------------------------------------------------------------


async def make_key(dsn: str) -> str:
    from sql import db, keys

    conn = await db.connect(dsn)
    try:
        return await keys.create(conn, name="bench-opsg", role="opsg", bodies=["OPSG"], party_id=None)
    finally:
        await conn.close()


def _housekeeping(statement: str) -> bool:
    """asyncpg's own statements (the reset when a connection goes back to the pool, type introspection)."""
    text = statement.strip()
    return (
        not text
        or text.startswith("SELECT pg_advisory_unlock_all()")
        or "typeinfo_tree" in text
        or "set_config('jit'" in text
    )


async def count_statements(dsn: str, todo: list[Read], key: str) -> dict[str, dict[int, int]]:
    """Statements per request of each read at each size, in-process (the key lookup, cached, is not counted)."""
    import httpx

    from api.app import create_app
    from api.settings import Settings
    from sql import db

    log: list[str] = []
    pool = await db.create_pool(dsn, min_size=1, max_size=8, on_query=log.append)
    counts: dict[str, dict[int, int]] = {}
    try:
        app = create_app(Settings(env="production", rate_limits="uploads=60/minute", response_cache=False), pool=pool)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
            for read in todo:
                headers = {"Authorization": f"Bearer {key}"} if read.key else {}
                counts[read.name] = {}
                for size, variables in read.sized.items():
                    body = {"query": read.query, "variables": variables}
                    await client.post("/graphql", json=body, headers=headers)  # warm: key lookup, type codecs
                    log.clear()
                    r = await client.post("/graphql", json=body, headers=headers, timeout=300)
                    assert "errors" not in r.json(), r.text[:2000]
                    counts[read.name][size] = sum(1 for s in log if not _housekeeping(s))
    finally:
        await pool.close()
    return counts


# --- the servers ---------------------------------------------------------------------------------------------------


def uvicorn(name: str, factory: str, dsn: str, workers: int, env: dict[str, str]) -> tuple[Process, str]:
    port = harness.free_port()
    # uvicorn's own access log off, as `secgov serve` has it (secgov's edge writes its access line itself).
    proc = Process(
        name,
        [
            sys.executable,
            "-m",
            "uvicorn",
            factory,
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        env={"DATABASE_URL": dsn, **env},
    )
    base = f"http://127.0.0.1:{port}"
    proc.wait_until(harness.answers(base + "/healthz"))
    return proc, base


def postgraphile(dsn: str) -> tuple[Process | None, str, str]:
    """PostGraphile v4 from bench/node (npm install on first use): (process, base URL, why not) ."""
    node_dir = ROOT / "bench" / "node"
    binary = node_dir / "node_modules" / ".bin" / "postgraphile"
    if not binary.exists():
        if not shutil.which("npm"):
            return None, "", "npm is not installed"
        print("PostGraphile: npm install in bench/node ...", flush=True)
        done = subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund"],
            cwd=node_dir,
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
        if done.returncode != 0 or not binary.exists():
            return None, "", "npm could not fetch postgraphile@4: " + (done.stderr.strip().splitlines() or ["?"])[-1]
    port = harness.free_port()
    # Its defaults otherwise (one log line per query, as secgov's access line), GraphiQL off as in production.
    proc = Process(
        "postgraphile",
        [str(binary), "-c", dsn, "-n", "127.0.0.1", "-p", str(port), "--disable-graphiql", "--schema", "public"],
        cwd=node_dir,
    )
    base = f"http://127.0.0.1:{port}"
    proc.wait_until(
        harness.answers(base + "/graphql", b'{"query":"{__typename}"}', {"Content-Type": "application/json"})
    )
    return proc, base, ""


def gql_body(query: str, variables: dict[str, Any] | None = None) -> bytes:
    return orjson.dumps({"query": query, "variables": variables or {}})


def fetch_json(url: str, body: bytes | None, headers: dict[str, str]) -> Any:
    status, raw = harness.http(url, body=body, headers=headers)
    if status != 200:
        raise RuntimeError(f"{url}: HTTP {status}: {raw[:500]!r}")
    data = orjson.loads(raw)
    if isinstance(data, dict) and data.get("errors"):
        raise RuntimeError(f"{url}: {data['errors']}")
    return data


# --- the peer: one secgov process (cache off, cache on) beside one PostGraphile process -------------------------

# (pair, cache) → the target ratio of secgov's requests/s to PostGraphile's.
PEER_TARGETS = {("parties", "off"): 0.5, ("parties", "on"): 2.0, ("exceptions", "off"): 1.0}
# The most expensive query the default limits allow to anyone (no key): fifty years of statistics and every Voting
# Group with its Parties, about 9,000 of the 10,000 the cost budget allows.
HEAVY = (
    '{ membershipStatistics(fromMonth: "1980-01", toMonth: "2029-12") { month accessions inDefault '
    "withdrawals expulsions partiesAtMonthEnd votingGroupsAtMonthEnd votingGroupsByCategory { category count } } "
    "votingGroups { id name category parties { id name status } } }"
)


def peer(tool: str, args: argparse.Namespace, dsn: str, auth: dict[str, str], procs: list[Process]) -> dict[str, Any]:
    pgl, pgl_url, why = postgraphile(dsn)
    if pgl is None:
        print(f"PostGraphile: not available: {why}", flush=True)
        return {"available": False, "why": why}
    procs.append(pgl)
    json_headers = {"Content-Type": "application/json"}
    servers: dict[str, str] = {}
    for cache in ("off", "on"):
        proc, url = uvicorn(
            f"secgov-cache-{cache}",
            "bench.server:create",
            dsn,
            1,
            {"SECGOV_ENV": "production", "SECGOV_RATE_LIMITS": "uploads=60/minute", "SECGOV_RESPONSE_CACHE": cache},
        )
        procs.append(proc)
        servers[cache] = url
    pairs = []
    for (name, cache), target in PEER_TARGETS.items():
        ours, theirs = (PEER_PARTIES, PGL_PARTIES) if name == "parties" else (PEER_EXCEPTIONS, PGL_EXCEPTIONS)
        headers = {**json_headers, **(auth if name == "exceptions" else {})}
        a = fetch_json(servers[cache] + "/graphql", gql_body(ours), headers)
        b = fetch_json(pgl_url + "/graphql", gql_body(theirs), json_headers)
        print(f"peer {name}, secgov cache {cache}: loading ...", flush=True)
        measured = harness.compare(
            tool,
            [
                Target("secgov", servers[cache] + "/graphql", gql_body(ours), headers),
                Target("postgraphile", pgl_url + "/graphql", gql_body(theirs), json_headers),
            ],
            runs=args.runs,
            seconds=args.seconds,
            warmup=args.warmup,
            connections=args.connections,
        )
        s, p = measured["secgov"], measured["postgraphile"]
        ratio = round(s["rps"] / p["rps"], 2) if p["rps"] else None
        pairs.append(
            {
                "name": name,
                "cache": cache,
                "secgov": s,
                "postgraphile": p,
                "ratio": ratio,
                "target": target,
                "met": ratio is not None and ratio >= target,
                "secgov_bytes": len(orjson.dumps(a)),
                "postgraphile_bytes": len(orjson.dumps(b)),
            }
        )
        print(f"  secgov {s['rps']} rps, PostGraphile {p['rps']} rps, ratio {ratio} (target {target}x)", flush=True)
    return {
        "available": True,
        "processes": {"secgov": 1, "postgraphile": 1},
        "pairs": pairs,
        "fairness": fairness(tool, args, servers["off"]),
    }


def fairness(tool: str, args: argparse.Namespace, url: str) -> dict[str, Any]:
    """The parties page's median latency for one client, alone and while 8 clients send HEAVY (cache off)."""
    from concurrent.futures import ThreadPoolExecutor

    json_headers = {"Content-Type": "application/json"}
    fetch_json(url + "/graphql", gql_body(HEAVY), json_headers)  # allowed (it would raise if refused)
    page, heavy = gql_body(PEER_PARTIES), gql_body(HEAVY)
    print("fairness: the parties page alone, then beside 8 clients of the most expensive query ...", flush=True)
    harness.run_load(tool, url + "/graphql", body=page, headers=json_headers, seconds=args.warmup, connections=1)
    alone = harness.run_load(
        tool, url + "/graphql", body=page, headers=json_headers, seconds=args.seconds, connections=1
    )
    with ThreadPoolExecutor(1) as pool:
        abusers = pool.submit(
            harness.run_load,
            tool,
            url + "/graphql",
            body=heavy,
            headers=json_headers,
            seconds=args.seconds + 4,
            connections=8,
        )
        time.sleep(2)
        beside = harness.run_load(
            tool, url + "/graphql", body=page, headers=json_headers, seconds=args.seconds, connections=1
        )
        loaded = abusers.result()
    ratio = round(beside.p50_ms / alone.p50_ms, 2) if alone.p50_ms else None
    print(
        f"  alone p50 {alone.p50_ms:.1f} ms, beside 8 heavy clients p50 {beside.p50_ms:.1f} ms: {ratio}x "
        f"(target <= 3x); the heavy clients: {loaded.rps:.1f} rps, {loaded.failed} answered 503",
        flush=True,
    )
    return {
        "alone": asdict(alone),
        "beside_heavy": asdict(beside),
        "heavy": asdict(loaded),
        "ratio": ratio,
        "target": 3.0,
        "met": ratio is not None and ratio <= 3.0,
    }


# --- profile -------------------------------------------------------------------------------------------------------


async def profile(dsn: str, read: Read, key: str, requests: int = 20) -> str:
    """pyinstrument over `requests` requests of one read through the app in-process (production settings)."""
    import httpx
    from pyinstrument import Profiler

    from api.app import create_app
    from api.settings import Settings
    from sql import db

    pool = await db.create_pool(dsn, min_size=1, max_size=20)
    try:
        app = create_app(Settings(env="production", rate_limits="uploads=60/minute", response_cache=False), pool=pool)
        headers = {"Authorization": f"Bearer {key}"} if read.key else {}
        body = {"query": read.query, "variables": read.variables}
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
            for _ in range(3):
                await client.post("/graphql", json=body, headers=headers, timeout=300)
            profiler = Profiler(async_mode="enabled")
            profiler.start()
            for _ in range(requests):
                await client.post("/graphql", json=body, headers=headers, timeout=300)
            profiler.stop()
        tree = profiler.output_text(unicode=False, color=False, show_all=SHOW_ALL, short_mode=False)
        flat = profiler.output_text(unicode=False, color=False, flat=True)
        top = "\n".join(flat.splitlines()[:40])
        return f"{summarise(profiler.last_session, requests)}\n\n{top}\n\n{tree}"
    finally:
        await pool.close()


PARTS = (  # where a sample's own time is counted, by the file it is in (first match)
    ("graphql-core (validation, execution)", "/graphql/"),
    ("strawberry", "/strawberry/"),
    ("asyncpg (protocol, decoding)", "/asyncpg/"),
    ("secgov schema/ (resolvers, types)", "/schema/"),
    ("secgov sql/ (store functions, rows)", "/sql/"),
    ("secgov api/ (edge, view)", "/api/"),
    ("starlette, httpx (the test transport)", "/starlette/"),
    ("starlette, httpx (the test transport)", "/httpx/"),
    ("orjson, json", "json"),
    ("asyncio", "/asyncio/"),
    ("enum, dataclasses, base64 (stdlib)", "/enum.py"),
    ("enum, dataclasses, base64 (stdlib)", "/dataclasses.py"),
    ("enum, dataclasses, base64 (stdlib)", "/base64.py"),
    ("pyinstrument (the profiler itself)", "pyinstrument"),
)


def summarise(session: Any, requests: int) -> str:
    """Own time per part (library or package), per request: what the slowest read spends its time on."""
    totals: dict[str, float] = {}

    def visit(frame: Any, inherited: str) -> None:
        # Built-in (C) functions and pyinstrument's synthetic [self] frames count for the code that called them.
        own = frame.time - sum(child.time for child in frame.children)
        path = frame.file_path or ""
        if "[await]" in frame.identifier:
            part = "waiting (database, I/O)"
        elif not path or path.startswith("<"):
            part = inherited
        else:
            part = next((name for name, needle in PARTS if needle in path), "other")
        totals[part] = totals.get(part, 0.0) + own
        for child in frame.children:
            visit(child, part)

    root = session.root_frame()
    if root is not None:
        visit(root, "other")
    total = sum(totals.values()) or 1.0
    lines = [
        f"own time per request, by part ({requests} requests, {session.duration / requests * 1000:.1f} ms each "
        f"wall, {session.cpu_time / requests * 1000:.1f} ms CPU):"
    ]
    for part, t in sorted(totals.items(), key=lambda kv: -kv[1]):
        lines.append(f"  {t / requests * 1000:8.1f} ms  {t / total * 100:5.1f}%  {part}")
    return "\n".join(lines)


# --- main ----------------------------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict[str, Any]:
    tool = harness.load_tool()
    if tool is None:
        raise SystemExit("no load tool: install wrk (apt-get install wrk) or hey")
    todo = [r for r in reads() if not args.only or r.name in args.only]
    notes: list[str] = []
    if not opsg_available():
        todo = [r for r in todo if r.name != "opsg"]
        notes.append("opsgReport: not available (no such field in schema.graphql yet)")
        print(notes[-1], flush=True)
    result: dict[str, Any] = {
        "machine": harness.machine(),
        "load_tool": tool,
        "runs": args.runs,
        "seconds": args.seconds,
        "warmup_seconds": args.warmup,
        "connections": args.connections,
        "workers": args.workers,
        "statistic": "median requests/s of the runs after a warm-up; GraphQL and floor runs taken in turn",
        "target_ratio": TARGET_RATIO,
        "notes": notes,
        "loadavg_before": os.getloadavg(),
    }
    server = Postgres()
    procs: list[Process] = []
    try:
        dsn, counts, seconds = asyncio.run(build(server, Sizes()))
        result["data"] = counts
        result["build_seconds"] = round(seconds, 1)
        print(f"register built in {seconds:.1f}s: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()), flush=True)
        key = asyncio.run(make_key(dsn))
        auth = {"Authorization": f"Bearer {key}"}
        json_headers = {"Content-Type": "application/json"}

        statements = asyncio.run(count_statements(dsn, todo, key))
        result["statements"] = statements

        # Beside the floor (which keeps nothing), secgov keeps nothing either: the response cache off.
        secgov, secgov_url = uvicorn(
            "secgov",
            "bench.server:create",
            dsn,
            args.workers,
            {"SECGOV_ENV": "production", "SECGOV_RATE_LIMITS": "uploads=60/minute", "SECGOV_RESPONSE_CACHE": "off"},
        )
        procs.append(secgov)
        floor, floor_url = uvicorn("floor", "bench.floor_app:create", dsn, args.workers, {})
        procs.append(floor)

        rows: list[dict[str, Any]] = []
        for read in todo:
            headers = {**json_headers, **(auth if read.key else {})}
            body = gql_body(read.query, read.variables)
            started = time.perf_counter()
            answer = fetch_json(secgov_url + "/graphql", body, headers)
            floor_answer = fetch_json(floor_url + read.floor_path, None, {})
            latency = (time.perf_counter() - started) / 2
            same = answer == floor_answer if read.same_shape else None
            if same is False:
                print(f"warning: {read.name}: the floor's answer differs from GraphQL's", flush=True)
            # A read that takes seconds is loaded with one connection per worker for longer runs (otherwise a run
            # would end before its requests do, and count none).
            slow = latency > SLOW_S
            connections = args.workers if slow else args.connections
            seconds = max(args.seconds, SLOW_RUN_S) if slow else args.seconds
            print(
                f"{read.name}: loading ({latency * 1000:.0f} ms a request alone; {connections} connections, "
                f"{seconds:g}s runs) ...",
                flush=True,
            )
            measured = harness.compare(
                tool,
                [
                    Target("graphql", secgov_url + "/graphql", body, headers),
                    Target("floor", floor_url + read.floor_path),
                ],
                runs=args.runs,
                seconds=seconds,
                warmup=0 if slow else args.warmup,
                connections=connections,
            )
            g, f = measured["graphql"], measured["floor"]
            ratio = round(g["rps"] / f["rps"], 2) if f["rps"] else None
            sizes = statements.get(read.name, {})
            rows.append(
                {
                    "name": read.name,
                    "title": read.title,
                    "graphql": g,
                    "floor": f,
                    "ratio": ratio,
                    "met": ratio is not None and ratio >= TARGET_RATIO,
                    "same_data": same,
                    "statements": sizes,
                    "statements_constant": len(set(sizes.values())) <= 1,
                    "response_bytes": len(orjson.dumps(answer)),
                    "single_request_ms": round(latency * 1000, 1),
                    "connections": connections,
                    "seconds": seconds,
                }
            )
            print(f"  graphql {g['rps']} rps, floor {f['rps']} rps, ratio {ratio}", flush=True)
        result["reads"] = rows

        if not args.no_peer:
            result["peer"] = peer(tool, args, dsn, auth, procs)
        for p in procs:
            p.stop()
        procs.clear()

        if args.profile is not None and result.get("reads"):
            names = args.profile or [min(result["reads"], key=lambda r: r["graphql"]["rps"])["name"]]
            result["profiles"] = []
            for name in names:
                read = next(r for r in todo if r.name == name)
                alone = next(r["single_request_ms"] for r in result["reads"] if r["name"] == name) / 1000
                requests = max(3, min(20, int(10 / max(alone, 0.001))))
                print(f"profiling {read.name} ({requests} requests) ...", flush=True)
                text = asyncio.run(profile(dsn, read, key, requests))
                result["profiles"].append({"read": read.name, "requests": requests, "text": text})
                print(text)
        result["loadavg_after"] = os.getloadavg()
    finally:
        for p in procs:
            p.stop()
        server.close()
    return result


def _rps(m: dict[str, Any]) -> str:
    """Requests/s, with the failed answers (non-2xx, socket errors) when there were any: then it is not a figure."""
    return f"{m['rps']:.1f}" + (f" ({m['failed']} FAILED)" if m.get("failed") else "")


def render(result: dict[str, Any]) -> str:
    rows = []
    for r in result.get("reads", []):
        sizes = r.get("statements", {})
        stmts = " / ".join(f"{v}" for _, v in sorted(sizes.items(), key=lambda kv: int(kv[0])))
        rows.append(
            [
                r["title"],
                _rps(r["graphql"]),
                _rps(r["floor"]),
                f"{r['ratio']:.2f}x" + ("" if r["met"] else " (below 0.5x)"),
                f"{r['graphql']['p50_ms']:.1f} / {r['floor']['p50_ms']:.1f}",
                stmts + ("" if r["statements_constant"] else " (GROWS)"),
                {True: "yes", False: "NO", None: "n/a"}[r["same_data"]],
            ]
        )
    out = [
        "Reads: requests/s over HTTP on loopback (median; GraphQL beside its floor)",
        harness.table(
            [
                "read",
                "GraphQL rps",
                "floor rps",
                "ratio",
                "p50 ms (GraphQL / floor)",
                "SQL statements (small / large)",
                "same data",
            ],
            rows,
        ),
    ]
    peer = result.get("peer")
    if peer and peer.get("available"):
        prow = [
            [
                p["name"],
                p["cache"],
                _rps(p["secgov"]),
                _rps(p["postgraphile"]),
                f"{p['ratio']:.2f}x" + ("" if p["met"] else f" (below {p['target']}x)"),
                f"{p['target']}x",
                f"{p['secgov']['p50_ms']:.1f} / {p['postgraphile']['p50_ms']:.1f}",
            ]
            for p in peer["pairs"]
        ]
        out += [
            "",
            "Peer: one secgov process (production settings) vs one PostGraphile v4 process, first 100 with "
            "their relations",
            harness.table(
                [
                    "query",
                    "secgov cache",
                    "secgov rps",
                    "PostGraphile rps",
                    "secgov / PostGraphile",
                    "target",
                    "p50 ms (secgov / PostGraphile)",
                ],
                prow,
            ),
        ]
        f = peer["fairness"]
        out += [
            "",
            f"Fairness: parties page p50 alone {f['alone']['p50_ms']:.1f} ms, beside 8 clients of the most "
            f"expensive allowed query {f['beside_heavy']['p50_ms']:.1f} ms: {f['ratio']}x (target <= 3x); "
            f"the 8 heavy clients got {f['heavy']['rps']:.1f} answers/s ({f['heavy']['failed']} of "
            f"{f['heavy']['requests']} were 503 UNAVAILABLE, told to retry)",
        ]
    elif peer:
        out += ["", f"Peer: PostGraphile not available: {peer['why']}"]
    for note in result.get("notes", []):
        out.append(note)
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    warnings.filterwarnings("ignore")
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each measured run")
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes (secgov and the floor)")
    parser.add_argument("--no-peer", action="store_true", help="skip PostGraphile")
    parser.add_argument(
        "--profile",
        nargs="*",
        metavar="READ",
        help="afterwards, pyinstrument over these reads (none named: the slowest); "
        "needs `.venv/bin/pip install pyinstrument`",
    )
    parser.add_argument("--only", nargs="+", help="read names: parties exceptions statistics opsg")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    result = run(args)
    result["total_seconds"] = round(time.perf_counter() - started, 1)
    path = harness.write("reads", result)
    print()
    print(render(result))
    print(f"wrote {path.relative_to(ROOT)} in {result['total_seconds']:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
