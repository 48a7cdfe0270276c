"""A run's store: findings and parsed rows written by one COPY each, and the exceptions read from the stored
findings in SQL (SCHEMA one per column, at most the cap per rule, the rest in one MORE exception)."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import polars as pl
import pytest

from domain.exception_lifecycle import RaisePolicy, raised_from
from sql import exceptions, submissions
from tests.support.reports import csv_bytes, received
from validation.parsing import parse
from workers.lease import LeaseHeld
from workers.validate import Limits, validate

SR = "user_id,forecast,actual"
ROWS = (
    "A,100,n/a",  # actual not a whole number
    "B,100,x",  # actual not a whole number
    "C,-1,100",  # forecast negative
    "D,100,200",
    "E,100,200",
    "F,100,200",
    "G,100,200",
    "H,100,200",  # 200.0%: above the band
    'I,100,"it\'s, ""quoted"""',  # text with quotes and a comma survives the CSV to PostgreSQL
)


async def _received(pool: Any, period: str, *rows: str) -> int:
    return await received(pool, csv_bytes(SR, *rows), period=period)


def _held() -> tuple[threading.Event, threading.Event, Any]:
    """A parser that holds the run until released, and says when it has begun."""
    started, release = threading.Event(), threading.Event()

    def held(data: bytes) -> pl.DataFrame:
        started.set()
        assert release.wait(30), "never released"
        return parse(data)

    return started, release, held


async def _attempts_and_runs(pool: Any, submission_id: int) -> tuple[int, int]:
    async with pool.acquire() as conn:
        attempts = await conn.fetchval("SELECT attempts FROM submissions WHERE id = $1", submission_id)
        runs = await conn.fetchval("SELECT count(*) FROM validation_runs WHERE submission_id = $1", submission_id)
    return attempts, runs


async def test_findings_rows_and_capped_exceptions(pool: Any) -> None:
    submission_id = await _received(pool, "2018-05", *ROWS)
    outcome = await validate(pool, submission_id, Limits(max_exceptions_per_rule=3))
    assert outcome.status == "FLAGGED"
    async with pool.acquire() as conn:
        found = await conn.fetch(
            "SELECT rule_code, severity, subject, row, message, details FROM findings "
            "WHERE submission_id = $1 ORDER BY id",
            submission_id,
        )
        rows = await conn.fetch(
            "SELECT row, subject, forecast, actual FROM sr_variance_rows WHERE submission_id = $1 ORDER BY row",
            submission_id,
        )
        raised = await conn.fetch(
            "SELECT rule_code, subject, severity, message, details FROM report_exceptions ORDER BY id"
        )
    assert [(f["rule_code"], f["subject"], f["row"]) for f in found[:4]] == [
        ("SCHEMA", "actual", 1),
        ("SCHEMA", "actual", 2),
        ("SCHEMA", "forecast", 3),
        ("SCHEMA", "actual", 9),
    ]
    assert found[3]["message"] == """actual 'it\\'s, "quoted"' on row 9 is not a whole number"""
    assert found[3]["details"] == {"column": "actual", "value": """it's, "quoted\""""}
    assert found[4]["details"] == {"actual": 200, "forecast": 100, "ratio": 200.0, "lower": 90.0, "upper": 110.0}
    assert [r["subject"] for r in rows] == ["D", "E", "F", "G", "H"]
    assert [(r["rule_code"], r["subject"], r["severity"]) for r in raised] == [
        ("SCHEMA", "actual", "HIGH"),
        ("SCHEMA", "forecast", "HIGH"),
        ("VARIANCE_ABOVE_TOLERANCE", "D", "WARNING"),
        ("VARIANCE_ABOVE_TOLERANCE", "E", "WARNING"),
        ("VARIANCE_ABOVE_TOLERANCE", "F", "WARNING"),
        ("VARIANCE_ABOVE_TOLERANCE", "MORE", "WARNING"),
    ]  # as severe as the rule's findings
    actual, forecast, *_, more = raised
    assert actual["message"] == (
        "3 rows have invalid values in column 'actual', first at row 1: actual 'n/a' on row 1 is not a whole number"
    )
    assert actual["details"] == {"column": "actual", "count": 3, "rows": [1, 2, 9]}
    assert forecast["message"] == found[2]["message"]
    assert forecast["details"] == {"column": "forecast", "value": "-1", "rows": [3]}
    assert more["message"] == (
        "3 more VARIANCE_ABOVE_TOLERANCE problems were found in this run and not raised one "
        "by one (the first 3 were); see the submission's findings"
    )
    assert more["details"] == {"count": 3, "subjects": ["G", "H", "TOTAL"]}


