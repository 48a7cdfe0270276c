"""An upload through GraphQL from a page on an origin SECGOV_CORS_ORIGINS allows passes the CSRF defence; from any
other origin it is still refused CSRF_REFUSED (the browser test in tests/clients drives the whole flow)."""

from __future__ import annotations

import httpx

from api.app import create_app
from api.settings import Settings
from tests.e2e.test_upload_bad_input import SR, multipart
from tests.support.reports import csv_bytes

ALLOWED = "http://localhost:5173"


async def test_an_allowed_origin_may_upload_and_another_may_not(pool, api_keys):
    dcc = await api_keys.get("dcc")
    app = create_app(Settings(cors_origins=(ALLOWED,)), pool=pool)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        body = csv_bytes(SR, "ASE001,100,100")
        refused = await multipart(
            client, dcc, body, "2019-01", {"X-Secgov-Upload": "1", "Origin": "http://evil.example"}
        )
        accepted = await multipart(client, dcc, body, "2019-01", {"X-Secgov-Upload": "1", "Origin": ALLOWED})
    assert refused.status_code == 400, refused.text
    assert "CSRF_REFUSED" in refused.text, refused.text
    payload = accepted.json()["data"]["uploadReport"]
    assert payload["errors"] == [] and payload["submission"]["status"] == "RECEIVED"
