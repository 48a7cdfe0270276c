"""MISSING_REPORT with a fixed clock: one per report and period, however often and by however many schedulers."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sql import db
from sql.submissions import receive
from tests.support.reports import csv_bytes
from workers.missing import raise_missing
from workers.scheduler import exclusively, missing_job
from workers.validate import Limits, run

# SR variance April 2018 is due at the end of 15 May 2018 (10th Working Day; 7 May was a bank holiday).
AFTER_DEADLINE = datetime(2018, 5, 16, 9, 0, tzinfo=UTC)
BEFORE_DEADLINE = datetime(2018, 5, 15, 12, 0, tzinfo=UTC)


async def missing(pool, code: str, period: str) -> list[dict]:
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT e.id, e.status, e.severity, e.subject FROM report_exceptions e "
            "JOIN report_types t ON t.id = e.report_type_id "
            "WHERE e.rule_code = 'MISSING_REPORT' AND t.code = $1 AND e.period = $2",
            code,
            period,
        )
    return [dict(r) for r in rows]


async def test_not_raised_before_the_deadline(pool):
    await raise_missing(pool, now=BEFORE_DEADLINE, lookback_days=90)
    assert await missing(pool, "SR_VARIANCE", "2018-04") == []


async def test_exactly_one_however_often_and_with_two_schedulers(pool, dsn):
    first = await raise_missing(pool, now=AFTER_DEADLINE, lookback_days=90)
    assert first, "something must be overdue on 16 May 2018"
    for _ in range(3):
        assert await raise_missing(pool, now=AFTER_DEADLINE, lookback_days=90) == []
    # Two schedulers (two pools, as two processes would have) running the job at the same moment.
    other = await db.create_pool(dsn, min_size=1, max_size=2)
    try:
        job = missing_job(90)
        results = await asyncio.gather(exclusively(pool, 7_301_102, job), exclusively(other, 7_301_102, job))
        assert any(results)
    finally:
        await other.close()
    found = await missing(pool, "SR_VARIANCE", "2018-04")
    assert len(found) == 1
    assert found[0]["status"] == "OPEN" and found[0]["severity"] == "HIGH"
    async with pool.acquire() as conn:
        history = await conn.fetch("SELECT action FROM exception_history WHERE exception_id = $1", found[0]["id"])
        message = await conn.fetchval("SELECT message FROM report_exceptions WHERE id = $1", found[0]["id"])
    # People read London time: 15 May 2018 ends at 23:59 BST (22:59 UTC).
    assert message == (
        "SR_VARIANCE for 2018-04 was due by the end of 15/05/2018 (London time) and has not been received (SEC H3.24)"
    )
    assert [h["action"] for h in history] == ["FLAGGED"]


async def test_outside_the_lookback_nothing_is_raised(pool):
    assert await raise_missing(pool, now=datetime(2019, 12, 1, tzinfo=UTC), lookback_days=1) == []
    assert await missing(pool, "SR_VARIANCE", "2018-04") == []


async def test_the_late_upload_resolves_it_and_is_flagged_late(pool):
    await raise_missing(pool, now=AFTER_DEADLINE, lookback_days=90)
    content = csv_bytes("user_id,forecast,actual", "ASE001,1000,1000")
    import hashlib

    async with pool.acquire() as conn:
        received = await receive(
            conn,
            code="SR_VARIANCE",
            period="2018-04",
            content=content,
            sha256=hashlib.sha256(content).digest(),
            filename="sr.csv",
            content_type="text/csv",
            received_at=datetime(2018, 6, 4, 10, tzinfo=UTC),
            uploaded_by="admin-test",
            request_id=None,
        )
    assert await run(pool, received.submission_id, Limits()) == "FLAGGED"
    [gone] = await missing(pool, "SR_VARIANCE", "2018-04")
    assert gone["status"] == "RESOLVED"
    async with pool.acquire() as conn:
        last = await conn.fetchrow(
            "SELECT action, comment, actor FROM exception_history WHERE exception_id = $1 ORDER BY id DESC LIMIT 1",
            gone["id"],
        )
        late = await conn.fetchval(
            "SELECT count(*) FROM report_exceptions e JOIN report_types t "
            "ON t.id = e.report_type_id WHERE t.code = 'SR_VARIANCE' AND e.period = '2018-04' "
            "AND e.rule_code = 'LATE_DELIVERY' AND e.status = 'OPEN'"
        )
    assert dict(last) == {"action": "SYSTEM_RESOLVED", "comment": "report received: late", "actor": "system"}
    assert late == 1
    # And the job does not raise it again now that the report is in.
    assert await raise_missing(pool, now=AFTER_DEADLINE, lookback_days=90) == []
