"""`exceptionStatusOverTime`: the store counts each status at the end of each day or month, as replaying every
exception's history would (the console's status chart draws it without fetching a single exception)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.timeline import buckets

QUERY = "{ exceptionStatusOverTime { unit buckets exceptions series { status label counts } } }"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def flag(conn, subject: str, at: datetime, moves: list[tuple[timedelta, str]]) -> list[tuple[datetime, str]]:
    """An exception flagged at `at` that then moves through `moves`: the (instant, status) history it has."""
    status = moves[-1][1] if moves else "OPEN"
    ex_id = await conn.fetchval(
        """INSERT INTO report_exceptions (rule_code, severity, status, subject, message, period, report_type_id,
                                          first_flagged_at)
           SELECT 'X', 'HIGH', $1, $2, 'm', '2026-02', id, $3 FROM report_types ORDER BY id LIMIT 1 RETURNING id""",
        status,
        subject,
        at,
    )
    if not moves:
        return [(at, status)]
    history = []
    for after, to in [(timedelta(0), "OPEN"), *moves]:
        await conn.execute(
            "INSERT INTO exception_history (exception_id, at, actor, action, to_status) VALUES ($1, $2, 'o', 'X', $3)",
            ex_id,
            at + after,
            to,
        )
        history.append((at + after, to))
    return history


def replay(histories: list[list[tuple[datetime, str]]]) -> tuple[str, list[str], dict[str, list[int]]]:
    """What the chart showed when the browser replayed every history: the status each held before each bucket's end."""
    stamps = sorted(at for h in histories for at, _ in h)
    unit, axis = buckets(stamps[0], stamps[-1])
    counts: dict[str, list[int]] = {
        s: [0] * len(axis) for s in ("OPEN", "ACKNOWLEDGED", "ESCALATED", "RESOLVED", "WAIVED")
    }
    for i, b in enumerate(axis):
        for h in histories:
            before = [to for at, to in h if at < b.end]
            if before:
                counts[before[-1]][i] += 1
    return unit, [b.key for b in axis], counts


async def test_status_counts_by_day_equal_a_replay_of_the_history(gql, api_keys, pool):
    opsg = await api_keys.get("opsg")
    assert (await gql(QUERY, key=opsg))["data"]["exceptionStatusOverTime"] is None  # nothing flagged yet
    async with pool.acquire() as conn:
        histories = [
            await flag(conn, "a", T0, [(timedelta(hours=2), "ACKNOWLEDGED"), (timedelta(days=3), "RESOLVED")]),
            await flag(conn, "b", T0 + timedelta(days=1), [(timedelta(days=2), "ESCALATED")]),
            await flag(conn, "c", T0 + timedelta(days=4), []),  # no history: OPEN since it was flagged
            await flag(conn, "d", T0 + timedelta(days=5), [(timedelta(0), "WAIVED")]),  # same instant: written order
        ]
    got = (await gql(QUERY, key=opsg))["data"]["exceptionStatusOverTime"]
    unit, keys, counts = replay(histories)
    assert (got["unit"], got["buckets"], got["exceptions"]) == (unit, keys, 4)
    assert unit == "day" and len(keys) == 7 and keys[-1] == "2026-03-07"
    assert {s["status"]: s["counts"] for s in got["series"]} == counts
    assert [s["label"] for s in got["series"]] == ["Open", "Acknowledged", "Escalated", "Resolved", "Waived"]
    assert counts["RESOLVED"][-1] == 1 and counts["WAIVED"][-1] == 1 and counts["OPEN"][-1] == 1


async def test_a_long_history_is_counted_by_month_and_hidden_from_the_public(gql, api_keys, pool):
    async with pool.acquire() as conn:
        histories = [
            await flag(conn, "old", T0 - timedelta(days=200), [(timedelta(days=30), "ACKNOWLEDGED")]),
            await flag(conn, "new", T0, [(timedelta(days=1), "RESOLVED")]),
        ]
    got = (await gql(QUERY, key=await api_keys.get("secas")))["data"]["exceptionStatusOverTime"]
    unit, keys, counts = replay(histories)
    assert got["unit"] == unit == "month" and got["buckets"] == keys and keys[-1] == "2026-03" and len(keys) == 12
    assert {s["status"]: s["counts"] for s in got["series"]} == counts
    assert (await gql(QUERY))["data"]["exceptionStatusOverTime"] is None
