"""bench.stages' child: one stage, one implementation, one input, timed and its peak memory taken.

The parent (bench/stages/run.py) starts each child as `python -m bench.stages --child JOB`, JOB naming the stage, the
implementation, the folder of inputs it wrote and the database; the child prints its figures as one JSON line.
"""

from __future__ import annotations

import gc
import io
import pickle
import statistics
import time
from pathlib import Path
from typing import Any

import polars as pl

from bench.bench_validation import SPEC
from bench.floor_validation import floor
from bench.harness import maxrss_mb, peak_mb, reset_peak
from bench.stages.impls import FloorStore, RecordsStore, SecgovStore, Stage, Sync
from bench.stages.report import RUN_BUDGET_S, SLOW_RUN_S


async def _stage(job: dict[str, Any]) -> Stage:
    """Load the input from the files the parent wrote, and the code the stage runs."""
    folder = Path(job["dir"])
    stage, impl = job["stage"], job["impl"]
    if stage == "parse":
        from validation import parse

        data = (folder / "data.csv").read_bytes()
        if impl == "secgov":
            return Sync(lambda: parse(data))
        return Sync(lambda: pl.read_csv(io.BytesIO(data), infer_schema=False))
    if stage == "validate":
        from validation import validate_frame

        frame = pl.read_parquet(folder / "frame.parquet")  # decoded into memory, not mapped
        if impl == "secgov":
            return Sync(lambda: validate_frame(frame, SPEC))
        return Sync(lambda: floor(frame))
    import asyncpg

    data = (folder / "data.csv").read_bytes()
    if impl == "secgov":
        from sql import db

        with (folder / "result.pickle").open("rb") as f:
            result = pickle.load(f)
        return SecgovStore(await db.connect(job["dsn"]), result, data, job["period"])
    return (RecordsStore if impl == "records" else FloorStore)(
        await asyncpg.connect(job["dsn"]),
        pl.read_parquet(folder / "rows.parquet"),
        pl.read_parquet(folder / "findings.parquet"),
    )


def _changes(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {k: after[k] - before[k] for k in before}


async def child(job: dict[str, Any]) -> dict[str, Any]:
    # Everything the stages import, imported before the peak is reset.
    import sql.submissions  # noqa: F401
    import validation.pipeline  # noqa: F401
    import workers.validate  # noqa: F401

    stage = await _stage(job)
    try:
        arg = await stage.prepare(0)
        reset = reset_peak()
        before, rusage_before = peak_mb(), maxrss_mb()
        counted = await stage.counters()
        w, c = time.perf_counter(), time.process_time()
        out = await stage.run(arg)
        warmup, warmup_cpu = time.perf_counter() - w, time.process_time() - c
        peak, rusage_peak = peak_mb(), maxrss_mb()
        stage.parts.update(_changes(counted, await stage.counters()))
        del out, arg
        if warmup > SLOW_RUN_S:  # a run this long is its own warm-up: measured once
            runs, wall, cpu, parts = 0, [warmup], [warmup_cpu], [dict(stage.parts)]
        else:  # as many runs as fit the budget, at least one
            runs, wall, cpu, parts = max(1, min(job["runs"], int(RUN_BUDGET_S / max(warmup, 1e-9)))), [], [], []
        for i in range(1, runs + 1):
            arg = await stage.prepare(i)
            gc.collect()
            counted = await stage.counters()
            w, c = time.perf_counter(), time.process_time()
            out = await stage.run(arg)
            wall.append(time.perf_counter() - w)
            cpu.append(time.process_time() - c)
            stage.parts.update(_changes(counted, await stage.counters()))
            parts.append(dict(stage.parts))
            del out, arg
    finally:
        await stage.close()
    return {
        "seconds": statistics.median(wall),
        "cpu_seconds": statistics.median(cpu),
        "warmup_s": warmup,
        "samples_s": wall,
        "runs": runs,
        "reduced_runs": runs < job["runs"],
        "parts_s": {k: statistics.median(p[k] for p in parts) for k in parts[0]},
        "rss_before_mb": before,
        "rss_peak_mb": peak,
        "peak_increase_mb": peak - before,
        "peak_reset": reset,
        "ru_maxrss_before_mb": rusage_before,
        "ru_maxrss_peak_mb": rusage_peak,
    }
