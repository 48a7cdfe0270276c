"""Issue 2, acceptance 5: the access matrix of docs/domain.md, over HTTP.

For each role (and a key that lists body SSC) and each classification of meetings, highlights and actions owned by
OPSG and SSC: what is in the lists, in totalCount, via node(id:) (null when hidden), via Body.meetings and
Highlight.meeting. Then every register mutation refused for each role but secas/admin, and bad keys refused with 401.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from sql import governance, modifications, parties
from tests.support.access import CLASSES, OWNERS, VIEWERS, sees


def gid(type_name: str, pk: int) -> str:
    from schema.relay import global_id

    return str(global_id(type_name, pk))


class World:
    """For each owner and classification: a meeting, a highlight of that classification on that meeting, a White
    'pointer' highlight on that meeting (to see Highlight.meeting hide it), and an action (on the owner's White
    meeting)."""

    def __init__(self) -> None:
        self.meetings: dict[tuple[str, str], int] = {}
        self.highlights: dict[tuple[str, str], int] = {}
        self.pointers: dict[tuple[str, str], int] = {}
        self.actions: dict[tuple[str, str], int] = {}
        self.party_id = 0


@pytest.fixture
async def world(pool) -> World:
    w = World()
    async with pool.acquire() as conn, conn.transaction():
        bodies = {code: await governance.create_body(conn, code=code, name=code) for code in ("OPSG", "SSC", "PANEL")}
        for owner in OWNERS:
            for n, cls in enumerate(CLASSES):
                w.meetings[owner, cls] = await governance.create_meeting(
                    conn,
                    body_id=bodies[owner].id,
                    reference=f"{owner}_{n + 1}_{cls}",
                    held_on=date(2018, 6, n + 1),
                    title=None,
                    classification=cls,
                )
        for owner in OWNERS:
            for n, cls in enumerate(CLASSES):
                w.highlights[owner, cls] = await governance.create_highlight(
                    conn,
                    body_id=bodies[owner].id,
                    meeting_id=w.meetings[owner, cls],
                    title=f"{owner} {cls}",
                    body="text",
                    classification=cls,
                    published_on=date(2018, 6, n + 1),
                )
                w.pointers[owner, cls] = await governance.create_highlight(
                    conn,
                    body_id=bodies[owner].id,
                    meeting_id=w.meetings[owner, cls],
                    title=f"{owner} pointer {cls}",
                    body="text",
                    classification="WHITE",
                    published_on=date(2018, 6, n + 1),
                )
                w.actions[owner, cls] = await governance.create_action(
                    conn,
                    reference=f"{owner}/{n + 1:02d}",
                    meeting_id=w.meetings[owner, "WHITE"],
                    kind="ACTION",
                    text=f"{owner} action {cls}",
                    owner=None,
                    status="OPEN",
                    outcome=None,
                    due_on=None,
                    classification=cls,
                )
        w.party_id = await parties.create_party(
            conn, name="Alpha Energy", category="SMALL_SUPPLIER", voting_group_id=None
        )
    return w


async def key_for(api_keys: Any, world: World, viewer: str) -> str | None:
    role, bodies, _, _ = VIEWERS[viewer]
    return await api_keys.get(role, bodies=bodies, party_id=world.party_id if role == "party" else None)


LISTS = """{
  highlights(first: 100) { totalCount edges { node { title classification bodyCode meeting { reference } } } }
  actions(first: 100) { totalCount edges { node { reference classification meeting { reference } } } }
  bodies { code meetings(first: 100) { totalCount edges { node { reference classification body { code } } } } }
}"""


async def test_what_each_viewer_sees(world, gql, api_keys):
    # One database for all viewers (a loop, not parametrized, to keep the suite fast); failures name the viewer.
    for viewer in VIEWERS:
        key = await key_for(api_keys, world, viewer)
        await check_lists(viewer, key, gql)
        await check_nodes(viewer, key, world, gql)
        await check_filtered_lists(viewer, key, world, gql)


async def check_lists(viewer: str, key: str | None, gql: Any) -> None:
    r = await gql(LISTS, key=key)
    data = r["data"]
    visible = [(o, c) for o in OWNERS for c in CLASSES if sees(viewer, o, c)]

    # Highlights, newest first: the classified one and the White pointer of each day, pointer last created first.
    expected_highlights = []
    for n in reversed(range(len(CLASSES))):
        for owner in reversed(OWNERS):
            cls = CLASSES[n]
            expected_highlights.append(
                {
                    "title": f"{owner} pointer {cls}",
                    "classification": "WHITE",
                    "bodyCode": owner,
                    "meeting": {"reference": f"{owner}_{n + 1}_{cls}"} if sees(viewer, owner, cls) else None,
                }
            )
            if sees(viewer, owner, cls):
                expected_highlights.append(
                    {
                        "title": f"{owner} {cls}",
                        "classification": cls,
                        "bodyCode": owner,
                        "meeting": {"reference": f"{owner}_{n + 1}_{cls}"},
                    }
                )
    assert [e["node"] for e in data["highlights"]["edges"]] == expected_highlights, viewer
    assert data["highlights"]["totalCount"] == 8 + len(visible), viewer

    assert [e["node"] for e in data["actions"]["edges"]] == [
        {"reference": f"{o}/{CLASSES.index(c) + 1:02d}", "classification": c, "meeting": {"reference": f"{o}_1_WHITE"}}
        for o, c in visible
    ], viewer
    assert data["actions"]["totalCount"] == len(visible), viewer

    meetings = {b["code"]: b["meetings"] for b in data["bodies"]}
    assert list(meetings) == ["OPSG", "PANEL", "SSC"]
    assert meetings["PANEL"] == {"totalCount": 0, "edges": []}
    for owner in OWNERS:
        shown = [c for c in reversed(CLASSES) if sees(viewer, owner, c)]  # newest first
        assert meetings[owner]["totalCount"] == len(shown), (viewer, owner)
        assert [e["node"] for e in meetings[owner]["edges"]] == [
            {"reference": f"{owner}_{CLASSES.index(c) + 1}_{c}", "classification": c, "body": {"code": owner}}
            for c in shown
        ], (viewer, owner)


async def check_nodes(viewer: str, key: str | None, world: World, gql: Any) -> None:
    """node(id:) answers null for a hidden item, never an error."""
    items = []
    for owner in OWNERS:
        for cls in CLASSES:
            items.append(("Meeting", world.meetings[owner, cls], owner, cls))
            items.append(("Highlight", world.highlights[owner, cls], owner, cls))
            items.append(("Action", world.actions[owner, cls], owner, cls))
    fields = " ".join(
        f'n{i}: node(id: "{gid(t, pk)}") {{ __typename id ... on Meeting {{ classification }} '
        f"... on Highlight {{ classification }} ... on Action {{ classification }} }}"
        for i, (t, pk, _, _) in enumerate(items)
    )
    r = await gql(f"{{ {fields} }}", key=key)
    for i, (type_name, pk, owner, cls) in enumerate(items):
        expected = (
            {"__typename": type_name, "id": gid(type_name, pk), "classification": cls}
            if sees(viewer, owner, cls)
            else None
        )
        assert r["data"][f"n{i}"] == expected, (viewer, type_name, owner, cls)


async def check_filtered_lists(viewer: str, key: str | None, world: World, gql: Any) -> None:
    for owner in OWNERS:
        r = await gql(
            """query($code: String) { highlights(filter: {bodyCode: $code, textContains: "pointer"})
            { totalCount } all: highlights(filter: {bodyCode: $code}) { totalCount } }""",
            {"code": owner},
            key=key,
        )
        assert r["data"]["highlights"]["totalCount"] == 4, (viewer, owner)
        assert r["data"]["all"]["totalCount"] == 4 + sum(sees(viewer, owner, c) for c in CLASSES), (viewer, owner)
        r = await gql(
            """query($m: ID) { actions(filter: {meetingId: $m}) { totalCount } }""",
            {"m": gid("Meeting", world.meetings[owner, "WHITE"])},
            key=key,
        )
        assert r["data"]["actions"]["totalCount"] == sum(sees(viewer, owner, c) for c in CLASSES), (viewer, owner)


def test_the_table_matches_the_contract_rules():
    """The table above, checked against the rules as docs/domain.md words them."""
    for viewer, (role, bodies, _, _) in VIEWERS.items():
        member_of = set(bodies) | ({"OPSG"} if role == "opsg" else set()) | ({"PANEL"} if role == "panel" else set())
        for owner in OWNERS:
            for cls in CLASSES:
                rule = (
                    role in ("secas", "admin")
                    or cls == "WHITE"
                    or (cls == "GREEN" and role != "public")
                    or (cls == "AMBER" and (owner in member_of or "PANEL" in member_of))
                    or (cls == "RED" and owner in member_of)
                )
                assert sees(viewer, owner, cls) is rule, (viewer, owner, cls)


# --- mutations: register mutations are for secas and admin only


@pytest.fixture
async def targets(pool) -> dict[str, str]:
    async with pool.acquire() as conn, conn.transaction():
        body = await governance.create_body(conn, code="PANEL", name="SEC Panel")
        group = await parties.create_voting_group(conn, name="Gridco Group", category="LARGE_SUPPLIER")
        party = await parties.create_party(
            conn, name="Gridco Supply", category="LARGE_SUPPLIER", voting_group_id=group.id
        )
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
        mod = await modifications.create(
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
    return {
        "group": gid("VotingGroup", group.id),
        "party": gid("Party", party),
        "meeting": gid("Meeting", meeting),
        "action": gid("Action", action),
        "modification": gid("Modification", mod),
    }


def mutations(t: dict[str, str]) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(mutation, input type, payload object field, input) for every register mutation."""
    return [
        ("createVotingGroup", "CreateVotingGroupInput", "votingGroup", {"name": "New Group", "category": "DCC"}),
        ("createParty", "CreatePartyInput", "party", {"name": "New Party", "category": "SMALL_SUPPLIER"}),
        (
            "createParty",
            "CreatePartyInput",
            "party",
            {"name": "New Member", "category": "LARGE_SUPPLIER", "votingGroupId": t["group"]},
        ),
        (
            "recordPartyEvent",
            "RecordPartyEventInput",
            "partyEvent",
            {"partyId": t["party"], "kind": "ACCESSION", "occurredOn": "2018-01-01"},
        ),
        ("createModification", "CreateModificationInput", "modification", {"reference": "MP200", "title": "New"}),
        (
            "amendModification",
            "AmendModificationInput",
            "modification",
            {"id": t["modification"], "newReference": "MP118"},
        ),
        (
            "recordModificationEvent",
            "RecordModificationEventInput",
            "modification",
            {
                "modificationId": t["modification"],
                "kind": "STAGE_CHANGED",
                "occurredOn": "2018-08-01",
                "stage": "DEVELOPMENT",
            },
        ),
        ("createBody", "CreateBodyInput", "body", {"code": "WG_9", "name": "Working Group 9"}),
        (
            "createMeeting",
            "CreateMeetingInput",
            "meeting",
            {"bodyCode": "PANEL", "reference": "SECP_34_1507", "heldOn": "2016-07-15"},
        ),
        ("amendMeeting", "AmendMeetingInput", "meeting", {"id": t["meeting"], "classification": "RED"}),
        (
            "createHighlight",
            "CreateHighlightInput",
            "highlight",
            {"bodyCode": "PANEL", "title": "t", "body": "b", "classification": "WHITE", "publishedOn": "2016-06-17"},
        ),
        (
            "createAction",
            "CreateActionInput",
            "action",
            {"reference": "SECP33/02", "meetingId": t["meeting"], "text": "x"},
        ),
        ("amendAction", "AmendActionInput", "action", {"id": t["action"], "status": "CLOSED"}),
    ]


