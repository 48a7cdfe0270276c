"""The what-if's child process (`python -m workers.whatif MEMORY_BYTES`): stored files re-run through the pipeline's
own validation under the catalogue parameters tried, nothing stored.

The API process starts it and never loads polars or pandera itself. It reads one request a line on stdin and answers
one line on stdout, under a memory limit (RLIMIT_DATA, its one argument, set before anything is imported) and a
processor-time limit per request, as the worker's parsing sandbox does; the API kills it when it does not answer in
time.
"""

from __future__ import annotations

import base64
import json
import os
import resource
import sys
import time
from datetime import datetime
from typing import IO, Any

READY = b"ready\n"


def _spec(given: dict[str, Any]) -> Any:
    from validation.spec import ReportSpec, ServiceLevel

    levels = tuple(ServiceLevel(**s) for s in given.pop("service_levels"))
    return ReportSpec(**{**given, "tbc": tuple(given["tbc"])}, service_levels=levels)


def _instant(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def rerun(request: dict[str, Any]) -> dict[str, Any]:
    """Each period's file validated as the worker validates it: its status and every finding."""
    from validation.parsing import parse
    from validation.pipeline import validate_report

    spec = _spec(dict(request["spec"]))
    columns = int(request["max_columns"])
    started = time.process_time()
    periods = []
    for p in request["periods"]:
        result = validate_report(
            base64.b64decode(p["content"]),
            spec,
            received_at=_instant(p["received_at"]),
            due_at=_instant(p["due_at"]),
            max_rows=int(request["max_rows"]),
            parser=lambda data: parse(data, max_columns=columns),
        )
        findings = result.findings_frame.to_dicts()
        for f in findings:
            f["details"] = json.loads(f["details"]) if f["details"] else {}
        periods.append({"period": p["period"], "status": result.status, "findings": findings})
    return {"periods": periods, "cpu_seconds": round(time.process_time() - started, 4)}


def _answer(out: IO[bytes], body: dict[str, Any]) -> None:
    out.write(json.dumps(body).encode() + b"\n")
    out.flush()


def serve() -> None:
    memory = int(sys.argv[1]) if len(sys.argv) > 1 else 4 * 1024**3  # the API hands its limit down
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_DATA, (memory, memory))
    from validation.pipeline import validate_report  # noqa: F401 - loaded once, under the limit, before any request
    from workers.sandbox import limit_cpu

    out = sys.stdout.buffer
    out.write(READY)
    out.flush()
    for line in sys.stdin.buffer:
        request = json.loads(line)
        limit_cpu(int(request["cpu_seconds"]))
        try:
            body = rerun(request)
        except MemoryError:
            sys.stderr.write("MemoryError\n")
            sys.stderr.flush()
            os._exit(3)
        except Exception as exc:  # noqa: BLE001 - answered as a failure; the API says so and carries on
            body = {"failed": f"{type(exc).__name__}: {exc}"}
        _answer(out, body)


if __name__ == "__main__":
    serve()
