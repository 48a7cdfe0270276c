"""Issue 2, acceptance 2 (modifications): createModification, amendModification (DP→MP conversion keeps the old
reference findable), recordModificationEvent moving the stage, `modification(reference:)` and `modifications` with
every filter and cursor pagination, over HTTP."""

from __future__ import annotations

from typing import Any

ERRORS = "errors { code message field }"
MOD_FIELDS = """id reference formerReferences title path stage proposer raisedOn workingGroup release implementedOn
  partiesImpacted secSections events { kind occurredOn note stage outcome body { code } }"""
CREATE = f"""mutation($input: CreateModificationInput!) {{
  createModification(input: $input) {{ modification {{ {MOD_FIELDS} }} {ERRORS} }} }}"""
AMEND = f"""mutation($input: AmendModificationInput!) {{
  amendModification(input: $input) {{ modification {{ {MOD_FIELDS} }} {ERRORS} }} }}"""
EVENT = f"""mutation($input: RecordModificationEventInput!) {{
  recordModificationEvent(input: $input) {{
    modificationEvent {{ kind occurredOn note stage outcome body {{ code }} }}
    modification {{ reference stage implementedOn }} {ERRORS} }} }}"""
LIST = """query($filter: ModificationFilter, $first: Int, $after: String) {
  modifications(filter: $filter, first: $first, after: $after) {
    totalCount edges { cursor node { reference } } pageInfo { hasNextPage endCursor } } }"""
BY_REF = f"""query($ref: String!) {{ modification(reference: $ref) {{ {MOD_FIELDS} }} }}"""

SET = [
    # reference, title, path, stage, proposer, raised on
    (
        "SECMP0019",
        "Enduring Change of Supplier arrangements",
        "PATH_1_AUTHORITY_LED",
        "CHANGE_BOARD",
        "Npower",
        "2016-11-02",
    ),
    (
        "SECMP0044",
        "Clarification of obligations on Communications Hub installation",
        "PATH_3_SELF_GOVERNANCE",
        "REFINEMENT",
        "British Gas",
        "2017-09-15",
    ),
    (
        "SECMP0048",
        "Incorporating Great Britain Companion Specification versions",
        "PATH_2_AUTHORITY_DETERMINATION",
        "REPORT_PHASE",
        "DCC",
        "2018-01-20",
    ),
    ("MP102", "SMETS1 enrolment and adoption", "FAST_TRACK_SELF_GOVERNANCE", "REFINEMENT", "SECAS", "2018-06-05"),
    ("DP118", "Alert forwarding for meter events", "PATH_3_SELF_GOVERNANCE", "DRAFT_PROPOSAL", "Ovo", "2018-07-11"),
]


async def create(
    gql: Any, key: str, ref: str, title: str, path: str, stage: str, proposer: str, raised: str
) -> dict[str, Any]:
    r = await gql(
        CREATE,
        {
            "input": {
                "reference": ref,
                "title": title,
                "path": path,
                "stage": stage,
                "proposer": proposer,
                "raisedOn": raised,
            }
        },
        key=key,
    )
    payload = r["data"]["createModification"]
    assert payload["errors"] == []
    return payload["modification"]


async def test_create_modification(gql, api_keys):
    admin = await api_keys.get("admin")
    r = await gql(
        CREATE,
        {
            "input": {
                "reference": "secmp0019",
                "title": "Enduring Change of Supplier arrangements",
                "path": "PATH_1_AUTHORITY_LED",
                "proposer": "Npower",
                "raisedOn": "2016-11-02",
                "workingGroup": "WG_1",
                "release": "November 2018",
                "formerReferences": [],
                "partiesImpacted": ["LARGE_SUPPLIER", "SMALL_SUPPLIER"],
                "secSections": ["H", "M"],
            }
        },
        key=admin,
    )
    payload = r["data"]["createModification"]
    assert payload["errors"] == []
    mod = payload["modification"]
    assert mod == {
        "id": mod["id"],
        "reference": "SECMP0019",
        "formerReferences": [],
        "title": "Enduring Change of Supplier arrangements",
        "path": "PATH_1_AUTHORITY_LED",
        "stage": "DRAFT_PROPOSAL",
        "proposer": "Npower",
        "raisedOn": "2016-11-02",
        "workingGroup": "WG_1",
        "release": "November 2018",
        "implementedOn": None,
        "partiesImpacted": ["LARGE_SUPPLIER", "SMALL_SUPPLIER"],
        "secSections": ["H", "M"],
        "events": [],
    }
    r = await gql(BY_REF, {"ref": "SECMP0019"})
    assert r["data"]["modification"] == mod
    r = await gql(
        "query($id: ID!) { node(id: $id) { __typename ... on Modification { reference } } }", {"id": mod["id"]}
    )
    assert r["data"]["node"] == {"__typename": "Modification", "reference": "SECMP0019"}