async def row_counts(pool: Any) -> dict[str, int]:
    async with pool.acquire() as conn:
        tables = [
            r["tablename"]
            for r in await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        ]
        # The audit log records the refused attempts themselves (issue 5): it is the one table they may change.
        return {
            t: await conn.fetchval(f'SELECT count(*) FROM "{t}"') for t in tables if t not in ("api_keys", "audit_log")
        }


async def test_register_mutations_refused_for_all_but_staff(targets, gql, api_keys, pool):
    async with pool.acquire() as conn:
        party_pk = await conn.fetchval("SELECT id FROM parties WHERE name = 'Gridco Supply'")
    before = await row_counts(pool)
    for viewer in ("public", "party", "dcc", "opsg", "panel", "ssc-key"):
        role, bodies, _, _ = VIEWERS[viewer]
        key = await api_keys.get(role, bodies=bodies, party_id=party_pk if role == "party" else None)
        await refused(viewer, key, targets, gql)
    assert await row_counts(pool) == before


async def refused(viewer: str, key: str | None, targets: dict[str, str], gql: Any) -> None:
    code = "UNAUTHENTICATED" if viewer == "public" else "FORBIDDEN"
    for name, input_type, field, inp in mutations(targets):
        r = await gql(
            f"""mutation($input: {input_type}!) {{ {name}(input: $input) {{
            {field} {{ __typename }} errors {{ code message field }} }} }}""",
            {"input": inp},
            key=key,
        )
        payload = r["data"][name]
        assert payload[field] is None, name
        assert [e["code"] for e in payload["errors"]] == [code], (viewer, name, payload)
        assert payload["errors"][0]["message"]


