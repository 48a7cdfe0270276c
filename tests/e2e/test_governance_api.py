"""Issue 2, acceptance 2 (governance): bodies, createBody, createMeeting, amendMeeting, Body.meetings,
createHighlight, highlights (bodyCode / from / to / textContains, pagination), createAction, amendAction,
actions — over HTTP, as an administrator."""

from __future__ import annotations

from typing import Any

ERRORS = "errors { code message field }"
MEETING_FIELDS = "id reference heldOn title classification body { code name }"
HIGHLIGHT_FIELDS = "id title body bodyCode classification publishedOn meeting { reference }"
ACTION_FIELDS = "id reference kind text owner status outcome dueOn classification meeting { reference }"
HIGHLIGHTS = f"""query($filter: HighlightFilter, $first: Int, $after: String) {{
  highlights(filter: $filter, first: $first, after: $after) {{
    totalCount edges {{ cursor node {{ {HIGHLIGHT_FIELDS} }} }} pageInfo {{ hasNextPage endCursor }} }} }}"""


class Gov:
    def __init__(self, gql: Any, key: str) -> None:
        self.gql, self.key = gql, key
        self.meetings: dict[str, str] = {}

    async def call(self, name: str, query: str, inp: dict[str, Any]) -> dict[str, Any]:
        r = await self.gql(query, {"input": inp}, key=self.key)
        payload = r["data"][name]
        assert payload["errors"] == [], payload
        return payload

    async def body(self, code: str, name: str) -> dict[str, Any]:
        return (
            await self.call(
                "createBody",
                f"""mutation($input: CreateBodyInput!) {{
            createBody(input: $input) {{ body {{ id code name }} {ERRORS} }} }}""",
                {"code": code, "name": name},
            )
        )["body"]

    async def meeting(
        self, body: str, ref: str, held: str, cls: str = "WHITE", title: str | None = None
    ) -> dict[str, Any]:
        m = (
            await self.call(
                "createMeeting",
                f"""mutation($input: CreateMeetingInput!) {{
            createMeeting(input: $input) {{ meeting {{ {MEETING_FIELDS} }} {ERRORS} }} }}""",
                {"bodyCode": body, "reference": ref, "heldOn": held, "classification": cls, "title": title},
            )
        )["meeting"]
        self.meetings[ref] = m["id"]
        return m

    async def highlight(
        self, body: str, title: str, text: str, published: str, cls: str = "WHITE", meeting: str | None = None
    ) -> dict[str, Any]:
        inp = {
            "bodyCode": body,
            "title": title,
            "body": text,
            "classification": cls,
            "publishedOn": published,
            "meetingId": self.meetings[meeting] if meeting else None,
        }
        return (
            await self.call(
                "createHighlight",
                f"""mutation($input: CreateHighlightInput!) {{
            createHighlight(input: $input) {{ highlight {{ {HIGHLIGHT_FIELDS} }} {ERRORS} }} }}""",
                inp,
            )
        )["highlight"]

    async def action(self, **inp: Any) -> dict[str, Any]:
        return (
            await self.call(
                "createAction",
                f"""mutation($input: CreateActionInput!) {{
            createAction(input: $input) {{ action {{ {ACTION_FIELDS} }} {ERRORS} }} }}""",
                inp,
            )
        )["action"]


async def test_bodies_and_create_body(gql, api_keys):
    gov = Gov(gql, await api_keys.get("secas"))
    r = await gql("{ bodies { code } }")
    assert r["data"]["bodies"] == []
    opsg = await gov.body("OPSG", "Operations Group")
    assert (opsg["code"], opsg["name"]) == ("OPSG", "Operations Group")
    panel = await gov.body(" panel ", "SEC Panel")
    assert panel["code"] == "PANEL"
    await gov.body("WG_7", "Working Group for MP118")
    r = await gql("{ bodies { id code name } }")
    assert r["data"]["bodies"] == [
        {"id": opsg["id"], "code": "OPSG", "name": "Operations Group"},
        {"id": panel["id"], "code": "PANEL", "name": "SEC Panel"},
        {"id": r["data"]["bodies"][2]["id"], "code": "WG_7", "name": "Working Group for MP118"},
    ]
    r = await gql("query($id: ID!) { node(id: $id) { __typename ... on Body { code name } } }", {"id": opsg["id"]})
    assert r["data"]["node"] == {"__typename": "Body", "code": "OPSG", "name": "Operations Group"}


