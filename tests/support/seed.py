"""Putting validated submissions in a test database without a broker: receive, then run the worker's code."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from sql.db import Pool
from sql.submissions import receive
from workers.validate import Limits, run


async def validated(
    pool: Pool,
    code: str,
    period: str,
    content: bytes,
    *,
    received_at: datetime | None = datetime(2018, 6, 4, 10, tzinfo=UTC),
    filename: str = "f.csv",
) -> int:
    async with pool.acquire() as conn:
        received = await receive(
            conn,
            code=code,
            period=period,
            content=content,
            sha256=hashlib.sha256(content).digest(),
            filename=filename,
            content_type="text/csv",
            received_at=received_at,
            uploaded_by="test",
            request_id=None,
        )
    await run(pool, received.submission_id, Limits())
    return received.submission_id


async def exception_ids(pool: Pool, rule_code: str | None = None) -> list[int]:
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT id FROM report_exceptions WHERE ($1::text IS NULL OR rule_code = $1) ORDER BY id", rule_code
        )
    return [r["id"] for r in rows]


async def a_party(pool: Pool) -> int:
    """A Party (in a Voting Group of its own), for a `party` key to belong to."""
    async with pool.acquire() as conn:
        party_id: int = await conn.fetchval(
            "WITH g AS (INSERT INTO voting_groups (name, category) VALUES ('X', 'SMALL_SUPPLIER') RETURNING id) "
            "INSERT INTO parties (name, initial_category, initial_voting_group_id) SELECT 'X', 'SMALL_SUPPLIER', "
            "id FROM g RETURNING id"
        )
    return party_id
