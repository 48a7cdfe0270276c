"""Parsing untrusted bytes in child processes with memory and processor-time limits.

A native reader given a hostile file can ask for hundreds of gigabytes and abort the process it runs in. The worker
therefore never parses a file itself: a small pool of child processes (`python -m workers.sandbox`), each started
with a memory limit (RLIMIT_DATA) and given a processor-time limit (RLIMIT_CPU) per file, parses and writes the
frame as an uncompressed Arrow IPC file, which the worker maps into memory without copying. A child that crashes or
runs out of its limits is replaced; the file ends as UNREADABLE_FILE with a reason a person understands, and the
worker, and every other message it holds, carries on.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import math
import os
import resource
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import polars as pl

from validation.sheet import UnreadableFile

log = logging.getLogger("secgov.worker")

GIB = 1024 * 1024 * 1024
READY = b"ready\n"
_START_SECONDS = 120
_ROOT = Path(__file__).resolve().parents[1]
_PREFIX = "secgov-sandbox-"


class SandboxUnavailable(RuntimeError):
    """No child could be started (a broken installation, no processes left): not the file's fault."""


# The validation actor's time limit stays below RabbitMQ's consumer timeout (30 min by default), and a child's wall
# limit leaves the run STORE_ALLOWANCE_S of it to store its result: a parse never outlives the actor running it.
ACTOR_TIME_LIMIT_S = 25 * 60
STORE_ALLOWANCE_S = 5 * 60


@dataclass(frozen=True)
class SandboxLimits:
    memory_bytes: int = 4 * GIB
    cpu_seconds: int = 600
    max_columns: int = 200

    @property
    def wall_seconds(self) -> float:
        """A child blocked without using the processor (swapping, a stalled disk) is stopped after this long, and
        always within the actor's time limit."""
        return min(2 * self.cpu_seconds + 30, ACTOR_TIME_LIMIT_S - STORE_ALLOWANCE_S)


class _Child:
    """One sandboxed parser process and its pipes; its stderr goes to a file read when it dies."""

    def __init__(self, directory: Path, limits: SandboxLimits) -> None:
        self.stderr_path = directory / f"child-{uuid.uuid4().hex[:8]}.log"
        # The child imports the very code the worker runs, however the package was installed.
        path = os.pathsep.join(p for p in (str(_ROOT), os.environ.get("PYTHONPATH", "")) if p)
        env = {
            **os.environ,
            "SECGOV_SANDBOX_MEMORY_BYTES": str(limits.memory_bytes),
            "RUST_BACKTRACE": "0",
            "PYTHONPATH": path,
        }
        with self.stderr_path.open("wb") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "workers.sandbox"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=err,
                env=env,
                close_fds=True,
            )
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], _START_SECONDS)
        if not ready or self.proc.stdout.readline() != READY:
            # Not the file's fault: the message fails (and is retried); no file is rejected for it.
            self.kill()
            tail = _tail(self.stderr_path)[-2000:].strip()
            self.stderr_path.unlink(missing_ok=True)
            raise SandboxUnavailable(f"the parsing sandbox did not start: {tail or 'no output'}")

    def ask(self, request: dict[str, Any], timeout: float) -> dict[str, Any] | None:
        """The child's answer, or None when it died or did not answer in time (then it is killed)."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        try:
            self.proc.stdin.write(json.dumps(request).encode() + b"\n")
            self.proc.stdin.flush()
        except OSError:
            return None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        line = self.proc.stdout.readline() if ready else b""
        if not line:
            self.kill()
            return None
        answer: dict[str, Any] = json.loads(line)
        return answer

    def died_of(self, timed_out: bool) -> str:
        """Why the child stopped, in words a person understands (the child is dead when this is asked)."""
        code = self.proc.wait()
        tail = _tail(self.stderr_path)
        if timed_out or code == -signal.SIGXCPU:
            return "took longer"
        memory_words = (
            "memory allocation",
            "MemoryError",
            "Cannot allocate memory",
            "out of memory",
            "capacity overflow",
        )
        if any(word in tail for word in memory_words) or code == -signal.SIGKILL:
            return "memory"  # SIGKILL that is not ours: the kernel's out-of-memory killer
        return signal.Signals(-code).name if code < 0 else f"exit code {code}"

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()

    def close(self) -> None:
        if self.proc.stdin is not None:
            with contextlib.suppress(OSError):
                self.proc.stdin.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.kill()
        self.stderr_path.unlink(missing_ok=True)


class Sandbox:
    """A pool of sandboxed parsers shared by the worker's threads (one child per file at a time, reused)."""

    def __init__(self, limits: SandboxLimits, *, keep: int = 2) -> None:
        self.limits = limits
        self.keep = keep
        self._idle: list[_Child] = []
        self._lock = threading.Lock()
        self._made: Path | None = None

    @property
    def _dir(self) -> Path:
        """Where files pass to and from the children; made on first use (importing the actors makes nothing)."""
        with self._lock:
            if self._made is None:
                _remove_leftovers()
                self._made = Path(tempfile.mkdtemp(prefix=f"{_PREFIX}{os.getpid()}-"))
                atexit.register(self.close)
            return self._made

    def parse(self, data: bytes) -> pl.DataFrame:
        """The file as `validation.parsing.parse` reads it, or UnreadableFile (also when the reader crashed or
        ran out of its limits)."""
        child = self._take()
        name = uuid.uuid4().hex
        source, target = self._dir / f"{name}.in", self._dir / f"{name}.arrow"
        try:
            source.write_bytes(data)
            started = time.monotonic()
            answer = child.ask(
                {
                    "input": str(source),
                    "output": str(target),
                    "cpu_seconds": self.limits.cpu_seconds,
                    "max_columns": self.limits.max_columns,
                },
                timeout=self.limits.wall_seconds,
            )
            if answer is None:
                timed_out = time.monotonic() - started >= self.limits.wall_seconds
                raise self._crashed(child, timed_out)
            self._give_back(child)
            if "unreadable" in answer:
                raise UnreadableFile(answer["unreadable"], line=answer.get("line"))
            if "failed" in answer:
                log.error("the parser failed on a file: %s", answer["failed"])
                raise UnreadableFile(f"the reader failed on this file ({answer['failed']})")
            # Mapped, not read: the frame's buffers are the file's pages (unlinking keeps them while mapped).
            return pl.read_ipc(target)
        finally:
            source.unlink(missing_ok=True)
            target.unlink(missing_ok=True)

    def _crashed(self, child: _Child, timed_out: bool) -> UnreadableFile:
        cause = child.died_of(timed_out)
        child.close()
        log.warning("the sandboxed parser stopped (%s); a new one takes its place", cause)
        if cause == "memory":
            return UnreadableFile(
                f"the file needs more memory than allowed to read (the limit is {_size(self.limits.memory_bytes)})"
            )
        if cause == "took longer":
            return UnreadableFile(
                f"reading the file took longer than allowed ({self.limits.cpu_seconds:,} s of processor time)"
            )
        return UnreadableFile(
            f"the reader stopped on this file ({cause}): it is damaged or not a valid CSV, XLSX or JSON file"
        )

    def _take(self) -> _Child:
        with self._lock:
            while self._idle:
                child = self._idle.pop()
                if child.proc.poll() is None:
                    return child
                child.close()
        return _Child(self._dir, self.limits)

    def _give_back(self, child: _Child) -> None:
        with self._lock:
            if len(self._idle) < self.keep:
                self._idle.append(child)
                return
        child.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for child in idle:
            child.close()
        if self._made is not None:
            shutil.rmtree(self._made, ignore_errors=True)


