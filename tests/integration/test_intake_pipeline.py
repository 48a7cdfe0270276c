"""Upload → stored → real broker → real worker → findings and exceptions."""

from __future__ import annotations

from tests.support.reports import csv_bytes, upload, wait_final

CSR = "subscriber,forecast,actual"


async def test_csr_variance_flagged_157_7(intake_client, api_keys, worker, gql):
    dcc = await api_keys.get("secas")
    r = await upload(
        intake_client,
        dcc,
        "CSR_VARIANCE",
        "2018-05",
        csv_bytes(CSR, "ES-SUPPLIER-1,553814,873383"),
        received_at="2018-06-04T10:00:00Z",
    )
    assert r.status_code == 202, r.text
    sid = r.json()["submission_id"]
    final = await wait_final(intake_client, dcc, sid)
    assert final["status"] == "FLAGGED", final
    assert final["findings_by_rule"]["VARIANCE_ABOVE_TOLERANCE"] == 2  # the subject and the TOTAL
    opsg = await api_keys.get("opsg")
    body = await gql(
        """query($id: ID!) { reportSubmission(id: $id) { status findings(first: 10) { edges { node {
        ruleCode severity subject details secClause } } } exceptions { totalCount edges { node { ruleCode subject
        status history { action } } } } runs { catalogueVersion outcome } } }""",
        {"id": sid},
        key=opsg,
    )
    sub = body["data"]["reportSubmission"]
    above = [e["node"] for e in sub["findings"]["edges"] if e["node"]["ruleCode"] == "VARIANCE_ABOVE_TOLERANCE"]
    assert {f["details"]["ratio"] for f in above} == {157.7}
    assert {f["severity"] for f in above} == {"WARNING"}  # outside tolerance: noted by OPSG, subject and TOTAL
    listed = [e["node"] for e in sub["findings"]["edges"] if e["node"]["ruleCode"] == "AT_OR_ABOVE_FORECAST"]
    assert [(f["subject"], f["severity"]) for f in listed] == [("ES-SUPPLIER-1", "INFO")]
    assert sub["exceptions"]["totalCount"] == 2
    assert sub["runs"] == [{"catalogueVersion": 2, "outcome": "FLAGGED"}]
