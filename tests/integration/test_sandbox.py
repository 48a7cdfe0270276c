"""The worker's parsing sandbox on its own: real child processes, real limits, no broker needed."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections.abc import Iterator

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tests.support import hostile
from tests.support.hostile import dimension_bomb, good_csv, grid_bomb, inline, number
from validation.parsing import parse
from validation.sheet import UnreadableFile
from workers.sandbox import Sandbox, SandboxLimits, SandboxUnavailable

MIB = 1024 * 1024


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    box = Sandbox(SandboxLimits(memory_bytes=768 * MIB, cpu_seconds=30, max_columns=200))
    yield box
    box.close()


def workbook(rows: int) -> bytes:
    """A CSR variance workbook of `rows` rows, written as XML directly (xlsxwriter takes longer to write many)."""
    body = "".join(
        f'<row r="{i}">{inline(f"A{i}", f"ES-{i}")}{number(f"B{i}", str(100 + i))}{number(f"C{i}", str(90 + i))}</row>'
        for i in range(2, rows + 2)
    )
    return hostile.workbook(hostile.sheet(hostile.csr_rows() + body))


def reason(box: Sandbox, data: bytes) -> str:
    with pytest.raises(UnreadableFile) as caught:
        box.parse(data)
    return caught.value.reason


def test_the_frame_is_the_one_parse_gives(sandbox: Sandbox) -> None:
    files = [good_csv("one"), workbook(50), json.dumps([{"subscriber": "ES-1", "forecast": 1, "actual": 2}]).encode()]
    for data in files:
        assert_frame_equal(sandbox.parse(data), parse(data))
    assert len(sandbox._idle) == 1  # one child served them all, one after another


def test_a_file_that_exhausts_memory_is_unreadable_and_the_next_file_is_read(sandbox: Sandbox) -> None:
    # Within the column limit, so only the sandbox stands between the reader's grid and the worker.
    assert reason(sandbox, grid_bomb()) == "the file needs more memory than allowed to read (the limit is 768 MiB)"
    assert sandbox.parse(good_csv("after")).height == 1


def test_the_dimension_bomb_alone_is_stopped_by_the_sandbox() -> None:
    """With the column limit out of the way (16,384 allowed), the measured file reaches the reader, which asks for
    549,755,813,888 bytes: the child dies, the caller gets the memory reason."""
    box = Sandbox(SandboxLimits(memory_bytes=768 * MIB, cpu_seconds=30, max_columns=16_384))
    try:
        assert reason(box, dimension_bomb()).startswith("the file needs more memory than allowed to read")
        assert box.parse(good_csv("after")).height == 1
    finally:
        box.close()


def test_a_file_that_takes_too_long_is_unreadable() -> None:
    box = Sandbox(SandboxLimits(memory_bytes=1024 * MIB, cpu_seconds=1, max_columns=200))
    try:
        assert reason(box, workbook(1_000_000)) == "reading the file took longer than allowed (1 s of processor time)"
        assert box.parse(good_csv("after")).height == 1
    finally:
        box.close()


def test_a_reader_that_crashes_names_the_signal_and_others_in_flight_are_unharmed(sandbox: Sandbox) -> None:
    """Two files at once (the worker's two threads): the child reading one is killed by SIGSEGV (as a reader's bug
    would); that file is unreadable with the signal named, the other is read as usual."""
    big = workbook(400_000)
    outcome: dict[str, object] = {}

    def slow() -> None:
        try:
            outcome["slow"] = sandbox.parse(big)
        except UnreadableFile as exc:
            outcome["slow"] = exc.reason

    thread = threading.Thread(target=slow)
    before = _children()
    thread.start()
    deadline = time.monotonic() + 30
    while not (_children() - before) and time.monotonic() < deadline:
        time.sleep(0.05)
    victim = max(_children() - before)
    time.sleep(0.5)  # it is reading now
    outcome["other"] = sandbox.parse(good_csv("meanwhile"))
    os.kill(victim, signal.SIGSEGV)
    thread.join(60)
    assert outcome["slow"] == (
        "the reader stopped on this file (SIGSEGV): it is damaged or not a valid CSV, XLSX or JSON file"
    )
    assert isinstance(outcome["other"], pl.DataFrame) and outcome["other"].height == 1


def _children() -> set[int]:
    me = os.getpid()
    found: set[int] = set()
    for task in os.listdir(f"/proc/{me}/task"):
        try:
            with open(f"/proc/{me}/task/{task}/children") as f:
                found |= {int(pid) for pid in f.read().split()}
        except OSError:
            continue
    return found


def test_a_sandbox_that_cannot_start_blames_no_file() -> None:
    """A child that cannot even load the readers (here: a memory limit below what importing them takes) is not the
    file's fault: the caller gets SandboxUnavailable (the message fails and is retried), not UnreadableFile."""
    box = Sandbox(SandboxLimits(memory_bytes=8 * MIB, cpu_seconds=30, max_columns=200))
    try:
        with pytest.raises(SandboxUnavailable, match="the parsing sandbox did not start"):
            box.parse(good_csv("any"))
    finally:
        box.close()
