"""The read corpus beside PostGraphile 5: selections a front end asks for, on the large register.

python -m bench.read_corpus [--runs 2] [--seconds 3] [--warmup 1] [--connections 8] [--no-peer] [--only NAME ...]

1. Builds the large register (bench/gen_register.py) in a fresh database, and an `opsg` API key.
2. In-process, for each selection: the compiled answer must equal normal execution's (else the run stops); then the
   share of a request's time spent outside PostgreSQL: 1 - (its statements run alone on one connection) / (the
   whole request through the app), medians of the two timed in turn.
3. One `secgov serve` process (production settings) with the response cache off, one with it on, and one
   PostGraphile 5 process (Amber preset, bench/node5: `npm install` on first use, on the Node 22 of the node@22
   package) over the same database; wrk on loopback, runs alternating; the figure is the median requests/s.
   Targets: each selection >= 0.7x PostGraphile with the cache off and their median >= 1.0x; >= 5x with it on.
4. The fairness figure (bench/reads.py): the parties page's p50 beside 8 clients of the costliest allowed query.
Writes bench/results/read_corpus.json and prints the table.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import harness
from bench.gen_register import Postgres, Sizes, build
from bench.harness import ROOT, Process, Target
from bench.reads import fairness, fetch_json, gql_body, make_key, uvicorn

NODE5 = ROOT / "bench" / "node5"
HOST = ("-n", "127.0.0.1")
NODE = """id name votingGroup { id name category }"""
PAGE = "{ parties(first: 100) { totalCount edges { node { " + NODE + " } } } }"


@dataclass(frozen=True)
class Selection:
    name: str
    ours: str
    theirs: str  # PostGraphile 5's closest equivalent
    key: bool = False


CORPUS = [
    Selection(
        "parties",
        PAGE,
        "{ allParties(first: 100, orderBy: [NAME_ASC, PRIMARY_KEY_ASC]) { totalCount nodes { id name "
        "votingGroupByInitialVotingGroupId { id name category } } } }",
    ),
    Selection(
        "parties+events",
        "{ parties(first: 100) { totalCount edges { node { " + NODE + " category note events(first: 3) { edges { "
        "node { id kind occurredOn note } } } } } } }",
        "{ allParties(first: 100, orderBy: [NAME_ASC, PRIMARY_KEY_ASC]) { totalCount nodes { id name "
        "initialCategory note votingGroupByInitialVotingGroupId { id name category } partyEventsByPartyId(first: 3, "
        "orderBy: [OCCURRED_ON_ASC, PRIMARY_KEY_ASC]) { nodes { id kind occurredOn note } } } } }",
    ),
    Selection(
        "parties, fragments",
        "query { parties(first: 100) { ...Page } } fragment Page on PartyConnection { totalCount edges { node { "
        "...Row votingGroup { id } } } } fragment Row on Party { id name votingGroup { name category } }",
        "{ allParties(first: 100, orderBy: [NAME_ASC, PRIMARY_KEY_ASC]) { totalCount nodes { id name "
        "votingGroupByInitialVotingGroupId { id name category } } } }",
    ),
    Selection(
        "exceptions+history",
        "{ exceptions(first: 100) { totalCount edges { node { id ruleCode severity status subject period "
        "history { at actor action comment } } } } }",
        "{ allReportExceptions(first: 100, orderBy: [SEVERITY_ASC, FIRST_FLAGGED_AT_ASC, PRIMARY_KEY_ASC]) { "
        "totalCount nodes { id ruleCode severity status subject period exceptionHistoriesByExceptionId { nodes { "
        "at actor action comment } } } } }",
        key=True,
    ),
    Selection(
        "votingGroups+parties",
        "{ votingGroups(category: LARGE_SUPPLIER) { id name category parties { id name } } }",
        # The Amber preset offers no condition on an unindexed column: as many groups as there are Large Supplier
        # ones, each with its Parties through their periods (every period: a little more than the current members).
        "{ allVotingGroups(first: GROUPS, orderBy: PRIMARY_KEY_ASC) { nodes { id name category "
        "partyPeriodsByVotingGroupId { nodes { partyByPartyId { id name } } } } } }",
    ),
]


async def check_and_share(dsn: str, key: str, todo: list[Selection], requests: int = 30) -> dict[str, Any]:
    """Each compiled answer against normal execution's (equal, or the run stops), and the share of a request's
    time spent outside PostgreSQL: the statements alone, on one connection, against the whole request."""
    import graphql
    import httpx

    from api.app import create_app
    from api.settings import Settings
    from domain.viewer import Viewer
    from schema.reads import ReadPath
    from schema.root import schema as served
    from schema.root import typed
    from sql import db

    pool = await db.create_pool(dsn, min_size=1, max_size=4)
    found: dict[str, Any] = {}
    try:
        app = create_app(Settings(env="production", rate_limits="uploads=60/minute", response_cache=False), pool=pool)
        path = ReadPath()
        path.schema = typed(graphql.build_schema(served.as_str()))
        compiled_statements = ReadPath.statements
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
            for s in todo:
                headers = {"Authorization": f"Bearer {key}"} if s.key else {}
                body = {"query": s.ours}
                ours = (await client.post("/graphql", json=body, headers=headers, timeout=300)).json()
                ReadPath.statements = lambda *args: None  # type: ignore[method-assign]
                try:
                    normal = (await client.post("/graphql", json=body, headers=headers, timeout=300)).json()
                finally:
                    ReadPath.statements = compiled_statements  # type: ignore[method-assign]
                if ours != normal or "errors" in ours:
                    raise SystemExit(f"{s.name}: the compiled answer differs from normal execution's")
                viewer = Viewer(role="opsg", bodies=("OPSG",)) if s.key else Viewer()
                planned = path.statements(s.ours, graphql.parse(s.ours), None, {}, viewer)
                request_s, sql_s = [], []
                async with pool.acquire() as conn:
                    for _ in range(requests):  # alternating, so that the machine's load hits both alike
                        started = time.perf_counter()
                        await client.post("/graphql", json=body, headers=headers, timeout=300)
                        request_s.append(time.perf_counter() - started)
                        started = time.perf_counter()
                        for _, text, params in planned or ():
                            if text is not None:
                                await conn.fetchval(text, *params)
                        sql_s.append(time.perf_counter() - started)
                request_ms, sql_ms = statistics.median(request_s) * 1000, statistics.median(sql_s) * 1000
                found[s.name] = {
                    "compiled": planned is not None,
                    "request_ms": round(request_ms, 2),
                    "sql_ms": round(sql_ms, 2),
                    "outside_postgres": round(max(0.0, 1 - sql_ms / request_ms), 2) if planned is not None else None,
                }
                print(f"  {s.name}: equal; {found[s.name]}", flush=True)
    finally:
        await pool.close()
    return found


def postgraphile5(dsn: str) -> tuple[Process | None, str, str]:
    """PostGraphile 5 with the Amber preset, on node@22's Node: (process, base URL, why not)."""
    node = NODE5 / "node_modules" / ".bin" / "node"
    cli = NODE5 / "node_modules" / "postgraphile" / "dist" / "cli-run.js"
    if not (node.exists() and cli.exists()):
        print("PostGraphile 5: npm install in bench/node5 ...", flush=True)
        done = subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund"], cwd=NODE5, capture_output=True, text=True, timeout=900
        )
        if done.returncode != 0 or not cli.exists():
            return None, "", "npm could not fetch postgraphile@5: " + (done.stderr.strip().splitlines() or ["?"])[-1]
    port = harness.free_port()
    proc = Process(
        "postgraphile5",
        [str(node), str(cli), "-c", dsn, "-s", "public", "-P", "postgraphile/presets/amber", *HOST, "-p", str(port)],
        cwd=NODE5,
        env={"NODE_ENV": "production"},
    )
    base = f"http://127.0.0.1:{port}"
    proc.wait_until(
        harness.answers(base + "/graphql", b'{"query":"{__typename}"}', {"Content-Type": "application/json"})
    )
    return proc, base, ""


