"""The Operations Group's meeting recorded in one call (or refused as a whole), its history entries and follow-ups
as each role and classification may see them, follow-ups carried into the next month's table, and an overdue one
raised to OPSG once."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime

import pytest

from api import demo_data, demo_reports
from domain.opsg.render import md
from schema.relay import global_id
from services.meeting import flag_overdue
from sql import followups, governance
from workers.scheduler import OVERDUE_LOCK, exclusively, overdue_job

RECORD = """mutation($i: RecordMeetingOutcomeInput!) { recordMeetingOutcome(input: $i) {
    meeting { reference } month
    exceptions { id status history { action comment actor meeting { reference } } }
    followUps { id reference text owner ownerName due status reportType period }
    errors { code message field } } }"""
EXCEPTIONS = """query($t: String, $p: String) { exceptions(filter: { reportType: $t, period: $p }) { edges { node {
    id ruleCode subject status history { id action comment meeting { reference } } } } } }"""
TABLE = """query($m: String!) { opsgReport(month: $m) { heading markdown
    followUps { reference text owner status closingComment meeting { reference } } } }"""
CLOSE = """mutation($id: ID!, $c: String!) { closeFollowUp(id: $id, comment: $c) {
    followUp { status closedBy closingComment } errors { code message field } } }"""


@pytest.fixture
async def demo(pool):
    async with pool.acquire() as conn:
        await demo_data.load(conn)
    await demo_reports.load(pool)


async def meeting_id(pool, reference: str) -> str:
    async with pool.acquire() as conn:
        pk = await followups.meeting_id(conn, reference=reference)
    return global_id("Meeting", pk)


async def csr_may(gql, key) -> dict[str, dict]:
    body = await gql(EXCEPTIONS, {"t": "CSR_VARIANCE", "p": "2018-05"}, key=key)
    return {e["node"]["subject"]: e["node"] for e in body["data"]["exceptions"]["edges"]}


async def test_the_whole_meeting_is_recorded_in_one_call(demo, pool, gql, api_keys):
    opsg = await api_keys.get("opsg")
    csr = await csr_may(gql, opsg)
    outcome = {
        "meetingId": await meeting_id(pool, "OPSG_10_2407"),
        "month": "2018-07",
        "rows": [{"reportType": "CSR_VARIANCE", "period": "2018-06", "observation": "Not received: DCC to explain."}],
        "exceptions": [
            {"id": csr["TOTAL"]["id"], "action": "ESCALATE", "comment": "Capacity to be confirmed by the Panel"},
            {"id": csr["ALL-SUBSCRIBERS"]["id"]},
        ],
        "followUps": [
            {
                "text": "Explain the missing June CSR report",
                "owner": "DCC",
                "due": "2018-08-21",
                "reportType": "CSR_VARIANCE",
                "period": "2018-06",
            },
            {
                "text": "Confirm capacity for June",
                "owner": "SECAS",
                "due": "2018-08-21",
                "exceptionId": csr["TOTAL"]["id"],
            },
        ],
    }
    body = await gql(RECORD, {"i": outcome}, key=opsg)
    done = body["data"]["recordMeetingOutcome"]
    assert done["errors"] == []
    assert (done["meeting"]["reference"], done["month"]) == ("OPSG_10_2407", "2018-07")
    escalated, noted = done["exceptions"]
    assert escalated["status"] == "ESCALATED" and noted["status"] == "OPEN"
    assert escalated["history"][-1] == {
        "action": "ESCALATE",
        "comment": "Capacity to be confirmed by the Panel",
        "actor": "opsg-0",
        "meeting": {"reference": "OPSG_10_2407"},
    }
    assert noted["history"][-1]["action"] == "NOTED"
    assert noted["history"][-1]["meeting"] == {"reference": "OPSG_10_2407"}
    # Numbered as the body numbers them, in the order given; one given an exception concerns its report and period.
    assert [(f["reference"], f["ownerName"], f["status"]) for f in done["followUps"]] == [
        ("OPSG10/01", "DCC", "OVERDUE"),
        ("OPSG10/02", "SECAS", "OVERDUE"),
    ]
    assert (done["followUps"][1]["reportType"], done["followUps"][1]["period"]) == ("CSR_VARIANCE", "2018-05")
    table = (await gql(TABLE, {"m": "2018-07"}, key=opsg))["data"]["opsgReport"]
    assert table["heading"].endswith("at their meeting on 24th July 2018:")
    assert md("Not received: DCC to explain.") in table["markdown"]


async def test_a_meeting_is_refused_as_a_whole_naming_each_part(demo, pool, gql, api_keys):
    opsg = await api_keys.get("opsg")
    csr = await csr_may(gql, opsg)
    before = await gql(TABLE, {"m": "2018-07"}, key=opsg)
    outcome = {
        "meetingId": await meeting_id(pool, "OPSG_10_2407"),
        "month": "2018-07",
        "rows": [
            {"reportType": "CSR_VARIANCE", "period": "2018-06", "observation": "would be kept"},
            {"reportType": "PMR", "period": "2017-01", "observation": "not this month's"},
        ],
        "exceptions": [
            {"id": csr["ALL-SUBSCRIBERS"]["id"], "action": "ACKNOWLEDGE"},
            {"id": csr["TOTAL"]["id"], "action": "REOPEN", "comment": "not possible on an open exception"},
        ],
        "followUps": [
            {"text": "Fine", "owner": "DCC", "due": "2018-08-21", "reportType": "CSR_VARIANCE", "period": "2018-06"},
            {"text": "About nothing", "owner": "DCC", "due": "2018-08-21"},
        ],
    }
    done = (await gql(RECORD, {"i": outcome}, key=opsg))["data"]["recordMeetingOutcome"]
    assert done["meeting"] is None and done["followUps"] == []
    assert [(e["code"], e["field"]) for e in done["errors"]] == [
        ("INVALID_INPUT", "rows[1].period"),
        ("ILLEGAL_TRANSITION", "exceptions[1].action"),
        ("INVALID_INPUT", "followUps[1].reportType"),
    ]
    assert "PMR 2017-01" in done["errors"][0]["message"]
    assert "VARIANCE_ABOVE_TOLERANCE TOTAL of CSR_VARIANCE 2018-05" in done["errors"][1]["message"]
    # Nothing of it was kept: not the good row's observation, not the acknowledgement, not the good follow-up.
    after = await gql(TABLE, {"m": "2018-07"}, key=opsg)
    assert after == before and "would be kept" not in after["data"]["opsgReport"]["markdown"]
    assert (await csr_may(gql, opsg))["ALL-SUBSCRIBERS"]["status"] == "OPEN"
    # Roles that may not record a meeting are refused before anything is read.
    for role, code in (("dcc", "FORBIDDEN"), ("panel", "FORBIDDEN"), ("public", "UNAUTHENTICATED")):
        refused = await gql(RECORD, {"i": outcome}, key=await api_keys.get(role))
        assert refused["data"]["recordMeetingOutcome"]["errors"][0]["code"] == code


async def test_history_and_follow_ups_are_shown_by_the_meetings_classification(demo, pool, gql, api_keys):
    async with pool.acquire() as conn:
        body = await governance.body_by_code(conn, code="OPSG")
        red = await governance.create_meeting(
            conn,
            body_id=body.id,
            reference="OPSG_11_3007",
            held_on=date(2018, 7, 30),
            title=None,
            classification="RED",
        )
    opsg = await api_keys.get("opsg")
    csr = await csr_may(gql, opsg)
    outcome = {
        "meetingId": global_id("Meeting", red),
        "month": "2018-07",
        "exceptions": [{"id": csr["TOTAL"]["id"], "action": "ACKNOWLEDGE", "comment": "Red words"}],
        "followUps": [{"text": "Red matter", "owner": "DCC", "due": "2018-08-21", "exceptionId": csr["TOTAL"]["id"]}],
    }
    assert (await gql(RECORD, {"i": outcome}, key=opsg))["data"]["recordMeetingOutcome"]["errors"] == []
    entry = (await csr_may(gql, opsg))["TOTAL"]["history"][-1]["id"]
    for role, sees in (("opsg", True), ("admin", True), ("panel", False), ("dcc", False)):
        key = await api_keys.get(role)
        total = (await csr_may(gql, key))["TOTAL"]
        assert total["status"] == "ACKNOWLEDGED"  # where the exception stands is the exception's, seen by its readers
        # What the meeting said, and that it met, only by the meeting's classification: the entry is absent otherwise.
        made_there = [h for h in total["history"] if h["action"] == "ACKNOWLEDGE"]
        assert [h["meeting"] for h in made_there] == ([{"reference": "OPSG_11_3007"}] if sees else []), role
        found = await gql("query($id: ID!) { node(id: $id) { id } }", {"id": entry}, key=key)
        assert (found["data"]["node"] is not None) is sees, role
        listed = (await gql("{ followUps { totalCount edges { node { reference } } } }", key=key))["data"]
        assert ("OPSG11/01" in json.dumps(listed)) is sees, role
        if role in ("opsg", "admin", "panel"):
            table = (await gql(TABLE, {"m": "2018-07"}, key=key))["data"]["opsgReport"]
            assert ("30th July" in table["heading"]) is sees, role
            assert ("Red matter" in table["markdown"]) is sees, role
            june = await gql('{ opsgReport(month: "2018-06") { rows { observations } } }', key=key)
            assert ("Red words" in json.dumps(june)) is sees, role
    public = await gql("{ followUps { totalCount } }")
    assert public["data"]["followUps"]["totalCount"] == 1  # the demo's White follow-up only


async def test_july_2018_carries_junes_open_follow_up(demo, gql, api_keys):
    table = (await gql(TABLE, {"m": "2018-07"}, key=await api_keys.get("panel")))["data"]["opsgReport"]
    assert [(f["reference"], f["owner"], f["meeting"]["reference"]) for f in table["followUps"]] == [
        ("OPSG_2606_2018/01", "DCC", "OPSG_2606_2018")
    ]
    assert "statement of assurance" in table["followUps"][0]["text"]
    assert table["followUps"][0]["closingComment"] is None
    # Printed below the table, as it stood at the end of July: still open, past its due date.
    assert " | ".join(md(c) for c in ("OPSG_2606_2018/01", "DCC", "24/07/2018", "Open (overdue)")) in table["markdown"]


async def test_closing_a_follow_up_needs_a_comment_and_the_month_shows_it_closed(demo, gql, api_keys):
    dcc = await api_keys.get("dcc")
    listed = await gql('{ followUps(filter: { owner: "DCC" }) { edges { node { id } } } }', key=dcc)
    fid = listed["data"]["followUps"]["edges"][0]["node"]["id"]
    refused = (await gql(CLOSE, {"id": fid, "c": "  "}, key=dcc))["data"]["closeFollowUp"]
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [("INVALID_INPUT", "comment")]
    party = await gql(CLOSE, {"id": fid, "c": "done"}, key=await api_keys.get("party", party_id=1))
    assert party["data"]["closeFollowUp"]["errors"][0]["code"] == "FORBIDDEN"
    closed = (await gql(CLOSE, {"id": fid, "c": "Statement sent on 20/07"}, key=dcc))["data"]["closeFollowUp"]
    assert closed["errors"] == [] and closed["followUp"]["status"] == "CLOSED"
    again = (await gql(CLOSE, {"id": fid, "c": "twice"}, key=dcc))["data"]["closeFollowUp"]
    assert again["errors"][0]["code"] == "INVALID_INPUT"
    month = datetime.now(UTC).strftime("%Y-%m")
    table = (await gql(TABLE, {"m": month}, key=await api_keys.get("opsg")))["data"]["opsgReport"]
    assert [(f["status"], f["closingComment"]) for f in table["followUps"]] == [("CLOSED", "Statement sent on 20/07")]
    assert md("Closed") in table["markdown"] and md("Statement sent on 20/07") in table["markdown"]


async def test_an_overdue_follow_up_is_raised_to_opsg_once_and_live(demo, pool, dsn, gql, api_keys):
    import asyncpg

    heard: list[dict] = []
    listener = await asyncpg.connect(dsn)
    await listener.add_listener("secgov_events", lambda *args: heard.append(json.loads(args[3])))
    try:
        now = datetime(2018, 7, 25, 9, tzinfo=UTC)  # the day after it was due
        first = await flag_overdue(pool, now=now)
        second = await flag_overdue(pool, now=now)
        # The scheduler's job takes its advisory lock; a second scheduler holding it leaves the job to it.
        async with pool.acquire() as holder:
            await holder.fetchval("SELECT pg_advisory_lock($1)", OVERDUE_LOCK)
            assert await exclusively(pool, OVERDUE_LOCK, overdue_job) is False
            await holder.fetchval("SELECT pg_advisory_unlock($1)", OVERDUE_LOCK)
        assert await exclusively(pool, OVERDUE_LOCK, overdue_job) is True
        await asyncio.sleep(0.2)
    finally:
        await listener.close()
    assert len(first) == 1 and second == []
    assert [e for e in heard if e.get("type") == "exceptions"] == [
        {"type": "exceptions", "ids": first, "report_type": "RDP_INCIDENT"}
    ]
    queue = await gql(
        """{ exceptions(filter: { ruleCode: "FOLLOW_UP_OVERDUE" }) { totalCount edges { node {
            status subject message period reportType { code } } } } }""",
        key=await api_keys.get("opsg"),
    )
    found = queue["data"]["exceptions"]
    assert found["totalCount"] == 1
    node = found["edges"][0]["node"]
    assert (node["subject"], node["period"], node["reportType"]["code"]) == (
        "OPSG_2606_2018/01",
        "2018-05",
        "RDP_INCIDENT",
    )
    assert node["message"].startswith("Follow-up OPSG_2606_2018/01 for DCC was due by 24/07/2018 and is still open")
    # Closing the follow-up resolves what it raised, with the closing comment.
    listed = await gql("{ followUps { edges { node { id } } } }", key=await api_keys.get("opsg"))
    fid = listed["data"]["followUps"]["edges"][0]["node"]["id"]
    await gql(CLOSE, {"id": fid, "c": "Statement received"}, key=await api_keys.get("opsg"))
    after = await gql(
        """{ exceptions(filter: { ruleCode: "FOLLOW_UP_OVERDUE" }) { edges { node { status history { comment } } } } }""",
        key=await api_keys.get("opsg"),
    )
    node = after["data"]["exceptions"]["edges"][0]["node"]
    assert node["status"] == "RESOLVED"
    assert node["history"][-1]["comment"] == "follow-up OPSG_2606_2018/01 closed: Statement received"
