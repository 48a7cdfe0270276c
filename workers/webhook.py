"""Telling an outside system about each new HIGH exception: a POST, retried by the broker, never in the run's way."""

from __future__ import annotations

from typing import Any

import httpx

from sql import exceptions
from sql.db import Pool


def payload(row: Any, report_type: str) -> dict[str, Any]:
    return {
        "event": "exception.flagged",
        "exception_id": row.id,
        "report_type": report_type,
        "period": row.period,
        "rule_code": row.rule_code,
        "severity": row.severity,
        "subject": row.subject,
        "message": row.message,
        "sec_clause": row.sec_clause,
        "details": row.details,
        "status": row.status,
        "first_flagged_at": row.first_flagged_at.isoformat(),
    }


async def deliver(pool: Pool, exception_id: int, url: str) -> bool:
    """POST one exception if it is HIGH; a non-2xx answer raises, so the actor is retried with backoff."""
    async with pool.acquire() as conn:
        rows = await exceptions.by_ids(conn, ids=[exception_id])
    if not rows or rows[0].severity != "HIGH":
        return False
    row = rows[0]
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.post(
            url, json=payload(row, row.report_type), headers={"User-Agent": "secgov-webhook/1"}
        )
        response.raise_for_status()
    return True
