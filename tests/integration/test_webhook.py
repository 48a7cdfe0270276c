"""New HIGH exceptions are POSTed to SECGOV_WEBHOOK_URL by the worker, retried when the receiver fails."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

from tests.support.reports import csv_bytes, upload, wait_final
from tests.support.server import free_port
from tests.support.workers import WorkerProcess, wait_until


class Receiver:
    """A loopback HTTP endpoint that fails its first request, then records what it is sent."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.attempts = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                outer.attempts += 1
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if outer.attempts == 1:
                    self.send_response(500)
                else:
                    outer.received.append(json.loads(body))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.port = free_port()
        self.server = HTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


async def test_high_exceptions_are_posted_and_retried(intake_client, api_keys, dsn, broker_url, queue):
    receiver = Receiver()
    worker = WorkerProcess(
        dsn, broker_url, queue, extra_env={"SECGOV_WEBHOOK_URL": f"http://127.0.0.1:{receiver.port}/hook"}
    ).start()
    try:
        admin = await api_keys.get("admin")
        # A row with a forecast that is not a number (SCHEMA, HIGH) and one far above tolerance (WARNING): the
        # webhook carries the HIGH one only.
        r = await upload(
            intake_client,
            admin,
            "SR_VARIANCE",
            "2018-05",
            csv_bytes("user_id,forecast,actual", "A1,many,300", "A2,100,300"),
            received_at="2018-06-01T09:00:00Z",
        )
        final = await wait_final(intake_client, admin, r.json()["submission_id"])
        assert final["status"] == "FLAGGED"
        assert wait_until(lambda: receiver.received, timeout=60), worker.output()[-3000:]
        [posted] = receiver.received
        assert posted["severity"] == "HIGH"
        assert (posted["rule_code"], posted["subject"], posted["report_type"], posted["period"]) == (
            "SCHEMA",
            "forecast",
            "SR_VARIANCE",
            "2018-05",
        )
        assert receiver.attempts >= 2  # the first delivery failed and was retried
    finally:
        worker.stop()
        receiver.close()