async def test_register_mutations_allowed_for_secas_and_admin(targets, gql, api_keys, pool):
    before = await row_counts(pool)
    for role in ("secas", "admin"):
        key = await api_keys.get(role)
        for name, input_type, field, inp in mutations(targets):
            if role == "admin":  # the same again would conflict: make it new
                inp = {
                    k: (
                        v.replace("New", "Newer")
                        .replace("WG_9", "WG_10")
                        .replace("MP200", "MP201")
                        .replace("SECP_34_1507", "SECP_35_1908")
                        .replace("SECP33/02", "SECP33/03")
                        if isinstance(v, str) and k in ("name", "reference", "code")
                        else v
                    )
                    for k, v in inp.items()
                }
                if name == "recordPartyEvent":
                    inp = {**inp, "kind": "UEP_COMPLETED", "userRole": "IMPORT_SUPPLIER", "userId": "ASE001"}
            r = await gql(
                f"""mutation($input: {input_type}!) {{ {name}(input: $input) {{
                {field} {{ __typename }} errors {{ code message field }} }} }}""",
                {"input": inp},
                key=key,
            )
            payload = r["data"][name]
            assert payload["errors"] == [], (role, name, payload)
            assert payload[field] is not None, (role, name)
    after = await row_counts(pool)
    assert after["parties"] == before["parties"] + 4
    assert after["voting_groups"] == before["voting_groups"] + 4  # two named, two one-Party groups
    assert after["party_events"] == before["party_events"] + 2
    assert after["bodies"] == before["bodies"] + 2
    assert after["meetings"] == before["meetings"] + 2
    assert after["highlights"] == before["highlights"] + 2
    assert after["actions"] == before["actions"] + 2
    assert after["modifications"] == before["modifications"] + 2
    assert after["modification_events"] == before["modification_events"] + 2


