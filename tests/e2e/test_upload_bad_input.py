"""Acceptance 5: bad input over REST and GraphQL. Files that can be stored are stored byte for byte and end in a final
status with a located finding; requests that cannot be accepted are refused at the edge with a clear code."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.settings import Settings
from schema.relay import pk_of
from sql import parties
from tests.support.faults import running_worker
from tests.support.reports import csv_bytes, upload, wait_final

SR = "user_id,forecast,actual"
HIGH, WARNING = "HIGH", "WARNING"


def not_utf8(line: int, byte: str) -> dict[str, Any]:
    return {
        "reason": f"the file is not UTF-8 text: byte {byte} cannot be decoded (save it as UTF-8 CSV, XLSX or JSON)",
        "line": line,
    }


# Good rows are at 95% of forecast, inside the tolerance band and below 100%, so they raise no finding of their own.
# name → (period, bytes, final status, the findings exactly: (rule, subject, severity, row, details), a message)
FILES: dict[str, tuple[str, bytes, str, list[tuple[Any, ...]], str]] = {
    "empty file": (
        "2019-01",
        b"",
        "REJECTED",
        [("UNREADABLE_FILE", "FILE", HIGH, None, {"reason": "the file is empty", "line": None})],
        "The file could not be read: the file is empty",
    ),
    "binary garbage": (
        "2019-02",
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)),
        "REJECTED",
        [("UNREADABLE_FILE", "FILE", HIGH, None, not_utf8(1, "0x89"))],
        "The file could not be read: the file is not UTF-8 text: byte 0x89 cannot be decoded "
        "(save it as UTF-8 CSV, XLSX or JSON) (line 1)",
    ),
    "latin-1 CSV": (
        "2019-03",
        "user_id,forecast,actual,party_name\nASE001,100,100,Société Générale\n".encode("latin-1"),
        "REJECTED",
        [("UNREADABLE_FILE", "FILE", HIGH, None, not_utf8(2, "0xe9"))],
        "The file could not be read: the file is not UTF-8 text: byte 0xe9 cannot be decoded "
        "(save it as UTF-8 CSV, XLSX or JSON) (line 2)",
    ),
    "missing column": (
        "2019-04",
        csv_bytes("user_id,forecast", "ASE001,100"),
        "REJECTED",
        [("SCHEMA", "FILE", HIGH, None, {"missing": ["actual"], "columns": ["user_id", "forecast"]})],
        "Required column missing: actual (the file's columns are: user_id, forecast)",
    ),
    "non-numeric count": (
        "2019-05",
        csv_bytes(SR, "ASE001,100,95", "ASE002,100,lots"),
        "FLAGGED",
        [("SCHEMA", "actual", HIGH, 2, {"column": "actual", "value": "lots"})],
        "actual 'lots' on row 2 is not a whole number",
    ),
    "negative count": (
        "2019-06",
        csv_bytes(SR, "ASE001,100,95", "ASE002,-7,100"),
        "FLAGGED",
        [("SCHEMA", "forecast", HIGH, 2, {"column": "forecast", "value": "-7"})],
        "forecast -7 on row 2 is negative: a count cannot be below 0",
    ),
    "duplicate subject": (
        "2019-07",
        csv_bytes(SR, "ASE001,100,95", "ASE002,100,95", "ASE001,100,95"),
        "FLAGGED",
        [("DUPLICATE_SUBJECT", "ASE001", WARNING, 1, {"rows": [1, 3], "count": 2})],
        "ASE001 appears on 2 rows (1, 3): each subject should appear once",
    ),
    "TOTAL that does not add up": (
        "2019-08",
        csv_bytes(SR, "ASE001,100,95", "ASE002,200,190", "Total,300,286"),
        "FLAGGED",
        [
            (
                "TOTAL_MISMATCH",
                "TOTAL",
                WARNING,
                3,
                {
                    "row": 3,
                    "columns": ["actual"],
                    "forecast_stated": 300,
                    "forecast_sum": 300,
                    "actual_stated": 286,
                    "actual_sum": 285,
                },
            )
        ],
        "The TOTAL row gives actual 286 but the rows add up to 285 (SEC H3.24)",
    ),
}

FINDINGS = """query($id: ID!) { reportSubmission(id: $id) { status sha256 sizeBytes
    findings(first: 20) { edges { node { ruleCode subject severity row details message } } } } }"""


@pytest.fixture
def worker(dsn: str, broker_url: str, queue: str):  # type: ignore[no-untyped-def]
    with running_worker(dsn, broker_url, queue) as w:
        yield w


async def stored_bytes(pool: Any, submission_id: str) -> bytes:
    async with pool.acquire() as conn:
        content: bytes = await conn.fetchval(
            "SELECT content FROM submission_files WHERE submission_id = $1", pk_of(submission_id, "ReportSubmission")
        )
    return content


async def submission_count(pool: Any) -> int:
    async with pool.acquire() as conn:
        n: int = await conn.fetchval("SELECT count(*) FROM submissions")
    return n


async def test_bad_files_are_stored_verbatim_and_end_with_a_located_finding(
    intake_client, api_keys, pool, worker, gql, subtests
):
    secas = await api_keys.get("secas")
    ids = {}
    for name, (period, body, *_rest) in FILES.items():
        received_at = f"2019-{int(period[5:]) + 1:02d}-02T09:00:00Z"  # the 2nd of the next month: on time
        r = await upload(
            intake_client,
            secas,
            "SR_VARIANCE",
            period,
            body,
            received_at=received_at,
            content_type="text/csv",
            filename=f"{name}.csv",
        )
        assert r.status_code == 202, (name, r.text)
        assert r.json()["status"] == "RECEIVED"
        ids[name] = r.json()["submission_id"]
    for name, (_, body, status, expected, message) in FILES.items():
        with subtests.test(name):
            final = await wait_final(intake_client, secas, ids[name])
            assert final["status"] == status, final
            assert final["sha256"] == hashlib.sha256(body).hexdigest()
            assert await stored_bytes(pool, ids[name]) == body
            sub = (await gql(FINDINGS, {"id": ids[name]}, key=secas))["data"]["reportSubmission"]
            assert sub["sizeBytes"] == len(body)
            nodes = [e["node"] for e in sub["findings"]["edges"]]
            assert [(n["ruleCode"], n["subject"], n["severity"], n["row"], n["details"]) for n in nodes] == expected
            assert nodes[0]["message"] == message


# --- refused at the edge: nothing is stored ---------------------------------------------------------------------


def refusal(r: httpx.Response, status: int, code: str) -> str:
    """The refusal's message, in the shape its clients read: REST's `error`, or GraphQL's `errors` at /graphql."""
    assert r.status_code == status, r.text
    body = r.json()
    if r.request.url.path == "/graphql":
        [error] = body["errors"]
        assert set(body) == {"errors"} and error["extensions"]["code"] == code, body
    else:
        assert set(body) == {"error"} and body["error"]["code"] == code, body
        error = body["error"]
    message: str = error["message"]
    assert message
    return message


