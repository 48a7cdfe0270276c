"""reviewException: every legal and illegal transition, the exact history, one winner of two, roles."""

from __future__ import annotations

import asyncio

import pytest

from domain.review import TRANSITIONS
from schema.relay import global_id
from tests.support.reports import csv_bytes
from tests.support.seed import a_party, exception_ids, validated

REVIEW = """mutation($id: ID!, $action: ReviewAction!, $comment: String, $meetingId: ID) {
  reviewException(id: $id, action: $action, comment: $comment, meetingId: $meetingId) {
    exception { status history { actor action fromStatus toStatus comment } meeting { reference } }
    errors { code message field } } }"""
STATES = ["OPEN", "ACKNOWLEDGED", "RESOLVED", "WAIVED", "ESCALATED"]
ACTIONS = ["ACKNOWLEDGE", "RESOLVE", "WAIVE", "ESCALATE", "REOPEN", "COMMENT"]
# The way to reach each state from OPEN.
PATH = {
    "OPEN": [],
    "ACKNOWLEDGED": ["ACKNOWLEDGE"],
    "RESOLVED": ["RESOLVE"],
    "WAIVED": ["WAIVE"],
    "ESCALATED": ["ESCALATE"],
}


@pytest.fixture
async def one_exception(pool) -> str:
    await validated(
        pool, "CSR_VARIANCE", "2018-05", csv_bytes("subscriber,forecast,actual", "S1,100,100", "S2,100,300")
    )
    [pk] = [i for i in await exception_ids(pool, "VARIANCE_ABOVE_TOLERANCE")][:1]
    return global_id("ReportException", pk)


async def act(gql, key, exc_id, action, comment="because", **extra):
    body = await gql(REVIEW, {"id": exc_id, "action": action, "comment": comment, **extra}, key=key)
    return body["data"]["reviewException"]


@pytest.mark.parametrize("start", STATES)
@pytest.mark.parametrize("action", ACTIONS)
async def test_every_transition(gql, api_keys, one_exception, start, action):
    opsg = await api_keys.get("opsg")
    for step in PATH[start]:
        assert (await act(gql, opsg, one_exception, step))["errors"] == []
    result = await act(gql, opsg, one_exception, action)
    expected = start if action == "COMMENT" else TRANSITIONS.get((start, action))
    if expected is None:
        assert [e["code"] for e in result["errors"]] == ["ILLEGAL_TRANSITION"]
        assert result["exception"] is None
        again = await gql(
            "query($id: ID!) { node(id: $id) { ... on ReportException { status history { action } } } }",
            {"id": one_exception},
            key=opsg,
        )
        assert again["data"]["node"]["status"] == start  # nothing changed
        assert len(again["data"]["node"]["history"]) == 1 + len(PATH[start])
    else:
        assert result["errors"] == []
        assert result["exception"]["status"] == expected


async def test_comment_is_required_where_the_table_says(gql, api_keys, one_exception):
    opsg = await api_keys.get("opsg")
    for action in ("RESOLVE", "WAIVE", "ESCALATE", "COMMENT"):
        result = await act(gql, opsg, one_exception, action, comment="  ")
        assert [(e["code"], e["field"]) for e in result["errors"]] == [("INVALID_INPUT", "comment")]
    assert (await act(gql, opsg, one_exception, "ACKNOWLEDGE", comment=None))["errors"] == []


async def test_history_after_a_sequence_is_exact(gql, api_keys, one_exception):
    opsg = await api_keys.get("opsg")
    await act(gql, opsg, one_exception, "ACKNOWLEDGE", comment=None)
    await act(gql, opsg, one_exception, "COMMENT", comment="DCC asked for a statement of assurance")
    await act(gql, opsg, one_exception, "ESCALATE", comment="for the Panel")
    panel = await api_keys.get("panel")
    result = await act(gql, panel, one_exception, "RESOLVE", comment="Panel noted the assurance")
    names = {opsg: "opsg-0", panel: "panel-1"}
    assert result["exception"]["history"][1:] == [
        {
            "actor": names[opsg],
            "action": "ACKNOWLEDGE",
            "fromStatus": "OPEN",
            "toStatus": "ACKNOWLEDGED",
            "comment": None,
        },
        {
            "actor": names[opsg],
            "action": "COMMENT",
            "fromStatus": "ACKNOWLEDGED",
            "toStatus": "ACKNOWLEDGED",
            "comment": "DCC asked for a statement of assurance",
        },
        {
            "actor": names[opsg],
            "action": "ESCALATE",
            "fromStatus": "ACKNOWLEDGED",
            "toStatus": "ESCALATED",
            "comment": "for the Panel",
        },
        {
            "actor": names[panel],
            "action": "RESOLVE",
            "fromStatus": "ESCALATED",
            "toStatus": "RESOLVED",
            "comment": "Panel noted the assurance",
        },
    ]
    assert result["exception"]["history"][0]["action"] == "FLAGGED"


