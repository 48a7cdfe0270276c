"""Issue 5, Build "Audit log": every mutation and every upload made with a key recorded (who, what, when, from where,
request id, outcome), readable through `auditLog` by secas and admin only (docs/domain.md, "Roles"), absent for
others."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from schema.relay import pk_of
from tests.support.reports import csv_bytes, upload

CSR = "subscriber,forecast,actual"
CREATE = """mutation AddParty($name: String!) { createParty(input: {name: $name, category: SMALL_SUPPLIER}) {
    party { id votingGroup { id } } errors { code } } }"""
LOG = """query($first: Int, $after: String, $filter: AuditLogFilter) {
    auditLog(first: $first, after: $after, filter: $filter) { totalCount pageInfo { hasNextPage endCursor }
      edges { node { at keyName role action operation operationName targetIds clientAddress requestId outcome } } } }"""
UPLOAD = """mutation Send($file: Upload!) { uploadReport(reportType: "CSR_VARIANCE", period: "2018-07", file: $file) {
    submission { id } errors { code } } }"""


async def entries(gql, key, **variables):
    return (await gql(LOG, variables, key=key))["data"]["auditLog"]


async def test_mutations_and_uploads_are_recorded_and_readable_by_admin_only(client, gql, api_keys, pool):
    secas, dcc, admin = await api_keys.get("secas"), await api_keys.get("dcc"), await api_keys.get("admin")
    before = datetime.now(UTC) - timedelta(seconds=1)

    # A mutation that succeeds, with its own request id.
    r = await client.post(
        "/graphql",
        json={"query": CREATE, "variables": {"name": "Audited Energy"}},
        headers={"Authorization": f"Bearer {secas}", "X-Request-Id": "req-create-1"},
    )
    party = r.json()["data"]["createParty"]
    assert party["errors"] == []
    # A mutation refused for lack of rights, and one without a key (refused, and not stored: no who).
    assert (await gql(CREATE, {"name": "Nope"}, key=dcc))["data"]["createParty"]["errors"] == [{"code": "FORBIDDEN"}]
    assert (await gql(CREATE, {"name": "Nope"}))["data"]["createParty"]["errors"] == [{"code": "UNAUTHENTICATED"}]
    # A REST upload accepted, one refused, and an upload through the uploadReport mutation.
    r = await upload(client, dcc, "CSR_VARIANCE", "2018-05", csv_bytes(CSR, "ES-1,100,100"))
    assert r.status_code == 202
    submission_id = r.json()["submission_id"]
    assert (await upload(client, dcc, "CSR_VARIANCE", "2018-13", csv_bytes(CSR, "ES-1,1,1"))).status_code == 400
    r = await client.post(
        "/graphql",
        headers={"Authorization": f"Bearer {dcc}", "X-Secgov-Upload": "1"},
        data={
            "operations": json.dumps({"query": UPLOAD, "variables": {"file": None}}),
            "map": json.dumps({"0": ["variables.file"]}),
        },
        files={"0": ("r.csv", csv_bytes(CSR, "ES-2,5,5"))},
    )
    graphql_submission = r.json()["data"]["uploadReport"]["submission"]["id"]

    log = await entries(gql, admin, first=10)
    assert log["totalCount"] == 5
    rows = [e["node"] for e in log["edges"]]  # newest first
    upload_gql, refused_rest, upload_rest, forbidden, created = rows
    assert created | {"at": None} == {
        "at": None,
        "keyName": "secas-0",
        "role": "secas",
        "action": "MUTATION",
        "operation": "createParty",
        "operationName": "AddParty",
        "targetIds": [party["party"]["id"]],
        "clientAddress": "127.0.0.1",
        "requestId": "req-create-1",
        "outcome": "OK",
    }
    assert before <= datetime.fromisoformat(created["at"]) <= datetime.now(UTC)
    assert (
        forbidden["keyName"],
        forbidden["role"],
        forbidden["operation"],
        forbidden["outcome"],
        forbidden["targetIds"],
    ) == ("dcc-1", "dcc", "createParty", "FORBIDDEN", [])
    assert (upload_rest["action"], upload_rest["operation"], upload_rest["targetIds"], upload_rest["outcome"]) == (
        "UPLOAD",
        "POST /api/v1/reports/CSR_VARIANCE/2018-05",
        [submission_id],
        "OK",
    )
    assert upload_rest["requestId"] and upload_rest["clientAddress"] == "127.0.0.1"
    assert (refused_rest["operation"], refused_rest["outcome"]) == (
        "POST /api/v1/reports/CSR_VARIANCE/2018-13",
        "INVALID_PERIOD",
    )
    assert (
        upload_gql["action"],
        upload_gql["operation"],
        upload_gql["operationName"],
        upload_gql["targetIds"],
        upload_gql["outcome"],
    ) == ("UPLOAD", "uploadReport", "Send", [graphql_submission], "OK")

    # secas reads it too (the audit log is for secas and admin); every other role sees an empty log.
    assert (await entries(gql, secas, first=1))["totalCount"] == 5
    for role in ("public", "party", "dcc", "opsg", "panel"):
        party_pk = pk_of(party["party"]["id"], "Party") if role == "party" else None
        key = await api_keys.get(role, party_id=party_pk)
        assert await entries(gql, key) == {
            "totalCount": 0,
            "edges": [],
            "pageInfo": {"hasNextPage": False, "endCursor": None},
        }, role


async def test_the_log_pages_and_filters(gql, api_keys):
    secas, admin = await api_keys.get("secas"), await api_keys.get("admin")
    for i in range(3):
        assert (await gql(CREATE, {"name": f"Party {i}"}, key=secas))["data"]["createParty"]["errors"] == []
    page = await entries(gql, admin, first=2)
    assert page["totalCount"] == 3 and page["pageInfo"]["hasNextPage"]
    rest = await entries(gql, admin, first=2, after=page["pageInfo"]["endCursor"])
    assert len(rest["edges"]) == 1 and not rest["pageInfo"]["hasNextPage"]
    assert (await entries(gql, admin, filter={"keyName": "nobody"}))["totalCount"] == 0
    assert (
        await entries(
            gql, admin, filter={"keyName": "secas-0", "action": "MUTATION", "outcome": "OK", "operation": "createParty"}
        )
    )["totalCount"] == 3
    assert (await entries(gql, admin, filter={"action": "UPLOAD"}))["totalCount"] == 0
    assert (await entries(gql, admin, filter={"to": "2000-01-01T00:00:00Z"}))["totalCount"] == 0
    body = await gql(LOG, {"first": 10_000}, key=admin, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    body = await gql(LOG, {"after": "not-a-cursor"}, key=admin, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_the_log_is_append_only(gql, api_keys, pool):
    secas = await api_keys.get("secas")
    await gql(CREATE, {"name": "Kept"}, key=secas)
    async with pool.acquire() as conn:
        with pytest.raises(asyncpg.RaiseError, match="append-only"):
            await conn.execute("UPDATE audit_log SET outcome = 'OK'")
        with pytest.raises(asyncpg.RaiseError, match="append-only"):
            await conn.execute("DELETE FROM audit_log")
        assert await conn.fetchval("SELECT count(*) FROM audit_log") == 1
