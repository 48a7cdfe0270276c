"""The compiled read path answers every operation exactly as normal execution does, errors included: random valid
operations over the mapped types (fragments, inline fragments, aliases, repeated fields, @include/@skip with
variables, asOf, filters, paging forward and back with cursors), as every kind of viewer, on a generated register.
The wrong answers an earlier compiled path gave are fixed examples here."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.settings import Settings
from bench.gen_register import Sizes, generate
from schema.reads import ReadPath
from sql import governance
from sql.ids import encode_cursor, global_id
from tests.integration.conftest import spying

APP_SETTINGS = Settings(response_cache=False)
VIEWERS = [("public", ()), ("party", ()), ("dcc", ()), ("opsg", ("OPSG",)), ("opsg", ()), ("panel", ("PANEL",))]
VIEWERS += [("admin", ())]
DAYS = ["2014-01-01", "2016-05-31", "2018-07-26", "2021-12-31", "2030-01-01"]
FIXED = [
    ("{ parties(first: 3) { edges { node { votingGroup { name } votingGroup { id } } } } }", {}),
    ("{ parties(first: 3) { pageInfo { hasNextPage } pageInfo { endCursor } } }", {}),
    ("{ parties(first: 3) { edges { node { id } } edges { cursor } } }", {}),
    ("query($d: Date!) { parties(asOf: $d, first: 1) { totalCount } }", {}),
    ("query($n: Int!) { parties(first: $n) { totalCount } }", {}),
    ("query($d: Date) { parties(asOf: $d, first: 1) { totalCount } }", {"d": "not a day"}),
    ("{ parties(first: 2, last: 2) { totalCount } }", {}),
    ("{ parties(last: 101) { totalCount } }", {}),
    ('{ parties(first: 2, after: "nonsense") { totalCount } }', {}),
    ("{ parties(first: 2) { edges { node { ...P ...P } } } } fragment P on Party { id name }", {}),
    ('{ node(id: "UGFydHk6MQ") { id } parties(first: 1) { totalCount } }', {}),
    ("{ exceptions(first: 3) { edges { node { reportType { code } reportType { name } } } } }", {}),
    ("{ exceptions(first: 3) { edges { node { id } } edges { cursor } } }", {}),
    (
        "{ highlights { totalCount edges { node { id classification meeting { id classification body { code } } } } } }",
        {},
    ),
    (
        "{ reportSubmissions(first: 1) { edges { node { findings(last: 4) { totalCount pageInfo { hasPreviousPage "
        "startCursor } edges { cursor node { ruleCode details row } } } } } } }",
        {},
    ),
    ("{ actions(last: 5) { totalCount pageInfo { hasPreviousPage } edges { cursor node { meeting { id } } } } }", {}),
    (
        "{ exceptions(last: 3) { pageInfo { hasPreviousPage startCursor } edges { node { history { at action } } } } }",
        {},
    ),
]


@pytest.fixture
async def register(pool: Any) -> tuple[list[str], list[str], list[str]]:
    """Cursors of some Parties and exceptions, and some Parties' IDs, of a generated register."""
    async with pool.acquire() as conn:
        await generate(conn, Sizes(parties=60, modifications=5, exceptions=60, sr_rows=2))
        parties = [(r["name"], r["id"]) for r in await conn.fetch("SELECT name, id FROM parties ORDER BY name, id")]
        queue = await conn.fetch("SELECT id, severity, first_flagged_at FROM report_exceptions ORDER BY id")
        references = [r["reference"] for r in await conn.fetch("SELECT reference FROM modifications ORDER BY 1")]
        await committee_business(conn)
        await findings_of_the_latest(conn)
    exceptions = [
        encode_cursor([0 if r["severity"] == "HIGH" else 1, r["first_flagged_at"].isoformat(), r["id"]])
        for r in queue[::6]
    ]
    return (
        [encode_cursor(list(p)) for p in parties[::7]] + ["bm9wZQ"],
        exceptions + [encode_cursor([r]) for r in references[::2]] + [encode_cursor([i]) for i in (1, 3, 6, 10)],
        [global_id("Party", i) for _, i in parties[::9]] + [global_id("Party", 2, date(2018, 7, 26))],
    )


