"""Log lines: readable for a person at a terminal, JSON for everything else, the same fields in both."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from workers import logs


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def undecided(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(logs, "_readable", None)
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for h in list(root.handlers):
        root.removeHandler(h)
    for h in handlers:
        root.addHandler(h)
    root.setLevel(level)


def emit(stream: io.StringIO) -> str:
    logs.configure(stream=stream)
    token = logs.REQUEST_ID.set("req-1")
    try:
        logging.getLogger("secgov.test").info("upload %s", "stored", extra={"submission_id": 7, "key": None})
    finally:
        logs.REQUEST_ID.reset(token)
    return stream.getvalue()


def test_a_pipe_or_file_gets_one_json_object_a_line() -> None:
    (line,) = emit(io.StringIO()).splitlines()
    record = json.loads(line)
    assert record["message"] == "upload stored" and record["level"] == "INFO" and record["logger"] == "secgov.test"
    assert record["request_id"] == "req-1" and record["submission_id"] == 7


def test_a_terminal_gets_readable_lines() -> None:
    (line,) = emit(Terminal()).splitlines()
    assert not line.startswith("{")
    assert " INFO    secgov.test  upload stored  " in line
    assert "request_id=req-1" in line and "submission_id=7" in line
    assert "key=" not in line  # empty fields are left out


def test_a_readable_line_does_not_repeat_what_its_message_says() -> None:
    stream = Terminal()
    logs.configure(stream=stream)
    logging.getLogger("secgov.access").info(
        "%s %s %d", "GET", "/readyz", 200, extra={"method": "GET", "path": "/readyz", "status": 200, "ms": 1.5}
    )
    assert stream.getvalue().rstrip().endswith("secgov.access  GET /readyz 200  ms=1.5")


def test_a_worker_process_keeps_the_choice_of_its_main_process() -> None:
    logs.configure(stream=Terminal())  # the main process, on a terminal
    (line,) = emit(io.StringIO()).splitlines()  # the forked worker, writing into Dramatiq's pipe
    assert "upload stored" in line and not line.startswith("{")


def test_a_line_logged_while_a_message_is_handled_names_the_message() -> None:
    stream = io.StringIO()
    logs.configure(stream=stream)
    token = logs.MESSAGE.set({"actor": "validate_submission", "message_id": "m-1", "queue": "validation"})
    try:
        logging.getLogger("secgov.worker").info("submission 7 validated", extra={"submission_id": 7})
    finally:
        logs.MESSAGE.reset(token)
    logging.getLogger("secgov.worker").info("between messages")
    inside, outside = (json.loads(line) for line in stream.getvalue().splitlines())
    assert (inside["actor"], inside["message_id"], inside["queue"]) == ("validate_submission", "m-1", "validation")
    assert "actor" not in outside
