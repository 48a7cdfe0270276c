"""Issue 2, acceptance 2 (register area): every register query and mutation over HTTP through the ASGI app.

parties (filter, asOf, pagination with cursors), party, node, votingGroups (category, asOf), createVotingGroup,
createParty with and without a group, recordPartyEvent of every kind (UEP_COMPLETED with its role and User ID
shows in Party.userRoles).
"""

from __future__ import annotations

from typing import Any

ERRORS = "errors { code message field }"
PARTY_FIELDS = "id name category status accededOn votingGroup { id name category }"

CREATE_GROUP = f"""mutation($input: CreateVotingGroupInput!) {{
  createVotingGroup(input: $input) {{ votingGroup {{ id name category }} {ERRORS} }} }}"""
CREATE_PARTY = f"""mutation($input: CreatePartyInput!) {{
  createParty(input: $input) {{ party {{ {PARTY_FIELDS} }} {ERRORS} }} }}"""
RECORD = f"""mutation($input: RecordPartyEventInput!) {{
  recordPartyEvent(input: $input) {{
    partyEvent {{ id kind occurredOn note userRole userId category votingGroup {{ name }} }}
    party {{ {PARTY_FIELDS} userRoles {{ role userId since }} }}
    {ERRORS} }} }}"""
PARTIES = """query($filter: PartyFilter, $asOf: Date, $first: Int, $after: String) {
  parties(filter: $filter, asOf: $asOf, first: $first, after: $after) {
    totalCount
    edges { cursor node { id name category status votingGroup { name } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"""


class Register:
    """A small register made through the API: names → global IDs."""

    def __init__(self, gql: Any, key: str) -> None:
        self.gql, self.key = gql, key
        self.ids: dict[str, str] = {}

    async def group(self, name: str, category: str) -> dict[str, Any]:
        r = await self.gql(CREATE_GROUP, {"input": {"name": name, "category": category}}, key=self.key)
        payload = r["data"]["createVotingGroup"]
        assert payload["errors"] == []
        self.ids[name] = payload["votingGroup"]["id"]
        return payload["votingGroup"]

    async def party(self, name: str, category: str, group: str | None = None) -> dict[str, Any]:
        inp: dict[str, Any] = {"name": name, "category": category}
        if group:
            inp["votingGroupId"] = self.ids[group]
        r = await self.gql(CREATE_PARTY, {"input": inp}, key=self.key)
        payload = r["data"]["createParty"]
        assert payload["errors"] == []
        self.ids[name] = payload["party"]["id"]
        return payload["party"]

    async def event(self, name: str, kind: str, on: str, **extra: Any) -> dict[str, Any]:
        inp = {"partyId": self.ids[name], "kind": kind, "occurredOn": on, **extra}
        r = await self.gql(RECORD, {"input": inp}, key=self.key)
        payload = r["data"]["recordPartyEvent"]
        assert payload["errors"] == [], payload
        return payload


