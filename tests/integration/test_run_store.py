"""A run's store: findings and parsed rows written by one COPY each, and the exceptions read from the stored
findings in SQL (SCHEMA one per column, at most the cap per rule, the rest in one MORE exception)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from sql import submissions
from tests.support.reports import csv_bytes
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


async def test_findings_rows_and_capped_exceptions(pool: Any) -> None:
    data = csv_bytes(SR, *ROWS)
    async with pool.acquire() as conn:
        received = await submissions.receive(
            conn,
            code="SR_VARIANCE",
            period="2018-05",
            content=data,
            sha256=hashlib.sha256(data).digest(),
            filename="may.csv",
            content_type="text/csv",
            received_at=datetime(2018, 6, 1, 9, tzinfo=UTC),
            uploaded_by="test",
            request_id=None,
        )
    outcome = await validate(pool, received.submission_id, Limits(max_exceptions_per_rule=3))
    assert outcome.status == "FLAGGED"
    async with pool.acquire() as conn:
        found = await conn.fetch(
            "SELECT rule_code, severity, subject, row, message, details FROM findings "
            "WHERE submission_id = $1 ORDER BY id",
            received.submission_id,
        )
        rows = await conn.fetch(
            "SELECT row, subject, forecast, actual FROM sr_variance_rows WHERE submission_id = $1 ORDER BY row",
            received.submission_id,
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