async def large_groups(dsn: str) -> int:
    from sql import db

    conn = await db.connect(dsn)
    try:
        n: int = await conn.fetchval("SELECT count(*) FROM voting_groups WHERE category = 'LARGE_SUPPLIER'")
        return n
    finally:
        await conn.close()


def median_ratio(ratios: list[float]) -> float | None:
    return round(statistics.median(ratios), 2) if ratios else None


def run(args: argparse.Namespace) -> dict[str, Any]:
    tool = harness.load_tool()
    if tool is None:
        raise SystemExit("no load tool (wrk or hey)")
    todo = [s for s in CORPUS if not args.only or s.name in args.only]
    server = Postgres()
    procs: list[Process] = []
    result: dict[str, Any] = {"machine": harness.machine(), "loadavg_before": list(os.getloadavg())}
    try:
        print("building the large register ...", flush=True)
        dsn, counts, seconds = asyncio.run(build(server, Sizes()))
        result["register"] = {"counts": counts, "seconds": round(seconds, 1)}
        key = asyncio.run(make_key(dsn))
        groups = asyncio.run(large_groups(dsn))
        auth = {"Authorization": f"Bearer {key}"}
        print("answers against normal execution, and the time outside PostgreSQL (in-process) ...", flush=True)
        result["checked"] = asyncio.run(check_and_share(dsn, key, todo))
        if args.no_peer:
            return result
        pgl, pgl_url, why = postgraphile5(dsn)
        if pgl is None:
            result["peer"] = {"available": False, "why": why}
            return result
        procs.append(pgl)
        servers = {}
        for cache in ("off", "on"):
            env = {
                "SECGOV_ENV": "production",
                "SECGOV_RATE_LIMITS": "uploads=60/minute",
                "SECGOV_RESPONSE_CACHE": cache,
            }
            proc, url = uvicorn(f"secgov-cache-{cache}", "bench.server:create", dsn, 1, env)
            procs.append(proc)
            servers[cache] = url
        json_headers = {"Content-Type": "application/json"}
        rows = []
        for s in todo:
            headers = {**json_headers, **(auth if s.key else {})}
            theirs = s.theirs.replace("GROUPS", str(groups))
            fetch_json(pgl_url + "/graphql", gql_body(theirs), json_headers)  # it answers (or this raises)
            row: dict[str, Any] = {"name": s.name}
            for cache in args.cache:
                fetch_json(servers[cache] + "/graphql", gql_body(s.ours), headers)
                print(f"{s.name}, secgov cache {cache}: loading ...", flush=True)
                measured = harness.compare(
                    tool,
                    [
                        Target("secgov", servers[cache] + "/graphql", gql_body(s.ours), headers),
                        Target("postgraphile", pgl_url + "/graphql", gql_body(theirs), json_headers),
                    ],
                    runs=args.runs,
                    seconds=args.seconds,
                    warmup=args.warmup,
                    connections=args.connections,
                )
                ours, theirs = measured["secgov"], measured["postgraphile"]
                if ours.get("failed") or theirs.get("failed"):
                    row[f"why_{cache}"] = {
                        "secgov": harness.http(servers[cache] + "/graphql", gql_body(s.ours), headers)[1][
                            :300
                        ].decode(),
                        "postgraphile_alive": pgl.proc.poll() is None,
                        "postgraphile": _tail(pgl.log),
                    }
                    print(f"  FAILED answers: {row[f'why_{cache}']}", flush=True)
                row[cache] = {
                    "secgov_rps": ours["rps"],
                    "postgraphile_rps": theirs["rps"],
                    "ratio": round(ours["rps"] / theirs["rps"], 2) if theirs["rps"] else None,
                    "failed": ours.get("failed", 0) + theirs.get("failed", 0),
                }
                print(f"  {row[cache]}", flush=True)
            rows.append(row)
        result["corpus"] = rows
        result["median_ratio_cache_off"] = median_ratio(
            [r["off"]["ratio"] for r in rows if "off" in r and r["off"]["ratio"] and not r["off"]["failed"]]
        )
        result["fairness"] = fairness(tool, args, servers["off"])
    finally:
        for p in procs:
            p.stop()
        server.close()
        result["loadavg_after"] = list(os.getloadavg())
    return result