async def test_amend_modification_converts_dp_to_mp(gql, api_keys):
    admin = await api_keys.get("admin")
    dp = await create(
        gql, admin, "DP118", "Alert forwarding", "PATH_3_SELF_GOVERNANCE", "DRAFT_PROPOSAL", "Ovo", "2018-07-11"
    )
    r = await gql(
        AMEND,
        {
            "input": {
                "id": dp["id"],
                "newReference": "MP118",
                "title": "Alert forwarding for meters",
                "workingGroup": "WG_2",
                "release": "June 2019",
                "path": "PATH_2_AUTHORITY_DETERMINATION",
            }
        },
        key=admin,
    )
    payload = r["data"]["amendModification"]
    assert payload["errors"] == []
    mod = payload["modification"]
    assert (
        mod["id"],
        mod["reference"],
        mod["formerReferences"],
        mod["title"],
        mod["workingGroup"],
        mod["release"],
        mod["path"],
        mod["proposer"],
    ) == (
        dp["id"],
        "MP118",
        ["DP118"],
        "Alert forwarding for meters",
        "WG_2",
        "June 2019",
        "PATH_2_AUTHORITY_DETERMINATION",
        "Ovo",
    )

    for ref in ("DP118", "MP118", "mp118"):
        r = await gql(BY_REF, {"ref": ref})
        found = r["data"]["modification"]
        assert (found["id"], found["reference"], found["formerReferences"]) == (dp["id"], "MP118", ["DP118"]), ref
    r = await gql(BY_REF, {"ref": "MP119"})
    assert r["data"]["modification"] is None

    # Converting it again does not repeat a former reference; amending without newReference keeps both.
    r = await gql(AMEND, {"input": {"id": dp["id"], "newReference": "MP118"}}, key=admin)
    assert r["data"]["amendModification"]["modification"]["formerReferences"] == ["DP118"]
    r = await gql(AMEND, {"input": {"id": dp["id"], "implementedOn": "2019-06-27"}}, key=admin)
    amended = r["data"]["amendModification"]["modification"]
    assert (amended["reference"], amended["formerReferences"], amended["implementedOn"]) == (
        "MP118",
        ["DP118"],
        "2019-06-27",
    )


async def test_record_modification_event_changes_stage(gql, api_keys):
    admin = await api_keys.get("admin")
    r = await gql(
        'mutation { createBody(input: {code: "CHANGE_BOARD", name: "Change Board"}) { errors { code } } }', key=admin
    )
    assert r["data"]["createBody"]["errors"] == []
    mod = await create(
        gql,
        admin,
        "SECMP0019",
        "Enduring Change of Supplier",
        "PATH_1_AUTHORITY_LED",
        "REPORT_PHASE",
        "Npower",
        "2016-11-02",
    )
    assert mod["stage"] == "REPORT_PHASE"

    steps = [
        (
            {"kind": "CONSULTATION", "occurredOn": "2018-06-01", "stage": "MODIFICATION_REPORT_CONSULTATION"},
            "MODIFICATION_REPORT_CONSULTATION",
        ),
        (
            {
                "kind": "CHANGE_BOARD_VOTE",
                "occurredOn": "2018-07-25",
                "stage": "APPROVED",
                "bodyCode": "CHANGE_BOARD",
                "outcome": "APPROVED",
                "note": "approved by the Change Board",
            },
            "APPROVED",
        ),
        # An event without a stage leaves it as it is.
        ({"kind": "IMPACT_ASSESSMENT", "occurredOn": "2018-08-01", "note": "DCC impact assessment"}, "APPROVED"),
        # A back-dated stage change does not override a later one.
        ({"kind": "STAGE_CHANGED", "occurredOn": "2018-05-01", "stage": "REPORT_PHASE"}, "APPROVED"),
        ({"kind": "IMPLEMENTED", "occurredOn": "2018-11-01", "stage": "IMPLEMENTED"}, "IMPLEMENTED"),
    ]
    for inp, stage in steps:
        r = await gql(EVENT, {"input": {"modificationId": mod["id"], **inp}}, key=admin)
        payload = r["data"]["recordModificationEvent"]
        assert payload["errors"] == []
        event = payload["modificationEvent"]
        assert event == {
            "kind": inp["kind"],
            "occurredOn": inp["occurredOn"],
            "note": inp.get("note"),
            "stage": inp.get("stage"),
            "outcome": inp.get("outcome"),
            "body": {"code": inp["bodyCode"]} if "bodyCode" in inp else None,
        }
        assert payload["modification"]["stage"] == stage
    assert payload["modification"]["implementedOn"] == "2018-11-01"

    r = await gql(BY_REF, {"ref": "SECMP0019"})
    found = r["data"]["modification"]
    assert found["stage"] == "IMPLEMENTED"
    assert [(e["kind"], e["occurredOn"]) for e in found["events"]] == [
        ("STAGE_CHANGED", "2018-05-01"),
        ("CONSULTATION", "2018-06-01"),
        ("CHANGE_BOARD_VOTE", "2018-07-25"),
        ("IMPACT_ASSESSMENT", "2018-08-01"),
        ("IMPLEMENTED", "2018-11-01"),
    ]
    assert found["events"][2]["body"] == {"code": "CHANGE_BOARD"}
    assert found["events"][2]["outcome"] == "APPROVED"


