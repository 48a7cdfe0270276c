"""Issue 4, acceptance 3: the OPSG table of June 2018 from data, as in the July 2018 Sub-Committee report (§2.1).

The inputs are the paper's: PMR April 2018, SR variance April and May 2018, CSR variance May 2018 and the RDP
incident report May 2018, with receipt dates that give the paper's verdicts (SR April late, the rest on time).
Submissions are stored with the store's own functions and validated in process (no broker needed)."""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from docx import Document

from domain.opsg.dates_numbers import ordinal
from domain.opsg.model import ReportRow, Shortfall
from domain.opsg.render import neutralise
from domain.opsg.wording import content, delivery_text
from sql import parties
from sql.submissions import receive
from workers.validate import Limits, run

LONDON = ZoneInfo("Europe/London")

PMR = (
    "\n".join(
        [
            "measure,provider,actual_pct,target_pct,minimum_pct,name",
            "CPM1,CODE,99.6,,,On-demand Service Responses",
            "CPM2,CODE,99.9,,,Future-dated Service Responses",
            "CPM3,CODE,99.4,,,Alerts",
            "CPM4,CODE,100,,,Category 1 and 2 Incidents",
            "CPM5,CODE,96.2,,,Category 3 to 5 Incidents",
            "CPM6,CODE,99.97,,,Self Service Interface availability",
            "DSP1,DSP,99.8,99.5,97,DSP Service Responses",
            "CSP1,CSP_N,99.7,99.0,96.0,CSP North Service Responses",
            "CSP1,CSP_C,99.9,99.0,96.0,CSP Central Service Responses",
            "CSP1,CSP_S,99.9,99.0,96.0,CSP South Service Responses",
        ]
    )
    + "\n"
)
# April 2018: 94,715 sent against 10,586,714 forecast; May 2018: 208,851 against 583,151.
SR_APRIL = "user_id,forecast,actual\nASE001,10000000,90000\nPNN004,586714,4715\n"
SR_MAY = "user_id,forecast,actual\nASE001,500000,200000\nPNN004,83151,8851\n"
CSR_MAY = "subscriber,forecast,actual\nES-SUPPLIER-1,553814,873383\n"
RDP_MAY = (
    "incident_ref,rdp,raised_on,status,resolved_on\n"
    + "".join(
        f"RDP-18-{i:03d},{'ELEXON' if i % 2 else 'XOSERVE'},2018-05-{i + 1:02d},RESOLVED,2018-05-{i + 2:02d}\n"
        for i in range(1, 15)
    )
    + "RDP-18-015,ELEXON,2018-05-29,OPEN,\n"
)

INPUTS = [  # (code, period, file, received at)
    ("PMR", "2018-04", PMR, datetime(2018, 6, 1, 9, 30, tzinfo=UTC)),  # due 06/06/2018
    ("SR_VARIANCE", "2018-04", SR_APRIL, datetime(2018, 6, 4, 10, 0, tzinfo=UTC)),  # due 15/05/2018: late
    ("SR_VARIANCE", "2018-05", SR_MAY, datetime(2018, 6, 14, 11, 0, tzinfo=UTC)),  # due 14/06/2018
    ("CSR_VARIANCE", "2018-05", CSR_MAY, datetime(2018, 6, 12, 15, 0, tzinfo=UTC)),  # due 14/06/2018
    ("RDP_INCIDENT", "2018-05", RDP_MAY, datetime(2018, 6, 8, 9, 0, tzinfo=UTC)),  # no deadline
]

ROWS = """query($month: String!) { opsgReport(month: $month) { month asAt markdown rows {
    reportType period delivery deliveryText secClause content observations } } }"""
CALENDAR = """query($month: String!, $asAt: DateTime) { reportingCalendar(month: $month, asAt: $asAt) {
    reportType period dueAt delivery submission { id period receivedAt } } }"""


async def store(pool, code: str, period: str, text: str, received_at: datetime) -> int:
    content = text.encode()
    async with pool.acquire() as conn:
        received = await receive(
            conn,
            code=code,
            period=period,
            content=content,
            sha256=hashlib.sha256(content).digest(),
            filename=f"{code}-{period}.csv",
            content_type="text/csv",
            received_at=received_at,
            uploaded_by="test",
            request_id=None,
        )
    status = await run(pool, received.submission_id, Limits())
    assert status in ("PASSED", "FLAGGED"), (code, period, status)
    return received.submission_id


