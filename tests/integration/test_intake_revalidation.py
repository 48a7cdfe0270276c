"""Acceptance 2: the CSR variance figures of May and April 2018, and a tolerance change followed by re-validation."""

from __future__ import annotations

import pytest

from tests.conftest import GraphQLClient
from tests.support.faults import running_worker
from tests.support.reports import csv_bytes, upload, wait_final

CSR = "subscriber,forecast,actual"

SUBMISSION = """query($id: ID!) { reportSubmission(id: $id) { status
    findings(first: 50) { edges { node { ruleCode severity subject row details message } } }
    runs { catalogueVersion outcome attempt } } }"""
EXCEPTIONS = """query($period: String!) { exceptions(first: 50, filter: {reportType: "CSR_VARIANCE", period: $period}) {
    totalCount edges { node { ruleCode subject severity status
    history { actor action fromStatus toStatus comment } } } } }"""


@pytest.fixture
def worker(dsn: str, broker_url: str, queue: str):  # type: ignore[no-untyped-def]
    with running_worker(dsn, broker_url, queue) as w:
        yield w


def by_rule(sub: dict) -> dict[tuple[str, str], dict]:  # type: ignore[type-arg]
    return {(n["ruleCode"], n["subject"]): n for n in (e["node"] for e in sub["findings"]["edges"])}


async def test_csr_variance_above_and_below_then_tolerance_change_and_revalidation(intake_client, api_keys, worker):
    secas = await api_keys.get("secas")
    gql = GraphQLClient(intake_client)
    # May 2018: 873,383 sent against 553,814 forecast (157.7%); received 4 Jun, due 14 Jun.
    may = await upload(
        intake_client,
        secas,
        "CSR_VARIANCE",
        "2018-05",
        csv_bytes(CSR, "ES-SUPPLIER-1,553814,873383"),
        received_at="2018-06-04T10:00:00Z",
    )
    # April 2018: 94,715 against 10,586,714 (0.9%); received 10 May, due 15 May.
    april = await upload(
        intake_client,
        secas,
        "CSR_VARIANCE",
        "2018-04",
        csv_bytes(CSR, "ES-SUPPLIER-2,10586714,94715"),
        received_at="2018-05-10T10:00:00Z",
    )
    assert may.status_code == april.status_code == 202, (may.text, april.text)
    may_id, april_id = may.json()["submission_id"], april.json()["submission_id"]

    final = await wait_final(intake_client, secas, may_id)
    assert (final["status"], final["delivery"]) == ("FLAGGED", "ON_TIME"), final
    assert final["findings_by_rule"] == {"VARIANCE_ABOVE_TOLERANCE": 2, "AT_OR_ABOVE_FORECAST": 1}
    sub = (await gql(SUBMISSION, {"id": may_id}, key=secas))["data"]["reportSubmission"]
    found = by_rule(sub)
    assert set(found) == {
        ("VARIANCE_ABOVE_TOLERANCE", "ES-SUPPLIER-1"),
        ("VARIANCE_ABOVE_TOLERANCE", "TOTAL"),
        ("AT_OR_ABOVE_FORECAST", "ES-SUPPLIER-1"),
    }
    row = found[("VARIANCE_ABOVE_TOLERANCE", "ES-SUPPLIER-1")]
    assert (row["severity"], row["row"]) == ("WARNING", 1)
    assert row["details"] == {"actual": 873383, "forecast": 553814, "ratio": 157.7, "lower": 90.0, "upper": 110.0}
    assert "157.7% of forecast" in row["message"]
    total = found[("VARIANCE_ABOVE_TOLERANCE", "TOTAL")]
    assert (total["severity"], total["row"], total["details"]["ratio"]) == ("WARNING", None, 157.7)

    # Below forecast is information for the Operations Group, not an exception.
    final = await wait_final(intake_client, secas, april_id)
    assert final["status"] == "PASSED", final
    assert final["findings_by_rule"] == {"VARIANCE_BELOW_TOLERANCE": 2}
    found = by_rule((await gql(SUBMISSION, {"id": april_id}, key=secas))["data"]["reportSubmission"])
    below = found[("VARIANCE_BELOW_TOLERANCE", "ES-SUPPLIER-2")]
    assert below["details"] == {"actual": 94715, "forecast": 10586714, "ratio": 0.9, "lower": 90.0, "upper": 110.0}
    assert found[("VARIANCE_BELOW_TOLERANCE", "TOTAL")]["details"]["ratio"] == 0.9

    # The administrator widens the band: 157.7% is now inside it.
    amended = await gql(
        """mutation { amendReportType(input: {code: "CSR_VARIANCE", toleranceUpperPct: 200}) {
        reportType { code version toleranceUpperPct toleranceLowerPct } errors { code message } } }""",
        key=secas,
    )
    payload = amended["data"]["amendReportType"]
    assert payload["errors"] == []
    assert payload["reportType"] == {
        "code": "CSR_VARIANCE",
        "version": 3,
        "toleranceUpperPct": 200.0,
        "toleranceLowerPct": 90.0,
    }
    again = await gql(
        """mutation($id: ID!) { revalidateSubmission(id: $id) { submission { id status }
        errors { code } } }""",
        {"id": may_id},
        key=secas,
    )
    assert again["data"]["revalidateSubmission"]["errors"] == []
    reset = again["data"]["revalidateSubmission"]["submission"]
    # Back in the queue (a fast worker may have started, or even finished, by the time the payload is read).
    assert reset["id"] == may_id and reset["status"] in ("RECEIVED", "VALIDATING", "PASSED"), reset

    final = await wait_final(intake_client, secas, may_id)
    assert final["status"] == "PASSED", final
    assert final["findings_by_rule"] == {"AT_OR_ABOVE_FORECAST": 1}  # still listed: at or above its forecast
    sub = (await gql(SUBMISSION, {"id": may_id}, key=secas))["data"]["reportSubmission"]
    assert [e["node"]["severity"] for e in sub["findings"]["edges"]] == ["INFO"]
    assert sub["runs"] == [
        {"catalogueVersion": 2, "outcome": "FLAGGED", "attempt": 1},
        {"catalogueVersion": 3, "outcome": "PASSED", "attempt": 1},
    ]

    # The exceptions the first run raised are resolved by the system, saying why; nothing else was touched.
    closing = "not raised by the validation of the submission of 4 Jun 2018"
    excs = (await gql(EXCEPTIONS, {"period": "2018-05"}, key=secas))["data"]["exceptions"]
    assert excs["totalCount"] == 2
    for node in (e["node"] for e in excs["edges"]):
        assert (node["ruleCode"], node["status"]) == ("VARIANCE_ABOVE_TOLERANCE", "RESOLVED"), node
        assert [(h["actor"], h["action"], h["fromStatus"], h["toStatus"], h["comment"]) for h in node["history"]][
            1:
        ] == [("system", "SYSTEM_RESOLVED", "OPEN", "RESOLVED", closing)], node
        assert node["history"][0]["action"] == "FLAGGED"
    april_excs = (await gql(EXCEPTIONS, {"period": "2018-04"}, key=secas))["data"]["exceptions"]
    assert april_excs["edges"] == []
