"""Issue 5, Build "Keys": expiry (and `api-key create --expires-in-days`), revocation within the key cache's time,
last-used time, hashed at rest, and the constant-time check of the digest after the lookup."""

from __future__ import annotations

import asyncio
import hashlib
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

import api.auth
from api.app import create_app
from api.settings import Settings
from sql import keys
from tests.support.polling import eventually

ROOT = Path(__file__).resolve().parents[2]
QUERY = {"query": "{ reportSubmissions(first: 1) { totalCount } }"}


class Clock:
    """The key cache's clock (api.auth's `time` only), moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(api.auth, "time", c)
    return c


@pytest.fixture
async def http(pool) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(), pool=pool)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
        yield c


async def status(http: httpx.AsyncClient, key: str) -> int:
    return (await http.post("/graphql", json=QUERY, headers={"Authorization": f"Bearer {key}"})).status_code


async def make(pool, name: str, *, expires_at: datetime | None = None) -> str:
    async with pool.acquire() as conn:
        return await keys.create(conn, name=name, role="dcc", bodies=[], party_id=None, expires_at=expires_at)


async def test_cli_creates_a_key_that_expires_in_n_days(dsn, pool, http):
    env = {**os.environ, "DATABASE_URL": dsn, "PYTHONPATH": str(ROOT)}
    cmd = [
        sys.executable,
        "-m",
        "api.cli",
        "api-key",
        "create",
        "--name",
        "ops-temp",
        "--role",
        "dcc",
        "--expires-in-days",
        "3",
    ]
    done = await asyncio.to_thread(subprocess.run, cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    key = done.stdout.strip().splitlines()[-1]  # alone on the last line
    async with pool.acquire() as conn:
        expires_at = await conn.fetchval("SELECT expires_at FROM api_keys WHERE name = 'ops-temp'")
    assert abs(expires_at - (datetime.now(UTC) + timedelta(days=3))) < timedelta(minutes=1)
    assert await status(http, key) == 200

    bad = await asyncio.to_thread(
        subprocess.run,
        [*cmd[:6], "other", *cmd[7:-1], "0"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2 and "--expires-in-days" in bad.stderr


async def test_an_expired_key_is_refused_and_expiry_takes_effect_within_the_cache_time(pool, http, clock):
    past = await make(pool, "expired", expires_at=datetime.now(UTC) - timedelta(seconds=1))
    r = await http.post("/graphql", json=QUERY, headers={"Authorization": f"Bearer {past}"})
    assert r.status_code == 401 and r.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    soon = await make(pool, "soon", expires_at=datetime.now(UTC) + timedelta(days=1))
    assert await status(http, soon) == 200
    async with pool.acquire() as conn:  # the key's time runs out
        await conn.execute("UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE name = 'soon'")
    clock.now += api.auth.CACHE_SECONDS + 0.01
    assert await status(http, soon) == 401


async def test_revocation_takes_effect_within_the_cache_time(pool, http, clock):
    key = await make(pool, "to-revoke")
    assert await status(http, key) == 200
    async with pool.acquire() as conn:
        await keys.revoke(conn, name="to-revoke")
    # Within the cache time the process may still honour the key it looked up (CACHE_SECONDS, under 5 s)...
    clock.now += api.auth.CACHE_SECONDS - 0.5
    assert await status(http, key) == 200
    # ...and not a moment after.
    clock.now += 0.51
    r = await http.post("/graphql", json=QUERY, headers={"Authorization": f"Bearer {key}"})
    assert r.status_code == 401 and "revoked" in r.json()["errors"][0]["message"]
    assert api.auth.CACHE_SECONDS < 5.0


async def test_last_used_at_is_updated(pool, http, clock):
    key = await make(pool, "used")
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT last_used_at FROM api_keys WHERE name = 'used'") is None
    started = datetime.now(UTC)
    assert await status(http, key) == 200
    async with pool.acquire() as conn:
        first = await conn.fetchval("SELECT last_used_at FROM api_keys WHERE name = 'used'")
    assert started - timedelta(seconds=1) <= first <= datetime.now(UTC)
    # Marked at each lookup, so at most once per cache time per process.
    clock.now += api.auth.CACHE_SECONDS + 0.01
    # The database's clock must have moved past the first mark for the second to be later.
    async with pool.acquire() as conn:
        await eventually(
            lambda: conn.fetchval("SELECT clock_timestamp() > $1", first), what="the database clock moved on"
        )
    assert await status(http, key) == 200
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT last_used_at FROM api_keys WHERE name = 'used'") > first


async def test_keys_are_hashed_at_rest(pool):
    key = await make(pool, "hashed")
    assert key.startswith("sgk_") and len(key) >= 4 + 43  # 32 random bytes, URL-safe base64
    async with pool.acquire() as conn:
        row = await conn.fetchrow("SELECT key_hash, api_keys::text AS everything FROM api_keys WHERE name = 'hashed'")
    assert bytes(row["key_hash"]) == hashlib.sha256(key.encode()).digest()
    assert key not in row["everything"] and key[4:] not in row["everything"]


async def test_the_digest_is_compared_again_after_the_lookup(pool, monkeypatch):
    """Defence in depth: a row whose stored digest differs from the key's (were the lookup ever not exact) is no
    holder."""
    key = await make(pool, "checked")
    async with pool.acquire() as conn:
        assert (await keys.holder(conn, key=key)).name == "checked"
        real = keys.fetchrow

        async def wrong_row(conn, name, /, **values):
            row = await real(conn, name, **values)
            return None if row is None else {**dict(row), "key_hash": b"\x00" * 32}

        monkeypatch.setattr(keys, "fetchrow", wrong_row)
        assert await keys.holder(conn, key=key) is None
