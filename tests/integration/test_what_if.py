"""whatIf: a tolerance tried over the demo's CSR report clears the 157.7% exception and stores nothing; what it
foresees is what a real re-validation under the amended catalogue then stores."""

from __future__ import annotations

from collections import Counter

import pytest

from api import demo_data, demo_reports
from api.settings import Settings
from schema.relay import global_id
from sql import submissions
from workers.validate import Limits, run

WHAT_IF = """query($t: String!, $from: String!, $to: String!, $c: CatalogueChangeInput!) {
    whatIf(reportType: $t, fromPeriod: $from, toPeriod: $to, change: $c) {
        reportType catalogueVersion
        periods { period statusToday statusWouldBe submission { id }
            added { ruleCode severity subject message row raisesException }
            cleared { ruleCode severity subject message row details raisesException exception { id status } }
            changed { ruleCode severity was subject message row } }
        cost { estimated periods bytes findings cpuSeconds milliseconds } } }"""
# A what-if takes the heavy lane, which rests after each one (twice as long as it ran, the child's start included):
# the tests here try several in a row, so they wait for it longer than a person's request would.
APP_SETTINGS = Settings(acquire_timeout_s=30)
FINDINGS = """query($id: ID!) { node(id: $id) { ... on ReportSubmission { status
    findings(first: 100) { edges { node { ruleCode severity subject message row } } } } } }"""


@pytest.fixture
async def demo(pool):
    async with pool.acquire() as conn:
        await demo_data.load(conn)
    await demo_reports.load(pool)


async def row_counts(pool) -> dict[str, int]:
    async with pool.acquire() as conn:
        tables = [
            r["table_name"]
            for r in await conn.fetch(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
                "AND table_type = 'BASE TABLE' ORDER BY table_name"
            )
        ]
        return {t: await conn.fetchval(f'SELECT count(*) FROM "{t}"') for t in tables}


def key(f: dict) -> tuple:
    return (f["ruleCode"], f["severity"], f["subject"], f["row"], f["message"])


async def test_an_upper_band_of_160_clears_the_157_7_exception_and_stores_nothing(demo, pool, gql, api_keys):
    opsg = await api_keys.get("opsg")
    before = await row_counts(pool)
    body = await gql(
        WHAT_IF, {"t": "CSR_VARIANCE", "from": "2018-05", "to": "2018-05", "c": {"toleranceUpperPct": 160}}, key=opsg
    )
    answer = body["data"]["whatIf"]
    assert [p["period"] for p in answer["periods"]] == ["2018-05"]
    may = answer["periods"][0]
    cleared = {f["subject"]: f for f in may["cleared"] if f["ruleCode"] == "VARIANCE_ABOVE_TOLERANCE"}
    assert set(cleared) == {"TOTAL", "ALL-SUBSCRIBERS"}
    assert cleared["TOTAL"]["details"]["ratio"] == 157.7 and "157.7%" in cleared["TOTAL"]["message"]
    assert cleared["TOTAL"]["raisesException"] is True
    assert cleared["TOTAL"]["exception"]["status"] == "OPEN"  # the exception that stands today
    assert may["added"] == [] and may["changed"] == []
    assert (may["statusToday"], may["statusWouldBe"]) == ("FLAGGED", "PASSED")
    assert answer["cost"]["periods"] == 1 and answer["cost"]["estimated"] > 2500  # the heavy lane's share
    assert answer["cost"]["bytes"] > 0 and answer["cost"]["findings"] > 0
    # Nothing stored: every table holds as many rows as before.
    assert await row_counts(pool) == before


