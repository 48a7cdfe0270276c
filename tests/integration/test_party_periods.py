"""The temporal register: each Party's validity periods, kept current in the transaction that writes its events,
always equal to a rebuild from the events and to the state party_states() derives from the events for any day."""

from __future__ import annotations

import asyncio
import random
from datetime import date, timedelta
from typing import Any

import pytest

from api import cli, demo_data
from domain.lifecycle import MEMBER_STATUSES
from sql import db, parties
from sql.db import Pool
from sql.errors import InvalidInput
from sql.loader import fetch

PERIODS = """SELECT party_id, valid_from, valid_to, status, category, voting_group_id, acceded_on
             FROM party_periods ORDER BY party_id, valid_from"""
DERIVED = """SELECT party_id, valid_from, valid_to, status, category, voting_group_id, acceded_on
             FROM derive_party_periods(NULL) ORDER BY party_id, valid_from"""
# The days on which the periods and party_states() disagree (either way), of the days given.
DISAGREE = """
SELECT d FROM unnest($1::date[]) AS d
WHERE EXISTS (SELECT party_id, status, category, voting_group_id, acceded_on FROM party_states(d)
              EXCEPT
              SELECT party_id, status, category, voting_group_id, acceded_on FROM party_periods WHERE valid_from <= d AND valid_to > d)
   OR EXISTS (SELECT party_id, status, category, voting_group_id, acceded_on FROM party_periods WHERE valid_from <= d AND valid_to > d
              EXCEPT
              SELECT party_id, status, category, voting_group_id, acceded_on FROM party_states(d))
   OR (SELECT count(*) FROM party_periods WHERE valid_from <= d AND valid_to > d) <> (SELECT count(*) FROM parties)
ORDER BY d"""


def rows(records: list[Any]) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in records]


RUNS = """SELECT what, party_id, voting_group_id, first_month, last_month FROM membership_runs
          ORDER BY what, party_id, voting_group_id, first_month"""
DERIVED_RUNS = """SELECT what, party_id, voting_group_id, first_month, last_month
                  FROM derive_membership_runs(NULL, NULL) ORDER BY what, party_id, voting_group_id, first_month"""


async def assert_maintained(conn: Any) -> list[tuple[Any, ...]]:
    """The maintained periods and membership runs equal those derived from the events now; returns the periods."""
    maintained = rows(await conn.fetch(PERIODS))
    assert maintained == rows(await conn.fetch(DERIVED))
    assert rows(await conn.fetch(RUNS)) == rows(await conn.fetch(DERIVED_RUNS))
    return maintained


async def assert_rebuild_changes_nothing(conn: Any) -> None:
    before, runs = rows(await conn.fetch(PERIODS)), rows(await conn.fetch(RUNS))
    async with conn.transaction():
        assert await parties.rebuild_periods(conn) == len(before)
    assert rows(await conn.fetch(PERIODS)) == before
    assert rows(await conn.fetch(RUNS)) == runs


