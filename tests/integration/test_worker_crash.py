"""Acceptance 6: a worker killed (SIGKILL) mid-run loses nothing and doubles nothing; a file that kills every worker
that touches it ends REJECTED after SECGOV_MAX_ATTEMPTS attempts instead of looping for ever."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from schema.relay import pk_of
from tests.support.faults import running_worker
from tests.support.reports import csv_bytes, upload, wait_final

CRASHING = "tests.support.crashing_actors"
SR = "user_id,forecast,actual"
# 50.0% and 160.0%: below and above the band, and the aggregate (2,100 against 2,000 = 105.0%) inside it.
FILE = csv_bytes(SR, "ASE001,1000,500", "ASE002,1000,1600", "ASE002,0,0")


async def facts(pool: Any, submission_id: str) -> dict[str, Any]:
    pk = pk_of(submission_id, "ReportSubmission")
    async with pool.acquire() as conn:
        sub = await conn.fetchrow("SELECT status, attempts, row_count FROM submissions WHERE id = $1", pk)
        runs = await conn.fetch(
            "SELECT attempt, outcome, finding_count FROM validation_runs WHERE submission_id = $1", pk
        )
        findings = await conn.fetch(
            "SELECT rule_code, subject, row, details FROM findings WHERE submission_id = $1 ORDER BY id", pk
        )
        rows = await conn.fetchval("SELECT count(*) FROM sr_variance_rows WHERE submission_id = $1", pk)
        exceptions = await conn.fetch(
            "SELECT e.rule_code, e.subject, e.status, e.submission_id, array_agg(h.action ORDER BY h.id) AS history "
            "FROM report_exceptions e JOIN exception_history h ON h.exception_id = e.id "
            "GROUP BY e.id ORDER BY e.rule_code, e.subject"
        )
    return {
        "status": sub["status"],
        "attempts": sub["attempts"],
        "row_count": sub["row_count"],
        "runs": [tuple(r) for r in runs],
        "findings": [(f["rule_code"], f["subject"], f["row"]) for f in findings],
        "rows": rows,
        "exceptions": [
            (e["rule_code"], e["subject"], e["status"], e["submission_id"] == pk, list(e["history"]))
            for e in exceptions
        ],
    }


def deliveries(path: Path) -> list[str]:
    return path.read_text().split() if path.exists() else []


@pytest.mark.parametrize("where", ["validation", "commit"])
async def test_worker_killed_mid_run_then_restarted(
    where, dsn, broker_url, queue, intake_client, api_keys, pool, tmp_path
):
    """Killed while parsing (validation), or with the run's rows, findings and exceptions written but not committed
    (commit): a fresh worker gets the message again and the submission ends with one run and one set of exceptions."""
    secas = await api_keys.get("secas")
    log = tmp_path / "deliveries"
    env = {
        "SECGOV_TEST_CRASH_ONCE": where,
        "SECGOV_TEST_CRASH_MARKER": str(tmp_path / "crashed"),
        "SECGOV_TEST_DELIVERIES": str(log),
        "SECGOV_MAX_ATTEMPTS": "3",
    }
    with running_worker(dsn, broker_url, queue, module=CRASHING, extra_env=env) as worker:
        r = await upload(intake_client, secas, "SR_VARIANCE", "2018-05", FILE, received_at="2018-06-04T10:00:00Z")
        assert r.status_code == 202, r.text
        sid = r.json()["submission_id"]
        worker.wait_exit()
        assert (tmp_path / "crashed").exists(), worker.output()[-3000:]
        mid = await facts(pool, sid)
        # The attempt was counted; nothing of the run survived the crash.
        assert (mid["status"], mid["attempts"], mid["runs"], mid["findings"], mid["rows"], mid["exceptions"]) == (
            "VALIDATING",
            1,
            [],
            [],
            0,
            [],
        ), mid

        worker.restart()
        final = await wait_final(intake_client, secas, sid, timeout=60)

    assert final["status"] == "FLAGGED", final
    assert final["findings_by_rule"] == {
        "DUPLICATE_SUBJECT": 1,
        "VARIANCE_ABOVE_TOLERANCE": 1,
        "VARIANCE_BELOW_TOLERANCE": 1,
        "AT_OR_ABOVE_FORECAST": 1,
    }
    after = await facts(pool, sid)
    assert deliveries(log) == [str(pk_of(sid, "ReportSubmission"))] * 2  # delivered, lost with the worker, redelivered
    assert after["attempts"] == 2
    assert after["runs"] == [(2, "FLAGGED", 4)]
    assert sorted(after["findings"]) == [
        ("AT_OR_ABOVE_FORECAST", "ASE002", 2),
        ("DUPLICATE_SUBJECT", "ASE002", 2),
        ("VARIANCE_ABOVE_TOLERANCE", "ASE002", 2),
        ("VARIANCE_BELOW_TOLERANCE", "ASE001", 1),
    ]
    assert (after["row_count"], after["rows"]) == (3, 3)
    assert after["exceptions"] == [
        ("DUPLICATE_SUBJECT", "ASE002", "OPEN", True, ["FLAGGED"]),
        ("VARIANCE_ABOVE_TOLERANCE", "ASE002", "OPEN", True, ["FLAGGED"]),
    ]  # below the band is information (INFO): no exception


async def test_poison_file_is_rejected_after_max_attempts(
    dsn, broker_url, queue, intake_client, api_keys, pool, gql, tmp_path
):
    """poison.csv kills every worker that validates it. With SECGOV_MAX_ATTEMPTS=2 the worker is restarted after each
    crash (as `secgov up` and compose do): two attempts die, the third delivery rejects the file without reading it."""
    dcc = await api_keys.get("dcc")
    log = tmp_path / "deliveries"
    env = {"SECGOV_MAX_ATTEMPTS": "2", "SECGOV_TEST_DELIVERIES": str(log)}
    body = csv_bytes(SR, "ASE001,100,100")
    with running_worker(dsn, broker_url, queue, module=CRASHING, extra_env=env) as worker:
        r = await upload(intake_client, dcc, "SR_VARIANCE", "2099-01", body, filename="poison.csv")
        assert r.status_code == 202, r.text
        sid = r.json()["submission_id"]
        pk = pk_of(sid, "ReportSubmission")
        for attempt in (1, 2):
            worker.wait_exit()
            state = await facts(pool, sid)
            assert (state["status"], state["attempts"], state["runs"]) == ("VALIDATING", attempt, []), state
            assert deliveries(log) == [str(pk)] * attempt
            worker.restart()
        final = await wait_final(intake_client, dcc, sid, timeout=60)
        assert worker.proc is not None and worker.proc.poll() is None  # the third worker lives on

    assert final["status"] == "REJECTED", final
    assert final["findings_by_rule"] == {"UNREADABLE_FILE": 1}
    after = await facts(pool, sid)
    assert after["attempts"] == 3 and after["runs"] == [(3, "REJECTED", 1)]
    assert deliveries(log) == [str(pk)] * 3
    body_q = await gql(
        """query($id: ID!) { reportSubmission(id: $id) { status findings(first: 5) { edges { node {
        ruleCode severity subject row message details } } } exceptions { edges { node { ruleCode subject severity
        status } } } } }""",
        {"id": sid},
        key=dcc,
    )
    sub = body_q["data"]["reportSubmission"]
    assert [e["node"] for e in sub["findings"]["edges"]] == [
        {
            "ruleCode": "UNREADABLE_FILE",
            "severity": "HIGH",
            "subject": "FILE",
            "row": None,
            "details": {"attempts": 2, "reason": "attempts exhausted"},
            "message": "Validation did not complete after 2 attempts (the worker stopped each time): the file is "
            "rejected rather than retried for ever",
        }
    ]
    assert [e["node"] for e in sub["exceptions"]["edges"]] == [
        {"ruleCode": "UNREADABLE_FILE", "subject": "FILE", "severity": "HIGH", "status": "OPEN"}
    ]
    # The bytes are still there, unchanged, for a person to look at.
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT content FROM submission_files WHERE submission_id = $1", pk) == body