async def paper_inputs(pool) -> None:
    for code, period, text, at in INPUTS:
        await store(pool, code, period, text, at)


def by_key(rows):
    return {(r["reportType"], r["period"]): r for r in rows}


async def key_for(pool, api_keys, role):
    if role != "party":
        return await api_keys.get(role)
    async with pool.acquire() as conn:
        party = await parties.create_party(conn, name="Example Energy", category="SMALL_SUPPLIER", voting_group_id=None)
    return await api_keys.get("party", party_id=party)


async def june(gql, api_keys, role="opsg"):
    body = await gql(ROWS, {"month": "2018-06"}, key=await api_keys.get(role))
    return body["data"]["opsgReport"]


async def test_june_2018_gives_the_papers_verdicts_and_figures(pool, gql, api_keys):
    await paper_inputs(pool)
    report = await june(gql, api_keys)
    assert report["month"] == "2018-06"
    # June 2018 is in the past: delivery is judged as at the end of the month.
    assert datetime.fromisoformat(report["asAt"]).astimezone(LONDON).strftime("%Y-%m-%d %H:%M") == "2018-06-30 23:59"
    rows = by_key(report["rows"])
    # The paper's eight rows: five reports considered and three quarterly reports not due.
    assert set(rows) == {
        ("PMR", "2018-04"),
        ("SR_VARIANCE", "2018-04"),
        ("SR_VARIANCE", "2018-05"),
        ("CSR_VARIANCE", "2018-05"),
        ("RDP_INCIDENT", "2018-05"),
        ("CH_RETURNS", None),
        ("NEP", None),
        ("PROBLEM_QUARTERLY", None),
    }
    verdicts = {k: (r["delivery"], r["deliveryText"]) for k, r in rows.items()}
    assert verdicts == {
        ("PMR", "2018-04"): ("ON_TIME", "On Time (SEC H13.4 – Monthly 25 working days following end of month)"),
        ("SR_VARIANCE", "2018-04"): ("LATE", "Late (due 15/05/2018, received 04/06/2018)"),
        ("SR_VARIANCE", "2018-05"): ("ON_TIME", "On Time (SEC H3.24 – 10th working day of month)"),
        ("CSR_VARIANCE", "2018-05"): ("ON_TIME", "On Time (SEC L8.9 – 10th Working day following month end)"),
        ("RDP_INCIDENT", "2018-05"): (
            "NO_DEADLINE",
            "On Time (SEC Appendix AG 2.5.10 – Monthly - timing not specified)",
        ),
        ("CH_RETURNS", None): ("NOT_DUE", "Not due this month."),
        ("NEP", None): ("NOT_DUE", "Not due this month."),
        ("PROBLEM_QUARTERLY", None): ("NOT_DUE", "Not due this month."),
    }
    csr = rows[("CSR_VARIANCE", "2018-05")]["content"]
    assert csr == (
        "Per SEC L8.9(a), 873,383 requests were sent versus a forecast of 553,814. This is a variance of "
        "319,569. This equates to 157.7% of the total forecast volume."
    ), csr
    sr_april = rows[("SR_VARIANCE", "2018-04")]["content"]
    assert "94,715 requests were sent versus a forecast of 10,586,714." in sr_april
    assert "This equates to 0.9% of the total forecast volume." in sr_april
    sr_may = rows[("SR_VARIANCE", "2018-05")]["content"]
    assert "208,851 requests were sent versus a forecast of 583,151." in sr_may
    assert "35.8% of the total forecast volume" in sr_may
    rdp = rows[("RDP_INCIDENT", "2018-05")]["content"]
    assert rdp == "14 Incidents reported in the period as resolved. One open Incident still awaiting resolution."
    pmr = rows[("PMR", "2018-04")]["content"]
    assert pmr == "Per SEC 13.1. The report indicates all Code, DSP and CSP measures are all above Target."
    for key in [("CH_RETURNS", None), ("NEP", None), ("PROBLEM_QUARTERLY", None)]:
        assert rows[key]["content"] == "n/a" and rows[key]["observations"] == []
    assert rows[("PMR", "2018-04")]["secClause"] == "H13.4"

    # Observations: the exceptions of each report and period, with status.
    csr_notes = rows[("CSR_VARIANCE", "2018-05")]["observations"]
    assert len(csr_notes) == 2
    assert csr_notes[0].startswith("VARIANCE_ABOVE_TOLERANCE ES-SUPPLIER-1 (WARNING, OPEN): ")
    assert csr_notes[1].startswith("VARIANCE_ABOVE_TOLERANCE TOTAL (WARNING, OPEN): ")
    april_rules = {n.split(" ")[0] for n in rows[("SR_VARIANCE", "2018-04")]["observations"]}
    assert april_rules == {"LATE_DELIVERY"}  # below forecast is information, not an exception
    assert rows[("PMR", "2018-04")]["observations"] == []

    # The Markdown table has the paper's four columns and one line per report type (periods merged).
    md_text = report["markdown"]
    assert "| Report | Delivery per SEC | Content | Observations |" in md_text
    # Only what Markdown would read as markup is escaped (md()): the source reads as text.
    sr = "Service Request variance report – April \\& May 2018"
    assert f"| {sr} | April report delayed (due 15/05/2018, received 04/06/2018). May on time." in md_text
    assert "| DCC Responsible Communications Hub returns report | Not due this month. | n/a | n/a |" in md_text
    assert "Delivery as at the end of June 2018." in md_text
    assert len([ln for ln in md_text.splitlines() if ln.startswith("| ") and not ln.startswith("| Report |")]) == 7


