"""The code each stage of bench.stages times: a timed run after an untimed preparation, for secgov and its floors."""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import polars as pl

CODE = "SR_VARIANCE"


# The server's counters around a store run (cluster-wide, so a quiet server gives the run's own): how much WAL it
# wrote, how many of its records were whole pages, and how many checkpoints began.
WAL_STATS = """
SELECT (SELECT wal_bytes FROM pg_stat_wal)::float8 / 1048576 AS wal_mb,
       (SELECT wal_fpi FROM pg_stat_wal)::float8 AS wal_fpi,
       (SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter)::float8 AS checkpoints
"""


class Stage:
    """prepare(i) untimed before run i, run(arg) timed; parts: sub-timings of the last run (seconds), and for a
    store its server's WAL counters."""

    def __init__(self) -> None:
        self.parts: dict[str, float] = {}

    async def prepare(self, i: int) -> Any:
        return None

    async def run(self, arg: Any) -> Any:
        raise NotImplementedError

    async def counters(self) -> dict[str, float]:
        """Untimed, before and after each run: counters whose change goes into the run's parts (none here)."""
        return {}

    async def close(self) -> None:
        pass


class Sync(Stage):
    def __init__(self, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.fn = fn

    async def run(self, arg: Any) -> Any:
        return self.fn()


class Store(Stage):
    """A store on its own connection, which also reads the server's WAL counters around each run."""

    def __init__(self, conn: Any) -> None:
        super().__init__()
        self.conn = conn

    async def counters(self) -> dict[str, float]:
        # A backend sends its WAL counts at most once a second when idle: this one's now, before they are read.
        with contextlib.suppress(Exception):  # not a superuser: the counts may then lag by up to a second
            await self.conn.execute("SELECT pg_stat_force_next_flush()")
        return dict(await self.conn.fetchrow(WAL_STATS))

    async def close(self) -> None:
        await self.conn.close()


class SecgovStore(Store):
    """As workers/validate.py does it: a run id, the rows and findings frames, store_run in one transaction."""

    def __init__(self, conn: Any, result: Any, data: bytes, period: int) -> None:
        super().__init__(conn)
        self.result, self.data, self.period = result, data, period
        self.sha = hashlib.sha256(data).digest()

    async def prepare(self, i: int) -> int:
        from sql import submissions

        month = self.period + i  # a period of its own per run: receive answers the same bytes for a period once
        t0 = time.perf_counter()
        received = await submissions.receive(
            self.conn,
            code=CODE,
            period=f"{2000 + month // 12}-{month % 12 + 1:02d}",
            content=self.data,
            sha256=self.sha,
            filename=None,
            content_type="text/csv",
            received_at=None,
            uploaded_by="bench",
            request_id=None,
        )
        self.parts = {"receive_s": time.perf_counter() - t0}
        assert received.duplicate_of is None
        # After the file's bytes are stored: the checkpoint then flushes them too, so that the timed run does not
        # share the disk with writing out a file as large as the rows it stores.
        await _reset_tables(self.conn, "sr_variance_rows", "findings")
        return received.submission_id

    async def run(self, sid: int) -> None:
        from sql import submissions
        from workers import copy
        from workers.validate import findings_frame, rows_frame

        result = self.result
        t0 = time.perf_counter()
        run_id = await submissions.next_run_id(self.conn)
        rows = rows_frame(result, CODE, sid)
        found = findings_frame(result, run_id, sid)
        t1 = time.perf_counter()
        async with self.conn.transaction():
            await submissions.store_run(
                self.conn,
                run_id=run_id,
                submission_id=sid,
                code=CODE,
                started_at=datetime.now(UTC),
                catalogue_version=1,
                attempt=1,
                status=result.status,
                row_count=result.row_count,
                rule_counts=result.rule_counts,
                findings=None if found is None else copy.stream(found),
                rows=None if rows is None else copy.stream(rows),
            )
        t2 = time.perf_counter()
        self.parts.update(write_out_s=t1 - t0, copy_s=t2 - t1)


class FloorStore(Store):
    """The same frames in the binary COPY format (pgpq, as the worker encodes them) and one COPY each into plain
    logged tables, one transaction."""

    def __init__(self, conn: Any, rows: pl.DataFrame, findings: pl.DataFrame) -> None:
        super().__init__(conn)
        self.rows, self.findings = rows, findings

    async def prepare(self, i: int) -> None:
        await _reset_tables(self.conn, "floor_rows", "floor_findings")

    async def run(self, arg: Any) -> None:
        from workers.copy import inline

        t0 = time.perf_counter()
        async with self.conn.transaction():
            await self.conn.copy_to_table(
                "floor_rows", source=inline(self.rows), format="binary", columns=list(self.rows.columns)
            )
            await self.conn.copy_to_table(
                "floor_findings", source=inline(self.findings), format="binary", columns=list(self.findings.columns)
            )
        self.parts = {"write_out_s": 0.0, "copy_s": time.perf_counter() - t0}


class RecordsStore(FloorStore):
    """The same frames through a bare copy_records_to_table each (binary COPY of Python tuples), one transaction."""

    async def run(self, arg: Any) -> None:
        t0 = time.perf_counter()
        async with self.conn.transaction():
            await self.conn.copy_records_to_table(
                "floor_rows", records=self.rows.iter_rows(), columns=list(self.rows.columns)
            )
            await self.conn.copy_records_to_table(
                "floor_findings", records=self.findings.iter_rows(), columns=list(self.findings.columns)
            )
        self.parts = {"write_out_s": 0.0, "copy_s": time.perf_counter() - t0}


async def _reset_tables(conn: Any, *names: str) -> None:
    """Untimed, before every run: empty the tables written, and checkpoint so no run pays for another's WAL."""
    await conn.execute(f"TRUNCATE {', '.join(names)}")
    with contextlib.suppress(Exception):  # not a superuser: the runs share the checkpoints then
        await conn.execute("CHECKPOINT")