async def test_what_if_equals_what_a_revalidation_under_the_amended_catalogue_stores(demo, pool, gql, api_keys):
    secas = await api_keys.get("secas")
    variables = {"t": "CSR_VARIANCE", "from": "2018-04", "to": "2018-06", "c": {"toleranceUpperPct": 160}}
    tried = (await gql(WHAT_IF, variables, key=secas))["data"]["whatIf"]
    (may,) = tried["periods"]  # only May has a submission
    sid = may["submission"]["id"]
    today = (await gql(FINDINGS, {"id": sid}, key=secas))["data"]["node"]
    stands = Counter(key(e["node"]) for e in today["findings"]["edges"])
    foreseen = stands - Counter(key(f) for f in may["cleared"]) + Counter(key(f) for f in may["added"])
    for f in may["changed"]:
        foreseen -= Counter([key({**f, "severity": f["was"]})])
        foreseen += Counter([key(f)])

    amended = await gql(
        """mutation { amendReportType(input: {code: "CSR_VARIANCE", toleranceUpperPct: 160}) { errors { code } } }""",
        key=secas,
    )
    assert amended["data"]["amendReportType"]["errors"] == []
    from schema.relay import pk_of

    pk = pk_of(sid, "ReportSubmission")
    async with pool.acquire() as conn:
        await submissions.reset_for_revalidation(conn, id=pk)
    assert await run(pool, pk, Limits()) == may["statusWouldBe"]
    stored = (await gql(FINDINGS, {"id": global_id("ReportSubmission", pk)}, key=secas))["data"]["node"]
    assert Counter(key(e["node"]) for e in stored["findings"]["edges"]) == foreseen
    # And under the catalogue as it now stands, the what-if foresees no change at all.
    again = (await gql(WHAT_IF, {**variables, "c": {}}, key=secas))["data"]["whatIf"]["periods"][0]
    assert (again["added"], again["cleared"], again["changed"]) == ([], [], [])


async def test_a_service_level_and_a_due_rule_are_tried_too(demo, gql, api_keys):
    opsg = await api_keys.get("opsg")
    pmr = await gql(
        WHAT_IF,
        {
            "t": "PMR",
            "from": "2018-04",
            "to": "2018-04",
            "c": {"serviceLevels": [{"measure": "CPM1", "targetPct": 99.99, "minimumPct": 99.9}]},
        },
        key=opsg,
    )
    added = pmr["data"]["whatIf"]["periods"][0]["added"]
    assert added and {f["ruleCode"] for f in added} <= {"BELOW_TARGET", "BELOW_MINIMUM"}
    assert all(f["subject"].startswith("CPM1/") for f in added)
    # A due rule of 2 Working Days makes May's CSR report (received 12 June) late.
    late = await gql(
        WHAT_IF, {"t": "CSR_VARIANCE", "from": "2018-05", "to": "2018-05", "c": {"dueWorkingDays": 2}}, key=opsg
    )
    assert [f["ruleCode"] for f in late["data"]["whatIf"]["periods"][0]["added"]] == ["LATE_DELIVERY"]


@pytest.mark.parametrize(
    ("role", "code"), [("dcc", "FORBIDDEN"), ("panel", "FORBIDDEN"), ("public", "UNAUTHENTICATED")]
)
async def test_only_opsg_and_the_administrator_try_changes(gql, api_keys, role, code):
    body = await gql(
        WHAT_IF,
        {"t": "CSR_VARIANCE", "from": "2018-05", "to": "2018-05", "c": {}},
        key=await api_keys.get(role),
        expect_errors=True,
    )
    assert body["errors"][0]["extensions"]["code"] == code


SMALL = """query($t: String!, $from: String!, $to: String!, $c: CatalogueChangeInput!) {
    whatIf(reportType: $t, fromPeriod: $from, toPeriod: $to, change: $c) { reportType } }"""


async def test_a_bad_range_is_refused_before_anything_runs(gql, api_keys):
    opsg = await api_keys.get("opsg")
    for variables, words in (
        ({"t": "CSR_VARIANCE", "from": "2018-06", "to": "2018-05", "c": {}}, "after"),
        ({"t": "CSR_VARIANCE", "from": "2016-01", "to": "2018-05", "c": {}}, "at most 18"),
        ({"t": "CSR_VARIANCE", "from": "2018-05", "to": "2018-05", "c": {"toleranceUpperPct": -1}}, "percentage"),
    ):
        body = await gql(SMALL, variables, key=opsg, expect_errors=True)
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        assert words in body["errors"][0]["message"]


def test_a_what_if_takes_the_heavy_lane_whatever_it_selects():
    import graphql

    from schema.cost import DEFAULT_BUDGET, HEAVY_SHARE, estimate
    from schema.root import build_schema

    types = graphql.build_schema(build_schema().as_str())
    one = {"t": "CSR_VARIANCE", "from": "2018-05", "to": "2018-05", "c": {}}
    year = {**one, "from": "2017-07", "to": "2018-06"}
    small, twelve = (estimate(types, graphql.parse(SMALL), None, v).total for v in (one, year))
    assert DEFAULT_BUDGET // HEAVY_SHARE < small < twelve <= DEFAULT_BUDGET