async def build(gql: Any, key: str) -> Register:
    """Five Parties, one shared Voting Group, and one event of every kind.

    Alpha: applied 2017-11-01, acceded 2018-01-10, SREPT 2018-05-01, UEPT (EXPORT_SUPPLIER) 2018-06-01,
      UEP IMPORT_SUPPLIER/ASE001 2018-07-05, default 2018-08-01..cured 2018-08-20, LARGE_SUPPLIER from 2018-09-01,
      Gridco Group from 2018-10-01.
    Beta Networks: acceded 2018-02-01, withdrew 2018-07-27.  Gamma Power: acceded 2018-03-01, expelled 2018-12-01.
    Gridco Electricity / Gridco Gas: acceded 2016-01-01, in Gridco Group from creation.
    """
    reg = Register(gql, key)
    await reg.group("Gridco Group", "LARGE_SUPPLIER")
    await reg.party("Gridco Electricity", "LARGE_SUPPLIER", "Gridco Group")
    await reg.party("Gridco Gas", "LARGE_SUPPLIER", "Gridco Group")
    await reg.party("Alpha Energy", "SMALL_SUPPLIER")
    await reg.party("Beta Networks", "ELECTRICITY_NETWORK")
    await reg.party("Gamma Power", "SMALL_SUPPLIER")
    for name in ("Gridco Electricity", "Gridco Gas"):
        await reg.event(name, "ACCESSION", "2016-01-01")
    await reg.event("Beta Networks", "ACCESSION", "2018-02-01")
    await reg.event("Beta Networks", "WITHDRAWAL", "2018-07-27", note="voluntary")
    await reg.event("Gamma Power", "ACCESSION", "2018-03-01")
    await reg.event("Gamma Power", "EXPULSION", "2018-12-01")
    alpha = [
        ("APPLICATION", "2017-11-01", {}),
        ("ACCESSION", "2018-01-10", {}),
        ("SREPT_COMPLETED", "2018-05-01", {}),
        ("UEPT_COMPLETED", "2018-06-01", {"userRole": "EXPORT_SUPPLIER"}),
        ("UEP_COMPLETED", "2018-07-05", {"userRole": "IMPORT_SUPPLIER", "userId": "ASE001"}),
        ("DEFAULT_ENTERED", "2018-08-01", {}),
        ("DEFAULT_CURED", "2018-08-20", {}),
        ("CATEGORY_CHANGE", "2018-09-01", {"category": "LARGE_SUPPLIER"}),
        ("VOTING_GROUP_CHANGE", "2018-10-01", {"votingGroupId": reg.ids["Gridco Group"]}),
    ]
    for kind, on, extra in alpha:
        await reg.event("Alpha Energy", kind, on, **extra)
    return reg


async def test_create_voting_group_and_parties_with_and_without_group(gql, api_keys):
    admin = await api_keys.get("admin")
    reg = Register(gql, admin)
    group = await reg.group("Gridco Group", "LARGE_SUPPLIER")
    assert group["name"] == "Gridco Group" and group["category"] == "LARGE_SUPPLIER"

    joined = await reg.party("Gridco Electricity", "LARGE_SUPPLIER", "Gridco Group")
    assert joined == {
        "id": joined["id"],
        "name": "Gridco Electricity",
        "category": "LARGE_SUPPLIER",
        "status": "APPLICANT",
        "accededOn": None,
        "votingGroup": {"id": group["id"], "name": "Gridco Group", "category": "LARGE_SUPPLIER"},
    }

    alone = await reg.party("Alpha Energy", "SMALL_SUPPLIER")
    assert alone["votingGroup"]["name"] == "Alpha Energy"
    assert alone["votingGroup"]["category"] == "SMALL_SUPPLIER"
    assert alone["votingGroup"]["id"] != group["id"]

    r = await gql("{ votingGroups { name category parties { name } } }")
    assert r["data"]["votingGroups"] == [
        {"name": "Alpha Energy", "category": "SMALL_SUPPLIER", "parties": [{"name": "Alpha Energy"}]},
        {"name": "Gridco Group", "category": "LARGE_SUPPLIER", "parties": [{"name": "Gridco Electricity"}]},
    ]