# --- bad keys


async def test_invalid_key_is_401(client):
    for header in ("Bearer sgk_not-a-real-key", "Bearer ", "Basic dXNlcjpwYXNz", "sgk_no_scheme"):
        r = await client.post("/graphql", json={"query": "{ bodies { code } }"}, headers={"Authorization": header})
        assert r.status_code == 401, header
        body = r.json()
        assert list(body) == ["errors"]  # GraphQL's shape, status kept
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert body["errors"][0]["message"]


async def test_revoked_key_is_401(client, api_keys, pool):
    from sql import keys

    key = await api_keys.get("secas")
    r = await client.post("/graphql", json={"query": "{ bodies { code } }"}, headers={"Authorization": f"Bearer {key}"})
    assert r.status_code == 200
    async with pool.acquire() as conn:
        name = await conn.fetchval("SELECT name FROM api_keys WHERE role = 'secas'")
        await keys.revoke(conn, name=name)
    # A new app (no key cache) sees the revocation at once.
    import httpx

    from api.app import create_app
    from api.settings import Settings

    app = create_app(Settings(), pool=pool)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as fresh:
        r = await fresh.post(
            "/graphql", json={"query": "{ bodies { code } }"}, headers={"Authorization": f"Bearer {key}"}
        )
    assert r.status_code == 401
    assert r.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
