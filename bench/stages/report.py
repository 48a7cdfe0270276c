"""bench.stages' figures, its targets' verdicts and its report."""

from __future__ import annotations

from typing import Any

from bench.harness import table

IMPLS = ("secgov", "floor")
SLOW_RUN_S = 60.0  # a run longer than this is measured once, with no warm-up before it
RUN_BUDGET_S = 30.0  # after the warm-up, as many runs as fit in this (at least one, at most --runs)
MEMORY_NOISE_MB = 32.0  # below this for both, the increase is first-use costs (thread pools, allocator), not data
TARGETS = {"validate_clean": 1.5, "validate_bad": 3.0, "store": 1.3, "per_row_growth": 1.2, "memory": 2.0}


def ratio(a: float, b: float) -> float:
    return a / b if b > 0 else float("inf")


def figures(rows: int, s: dict[str, Any], f: dict[str, Any]) -> dict[str, Any]:
    """secgov's figures beside the floor's; flat, so that python -m bench's summary shows them too."""
    return {
        "time_ratio": round(ratio(s["seconds"], f["seconds"]), 2),
        "cpu_ratio": round(ratio(s["cpu_seconds"], f["cpu_seconds"]), 2),
        "memory_ratio": round(ratio(s["peak_increase_mb"], f["peak_increase_mb"]), 2),
        "secgov_us_per_row": s["seconds"] / rows * 1e6,
        "floor_us_per_row": f["seconds"] / rows * 1e6,
        "secgov_s": round(s["seconds"], 4),
        "floor_s": round(f["seconds"], 4),
        "secgov_peak_rss_mb": round(s["peak_increase_mb"], 1),
        "floor_peak_rss_mb": round(f["peak_increase_mb"], 1),
    }