async def committee_business(conn: Any) -> None:
    """Meetings, highlights and actions of three bodies in every classification (each viewer sees a different part)."""
    bodies = {r["code"]: r["id"] for r in await conn.fetch("SELECT code, id FROM bodies")}
    n = 0
    for code in ("OPSG", "PANEL", "SSC"):
        for i, level in enumerate(("WHITE", "GREEN", "AMBER", "RED")):
            n += 1
            meeting = await governance.create_meeting(
                conn,
                body_id=bodies[code],
                reference=f"{code}{n}",
                held_on=date(2024, 1, n),
                title=None,
                classification=level,
            )
            await governance.create_highlight(
                conn,
                body_id=bodies[code],
                meeting_id=meeting if i % 2 else None,
                title=f"{code} item {n}",
                body="text",
                classification=("WHITE", "GREEN", "AMBER", "RED")[(i + 1) % 4],
                published_on=date(2024, 2, n % 5 + 1),
            )
            await governance.create_action(
                conn,
                reference=f"{code}{n}/01",
                meeting_id=meeting,
                kind=("ACTION", "DECISION")[i % 2],
                text="to do",
                owner=None,
                status="OPEN",
                outcome="AGREED" if i % 2 else None,
                due_on=None,
                classification=("WHITE", "GREEN", "AMBER", "RED")[(i + 2) % 4],
            )


async def findings_of_the_latest(conn: Any) -> None:
    """A run with a dozen findings on the latest submission (the generator's runs have none), laid out as a
    worker lays them out: the run keeps the range of its findings' ids."""
    sub = await conn.fetchval("SELECT id FROM submissions ORDER BY id DESC LIMIT 1")
    run = await conn.fetchval(
        "INSERT INTO validation_runs (submission_id, started_at, catalogue_version, outcome, attempt, finding_count) "
        "VALUES ($1, now(), 1, 'FLAGGED', 9, 12) RETURNING id",
        sub,
    )
    after = await conn.fetchval("SELECT nextval(pg_get_serial_sequence('findings', 'id'))")
    await conn.execute(
        "INSERT INTO findings (run_id, submission_id, rule_code, severity, subject, message, details, row) "
        "SELECT $1, $2, 'R' || i, 'WARNING', 's' || i, 'm ' || i, jsonb_build_object('actual', i * 1.5), i "
        "FROM generate_series(1, 12) i",
        run,
        sub,
    )
    await conn.execute(
        "UPDATE validation_runs SET findings_after = $2, findings_last = currval(pg_get_serial_sequence('findings', "
        "'id')) WHERE id = $1",
        run,
        after,
    )


