"""Acceptance 8: the same file twice is one submission; a corrected file supersedes the first and closes what it no
longer raises; a redelivered message changes nothing twice."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import pytest

from schema.relay import pk_of
from tests.conftest import GraphQLClient
from tests.support.faults import running_worker
from tests.support.polling import eventually
from tests.support.reports import csv_bytes, upload, wait_final
from workers.broker import enqueue_message

SR = "user_id,forecast,actual"
# May 2018: ASE001 sent 873,383 against 553,814 (157.7%, outside tolerance); ASE002 on forecast. All rows: 874,383 /
# 554,814 = 157.6%.
FIRST = csv_bytes(SR, "ASE001,553814,873383", "ASE002,1000,1000")
# The corrected file: ASE001's figures were a typing error; ASE002 now sits at 120.0%.
CORRECTED = csv_bytes(SR, "ASE001,583151,583151", "ASE002,1000,1200")

EXCEPTIONS = """{ exceptions(first: 50, filter: {reportType: "SR_VARIANCE", period: "2018-05"}) { totalCount edges {
    node { ruleCode subject severity status submission { id } history { actor action fromStatus toStatus comment } }
} } }"""


@pytest.fixture
def deliveries(tmp_path: Path) -> Path:
    return tmp_path / "deliveries"


@pytest.fixture
def worker(dsn: str, broker_url: str, queue: str, deliveries: Path):  # type: ignore[no-untyped-def]
    """The real actors, with every delivery written down (tests.support.crashing_actors, crashing nothing)."""
    with running_worker(
        dsn,
        broker_url,
        queue,
        module="tests.support.crashing_actors",
        extra_env={"SECGOV_TEST_DELIVERIES": str(deliveries)},
    ) as w:
        yield w


def delivered(path: Path) -> list[int]:
    return [int(line) for line in path.read_text().split()] if path.exists() else []


def ended(output: str) -> int:
    """How many deliveries of validate_submission the worker's log says have ended (done, failed or skipped)."""
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    return sum(
        1
        for x in lines
        if x.get("actor") == "validate_submission"
        and x.get("message", "").startswith(("message done", "message failed", "message skipped"))
    )


async def counts(pool: Any) -> dict[str, int]:
    async with pool.acquire() as conn:
        row = await conn.fetchrow(
            "SELECT (SELECT count(*) FROM submissions) AS submissions, (SELECT count(*) FROM submission_files) AS "
            "files, (SELECT count(*) FROM validation_runs) AS runs, (SELECT count(*) FROM findings) AS findings, "
            "(SELECT count(*) FROM report_exceptions) AS exceptions, (SELECT count(*) FROM exception_history) AS "
            "history, (SELECT count(*) FROM sr_variance_rows) AS rows"
        )
    return dict(row)


