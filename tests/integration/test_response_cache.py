"""Issue 9, part 3: the response cache for reads.

Kept answers are keyed by the request and the viewer's clearance and valid only at the data version they were
computed at; each committed write raises that version in its own transaction. So a read that starts after a write
committed returns the write, in this API process and in another one (two `secgov serve` processes on one database
below); clearances never share answers; mutations are never kept; SECGOV_RESPONSE_CACHE=off turns it off."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.settings import Settings
from sql import parties
from tests.support.server import free_port

PARTIES = "query Parties { parties(first: 100) { totalCount edges { node { name votingGroup { name } } } } }"
CREATE = """mutation($name: String!) { createParty(input: {name: $name, category: SMALL_SUPPLIER}) {
    party { id name } errors { code } } }"""
EXCEPTIONS = "{ exceptions(first: 5) { totalCount edges { node { ruleCode } } } }"


def version_checks(statements: list[str]) -> list[str]:
    return [s for s in statements if "FROM data_version" in s]


def executed(statements: list[str]) -> list[str]:
    """The statements of executing a query (not the version check, asyncpg's type introspection or key lookups)."""
    return [
        s
        for s in statements
        if "FROM data_version" not in s
        and "typeinfo_tree" not in s
        and "set_config('jit'" not in s
        and "api_keys" not in s
    ]


async def post(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None, key: str | None = None
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    r = await client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)
    assert r.status_code == 200 and "errors" not in r.json(), r.text
    return r


async def test_a_repeated_read_is_answered_from_the_cache_after_one_version_check(client, statements):
    first = await post(client, PARTIES)
    statements.reset()
    second = await post(client, PARTIES)
    assert second.content == first.content
    assert len(version_checks(statements.statements)) == 1
    assert executed(statements.statements) == []
    # Other variables, another operation name: another answer, executed.
    statements.reset()
    await post(client, PARTIES.replace("query Parties", "query Other"))
    assert executed(statements.statements)


async def test_a_write_followed_at_once_by_a_read_returns_the_write(client, api_keys, pool):
    key = await api_keys.get("secas")
    assert (await post(client, PARTIES)).json()["data"]["parties"]["totalCount"] == 0
    await post(client, PARTIES)  # now kept
    created = (await post(client, CREATE, {"name": "Acme Energy"}, key=key)).json()["data"]["createParty"]
    assert created["errors"] == []
    after = (await post(client, PARTIES)).json()["data"]["parties"]
    assert after["totalCount"] == 1 and after["edges"][0]["node"]["name"] == "Acme Energy"
    # A write by another part (a worker, the scheduler) goes through the same version.
    async with pool.acquire() as conn:
        await parties.create_party(conn, name="Bravo Gas", category="GAS_NETWORK", voting_group_id=None)
    assert (await post(client, PARTIES)).json()["data"]["parties"]["totalCount"] == 2


async def test_a_rolled_back_write_leaves_the_version_alone(client, pool, statements):
    await post(client, PARTIES)
    async with pool.acquire() as conn:
        before = await conn.fetchval("SELECT version FROM data_version")
        tx = conn.transaction()
        await tx.start()
        await parties.create_party(conn, name="Never", category="GAS_NETWORK", voting_group_id=None)
        await tx.rollback()
        assert await conn.fetchval("SELECT version FROM data_version") == before
    statements.reset()
    await post(client, PARTIES)
    assert executed(statements.statements) == []  # still the kept answer


async def test_answers_are_never_shared_across_clearances(client, api_keys, statements, pool):

    opsg, other_opsg = await api_keys.get("opsg", bodies=("OPSG",)), await api_keys.get("opsg", bodies=("OPSG", "SSC"))
    async with pool.acquire() as conn:
        await conn.execute("""INSERT INTO report_exceptions (rule_code, severity, status, subject, message, details,
            period, report_type_id, first_flagged_at, last_raised_at)
            SELECT 'MISSING_REPORT', 'HIGH', 'OPEN', 'x', 'missing', '{}'::jsonb, '2018-05', id, now(), now()
            FROM report_types LIMIT 1""")
    seen = (await post(client, EXCEPTIONS, key=opsg)).json()["data"]["exceptions"]
    assert seen["totalCount"] == 1
    public = (await post(client, EXCEPTIONS)).json()["data"]["exceptions"]
    assert public == {"totalCount": 0, "edges": []}
    # Another key of the same role but other bodies: its own answer, executed.
    statements.reset()
    await post(client, EXCEPTIONS, key=other_opsg)
    assert executed(statements.statements)
    # The same key again: kept.
    statements.reset()
    await post(client, EXCEPTIONS, key=opsg)
    assert executed(statements.statements) == []


async def test_mutations_are_never_kept(client, api_keys):
    key = await api_keys.get("secas")
    first = (await post(client, CREATE, {"name": "Same"}, key=key)).json()["data"]["createParty"]
    second = (await post(client, CREATE, {"name": "Same"}, key=key)).json()["data"]["createParty"]
    assert first["errors"] == []
    assert second["party"] is None or second["party"]["id"] != first["party"]["id"] or second["errors"]
    total = (await post(client, PARTIES)).json()["data"]["parties"]["totalCount"]
    assert total == (2 if second["errors"] == [] else 1)


async def test_hit_rate_size_and_evictions_on_metrics(pool, api_keys):
    app = create_app(Settings(response_cache_bytes=8_000), pool=pool)
    admin = await api_keys.get("admin")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c:
        for _ in range(3):
            await post(c, PARTIES)
        for i in range(30):  # distinct requests, more than 8 kB as charged (answers and overhead): the oldest go
            await post(c, PARTIES.replace("query Parties", f"query P{i}"))
        text = (await c.get("/metrics", headers={"Authorization": f"Bearer {admin}"})).text
    figures = {
        line.split(" ")[0]: float(line.split(" ")[1])
        for line in text.splitlines()
        if line.startswith("secgov_response_cache")
    }
    assert figures["secgov_response_cache_hits_total"] == 2
    assert figures["secgov_response_cache_misses_total"] == 31
    assert figures["secgov_response_cache_evictions_total"] > 0
    assert 0 < figures["secgov_response_cache_bytes"] <= 8_000
    assert 0 < figures["secgov_response_cache_hit_ratio"] < 1


async def test_off_by_setting(pool, statements):
    settings = Settings.from_env({"SECGOV_RESPONSE_CACHE": "off"})
    assert settings.response_cache is False
    app = create_app(settings, pool=pool)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c:
        await post(c, PARTIES)
        statements.reset()
        await post(c, PARTIES)
    assert executed(statements.statements) and not version_checks(statements.statements)


# --- two API processes ---------------------------------------------------------------------------------------------


class Serve:
    """`secgov serve` in its own process on a free port."""

    def __init__(self, dsn: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "DATABASE_URL": dsn, "SECGOV_RATE_LIMITS": "uploads=60/minute"}
        env.pop("BROKER_URL", None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def wait(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"secgov serve exited: {self.proc.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError("secgov serve did not start within 60 s")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def two_processes(dsn: str) -> Iterator[tuple[Serve, Serve]]:
    a, b = Serve(dsn), Serve(dsn)
    try:
        a.wait()
        b.wait()
        yield a, b
    finally:
        a.stop()
        b.stop()


async def test_fresh_across_two_api_processes(two_processes, api_keys):
    a, b = two_processes
    key = await api_keys.get("secas")
    async with (
        httpx.AsyncClient(base_url=a.url, timeout=30) as via_a,
        httpx.AsyncClient(base_url=b.url, timeout=30) as via_b,
    ):
        for round_ in range(5):
            # Both processes keep the current answer...
            for c in (via_a, via_b):
                await post(c, PARTIES)
                kept = (await post(c, PARTIES)).json()["data"]["parties"]
                assert kept["totalCount"] == round_
            # ...a write through one, and at once a read through the other, and through the first.
            writer, reader = (via_a, via_b) if round_ % 2 == 0 else (via_b, via_a)
            made = (await post(writer, CREATE, {"name": f"Party {round_}"}, key=key)).json()["data"]["createParty"]
            assert made["errors"] == []
            for c in (reader, writer):
                now = (await post(c, PARTIES)).json()["data"]["parties"]
                assert now["totalCount"] == round_ + 1
                assert f"Party {round_}" in {e["node"]["name"] for e in now["edges"]}


def test_the_cache_charges_what_it_holds_and_caps_its_entries():
    """Keys are digests whatever the document's length; answers are exact-size copies (orjson's own bytes sit in
    4 KiB allocations); each answer is charged its bytes and ENTRY_OVERHEAD; at most max_entries are kept."""
    import tracemalloc
    from datetime import date

    import orjson

    from api.response_cache import ENTRY_OVERHEAD, ResponseCache, request_key
    from domain.viewer import PUBLIC

    key = request_key({"query": "{ " + "a " * 50_000 + "}", "variables": {"x": 1}}, PUBLIC, date(2026, 1, 1))
    assert isinstance(key, bytes) and len(key) == 32
    cache = ResponseCache(10 * 1024 * 1024, max_entries=1_000)
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for i in range(2_000):  # each answer as the server makes it, then dropped: what remains is what the cache holds
        cache.put(i.to_bytes(32, "big"), 1, orjson.dumps({"data": {"node": None, "i": i}}), "Q")
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    assert len(cache) == 1_000 and cache.evictions == 1_000
    sizes = [len(orjson.dumps({"data": {"node": None, "i": i}})) for i in range(1_000, 2_000)]
    assert cache.bytes == sum(ENTRY_OVERHEAD + n for n in sizes)
    assert held <= cache.bytes, (held, cache.bytes)  # what is charged covers what is held