async def test_modifications_filters(gql, api_keys):
    admin = await api_keys.get("admin")
    for row in SET:
        await create(gql, admin, *row)

    async def refs(filter_: dict[str, Any] | None) -> tuple[int, list[str]]:
        r = await gql(LIST, {"filter": filter_, "first": 100})
        conn = r["data"]["modifications"]
        return conn["totalCount"], [e["node"]["reference"] for e in conn["edges"]]

    assert await refs(None) == (5, ["DP118", "MP102", "SECMP0019", "SECMP0044", "SECMP0048"])
    assert await refs({"stage": "REFINEMENT"}) == (2, ["MP102", "SECMP0044"])
    assert await refs({"stage": "CHANGE_BOARD"}) == (1, ["SECMP0019"])
    assert await refs({"stage": "WITHDRAWN"}) == (0, [])
    assert await refs({"path": "PATH_3_SELF_GOVERNANCE"}) == (2, ["DP118", "SECMP0044"])
    assert await refs({"path": "URGENT"}) == (0, [])
    # textContains looks in reference, title and proposer, case-insensitively.
    assert await refs({"textContains": "COMMUNICATIONS hub"}) == (1, ["SECMP0044"])
    assert await refs({"textContains": "dcc"}) == (1, ["SECMP0048"])
    assert await refs({"textContains": "mp00"}) == (3, ["SECMP0019", "SECMP0044", "SECMP0048"])
    assert await refs({"raisedFrom": "2018-01-20"}) == (3, ["DP118", "MP102", "SECMP0048"])
    assert await refs({"raisedTo": "2017-09-15"}) == (2, ["SECMP0019", "SECMP0044"])
    assert await refs({"raisedFrom": "2017-01-01", "raisedTo": "2018-06-05"}) == (
        3,
        ["MP102", "SECMP0044", "SECMP0048"],
    )
    assert await refs({"stage": "REFINEMENT", "path": "FAST_TRACK_SELF_GOVERNANCE", "raisedFrom": "2018-01-01"}) == (
        1,
        ["MP102"],
    )

    # After a stage event the stage filter follows.
    r = await gql(BY_REF, {"ref": "MP102"})
    r = await gql(
        EVENT,
        {
            "input": {
                "modificationId": r["data"]["modification"]["id"],
                "kind": "STAGE_CHANGED",
                "occurredOn": "2018-09-01",
                "stage": "REPORT_PHASE",
            }
        },
        key=admin,
    )
    assert r["data"]["recordModificationEvent"]["errors"] == []
    assert await refs({"stage": "REFINEMENT"}) == (1, ["SECMP0044"])
    assert await refs({"stage": "REPORT_PHASE"}) == (2, ["MP102", "SECMP0048"])


async def test_modifications_pagination(gql, api_keys):
    admin = await api_keys.get("admin")
    for row in SET:
        await create(gql, admin, *row)
    seen: list[str] = []
    sizes: list[int] = []
    after = None
    while True:
        r = await gql(LIST, {"first": 2, "after": after})
        conn = r["data"]["modifications"]
        assert conn["totalCount"] == 5
        sizes.append(len(conn["edges"]))
        seen += [e["node"]["reference"] for e in conn["edges"]]
        assert conn["pageInfo"]["endCursor"] == conn["edges"][-1]["cursor"]
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert sizes == [2, 2, 1]
    assert seen == ["DP118", "MP102", "SECMP0019", "SECMP0044", "SECMP0048"]
    # Paging a filtered list.
    r = await gql(LIST, {"filter": {"raisedFrom": "2017-01-01"}, "first": 1})
    conn = r["data"]["modifications"]
    assert (conn["totalCount"], [e["node"]["reference"] for e in conn["edges"]], conn["pageInfo"]["hasNextPage"]) == (
        4,
        ["DP118"],
        True,
    )
    r = await gql(LIST, {"filter": {"raisedFrom": "2017-01-01"}, "first": 5, "after": conn["pageInfo"]["endCursor"]})
    conn = r["data"]["modifications"]
    assert [e["node"]["reference"] for e in conn["edges"]] == ["MP102", "SECMP0044", "SECMP0048"]
    assert conn["pageInfo"]["hasNextPage"] is False
