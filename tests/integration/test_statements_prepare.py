"""Every named statement of the store prepares on PostgreSQL, taking exactly the parameters the loader found."""

from __future__ import annotations

from sql.loader import QUERIES


async def test_every_statement_prepares_with_the_parameters_the_loader_numbered(pool):
    async with pool.acquire() as conn:
        for name, q in QUERIES.items():
            statement = await conn.prepare(q.text)
            assert len(statement.get_parameters()) == len(q.params), name