async def test_observations_carry_the_latest_review_comment(pool, gql, api_keys):
    await paper_inputs(pool)
    opsg = await api_keys.get("opsg")
    found = await gql(
        """{ exceptions(filter: {reportType: "CSR_VARIANCE", period: "2018-05"}) {
        edges { node { id subject } } } }""",
        key=opsg,
    )
    (edge,) = [e for e in found["data"]["exceptions"]["edges"] if e["node"]["subject"] == "TOTAL"]
    for action, comment in (
        ("ACKNOWLEDGE", None),
        ("RESOLVE", "Despite being outside tolerance, DCC has sufficient capacity to manage."),
    ):
        r = await gql(
            """mutation($id: ID!, $action: ReviewAction!, $comment: String) {
            reviewException(id: $id, action: $action, comment: $comment) { errors { code message } } }""",
            {"id": edge["node"]["id"], "action": action, "comment": comment},
            key=opsg,
        )
        assert r["data"]["reviewException"]["errors"] == []
    rows = by_key((await june(gql, api_keys))["rows"])
    note = rows[("CSR_VARIANCE", "2018-05")]["observations"][1]
    assert note.startswith("VARIANCE_ABOVE_TOLERANCE TOTAL (WARNING, RESOLVED): ")
    assert note.endswith("Despite being outside tolerance, DCC has sufficient capacity to manage.")
    assert "Latest comment (opsg-" in note


async def test_a_missing_report_and_a_resubmission(pool, gql, api_keys):
    # Only the CSR report of May arrives, then a corrected file: SR May and PMR April are missing at the month's
    # end; the figures come from the resubmission and the verdict from the first file.
    await store(
        pool,
        "CSR_VARIANCE",
        "2018-05",
        "subscriber,forecast,actual\nX,1000,1000\n",
        datetime(2018, 6, 13, 9, tzinfo=UTC),
    )
    await store(pool, "CSR_VARIANCE", "2018-05", CSR_MAY, datetime(2018, 6, 20, 9, tzinfo=UTC))
    rows = by_key((await june(gql, api_keys, role="panel"))["rows"])
    assert rows[("PMR", "2018-04")]["delivery"] == "MISSING"
    assert rows[("PMR", "2018-04")]["deliveryText"] == "Missing"
    assert rows[("PMR", "2018-04")]["content"] == "No report received."
    assert rows[("SR_VARIANCE", "2018-05")]["delivery"] == "MISSING"
    csr = rows[("CSR_VARIANCE", "2018-05")]
    assert csr["deliveryText"] == "On Time (SEC L8.9 – 10th Working day following month end)"
    assert csr["content"].startswith("Per SEC L8.9(a), 873,383 requests were sent versus a forecast of 553,814.")
    assert csr["content"].endswith("Figures from the resubmission of 20/06/2018.")
    # A type without a deadline and nothing received has no row.
    assert not any(k[0] == "RDP_INCIDENT" for k in rows)


