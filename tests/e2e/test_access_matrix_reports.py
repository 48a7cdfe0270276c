"""The access matrix (docs/domain.md, "Roles") for every DCC-reporting operation.

One table: operation → what each role gets. One parametrized test over (operation, role), each on a fresh database
seeded with one FLAGGED CSR_VARIANCE submission for 2018-05 and its OPEN exception. Outcomes, by kind of operation:
  reads          "seen" (non-empty list, totalCount > 0, or a node) / "absent" (empty, totalCount 0, null) — never
                 an error;
  queries        "ok", or the top-level error code (FORBIDDEN, UNAUTHENTICATED);
  mutations      "ok" (no payload errors), or the payload error code;
  REST           the HTTP status.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from schema.relay import global_id
from sql import parties
from tests.support.seed import exception_ids, validated

ROLES = ("public", "party", "dcc", "opsg", "panel", "secas", "admin")
FLAGGED_CSV = b"subscriber,forecast,actual\nS1,553814,873383\n"


@dataclass
class Ctx:
    client: httpx.AsyncClient
    gql: Any
    api_keys: Any
    key: str | None
    submission: str
    submission_pk: int
    exception: str


Run = Callable[[Ctx], Awaitable[str]]


# --- how each kind of operation is run and its outcome named


def seen(present: bool) -> str:
    return "seen" if present else "absent"


async def query(ctx: Ctx, q: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = await ctx.gql(q, variables, key=ctx.key)  # asserts no errors
    data: dict[str, Any] = body["data"]
    return data


async def query_or_code(ctx: Ctx, q: str, variables: dict[str, Any] | None = None) -> str:
    body = await ctx.gql(q, variables, key=ctx.key, expect_errors=True)
    if body.get("errors"):
        codes = {e.get("extensions", {}).get("code") for e in body["errors"]}
        assert len(codes) == 1, body
        return str(codes.pop())
    return "ok"


async def mutate(ctx: Ctx, q: str, variables: dict[str, Any], name: str) -> str:
    data = await query(ctx, q, variables)
    errors = data[name]["errors"]
    if not errors:
        return "ok"
    assert len(errors) == 1 and errors[0]["message"], errors
    return str(errors[0]["code"])


def auth(ctx: Ctx) -> dict[str, str]:
    return {"Authorization": f"Bearer {ctx.key}"} if ctx.key else {}


# --- the operations


async def report_types(ctx: Ctx) -> str:
    data = await query(ctx, "{ reportTypes { code } }")
    return "ok" if "CSR_VARIANCE" in [t["code"] for t in data["reportTypes"]] else "absent"


async def reporting_calendar(ctx: Ctx) -> str:
    data = await query(ctx, '{ reportingCalendar(month: "2018-05") { reportType period dueAt } }')
    return "ok" if any(d["reportType"] == "CSR_VARIANCE" for d in data["reportingCalendar"]) else "absent"


async def report_submissions(ctx: Ctx) -> str:
    c = (await query(ctx, "{ reportSubmissions(first: 10) { totalCount edges { node { id } } } }"))["reportSubmissions"]
    assert (c["totalCount"] == 0) == (c["edges"] == []), c
    return seen(c["edges"] == [{"node": {"id": ctx.submission}}] and c["totalCount"] == 1)


async def report_submission(ctx: Ctx) -> str:
    data = await query(ctx, "query($id: ID!) { reportSubmission(id: $id) { id status } }", {"id": ctx.submission})
    if data["reportSubmission"] is None:
        return "absent"
    assert data["reportSubmission"] == {"id": ctx.submission, "status": "FLAGGED"}
    return "seen"


async def exceptions(ctx: Ctx) -> str:
    c = (await query(ctx, "{ exceptions(first: 10) { totalCount edges { node { id status } } } }"))["exceptions"]
    assert (c["totalCount"] == 0) == (c["edges"] == []), c
    return seen({"node": {"id": ctx.exception, "status": "OPEN"}} in c["edges"] and c["totalCount"] >= 1)


def node_of(type_name: str, attr: str) -> Run:
    async def run(ctx: Ctx) -> str:
        gid = getattr(ctx, attr)
        data = await query(ctx, "query($id: ID!) { node(id: $id) { __typename id } }", {"id": gid})
        if data["node"] is None:
            return "absent"
        assert data["node"] == {"__typename": type_name, "id": gid}
        return "seen"

    return run


async def opsg_report(ctx: Ctx) -> str:
    return await query_or_code(ctx, '{ opsgReport(month: "2018-06") { month markdown rows { __typename } } }')


async def audit_log(ctx: Ctx) -> str:
    # Something to find: an administrator's amendment, recorded in the log.
    admin = await ctx.api_keys.get("admin")
    r = await ctx.gql(
        'mutation { amendCalendar(day: "2018-12-27", working: false, reason: "x") { errors { code } } }', key=admin
    )
    assert r["data"]["amendCalendar"]["errors"] == []
    c = (await query(ctx, "{ auditLog(first: 10) { totalCount edges { node { operation } } } }"))["auditLog"]
    assert (c["totalCount"] == 0) == (c["edges"] == []), c
    return seen(any(e["node"]["operation"] == "amendCalendar" for e in c["edges"]))


UPLOAD = """mutation($file: Upload!) { uploadReport(reportType: "CSR_VARIANCE", period: "2018-07", file: $file) {
    submission { id } errors { code message field } } }"""


async def upload_report(ctx: Ctx) -> str:
    operations = json.dumps({"query": UPLOAD, "variables": {"file": None}})
    r = await ctx.client.post(
        "/graphql",
        data={"operations": operations, "map": json.dumps({"0": ["variables.file"]})},
        files={"0": ("csr.csv", FLAGGED_CSV, "text/csv")},
        headers=auth(ctx) | {"X-Secgov-Upload": "1"},
    )
    assert r.status_code == 200, r.text
    payload = r.json()["data"]["uploadReport"]
    if not payload["errors"]:
        assert payload["submission"] is not None
        return "ok"
    assert payload["submission"] is None
    return str(payload["errors"][0]["code"])


REVIEW = """mutation($id: ID!, $action: ReviewAction!, $comment: String) {
    reviewException(id: $id, action: $action, comment: $comment) { exception { status } errors { code message } } }"""


def review(action: str, *, escalated_first: bool = False) -> Run:
    async def run(ctx: Ctx) -> str:
        if escalated_first:
            opsg = await ctx.api_keys.get("opsg")
            r = await ctx.gql(REVIEW, {"id": ctx.exception, "action": "ESCALATE", "comment": "to the Panel"}, key=opsg)
            assert r["data"]["reviewException"]["errors"] == [], r
        return await mutate(ctx, REVIEW, {"id": ctx.exception, "action": action, "comment": "noted"}, "reviewException")

    return run


async def revalidate(ctx: Ctx) -> str:
    return await mutate(
        ctx,
        "mutation($id: ID!) { revalidateSubmission(id: $id) { submission { id } errors { code message } } }",
        {"id": ctx.submission},
        "revalidateSubmission",
    )


async def amend_report_type(ctx: Ctx) -> str:
    return await mutate(
        ctx,
        "mutation($input: AmendReportTypeInput!) { amendReportType(input: $input) { "
        "reportType { code } errors { code message } } }",
        {"input": {"code": "CSR_VARIANCE", "dueWorkingDays": 7}},
        "amendReportType",
    )


async def record_observation(ctx: Ctx) -> str:
    return await mutate(
        ctx,
        "mutation($input: RecordObservationInput!) { recordObservation(input: $input) { "
        "observation { text } errors { code message } } }",
        {"input": {"reportType": "CSR_VARIANCE", "period": "2018-05", "text": "Noted."}},
        "recordObservation",
    )


async def amend_calendar(ctx: Ctx) -> str:
    return await mutate(
        ctx,
        'mutation { amendCalendar(day: "2018-12-24", working: false, reason: "closure") { '
        "day errors { code message } } }",
        {},
        "amendCalendar",
    )


async def rest_upload(ctx: Ctx) -> str:
    r = await ctx.client.post(
        "/api/v1/reports/CSR_VARIANCE/2018-05",
        content=FLAGGED_CSV.replace(b"S1", b"S2"),
        headers=auth(ctx) | {"Content-Type": "text/csv"},
    )
    return str(r.status_code)


async def rest_submission(ctx: Ctx) -> str:
    r = await ctx.client.get(f"/api/v1/submissions/{ctx.submission}", headers=auth(ctx))
    if r.status_code == 200:
        assert r.json()["status"] == "FLAGGED"
    return str(r.status_code)


def download(fmt: str) -> Run:
    async def run(ctx: Ctx) -> str:
        r = await ctx.client.get(f"/api/v1/opsg-report/2018-06.{fmt}", headers=auth(ctx))
        if r.status_code == 200:
            assert r.content
        return str(r.status_code)

    return run


# --- the one table: (operation, runner, {role: outcome}) in ROLES order


def row(*outcomes: str) -> dict[str, str]:
    assert len(outcomes) == len(ROLES)
    return dict(zip(ROLES, outcomes, strict=True))


EVERYONE = row("ok", "ok", "ok", "ok", "ok", "ok", "ok")
READERS = row("absent", "absent", "seen", "seen", "seen", "seen", "seen")
UPLOADERS = row("UNAUTHENTICATED", "FORBIDDEN", "ok", "FORBIDDEN", "FORBIDDEN", "ok", "ok")
STAFF = row("UNAUTHENTICATED", "FORBIDDEN", "FORBIDDEN", "FORBIDDEN", "FORBIDDEN", "ok", "ok")
OPSG_PACK = row("UNAUTHENTICATED", "FORBIDDEN", "FORBIDDEN", "ok", "ok", "ok", "ok")
DOWNLOAD = row("401", "403", "403", "200", "200", "200", "200")

TABLE: list[tuple[str, Run, dict[str, str]]] = [
    ("reportTypes", report_types, EVERYONE),
    ("reportingCalendar", reporting_calendar, EVERYONE),
    ("reportSubmissions", report_submissions, READERS),
    ("reportSubmission", report_submission, READERS),
    ("exceptions", exceptions, READERS),
    ("node:ReportSubmission", node_of("ReportSubmission", "submission"), READERS),
    ("node:ReportException", node_of("ReportException", "exception"), READERS),
    ("opsgReport", opsg_report, OPSG_PACK),
    ("auditLog", audit_log, row("absent", "absent", "absent", "absent", "absent", "seen", "seen")),
    ("uploadReport", upload_report, UPLOADERS),
    (
        "reviewException:COMMENT",
        review("COMMENT"),
        row("UNAUTHENTICATED", "FORBIDDEN", "ok", "ok", "FORBIDDEN", "ok", "ok"),
    ),
    (
        "reviewException:RESOLVE",
        review("RESOLVE"),
        row("UNAUTHENTICATED", "FORBIDDEN", "FORBIDDEN", "ok", "FORBIDDEN", "ok", "ok"),
    ),
    (
        "reviewException:RESOLVE-escalated",
        review("RESOLVE", escalated_first=True),
        row("UNAUTHENTICATED", "FORBIDDEN", "FORBIDDEN", "ok", "ok", "ok", "ok"),
    ),
    (
        "recordObservation",
        record_observation,
        row("UNAUTHENTICATED", "FORBIDDEN", "FORBIDDEN", "ok", "FORBIDDEN", "ok", "ok"),
    ),
    ("revalidateSubmission", revalidate, STAFF),
    ("amendReportType", amend_report_type, STAFF),
    ("amendCalendar", amend_calendar, STAFF),
    ("POST /api/v1/reports", rest_upload, row("401", "403", "202", "403", "403", "202", "202")),
    ("GET /api/v1/submissions/{id}", rest_submission, row("401", "404", "200", "200", "200", "200", "200")),
    ("GET /api/v1/opsg-report.md", download("md"), DOWNLOAD),
    ("GET /api/v1/opsg-report.docx", download("docx"), DOWNLOAD),
]

XFAIL: dict[tuple[str, str], str] = {}

CASES = [
    pytest.param(
        name,
        run,
        role,
        expected[role],
        id=f"{name}-{role}",
        marks=[pytest.mark.xfail(strict=True, reason=XFAIL[name, role])] if (name, role) in XFAIL else [],
    )
    for name, run, expected in TABLE
    for role in ROLES
]


@pytest.mark.parametrize(("name", "run", "role", "expected"), CASES)
async def test_access(
    name: str, run: Run, role: str, expected: str, pool: Any, client: httpx.AsyncClient, gql: Any, api_keys: Any
) -> None:
    pk = await validated(pool, "CSR_VARIANCE", "2018-05", FLAGGED_CSV)
    exc = (await exception_ids(pool, "VARIANCE_ABOVE_TOLERANCE"))[0]
    party_id = None
    if role == "party":
        async with pool.acquire() as conn:
            party_id = await parties.create_party(
                conn, name="Alpha Energy", category="SMALL_SUPPLIER", voting_group_id=None
            )
    ctx = Ctx(
        client=client,
        gql=gql,
        api_keys=api_keys,
        key=await api_keys.get(role, party_id=party_id),
        submission=str(global_id("ReportSubmission", pk)),
        submission_pk=pk,
        exception=str(global_id("ReportException", exc)),
    )
    assert await run(ctx) == expected, (name, role)


def test_the_table_covers_every_role_and_operation() -> None:
    assert all(list(expected) == list(ROLES) for _, _, expected in TABLE)
    assert len({name for name, _, _ in TABLE}) == len(TABLE)