async def test_meetings_create_amend_and_body_meetings(gql, api_keys):
    gov = Gov(gql, await api_keys.get("admin"))
    await gov.body("OPSG", "Operations Group")
    await gov.body("SSC", "Security Sub-Committee")
    m1 = await gov.meeting("OPSG", "OPSG_9_2606", "2018-06-26", title="OPSG 9")
    assert m1 == {
        "id": m1["id"],
        "reference": "OPSG_9_2606",
        "heldOn": "2018-06-26",
        "title": "OPSG 9",
        "classification": "WHITE",
        "body": {"code": "OPSG", "name": "Operations Group"},
    }
    await gov.meeting("OPSG", "OPSG_10_2407", "2018-07-24", "GREEN")
    await gov.meeting("OPSG", "OPSG_8_2205", "2018-05-22", "WHITE")
    await gov.meeting("SSC", "SSC_58_1107", "2018-07-11", "WHITE")

    r = await gql(
        f"""mutation($input: AmendMeetingInput!) {{ amendMeeting(input: $input) {{
        meeting {{ {MEETING_FIELDS} }} {ERRORS} }} }}""",
        {"input": {"id": m1["id"], "heldOn": "2018-06-27", "title": "OPSG 9 (moved)", "classification": "AMBER"}},
        key=gov.key,
    )
    payload = r["data"]["amendMeeting"]
    assert payload["errors"] == []
    assert payload["meeting"] == {
        "id": m1["id"],
        "reference": "OPSG_9_2606",
        "heldOn": "2018-06-27",
        "title": "OPSG 9 (moved)",
        "classification": "AMBER",
        "body": {"code": "OPSG", "name": "Operations Group"},
    }

    query = """query($after: String) { bodies { code meetings(first: 2, after: $after) {
        totalCount edges { node { reference heldOn classification } } pageInfo { hasNextPage endCursor } } } }"""
    r = await gql(query, key=gov.key)
    bodies = {b["code"]: b["meetings"] for b in r["data"]["bodies"]}
    assert bodies["SSC"]["totalCount"] == 1
    assert [e["node"]["reference"] for e in bodies["SSC"]["edges"]] == ["SSC_58_1107"]
    opsg = bodies["OPSG"]
    assert opsg["totalCount"] == 3
    # Newest first.
    assert [e["node"] for e in opsg["edges"]] == [
        {"reference": "OPSG_10_2407", "heldOn": "2018-07-24", "classification": "GREEN"},
        {"reference": "OPSG_9_2606", "heldOn": "2018-06-27", "classification": "AMBER"},
    ]
    assert opsg["pageInfo"]["hasNextPage"] is True
    r = await gql(query, {"after": opsg["pageInfo"]["endCursor"]}, key=gov.key)
    opsg = next(b["meetings"] for b in r["data"]["bodies"] if b["code"] == "OPSG")
    assert [e["node"]["reference"] for e in opsg["edges"]] == ["OPSG_8_2205"]
    assert opsg["pageInfo"]["hasNextPage"] is False

    r = await gql(
        "query($id: ID!) { node(id: $id) { __typename ... on Meeting { reference body { code } } } }",
        {"id": m1["id"]},
        key=gov.key,
    )
    assert r["data"]["node"] == {"__typename": "Meeting", "reference": "OPSG_9_2606", "body": {"code": "OPSG"}}