async def test_two_reviewers_at_once_have_one_winner(gql, api_keys, one_exception):
    a = await api_keys.get("opsg")
    b = await api_keys.get("secas")
    results = await asyncio.gather(
        act(gql, a, one_exception, "RESOLVE", comment="fixed"), act(gql, b, one_exception, "WAIVE", comment="accepted")
    )
    winners = [r for r in results if not r["errors"]]
    losers = [r for r in results if r["errors"]]
    assert len(winners) == 1 and len(losers) == 1
    assert losers[0]["errors"][0]["code"] in ("CONFLICT", "ILLEGAL_TRANSITION")
    final = await gql(
        "query($id: ID!) { node(id: $id) { ... on ReportException { status history { action } } } }",
        {"id": one_exception},
        key=a,
    )
    assert len(final["data"]["node"]["history"]) == 2  # FLAGGED + the winner's


@pytest.mark.parametrize(
    ("role", "action", "allowed"),
    [
        ("dcc", "RESOLVE", False),
        ("dcc", "ACKNOWLEDGE", False),
        ("dcc", "COMMENT", True),
        ("panel", "RESOLVE", False),
        ("panel", "COMMENT", False),
        ("party", "COMMENT", False),
        ("public", "COMMENT", False),
        ("secas", "RESOLVE", True),
        ("admin", "WAIVE", True),
    ],
)
async def test_roles(gql, api_keys, pool, one_exception, role, action, allowed):
    party_id = await a_party(pool) if role == "party" else None
    key = await api_keys.get(role, party_id=party_id)
    result = await act(gql, key, one_exception, action)
    if allowed:
        assert result["errors"] == []
    else:
        expected = "UNAUTHENTICATED" if role == "public" else "FORBIDDEN"
        assert [e["code"] for e in result["errors"]] == [expected]


async def test_panel_acts_on_escalated_ones(gql, api_keys, one_exception):
    opsg, panel = await api_keys.get("opsg"), await api_keys.get("panel")
    await act(gql, opsg, one_exception, "ESCALATE", comment="Panel to decide")
    assert (await act(gql, panel, one_exception, "COMMENT", comment="noted"))["errors"] == []
    assert (await act(gql, panel, one_exception, "WAIVE", comment="accepted"))["exception"]["status"] == "WAIVED"


async def test_assignment_to_a_meeting(gql, api_keys, one_exception):
    admin = await api_keys.get("admin")
    made = await gql(
        """mutation { createMeeting(input: {bodyCode: "OPSG", reference: "OPSG_10_2407",
        heldOn: "2018-07-24"}) { meeting { id } errors { code } } }""",
        key=admin,
    )
    if made["data"]["createMeeting"]["errors"]:  # the body may be missing in an empty register
        await gql(
            'mutation { createBody(input: {code: "OPSG", name: "Operations Group"}) { errors { code } } }', key=admin
        )
        made = await gql(
            """mutation { createMeeting(input: {bodyCode: "OPSG", reference: "OPSG_10_2407",
            heldOn: "2018-07-24"}) { meeting { id } errors { code } } }""",
            key=admin,
        )
    meeting = made["data"]["createMeeting"]["meeting"]["id"]
    result = await act(gql, admin, one_exception, "COMMENT", comment="on the agenda", meetingId=meeting)
    assert result["exception"]["meeting"] == {"reference": "OPSG_10_2407"}


async def test_history_cannot_be_edited_or_deleted(pool, one_exception):
    import asyncpg

    async with pool.acquire() as conn:
        with pytest.raises(asyncpg.RaiseError, match="append-only"):
            await conn.execute("UPDATE exception_history SET comment = 'x'")
        with pytest.raises(asyncpg.RaiseError, match="append-only"):
            await conn.execute("DELETE FROM exception_history")


AVAILABLE = """query($id: ID!) { node(id: $id) { ... on ReportException { status
  availableActions { action toStatus commentRequired } } } }"""


async def test_available_actions_are_what_each_role_may_do_now(gql, api_keys, one_exception):
    """What the console draws its buttons from: every action listed is then accepted, for that role and status."""

    async def listed(role):
        node = (await gql(AVAILABLE, {"id": one_exception}, key=await api_keys.get(role)))["data"]["node"]
        return node and [(o["action"], o["toStatus"], o["commentRequired"]) for o in node["availableActions"]]

    assert await listed("opsg") == [
        ("ACKNOWLEDGE", "ACKNOWLEDGED", False),
        ("RESOLVE", "RESOLVED", True),
        ("WAIVE", "WAIVED", True),
        ("ESCALATE", "ESCALATED", True),
        ("COMMENT", "OPEN", True),
    ]
    assert await listed("dcc") == [("COMMENT", "OPEN", True)]
    assert await listed("panel") == []  # nothing until the exception is escalated to it
    assert await listed("public") is None  # hidden altogether
    assert (await act(gql, await api_keys.get("opsg"), one_exception, "ESCALATE"))["errors"] == []
    assert await listed("panel") == [
        ("RESOLVE", "RESOLVED", True),
        ("WAIVE", "WAIVED", True),
        ("COMMENT", "ESCALATED", True),
    ]
    result = await act(gql, await api_keys.get("panel"), one_exception, "WAIVE")
    assert result["errors"] == [] and result["exception"]["status"] == "WAIVED"
    assert await listed("opsg") == [("REOPEN", "OPEN", True), ("COMMENT", "WAIVED", True)]
