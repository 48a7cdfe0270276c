"""Issue 2, acceptance 6: bad input answers a clear error with a code, and the database is unchanged.

Top-level errors (docs/api.md, "Errors"): GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED, BAD_USER_INPUT,
QUERY_TOO_COMPLEX, masked INTERNAL_SERVER_ERROR with a request id. Mutation payload errors: INVALID_INPUT, NOT_FOUND,
LIFECYCLE_VIOLATION, CONFLICT. After each refusal every table of the public schema has the rows it had before.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from schema.relay import encode_cursor, global_id
from sql import governance, keys, modifications, parties
from sql.errors import Conflict

ERRORS = "errors { code message field }"


async def table_counts(pool: Any) -> dict[str, int]:
    """Row count of every table in the public schema but the audit log, which records each refused attempt itself
    (issue 5: every mutation made with a key, whatever its outcome)."""
    async with pool.acquire() as conn:
        tables = [
            r["tablename"]
            for r in await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        ]
        return {t: await conn.fetchval(f'SELECT count(*) FROM "{t}"') for t in tables if t != "audit_log"}


def top_level_codes(body: dict[str, Any]) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in body.get("errors", [])]


@pytest.fixture
async def world(pool, api_keys) -> dict[str, Any]:
    """Alpha (acceded 2018-01-10), Beta (applicant), Gamma (acceded 2018-03-01, expelled 2018-12-01), a body, a
    meeting, an action, modifications DP118→MP118 and SECMP0019; and the keys, made before any snapshot."""
    async with pool.acquire() as conn, conn.transaction():
        alpha = await parties.create_party(conn, name="Alpha Energy", category="SMALL_SUPPLIER", voting_group_id=None)
        beta = await parties.create_party(
            conn, name="Beta Networks", category="ELECTRICITY_NETWORK", voting_group_id=None
        )
        gamma = await parties.create_party(conn, name="Gamma Power", category="SMALL_SUPPLIER", voting_group_id=None)
        await parties.record_event(conn, party_id=alpha, kind="ACCESSION", occurred_on=date(2018, 1, 10))
        await parties.record_event(conn, party_id=gamma, kind="ACCESSION", occurred_on=date(2018, 3, 1))
        await parties.record_event(conn, party_id=gamma, kind="EXPULSION", occurred_on=date(2018, 12, 1))
        body = await governance.create_body(conn, code="PANEL", name="SEC Panel")
        meeting = await governance.create_meeting(
            conn,
            body_id=body.id,
            reference="SECP_33_1706",
            held_on=date(2016, 6, 17),
            title=None,
            classification="WHITE",
        )
        action = await governance.create_action(
            conn,
            reference="SECP33/01",
            meeting_id=meeting,
            kind="ACTION",
            text="x",
            owner=None,
            status="OPEN",
            outcome=None,
            due_on=None,
            classification="WHITE",
        )
        dp = await modifications.create(
            conn,
            reference="DP118",
            title="Alerts",
            path=None,
            stage="DRAFT_PROPOSAL",
            proposer=None,
            raised_on=None,
            working_group=None,
            release=None,
        )
        await modifications.update(
            conn,
            id=dp,
            title=None,
            path=None,
            proposer=None,
            working_group=None,
            release=None,
            implemented_on=None,
            new_reference="MP118",
        )
        old = await modifications.create(
            conn,
            reference="SECMP0019",
            title="CoS",
            path=None,
            stage="REFINEMENT",
            proposer=None,
            raised_on=None,
            working_group=None,
            release=None,
        )
    return {
        "admin": await api_keys.get("admin"),
        "alpha": str(global_id("Party", alpha)),
        "beta": str(global_id("Party", beta)),
        "gamma": str(global_id("Party", gamma)),
        "meeting": str(global_id("Meeting", meeting)),
        "action": str(global_id("Action", action)),
        "mp118": str(global_id("Modification", dp)),
        "secmp0019": str(global_id("Modification", old)),
    }


# --- malformed requests: top-level errors


async def test_unknown_enum_value_in_query_text_is_a_validation_failure(world, gql, pool):
    before = await table_counts(pool)
    r = await gql("{ parties(filter: {category: NOT_A_CATEGORY}) { totalCount } }", expect_errors=True)
    assert top_level_codes(r) == ["GRAPHQL_VALIDATION_FAILED"]
    assert r.get("data") is None
    r = await gql(
        f"""mutation {{ recordPartyEvent(input: {{partyId: "{world["beta"]}", kind: JOINED,
        occurredOn: "2018-01-01"}}) {{ {ERRORS} }} }}""",
        key=world["admin"],
        expect_errors=True,
    )
    assert top_level_codes(r) == ["GRAPHQL_VALIDATION_FAILED"]
    assert await table_counts(pool) == before


async def test_unknown_enum_value_in_variables_is_bad_user_input(world, gql, pool):
    before = await table_counts(pool)
    r = await gql(
        "query($c: PartyCategory) { parties(filter: {category: $c}) { totalCount } }",
        {"c": "NOT_A_CATEGORY"},
        expect_errors=True,
    )
    assert top_level_codes(r) == ["BAD_USER_INPUT"]
    r = await gql(
        f"""mutation($input: RecordPartyEventInput!) {{ recordPartyEvent(input: $input) {{ {ERRORS} }} }}""",
        {"input": {"partyId": world["beta"], "kind": "JOINED", "occurredOn": "2018-01-01"}},
        key=world["admin"],
        expect_errors=True,
    )
    assert top_level_codes(r) == ["BAD_USER_INPUT"]
    r = await gql(
        f"""mutation($input: CreateHighlightInput!) {{ createHighlight(input: $input) {{ {ERRORS} }} }}""",
        {
            "input": {
                "bodyCode": "PANEL",
                "title": "t",
                "body": "b",
                "classification": "BLACK",
                "publishedOn": "2018-01-01",
            }
        },
        key=world["admin"],
        expect_errors=True,
    )
    assert top_level_codes(r) == ["BAD_USER_INPUT"]
    # A variable of the wrong type, or a date that is not one.
    r = await gql("query($n: Int) { parties(first: $n) { totalCount } }", {"n": "ten"}, expect_errors=True)
    assert top_level_codes(r) == ["BAD_USER_INPUT"]
    r = await gql("query($d: Date) { parties(asOf: $d) { totalCount } }", {"d": "2018-02-30"}, expect_errors=True)
    assert top_level_codes(r) == ["BAD_USER_INPUT"]
    assert await table_counts(pool) == before


async def test_syntax_error_and_unknown_field(gql):
    r = await gql("{ parties(first: 5) { totalCount ", expect_errors=True)
    assert top_level_codes(r) == ["GRAPHQL_PARSE_FAILED"]
    r = await gql("{ parties { totalCount colour } }", expect_errors=True)
    assert top_level_codes(r) == ["GRAPHQL_VALIDATION_FAILED"]


async def test_malformed_id_in_a_query_is_bad_user_input(world, gql):
    # "UGFydHk6YWJj" is Party:abc, "UGFydHk6LTE" is Party:-1.
    for query in (
        "query($id: ID!) { party(id: $id) { name } }",
        "query($id: ID!) { node(id: $id) { id } }",
        "query($id: ID!) { parties(filter: {votingGroupId: $id}) { totalCount } }",
        "query($id: ID!) { actions(filter: {meetingId: $id}) { totalCount } }",
    ):
        for bad_id in ("not an id!", "UGFydHk6YWJj", "", "UGFydHk6LTE"):
            r = await gql(query, {"id": bad_id}, expect_errors=True)
            assert top_level_codes(r) == ["BAD_USER_INPUT"], (query, bad_id, r)
            assert r["data"] is None or next(iter(r["data"].values())) is None


async def test_well_formed_id_of_an_absent_thing_is_null(world, gql):
    absent_party = str(global_id("Party", 999_999))
    r = await gql("query($id: ID!) { party(id: $id) { name } node(id: $id) { id } }", {"id": absent_party})
    assert r["data"] == {"party": None, "node": None}
    for type_name in (
        "VotingGroup",
        "PartyEvent",
        "Body",
        "Meeting",
        "Highlight",
        "Action",
        "Modification",
        "NoSuchType",
    ):
        r = await gql("query($id: ID!) { node(id: $id) { id } }", {"id": str(global_id(type_name, 999_999))})
        assert r["data"] == {"node": None}, type_name
    r = await gql('{ modification(reference: "MP999") { reference } }')
    assert r["data"] == {"modification": None}


async def test_modification_reference_not_in_a_known_format(world, gql, pool):
    before = await table_counts(pool)
    for reference in ("XY12", "SECMP19", "MP1", "DP12345", "MP118AB", "MP 118", "", "SECMP0019-A"):
        r = await gql(
            "query($r: String!) { modification(reference: $r) { reference } }", {"r": reference}, expect_errors=True
        )
        assert top_level_codes(r) == ["BAD_USER_INPUT"], reference
        assert r["data"] is None or r["data"]["modification"] is None
        r = await gql(
            f"""mutation($input: CreateModificationInput!) {{ createModification(input: $input) {{
            modification {{ id }} {ERRORS} }} }}""",
            {"input": {"reference": reference, "title": "t"}},
            key=world["admin"],
        )
        payload = r["data"]["createModification"]
        assert payload["modification"] is None
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [("INVALID_INPUT", "reference")], reference
        if reference:  # an empty newReference is no new reference
            r = await gql(
                f"""mutation($input: AmendModificationInput!) {{ amendModification(input: $input) {{
                modification {{ id }} {ERRORS} }} }}""",
                {"input": {"id": world["mp118"], "newReference": reference}},
                key=world["admin"],
            )
            payload = r["data"]["amendModification"]
            assert payload["modification"] is None
            assert [(e["code"], e["field"]) for e in payload["errors"]] == [("INVALID_INPUT", "newReference")]
    # A former reference as a formerReferences entry is checked too.
    r = await gql(
        f"""mutation($input: CreateModificationInput!) {{ createModification(input: $input) {{
        modification {{ id }} {ERRORS} }} }}""",
        {"input": {"reference": "MP200", "title": "t", "formerReferences": ["DP20O"]}},
        key=world["admin"],
    )
    assert [(e["code"], e["field"]) for e in r["data"]["createModification"]["errors"]] == [
        ("INVALID_INPUT", "formerReferences")
    ]
    assert await table_counts(pool) == before
    r = await gql('{ modification(reference: "DP118") { reference formerReferences } }')
    assert r["data"]["modification"] == {"reference": "MP118", "formerReferences": ["DP118"]}


async def test_membership_statistics_bad_months(gql):
    for args in (
        'fromMonth: "2018-13", toMonth: "2019-01"',
        'fromMonth: "July 2018", toMonth: "2019-01"',
        'fromMonth: "2019-01", toMonth: "2018-01"',
    ):
        r = await gql(f"{{ membershipStatistics({args}) {{ month }} }}", expect_errors=True)
        assert top_level_codes(r) == ["BAD_USER_INPUT"], args


# --- mutations: payload errors, nothing changed


async def mutate(gql: Any, name: str, input_type: str, field: str, inp: dict[str, Any], key: str) -> dict[str, Any]:
    r = await gql(
        f"""mutation($input: {input_type}!) {{ {name}(input: $input) {{ {field} {{ id }} {ERRORS} }} }}""",
        {"input": inp},
        key=key,
    )
    payload: dict[str, Any] = r["data"][name]
    assert payload[field] is None, payload
    return payload


def codes(payload: dict[str, Any]) -> list[tuple[str, str | None]]:
    for e in payload["errors"]:
        assert e["message"]
    return [(e["code"], e["field"]) for e in payload["errors"]]


async def test_malformed_ids_in_mutations_are_invalid_input(world, gql, pool):
    admin = world["admin"]
    before = await table_counts(pool)
    for bad in ("garbage", "UGFydHk6YWJj", world["meeting"]):  # the last is a Meeting's ID where a Party's is due
        p = await mutate(
            gql,
            "recordPartyEvent",
            "RecordPartyEventInput",
            "partyEvent",
            {"partyId": bad, "kind": "ACCESSION", "occurredOn": "2018-01-01"},
            admin,
        )
        assert codes(p) == [("INVALID_INPUT", "partyId")]
    p = await mutate(
        gql,
        "createParty",
        "CreatePartyInput",
        "party",
        {"name": "Delta", "category": "SMALL_SUPPLIER", "votingGroupId": "garbage"},
        admin,
    )
    assert codes(p) == [("INVALID_INPUT", "votingGroupId")]
    p = await mutate(
        gql,
        "recordPartyEvent",
        "RecordPartyEventInput",
        "partyEvent",
        {
            "partyId": world["alpha"],
            "kind": "VOTING_GROUP_CHANGE",
            "occurredOn": "2018-05-01",
            "votingGroupId": "garbage",
        },
        admin,
    )
    assert codes(p) == [("INVALID_INPUT", "votingGroupId")]
    p = await mutate(gql, "amendMeeting", "AmendMeetingInput", "meeting", {"id": "garbage", "title": "x"}, admin)
    assert codes(p) == [("INVALID_INPUT", "id")]
    p = await mutate(
        gql, "amendAction", "AmendActionInput", "action", {"id": world["meeting"], "status": "CLOSED"}, admin
    )
    assert codes(p) == [("INVALID_INPUT", "id")]
    p = await mutate(
        gql, "amendModification", "AmendModificationInput", "modification", {"id": "garbage", "title": "x"}, admin
    )
    assert codes(p) == [("INVALID_INPUT", "id")]
    p = await mutate(
        gql,
        "recordModificationEvent",
        "RecordModificationEventInput",
        "modification",
        {"modificationId": "garbage", "kind": "RAISED", "occurredOn": "2018-01-01"},
        admin,
    )
    assert codes(p) == [("INVALID_INPUT", "modificationId")]
    p = await mutate(
        gql,
        "createHighlight",
        "CreateHighlightInput",
        "highlight",
        {
            "bodyCode": "PANEL",
            "title": "t",
            "body": "b",
            "classification": "WHITE",
            "publishedOn": "2018-01-01",
            "meetingId": "garbage",
        },
        admin,
    )
    assert codes(p) == [("INVALID_INPUT", "meetingId")]
    p = await mutate(
        gql,
        "createAction",
        "CreateActionInput",
        "action",
        {"reference": "SECP33/09", "meetingId": "garbage", "text": "x"},
        admin,
    )
    assert codes(p) == [("INVALID_INPUT", "meetingId")]
    assert await table_counts(pool) == before


async def test_well_formed_ids_of_absent_things_in_mutations_are_not_found(world, gql, pool):
    admin = world["admin"]
    before = await table_counts(pool)
    p = await mutate(
        gql,
        "recordPartyEvent",
        "RecordPartyEventInput",
        "partyEvent",
        {"partyId": str(global_id("Party", 999_999)), "kind": "ACCESSION", "occurredOn": "2018-01-01"},
        admin,
    )
    assert codes(p) == [("NOT_FOUND", "partyId")]
    p = await mutate(
        gql,
        "createParty",
        "CreatePartyInput",
        "party",
        {"name": "Delta", "category": "SMALL_SUPPLIER", "votingGroupId": str(global_id("VotingGroup", 999_999))},
        admin,
    )
    assert codes(p) == [("NOT_FOUND", "votingGroupId")]
    p = await mutate(
        gql,
        "amendMeeting",
        "AmendMeetingInput",
        "meeting",
        {"id": str(global_id("Meeting", 999_999)), "title": "x"},
        admin,
    )
    assert codes(p) == [("NOT_FOUND", "id")]
    p = await mutate(
        gql,
        "createMeeting",
        "CreateMeetingInput",
        "meeting",
        {"bodyCode": "NOPE", "reference": "NOPE_1_0101", "heldOn": "2018-01-01"},
        admin,
    )
    assert codes(p) == [("NOT_FOUND", "bodyCode")]
    p = await mutate(
        gql,
        "createHighlight",
        "CreateHighlightInput",
        "highlight",
        {
            "bodyCode": "PANEL",
            "title": "t",
            "body": "b",
            "classification": "WHITE",
            "publishedOn": "2018-01-01",
            "meetingId": str(global_id("Meeting", 999_999)),
        },
        admin,
    )
    assert codes(p) == [("NOT_FOUND", "meetingId")]
    p = await mutate(
        gql,
        "createAction",
        "CreateActionInput",
        "action",
        {"reference": "SECP33/09", "meetingId": str(global_id("Meeting", 999_999)), "text": "x"},
        admin,
    )
    assert codes(p) == [("NOT_FOUND", "meetingId")]
    assert await table_counts(pool) == before


LIFECYCLE = [
    # (party, kind, day, extra) — each contradicts the events already recorded
    ("beta", "WITHDRAWAL", "2018-05-01", {}),  # withdrawal before any accession
    ("beta", "EXPULSION", "2018-05-01", {}),
    ("beta", "UEP_COMPLETED", "2018-05-01", {"userRole": "GAS_SUPPLIER", "userId": "GS001"}),
    ("beta", "DEFAULT_ENTERED", "2018-05-01", {}),
    ("alpha", "WITHDRAWAL", "2018-01-09", {}),  # dated the day before its accession
    ("alpha", "ACCESSION", "2018-06-01", {}),  # a second accession
    ("alpha", "APPLICATION", "2018-06-01", {}),  # applying when already a Party
    ("alpha", "DEFAULT_CURED", "2018-06-01", {}),  # not in default
    ("gamma", "UEP_COMPLETED", "2018-12-02", {"userRole": "IMPORT_SUPPLIER", "userId": "ASE009"}),  # after expulsion
    ("gamma", "DEFAULT_ENTERED", "2019-01-01", {}),
    ("gamma", "DEFAULT_CURED", "2019-01-01", {}),
    ("gamma", "ACCESSION", "2019-01-01", {}),
    ("gamma", "CATEGORY_CHANGE", "2019-01-01", {"category": "LARGE_SUPPLIER"}),
    ("gamma", "SREPT_COMPLETED", "2019-01-01", {}),
    ("gamma", "WITHDRAWAL", "2019-01-01", {}),
    ("gamma", "WITHDRAWAL", "2018-06-01", {}),  # leaving twice, even back-dated
    ("gamma", "EXPULSION", "2019-01-01", {}),
]


async def test_events_contradicting_the_lifecycle(world, gql, pool):
    before = await table_counts(pool)
    for who, kind, day, extra in LIFECYCLE:
        p = await mutate(
            gql,
            "recordPartyEvent",
            "RecordPartyEventInput",
            "partyEvent",
            {"partyId": world[who], "kind": kind, "occurredOn": day, **extra},
            world["admin"],
        )
        assert [c for c, _ in codes(p)] == ["LIFECYCLE_VIOLATION"], (who, kind, day)
        assert await table_counts(pool) == before, (who, kind, day)
    r = await gql(
        """query($a: ID!, $b: ID!, $g: ID!) { a: party(id: $a) { status events { totalCount } }
        b: party(id: $b) { status events { totalCount } } g: party(id: $g) { status events { totalCount } } }""",
        {"a": world["alpha"], "b": world["beta"], "g": world["gamma"]},
    )
    assert r["data"] == {
        "a": {"status": "ACTIVE", "events": {"totalCount": 1}},
        "b": {"status": "APPLICANT", "events": {"totalCount": 0}},
        "g": {"status": "EXPELLED", "events": {"totalCount": 2}},
    }


async def test_events_missing_what_their_kind_needs(world, gql, pool):
    before = await table_counts(pool)
    for kind, field in (
        ("UEP_COMPLETED", "userRole"),
        ("UEPT_COMPLETED", "userRole"),
        ("CATEGORY_CHANGE", "category"),
        ("VOTING_GROUP_CHANGE", "votingGroupId"),
    ):
        p = await mutate(
            gql,
            "recordPartyEvent",
            "RecordPartyEventInput",
            "partyEvent",
            {"partyId": world["alpha"], "kind": kind, "occurredOn": "2018-06-01"},
            world["admin"],
        )
        assert codes(p) == [("INVALID_INPUT", field)], kind
    assert await table_counts(pool) == before


async def test_duplicates_are_conflicts(world, gql, pool):
    admin = world["admin"]
    before = await table_counts(pool)
    for name in ("Alpha Energy", "alpha energy", " Alpha Energy "):
        p = await mutate(
            gql, "createParty", "CreatePartyInput", "party", {"name": name, "category": "LARGE_SUPPLIER"}, admin
        )
        assert codes(p) == [("CONFLICT", "name")], name
    for code in ("PANEL", "panel"):
        r = await gql(
            f"""mutation($input: CreateBodyInput!) {{ createBody(input: $input) {{ body {{ id }} {ERRORS} }}
            }}""",
            {"input": {"code": code, "name": "Another Panel"}},
            key=admin,
        )
        assert r["data"]["createBody"]["body"] is None
        assert codes(r["data"]["createBody"]) == [("CONFLICT", "code")]
    for ref in ("MP118", "SECMP0019", "secmp0019"):
        p = await mutate(
            gql,
            "createModification",
            "CreateModificationInput",
            "modification",
            {"reference": ref, "title": "again"},
            admin,
        )
        assert codes(p) == [("CONFLICT", "reference")], ref
    p = await mutate(
        gql,
        "amendModification",
        "AmendModificationInput",
        "modification",
        {"id": world["secmp0019"], "newReference": "MP118"},
        admin,
    )
    assert codes(p) == [("CONFLICT", "newReference")]
    p = await mutate(
        gql,
        "createMeeting",
        "CreateMeetingInput",
        "meeting",
        {"bodyCode": "PANEL", "reference": "SECP_33_1706", "heldOn": "2016-06-18"},
        admin,
    )
    assert codes(p) == [("CONFLICT", "reference")]
    p = await mutate(
        gql,
        "createAction",
        "CreateActionInput",
        "action",
        {"reference": "SECP33/01", "meetingId": world["meeting"], "text": "again"},
        admin,
    )
    assert codes(p) == [("CONFLICT", "reference")]
    async with pool.acquire() as conn:
        name = await conn.fetchval("SELECT name FROM api_keys LIMIT 1")
        with pytest.raises(Conflict) as raised:
            await keys.create(conn, name=name, role="dcc", bodies=[], party_id=None)
    assert raised.value.code == "CONFLICT"
    assert raised.value.field == "name"
    assert await table_counts(pool) == before
    r = await gql('{ modification(reference: "SECMP0019") { reference title } }')
    assert r["data"]["modification"] == {"reference": "SECMP0019", "title": "CoS"}


async def test_page_size_over_100_is_too_complex(world, gql):
    for query in (
        "{ parties(first: 101) { totalCount } }",
        "{ modifications(first: 101) { totalCount } }",
        "{ highlights(first: 101) { totalCount } }",
        "{ actions(first: 101) { totalCount } }",
        "{ parties(first: 1) { edges { node { events(first: 101) { totalCount } } } } }",
        "{ bodies { meetings(first: 101) { totalCount } } }",
    ):
        r = await gql(query, expect_errors=True)
        assert top_level_codes(r) == ["QUERY_TOO_COMPLEX"], query
    r = await gql("{ parties(first: 100) { totalCount } }")
    assert r["data"]["parties"]["totalCount"] == 3


async def test_negative_page_size_is_bad_user_input(world, gql):
    for query in (
        "{ parties(first: -1) { totalCount } }",
        "{ modifications(first: -1) { totalCount } }",
        "{ highlights(first: -1) { totalCount } }",
        "{ actions(first: -1) { totalCount } }",
        "{ parties(first: 1) { edges { node { events(first: -1) { totalCount } } } } }",
    ):
        r = await gql(query, expect_errors=True)
        assert top_level_codes(r) == ["BAD_USER_INPUT"], (query, r)


async def test_too_many_aliases_or_too_deep_is_too_complex(gql):
    aliases = " ".join(f"a{i}: bodies {{ code }}" for i in range(40))
    r = await gql(f"{{ {aliases} }}", expect_errors=True)
    assert set(top_level_codes(r)) == {"QUERY_TOO_COMPLEX"}
    deep = (
        "{ parties { edges { node { votingGroup { parties { votingGroup { parties { votingGroup { parties { "
        "votingGroup { parties { votingGroup { parties { name } } } } } } } } } } } } } }"
    )
    r = await gql(deep, expect_errors=True)
    assert set(top_level_codes(r)) == {"QUERY_TOO_COMPLEX"}


CURSOR_QUERIES = {
    # list → its well-formed cursors among the candidates below (a key of the right shape and types)
    "query($a: String) { parties(after: $a) { totalCount } }": [["2018-13-01", 1]],
    "query($a: String) { modifications(after: $a) { totalCount } }": [["a"]],
    "query($a: String) { actions(after: $a) { totalCount } }": [["a"]],
    "query($a: String) { highlights(after: $a) { totalCount } }": [],
    "query($a: String) { parties(first: 1) { edges { node { events(after: $a) { totalCount } } } } }": [],
    "query($a: String) { bodies { meetings(after: $a) { totalCount } } }": [],
}
CANDIDATES: list[Any] = [
    "not a cursor!",
    "e30",
    ["a"],
    [1, 2, 3],
    ["Alpha Energy", "x"],
    [5, 7],
    ["2018-13-01", 1],
    [True],
]


async def test_malformed_cursor_is_bad_user_input(world, gql):
    for query, well_formed in CURSOR_QUERIES.items():
        for candidate in CANDIDATES:
            cursor = candidate if isinstance(candidate, str) else encode_cursor(candidate)
            r = await gql(query, {"a": cursor}, expect_errors=True)
            expected = [] if candidate in well_formed else ["BAD_USER_INPUT"]
            assert top_level_codes(r) == expected, (query, candidate, r)


async def test_unexpected_fault_is_masked_with_a_request_id(world, client, pool):
    async with pool.acquire() as conn:
        await conn.execute("DROP TABLE highlights")
    r = await client.post(
        "/graphql", json={"query": "{ highlights { totalCount } }"}, headers={"X-Request-Id": "req-4711"}
    )
    assert r.status_code == 200
    body = r.json()
    assert [e["extensions"] for e in body["errors"]] == [{"code": "INTERNAL_SERVER_ERROR", "requestId": "req-4711"}]
    assert body["errors"][0]["message"] == "Internal server error."
    assert "relation" not in r.text and "does not exist" not in r.text
    assert r.headers["x-request-id"] == "req-4711"
    # Without a request id header one is made up, and the same one is returned in the header.
    r = await client.post("/graphql", json={"query": "{ highlights { totalCount } }"})
    request_id = r.json()["errors"][0]["extensions"]["requestId"]
    assert request_id and request_id == r.headers["x-request-id"]
    # The rest of the API is unaffected.
    r = await client.post("/graphql", json={"query": "{ parties { totalCount } }"})
    assert r.json() == {"data": {"parties": {"totalCount": 3}}}
