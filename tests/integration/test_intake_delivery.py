"""Acceptance 4: a receipt after the deadline gets LATE_DELIVERY; one before it does not (to the second)."""

from __future__ import annotations

import pytest

from tests.conftest import GraphQLClient
from tests.support.faults import running_worker
from tests.support.reports import csv_bytes, upload, wait_final

SR = "user_id,forecast,actual"
# 99.0% and 95.0%: within the band and under forecast (so not listed), nothing else to find
IN_BAND = csv_bytes(SR, "ASE001,1000,990", "ASE002,2000,1900")

FINDINGS = """query($id: ID!) { reportSubmission(id: $id) { status delivery dueAt receivedAt
    findings(first: 20) { edges { node { ruleCode severity subject row message details secClause } } }
    exceptions { edges { node { ruleCode subject severity status } } } } }"""


@pytest.fixture
def worker(dsn: str, broker_url: str, queue: str):  # type: ignore[no-untyped-def]
    with running_worker(dsn, broker_url, queue) as w:
        yield w


async def test_late_and_on_time_receipts(intake_client, api_keys, worker):
    secas = await api_keys.get("secas")
    gql = GraphQLClient(intake_client)
    cases = {
        # April 2018 is due at the end of Tue 15 May 2018 (22:59:59.999999Z, BST); received 4 Jun → LATE.
        "2018-04": ("2018-06-04T10:00:00Z", "2018-05-15T22:59:59.999999+00:00"),
        # May 2018 is due at the end of Thu 14 Jun; received one second before midnight in London → ON_TIME.
        "2018-05": ("2018-06-14T22:59:59Z", "2018-06-14T22:59:59.999999+00:00"),
        # June 2018 is due at the end of Fri 13 Jul; received at midnight in London, the first instant after → LATE.
        "2018-06": ("2018-07-13T23:00:00Z", "2018-07-13T22:59:59.999999+00:00"),
    }
    ids = {}
    for period, (received_at, _) in cases.items():
        r = await upload(intake_client, secas, "SR_VARIANCE", period, IN_BAND, received_at=received_at)
        assert r.status_code == 202, r.text
        ids[period] = r.json()["submission_id"]

    for period, (received_at, due) in cases.items():
        final = await wait_final(intake_client, secas, ids[period])
        late = period != "2018-05"
        assert final["due_at"] == due, final
        assert final["received_at"] == received_at.replace("Z", "+00:00"), final
        assert final["delivery"] == ("LATE" if late else "ON_TIME"), final
        assert final["status"] == ("FLAGGED" if late else "PASSED"), final
        assert final["findings_by_rule"] == ({"LATE_DELIVERY": 1} if late else {}), final
        sub = (await gql(FINDINGS, {"id": ids[period]}, key=secas))["data"]["reportSubmission"]
        assert sub["delivery"] == final["delivery"]
        findings = [e["node"] for e in sub["findings"]["edges"]]
        exceptions = [e["node"] for e in sub["exceptions"]["edges"]]
        if not late:
            assert findings == [] and exceptions == []
            continue
        assert findings == [
            {
                "ruleCode": "LATE_DELIVERY",
                "severity": "WARNING",
                "subject": "FILE",
                "row": None,
                "secClause": "H3.24",
                "details": {"due_at": due, "received_at": received_at.replace("Z", "+00:00")},
                "message": findings[0]["message"],
            }
        ]
        assert exceptions == [{"ruleCode": "LATE_DELIVERY", "subject": "FILE", "severity": "WARNING", "status": "OPEN"}]
    late_message = (await gql(FINDINGS, {"id": ids["2018-04"]}, key=secas))["data"]["reportSubmission"]
    assert late_message["findings"]["edges"][0]["node"]["message"] == (
        "Late: received 04/06/2018 11:00 (London), after the deadline at the end of 15/05/2018 (SEC H3.24)"
    )