async def test_declared_two_gigabyte_body_is_refused_before_reading(client, api_keys, pool):
    dcc = await api_keys.get("dcc")
    r = await client.post(
        "/api/v1/reports/SR_VARIANCE/2019-01",
        content=csv_bytes(SR, "ASE001,1,1"),
        headers={"Authorization": f"Bearer {dcc}", "Content-Type": "text/csv", "Content-Length": "2000000000"},
    )
    assert "2,000,000,000" in refusal(r, 413, "PAYLOAD_TOO_LARGE")
    assert await submission_count(pool) == 0


@pytest.fixture
async def small_limit_client(pool: Any) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(max_upload_bytes=1000), pool=pool)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
        yield c


async def test_body_over_the_limit_is_refused_while_streaming(small_limit_client, api_keys, pool):
    dcc = await api_keys.get("dcc")
    auth = {"Authorization": f"Bearer {dcc}", "Content-Type": "text/csv"}
    big = csv_bytes(SR, *(f"ASE{i:06d},100,100" for i in range(12_000)))  # ~220 KB, no Content-Length: chunked

    async def chunks() -> AsyncIterator[bytes]:
        for i in range(0, len(big), 4096):
            yield big[i : i + 4096]

    r = await small_limit_client.post("/api/v1/reports/SR_VARIANCE/2019-01", content=chunks(), headers=auth)
    refusal(r, 413, "PAYLOAD_TOO_LARGE")
    # Just over the limit, declared honestly.
    r = await small_limit_client.post("/api/v1/reports/SR_VARIANCE/2019-01", content=big[:1001], headers=auth)
    refusal(r, 413, "PAYLOAD_TOO_LARGE")
    # At the limit it is accepted.
    r = await small_limit_client.post("/api/v1/reports/SR_VARIANCE/2019-01", content=big[:1000], headers=auth)
    assert r.status_code == 202, r.text
    assert await submission_count(pool) == 1


