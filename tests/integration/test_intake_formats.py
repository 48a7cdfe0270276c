"""Acceptance 1: the same SR variance content as CSV, XLSX and JSON gives the same findings, through a real worker."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
import xlsxwriter

from tests.conftest import GraphQLClient
from tests.support.faults import running_worker
from tests.support.reports import upload, wait_final

HEADER = ["user_id", "service", "forecast", "actual", "party_name"]
ROWS: list[list[Any]] = [
    ["ASE001", "SR1.1", 10586714, 94715, "Alpha Energy"],  # 0.9% of forecast: below
    ["ASE001", "SR8.1", 583151, 208851, "Alpha Energy"],  # 35.8%: below
    ["PNN004", "SR1.1", 1000, 1200, "Power Networks"],  # 120.0%: above
    ["PMNO002", "SR1.1", 0, 5, "Meter Co"],  # forecast 0
    ["PNN004", "SR1.1", 1000, 1000, None],  # the subject of row 3 again
    ["ASE002", "SR1.1", -5, 100, "Beta Supply"],  # negative count
    ["ASE003", "SR1.1", 100, "abc", "Gamma Gas"],  # not a number
    ["TOTAL", None, 11171865, 305771, None],  # not checked: rows 6 and 7 were left out
]

# (rule, subject, severity, row) → the numbers it must carry. Rows 6 and 7 are left out of the other rules, so the
# aggregate is 305,771 against 11,171,865 = 2.7%.
EXPECTED: dict[tuple[str, str, str, int | None], dict[str, Any]] = {
    ("SCHEMA", "forecast", "HIGH", 6): {"column": "forecast", "value": "-5"},
    ("SCHEMA", "actual", "HIGH", 7): {"column": "actual", "value": "abc"},
    ("DUPLICATE_SUBJECT", "PNN004/SR1.1", "WARNING", 3): {"rows": [3, 5], "count": 2},
    ("TOTAL_NOT_CHECKED", "TOTAL", "INFO", 8): {"row": 8},
    ("FORECAST_ZERO", "PMNO002/SR1.1", "WARNING", 4): {"actual": 5, "forecast": 0},
    # Below forecast is information (INFO); above the band a WARNING; at or above 100% listed (INFO).
    ("VARIANCE_BELOW_TOLERANCE", "ASE001/SR1.1", "INFO", 1): {"actual": 94715, "forecast": 10586714, "ratio": 0.9},
    ("VARIANCE_BELOW_TOLERANCE", "ASE001/SR8.1", "INFO", 2): {"actual": 208851, "forecast": 583151, "ratio": 35.8},
    ("VARIANCE_ABOVE_TOLERANCE", "PNN004/SR1.1", "WARNING", 3): {"actual": 1200, "forecast": 1000, "ratio": 120.0},
    ("AT_OR_ABOVE_FORECAST", "PNN004/SR1.1", "INFO", 3): {"actual": 1200, "forecast": 1000, "ratio": 120.0},
    ("AT_OR_ABOVE_FORECAST", "PNN004/SR1.1", "INFO", 5): {"actual": 1000, "forecast": 1000, "ratio": 100.0},
    ("VARIANCE_BELOW_TOLERANCE", "TOTAL", "INFO", None): {"actual": 305771, "forecast": 11171865, "ratio": 2.7},
}


def as_csv() -> bytes:
    lines = [",".join(HEADER)] + [",".join("" if v is None else str(v) for v in row) for row in ROWS]
    return ("\n".join(lines) + "\n").encode()


def as_xlsx() -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("SR variance")
    sheet.write_row(0, 0, HEADER)
    for i, row in enumerate(ROWS, start=1):
        for j, value in enumerate(row):
            if value is not None:
                sheet.write(i, j, value)  # numbers as numbers, "abc" as text, blanks left empty
    book.close()
    return out.getvalue()


def as_json() -> bytes:
    return json.dumps([{k: v for k, v in zip(HEADER, row, strict=True) if v is not None} for row in ROWS]).encode()


@pytest.fixture
def worker(dsn: str, broker_url: str, queue: str):  # type: ignore[no-untyped-def]
    with running_worker(dsn, broker_url, queue) as w:
        yield w


FINDINGS = """query($id: ID!) { reportSubmission(id: $id) { status rowCount findings(first: 100) { totalCount
    edges { node { ruleCode severity subject row message details secClause } } } } }"""


async def test_csv_xlsx_json_give_the_same_findings(intake_client, api_keys, worker):
    secas = await api_keys.get("secas")
    files = {"csv": ("2018-04", as_csv()), "xlsx": ("2018-05", as_xlsx()), "json": ("2018-06", as_json())}
    received = {
        "2018-04": "2018-05-02T10:00:00Z",
        "2018-05": "2018-06-04T10:00:00Z",
        "2018-06": "2018-07-03T10:00:00Z",
    }  # each on time: no LATE_DELIVERY to tell them apart
    assert files["xlsx"][1][:4] == b"PK\x03\x04"
    ids = {}
    for fmt, (period, body) in files.items():
        r = await upload(
            intake_client,
            secas,
            "SR_VARIANCE",
            period,
            body,
            received_at=received[period],
            content_type="application/octet-stream",
            filename=f"sr.{fmt}",
        )
        assert r.status_code == 202, (fmt, r.text)
        ids[fmt] = r.json()["submission_id"]
    gql = GraphQLClient(intake_client)
    found: dict[str, list[tuple[Any, ...]]] = {}
    for fmt, sid in ids.items():
        final = await wait_final(intake_client, secas, sid)
        assert final["status"] == "FLAGGED", (fmt, final)
        assert final["row_count"] == 8, (fmt, final)
        sub = (await gql(FINDINGS, {"id": sid}, key=secas))["data"]["reportSubmission"]
        nodes = [e["node"] for e in sub["findings"]["edges"]]
        assert sub["findings"]["totalCount"] == len(nodes)
        found[fmt] = sorted(
            (
                n["ruleCode"],
                n["subject"],
                n["severity"],
                n["row"] or 0,
                json.dumps(n["details"], sort_keys=True),
                n["message"],
                n["secClause"],
            )
            for n in nodes
        )
    # The same findings, message for message, whatever the format.
    assert found["xlsx"] == found["csv"]
    assert found["json"] == found["csv"]
    # And they are the right ones.
    got = {(r, s, sev, row or None): json.loads(d) for r, s, sev, row, d, _, _ in found["csv"]}
    assert set(got) == set(EXPECTED)
    for key, numbers in EXPECTED.items():
        assert numbers.items() <= got[key].items(), (key, got[key])
    assert {clause for *_, clause in found["csv"]} == {"H3.24"}