def _remove_leftovers() -> None:
    """What a worker killed mid-file left behind (its input and frame files can be large): directories whose
    process is gone."""
    for leftover in Path(tempfile.gettempdir()).glob(f"{_PREFIX}*-*"):
        pid = leftover.name.removeprefix(_PREFIX).split("-")[0]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(leftover, ignore_errors=True)


def _size(n: int) -> str:
    return f"{n / GIB:.3g} GiB" if n >= GIB else f"{n // (1024 * 1024):,} MiB"


def _tail(path: Path, size: int = 8192) -> str:
    try:
        with path.open("rb") as f:
            f.seek(max(0, path.stat().st_size - size))
            return f.read().decode("utf-8", "replace")
    except OSError:
        return ""


# --- the child -------------------------------------------------------------------------------------------------


def limit_cpu(seconds: int) -> None:
    """This file's processor time on top of what the child has used so far (the limit counts since it started)."""
    used = resource.getrusage(resource.RUSAGE_SELF)
    spent = math.ceil(used.ru_utime + used.ru_stime)
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = spent + seconds if hard == resource.RLIM_INFINITY else min(hard, spent + seconds)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _answer(out: IO[bytes], body: dict[str, Any]) -> None:
    out.write(json.dumps(body).encode() + b"\n")
    out.flush()


def serve() -> None:
    """The child's loop: one request a line on stdin, one answer a line on stdout, until stdin closes."""
    memory = int(os.environ.get("SECGOV_SANDBOX_MEMORY_BYTES", str(4 * GIB)))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_DATA, (memory, memory))
    from validation.parsing import parse  # loaded once, under the limit, before the first file

    out = sys.stdout.buffer
    out.write(READY)
    out.flush()
    for line in sys.stdin.buffer:
        request = json.loads(line)
        limit_cpu(int(request["cpu_seconds"]))
        try:
            data = Path(request["input"]).read_bytes()
            frame = parse(data, max_columns=int(request["max_columns"]))
            del data
            # The newest layout (string views) is written and mapped as it is, with no conversion either side.
            frame.write_ipc(request["output"], compression="uncompressed", compat_level=pl.CompatLevel.newest())
            body: dict[str, Any] = {"rows": frame.height}
            del frame
        except UnreadableFile as exc:
            body = {"unreadable": exc.reason, "line": exc.line}
        except MemoryError:
            sys.stderr.write("MemoryError\n")
            sys.stderr.flush()
            os._exit(3)  # the worker reads this as 'needs more memory'; a fresh child takes the next file
        except Exception as exc:  # noqa: BLE001 - a reader's unexpected error is the file's, not the worker's
            body = {"failed": f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"}
        _answer(out, body)


if __name__ == "__main__":
    serve()
