"""Backup and restore with PostgreSQL's own tools, as docs/operations.md says (section "Backup and restore").

A populated database (the demo register and governance, a validated report with its exceptions, an API key) is
dumped with `pg_dump --format=custom`, restored with `pg_restore` into a new, empty database, and secgov is started
on the copy: the Party periods are the same and still equal a rebuild from the events, the data version did not go
back, nothing is left to migrate, the key made before the dump still works, and a new upload is received,
validated and numbered after everything restored.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx

from api.app import create_app
from api.demo_data import load
from api.settings import Settings
from api.setup import prepare
from schema.relay import pk_of
from sql import db, keys, parties
from tests.conftest import need_tool
from tests.support.reports import csv_bytes, upload
from tests.support.seed import validated
from workers.validate import Limits, run

SR = "user_id,forecast,actual"
PERIODS = "SELECT * FROM party_periods ORDER BY party_id, valid_from"


async def _tool(*args: str) -> str:
    """Run one of PostgreSQL's programs (off the event loop); its output, or the test fails with its errors."""
    done = await asyncio.to_thread(subprocess.run, list(args), capture_output=True, text=True)
    assert done.returncode == 0, (args[0], done.stderr)
    return done.stdout


async def _tools_for(dsn: str) -> tuple[str, str]:
    """pg_dump and pg_restore of the server's major version (an older pg_dump refuses a newer server)."""
    dump, restore = shutil.which("pg_dump"), shutil.which("pg_restore")
    need_tool(dump is not None and restore is not None, "pg_dump and pg_restore (the postgresql-client package)")
    assert dump is not None and restore is not None
    conn = await db.connect(dsn)
    try:
        server = int(await conn.fetchval("SHOW server_version_num")) // 10_000
    finally:
        await conn.close()
    found = re.search(r"(\d+)", await _tool(dump, "--version"))
    need_tool(found is not None and int(found.group(1)) >= server, f"pg_dump {server} or later")
    return dump, restore


async def _facts(dsn: str) -> dict[str, Any]:
    conn = await db.connect(dsn)
    try:
        return {
            "periods": [tuple(r) for r in await conn.fetch(PERIODS)],
            "version": await conn.fetchval("SELECT version FROM data_version"),
            "counts": dict(
                await conn.fetchrow(
                    "SELECT (SELECT count(*) FROM parties) AS parties, (SELECT count(*) FROM meetings) AS meetings, "
                    "(SELECT count(*) FROM submissions) AS submissions, (SELECT count(*) FROM findings) AS findings, "
                    "(SELECT count(*) FROM report_exceptions) AS exceptions, "
                    "(SELECT count(*) FROM exception_history) AS history, (SELECT count(*) FROM api_keys) AS keys, "
                    "(SELECT max(id) FROM submissions) AS last_submission"
                )
            ),
        }
    finally:
        await conn.close()


async def test_a_dump_restored_into_a_new_database_runs_secgov(pool, dsn, pg_server, tmp_path: Path):
    dump, restore = await _tools_for(dsn)
    async with pool.acquire() as conn:
        await load(conn)
        admin_key = await keys.create(conn, name="ops-admin", role="admin", bodies=[], party_id=None)
    await validated(pool, "SR_VARIANCE", "2018-05", csv_bytes(SR, "ASE001,553814,873383", "ASE002,1000,1000"))
    before = await _facts(dsn)
    assert before["counts"]["parties"] > 10 and before["counts"]["exceptions"] > 0, before["counts"]

    backup = tmp_path / "secgov.dump"
    await _tool(dump, "--format=custom", f"--file={backup}", dsn)
    copy = await pg_server.create(empty=True)
    try:
        await _tool(restore, "--no-owner", "--no-privileges", "--exit-on-error", f"--dbname={copy}", str(backup))
        after = await _facts(copy)
        assert after["periods"] == before["periods"]
        assert after["counts"] == before["counts"]
        # Restoring writes rows, which may raise the version; it never goes back (a cache keyed by it stays safe).
        assert after["version"] >= before["version"]

        restored = await db.create_pool(copy, min_size=1, max_size=4)
        try:
            async with restored.acquire() as conn:
                assert await prepare(conn) == []  # `secgov migrate` on the copy: nothing left to apply
                await parties.rebuild_periods(conn)
                assert [tuple(r) for r in await conn.fetch(PERIODS)] == before["periods"]
            await _serves(restored, admin_key, before)
        finally:
            await restored.close()
    finally:
        await pg_server.drop(copy)


async def _serves(pool: Any, admin_key: str, before: dict[str, Any]) -> None:
    """The API on the copy: the old key reads, a new upload is received and validated after what was restored."""
    app = create_app(Settings(), pool=pool)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        headers = {"Authorization": f"Bearer {admin_key}"}
        r = await client.post(
            "/graphql", json={"query": "{ viewer { role } parties(first: 1) { totalCount } }"}, headers=headers
        )
        assert r.json()["data"] == {
            "viewer": {"role": "admin"},
            "parties": {"totalCount": before["counts"]["parties"]},
        }, r.text
        r = await upload(client, admin_key, "SR_VARIANCE", "2018-06", csv_bytes(SR, "ASE001,1000,1500"))
        assert r.status_code == 202, r.text
        new_id = pk_of(r.json()["submission_id"], "ReportSubmission")
        assert new_id > before["counts"]["last_submission"]
        assert await run(pool, new_id, Limits()) == "FLAGGED"
        async with pool.acquire() as conn:
            version = await conn.fetchval("SELECT version FROM data_version")
            exceptions = await conn.fetchval("SELECT count(*) FROM report_exceptions")
        assert version > before["version"] and exceptions > before["counts"]["exceptions"]
        r = await client.post("/graphql", json={"query": "{ viewer { role } }"}, headers={"Authorization": "Bearer no"})
        assert r.status_code == 401