async def test_record_party_event_of_every_kind(gql, api_keys):
    admin = await api_keys.get("admin")
    reg = Register(gql, admin)
    await reg.group("Gridco Group", "LARGE_SUPPLIER")
    await reg.party("Alpha Energy", "SMALL_SUPPLIER")
    await reg.party("Beta Networks", "ELECTRICITY_NETWORK")
    await reg.party("Gamma Power", "SMALL_SUPPLIER")

    expected = [
        # kind, day, extra input, status after, category after, group after
        ("APPLICATION", "2017-11-01", {}, "APPLICANT", "SMALL_SUPPLIER", "Alpha Energy"),
        ("ACCESSION", "2018-01-10", {}, "ACTIVE", "SMALL_SUPPLIER", "Alpha Energy"),
        ("SREPT_COMPLETED", "2018-05-01", {}, "ACTIVE", "SMALL_SUPPLIER", "Alpha Energy"),
        ("UEPT_COMPLETED", "2018-06-01", {"userRole": "EXPORT_SUPPLIER"}, "ACTIVE", "SMALL_SUPPLIER", "Alpha Energy"),
        (
            "UEP_COMPLETED",
            "2018-07-05",
            {"userRole": "IMPORT_SUPPLIER", "userId": "ASE001"},
            "ACTIVE",
            "SMALL_SUPPLIER",
            "Alpha Energy",
        ),
        ("DEFAULT_ENTERED", "2018-08-01", {}, "IN_DEFAULT", "SMALL_SUPPLIER", "Alpha Energy"),
        ("DEFAULT_CURED", "2018-08-20", {}, "ACTIVE", "SMALL_SUPPLIER", "Alpha Energy"),
        ("CATEGORY_CHANGE", "2018-09-01", {"category": "LARGE_SUPPLIER"}, "ACTIVE", "LARGE_SUPPLIER", "Alpha Energy"),
        (
            "VOTING_GROUP_CHANGE",
            "2018-10-01",
            {"votingGroupId": reg.ids["Gridco Group"]},
            "ACTIVE",
            "LARGE_SUPPLIER",
            "Gridco Group",
        ),
    ]
    for kind, day, extra, status, category, group in expected:
        payload = await reg.event("Alpha Energy", kind, day, note=f"note {kind}", **extra)
        event, party = payload["partyEvent"], payload["party"]
        assert event["kind"] == kind
        assert event["occurredOn"] == day
        assert event["note"] == f"note {kind}"
        assert event["userRole"] == extra.get("userRole")
        assert event["userId"] == extra.get("userId")
        assert event["category"] == extra.get("category")
        assert event["votingGroup"] == ({"name": "Gridco Group"} if kind == "VOTING_GROUP_CHANGE" else None)
        assert (party["name"], party["status"], party["category"], party["votingGroup"]["name"]) == (
            "Alpha Energy",
            status,
            category,
            group,
        )
        assert party["accededOn"] == (None if kind == "APPLICATION" else "2018-01-10")

    # Only UEP completion makes a User Role (UEPT is a testing milestone).
    assert party["userRoles"] == [{"role": "IMPORT_SUPPLIER", "userId": "ASE001", "since": "2018-07-05"}]

    await reg.event("Beta Networks", "ACCESSION", "2018-02-01")
    withdrawn = await reg.event("Beta Networks", "WITHDRAWAL", "2018-07-27")
    assert withdrawn["partyEvent"]["kind"] == "WITHDRAWAL"
    assert withdrawn["party"]["status"] == "WITHDRAWN"

    await reg.event("Gamma Power", "ACCESSION", "2018-03-01")
    expelled = await reg.event("Gamma Power", "EXPULSION", "2018-12-01")
    assert expelled["partyEvent"]["kind"] == "EXPULSION"
    assert expelled["party"]["status"] == "EXPELLED"


async def test_party_user_roles_events_and_last_event(gql, api_keys):
    admin = await api_keys.get("admin")
    reg = await build(gql, admin)
    await reg.event("Gridco Gas", "UEP_COMPLETED", "2019-01-15", userRole="GAS_SUPPLIER", userId="PMNO002")
    await reg.event("Gridco Gas", "UEP_COMPLETED", "2018-07-20", userRole="IMPORT_SUPPLIER", userId="PNN004")
    r = await gql(
        """query($id: ID!) { party(id: $id) { name status
        userRoles { role userId since } lastEvent { kind occurredOn }
        events(first: 10) { totalCount edges { node { kind occurredOn } } } } }""",
        {"id": reg.ids["Gridco Gas"]},
    )
    party = r["data"]["party"]
    assert party["userRoles"] == [
        {"role": "IMPORT_SUPPLIER", "userId": "PNN004", "since": "2018-07-20"},
        {"role": "GAS_SUPPLIER", "userId": "PMNO002", "since": "2019-01-15"},
    ]
    assert party["lastEvent"] == {"kind": "UEP_COMPLETED", "occurredOn": "2019-01-15"}
    assert party["events"]["totalCount"] == 3
    assert [e["node"]["kind"] for e in party["events"]["edges"]] == ["ACCESSION", "UEP_COMPLETED", "UEP_COMPLETED"]

    # Alpha's nine events, paged four at a time with cursors.
    kinds: list[str] = []
    after = None
    pages = 0
    while True:
        r = await gql(
            """query($id: ID!, $after: String) { party(id: $id) { events(first: 4, after: $after) {
            totalCount edges { cursor node { kind } } pageInfo { hasNextPage endCursor } } } }""",
            {"id": reg.ids["Alpha Energy"], "after": after},
        )
        events = r["data"]["party"]["events"]
        assert events["totalCount"] == 9
        kinds += [e["node"]["kind"] for e in events["edges"]]
        pages += 1
        if not events["pageInfo"]["hasNextPage"]:
            break
        after = events["pageInfo"]["endCursor"]
    assert pages == 3
    assert kinds == [
        "APPLICATION",
        "ACCESSION",
        "SREPT_COMPLETED",
        "UEPT_COMPLETED",
        "UEP_COMPLETED",
        "DEFAULT_ENTERED",
        "DEFAULT_CURED",
        "CATEGORY_CHANGE",
        "VOTING_GROUP_CHANGE",
    ]