def checks(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    by = {(r["rows"], r["bad_fraction"], r["stage"]): r for r in results}
    for r in results:
        if r["stage"] == "validate":
            limit = TARGETS["validate_clean"] if r["bad_fraction"] == 0 else TARGETS["validate_bad"]
            out.append(
                {
                    "check": f"validate <= {limit}x floor",
                    "stage": "validate",
                    "rows": r["rows"],
                    "bad_fraction": r["bad_fraction"],
                    "value": r["time_ratio"],
                    "limit": limit,
                    "met": r["time_ratio"] <= limit,
                }
            )
        if r["stage"] == "store":
            out.append(
                {
                    "check": f"store <= {TARGETS['store']}x floor",
                    "stage": "store",
                    "rows": r["rows"],
                    "bad_fraction": r["bad_fraction"],
                    "value": r["time_ratio"],
                    "limit": TARGETS["store"],
                    "met": r["time_ratio"] <= TARGETS["store"],
                }
            )
    # Per-row cost as the file grows tenfold: 100k -> 1M, 1M -> 10M.
    for (rows, bad, stage), r in by.items():
        if rows >= 1_000_000 and (small := by.get((rows // 10, bad, stage))):
            growth = r["secgov_us_per_row"] / small["secgov_us_per_row"]
            out.append(
                {
                    "check": f"per-row at {rows:,} <= 1.2x at {rows // 10:,}",
                    "stage": stage,
                    "bad_fraction": bad,
                    "value": growth,
                    "floor_value": r["floor_us_per_row"] / small["floor_us_per_row"],
                    "limit": TARGETS["per_row_growth"],
                    "met": growth <= TARGETS["per_row_growth"],
                }
            )
    # The memory target is parsing's (bytes to frame without copies); the other stages' peaks are reported beside
    # their floors' in the table.
    for r in (r for r in results if r["stage"] == "parse"):
        noise = max(r["secgov"]["peak_increase_mb"], r["floor"]["peak_increase_mb"]) < MEMORY_NOISE_MB
        out.append(
            {
                "check": "memory <= 2x floor",
                "stage": r["stage"],
                "rows": r["rows"],
                "bad_fraction": r["bad_fraction"],
                "value": r["memory_ratio"],
                "limit": TARGETS["memory"],
                "met": None if noise else r["memory_ratio"] <= TARGETS["memory"],
            }
        )
    return out


def _verdict(c: dict[str, Any]) -> str:
    if c["met"] is None:
        return f"n/a ({c['value']:.2f}x, both under {MEMORY_NOISE_MB:.0f} MB)"
    floor = f"; floor {c['floor_value']:.2f}x" if "floor_value" in c else ""
    if c["met"]:
        return f"met ({c['value']:.2f}x{floor})"
    return f"NOT MET ({c['value']:.2f}x, {c['value'] / c['limit']:.2f}x over the limit{floor})"


def _wal(m: dict[str, Any]) -> str:
    p = m["parts_s"]
    if "wal_mb" not in p:
        return "-"
    return f"{p['wal_mb']:,.0f} / {p['wal_fpi']:,.0f} / {p['checkpoints']:.0f}"


def _mark(m: dict[str, Any]) -> str:
    return "†" if m["runs"] == 0 else "*" if m["reduced_runs"] else ""


def report(results: list[dict[str, Any]], found: list[dict[str, Any]]) -> str:
    rows = []
    for r in results:
        s, f = r["secgov"], r["floor"]
        rows.append(
            [
                f"{r['rows']:,}",
                f"{r['bad_fraction'] * 100:g}",
                r["stage"],
                f"{s['seconds'] * 1000:,.1f}" + _mark(s),
                f"{f['seconds'] * 1000:,.1f}" + _mark(f),
                f"{r['time_ratio']:.2f}",
                "-" if r["stage"] == "store" else f"{r['cpu_ratio']:.2f}",
                f"{r['secgov_us_per_row']:.3f}",
                f"{s['peak_increase_mb']:,.1f}",
                f"{f['peak_increase_mb']:,.1f}",
                f"{r['memory_ratio']:.2f}",
                f"{s['rss_peak_mb']:,.0f} / {f['rss_peak_mb']:,.0f}",
            ]
        )
    lines = [
        table(
            [
                "rows",
                "bad %",
                "stage",
                "secgov ms",
                "floor ms",
                "ratio",
                "cpu ratio",
                "µs/row",
                "secgov peak MB",
                "floor peak MB",
                "mem ratio",
                "abs. peak MB s/f",
            ],
            rows,
        )
    ]
    marks = {_mark(r[k]) for r in results for k in IMPLS}
    if "*" in marks:
        lines.append(
            f"* fewer runs than --runs: those that fit in {RUN_BUDGET_S:.0f} s after the warm-up "
            "(the json has each run)"
        )
    if "†" in marks:
        lines.append(f"† one run, no warm-up: a run took more than {SLOW_RUN_S:.0f} s")
    lines.append(
        "ratio: of wall times; cpu ratio: of this process's CPU times, the steadier figure on a shared "
        "machine (not for store, whose work is in PostgreSQL); µs/row: secgov's wall time per row of the file"
    )
    lines.append(
        "peak MB: the stage's increase of peak RSS (VmHWM) over its loaded input, first run in a fresh "
        "process; abs. peak: the process's whole peak RSS, secgov / floor"
    )
    store = [r for r in results if r["stage"] == "store"]
    if store:
        lines.append(
            "store, frames laid out / COPYs (encoding included), ms (secgov; floor): "
            + ", ".join(
                f"{r['rows']:,}/{r['bad_fraction'] * 100:g}%: {r['secgov']['parts_s']['write_out_s'] * 1000:,.0f} / "
                f"{r['secgov']['parts_s']['copy_s'] * 1000:,.0f}; {r['floor']['parts_s']['write_out_s'] * 1000:,.0f} / "
                f"{r['floor']['parts_s']['copy_s'] * 1000:,.0f}"
                for r in store
            )
        )
        lines.append(
            "store's WAL, MB / whole-page records / checkpoints begun during the run (secgov; floor): "
            + ", ".join(
                f"{r['rows']:,}/{r['bad_fraction'] * 100:g}%: {_wal(r['secgov'])}; {_wal(r['floor'])}" for r in store
            )
        )
        lines.append(
            "store beside a bare copy_records_to_table of the same frames (Python tuples, binary COPY), ms: "
            + ", ".join(
                f"{r['rows']:,}/{r['bad_fraction'] * 100:g}%: {r['records']['seconds'] * 1000:,.0f}"
                f" ({r['records_ratio']:.2f}x)"
                for r in store
                if "records" in r
            )
        )
    lines.append("")
    lines.append(
        table(
            ["target", "stage", "rows", "bad %", "verdict"],
            [
                [
                    c["check"],
                    c.get("stage", "validate"),
                    f"{c['rows']:,}" if "rows" in c else "tenfold",
                    f"{c['bad_fraction'] * 100:g}",
                    _verdict(c),
                ]
                for c in found
            ],
        )
    )
    return "\n".join(lines)
