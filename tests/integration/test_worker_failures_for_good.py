"""A failure that would happen again ends the run at once, REJECTED with its true reason; retries are for faults.

A subject longer than the store can index is a SCHEMA finding on its row (the store is never asked to hold it);
a value the store refuses for good (a JSON text with an escaped NUL character, `\\u0000`: PostgreSQL's text cannot
hold one) rejects the file in the same attempt, with the store's own words. Through a real worker process on a real broker: one delivery, one
attempt, one run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from domain.limits import MAX_INDEX_ENTRY_BYTES, MAX_SUBJECT_CHARS, SUBJECT_PARTS
from schema.relay import pk_of
from tests.support.faults import running_worker
from tests.support.reports import csv_bytes, received, upload, wait_final
from validation.schemas import SCHEMAS
from workers.validate import Limits, validate

SR = "user_id,forecast,actual"
LONG = "X" * 6000


async def _state(pool: Any, submission_id: int) -> tuple[str, int, list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    async with pool.acquire() as conn:
        sub = await conn.fetchrow("SELECT status, attempts FROM submissions WHERE id = $1", submission_id)
        runs = await conn.fetch("SELECT attempt, outcome FROM validation_runs WHERE submission_id = $1", submission_id)
        found = await conn.fetch(
            "SELECT rule_code, subject, row, message FROM findings WHERE submission_id = $1 ORDER BY id", submission_id
        )
    return sub["status"], sub["attempts"], [tuple(r) for r in runs], [tuple(f) for f in found]


def test_every_subject_fits_one_index_entry():
    """The limit is what the store can index: the longest subject of any schema, at 4 bytes a character."""
    for schema in SCHEMAS.values():
        assert len(schema.subject_parts) <= SUBJECT_PARTS, schema.code
        limited = {c.name: c.max_chars for c in schema.columns}
        assert all(limited[p] == MAX_SUBJECT_CHARS for p in schema.subject_parts if p != "provider"), schema.code
    assert SUBJECT_PARTS * (MAX_SUBJECT_CHARS + 1) * 4 + 200 < MAX_INDEX_ENTRY_BYTES


async def test_a_subject_too_long_for_the_store_is_a_schema_finding(pool: Any) -> None:
    submission_id = await received(pool, csv_bytes(SR, f"{LONG},100,100", "ASE002,100,90"))
    outcome = await validate(pool, submission_id, Limits())
    status, attempts, runs, found = await _state(pool, submission_id)
    assert (outcome.status, status, attempts, runs) == ("FLAGGED", "FLAGGED", 1, [(1, "FLAGGED")])
    assert found == [
        (
            "SCHEMA",
            "user_id",
            1,
            f"user_id (6000 characters) on row 1 is longer than {MAX_SUBJECT_CHARS} characters, the most a value "
            "naming a subject may have",
        )
    ]


async def test_a_value_the_store_cannot_hold_rejects_the_file_at_once_with_the_reason(pool: Any) -> None:
    data = b'[{"user_id": "ASE001", "forecast": 100, "actual": 100, "party_name": "a\\u0000b"}]'
    submission_id = await received(pool, data, filename="may.json")
    outcome = await validate(pool, submission_id, Limits())
    status, attempts, runs, found = await _state(pool, submission_id)
    assert (outcome.status, status, attempts, runs) == ("REJECTED", "REJECTED", 1, [(1, "REJECTED")])
    [(rule, subject, row, message)] = found
    assert (rule, subject, row) == ("UNREADABLE_FILE", "FILE", None)
    assert message.startswith("The file's contents could not be stored: ") and "0x00" in message, message
    assert "the worker stopped" not in message


async def test_through_a_worker_a_long_subject_takes_one_delivery_and_one_run(
    dsn, broker_url, queue, intake_client, api_keys, pool, tmp_path: Path
):
    """The file of the report that found it: one 6,000-character subject, stored at once, never retried."""
    secas = await api_keys.get("secas")
    log = tmp_path / "deliveries"
    env = {"SECGOV_TEST_DELIVERIES": str(log)}
    with running_worker(dsn, broker_url, queue, module="tests.support.crashing_actors", extra_env=env):
        r = await upload(intake_client, secas, "SR_VARIANCE", "2018-05", csv_bytes(SR, f"{LONG},100,100"))
        assert r.status_code == 202, r.text
        sid = r.json()["submission_id"]
        final = await wait_final(intake_client, secas, sid, timeout=60)
    pk = pk_of(sid, "ReportSubmission")
    assert final["status"] == "REJECTED", final  # no row left to check: the SCHEMA finding says why
    assert final["findings_by_rule"] == {"SCHEMA": 2}
    status, attempts, runs, found = await _state(pool, pk)
    assert (status, attempts, runs) == ("REJECTED", 1, [(1, "REJECTED")])
    assert [f[:3] for f in found] == [("SCHEMA", "user_id", 1), ("SCHEMA", "FILE", None)], found
    assert log.read_text().split() == [str(pk)]