async def test_parties_filters(gql, api_keys):
    admin = await api_keys.get("admin")
    reg = await build(gql, admin)

    async def names(filter_: dict[str, Any] | None = None, as_of: str | None = None) -> tuple[int, list[str]]:
        r = await gql(PARTIES, {"filter": filter_, "asOf": as_of, "first": 100})
        conn = r["data"]["parties"]
        return conn["totalCount"], [e["node"]["name"] for e in conn["edges"]]

    everyone = ["Alpha Energy", "Beta Networks", "Gamma Power", "Gridco Electricity", "Gridco Gas"]
    assert await names() == (5, everyone)
    assert await names({"category": "LARGE_SUPPLIER"}) == (3, ["Alpha Energy", "Gridco Electricity", "Gridco Gas"])
    assert await names({"category": "ELECTRICITY_NETWORK"}) == (1, ["Beta Networks"])
    assert await names({"status": "WITHDRAWN"}) == (1, ["Beta Networks"])
    assert await names({"status": "EXPELLED"}) == (1, ["Gamma Power"])
    assert await names({"status": "ACTIVE"}) == (3, ["Alpha Energy", "Gridco Electricity", "Gridco Gas"])
    assert await names({"nameContains": "GRIDCO"}) == (2, ["Gridco Electricity", "Gridco Gas"])
    assert await names({"nameContains": "zzz"}) == (0, [])
    group = reg.ids["Gridco Group"]
    assert await names({"votingGroupId": group}) == (3, ["Alpha Energy", "Gridco Electricity", "Gridco Gas"])
    assert await names({"votingGroupId": group, "nameContains": "gas"}) == (1, ["Gridco Gas"])
    # Filters apply to the register as it stood: before 1 Oct 2018 Alpha was a Small Supplier in its own group.
    assert await names({"votingGroupId": group}, "2018-07-31") == (2, ["Gridco Electricity", "Gridco Gas"])
    assert await names({"category": "SMALL_SUPPLIER"}, "2018-07-31") == (2, ["Alpha Energy", "Gamma Power"])
    assert await names({"status": "IN_DEFAULT"}, "2018-08-10") == (1, ["Alpha Energy"])
    assert await names({"status": "IN_DEFAULT"}) == (0, [])


