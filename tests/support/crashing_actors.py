"""Test-only actors: the real `validate_submission`, plus ways to SIGKILL the worker process mid-run.

Run as `python -m dramatiq tests.support.crashing_actors` (WorkerProcess(module=...)). The crash is placed inside the
run, after the attempt has been counted, as a real crash (out of memory while parsing, a segfault) would be:

- a submission whose file name is `poison.csv` (looked up in the database by the message's submission id) kills
  the process whenever its file is validated, on every delivery;
- SECGOV_TEST_CRASH_ONCE=validation kills the process the first time any file is validated; =commit kills it the
  first time a run has written its rows, findings and exceptions but not yet committed. SECGOV_TEST_CRASH_MARKER
  names the file that records that the one crash happened.

Every delivery of a message is appended to SECGOV_TEST_DELIVERIES (one submission id a line) when it is set, once its
attempt has been counted, or refused because the submission is final already. Every parse is appended to
SECGOV_TEST_PARSES (the worker's process id a line); SECGOV_TEST_SLOW_PARSE_S makes each parse take that much longer.

The seams are the store's functions and the pure validation entry point, patched before the worker modules are
imported, so the actors themselves run unchanged.
"""

from __future__ import annotations

import contextvars
import os
import signal
import time
from typing import Any

import sql.exceptions
import sql.submissions
import validation.pipeline

POISON = "poison.csv"
CRASH_ONCE = os.environ.get("SECGOV_TEST_CRASH_ONCE", "")
MARKER = os.environ.get("SECGOV_TEST_CRASH_MARKER", "")
DELIVERIES = os.environ.get("SECGOV_TEST_DELIVERIES", "")
PARSES = os.environ.get("SECGOV_TEST_PARSES", "")
SLOW_PARSE_S = float(os.environ.get("SECGOV_TEST_SLOW_PARSE_S", "0"))

_poisoned: contextvars.ContextVar[bool] = contextvars.ContextVar("poisoned", default=False)
_begin_attempt = sql.submissions.begin_attempt
_content = sql.submissions.content
_apply_run = sql.exceptions.apply_run
_validate_report = validation.pipeline.validate_report


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _first_crash() -> bool:
    """True once: the marker file is created atomically (and synced) before the process is killed."""
    try:
        fd = os.open(MARKER, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return False
    os.fsync(fd)
    os.close(fd)
    return True


def _record(submission_id: int) -> None:
    with open(DELIVERIES, "a") as f:  # a few bytes, appended in one write: fine on the event loop
        f.write(f"{submission_id}\n")


async def begin_attempt(conn: Any, *, id: int, **lease: Any) -> Any:
    attempt = await _begin_attempt(conn, id=id, **lease)
    # Written once the attempt is counted (or refused: the submission is final already); a delivery that finds
    # another one's run holding the submission comes back later, and is written then.
    if DELIVERIES and (attempt.number is not None or attempt.final):
        _record(id)
    return attempt


async def content(conn: Any, *, submission_id: int) -> bytes:
    """Loading the bytes (only done for an attempt that will validate) marks the run when the file is poison."""
    filename = await conn.fetchval("SELECT filename FROM submissions WHERE id = $1", submission_id)
    # Set in the run's own task: the context is copied into the thread that validates (asyncio.to_thread).
    _poisoned.set(filename == POISON)
    return await _content(conn, submission_id=submission_id)


def validate_report(*args: Any, **kwargs: Any) -> Any:
    if _poisoned.get() or (CRASH_ONCE == "validation" and _first_crash()):
        _die()
    if PARSES:
        with open(PARSES, "a") as f:
            f.write(f"{os.getpid()}\n")
    if SLOW_PARSE_S:
        time.sleep(SLOW_PARSE_S)  # a large file: the run outlives several of its lease's periods
    return _validate_report(*args, **kwargs)


async def apply_run(*args: Any, **kwargs: Any) -> Any:
    flagged = await _apply_run(*args, **kwargs)
    if CRASH_ONCE == "commit" and _first_crash():
        _die()  # inside the run's transaction, after its rows, findings and exceptions: none of it may survive
    return flagged


sql.submissions.begin_attempt = begin_attempt  # type: ignore[assignment]
sql.submissions.content = content  # type: ignore[assignment]
sql.exceptions.apply_run = apply_run
validation.pipeline.validate_report = validate_report

import workers.actors  # noqa: E402  (after the patches, so that names imported from these modules are the patched ones)

validate_submission = workers.actors.validate_submission