async def assert_states_agree(conn: Any) -> None:
    """On every day with an event, the day before and after, and month ends around them: as party_states() says."""
    event_days = [r["occurred_on"] for r in await conn.fetch("SELECT DISTINCT occurred_on FROM party_events")]
    days = {date(2010, 1, 1), date.today(), date(2040, 1, 1)}
    for d in event_days:
        month_end = (d.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        days |= {d - timedelta(days=1), d, d + timedelta(days=1), month_end}
    assert await conn.fetch(DISAGREE, sorted(days)) == []


async def test_the_demo_registers_periods_equal_a_rebuild_and_the_events(pool: Pool) -> None:
    async with pool.acquire() as conn:
        await demo_data.load(conn)
        maintained = await assert_maintained(conn)
        assert len(maintained) > await conn.fetchval("SELECT count(*) FROM parties")
        await assert_rebuild_changes_nothing(conn)
        await assert_states_agree(conn)


async def record(conn: Any, party_id: int, kind: str, day: str, **more: Any) -> None:
    async with conn.transaction():
        await parties.record_event(conn, party_id=party_id, kind=kind, occurred_on=date.fromisoformat(day), **more)
    await assert_maintained(conn)


async def test_periods_follow_every_kind_of_event_in_any_order(pool: Pool) -> None:
    async with pool.acquire() as conn:
        async with conn.transaction():
            big = await parties.create_voting_group(conn, name="Big Group", category="LARGE_SUPPLIER")
            other = await parties.create_voting_group(conn, name="Other Group", category="SMALL_SUPPLIER")
            ids = {
                name: await parties.create_party(conn, name=name, category=category, voting_group_id=group)
                for name, category, group in [
                    ("Ash", "LARGE_SUPPLIER", big.id),
                    ("Beech", "LARGE_SUPPLIER", big.id),
                    ("Cherry", "SMALL_SUPPLIER", None),
                    ("Dogwood", "GAS_NETWORK", None),
                    ("Elder", "OTHER_SEC_PARTY", None),
                ]
            }
        # A Party without events is an applicant in its first category and group, from the beginning of time.
        assert (await assert_maintained(conn))[0][1:] == (
            date.min,
            date.max,
            "APPLICANT",
            "LARGE_SUPPLIER",
            big.id,
            None,
        )

        a, b, c, d = ids["Ash"], ids["Beech"], ids["Cherry"], ids["Dogwood"]
        await record(conn, a, "APPLICATION", "2017-01-05")
        await record(conn, a, "ACCESSION", "2017-02-01")
        await record(conn, a, "UEP_COMPLETED", "2017-03-01", user_role="IMPORT_SUPPLIER", user_id="ASE001")
        await record(conn, a, "DEFAULT_ENTERED", "2017-06-01")
        await record(conn, a, "DEFAULT_CURED", "2017-07-01")
        await record(conn, a, "CATEGORY_CHANGE", "2018-01-01", category="SMALL_SUPPLIER")
        await record(conn, a, "VOTING_GROUP_CHANGE", "2018-02-01", voting_group_id=other.id)
        await record(conn, a, "DEFAULT_ENTERED", "2017-04-01")  # back-dated: in default from April, not June
        await record(conn, b, "ACCESSION", "2016-05-01")
        await record(conn, b, "DEFAULT_ENTERED", "2018-03-01")
        await record(conn, b, "EXPULSION", "2018-05-02")
        await record(conn, b, "CATEGORY_CHANGE", "2017-01-01", category="OTHER_SEC_PARTY")  # before the expulsion
        await record(conn, c, "ACCESSION", "2016-01-01")
        await record(conn, c, "WITHDRAWAL", "2019-07-27")
        await record(conn, c, "VOTING_GROUP_CHANGE", "2018-06-01", voting_group_id=big.id)
        await record(conn, c, "DEFAULT_ENTERED", "2018-09-10")  # entered and cured on one day
        await record(conn, c, "DEFAULT_CURED", "2018-09-10")
        await record(conn, c, "CATEGORY_CHANGE", "2018-06-01", category="LARGE_SUPPLIER")  # two on one day:
        await record(conn, c, "CATEGORY_CHANGE", "2018-06-01", category="GAS_NETWORK")  # the later one holds
        await record(conn, d, "APPLICATION", "2019-01-01")
        await record(conn, d, "ACCESSION", "2016-03-01")  # recorded after a later application

        as_of = {
            p.name: (p.status, p.category)
            for p in await parties.by_ids(conn, ids=list(ids.values()), as_of=date(2018, 6, 30))
        }
        assert as_of == {
            "Ash": ("ACTIVE", "SMALL_SUPPLIER"),
            "Beech": ("EXPELLED", "OTHER_SEC_PARTY"),
            "Cherry": ("ACTIVE", "GAS_NETWORK"),
            "Dogwood": ("ACTIVE", "GAS_NETWORK"),
            "Elder": ("APPLICANT", "OTHER_SEC_PARTY"),
        }
        spring = {p.name: p.status for p in await parties.by_ids(conn, ids=[a], as_of=date(2017, 4, 15))}
        assert spring == {"Ash": "IN_DEFAULT"}

        # Events changed or removed directly, and several Parties' events in one statement, are followed too.
        async with conn.transaction():
            await conn.execute(
                "UPDATE party_events SET occurred_on = '2017-08-01' WHERE party_id = $1 AND kind = 'DEFAULT_CURED'", a
            )
        await assert_maintained(conn)
        async with conn.transaction():
            await conn.execute(
                "UPDATE party_events SET party_id = $2 WHERE party_id = $1 AND kind = 'APPLICATION'", d, ids["Elder"]
            )
        await assert_maintained(conn)
        async with conn.transaction():
            await conn.execute("DELETE FROM party_events WHERE party_id = $1 AND kind = 'EXPULSION'", b)
        await assert_maintained(conn)
        async with conn.transaction():
            await conn.execute(
                """INSERT INTO party_events (party_id, kind, occurred_on)
                   SELECT id, 'WITHDRAWAL', '2020-01-31' FROM parties WHERE id = ANY($1::bigint[])""",
                [b, d],
            )
        await assert_maintained(conn)
        async with conn.transaction():
            await conn.execute(
                "UPDATE parties SET initial_category = 'ELECTRICITY_NETWORK' WHERE id = $1", ids["Elder"]
            )
        await assert_maintained(conn)

        async with conn.transaction():
            await conn.execute("UPDATE voting_groups SET category = 'GAS_NETWORK' WHERE id = $1", big.id)
        await assert_maintained(conn)

        await assert_rebuild_changes_nothing(conn)
        await assert_states_agree(conn)


async def test_a_failed_write_leaves_the_periods_as_they_were(pool: Pool) -> None:
    async with pool.acquire() as conn:
        async with conn.transaction():
            party = await parties.create_party(conn, name="Fig", category="SMALL_SUPPLIER", voting_group_id=None)
            await parties.record_event(conn, party_id=party, kind="ACCESSION", occurred_on=date(2018, 1, 1))
        before = await assert_maintained(conn)
        with pytest.raises(RuntimeError):
            async with conn.transaction():
                await parties.record_event(conn, party_id=party, kind="WITHDRAWAL", occurred_on=date(2018, 5, 1))
                assert rows(await conn.fetch(PERIODS)) != before  # changed inside the transaction
                raise RuntimeError("rolled back")
        assert rows(await conn.fetch(PERIODS)) == before


async def blocked(conn: Any, pid: int) -> None:
    """Until the backend `pid` waits for a lock (polled: it gets there in milliseconds)."""
    for _ in range(500):
        if await conn.fetchval("SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1", pid) == "Lock":
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the second writer never waited for the first")


@pytest.mark.parametrize("shared", ["one Party", "one Voting Group"])
async def test_two_transactions_writing_at_once(pool: Pool, dsn: str, shared: str) -> None:
    """The second writer waits for the first (the Party's row lock, or the group's) and derives with its events."""
    async with pool.acquire() as conn, conn.transaction():
        group = await parties.create_voting_group(conn, name="Hazel Group", category="SMALL_SUPPLIER")
        hazel, holly = [
            await parties.create_party(conn, name=name, category="SMALL_SUPPLIER", voting_group_id=group.id)
            for name in ("Hazel", "Holly")
        ]
        for party in (hazel, holly):
            await parties.record_event(conn, party_id=party, kind="ACCESSION", occurred_on=date(2018, 1, 1))
    other = hazel if shared == "one Party" else holly
    first, second = await db.connect(dsn), await db.connect(dsn)
    try:
        one = first.transaction()
        await one.start()
        await first.execute(
            "INSERT INTO party_events (party_id, kind, occurred_on) VALUES ($1, 'WITHDRAWAL', '2018-03-01')", hazel
        )
        two = second.transaction()
        await two.start()
        waiting = asyncio.ensure_future(
            second.execute(
                "INSERT INTO party_events (party_id, kind, occurred_on) VALUES ($1, 'EXPULSION', '2018-06-01')", other
            )
        )
        await blocked(first, second.get_server_pid())
        assert not waiting.done()
        await one.commit()
        await waiting
        await two.commit()
        await assert_maintained(first)
        group_runs = await first.fetch(
            "SELECT first_month, last_month FROM membership_runs WHERE what = 'groups' AND voting_group_id = $1 "
            "ORDER BY first_month",
            group.id,
        )
        # A member at every month end from January 2018 (Hazel's months, then what Holly adds): Holly still or,
        # expelled in June, until May.
        january = 2018 * 12
        last = None if shared == "one Party" else january + 4
        assert rows(group_runs) == [(january, january + 1), (january + 2, last)]
    finally:
        await first.close()
        await second.close()


async def test_the_rebuild_command_repairs_the_periods(
    pool: Pool, dsn: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    async with pool.acquire() as conn:
        await demo_data.load(conn)
        expected = await assert_maintained(conn)
        # Damaged (as a restore from an old backup or a hand edit could): one period gone, one wrong.
        await conn.execute("DELETE FROM party_periods WHERE (party_id, valid_from) = ($1, $2)", *expected[0][:2])
        await conn.execute(
            "UPDATE party_periods SET status = 'EXPELLED' WHERE (party_id, valid_from) = ($1, $2)", *expected[-1][:2]
        )
        assert rows(await conn.fetch(PERIODS)) != expected
    monkeypatch.setenv("DATABASE_URL", dsn)
    assert await asyncio.to_thread(cli.main, ["rebuild-periods"]) == 0
    assert capsys.readouterr().out.strip() == f"rebuilt {len(expected)} Party periods from the events"
    async with pool.acquire() as conn:
        assert rows(await conn.fetch(PERIODS)) == expected


KINDS = (
    "APPLICATION",
    "ACCESSION",
    "UEP_COMPLETED",
    "SREPT_COMPLETED",
    "UEPT_COMPLETED",
    "DEFAULT_ENTERED",
    "DEFAULT_CURED",
    "WITHDRAWAL",
    "EXPULSION",
    "CATEGORY_CHANGE",
    "VOTING_GROUP_CHANGE",
)
CATEGORIES = ("LARGE_SUPPLIER", "SMALL_SUPPLIER", "ELECTRICITY_NETWORK", "GAS_NETWORK", "OTHER_SEC_PARTY", "DCC")


async def random_register(conn: Any, seed: int, n: int = 120) -> None:
    """Parties with any events in any order (the lifecycle checks bypassed: both derivations are functions of the
    events alone), written in two bulk statements, so the second one changes Parties that have periods already."""
    rng = random.Random(seed)
    groups = [
        (await parties.create_voting_group(conn, name=f"Group {i}", category=rng.choice(CATEGORIES))).id
        for i in range(n * 3 // 4)
    ]
    ids = [
        await parties.create_party(
            conn, name=f"Party {i}", category=rng.choice(CATEGORIES), voting_group_id=rng.choice(groups)
        )
        for i in range(n)
    ]
    for batch in range(2):
        events = []
        for party in ids:
            for _ in range(rng.randrange(7 if batch == 0 else 3)):
                kind = rng.choice(KINDS)
                events.append(
                    (
                        party,
                        kind,
                        date(2014, 1, 1) + timedelta(days=rng.randrange(8 * 365)),
                        "OTHER_USER" if kind in ("UEP_COMPLETED", "UEPT_COMPLETED") else None,
                        rng.choice(CATEGORIES) if kind == "CATEGORY_CHANGE" else None,
                        rng.choice(groups) if kind == "VOTING_GROUP_CHANGE" else None,
                    )
                )
        rng.shuffle(events)
        await conn.execute(
            """INSERT INTO party_events (party_id, kind, occurred_on, user_role, category, voting_group_id)
               SELECT * FROM unnest($1::bigint[], $2::text[], $3::date[], $4::text[], $5::text[], $6::bigint[])""",
            *[list(column) for column in zip(*events, strict=True)],
        )


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_periods_and_statistics_answer_as_the_events_do(pool: Pool, seed: int) -> None:
    async with pool.acquire() as conn:
        async with conn.transaction():
            await random_register(conn, seed)
        await assert_maintained(conn)
        await assert_states_agree(conn)
        for first, last in [
            (date(2013, 6, 1), date(2022, 8, 1)),
            (date(2016, 2, 1), date(2016, 2, 1)),
            (date(2017, 12, 1), date(2019, 1, 1)),
        ]:
            one_pass = await fetch(conn, "parties.statistics", from_month=first, to_month=last)
            assert rows(one_pass) == rows(
                await fetch(
                    conn,
                    "parties.statistics_by_month_ends",
                    from_month=first,
                    to_month=last,
                    member_statuses=list(MEMBER_STATUSES),
                )
            ), (first, last)


async def test_the_demo_registers_statistics_answer_as_the_events_do(pool: Pool) -> None:
    async with pool.acquire() as conn:
        await demo_data.load(conn)
        first, last = date(2015, 1, 1), date(2020, 12, 1)
        one_pass = await fetch(conn, "parties.statistics", from_month=first, to_month=last)
        assert len(one_pass) == 72
        assert rows(one_pass) == rows(
            await fetch(
                conn,
                "parties.statistics_by_month_ends",
                from_month=first,
                to_month=last,
                member_statuses=list(MEMBER_STATUSES),
            )
        )


async def test_the_last_day_reads_the_current_periods_and_is_no_event_day(pool: Pool) -> None:
    """asyncpg sends 9999-12-31 as 'infinity': read on it, the register is as it stands; an event cannot have it."""
    async with pool.acquire() as conn, conn.transaction():
        party = await parties.create_party(conn, name="Ivy", category="GAS_NETWORK", voting_group_id=None)
        await parties.record_event(conn, party_id=party, kind="ACCESSION", occurred_on=date(2018, 1, 1))
        await parties.record_event(conn, party_id=party, kind="WITHDRAWAL", occurred_on=date(2030, 1, 1))
        (row,) = await parties.by_ids(conn, ids=[party], as_of=date.max)
        assert row.status == "WITHDRAWN"
        assert await parties.count(conn, as_of=date.max, members_only=False) == 1
        with pytest.raises(InvalidInput, match="occurredOn|before 9999-12-31"):
            await parties.record_event(conn, party_id=party, kind="SREPT_COMPLETED", occurred_on=date.max)
