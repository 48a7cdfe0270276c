"""Hostile files through the real path: uploaded over REST and through the uploadReport mutation, validated by one real
`secgov worker` over the real broker (shared by the whole module). Each file ends with a clear finding, the worker
process and its Dramatiq child stay the same processes, and a good file uploaded right after it is validated."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from api.app import create_app
from api.bell import make_enqueue
from api.settings import Settings
from schema.relay import pk_of
from sql import keys
from sql.db import Pool
from tests.support.databases import Server
from tests.support.hostile import Case, cases, good_csv
from tests.support.reports import upload, wait_final
from tests.support.workers import WorkerProcess, delete_queues, queue_name

CORPUS = cases()
ROUTES = ("rest", "graphql")
UPLOAD = """mutation($code: String!, $period: String!, $file: Upload!) {
    uploadReport(reportType: $code, period: $period, file: $file) { submission { id } errors { code message } } }"""


@pytest.fixture(scope="module")
def dsn(pg_server: Server) -> Iterator[str]:
    """One database for the module: every case has its own periods, so they do not meet."""
    url = asyncio.run(pg_server.create())
    yield url
    asyncio.run(pg_server.drop(url))


@pytest.fixture(scope="module")
def queue(broker_url: str) -> Iterator[str]:
    name = queue_name()
    yield name
    delete_queues(broker_url, name)


@pytest.fixture(scope="module")
def dcc_key(dsn: str) -> str:
    async def make() -> str:
        conn = await asyncpg.connect(dsn)
        try:
            return await keys.create(conn, name="hostile-dcc", role="dcc", bodies=[], party_id=None)
        finally:
            await conn.close()

    return asyncio.run(make())


@pytest.fixture(scope="module")
def shared_worker(dsn: str, broker_url: str, queue: str) -> Iterator[WorkerProcess]:
    worker = WorkerProcess(dsn, broker_url, queue).start()
    yield worker
    worker.stop()


@pytest.fixture(scope="module")
def worker_child(shared_worker: WorkerProcess) -> int:
    """The pid of Dramatiq's worker process under `secgov worker` (it would be replaced if it died)."""
    assert shared_worker.proc is not None
    found = _wait_for_child(shared_worker.proc.pid)
    assert found is not None, shared_worker.output()[-3000:]
    return found


def _wait_for_child(pid: int, timeout: float = 30) -> int | None:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        kids = _children(pid)
        if kids:
            return min(kids)
        time.sleep(0.1)
    return None


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found |= {int(k) for k in (task / "children").read_text().split()}
        except OSError:
            continue
    return found


@pytest.fixture
async def http(pool: Pool, broker: Any) -> AsyncIterator[httpx.AsyncClient]:
    # Generous rate limits: the module sends some eighty uploads with one key in a minute or two.
    settings = Settings(rate_limits="uploads=100000/minute;graphql=100000/minute")
    app = create_app(settings, pool=pool, enqueue=make_enqueue(broker))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
        yield c


async def send(
    http: httpx.AsyncClient,
    key: str,
    route: str,
    code: str,
    period: str,
    body: bytes,
    content_type: str = "application/octet-stream",
) -> str:
    """Upload one file by the route; the submission's id."""
    if route == "rest":
        r = await upload(http, key, code, period, body, content_type=content_type)
        assert r.status_code == 202, r.text
        return str(r.json()["submission_id"])
    r = await http.post(
        "/graphql",
        headers={"Authorization": f"Bearer {key}", "X-Secgov-Upload": "1"},
        data={
            "operations": json.dumps({"query": UPLOAD, "variables": {"code": code, "period": period, "file": None}}),
            "map": json.dumps({"0": ["variables.file"]}),
        },
        files={"0": ("report.bin", body, content_type)},
    )
    assert r.status_code == 200, r.text
    payload = r.json()["data"]["uploadReport"]
    assert payload["errors"] == [], payload
    return str(payload["submission"]["id"])


def periods(index: int, route: str) -> tuple[str, str]:
    """The case's own period, and another for the good file sent after it."""
    year = 2030 + index // 12 + (10 if route == "graphql" else 0)
    month = f"{index % 12 + 1:02d}"
    return f"{year}-{month}", f"{year + 50}-{month}"


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("case", CORPUS, ids=[c.name for c in CORPUS])
async def test_hostile_file_gets_a_clear_finding_and_the_worker_carries_on(
    case: Case,
    route: str,
    http: httpx.AsyncClient,
    dcc_key: str,
    shared_worker: WorkerProcess,
    worker_child: int,
    pool: Pool,
) -> None:
    period, good_period = periods(CORPUS.index(case), route)
    hostile = await send(http, dcc_key, route, case.code, period, case.body, case.content_type)
    good = await send(http, dcc_key, route, "CSR_VARIANCE", good_period, good_csv(f"{case.name}-{route}"))

    final = await wait_final(http, dcc_key, hostile, timeout=60)
    after = await wait_final(http, dcc_key, good, timeout=60)

    assert shared_worker.proc is not None and shared_worker.proc.poll() is None, shared_worker.output()[-3000:]
    assert _children(shared_worker.proc.pid) >= {worker_child}, "Dramatiq's worker process was replaced"
    assert (after["status"], after["findings_by_rule"]) == ("PASSED", {}), after
    assert final["status"] == case.status, (final, shared_worker.output()[-3000:])
    async with pool.acquire() as conn:
        findings = await conn.fetch(
            "SELECT rule_code, message FROM findings WHERE submission_id = $1", pk_of(hostile, "ReportSubmission")
        )
        runs = await conn.fetchval(
            "SELECT count(*) FROM validation_runs WHERE submission_id = $1", pk_of(hostile, "ReportSubmission")
        )
        attempts = await conn.fetch(
            "SELECT attempts FROM submissions WHERE id = ANY($1::bigint[]) ORDER BY id",
            [pk_of(hostile, "ReportSubmission"), pk_of(good, "ReportSubmission")],
        )
    assert runs == 1
    # One attempt each: the hostile file cost no one else an attempt, nor itself a second one.
    assert [a["attempts"] for a in attempts] == [1, 1]
    if case.status == "REJECTED":
        assert final["findings_by_rule"] == {"UNREADABLE_FILE": 1}, final
        message = findings[0]["message"]
        assert message.startswith("The file could not be read: "), message
        assert all(words in message for words in case.says), (message, case.says)
    else:
        assert final["findings_by_rule"] == case.rules, final
    if case.code == "RDP_INCIDENT":
        async with pool.acquire() as conn:
            dates = await conn.fetchrow(
                "SELECT raised_on, resolved_on FROM rdp_incident_rows WHERE submission_id = $1",
                pk_of(hostile, "ReportSubmission"),
            )
        assert (str(dates["raised_on"]), str(dates["resolved_on"])) == ("2018-05-02", "2018-05-03")