def zip_bomb() -> bytes:
    """A small zip (a few tens of KB) holding one highly compressible sheet of 64 MB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            block = b"0" * (1024 * 1024)
            for _ in range(64):
                sheet.write(block)
    return out.getvalue()


async def test_unusable_requests_are_refused_with_their_code(client, api_keys, pool, subtests):
    dcc = await api_keys.get("dcc")
    async with pool.acquire() as conn:
        party_id = await parties.create_party(
            conn, name="Alpha Energy", category="SMALL_SUPPLIER", voting_group_id=None
        )
    keys = {
        role: await api_keys.get(role, party_id=party_id if role == "party" else None)
        for role in ("party", "opsg", "panel")
    }
    good = csv_bytes(SR, "ASE001,100,100")
    bomb = zip_bomb()
    assert len(bomb) < 200_000
    cases: list[tuple[str, str, str, bytes, str, str | None, dict[str, str], int, str]] = [
        # (case, code, period, body, content type, key, params, status, error code)
        ("unknown report code", "SR_VARIANCES", "2019-01", good, "text/csv", dcc, {}, 404, "UNKNOWN_REPORT_TYPE"),
        ("month 13", "SR_VARIANCE", "2018-13", good, "text/csv", dcc, {}, 400, "INVALID_PERIOD"),
        ("one-digit month", "SR_VARIANCE", "2018-5", good, "text/csv", dcc, {}, 400, "INVALID_PERIOD"),
        ("quarter for a monthly report", "SR_VARIANCE", "2018-Q1", good, "text/csv", dcc, {}, 400, "INVALID_PERIOD"),
        ("month for a quarterly report", "CH_RETURNS", "2018-05", good, "text/csv", dcc, {}, 400, "INVALID_PERIOD"),
        ("no key", "SR_VARIANCE", "2019-01", good, "text/csv", None, {}, 401, "UNAUTHENTICATED"),
        (
            "a revoked or made-up key",
            "SR_VARIANCE",
            "2019-01",
            good,
            "text/csv",
            "sgk_not-a-key",
            {},
            401,
            "UNAUTHENTICATED",
        ),
        ("party key", "SR_VARIANCE", "2019-01", good, "text/csv", keys["party"], {}, 403, "FORBIDDEN"),
        ("opsg key", "SR_VARIANCE", "2019-01", good, "text/csv", keys["opsg"], {}, 403, "FORBIDDEN"),
        ("panel key", "SR_VARIANCE", "2019-01", good, "text/csv", keys["panel"], {}, 403, "FORBIDDEN"),
        (
            "dcc back-filling receivedAt",
            "SR_VARIANCE",
            "2019-01",
            good,
            "text/csv",
            dcc,
            {"received_at": "2019-02-01T10:00:00Z"},
            403,
            "FORBIDDEN",
        ),
        (
            "receivedAt that is not a time",
            "SR_VARIANCE",
            "2019-01",
            good,
            "text/csv",
            dcc,
            {"received_at": "yesterday"},
            400,
            "INVALID_INPUT",
        ),
        (
            "zip declared as JSON",
            "SR_VARIANCE",
            "2019-01",
            b"PK\x03\x04" + bytes(60),
            "application/json",
            dcc,
            {},
            415,
            "UNSUPPORTED_MEDIA_TYPE",
        ),
        (
            "zip bomb XLSX",
            "SR_VARIANCE",
            "2019-01",
            bomb,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            dcc,
            {},
            413,
            "PAYLOAD_TOO_LARGE",
        ),
        (
            "zip bomb, no type",
            "SR_VARIANCE",
            "2019-01",
            bomb,
            "application/octet-stream",
            dcc,
            {},
            413,
            "PAYLOAD_TOO_LARGE",
        ),
    ]
    for case, code, period, body, content_type, key, params, status, error in cases:
        with subtests.test(case):
            headers = {"Content-Type": content_type} | ({"Authorization": f"Bearer {key}"} if key else {})
            r = await client.post(f"/api/v1/reports/{code}/{period}", content=body, headers=headers, params=params)
            refusal(r, status, error)
    assert await submission_count(pool) == 0


async def test_json_declared_as_csv_is_accepted(client, api_keys, pool):
    dcc = await api_keys.get("dcc")
    body = json.dumps([{"user_id": "ASE001", "forecast": 100, "actual": 100}]).encode()
    r = await upload(client, dcc, "SR_VARIANCE", "2019-01", body, content_type="text/csv")
    assert r.status_code == 202, r.text
    assert r.json() == {"submission_id": r.json()["submission_id"], "status": "RECEIVED", "duplicate_of": None}
    async with pool.acquire() as conn:
        row = await conn.fetchrow(
            "SELECT s.format, f.content FROM submissions s JOIN submission_files f "
            "ON f.submission_id = s.id WHERE s.id = $1",
            pk_of(r.json()["submission_id"], "ReportSubmission"),
        )
    assert (row["format"], row["content"]) == ("json", body)


# --- uploadReport over GraphQL multipart, with its CSRF defence ----------------------------------------------------

UPLOAD = """mutation($file: Upload!, $period: String!) {
    uploadReport(reportType: "SR_VARIANCE", period: $period, file: $file) {
        submission { id status period filename } duplicateOf { id } errors { code message field } } }"""


async def multipart(
    client: httpx.AsyncClient, key: str | None, body: bytes, period: str, headers: dict[str, str]
) -> httpx.Response:
    """The GraphQL multipart request spec: `operations`, `map`, then the file parts."""
    operations = json.dumps({"query": UPLOAD, "variables": {"file": None, "period": period}})
    auth = {"Authorization": f"Bearer {key}"} if key else {}
    return await client.post(
        "/graphql",
        data={"operations": operations, "map": json.dumps({"0": ["variables.file"]})},
        files={"0": ("sr.csv", body, "text/csv")},
        headers=auth | headers,
    )


async def test_upload_report_mutation_over_multipart_and_its_csrf_defence(client, api_keys, pool):
    dcc = await api_keys.get("dcc")
    body = csv_bytes(SR, "ASE001,100,100")

    r = await multipart(client, dcc, body, "2019-01", {})
    assert "X-Secgov-Upload" in refusal(r, 400, "CSRF_REFUSED")
    r = await multipart(client, dcc, body, "2019-01", {"X-Secgov-Upload": "1", "Origin": "https://evil.example"})
    assert "evil.example" in refusal(r, 400, "CSRF_REFUSED")
    r = await multipart(client, dcc, body, "2019-01", {"X-Secgov-Upload": "1", "Origin": "null"})
    refusal(r, 400, "CSRF_REFUSED")
    assert await submission_count(pool) == 0

    r = await multipart(client, dcc, body, "2019-01", {"X-Secgov-Upload": "1"})
    assert r.status_code == 200, r.text
    payload = r.json()["data"]["uploadReport"]
    assert payload["errors"] == [] and payload["duplicateOf"] is None
    sub = payload["submission"]
    assert (sub["status"], sub["period"], sub["filename"]) == ("RECEIVED", "2019-01", "sr.csv")
    assert await stored_bytes(pool, sub["id"]) == body

    # Same origin is fine; the same bytes again answer the first submission as duplicateOf.
    r = await multipart(client, dcc, body, "2019-01", {"X-Secgov-Upload": "1", "Origin": "http://testserver"})
    again = r.json()["data"]["uploadReport"]
    assert again["errors"] == [] and again["duplicateOf"] == {"id": sub["id"]}
    assert again["submission"]["id"] == sub["id"]

    # Refusals come back as payload errors with the contract's codes.
    r = await multipart(client, dcc, body, "2019-13", {"X-Secgov-Upload": "1"})
    errors = r.json()["data"]["uploadReport"]["errors"]
    assert [e["code"] for e in errors] == ["INVALID_PERIOD"]
    r = await multipart(client, await api_keys.get("opsg"), body, "2019-02", {"X-Secgov-Upload": "1"})
    assert [e["code"] for e in r.json()["data"]["uploadReport"]["errors"]] == ["FORBIDDEN"]
    r = await multipart(client, None, body, "2019-02", {"X-Secgov-Upload": "1"})
    assert [e["code"] for e in r.json()["data"]["uploadReport"]["errors"]] == ["UNAUTHENTICATED"]
    assert await submission_count(pool) == 1