def _tail(path: Path) -> str:
    try:
        return path.read_text(errors="replace")[-600:]
    except OSError:
        return ""


def _ratio(m: dict[str, Any]) -> str:
    """A ratio, or why it is no figure: answers that failed (non-2xx, socket errors) during its runs."""
    return f"{m['ratio']}x" + (f" ({m['failed']} FAILED: no figure)" if m["failed"] else "")


def render(result: dict[str, Any]) -> str:
    lines = [f"load average before {result['loadavg_before']}, after {result.get('loadavg_after')}"]
    checked = result.get("checked", {})
    rows = []
    for r in result.get("corpus", []):
        share = checked.get(r["name"], {}).get("outside_postgres")
        off, on = r.get("off"), r.get("on")
        rows.append(
            [
                r["name"],
                f"{off['secgov_rps']:.0f} / {off['postgraphile_rps']:.0f}" if off else "-",
                _ratio(off) if off else "-",
                f"{on['secgov_rps']:.0f} / {on['postgraphile_rps']:.0f}" if on else "-",
                _ratio(on) if on else "-",
                "-" if share is None else f"{share:.0%}",
            ]
        )
    if rows:
        headers = [
            "selection",
            "rps cache off (secgov / PG5)",
            "ratio",
            "rps cache on (secgov / PG5)",
            "ratio",
            "outside PG",
        ]
        lines.append(harness.table(headers, rows))
        lines.append(f"median ratio, cache off: {result['median_ratio_cache_off']}x (target >= 1.0x)")
    else:
        lines += [f"  {name}: {c}" for name, c in checked.items()]
    f = result.get("fairness")
    if f:
        lines.append(f"fairness: parties page p50 beside 8 heavy clients / alone: {f['ratio']}x (target <= 3x)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    warnings.filterwarnings("ignore")
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--no-peer", action="store_true", help="skip PostGraphile (only the checks and the shares)")
    parser.add_argument("--only", nargs="+", help="selection names")
    parser.add_argument("--cache", nargs="+", default=["off", "on"], choices=["off", "on"], help="secgov's cache")
    args = parser.parse_args(argv)
    result = run(args)
    path = harness.write("read_corpus", result)
    print()
    print(render(result))
    print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