async def test_highlights_create_filter_and_page(gql, api_keys):
    gov = Gov(gql, await api_keys.get("admin"))
    await gov.body("OPSG", "Operations Group")
    await gov.body("SSC", "Security Sub-Committee")
    await gov.meeting("OPSG", "OPSG_9_2606", "2018-06-26")
    h = await gov.highlight(
        "OPSG",
        "DCC Planned Maintenance Schedule",
        "The DCC presented its schedule.",
        "2018-06-26",
        meeting="OPSG_9_2606",
    )
    assert h == {
        "id": h["id"],
        "title": "DCC Planned Maintenance Schedule",
        "body": "The DCC presented its schedule.",
        "bodyCode": "OPSG",
        "classification": "WHITE",
        "publishedOn": "2018-06-26",
        "meeting": {"reference": "OPSG_9_2606"},
    }
    await gov.highlight(
        "OPSG",
        "Traffic Management Proposals Managing Meter Alerts",
        "Alert storms.",
        "2018-06-26",
        meeting="OPSG_9_2606",
    )
    await gov.highlight("OPSG", "SMETS2.0 Compliance", "Devices checked against SMETS2.", "2018-06-26")
    await gov.highlight("SSC", "Security assurance", "User security assessments.", "2018-07-11", "GREEN")
    await gov.highlight("SSC", "Maintenance windows", "SSC reviewed planned maintenance.", "2018-05-15")

    async def titles(filter_: dict[str, Any] | None) -> tuple[int, list[str]]:
        r = await gql(HIGHLIGHTS, {"filter": filter_, "first": 100}, key=gov.key)
        conn = r["data"]["highlights"]
        return conn["totalCount"], [e["node"]["title"] for e in conn["edges"]]

    # Newest first; the same day by creation, newest first.
    assert await titles(None) == (
        5,
        [
            "Security assurance",
            "SMETS2.0 Compliance",
            "Traffic Management Proposals Managing Meter Alerts",
            "DCC Planned Maintenance Schedule",
            "Maintenance windows",
        ],
    )
    assert await titles({"bodyCode": "SSC"}) == (2, ["Security assurance", "Maintenance windows"])
    assert await titles({"bodyCode": "TAG"}) == (0, [])
    assert await titles({"from": "2018-06-26"}) == (
        4,
        [
            "Security assurance",
            "SMETS2.0 Compliance",
            "Traffic Management Proposals Managing Meter Alerts",
            "DCC Planned Maintenance Schedule",
        ],
    )
    assert await titles({"to": "2018-06-25"}) == (1, ["Maintenance windows"])
    assert await titles({"from": "2018-06-26", "to": "2018-06-26"}) == (
        3,
        [
            "SMETS2.0 Compliance",
            "Traffic Management Proposals Managing Meter Alerts",
            "DCC Planned Maintenance Schedule",
        ],
    )
    # textContains: title or body, case-insensitive.
    assert await titles({"textContains": "MAINTENANCE"}) == (
        2,
        ["DCC Planned Maintenance Schedule", "Maintenance windows"],
    )
    assert await titles({"textContains": "alert storms"}) == (1, ["Traffic Management Proposals Managing Meter Alerts"])
    assert await titles({"textContains": "maintenance", "bodyCode": "OPSG"}) == (
        1,
        ["DCC Planned Maintenance Schedule"],
    )

    seen, sizes, after = [], [], None
    while True:
        r = await gql(HIGHLIGHTS, {"first": 2, "after": after}, key=gov.key)
        conn = r["data"]["highlights"]
        assert conn["totalCount"] == 5
        seen += [e["node"]["title"] for e in conn["edges"]]
        sizes.append(len(conn["edges"]))
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert sizes == [2, 2, 1]
    assert seen == (await titles(None))[1]

    r = await gql(
        f"query($id: ID!) {{ node(id: $id) {{ __typename ... on Highlight {{ {HIGHLIGHT_FIELDS} }} }} }}",
        {"id": h["id"]},
    )
    assert r["data"]["node"] == {"__typename": "Highlight", **h}