async def test_the_statement_count_does_not_grow_with_the_rows(pool, gql, api_keys, statements):
    from tests.e2e.test_register_statement_count import ours

    key = await api_keys.get("opsg")
    await gql(ROWS, {"month": "2018-01"}, key=key)  # the key is looked up once and cached
    # Each month asked once (a repeated query could be answered from the response cache); the data version check
    # is the cache's, not the table's.
    statements.reset()
    await gql(ROWS, {"month": "2018-06"}, key=key)
    empty = [s for s in ours(statements) if "data_version" not in s]
    await paper_inputs(pool)
    statements.reset()
    await gql(ROWS, {"month": "2018-06"}, key=key)
    full = [s for s in ours(statements) if "data_version" not in s]
    assert len(empty) == len(full) == 1, full


async def test_downloads_match_the_query(client, pool, gql, api_keys):
    await paper_inputs(pool)
    opsg = await api_keys.get("opsg")
    report = await june(gql, api_keys)
    auth = {"Authorization": f"Bearer {opsg}"}

    md = await client.get("/api/v1/opsg-report/2018-06.md", headers=auth)
    assert md.status_code == 200
    assert md.headers["content-type"].startswith("text/markdown")
    assert md.text == report["markdown"]

    docx = await client.get("/api/v1/opsg-report/2018-06.docx", headers=auth)
    assert docx.status_code == 200
    assert 'filename="opsg-report-2018-06.docx"' in docx.headers["content-disposition"]
    document = Document(io.BytesIO(docx.content))
    assert "June 2018" in document.paragraphs[0].text
    (table,) = document.tables
    cells = [[c.text for c in row.cells] for row in table.rows]
    assert cells[0] == ["Report", "Delivery per SEC", "Content", "Observations"]
    assert len(cells) == 1 + 7  # one per report type, as the paper prints it
    by_report = {c[0]: c for c in cells[1:]}
    assert by_report["Service Request variance report – April & May 2018"][1].startswith(
        "April report delayed (due 15/05/2018, received 04/06/2018). May on time."
    )
    assert "157.7%" in by_report["Certificate Signing Request variance report – May 2018"][2]
    assert (
        by_report["Registration Data Provider incident report – May 2018"][2]
        == "14 Incidents reported in the period as resolved. One open Incident still awaiting resolution."
    )
    assert by_report["Quarterly Problem Report"][1:] == ["Not due this month.", "n/a", "n/a"]

    page = await client.get("/api/v1/opsg-report/2018-06.html", headers=auth)
    assert page.status_code == 200
    assert page.text.startswith("<!doctype html>")
    assert '<html lang="en-GB">' in page.text and '<th scope="col">Delivery per SEC</th>' in page.text
    assert "April report delayed (due 15/05/2018, received 04/06/2018)" in page.text

    sheet = await client.get("/api/v1/opsg-report/2018-06.csv", headers=auth)
    assert sheet.status_code == 200
    rows = list(csv.reader(io.StringIO(sheet.content.decode("utf-8-sig"))))
    assert rows[0] == ["Report", "Periods", "Delivery per SEC", "Content", "Observations"]
    sr = next(r for r in rows if r[1] == "2018-04 2018-05")
    assert sr[0] == "Service Request variance report – April & May 2018"
    assert sr[2].startswith("April report delayed (due 15/05/2018, received 04/06/2018). May on time.")


async def test_csv_and_docx_neutralise_formulas(client, pool, api_keys):
    async with pool.acquire() as conn:
        await conn.execute("""UPDATE report_types SET name = '=HYPERLINK("http://evil.example","x")'
                              WHERE code = 'NEP'""")
    auth = {"Authorization": f"Bearer {await api_keys.get('secas')}"}
    sheet = await client.get("/api/v1/opsg-report/2018-06.csv", headers=auth)
    rows = list(csv.reader(io.StringIO(sheet.content.decode("utf-8-sig"))))
    names = [r[0] for r in rows[1:]]
    assert '\'=HYPERLINK("http://evil.example","x")' in names
    assert not any(n.startswith(("=", "+", "-", "@")) for n in names)
    docx = await client.get("/api/v1/opsg-report/2018-06.docx", headers=auth)
    cells = [row.cells[0].text for row in Document(io.BytesIO(docx.content)).tables[0].rows]
    assert '\'=HYPERLINK("http://evil.example","x")' in cells


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("873,383 requests", "873,383 requests"),
        ("", ""),
    ],
)
def test_neutralise(cell, expected):
    assert neutralise(cell) == expected


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (10, "10th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (25, "25th"),
        (101, "101st"),
        (111, "111th"),
    ],
)
def test_ordinal(n, text):
    assert ordinal(n) == text


