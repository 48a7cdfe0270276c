"""secgov as a deployment runs it, for the multi-process run and its benchmark: `secgov serve` processes, workers
and the scheduler as child processes of their own, on one database, one broker queue and one shared rate-limit
store, each on a free port; stopped (and their process groups ended) when the run is over."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.support.faults import spare_port
from tests.support.workers import ROOT, WorkerProcess


@dataclass
class Service:
    """One `secgov` command as a child process in a session of its own; its output in a log file."""

    args: list[str]
    env: dict[str, str]
    log: Path = field(default_factory=lambda: Path(tempfile.mkstemp(prefix="secgov-cluster-", suffix=".log")[1]))
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Service:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "api.cli", *self.args],
            env=self.env,
            cwd=ROOT,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)  # anything of its group still there

    def output(self) -> str:
        return self.log.read_text(errors="replace")


class Cluster:
    """`apis` API processes, `workers` workers and `schedulers` schedulers, started together."""

    def __init__(
        self,
        database_url: str,
        broker_url: str,
        queue: str,
        *,
        apis: int = 2,
        workers: int = 2,
        schedulers: int = 1,
        env: dict[str, str] | None = None,
    ) -> None:
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "BROKER_URL": broker_url,
            "SECGOV_QUEUE": queue,
            "PYTHONPATH": str(ROOT),
            **(env or {}),
        }
        self.urls = []
        self.services: list[Service] = []
        for _ in range(apis):
            port = spare_port()
            self.urls.append(f"http://127.0.0.1:{port}")
            self.services.append(Service(["serve", "--port", str(port)], self.env))
        self.services += [Service(["scheduler"], self.env) for _ in range(schedulers)]
        self.workers = [WorkerProcess(database_url, broker_url, queue, extra_env=env or {}) for _ in range(workers)]

    def start(self, timeout: float = 60) -> Cluster:
        for service in self.services:
            service.start()
        for worker in self.workers:
            worker.start()
        deadline = time.monotonic() + timeout
        for url in self.urls:
            while True:
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(url + "/readyz", timeout=2).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"{url} never became ready:\n{self.logs()[-3000:]}")
                time.sleep(0.2)
        return self

    def stop(self) -> None:
        for worker in self.workers:
            worker.stop()
        for service in self.services:
            service.stop()

    def logs(self) -> str:
        return "\n".join([s.output() for s in self.services] + [w.output() for w in self.workers])

    def __enter__(self) -> Cluster:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()
