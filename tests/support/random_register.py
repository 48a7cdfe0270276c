"""Registers drawn by Hypothesis for the read path's differential test: Voting Groups; Parties with random events on
days either side of the days operations read as of; classified meetings, highlights and actions of three bodies;
submissions; exceptions with histories, some made at a meeting. Written straight into a migrated, empty database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from hypothesis import strategies as st

from bench.gen_register import BODIES

CATEGORIES = ["LARGE_SUPPLIER", "SMALL_SUPPLIER", "ELECTRICITY_NETWORK", "GAS_NETWORK", "OTHER_SEC_PARTY", "DCC"]
LEVELS = ["WHITE", "GREEN", "AMBER", "RED"]
# Either side of the days operations ask for (tests/support/read_operations.py DAYS).
EVENT_DAYS = [date(*d) for d in [(2013, 12, 31), (2014, 1, 1), (2016, 5, 31), (2016, 6, 1), (2018, 7, 26)]]
EVENT_DAYS += [date(2018, 7, 27), date(2021, 12, 31), date(2025, 3, 1), date(2030, 1, 1)]
KINDS = ["APPLICATION", "ACCESSION", "UEP_COMPLETED", "SREPT_COMPLETED", "DEFAULT_ENTERED", "DEFAULT_CURED"]
KINDS += ["WITHDRAWAL", "EXPULSION", "CATEGORY_CHANGE", "VOTING_GROUP_CHANGE"]
ROLES = ["IMPORT_SUPPLIER", "GAS_SUPPLIER", "OTHER_USER"]
FLAGGED = [datetime(2024, 1, d, tzinfo=UTC) for d in (1, 1, 2, 5)]  # ties too: ids break them
STATUSES = ["OPEN", "ACKNOWLEDGED", "RESOLVED", "WAIVED", "ESCALATED"]


@dataclass(frozen=True)
class Register:
    groups: list[str]  # each group's category
    parties: list[tuple[int, str | None, list[tuple[str, date, int]]]]  # group, note, events (kind, day, n)
    meetings: list[tuple[str, str, date]]  # body code, classification, held on
    highlights: list[tuple[str, int | None, str, date]]  # body code, meeting, classification, published on
    actions: list[tuple[int, str, str, str]]  # meeting, kind, status, classification
    submissions: list[tuple[str, str]]  # period, status
    exceptions: list[tuple[str, str, int, int | None, list[tuple[str, int | None]]]]
    # (severity, status, flagged, submission, history: (action, meeting))


@st.composite
def registers(draw: st.DrawFn) -> Register:
    groups = draw(st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=4))
    event = st.tuples(st.sampled_from(KINDS), st.sampled_from(EVENT_DAYS), st.integers(0, 5))
    parties = draw(
        st.lists(
            st.tuples(st.integers(0, len(groups) - 1), st.sampled_from([None, "noted"]), st.lists(event, max_size=4)),
            min_size=1,
            max_size=8,
        )
    )
    meetings = draw(
        st.lists(
            st.tuples(st.sampled_from(["OPSG", "PANEL", "SSC"]), st.sampled_from(LEVELS), st.sampled_from(EVENT_DAYS)),
            max_size=5,
        )
    )
    meeting = st.integers(0, len(meetings) - 1) if meetings else st.nothing()
    highlights = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["OPSG", "PANEL", "SSC"]),
                st.none() | meeting,
                st.sampled_from(LEVELS),
                st.sampled_from(EVENT_DAYS),
            ),
            max_size=5,
        )
    )
    actions = draw(
        st.lists(
            st.tuples(
                meeting,
                st.sampled_from(["ACTION", "DECISION"]),
                st.sampled_from(["OPEN", "CLOSED"]),
                st.sampled_from(LEVELS),
            ),
            max_size=5 if meetings else 0,
        )
    )
    submissions = draw(
        st.lists(
            st.tuples(st.sampled_from(["2024-01", "2024-02"]), st.sampled_from(["PASSED", "FLAGGED", "REJECTED"])),
            max_size=3,
        )
    )
    entry = st.tuples(st.sampled_from(["COMMENT", "ACKNOWLEDGE", "ESCALATE"]), st.none() | meeting)
    exceptions = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["HIGH", "WARNING"]),
                st.sampled_from(STATUSES),
                st.integers(0, len(FLAGGED) - 1),
                st.none() | (st.integers(0, len(submissions) - 1) if submissions else st.nothing()),
                st.lists(entry, max_size=4),
            ),
            max_size=8,
        )
    )
    return Register(groups, parties, meetings, highlights, actions, submissions, exceptions)


async def write(conn: Any, r: Register) -> None:
    """The register into a migrated, empty database, in one transaction."""
    async with conn.transaction():
        await conn.execute(BODIES)
        bodies = {row["code"]: row["id"] for row in await conn.fetch("SELECT code, id FROM bodies")}
        groups = [
            await conn.fetchval(
                "INSERT INTO voting_groups (name, category) VALUES ($1, $2) RETURNING id", f"Group {i}", c
            )
            for i, c in enumerate(r.groups)
        ]
        for i, (g, note, events) in enumerate(r.parties):
            party = await conn.fetchval(
                "INSERT INTO parties (name, initial_category, initial_voting_group_id, note) "
                "VALUES ($1, $2, $3, $4) RETURNING id",
                f"Party {i % 3} {i}",  # shared prefixes: names order before ids do
                r.groups[g],
                groups[g],
                note,
            )
            for kind, day, n in events:
                await conn.execute(
                    "INSERT INTO party_events (party_id, kind, occurred_on, user_role, user_id, category, "
                    "voting_group_id, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    party,
                    kind,
                    day,
                    ROLES[n % len(ROLES)] if kind == "UEP_COMPLETED" else None,
                    f"U{n}" if kind == "UEP_COMPLETED" else None,
                    CATEGORIES[n] if kind == "CATEGORY_CHANGE" else None,
                    groups[n % len(groups)] if kind == "VOTING_GROUP_CHANGE" else None,
                    f"event {n}" if n % 2 else None,
                )
        meetings = [
            await conn.fetchval(
                "INSERT INTO meetings (body_id, reference, held_on, classification) VALUES ($1, $2, $3, $4) "
                "RETURNING id",
                bodies[code],
                f"{code}{i}",
                held_on,
                level,
            )
            for i, (code, level, held_on) in enumerate(r.meetings)
        ]
        for i, (code, m, level, published_on) in enumerate(r.highlights):
            await conn.execute(
                "INSERT INTO highlights (body_id, meeting_id, title, body, classification, published_on) "
                "VALUES ($1, $2, $3, 'text', $4, $5)",
                bodies[code],
                None if m is None else meetings[m],
                f"{code} item {i}",
                level,
                published_on,
            )
        for i, (m, kind, status, level) in enumerate(r.actions):
            await conn.execute(
                "INSERT INTO actions (reference, meeting_id, kind, text, status, classification) "
                "VALUES ($1, $2, $3, 'to do', $4, $5)",
                f"{r.meetings[m][0]}{m}/{i:02d}",
                meetings[m],
                kind,
                status,
                level,
            )
        await _reports(conn, r, meetings)


async def _reports(conn: Any, r: Register, meetings: list[int]) -> None:
    report_type = await conn.fetchval("SELECT id FROM report_types ORDER BY code LIMIT 1")
    submissions = [
        await conn.fetchval(
            "INSERT INTO submissions (report_type_id, period, sha256, size_bytes, filename, format, received_at, "
            "uploaded_by, status, row_count) VALUES ($1, $2, $3, 10, 'f.csv', 'csv', $4, 'dcc', $5, 1) RETURNING id",
            report_type,
            period,
            bytes([i]) * 32,
            FLAGGED[i % len(FLAGGED)],
            status,
        )
        for i, (period, status) in enumerate(r.submissions)
    ]
    for i, (severity, status, flagged, s, history) in enumerate(r.exceptions):
        exception = await conn.fetchval(
            "INSERT INTO report_exceptions (report_type_id, period, rule_code, subject, severity, status, message, "
            "submission_id, first_flagged_at) VALUES ($1, '2024-01', 'R1', $2, $3, $4, 'm', $5, $6) RETURNING id",
            report_type,
            f"S{i}",
            severity,
            status,
            None if s is None else submissions[s],
            FLAGGED[flagged],
        )
        for action, m in history:
            await conn.execute(
                "INSERT INTO exception_history (exception_id, actor, action, from_status, to_status, comment, "
                "meeting_id) VALUES ($1, 'opsg', $2, $3, $3, $4, $5)",
                exception,
                action,
                status,
                f"on {action.lower()}",
                None if m is None else meetings[m],
            )
