"""Random valid (and, now and then, refused) query operations over the compiled read path's types, and the
committee business and findings a generated register lacks: what the differential test of the read path draws on."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import strategies as st

from sql import governance
from sql.ids import encode_cursor

DAYS = ["2014-01-01", "2016-05-31", "2018-07-26", "2021-12-31", "2030-01-01"]


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
            # A comment made at the meeting on the first exceptions: shown only to whom may see the meeting.
            await conn.execute(
                "INSERT INTO exception_history (exception_id, actor, action, from_status, to_status, comment, "
                "meeting_id) SELECT id, 'opsg', 'COMMENT', status, status, 'at the meeting', $1 "
                "FROM report_exceptions ORDER BY id LIMIT 5",
                meeting,
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
        paged = {
            "parties": cursors,
            "exceptions": exception_cursors,
            "modifications": exception_cursors,
            "reportSubmissions": exception_cursors,
            "highlights": committee_cursors,
            "actions": committee_cursors,
        }
        if root in paged:
            args = [a for a in (as_of, paging(paged[root])) if a]
            if root == "parties" and draw(st.integers(0, 3)) == 0:
                args.append(f"filter: {{category: {draw(st.sampled_from(CATEGORIES))}}}")
            if root == "exceptions" and draw(st.integers(0, 3)) == 0:
                args.append(f"filter: {{severity: {draw(st.sampled_from(['HIGH', 'WARNING']))}}}")
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


CONNECTIONS = {
    "parties": "PartyConnection",
    "exceptions": "ReportExceptionConnection",
    "modifications": "ModificationConnection",
    "reportSubmissions": "ReportSubmissionConnection",
    "highlights": "HighlightConnection",
    "actions": "ActionConnection",
}
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
    + ["votingGroupsAtMonthEnd", "votingGroupsByCategory", "complete", "__typename"],
    "CategoryCount": ["category", "count", "__typename"],
    "ReportExceptionConnection": ["totalCount", "pageInfo", "edges", "__typename"],
    "ReportExceptionEdge": ["cursor", "node", "__typename"],
    "ReportException": ["id", "ruleCode", "severity", "status", "subject", "message", "secClause", "details"]
    + ["period", "firstFlaggedAt", "lastRaisedAt", "reportType", "submission", "history", "__typename"],
    "HistoryEntry": ["id", "at", "actor", "action", "fromStatus", "toStatus", "comment", "__typename"],
    "ReportType": ["id", "code", "name", "secClause", "cadence", "dueWorkingDays", "obligationFrom", "version"],
    "ModificationConnection": ["totalCount", "pageInfo", "edges", "__typename"],
    "ModificationEdge": ["cursor", "node", "__typename"],
    "Modification": ["id", "reference", "formerReferences", "title", "path", "stage", "proposer", "raisedOn"]
    + ["workingGroup", "release", "implementedOn", "partiesImpacted", "secSections", "events", "__typename"],
    "ModificationEvent": ["id", "kind", "occurredOn", "note", "stage", "outcome", "body", "__typename"],
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
    "Finding": ["id", "ruleCode", "severity", "subject", "message", "secClause", "details", "row", "__typename"],
    "ValidationRun": ["id", "startedAt", "finishedAt", "catalogueVersion", "outcome", "attempt", "findingCount"],
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
