"""Table 3's "in default" is counted at the month's end, as the Operations Reports count it: the Parties in an Event
of Default at the end of the month's last day that are still Parties then. And an opening balance adds to the
month-end totals from its day on, the months before it marked incomplete."""

from __future__ import annotations

from datetime import date

from sql import parties
from sql.db import Pool

FIGURES = """query($from: String!, $to: String!) { membershipStatistics(fromMonth: $from, toMonth: $to) {
    month inDefault expulsions partiesAtMonthEnd votingGroupsAtMonthEnd complete
    votingGroupsByCategory { category count } } }"""


async def make(pool: Pool, events: dict[str, list[tuple[str, str]]]) -> None:
    async with pool.acquire() as conn, conn.transaction():
        for name, kinds in events.items():
            party = await parties.create_party(conn, name=name, category="SMALL_SUPPLIER", voting_group_id=None)
            await parties.record_event(conn, party_id=party, kind="ACCESSION", occurred_on=date(2018, 1, 1))
            for kind, day in kinds:
                await parties.record_event(conn, party_id=party, kind=kind, occurred_on=date.fromisoformat(day))


async def in_default(gql, first: str, last: str) -> dict[str, tuple[int, int]]:
    r = await gql(FIGURES, {"from": first, "to": last})
    return {m["month"]: (m["inDefault"], m["expulsions"]) for m in r["data"]["membershipStatistics"]}


async def test_a_default_entered_and_expelled_in_one_month_is_an_expulsion_only(pool, gql):
    # January 2019: Economy Energy ceased trading, defaulted and was expelled; Table 3 prints 4, not 5.
    await make(pool, {"Economy": [("DEFAULT_ENTERED", "2019-01-10"), ("EXPULSION", "2019-01-29")]})
    assert await in_default(gql, "2018-12", "2019-02") == {"2018-12": (0, 0), "2019-01": (0, 1), "2019-02": (0, 0)}


async def test_a_default_entered_on_the_last_day_counts_in_that_month(pool, gql):
    await make(pool, {"Iresa": [("DEFAULT_ENTERED", "2018-07-31")]})
    assert await in_default(gql, "2018-06", "2018-08") == {"2018-06": (0, 0), "2018-07": (1, 0), "2018-08": (1, 0)}


async def test_a_default_cured_mid_month_counts_until_the_month_before(pool, gql):
    await make(
        pool,
        {
            "Elm": [("DEFAULT_ENTERED", "2018-03-05"), ("DEFAULT_CURED", "2018-04-12")],
            "Oak": [("DEFAULT_ENTERED", "2018-03-05"), ("DEFAULT_CURED", "2018-03-20")],
        },
    )
    assert await in_default(gql, "2018-02", "2018-05") == {
        "2018-02": (0, 0),
        "2018-03": (1, 0),
        "2018-04": (0, 0),
        "2018-05": (0, 0),
    }


async def test_a_default_expelled_the_month_after_counts_until_then(pool, gql):
    await make(pool, {"Gen4U": [("DEFAULT_ENTERED", "2018-09-20"), ("EXPULSION", "2018-10-02")]})
    assert await in_default(gql, "2018-09", "2018-10") == {"2018-09": (1, 0), "2018-10": (0, 1)}


async def test_the_opening_balance_adds_to_the_month_ends_from_its_day(pool, gql):
    await make(pool, {"Boltland": [("WITHDRAWAL", "2018-07-27")], "Iresa": [], "Simcoe": []})
    async with pool.acquire() as conn, conn.transaction():
        simcoe = await conn.fetchval("SELECT id FROM parties WHERE name = 'Simcoe'")
        await conn.execute("DELETE FROM party_events WHERE party_id = $1", simcoe)
        await parties.record_event(conn, party_id=simcoe, kind="ACCESSION", occurred_on=date(2018, 8, 15))
        await conn.executemany(
            "INSERT INTO opening_balances (as_of, category, parties, voting_groups, source) VALUES ($1, $2, $3, $4, $5)",
            [
                (date(2018, 6, 30), c, p, g, "Operations Report, June 2018")
                for c, p, g in [
                    ("LARGE_SUPPLIER", 20, 12),
                    ("SMALL_SUPPLIER", 150, 110),
                    ("ELECTRICITY_NETWORK", 20, 17),
                    ("GAS_NETWORK", 15, 13),
                    ("OTHER_SEC_PARTY", 106, 90),
                ]
            ],
        )
    r = await gql(FIGURES, {"from": "2018-05", "to": "2018-08"})
    got = [
        (
            m["month"],
            m["partiesAtMonthEnd"],
            m["votingGroupsAtMonthEnd"],
            m["complete"],
            {c["category"]: c["count"] for c in m["votingGroupsByCategory"]}["SMALL_SUPPLIER"],
        )
        for m in r["data"]["membershipStatistics"]
    ]
    # The register held Boltland and Iresa at the balance's day: 311 Parties then; Boltland leaves in July and
    # Simcoe accedes in August. May is the register's own figure, marked incomplete.
    assert got == [
        ("2018-05", 2, 2, False, 2),
        ("2018-06", 311, 242, True, 110),
        ("2018-07", 310, 241, True, 109),
        ("2018-08", 311, 242, True, 110),
    ]
