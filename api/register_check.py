"""The register file checked in a child process (`python -m validation.register_check`): the API process hands it
the bytes and reads back JSON, so polars and pandera are never loaded here. The child gets a memory limit, as the
worker's parsing children do; a child that fails is reported as a refusal of the file."""

from __future__ import annotations

import asyncio
import json
import resource
import sys
from pathlib import Path

from domain.register import CheckedFile, RowError, from_json

MEMORY_BYTES = 2 * 1024 * 1024 * 1024
TIMEOUT_S = 300
_ROOT = Path(__file__).resolve().parents[1]


def _limit() -> None:  # pragma: no cover - runs in the child before exec
    resource.setrlimit(resource.RLIMIT_DATA, (MEMORY_BYTES, MEMORY_BYTES))


async def check_in_child(kind: str, data: bytes) -> CheckedFile:
    """A register file ('register') or opening balance ('balance') checked by a child process."""
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "validation.register_check",
        kind,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=_ROOT,
        preexec_fn=_limit,
    )
    try:
        out, err = await asyncio.wait_for(child.communicate(data), TIMEOUT_S)
    except TimeoutError:
        child.kill()
        await child.wait()
        return CheckedFile(errors=[RowError(0, None, f"the file was not checked within {TIMEOUT_S} seconds")])
    if child.returncode != 0:
        last = err.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        return CheckedFile(errors=[RowError(0, None, f"the file could not be checked: {last[0]}")])
    return from_json(json.loads(out))