@pytest.mark.parametrize(
    ("role", "code"), [("public", "UNAUTHENTICATED"), ("party", "FORBIDDEN"), ("dcc", "FORBIDDEN")]
)
async def test_opsg_report_refused(pool, gql, api_keys, role, code):
    body = await gql(ROWS, {"month": "2018-06"}, key=await key_for(pool, api_keys, role), expect_errors=True)
    assert body["data"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == [code]


@pytest.mark.parametrize("role", ["opsg", "panel", "secas", "admin"])
async def test_opsg_report_allowed(gql, api_keys, role):
    report = await june(gql, api_keys, role=role)
    assert report["month"] == "2018-06"


@pytest.mark.parametrize(
    ("role", "status", "code"),
    [
        ("public", 401, "UNAUTHENTICATED"),
        ("dcc", 403, "FORBIDDEN"),
        ("party", 403, "FORBIDDEN"),
        ("panel", 200, None),
        ("admin", 200, None),
    ],
)
async def test_download_roles(pool, client, api_keys, role, status, code):
    key = await key_for(pool, api_keys, role)
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    r = await client.get("/api/v1/opsg-report/2018-06.md", headers=headers)
    assert r.status_code == status, r.text
    if code:
        assert r.json()["error"]["code"] == code


@pytest.mark.parametrize("path", ["2018-13.md", "June-2018.md", "2018-06.pdf", "2018-6.csv", "2018-06.x.md"])
async def test_download_bad_month_or_format(client, api_keys, path):
    r = await client.get(
        f"/api/v1/opsg-report/{path}", headers={"Authorization": f"Bearer {await api_keys.get('opsg')}"}
    )
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "INVALID_INPUT"


async def test_bad_month_in_graphql(gql, api_keys):
    body = await gql(ROWS, {"month": "2018-6"}, key=await api_keys.get("opsg"), expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    body = await gql(CALENDAR, {"month": "May 2018"}, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_reporting_calendar_may_2018(pool, gql, api_keys):
    await paper_inputs(pool)
    # Public: what is due and its delivery, but not the submission.
    body = await gql(CALENDAR, {"month": "2018-05"})
    due = {(d["reportType"], d["period"]): d for d in body["data"]["reportingCalendar"]}
    assert set(due) == {("PMR", "2018-03"), ("SR_VARIANCE", "2018-04"), ("CSR_VARIANCE", "2018-04")}
    sr = due[("SR_VARIANCE", "2018-04")]
    assert datetime.fromisoformat(sr["dueAt"]).astimezone(LONDON).isoformat() == "2018-05-15T23:59:59.999999+01:00"
    assert sr["delivery"] == "LATE"  # as at now, after the receipt of 4 June 2018
    assert sr["submission"] is None
    assert due[("CSR_VARIANCE", "2018-04")]["delivery"] == "MISSING"
    # A reader sees the submission that counts.
    body = await gql(CALENDAR, {"month": "2018-05"}, key=await api_keys.get("dcc"))
    sr = {(d["reportType"], d["period"]): d for d in body["data"]["reportingCalendar"]}[("SR_VARIANCE", "2018-04")]
    assert sr["submission"]["period"] == "2018-04"
    assert sr["submission"]["receivedAt"].startswith("2018-06-04T10:00:00")
    # As at other instants: before the deadline, after it but before the receipt, after the receipt.
    for at, expected in (
        ("2018-05-10T12:00:00Z", "NOT_YET_DUE"),
        ("2018-05-20T12:00:00Z", "MISSING"),
        ("2018-06-05T00:00:00Z", "LATE"),
    ):
        body = await gql(CALENDAR, {"month": "2018-05", "asAt": at})
        got = {(d["reportType"], d["period"]): d for d in body["data"]["reportingCalendar"]}
        assert got[("SR_VARIANCE", "2018-04")]["delivery"] == expected, at


async def test_reporting_calendar_quarterly(gql):
    body = await gql(CALENDAR, {"month": "2018-07"})
    due = {(d["reportType"], d["period"]) for d in body["data"]["reportingCalendar"]}
    assert {("CH_RETURNS", "2018-Q2"), ("NEP", "2018-Q2"), ("PROBLEM_QUARTERLY", "2018-Q2")} <= due
    assert ("RDP_INCIDENT", "2018-06") not in due  # no deadline, nothing to put in a calendar
    # Before the obligations start nothing is owed.
    body = await gql(CALENDAR, {"month": "2016-09"})
    assert body["data"]["reportingCalendar"] == []


def table_row(**changes) -> ReportRow:
    base = dict(
        report_type_id=1,
        report_type="PMR",
        report_name="Performance Measurement Report",
        sec_clause="H13.4",
        cadence="MONTHLY",
        due_working_days=25,
        tbc=(),
        delivery_wording=None,
        content_lead_in=None,
        table_order=1,
        period="2018-04",
        as_at=datetime(2018, 6, 30, 22, 59, tzinfo=UTC),
        delivery="ON_TIME",
        due_at=datetime(2018, 6, 6, 22, 59, 59, tzinfo=UTC),
        first_received_at=datetime(2018, 6, 1, tzinfo=UTC),
        submission_id=1,
        submission_status="FLAGGED",
        submission_received_at=datetime(2018, 6, 1, tzinfo=UTC),
        row_count=3,
        variance_rows=0,
        actual_total=None,
        forecast_total=None,
        ratio_pct=None,
        tolerance=None,
        measures=0,
        measures_checked=0,
        measures_no_data=0,
        providers=(),
        shortfalls=(),
        incidents=0,
        incidents_resolved=0,
        incidents_open=0,
        exception_count=0,
        exceptions=(),
    )
    return ReportRow(**(base | changes))


def test_pmr_content_names_the_measures_below_target():
    row = table_row(
        measures=4,
        measures_checked=2,
        measures_no_data=1,
        providers=("CSP_N", "CODE"),
        content_lead_in="Per SEC 13.1.",
        shortfalls=(
            Shortfall("CPM1/CODE", 97.25, 99.0, 96.0, "TARGET"),
            Shortfall("CSP1/CSP_N", 90.0, 99.0, 96.0, "MINIMUM"),
        ),
    )
    assert content(row) == (
        "Per SEC 13.1. The report indicates 2 of 4 measures below Target where data is available, 1 of them below "
        "the Minimum Service Level: CPM1/CODE 97.3% (Target 99.0%, Minimum 96.0%); CSP1/CSP_N 90.0% (Target 99.0%, "
        "Minimum 96.0%). 1 measure without a Target or Minimum Service Level not checked."
    )
    # A blank measure is no data: "where data is available".
    row = table_row(measures=3, measures_checked=2, measures_no_data=1, providers=("CODE", "DSP"))
    assert (
        content(row) == "The report indicates all Code and DSP measures are all above Target where data is available."
    )


def test_delivery_text_of_quarterly_tbc_and_other_verdicts():
    quarterly = dict(
        report_type="NEP",
        sec_clause=None,
        cadence="QUARTERLY",
        due_working_days=20,
        tbc=["sec_clause", "due_working_days"],
        period="2018-Q2",
    )
    assert (
        delivery_text(table_row(**quarterly))
        == "On Time (SEC clause (TBC) – Quarterly, 20th Working Day following quarter end (TBC))"
    )
    assert delivery_text(table_row(delivery="MISSING")) == "Missing"
    assert delivery_text(table_row(delivery="NOT_YET_DUE")) == "Not yet due"
    assert delivery_text(table_row(delivery="NOT_DUE", period=None)) == "Not due this month."
    # A type without catalogue wording gets wording from its due rule; with wording, the catalogue's.
    assert (
        delivery_text(table_row(due_working_days=1))
        == "On Time (SEC H13.4 – Monthly, 1st Working Day following month end)"
    )
    assert (
        delivery_text(table_row(due_working_days=2))
        == "On Time (SEC H13.4 – Monthly, 2nd Working Day following month end)"
    )
    assert (
        delivery_text(table_row(delivery_wording="SEC H13.4 – Monthly 25 working days following end of month"))
        == "On Time (SEC H13.4 – Monthly 25 working days following end of month)"
    )
    assert content(table_row(submission_status="VALIDATING")) == "Received 01/06/2018; validation not finished yet."
    assert (
        content(table_row(report_type="CH_RETURNS"))
        == "Received 01/06/2018, 3 rows; no figures are extracted from this report."
    )


def test_forecast_zero_has_no_share():
    row = table_row(report_type="CSR_VARIANCE", variance_rows=1, actual_total=Decimal(5), forecast_total=Decimal(0))
    assert content(row) == "5 requests were sent versus a forecast of 0: no share of the forecast can be given."
