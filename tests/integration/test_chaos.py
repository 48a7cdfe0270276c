"""Chaos, measured: 200 uploads, good and hostile, over HTTP to a live API while the worker is killed with SIGKILL 20
times (and started again, as `secgov up` and compose do) and the broker is cut twice (a TCP proxy the test owns; the
machine's servers are never touched).

Every good file must be validated exactly once (one run, its findings and exceptions once), every hostile one
REJECTED with its reason, nothing lost, no exception doubled, no 5xx. The figures are printed (run with -s) and kept
in docs/operations.md ("Chaos, measured"). Marked `chaos`: not part of the default run; `.ci/run` runs it after `make test`
(`pytest -m chaos -s`).
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
import pytest

from api.app import create_app
from api.settings import Settings
from schema.relay import pk_of
from sql import db
from tests.integration.conftest import through
from tests.support.faults import TcpProxy, Worker
from tests.support.hostile import CSR, Case, cases
from tests.support.server import LiveServer
from workers import scheduler
from workers.broker import make_broker

pytestmark = [pytest.mark.chaos, pytest.mark.timeout(900)]

UPLOADS, KILLS, CUTS = 200, 20, 2
CUT_SECONDS = 4.0
HOSTILE = [c for c in cases() if c.status == "REJECTED" and c.code == "CSR_VARIANCE"]
FINAL = ("PASSED", "FLAGGED", "REJECTED")


def plan() -> list[tuple[str, Case | None, bytes]]:
    """(period, hostile case or None for a good file, body): one in four is hostile, each period used once."""
    hostile = itertools.cycle(HOSTILE)
    out: list[tuple[str, Case | None, bytes]] = []
    for i in range(UPLOADS):
        period = f"{2030 + i // 12}-{i % 12 + 1:02d}"
        if i % 4 == 3:
            case = next(hostile)
            out.append((period, case, case.body))
        else:
            # 150 of a forecast of 100: above the tolerance for the subscriber and for the total (two exceptions).
            out.append((period, None, f"{CSR}\nES-{i},100,150\n".encode()))
    return out


class Chaos(threading.Thread):
    """Kills the worker KILLS times and cuts the broker CUTS times, spread over `seconds`; restarts the worker at
    once after each kill (the supervisor's part). Each kill waits (up to ten seconds: the restarted worker boots
    first) for a moment when a submission is being validated, so that kills land mid-run, not between files."""

    def __init__(self, worker: Worker, proxy: TcpProxy, dsn: str, seconds: float) -> None:
        super().__init__(daemon=True)
        self.worker, self.proxy, self.dsn, self.seconds = worker, proxy, dsn, seconds
        self.kills = self.cuts = self.mid_run = 0
        self.stop = threading.Event()

    def run(self) -> None:
        asyncio.run(self._run())

    async def _run(self) -> None:
        conn = await asyncpg.connect(self.dsn)
        try:
            step = self.seconds / KILLS
            cut_at = {KILLS // 3, 2 * KILLS // 3}
            for n in range(KILLS):
                if self.stop.wait(step):
                    return
                deadline = time.monotonic() + 10
                busy = False
                while not busy and time.monotonic() < deadline:
                    busy = bool(await conn.fetchval("SELECT count(*) FROM submissions WHERE status = 'VALIDATING'"))
                    if not busy:
                        await asyncio.sleep(0.01)
                self.worker.kill()
                self.kills += 1
                self.mid_run += busy
                self.worker.start()
                if n in cut_at:
                    self.proxy.cut()
                    self.cuts += 1
                    self.stop.wait(CUT_SECONDS)
                    self.proxy.restore()
        finally:
            await conn.close()


async def test_chaos(direct_url: str, proxy: TcpProxy, queue: str, dsn: str, api_keys: Any) -> None:
    url = through(direct_url, proxy)
    dcc = await api_keys.get("dcc")
    worker = Worker(dsn, url, queue, extra_env={"SECGOV_MAX_ATTEMPTS": "10"})
    worker.start()
    settings = Settings(
        database_url=dsn, broker_url=url, queue=queue, rate_limits="uploads=100000/minute;graphql=100000/minute"
    )
    pool = await db.create_pool(dsn, min_size=1, max_size=4)
    uploads = plan()
    answers: list[tuple[int, Any]] = []
    submitted: dict[str, tuple[str, Case | None]] = {}
    started = time.monotonic()
    chaos = Chaos(worker, proxy, dsn, seconds=90)
    requeue_broker = make_broker(url)
    try:
        with LiveServer(create_app(settings)) as server:
            async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
                headers = {"Authorization": f"Bearer {dcc}", "Content-Type": "application/octet-stream"}
                chaos.start()
                gate = asyncio.Semaphore(4)

                async def send(period: str, case: Case | None, body: bytes) -> None:
                    async with gate:
                        r = await http.post(f"/api/v1/reports/CSR_VARIANCE/{period}", content=body, headers=headers)
                    payload = r.json() if r.headers.get("content-type", "").startswith("application/json") else r.text
                    answers.append((r.status_code, payload))
                    if r.status_code == 202:
                        submitted[payload["submission_id"]] = (period, case)

                pace = 90 / UPLOADS  # spread over the chaos, not all at once
                tasks = []
                for period, case, body in uploads:
                    tasks.append(asyncio.create_task(send(period, case, body)))
                    await asyncio.sleep(pace)
                await asyncio.gather(*tasks)
            uploaded = time.monotonic()
            chaos.join()
            proxy.restore()
            # The scheduler's part: whatever was stored while the broker was away is enqueued again.
            requeue = scheduler.requeue_job(requeue_broker, older_than_s=5, queue=queue)
            deadline = time.monotonic() + 240
            while time.monotonic() < deadline:
                await requeue(pool)
                async with pool.acquire() as conn:
                    pending = await conn.fetchval(
                        "SELECT count(*) FROM submissions WHERE status NOT IN ('PASSED', 'FLAGGED', 'REJECTED')"
                    )
                if pending == 0:
                    break
                await asyncio.sleep(2)
            settled = time.monotonic()
            await asyncio.sleep(3)  # a duplicate delivery, if any, would show as a second run
            facts = await gather(pool)
    finally:
        chaos.stop.set()
        requeue_broker.close()
        await pool.close()
        log = worker.output()
        worker.end()

    statuses = Counter(status for status, _ in answers)
    good = {pk_of(sid, "ReportSubmission") for sid, (_, case) in submitted.items() if case is None}
    hostile = {pk_of(sid, "ReportSubmission"): case for sid, (_, case) in submitted.items() if case is not None}
    lost = [s for s in (*good, *hostile) if facts.status.get(s) not in FINAL]
    good_wrong = [s for s in good if not facts.validated_once(s)]
    hostile_wrong = [
        s
        for s, case in hostile.items()
        if facts.outcome(s) != ("REJECTED", 1, ["UNREADABLE_FILE"])
        or not all(words in facts.messages[s][0] for words in case.says)
    ]
    doubled = [k for k, n in facts.exceptions.items() if n > 1] + [k for k, n in facts.flagged.items() if n > 1]
    figures = {
        "uploads (good + hostile)": f"{len(uploads)} ({len(good)} + {len(hostile)})",
        "answered 202": statuses.get(202, 0),
        "answered 5xx": sum(n for status, n in statuses.items() if status >= 500),
        "worker killed (SIGKILL)": chaos.kills,
        "of which while a submission was being validated": chaos.mid_run,
        "broker cut": chaos.cuts,
        "submissions delivered again after a kill": sum(1 for n in facts.attempts.values() if n > 1),
        "good files validated exactly once": len(good) - len(good_wrong),
        "hostile files REJECTED with their reason": len(hostile) - len(hostile_wrong),
        "lost": len(lost),
        "doubled exceptions or history entries": len(doubled),
        "seconds, first upload to last answer": round(uploaded - started, 1),
        "seconds, last answer to all final": round(settled - uploaded, 1),
    }
    print("\nchaos figures:\n" + "\n".join(f"  {k:45} {v}" for k, v in figures.items()))
    assert statuses == Counter({202: UPLOADS}), (statuses, [a for a in answers if a[0] != 202][:5])
    assert chaos.kills == KILLS and chaos.cuts == CUTS
    assert lost == [], (lost, log[-4000:])
    assert good_wrong == [], [(s, facts.outcome(s)) for s in good_wrong[:5]]
    assert hostile_wrong == [], [(s, facts.outcome(s), facts.messages.get(s)) for s in hostile_wrong[:5]]
    assert doubled == []


@dataclass
class Facts:
    status: dict[int, str]
    runs: dict[int, int]
    attempts: dict[int, int]
    rules: dict[int, list[str]]
    messages: dict[int, list[str]]
    exceptions: dict[tuple[Any, ...], int]  # rows per exception identity (report type, period, rule, subject)
    flagged: dict[int, int]  # FLAGGED history entries per exception

    def outcome(self, submission: int) -> tuple[str | None, int | None, list[str]]:
        return self.status.get(submission), self.runs.get(submission), sorted(self.rules.get(submission, []))

    def validated_once(self, submission: int) -> bool:
        """One run, FLAGGED, with the subscriber's and the total's variance above the tolerance (once each)."""
        status, runs, rules = self.outcome(submission)
        return (status, runs, rules.count("VARIANCE_ABOVE_TOLERANCE")) == ("FLAGGED", 1, 2)


async def gather(pool: Any) -> Facts:
    async with pool.acquire() as conn:
        subs = await conn.fetch(
            "SELECT s.id, s.status, s.attempts, count(r.id) AS runs FROM submissions s "
            "LEFT JOIN validation_runs r ON r.submission_id = s.id GROUP BY s.id"
        )
        found = await conn.fetch("SELECT submission_id, rule_code, message FROM findings ORDER BY id")
        exceptions = await conn.fetch(
            "SELECT report_type_id, period, rule_code, subject, count(*) AS n "
            "FROM report_exceptions GROUP BY 1, 2, 3, 4"
        )
        history = await conn.fetch(
            "SELECT exception_id, count(*) FILTER (WHERE action = 'FLAGGED') AS n "
            "FROM exception_history GROUP BY exception_id"
        )
    rules: dict[int, list[str]] = {}
    messages: dict[int, list[str]] = {}
    for f in found:
        rules.setdefault(f["submission_id"], []).append(f["rule_code"])
        messages.setdefault(f["submission_id"], []).append(f["message"])
    return Facts(
        {r["id"]: r["status"] for r in subs},
        {r["id"]: r["runs"] for r in subs},
        {r["id"]: r["attempts"] for r in subs},
        rules,
        messages,
        {tuple(r.values())[:4]: r["n"] for r in exceptions},
        {r["exception_id"]: r["n"] for r in history},
    )
