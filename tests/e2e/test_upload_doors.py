"""Every door accepts an upload through the one use case (services.upload.accept): the REST route and the
uploadReport mutation refuse the same bad upload with the same code, message and nothing stored; the use case checks
the uploader and the report before it reads a byte of the file, and reads it once."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from api.settings import Settings
from domain.errors import Forbidden, InvalidPeriod, PayloadTooLarge, UnknownReportType
from domain.viewer import Viewer
from services.upload import File, UploadRequest, accept
from tests.support.reports import csv_bytes

APP_SETTINGS = Settings(max_upload_bytes=1000)
UPLOAD = """mutation($code: String!, $period: String!, $file: Upload!, $receivedAt: DateTime) {
  uploadReport(reportType: $code, period: $period, file: $file, receivedAt: $receivedAt) {
    submission { id } errors { code message field } } }"""
GOOD = csv_bytes("user_id,forecast,actual", "ASE001,100,95")
TOO_BIG = csv_bytes("user_id,forecast,actual", *(f"ASE{i:06d},100,95" for i in range(100)))[:1001]


async def over_rest(client: httpx.AsyncClient, key: str, code: str, period: str, body: bytes, **kw: str) -> Any:
    params = {"received_at": kw["received_at"]} if "received_at" in kw else {}
    r = await client.post(
        f"/api/v1/reports/{code}/{period}",
        content=body,
        params=params,
        headers={"Authorization": f"Bearer {key}", "Content-Type": kw.get("content_type", "text/csv")},
    )
    assert r.status_code >= 400, r.text
    error = r.json()["error"]
    return error["code"], error["message"]


async def over_graphql(client: httpx.AsyncClient, key: str, code: str, period: str, body: bytes, **kw: str) -> Any:
    variables = {"code": code, "period": period, "file": None, "receivedAt": kw.get("received_at")}
    r = await client.post(
        "/graphql",
        data={"operations": json.dumps({"query": UPLOAD, "variables": variables}), "map": '{"0": ["variables.file"]}'},
        files={"0": ("report.csv", body, kw.get("content_type", "text/csv"))},
        headers={"Authorization": f"Bearer {key}", "X-Secgov-Upload": "1"},
    )
    assert r.status_code == 200, r.text
    payload = r.json()["data"]["uploadReport"]
    assert payload["submission"] is None, payload
    [error] = payload["errors"]
    return error["code"], error["message"]


CASES: list[tuple[str, str, str, str, bytes, dict[str, str]]] = [
    # (case, role, report code, period, body, extra), refused alike by both doors
    ("a role that may not upload", "opsg", "SR_VARIANCE", "2019-01", GOOD, {}),
    (
        "dcc back-filling the receipt time",
        "dcc",
        "SR_VARIANCE",
        "2019-01",
        GOOD,
        {"received_at": "2019-02-01T10:00:00Z"},
    ),
    ("an unknown report type", "dcc", "SR_VARIANCES", "2019-01", GOOD, {}),
    ("a quarter for a monthly report", "dcc", "SR_VARIANCE", "2019-Q1", GOOD, {}),
    ("a file past the size limit", "dcc", "SR_VARIANCE", "2019-01", TOO_BIG, {}),
    (
        "a zip declared as JSON",
        "dcc",
        "SR_VARIANCE",
        "2019-01",
        b"PK\x03\x04" + bytes(60),
        {"content_type": "application/json"},
    ),
]


@pytest.mark.parametrize(("case", "role", "code", "period", "body", "extra"), CASES, ids=[c[0] for c in CASES])
async def test_rest_and_graphql_give_the_same_refusal(client, api_keys, pool, case, role, code, period, body, extra):
    key = await api_keys.get(role)
    rest = await over_rest(client, key, code, period, body, **extra)
    graphql = await over_graphql(client, key, code, period, body, **extra)
    assert rest == graphql, case
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM submissions") == 0


def reader(reads: list[int], file: File) -> Any:
    """A door's reader that notes the limit it was handed each time the use case reads the file."""

    async def read(limit: int) -> File:
        reads.append(limit)
        return file

    return read


async def test_the_file_is_read_once_and_only_after_the_checks(pool):
    reads: list[int] = []
    file = File(GOOD, "report.csv", "text/csv")
    refused = [
        (Viewer(role="opsg", name="o"), "SR_VARIANCE", "2019-01", Forbidden),
        (Viewer(role="dcc", name="d"), "SR_VARIANCES", "2019-01", UnknownReportType),
        (Viewer(role="dcc", name="d"), "SR_VARIANCE", "2019-13", InvalidPeriod),
    ]
    for viewer, code, period, refusal in refused:
        with pytest.raises(refusal):
            await accept(
                pool, None, UploadRequest(viewer, code, period, "r"), reader(reads, file), max_upload_bytes=1000
            )
    assert reads == []  # refused before the file was read

    with pytest.raises(PayloadTooLarge, match="the file is larger than the limit of 10 bytes"):
        await accept(
            pool,
            None,
            UploadRequest(Viewer(role="dcc", name="d"), "SR_VARIANCE", "2019-01", "r"),
            reader(reads, file),
            max_upload_bytes=10,
        )
    assert reads == [10]

    rung: list[tuple[int, str]] = []

    async def enqueue(submission_id: int, request_id: str) -> bool:
        rung.append((submission_id, request_id))
        return True

    request = UploadRequest(Viewer(role="dcc", name="d"), " sr_variance ", "2019-01", "req-1")
    received = await accept(pool, enqueue, request, reader(reads, file), max_upload_bytes=1000)
    again = await accept(pool, enqueue, request, reader(reads, file), max_upload_bytes=1000)
    assert reads == [10, 1000, 1000]
    assert again.duplicate_of == received.submission_id
    assert rung == [(received.submission_id, "req-1")]  # the bell rings once: a duplicate stores nothing new
