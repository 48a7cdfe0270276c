"""Helpers for report tests: upload over REST, wait for a final status."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx

FINAL = ("PASSED", "FLAGGED", "REJECTED")


def csv_bytes(header: str, *rows: str) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


async def upload(
    client: httpx.AsyncClient,
    key: str | None,
    code: str,
    period: str,
    body: bytes,
    *,
    received_at: str | None = None,
    content_type: str = "text/csv",
    filename: str | None = None,
) -> httpx.Response:
    params = {}
    if received_at:
        params["received_at"] = received_at
    if filename:
        params["filename"] = filename
    headers = {"Content-Type": content_type}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    return await client.post(f"/api/v1/reports/{code}/{period}", content=body, params=params, headers=headers)


async def wait_final(client: httpx.AsyncClient, key: str, submission_id: str, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    body: dict[str, Any] = {}
    while time.monotonic() < deadline:
        r = await client.get(f"/api/v1/submissions/{submission_id}", headers={"Authorization": f"Bearer {key}"})
        body = r.json()
        if body.get("status") in FINAL:
            return body
        await asyncio.sleep(0.2)
    raise AssertionError(f"submission {submission_id} not final after {timeout}s: {body}")


async def received(
    pool: Any, data: bytes, *, code: str = "SR_VARIANCE", period: str = "2018-05", filename: str = "may.csv"
) -> int:
    """A submission stored as the intake stores it (received 1 June 2018), without a bell: the test runs it."""
    import hashlib
    from datetime import UTC, datetime

    from sql import submissions

    async with pool.acquire() as conn:
        stored = await submissions.receive(
            conn,
            code=code,
            period=period,
            content=data,
            sha256=hashlib.sha256(data).digest(),
            filename=filename,
            content_type="application/json" if filename.endswith(".json") else "text/csv",
            received_at=datetime(2018, 6, 1, 9, tzinfo=UTC),
            uploaded_by="test",
            request_id=None,
        )
    return stored.submission_id