async def test_actions_create_amend_and_list(gql, api_keys):
    gov = Gov(gql, await api_keys.get("admin"))
    await gov.body("PANEL", "SEC Panel")
    await gov.meeting("PANEL", "SECP_33_1706", "2016-06-17")
    await gov.meeting("PANEL", "SECP_34_1507", "2016-07-15")
    a1 = await gov.action(
        reference="SECP33/01",
        meetingId=gov.meetings["SECP_33_1706"],
        text="SECAS to circulate the revised Panel Information Policy",
        owner="SECAS",
        dueOn="2016-07-15",
    )
    assert a1 == {
        "id": a1["id"],
        "reference": "SECP33/01",
        "kind": "ACTION",
        "text": "SECAS to circulate the revised Panel Information Policy",
        "owner": "SECAS",
        "status": "OPEN",
        "outcome": None,
        "dueOn": "2016-07-15",
        "classification": "WHITE",
        "meeting": {"reference": "SECP_33_1706"},
    }
    d = await gov.action(
        reference="SECP33/D01",
        meetingId=gov.meetings["SECP_33_1706"],
        kind="DECISION",
        text="The Panel APPROVED the minutes",
        status="CLOSED",
        outcome="APPROVED",
    )
    assert (d["kind"], d["status"], d["outcome"]) == ("DECISION", "CLOSED", "APPROVED")
    await gov.action(
        reference="SECP34/01", meetingId=gov.meetings["SECP_34_1507"], text="DCC to report", classification="GREEN"
    )

    r = await gql(
        f"""mutation($input: AmendActionInput!) {{ amendAction(input: $input) {{
        action {{ {ACTION_FIELDS} }} {ERRORS} }} }}""",
        {
            "input": {
                "id": a1["id"],
                "status": "CLOSED",
                "outcome": "NOTED",
                "owner": "SECAS (Panel Secretary)",
                "text": "SECAS circulated the policy",
                "dueOn": "2016-07-20",
            }
        },
        key=gov.key,
    )
    payload = r["data"]["amendAction"]
    assert payload["errors"] == []
    assert payload["action"] == {
        **a1,
        "status": "CLOSED",
        "outcome": "NOTED",
        "owner": "SECAS (Panel Secretary)",
        "text": "SECAS circulated the policy",
        "dueOn": "2016-07-20",
    }

    query = """query($filter: ActionFilter, $first: Int, $after: String) {
        actions(filter: $filter, first: $first, after: $after) {
        totalCount edges { node { reference status } } pageInfo { hasNextPage endCursor } } }"""

    async def refs(
        filter_: dict[str, Any] | None = None, first: int = 100, after: str | None = None
    ) -> tuple[int, list[str], bool, str | None]:
        r = await gql(query, {"filter": filter_, "first": first, "after": after}, key=gov.key)
        conn = r["data"]["actions"]
        return (
            conn["totalCount"],
            [e["node"]["reference"] for e in conn["edges"]],
            conn["pageInfo"]["hasNextPage"],
            conn["pageInfo"]["endCursor"],
        )

    assert (await refs())[:3] == (3, ["SECP33/01", "SECP33/D01", "SECP34/01"], False)
    assert (await refs({"status": "OPEN"}))[:2] == (1, ["SECP34/01"])
    assert (await refs({"meetingId": gov.meetings["SECP_33_1706"]}))[:2] == (2, ["SECP33/01", "SECP33/D01"])
    total, first_page, more, cursor = await refs(first=2)
    assert (total, first_page, more) == (3, ["SECP33/01", "SECP33/D01"], True)
    assert (await refs(first=2, after=cursor))[:3] == (3, ["SECP34/01"], False)

    r = await gql(
        "query($id: ID!) { node(id: $id) { __typename ... on Action { reference status } } }", {"id": a1["id"]}
    )
    assert r["data"]["node"] == {"__typename": "Action", "reference": "SECP33/01", "status": "CLOSED"}