def operations(register: tuple[list[str], list[str], list[str]]) -> st.SearchStrategy[tuple[str, dict[str, Any]]]:
    """A random valid (or, now and then, refused) query over the mapped types, with its variables."""
    cursors = st.sampled_from(register[0])
    exception_cursors = st.sampled_from(register[1])
    committee_cursors = st.sampled_from(
        [encode_cursor([f"2024-02-0{d}", i]) for d in (1, 3) for i in (2, 5, 9)]
        + [encode_cursor([f"{c}{n}/01"]) for c in ("OPSG", "SSC") for n in (2, 3, 10)]
    )
    event_cursors = st.sampled_from([encode_cursor([i]) for i in (1, 2, 3, 5, 8, 40, 99)])
    party_ids = st.sampled_from(register[2])

    @st.composite
    def build(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
        variables: dict[str, Any] = {}
        definitions: list[str] = []
        fragments: list[str] = []

        def variable(name: str, kind: str, value: Any) -> str:
            if name not in variables:
                definitions.append(f"${name}: {kind}")
                variables[name] = value
            return f"${name}"

        def paging(c: st.SearchStrategy[str]) -> str:
            args = []
            if draw(st.booleans()):
                args.append(f"{draw(st.sampled_from(['first', 'last']))}: {draw(st.integers(0, 6))}")
            if draw(st.integers(0, 3)) == 0:
                args.append(f'after: "{draw(c)}"')
            if draw(st.integers(0, 3)) == 0:
                args.append(f'before: "{draw(c)}"')
            return ", ".join(args)

        def wrap(type_name: str, body: str) -> str:
            how = draw(st.integers(0, 5))
            if how == 1:
                return f"... on {type_name} {{ {body} }}"
            if how == 2:
                fragments.append(f"fragment F{len(fragments)} on {type_name} {{ {body} }}")
                return f"...F{len(fragments) - 1}"
            if how == 3:
                directive = draw(st.sampled_from(["include", "skip"]))
                v = variable(f"v{len(variables)}", "Boolean!", draw(st.booleans()))
                return f"... @{directive}(if: {v}) {{ {body} }}"
            return body

        def select(type_name: str, depth: int) -> str:
            fields = draw(st.lists(st.sampled_from(SHAPES[type_name]), min_size=1, max_size=5))
            deeper = [f for f in SHAPES[type_name] if (type_name, f) in LINKS]
            if deeper and depth > 0 and draw(st.integers(0, 3)) > 0:
                fields.insert(0, draw(st.sampled_from(deeper)))  # mostly deeper: the relations are what is at stake
            out = []
            for f in fields:
                alias = f"{f}_{draw(st.integers(0, 2))}: " if draw(st.integers(0, 4)) == 0 else ""
                link = LINKS.get((type_name, f))
                if link is None:
                    out.append(wrap(type_name, alias + f))
                elif depth > 0:
                    args = paging(event_cursors) if link in ("PartyEventConnection", "FindingConnection") else ""
                    inner = select(link, depth - 1)
                    out.append(wrap(type_name, f"{alias}{f}{f'({args})' if args else ''} {{ {inner} }}"))
            return " ".join(out) or "__typename"

        roots = ["parties", "votingGroups", "membershipStatistics", "party", "exceptions", "modifications"]
        roots += ["highlights", "actions", "reportSubmissions"]
        root = draw(st.sampled_from(roots))
        day = draw(st.sampled_from([None, *DAYS])) if root in ("parties", "votingGroups") else None
        as_of = ""
        if day is not None:
            as_of = f"asOf: {variable('d', 'Date', day)}" if draw(st.booleans()) else f'asOf: "{day}"'
        if root == "parties":
            args = [a for a in (as_of, paging(cursors)) if a]
            if draw(st.integers(0, 3)) == 0:
                args.append(f"filter: {{category: {draw(st.sampled_from(CATEGORIES))}}}")
            joined = ", ".join(args)
            field = f"parties{f'({joined})' if args else ''} {{ {select('PartyConnection', 3)} }}"
        elif root == "exceptions":
            args = [a for a in (paging(exception_cursors),) if a]
            if draw(st.integers(0, 3)) == 0:
                args.append(f"filter: {{severity: {draw(st.sampled_from(['HIGH', 'WARNING']))}}}")
            joined = ", ".join(args)
            field = f"exceptions{f'({joined})' if args else ''} {{ {select('ReportExceptionConnection', 3)} }}"
        elif root == "modifications":
            args = [a for a in (paging(exception_cursors),) if a]
            joined = ", ".join(args)
            field = f"modifications{f'({joined})' if args else ''} {{ {select('ModificationConnection', 3)} }}"
        elif root == "reportSubmissions":
            args = [a for a in (paging(exception_cursors),) if a]
            joined = ", ".join(args)
            field = f"{root}{f'({joined})' if args else ''} {{ {select('ReportSubmissionConnection', 3)} }}"
        elif root in ("highlights", "actions"):
            args = [a for a in (paging(committee_cursors),) if a]
            joined = ", ".join(args)
            field = f"{root}{f'({joined})' if args else ''} {{ {select(CONNECTIONS[root], 3)} }}"
        elif root == "votingGroups":
            field = f"votingGroups{f'({as_of})' if as_of else ''} {{ {select('VotingGroup', 2)} }}"
        elif root == "party":
            field = f'party(id: "{draw(party_ids)}") {{ {select("Party", 2)} }}'
        else:
            months = draw(st.sampled_from([("2013-11", "2014-02"), ("2018-01", "2018-12"), ("2019-05", "2019-01")]))
            inner = select("MembershipMonth", 1)
            field = f'membershipStatistics(fromMonth: "{months[0]}", toMonth: "{months[1]}") {{ {inner} }}'
        head = f"query({', '.join(definitions)})" if definitions else "query"
        return f"{head} {{ {field} }} {' '.join(fragments)}", variables

    return build()


CONNECTIONS = {"highlights": "HighlightConnection", "actions": "ActionConnection"}
CATEGORIES = ["LARGE_SUPPLIER", "SMALL_SUPPLIER", "OTHER_SEC_PARTY", "DCC"]
SHAPES = {
    "PartyConnection": ["totalCount", "pageInfo", "edges", "__typename"],
    "PartyEventConnection": ["totalCount", "pageInfo", "edges", "__typename"],
    "PageInfo": ["hasNextPage", "hasPreviousPage", "startCursor", "endCursor", "__typename"],
    "PartyEdge": ["cursor", "node", "__typename"],
    "PartyEventEdge": ["cursor", "node", "__typename"],
    "Party": ["id", "name", "category", "status", "accededOn", "note", "__typename", "votingGroup", "events"]
    + ["userRoles", "lastEvent"],
    "VotingGroup": ["id", "name", "category", "__typename", "parties"],
    "PartyEvent": ["id", "kind", "occurredOn", "note", "userRole", "userId", "category", "votingGroup", "party"],
    "UserRole": ["role", "userId", "since", "__typename"],
    "MembershipMonth": ["month", "accessions", "inDefault", "withdrawals", "expulsions", "partiesAtMonthEnd"]
    + ["votingGroupsAtMonthEnd", "votingGroupsByCategory", "__typename"],
    "CategoryCount": ["category", "count", "__typename"],
    "ReportExceptionConnection": ["totalCount", "pageInfo", "edges", "__typename"],
    "ReportExceptionEdge": ["cursor", "node", "__typename"],
    "ReportException": ["id", "ruleCode", "severity", "status", "subject", "message", "secClause", "details"]
    + ["period", "firstFlaggedAt", "lastRaisedAt", "reportType", "submission", "history", "__typename"],
    "HistoryEntry": ["at", "actor", "action", "fromStatus", "toStatus", "comment", "__typename"],
    "ReportType": ["id", "code", "name", "secClause", "cadence", "dueWorkingDays", "obligationFrom", "version"],
    "ModificationConnection": ["totalCount", "pageInfo", "edges", "__typename"],
    "ModificationEdge": ["cursor", "node", "__typename"],
    "Modification": ["id", "reference", "formerReferences", "title", "path", "stage", "proposer", "raisedOn"]
    + ["workingGroup", "release", "implementedOn", "partiesImpacted", "secSections", "events", "__typename"],
    "ModificationEvent": ["kind", "occurredOn", "note", "stage", "outcome", "body", "__typename"],
    "Body": ["id", "code", "name", "__typename"],
    "HighlightConnection": ["totalCount", "pageInfo", "edges", "__typename"],
    "HighlightEdge": ["cursor", "node", "__typename"],
    "Highlight": ["id", "title", "body", "bodyCode", "classification", "publishedOn", "meeting", "__typename"],
    "ActionConnection": ["totalCount", "pageInfo", "edges", "__typename"],
    "ActionEdge": ["cursor", "node", "__typename"],
    "Action": ["id", "reference", "kind", "text", "owner", "status", "outcome", "dueOn", "classification"]
    + ["meeting", "__typename"],
    "Meeting": ["id", "reference", "heldOn", "title", "classification", "body", "__typename"],
    "ReportSubmission": ["id", "period", "receivedAt", "dueAt", "status", "sha256", "filename", "rowCount"]
    + ["sizeBytes", "reportType", "__typename", "delivery", "findings", "runs"],
    "ReportSubmissionConnection": ["totalCount", "pageInfo", "edges", "__typename"],
    "ReportSubmissionEdge": ["cursor", "node", "__typename"],
    "FindingConnection": ["totalCount", "pageInfo", "edges", "__typename"],
    "FindingEdge": ["cursor", "node", "__typename"],
    "Finding": ["ruleCode", "severity", "subject", "message", "secClause", "details", "row", "__typename"],
    "ValidationRun": ["startedAt", "finishedAt", "catalogueVersion", "outcome", "attempt", "findingCount"],
}
LINKS = {
    ("PartyConnection", "pageInfo"): "PageInfo",
    ("PartyConnection", "edges"): "PartyEdge",
    ("PartyEventConnection", "pageInfo"): "PageInfo",
    ("PartyEventConnection", "edges"): "PartyEventEdge",
    ("PartyEdge", "node"): "Party",
    ("PartyEventEdge", "node"): "PartyEvent",
    ("Party", "votingGroup"): "VotingGroup",
    ("Party", "events"): "PartyEventConnection",
    ("Party", "userRoles"): "UserRole",
    ("Party", "lastEvent"): "PartyEvent",
    ("VotingGroup", "parties"): "Party",
    ("PartyEvent", "votingGroup"): "VotingGroup",
    ("PartyEvent", "party"): "Party",
    ("MembershipMonth", "votingGroupsByCategory"): "CategoryCount",
    ("ReportExceptionConnection", "pageInfo"): "PageInfo",
    ("ReportExceptionConnection", "edges"): "ReportExceptionEdge",
    ("ReportExceptionEdge", "node"): "ReportException",
    ("ReportException", "reportType"): "ReportType",
    ("ReportException", "submission"): "ReportSubmission",
    ("ReportException", "history"): "HistoryEntry",
    ("ReportSubmission", "reportType"): "ReportType",
    ("ReportSubmission", "findings"): "FindingConnection",
    ("ReportSubmission", "runs"): "ValidationRun",
    ("ReportSubmissionConnection", "pageInfo"): "PageInfo",
    ("ReportSubmissionConnection", "edges"): "ReportSubmissionEdge",
    ("ReportSubmissionEdge", "node"): "ReportSubmission",
    ("FindingConnection", "pageInfo"): "PageInfo",
    ("FindingConnection", "edges"): "FindingEdge",
    ("FindingEdge", "node"): "Finding",
    ("ModificationConnection", "pageInfo"): "PageInfo",
    ("ModificationConnection", "edges"): "ModificationEdge",
    ("ModificationEdge", "node"): "Modification",
    ("Modification", "events"): "ModificationEvent",
    ("ModificationEvent", "body"): "Body",
    ("HighlightConnection", "pageInfo"): "PageInfo",
    ("HighlightConnection", "edges"): "HighlightEdge",
    ("HighlightEdge", "node"): "Highlight",
    ("ActionConnection", "pageInfo"): "PageInfo",
    ("ActionConnection", "edges"): "ActionEdge",
    ("ActionEdge", "node"): "Action",
    ("Highlight", "meeting"): "Meeting",
    ("Action", "meeting"): "Meeting",
    ("Meeting", "body"): "Body",
}


async def test_compiled_reads_answer_as_normal_execution_does(register, gql, api_keys, monkeypatch):
    keys = [
        await api_keys.get(role, bodies=bodies, party_id=1 if role == "party" else None) for role, bodies in VIEWERS
    ]
    loop = asyncio.get_running_loop()
    compiled: list[bool] = []
    spy = spying(compiled)

    async def compare(query: str, variables: dict[str, Any], key: str | None) -> None:
        monkeypatch.setattr(ReadPath, "statements", spy)
        answer = await gql(query, variables, key=key, expect_errors=True)
        monkeypatch.setattr(ReadPath, "statements", lambda *args: None)
        ordinary = await gql(query, variables, key=key, expect_errors=True)
        assert answer == ordinary, query

    for key in keys:
        for query, variables in FIXED:
            await compare(query, variables, key)

    @settings(max_examples=120)
    @given(operation=operations(register), key=st.sampled_from(keys))
    def run(operation: tuple[str, dict[str, Any]], key: str | None) -> None:
        asyncio.run_coroutine_threadsafe(compare(*operation, key), loop).result()

    await asyncio.to_thread(run)
    assert sum(compiled) > len(compiled) // 2  # most operations were answered by the compiled path


async def test_committee_business_is_compiled_with_each_viewers_visibility(register, gql, api_keys, monkeypatch):
    """Who sees which classified item is decided by the statements both paths run: each viewer gets its own."""
    compiled: list[bool] = []
    monkeypatch.setattr(ReadPath, "statements", spying(compiled))
    query = "{ highlights { totalCount } actions { totalCount edges { node { meeting { classification } } } } }"
    seen = {}
    for role, bodies in VIEWERS:
        key = await api_keys.get(role, bodies=bodies, party_id=1 if role == "party" else None)
        data = (await gql(query, key=key))["data"]
        seen[(role, bodies)] = (data["highlights"]["totalCount"], data["actions"]["totalCount"])
        meetings = [e["node"]["meeting"] for e in data["actions"]["edges"]]
        assert None in meetings or role == "admin"  # an action whose meeting the viewer may not see: null
    assert seen[("public", ())] == (3, 3) and seen[("dcc", ())] == (6, 6) and seen[("admin", ())] == (12, 12)
    assert seen[("opsg", ("OPSG",))] > seen[("dcc", ())]
    assert all(compiled)


async def test_findings_are_paged_backward_by_the_compiled_path(register, gql, api_keys, monkeypatch):
    compiled: list[bool] = []
    monkeypatch.setattr(ReadPath, "statements", spying(compiled))
    query = (
        "{ reportSubmissions(first: 1) { edges { node { findings(last: 4) { totalCount pageInfo { hasPreviousPage } "
        "edges { node { ruleCode details row } } } } } } }"
    )
    data = (await gql(query, key=await api_keys.get("dcc")))["data"]
    findings = data["reportSubmissions"]["edges"][0]["node"]["findings"]
    assert findings["totalCount"] == 12 and findings["pageInfo"]["hasPreviousPage"] is True
    assert [e["node"]["row"] for e in findings["edges"]] == [9, 10, 11, 12]
    assert findings["edges"][0]["node"]["details"] == {"actual": 13.5}
    assert compiled == [True]