async def test_parties_as_of(gql, api_keys):
    admin = await api_keys.get("admin")
    await build(gql, admin)

    async def register(as_of: str) -> tuple[int, list[tuple[str, str, str, str]]]:
        r = await gql(PARTIES, {"asOf": as_of, "first": 100})
        conn = r["data"]["parties"]
        return conn["totalCount"], [
            (e["node"]["name"], e["node"]["status"], e["node"]["category"], e["node"]["votingGroup"]["name"])
            for e in conn["edges"]
        ]

    gridco = [
        ("Gridco Electricity", "ACTIVE", "LARGE_SUPPLIER", "Gridco Group"),
        ("Gridco Gas", "ACTIVE", "LARGE_SUPPLIER", "Gridco Group"),
    ]
    # Alpha had only applied; nobody else had acceded.
    assert await register("2017-12-31") == (2, gridco)
    assert await register("2018-07-26") == (
        5,
        [
            ("Alpha Energy", "ACTIVE", "SMALL_SUPPLIER", "Alpha Energy"),
            ("Beta Networks", "ACTIVE", "ELECTRICITY_NETWORK", "Beta Networks"),
            ("Gamma Power", "ACTIVE", "SMALL_SUPPLIER", "Gamma Power"),
            *gridco,
        ],
    )
    # Beta's withdrawal took effect on 27 July: gone at the end of that day.
    assert await register("2018-07-27") == (
        4,
        [
            ("Alpha Energy", "ACTIVE", "SMALL_SUPPLIER", "Alpha Energy"),
            ("Gamma Power", "ACTIVE", "SMALL_SUPPLIER", "Gamma Power"),
            *gridco,
        ],
    )
    assert await register("2018-08-01") == (
        4,
        [
            ("Alpha Energy", "IN_DEFAULT", "SMALL_SUPPLIER", "Alpha Energy"),
            ("Gamma Power", "ACTIVE", "SMALL_SUPPLIER", "Gamma Power"),
            *gridco,
        ],
    )
    assert await register("2018-08-20") == (
        4,
        [
            ("Alpha Energy", "ACTIVE", "SMALL_SUPPLIER", "Alpha Energy"),
            ("Gamma Power", "ACTIVE", "SMALL_SUPPLIER", "Gamma Power"),
            *gridco,
        ],
    )
    assert await register("2018-11-30") == (
        4,
        [
            ("Alpha Energy", "ACTIVE", "LARGE_SUPPLIER", "Gridco Group"),
            ("Gamma Power", "ACTIVE", "SMALL_SUPPLIER", "Gamma Power"),
            *gridco,
        ],
    )
    assert await register("2018-12-01") == (3, [("Alpha Energy", "ACTIVE", "LARGE_SUPPLIER", "Gridco Group"), *gridco])


async def test_parties_pagination_through_every_page(gql, api_keys):
    admin = await api_keys.get("admin")
    await build(gql, admin)
    seen: list[str] = []
    cursors: list[str] = []
    after = None
    page_sizes = []
    while True:
        r = await gql(PARTIES, {"first": 2, "after": after})
        conn = r["data"]["parties"]
        assert conn["totalCount"] == 5
        page_sizes.append(len(conn["edges"]))
        seen += [e["node"]["name"] for e in conn["edges"]]
        cursors += [e["cursor"] for e in conn["edges"]]
        assert conn["pageInfo"]["hasPreviousPage"] is (after is not None)
        assert conn["pageInfo"]["startCursor"] == conn["edges"][0]["cursor"]
        assert conn["pageInfo"]["endCursor"] == conn["edges"][-1]["cursor"]
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert page_sizes == [2, 2, 1]
    assert seen == ["Alpha Energy", "Beta Networks", "Gamma Power", "Gridco Electricity", "Gridco Gas"]
    assert len(set(cursors)) == 5
    # The cursor of any edge resumes right after it.
    r = await gql(PARTIES, {"first": 100, "after": cursors[2]})
    assert [e["node"]["name"] for e in r["data"]["parties"]["edges"]] == ["Gridco Electricity", "Gridco Gas"]
    # Past the last edge: an empty page.
    r = await gql(PARTIES, {"first": 2, "after": cursors[-1]})
    assert r["data"]["parties"]["edges"] == []
    assert r["data"]["parties"]["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": True,
        "startCursor": None,
        "endCursor": None,
    }
    # Pagination with asOf and a filter: the three Parties of 2018-12-31 one at a time.
    names, after = [], None
    for _ in range(4):
        r = await gql(PARTIES, {"asOf": "2018-12-31", "filter": {"status": "ACTIVE"}, "first": 1, "after": after})
        conn = r["data"]["parties"]
        assert conn["totalCount"] == 3
        names += [e["node"]["name"] for e in conn["edges"]]
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert names == ["Alpha Energy", "Gridco Electricity", "Gridco Gas"]


