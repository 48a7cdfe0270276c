"""Issue 5, acceptance 7 and Build "Observability": /metrics after requests and an upload, Dramatiq's Prometheus
middleware on a real worker, and one upload's request id followed from the API's JSON log line into the worker's."""

from __future__ import annotations

import io
import json
import logging
import tempfile
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from api.logs import JsonFormatter
from schema.relay import pk_of
from tests.support.reports import csv_bytes, upload, wait_final
from tests.support.server import free_port
from tests.support.workers import WorkerProcess, wait_until
from workers.logs import REQUEST_ID

CSR = "subscriber,forecast,actual"
UPLOAD_ROUTE = "POST /api/v1/reports/{code}/{period}"


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of an exposition: (name, sorted labels) → value."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(found: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str) -> float | None:
    return found.get((name, tuple(sorted(labels.items()))))


def housekeeping(statement: str) -> bool:
    """Statements that are not the scrape's own: the pool's, and the edge's key lookup (once its cache expired)."""
    text = statement.strip()
    return (
        text.startswith(("SELECT pg_advisory_unlock_all()", "UPDATE api_keys SET last_used_at"))
        or "typeinfo_tree" in text
        or "set_config('jit'" in text
    )


async def scrape(client: httpx.AsyncClient, key: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    r = await client.get("/metrics", headers={"Authorization": f"Bearer {key}"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    return samples(r.text)


async def test_metrics_show_requests_by_operation_uploads_queue_validations_and_exceptions(
    client, gql, api_keys, pool, statements
):
    from workers.validate import Limits, run

    opsg = await api_keys.get("opsg")
    for _ in range(2):
        await gql("query ListParties { parties(first: 1) { totalCount } }", key=opsg)
    await gql("query { bodies { code } }")
    await gql("query Broken { nope }", expect_errors=True)
    body = csv_bytes(CSR, "ES-SUPPLIER-1,553814,873383")
    secas = await api_keys.get("secas")
    r = await upload(client, secas, "CSR_VARIANCE", "2018-05", body, received_at="2018-06-04T10:00:00Z")
    assert r.status_code == 202, r.text

    m = await scrape(client, secas)
    assert value(m, "secgov_requests_total", kind="graphql", operation="ListParties", status="200") == 2
    assert value(m, "secgov_request_duration_seconds_count", kind="graphql", operation="ListParties") == 2
    assert value(m, "secgov_requests_total", kind="graphql", operation="anonymous", status="200") == 1
    assert (
        sum(
            v
            for (name, labels), v in m.items()
            if name == "secgov_requests_total" and ("operation", "Broken") in labels
        )
        == 1
    )
    assert value(m, "secgov_requests_total", kind="rest", operation=UPLOAD_ROUTE, status="202") == 1
    assert value(m, "secgov_upload_bytes_count", kind="rest") == 1
    assert value(m, "secgov_upload_bytes_sum", kind="rest") == len(body)
    assert value(m, "secgov_queue_depth", status="RECEIVED") == 1
    assert value(m, "secgov_queue_depth", status="VALIDATING") == 0
    assert value(m, "secgov_database_scrape_ok") == 1

    # A validation run (in process: the worker's own function), then the scrape again: the run by outcome and
    # duration, the queue emptied, the exceptions it raised by status and severity.
    assert await run(pool, pk_of(r.json()["submission_id"], "ReportSubmission"), Limits()) == "FLAGGED"
    statements.reset()
    m = await scrape(client, secas)
    scrape_sql = [s for s in statements.statements if not housekeeping(s)]
    assert len(scrape_sql) == 3, scrape_sql  # queue depth, validation runs, exceptions
    assert value(m, "secgov_queue_depth", status="RECEIVED") == 0
    assert value(m, "secgov_validation_duration_seconds_count", outcome="FLAGGED") == 1
    assert value(m, "secgov_validation_duration_seconds_bucket", outcome="FLAGGED", le="+Inf") == 1
    assert value(m, "secgov_validation_duration_seconds_sum", outcome="FLAGGED") >= 0
    # The file is on time; its one subject and the TOTAL are above the upper tolerance: two WARNING exceptions.
    assert value(m, "secgov_exceptions", status="OPEN", severity="WARNING") == 2
    assert not value(m, "secgov_exceptions", status="OPEN", severity="HIGH")
    assert value(m, "secgov_requests_total", kind="other", operation="/metrics", status="200") == 1


def test_json_lines_have_time_level_logger_message_and_request_id():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("secgov.test.json")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        token = REQUEST_ID.set("req-1")
        logger.warning("stored %d", 3, extra={"submission_id": 7})
        REQUEST_ID.reset(token)
        logger.warning("no request")
    finally:
        logger.removeHandler(handler)
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert {"time", "level", "logger", "message", "request_id"} <= first.keys()
    assert (first["level"], first["logger"], first["message"], first["request_id"], first["submission_id"]) == (
        "WARNING",
        "secgov.test.json",
        "stored 3",
        "req-1",
        7,
    )
    assert first["time"].endswith("+00:00")
    assert second["request_id"] is None


@pytest.fixture
def api_log() -> Iterator[io.StringIO]:
    """The API's log lines as `secgov serve` writes them (JSON on a root handler), captured."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


def json_lines(text: str) -> list[dict[str, Any]]:
    lines = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                lines.append(json.loads(line))
            except ValueError:
                continue
    return lines


@pytest.mark.slow
async def test_one_upload_followed_by_its_request_id_from_api_to_worker_logs(
    intake_client, api_keys, dsn, broker_url, queue, api_log
):
    """A real worker (`secgov worker`, with Dramatiq's Prometheus exporter on a port) validates an upload sent with
    X-Request-Id: the API's access line and the worker's lines for that submission carry the same id."""
    metrics_port = free_port()
    worker = WorkerProcess(
        dsn,
        broker_url,
        queue,
        extra_env={
            "SECGOV_WORKER_METRICS_PORT": str(metrics_port),
            "dramatiq_prom_host": "127.0.0.1",
            "dramatiq_prom_db": tempfile.mkdtemp(prefix="secgov-prom-"),
        },
    ).start()
    try:
        request_id = f"trace-{uuid.uuid4().hex}"
        dcc = await api_keys.get("dcc")
        r = await intake_client.post(
            "/api/v1/reports/CSR_VARIANCE/2018-05",
            content=csv_bytes(CSR, "ES-SUPPLIER-1,553814,873383"),
            headers={"Authorization": f"Bearer {dcc}", "Content-Type": "text/csv", "X-Request-Id": request_id},
        )
        assert r.status_code == 202, r.text
        assert r.headers["x-request-id"] == request_id
        sid = r.json()["submission_id"]
        pk = pk_of(sid, "ReportSubmission")
        assert (await wait_final(intake_client, dcc, sid))["status"] == "FLAGGED"

        api_lines = [line for line in json_lines(api_log.getvalue()) if line["request_id"] == request_id]
        access = [line for line in api_lines if line["logger"] == "secgov.access"]
        assert len(access) == 1, api_lines
        assert (access[0]["status"], access[0]["path"], access[0]["operation"], access[0]["key"]) == (
            202,
            "/api/v1/reports/CSR_VARIANCE/2018-05",
            UPLOAD_ROUTE,
            "dcc-0",
        )
        assert {"time", "level", "logger", "message", "request_id"} <= access[0].keys()

        def worker_lines() -> list[dict[str, Any]]:
            return [
                line
                for line in json_lines(worker.output())
                if line.get("request_id") == request_id and line.get("submission_id") == pk
            ]

        lines = wait_until(lambda: [x for x in worker_lines() if x["message"] == "message done"], timeout=30)
        assert lines, worker.output()[-3000:]
        messages = [x["message"] for x in worker_lines()]
        assert messages[0] == "message started" and "message done" in messages
        assert all(x["logger"] == "secgov.worker" and x["actor"] == "validate_submission" for x in worker_lines())

        # Dramatiq's Prometheus middleware on the worker: its exporter counts the message.
        def worker_metrics() -> dict[tuple[str, tuple[tuple[str, str], ...]], float] | None:
            try:
                found = samples(httpx.get(f"http://127.0.0.1:{metrics_port}/", timeout=2).text)
            except httpx.HTTPError:
                return None
            return (
                found
                if value(found, "dramatiq_messages_total", actor_name="validate_submission", queue_name=queue)
                else None
            )

        found = wait_until(worker_metrics, timeout=30)
        assert found, worker.output()[-3000:]
        assert value(found, "dramatiq_messages_total", actor_name="validate_submission", queue_name=queue) == 1
        assert (
            value(
                found,
                "dramatiq_message_duration_milliseconds_count",
                actor_name="validate_submission",
                queue_name=queue,
            )
            == 1
        )
    finally:
        worker.stop()
