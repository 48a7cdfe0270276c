"""The API's side of the what-if child process (workers/whatif.py): started on first use, kept for the next request,
spoken to one JSON line each way, killed and started again when it does not answer in time or dies.

Why a child and not the worker over the broker: the answer is wanted now, by the person at the console, and nothing
is stored; a round trip through the queue would wait behind uploads being validated and need a reply channel. A
child kept warm answers in a fraction of a second, and its limits keep a hostile stored file from harming the API.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from domain.errors import Refusal

READY = b"ready\n"
_ROOT = Path(__file__).resolve().parents[1]
_LINE_LIMIT = 1 << 30  # an answer is one line; a year of findings may be large


class WhatIfUnavailable(Refusal):
    code = "UNAVAILABLE"


class WhatIfChild:
    """One re-run at a time (the heavy lane lets one in per process anyway)."""

    def __init__(
        self, *, memory_bytes: int, cpu_seconds: int, max_rows: int, max_columns: int, start_timeout_s: float = 120.0
    ) -> None:
        self.memory_bytes = memory_bytes
        self.cpu_seconds = cpu_seconds
        self.limits = {"cpu_seconds": cpu_seconds, "max_rows": max_rows, "max_columns": max_columns}
        self.start_timeout_s = start_timeout_s
        self._proc: asyncio.subprocess.Process | None = None
        self._lock = asyncio.Lock()

    async def _start(self) -> asyncio.subprocess.Process:
        # Run from the project's root, so `-m` finds the very code this process runs however it was installed.
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "workers.whatif",
            str(self.memory_bytes),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            cwd=_ROOT,
            limit=_LINE_LIMIT,
        )
        assert proc.stdout is not None
        try:
            ready = await asyncio.wait_for(proc.stdout.readline(), self.start_timeout_s)
        except TimeoutError:
            ready = b""
        if ready != READY:
            await self._kill(proc)
            raise WhatIfUnavailable("the what-if could not start; try again shortly")
        return proc

    async def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        """The child's answer to one request; WhatIfUnavailable when it died or took longer than its limits."""
        async with self._lock:
            if self._proc is None or self._proc.returncode is not None:
                self._proc = await self._start()
            proc = self._proc
            assert proc.stdin is not None and proc.stdout is not None
            try:
                proc.stdin.write(json.dumps({**request, **self.limits}).encode() + b"\n")
                await proc.stdin.drain()
                line = await asyncio.wait_for(proc.stdout.readline(), 2 * self.cpu_seconds + 10)
            except (OSError, TimeoutError):
                line = b""
            if not line:
                self._proc = None
                await self._kill(proc)
                raise WhatIfUnavailable(
                    "the what-if stopped before answering (too large, or too long); try fewer periods"
                )
        answer: dict[str, Any] = json.loads(line)
        if "failed" in answer:
            raise WhatIfUnavailable(f"the what-if failed: {answer['failed']}")
        return answer

    @staticmethod
    async def _kill(proc: asyncio.subprocess.Process) -> None:
        if proc.returncode is None:
            proc.kill()
        await proc.wait()

    async def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None or proc.returncode is not None:
            return
        assert proc.stdin is not None
        proc.stdin.close()
        try:
            await asyncio.wait_for(proc.wait(), 5)
        except TimeoutError:
            await self._kill(proc)