async def test_party_and_node(gql, api_keys):
    admin = await api_keys.get("admin")
    reg = await build(gql, admin)
    beta = reg.ids["Beta Networks"]
    r = await gql(
        """query($id: ID!) { party(id: $id) { id name status category accededOn
        votingGroup { name } } }""",
        {"id": beta},
    )
    assert r["data"]["party"] == {
        "id": beta,
        "name": "Beta Networks",
        "status": "WITHDRAWN",
        "category": "ELECTRICITY_NETWORK",
        "accededOn": "2018-02-01",
        "votingGroup": {"name": "Beta Networks"},
    }

    r = await gql("""query($id: ID!) { node(id: $id) { __typename id ... on Party { name status } } }""", {"id": beta})
    assert r["data"]["node"] == {"__typename": "Party", "id": beta, "name": "Beta Networks", "status": "WITHDRAWN"}

    group = reg.ids["Gridco Group"]
    r = await gql(
        """query($id: ID!) { node(id: $id) { __typename id
        ... on VotingGroup { name category parties { name } } } }""",
        {"id": group},
    )
    assert r["data"]["node"] == {
        "__typename": "VotingGroup",
        "id": group,
        "name": "Gridco Group",
        "category": "LARGE_SUPPLIER",
        "parties": [{"name": "Alpha Energy"}, {"name": "Gridco Electricity"}, {"name": "Gridco Gas"}],
    }

    r = await gql("""query($id: ID!) { party(id: $id) { events(first: 1) { edges { node { id } } } } }""", {"id": beta})
    event_id = r["data"]["party"]["events"]["edges"][0]["node"]["id"]
    r = await gql(
        """query($id: ID!) { node(id: $id) { __typename id
        ... on PartyEvent { kind occurredOn party { name } } } }""",
        {"id": event_id},
    )
    assert r["data"]["node"] == {
        "__typename": "PartyEvent",
        "id": event_id,
        "kind": "ACCESSION",
        "occurredOn": "2018-02-01",
        "party": {"name": "Beta Networks"},
    }


async def test_voting_groups_by_category_and_as_of(gql, api_keys):
    admin = await api_keys.get("admin")
    await build(gql, admin)
    query = """query($category: PartyCategory, $asOf: Date) { votingGroups(category: $category, asOf: $asOf) {
        name category parties { name status } } }"""

    async def groups(category: str | None = None, as_of: str | None = None) -> list[str]:
        r = await gql(query, {"category": category, "asOf": as_of})
        return [g["name"] for g in r["data"]["votingGroups"]]

    assert await groups() == ["Alpha Energy", "Beta Networks", "Gamma Power", "Gridco Group"]
    assert await groups("SMALL_SUPPLIER") == ["Alpha Energy", "Gamma Power"]
    assert await groups("ELECTRICITY_NETWORK") == ["Beta Networks"]
    assert await groups("GAS_NETWORK") == []
    assert await groups(None, "2017-12-31") == ["Gridco Group"]
    assert await groups(None, "2018-07-26") == ["Alpha Energy", "Beta Networks", "Gamma Power", "Gridco Group"]
    assert await groups(None, "2018-07-31") == ["Alpha Energy", "Gamma Power", "Gridco Group"]
    assert await groups("ELECTRICITY_NETWORK", "2018-07-26") == ["Beta Networks"]
    assert await groups("ELECTRICITY_NETWORK", "2018-07-31") == []
    # Alpha moved to Gridco Group in October; Gamma was expelled in December.
    assert await groups(None, "2019-01-31") == ["Gridco Group"]

    r = await gql(query, {"asOf": "2018-07-31", "category": "LARGE_SUPPLIER"})
    assert r["data"]["votingGroups"] == [
        {
            "name": "Gridco Group",
            "category": "LARGE_SUPPLIER",
            "parties": [{"name": "Gridco Electricity", "status": "ACTIVE"}, {"name": "Gridco Gas", "status": "ACTIVE"}],
        }
    ]
    r = await gql(query, {"asOf": "2019-01-31", "category": "LARGE_SUPPLIER"})
    assert r["data"]["votingGroups"] == [
        {
            "name": "Gridco Group",
            "category": "LARGE_SUPPLIER",
            "parties": [
                {"name": "Alpha Energy", "status": "ACTIVE"},
                {"name": "Gridco Electricity", "status": "ACTIVE"},
                {"name": "Gridco Gas", "status": "ACTIVE"},
            ],
        }
    ]