async def test_a_runs_findings_are_its_own_when_another_run_took_ids_inside_its_range(pool: Any) -> None:
    # Two workers storing at once can interleave the ids of their findings: a run's range (findings_after,
    # findings_last] then holds the other's too, and every reader keeps to its own run.
    first = await _received(pool, "2018-06", "A,100,200", "B,100,n/a")
    second = await _received(pool, "2018-07", "C,100,300", "D,-1,100", "E,100,150")
    for submission_id in (first, second):
        await validate(pool, submission_id, Limits(max_exceptions_per_rule=10))
    async with pool.acquire() as conn:
        runs = await conn.fetch(
            "SELECT id, submission_id, findings_after, findings_last, finding_count FROM validation_runs "
            "WHERE submission_id = ANY($1::bigint[]) ORDER BY id",
            [first, second],
        )
        assert [r["submission_id"] for r in runs] == [first, second]
        own = {
            r["id"]: await conn.fetch(
                "SELECT id, rule_code, subject FROM findings WHERE run_id = $1 ORDER BY id", r["id"]
            )
            for r in runs
        }
        for r in runs:  # each run's findings lie in its range, which it recorded when it stored them
            ids = [f["id"] for f in own[r["id"]]]
            assert r["findings_after"] < min(ids) and max(ids) == r["findings_last"] and len(ids) == r["finding_count"]
        run = runs[0]["id"]
        await conn.execute(
            "UPDATE validation_runs SET findings_last = $2 WHERE id = $1", run, runs[1]["findings_last"] + 5
        )
        page = await submissions.findings_page(conn, submission_id=first, after=None, limit=100)
        assert [(f.id, f.rule_code, f.subject) for f in page] == [tuple(f) for f in own[run]]
        after = await submissions.findings_page(conn, submission_id=first, after=page[0].id, limit=100)
        assert [f.id for f in after] == [f.id for f in page[1:]]
        assert await submissions.findings_count(conn, submission_id=first) == len(own[run])
        counted = await conn.fetch(
            "SELECT rule_code, count(*) AS n FROM findings WHERE run_id = $1 GROUP BY rule_code ORDER BY rule_code", run
        )
        assert await submissions.findings_by_rule(conn, submission_id=first) == {
            r["rule_code"]: r["n"] for r in counted
        }
        policy = RaisePolicy(cap=10)
        raised = raised_from(await exceptions.raised_by_run(conn, run_id=run, policy=policy), policy)
        assert sorted((r.rule_code, r.subject) for r in raised) == [
            ("SCHEMA", "actual"),
            ("VARIANCE_ABOVE_TOLERANCE", "A"),
            ("VARIANCE_ABOVE_TOLERANCE", "TOTAL"),
        ]


async def test_a_run_without_findings_has_no_range_and_an_empty_page(pool: Any) -> None:
    submission_id = await _received(pool, "2018-08", "A,100,95", "B,100,99")
    outcome = await validate(pool, submission_id, Limits(max_exceptions_per_rule=10))
    assert outcome.status == "PASSED"
    async with pool.acquire() as conn:
        run = await conn.fetchrow(
            "SELECT findings_after, findings_last, finding_count FROM validation_runs WHERE submission_id = $1",
            submission_id,
        )
        assert tuple(run) == (None, None, 0)
        assert await submissions.findings_page(conn, submission_id=submission_id, after=None, limit=10) == []
        assert await submissions.findings_count(conn, submission_id=submission_id) == 0


async def test_a_second_delivery_waits_while_the_run_holds_its_lease(pool: Any) -> None:
    # Two deliveries of one submission at once (the bell's message and the requeue job's): the second finds the
    # first's run holding the lease, so it parses nothing, counts no attempt and is told when to come back; once the
    # run is over, the delivery that comes back finds the submission final.
    submission_id = await _received(pool, "2018-09", "A,100,200")
    started, release, held = _held()
    slow = asyncio.create_task(validate(pool, submission_id, Limits(lease_s=3), held))
    assert await asyncio.to_thread(started.wait, 30)
    await asyncio.sleep(4)  # longer than the lease: the run renews it while it works
    with pytest.raises(LeaseHeld) as waiting:
        await validate(pool, submission_id, Limits(lease_s=3))
    assert 0 < waiting.value.seconds <= 3
    release.set()
    assert (await slow).status == "FLAGGED"
    assert (await validate(pool, submission_id, Limits())).status is None
    assert await _attempts_and_runs(pool, submission_id) == (1, 1)


async def test_a_delivery_overtaken_once_its_lease_lapsed_stores_nothing_and_gives_its_attempt_back(
    pool: Any,
) -> None:
    # A run whose lease lapsed (its worker stalled past it) is taken over by another delivery: the first to commit
    # stores the run; the other finds it taken, stores nothing and does not count an attempt against the limit.
    submission_id = await _received(pool, "2018-09", "A,100,200")
    started, release, held = _held()
    slow = asyncio.create_task(validate(pool, submission_id, Limits(lease_s=600), held))
    assert await asyncio.to_thread(started.wait, 30)
    async with pool.acquire() as conn:
        await conn.execute(
            "UPDATE submissions SET lease_until = now() - interval '1 second' WHERE id = $1", submission_id
        )
    fast = await validate(pool, submission_id, Limits())
    release.set()
    overtaken = await slow
    assert (fast.status, overtaken.status) == ("FLAGGED", None)
    assert await _attempts_and_runs(pool, submission_id) == (1, 1)


class _CountingPool:
    """The real pool, counting the connections a run takes from it."""

    def __init__(self, pool: Any) -> None:
        self.pool, self.acquired = pool, 0

    def acquire(self) -> Any:
        self.acquired += 1
        return self.pool.acquire()


async def test_a_run_takes_two_connections_one_to_begin_and_one_to_store(pool: Any) -> None:
    submission_id = await _received(pool, "2018-09", *ROWS)
    counting = _CountingPool(pool)
    # A lease long enough that no renewal falls inside the run: only the run's own steps are counted.
    outcome = await validate(counting, submission_id, Limits(lease_s=600))  # type: ignore[arg-type]
    assert outcome.status == "FLAGGED"
    assert counting.acquired == 2
    assert await _attempts_and_runs(pool, submission_id) == (1, 1)
