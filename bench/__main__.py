"""`make bench`: every benchmark in turn, then one table of what they measured (bench/results/*.json).

python -m bench [--skip reads validation intake stages xlsx statistics persisted register processes corpus]

Each benchmark also runs alone: python -m bench.reads, python -m bench.bench_validation, python -m bench.bench_intake,
python -m bench.stages, python -m bench.bench_xlsx, python -m bench.bench_statistics, python -m bench.bench_persisted,
python -m bench.bench_register_import, python -m bench.api_processes, python -m bench.read_corpus. One that fails is
reported and the others still run; the exit status says whether all ran. Benchmarks are never part of the tests'
pass/fail.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from typing import Any

from bench import harness, reads
from bench.harness import RESULTS, ROOT

# Each runs in a process of its own (python -m MODULE), so one's memory and imports do not weigh on the next.
MODULES = (
    ("validation", "bench.bench_validation", "validation.json"),
    ("intake", "bench.bench_intake", "intake.json"),
    ("stages", "bench.stages", "stages.json"),
    ("xlsx", "bench.bench_xlsx", "xlsx.json"),
    ("statistics", "bench.bench_statistics", "statistics.json"),
    ("whatif", "bench.bench_whatif", "whatif.json"),
    ("persisted", "bench.bench_persisted", "persisted.json"),
    ("register", "bench.bench_register_import", "register_import.json"),
    ("processes", "bench.api_processes", "api_processes.json"),
    ("corpus", "bench.read_corpus", "read_corpus.json"),
)


def _case(entry: dict[str, Any]) -> str:
    parts = []
    if "rows" in entry:
        parts.append(f"{entry['rows']:,} rows")
    if "bad_fraction" in entry:
        parts.append(f"{entry['bad_fraction']:.0%} bad")
    for k in ("name", "stage", "case"):
        if k in entry:
            parts.append(str(entry[k]))
    return ", ".join(parts) or "-"


def _generic(name: str, data: dict[str, Any]) -> list[list[str]]:
    """Rows for a results file this module does not know in detail: each entry's timings and ratios to floor."""
    rows = []
    for value in data.values():
        if not (isinstance(value, list) and value and isinstance(value[0], dict)):
            continue
        for entry in value:
            timings = ", ".join(
                f"{k.removesuffix('_s')} {v:.4g}s"
                for k, v in entry.items()
                if k.endswith("_s") and not k.endswith("_cpu_s") and isinstance(v, int | float)
            )
            memory = ", ".join(
                f"{k} {v:.4g}"
                for k, v in entry.items()
                if ("rss" in k or "mib" in k.lower()) and isinstance(v, int | float) and "over" not in k
            )
            ratios = ", ".join(
                f"{k} {v:.3g}x"
                for k, v in entry.items()
                if ("over_floor" in k or k.endswith("ratio")) and not k.endswith("_cpu") and isinstance(v, int | float)
            )
            rows.append([name, _case(entry), "; ".join(x for x in (timings, memory) if x), ratios])
    return rows


def _reads(data: dict[str, Any]) -> list[list[str]]:
    rows = []
    for r in data.get("reads", []):
        stmts = "/".join(str(v) for _, v in sorted(r.get("statements", {}).items(), key=lambda kv: int(kv[0])))
        rows.append(
            [
                "reads",
                r["title"],
                f"GraphQL {r['graphql']['rps']} rps, floor {r['floor']['rps']} rps; SQL statements {stmts}",
                f"{r['ratio']}x of floor (target >= {data.get('target_ratio', 0.5)}x)",
            ]
        )
    peer = data.get("peer") or {}
    for p in peer.get("pairs", []):
        rows.append(
            [
                "reads: peer",
                f"{p['name']}: first 100 with relations",
                f"secgov {p['secgov']['rps']} rps, PostGraphile {p['postgraphile']['rps']} rps",
                f"secgov {p['ratio']}x PostGraphile (goal >= 1x)",
            ]
        )
    if peer and not peer.get("available", True):
        rows.append(["reads: peer", "PostGraphile", f"not available: {peer.get('why')}", ""])
    for note in data.get("notes", []):
        rows.append(["reads", "note", note, ""])
    return rows


def _processes(data: dict[str, Any]) -> list[list[str]]:
    return [
        [
            "API processes",
            r["name"],
            f"one process {r['one_process_rps']} rps, two processes {r['two_processes_rps']} rps",
            f"two {r['two_over_one_ratio']}x one",
        ]
        for r in data.get("reads", [])
    ]


def summary(ran: dict[str, str]) -> str:
    rows: list[list[str]] = []
    reads_file = RESULTS / "reads.json"
    if reads_file.exists():
        rows += _reads(json.loads(reads_file.read_text()))
    for name, _, result in MODULES:
        path = RESULTS / result
        if path.exists():
            data = json.loads(path.read_text())
            rows += _processes(data) if name == "processes" else _generic(name, data)
    for name, status in ran.items():
        if status != "ok":
            rows.append([name, "run", status, ""])
    return harness.table(["benchmark", "case", "measured (median)", "against its floor / peer"], rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip", nargs="*", default=[], choices=["reads", *(name for name, _, _ in MODULES)])
    args = parser.parse_args(argv)
    ran: dict[str, str] = {}
    started = time.perf_counter()
    if "reads" not in args.skip:
        print("== reads (python -m bench.reads)", flush=True)
        try:
            reads.main([])
            ran["reads"] = "ok"
        except Exception as e:  # noqa: BLE001 - one benchmark failing must not stop the others
            ran["reads"] = f"failed: {type(e).__name__}: {e}"
            print(ran["reads"], flush=True)
    for name, module, _ in MODULES:
        if name in args.skip:
            continue
        print(f"\n== {name} (python -m {module})", flush=True)
        code = subprocess.run([sys.executable, "-m", module], cwd=ROOT, check=False).returncode
        ran[name] = "ok" if code == 0 else f"failed: exit {code}"
    print(f"\n== all benchmarks, {time.perf_counter() - started:.0f}s (bench/results/*.json)")
    print(summary(ran))
    return 0 if all(v == "ok" for v in ran.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