async def test_duplicate_then_corrected_resubmission_then_redelivery(
    intake_client, api_keys, pool, broker, worker, deliveries
):
    secas = await api_keys.get("secas")
    gql = GraphQLClient(intake_client)

    r = await upload(intake_client, secas, "SR_VARIANCE", "2018-05", FIRST, received_at="2018-06-04T10:00:00Z")
    assert r.status_code == 202, r.text
    first = r.json()["submission_id"]
    first_pk = pk_of(first, "ReportSubmission")
    # The same message delivered twice at once: only one of them may store a run.
    enqueue_message(broker, first_pk)
    final = await wait_final(intake_client, secas, first)
    assert final["status"] == "FLAGGED", final
    # Both subjects are at or above forecast (listed, INFO); ASE001 and all rows are above the band.
    assert final["findings_by_rule"] == {"VARIANCE_ABOVE_TOLERANCE": 2, "AT_OR_ABOVE_FORECAST": 2}

    # The same bytes again (even from another key): 200, the first submission, nothing new stored.
    for key in (secas, await api_keys.get("dcc")):
        r = await upload(intake_client, key, "SR_VARIANCE", "2018-05", FIRST)
        assert r.status_code == 200, r.text
        assert r.json() == {"submission_id": first, "status": "FLAGGED", "duplicate_of": first}
    # The same bytes for another period are a new submission of that period.
    other = await upload(intake_client, secas, "SR_VARIANCE", "2018-06", FIRST, received_at="2018-07-02T10:00:00Z")
    assert other.status_code == 202 and other.json()["submission_id"] != first
    await wait_final(intake_client, secas, other.json()["submission_id"])
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM submissions WHERE period = '2018-05'") == 1

    excs = (await gql(EXCEPTIONS, key=secas))["data"]["exceptions"]
    before = {(e["node"]["ruleCode"], e["node"]["subject"]): e["node"] for e in excs["edges"]}
    assert set(before) == {("VARIANCE_ABOVE_TOLERANCE", "ASE001"), ("VARIANCE_ABOVE_TOLERANCE", "TOTAL")}
    for node in before.values():
        assert [h["action"] for h in node["history"]] == ["FLAGGED"], node  # raised once, not once per delivery
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM validation_runs WHERE submission_id = $1", first_pk) == 1

    # The corrected file, received the next day: a new submission that supersedes the first.
    r = await upload(intake_client, secas, "SR_VARIANCE", "2018-05", CORRECTED, received_at="2018-06-05T09:00:00Z")
    assert r.status_code == 202, r.text
    assert r.json()["duplicate_of"] is None
    second = r.json()["submission_id"]
    final = await wait_final(intake_client, secas, second)
    assert final["supersedes"] == first
    assert final["status"] == "FLAGGED", final
    # ASE002 above the band; all rows: 100.0%; both subjects listed at or above forecast.
    assert final["findings_by_rule"] == {"VARIANCE_ABOVE_TOLERANCE": 1, "AT_OR_ABOVE_FORECAST": 2}
    assert final["delivery"] == "ON_TIME"
    sub = (
        await gql(
            """query($id: ID!) { reportSubmission(id: $id) { supersedes { id status } } }""", {"id": second}, key=secas
        )
    )["data"]["reportSubmission"]
    assert sub["supersedes"] == {"id": first, "status": "FLAGGED"}

    excs = (await gql(EXCEPTIONS, key=secas))["data"]["exceptions"]
    after = {(e["node"]["ruleCode"], e["node"]["subject"]): e["node"] for e in excs["edges"]}
    assert set(after) == set(before) | {("VARIANCE_ABOVE_TOLERANCE", "ASE002")}
    closing = "not raised by the resubmission of 5 Jun 2018"
    for key in before:
        node = after[key]
        assert node["status"] == "RESOLVED", node
        assert node["submission"] == {"id": first}
        assert [(h["actor"], h["action"], h["fromStatus"], h["toStatus"], h["comment"]) for h in node["history"]] == [
            ("system", "FLAGGED", None, "OPEN", before[key]["history"][0]["comment"]),
            ("system", "SYSTEM_RESOLVED", "OPEN", "RESOLVED", closing),
        ]
        assert node["history"][1]["comment"].startswith("not raised by the resubmission")
    new = after[("VARIANCE_ABOVE_TOLERANCE", "ASE002")]
    assert (new["status"], new["submission"], [h["action"] for h in new["history"]]) == (
        "OPEN",
        {"id": second},
        ["FLAGGED"],
    )

    # Redelivery of finished work (both submissions, twice): nothing changes.
    settled = await counts(pool)
    assert settled == {
        "submissions": 3,
        "files": 3,
        "runs": 3,
        "findings": 11,
        "exceptions": 5,
        "history": 7,
        "rows": 6,
    }
    second_pk = pk_of(second, "ReportSubmission")
    other_pk = pk_of(other.json()["submission_id"], "ReportSubmission")
    # The second message of the first file found the first run holding its lease: it came back once the lease could
    # have lapsed, found the submission final, and is written down then.
    expected = sorted([first_pk, first_pk, other_pk, second_pk])
    await eventually(lambda: sorted(delivered(deliveries)) == expected, what="the waiting delivery came back")
    assert await counts(pool) == settled
    for _ in range(2):
        for pk in (first_pk, second_pk):
            enqueue_message(broker, pk)
    deadline = time.monotonic() + 30
    while len(delivered(deliveries)) < 8:
        assert time.monotonic() < deadline, (delivered(deliveries), worker.output()[-3000:])
        await asyncio.sleep(0.1)
    # The actor returns straight after a refused attempt: wait until every delivery has ended in the worker.
    await eventually(
        lambda: ended(worker.output()) >= len(delivered(deliveries)), what="every delivery of validate_submission ended"
    )
    assert sorted(delivered(deliveries)) == sorted([first_pk] * 4 + [second_pk] * 3 + [other_pk])
    assert await counts(pool) == settled
    for sid in (first, second):
        assert (await wait_final(intake_client, secas, sid))["status"] == "FLAGGED"
