"""membershipStatistics (Table 3) from dated events made here, and the register as it stood.

"In default" counts the Parties in an Event of Default at the end of the month's last day that are still Parties then.

The events (DCC left out of every count):
  Alder Supply, Birch Supply  LARGE_SUPPLIER, one shared Voting Group; acceded 2017-06-01 and 2018-01-10.
  Cedar Energy                SMALL_SUPPLIER; acceded 2018-02-20.
  Damson Power                SMALL_SUPPLIER; acceded 2017-12-01, default 2018-02-10, expelled 2018-04-02.
  Elm Networks                ELECTRICITY_NETWORK; acceded 2017-01-01, default 2018-03-05 cured 2018-03-20,
                              default again 2018-06-10 (not cured).
  Fir Gas                     GAS_NETWORK; acceded 2018-01-31, withdrew 2018-05-31.
  Gorse Services              OTHER_SEC_PARTY; applied 2018-03-01, acceded 2018-06-15.
  DCC                         DCC; acceded 2018-02-14, default 2018-03-01 cured 2018-04-10.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from sql import parties

STATISTICS = """query($from: String!, $to: String!) { membershipStatistics(fromMonth: $from, toMonth: $to) {
    month accessions inDefault withdrawals expulsions partiesAtMonthEnd votingGroupsAtMonthEnd
    votingGroupsByCategory { category count } } }"""
CATEGORIES = ("LARGE_SUPPLIER", "SMALL_SUPPLIER", "ELECTRICITY_NETWORK", "GAS_NETWORK", "OTHER_SEC_PARTY")


def month(
    name: str,
    accessions: int,
    in_default: int,
    withdrawals: int,
    expulsions: int,
    parties_: int,
    groups: int,
    by_category: tuple[int, int, int, int, int],
) -> dict[str, Any]:
    return {
        "month": name,
        "accessions": accessions,
        "inDefault": in_default,
        "withdrawals": withdrawals,
        "expulsions": expulsions,
        "partiesAtMonthEnd": parties_,
        "votingGroupsAtMonthEnd": groups,
        "votingGroupsByCategory": [{"category": c, "count": n} for c, n in zip(CATEGORIES, by_category, strict=True)],
    }


EXPECTED = [
    # month      acc  def  wd  exp  parties groups  L  S  E  G  O
    month("2018-01", 2, 0, 0, 0, 5, 4, (1, 1, 1, 1, 0)),
    month("2018-02", 1, 1, 0, 0, 6, 5, (1, 2, 1, 1, 0)),  # Damson in default from 10 Feb
    month("2018-03", 0, 1, 0, 0, 6, 5, (1, 2, 1, 1, 0)),  # Damson still; Elm defaulted and cured within March
    month("2018-04", 0, 0, 0, 1, 5, 4, (1, 1, 1, 1, 0)),  # Damson expelled 2 Apr: an expulsion, not in default
    month("2018-05", 0, 0, 1, 0, 4, 3, (1, 1, 1, 0, 0)),  # Fir withdrew on the last day of May
    month("2018-06", 1, 1, 0, 0, 5, 4, (1, 1, 1, 0, 1)),  # Gorse acceded; Elm in default again
    month("2018-07", 0, 1, 0, 0, 5, 4, (1, 1, 1, 0, 1)),  # Elm's default runs on
]


@pytest.fixture
async def register(pool) -> dict[str, int]:
    ids: dict[str, int] = {}
    async with pool.acquire() as conn, conn.transaction():
        shared = await parties.create_voting_group(conn, name="Alder Group", category="LARGE_SUPPLIER")
        for name, category, group in [
            ("Alder Supply", "LARGE_SUPPLIER", shared.id),
            ("Birch Supply", "LARGE_SUPPLIER", shared.id),
            ("Cedar Energy", "SMALL_SUPPLIER", None),
            ("Damson Power", "SMALL_SUPPLIER", None),
            ("Elm Networks", "ELECTRICITY_NETWORK", None),
            ("Fir Gas", "GAS_NETWORK", None),
            ("Gorse Services", "OTHER_SEC_PARTY", None),
            ("DCC", "DCC", None),
        ]:
            ids[name] = await parties.create_party(conn, name=name, category=category, voting_group_id=group)
        events = [
            ("Alder Supply", "ACCESSION", "2017-06-01"),
            ("Birch Supply", "ACCESSION", "2018-01-10"),
            ("Cedar Energy", "ACCESSION", "2018-02-20"),
            ("Damson Power", "ACCESSION", "2017-12-01"),
            ("Damson Power", "DEFAULT_ENTERED", "2018-02-10"),
            ("Damson Power", "EXPULSION", "2018-04-02"),
            ("Elm Networks", "ACCESSION", "2017-01-01"),
            ("Elm Networks", "DEFAULT_ENTERED", "2018-03-05"),
            ("Elm Networks", "DEFAULT_CURED", "2018-03-20"),
            ("Elm Networks", "DEFAULT_ENTERED", "2018-06-10"),
            ("Fir Gas", "ACCESSION", "2018-01-31"),
            ("Fir Gas", "WITHDRAWAL", "2018-05-31"),
            ("Gorse Services", "APPLICATION", "2018-03-01"),
            ("Gorse Services", "ACCESSION", "2018-06-15"),
            ("DCC", "ACCESSION", "2018-02-14"),
            ("DCC", "DEFAULT_ENTERED", "2018-03-01"),
            ("DCC", "DEFAULT_CURED", "2018-04-10"),
        ]
        for name, kind, day in events:
            await parties.record_event(conn, party_id=ids[name], kind=kind, occurred_on=date.fromisoformat(day))
    return ids


async def test_membership_statistics_month_by_month(register, gql):
    r = await gql(STATISTICS, {"from": "2018-01", "to": "2018-07"})
    assert r["data"]["membershipStatistics"] == EXPECTED


async def test_membership_statistics_single_months_and_quiet_months(register, gql):
    r = await gql(STATISTICS, {"from": "2018-04", "to": "2018-04"})
    assert r["data"]["membershipStatistics"] == [EXPECTED[3]]
    # Before anything happened in the test window: the Parties of 2017 only.
    r = await gql(STATISTICS, {"from": "2016-12", "to": "2017-01"})
    assert r["data"]["membershipStatistics"] == [
        month("2016-12", 0, 0, 0, 0, 0, 0, (0, 0, 0, 0, 0)),
        month("2017-01", 1, 0, 0, 0, 1, 1, (0, 0, 1, 0, 0)),
    ]
    r = await gql(STATISTICS, {"from": "2017-12", "to": "2017-12"})
    assert r["data"]["membershipStatistics"] == [month("2017-12", 1, 0, 0, 0, 3, 3, (1, 1, 1, 0, 0))]


async def test_membership_statistics_through_the_store(register, pool):
    async with pool.acquire() as conn:
        rows = await parties.membership_statistics(conn, from_month=date(2018, 2, 1), to_month=date(2018, 4, 1))
    assert [
        (
            r.month,
            r.accessions,
            r.in_default,
            r.withdrawals,
            r.expulsions,
            r.parties_at_month_end,
            r.voting_groups_at_month_end,
        )
        for r in rows
    ] == [("2018-02", 1, 1, 0, 0, 6, 5), ("2018-03", 0, 1, 0, 0, 6, 5), ("2018-04", 0, 0, 0, 1, 5, 4)]


PARTIES_AS_OF = """query($asOf: Date!) { parties(asOf: $asOf, first: 100) { totalCount
    edges { node { name status category votingGroup { name } } } } }"""
GROUPS_AS_OF = """query($asOf: Date!) { votingGroups(asOf: $asOf) { name category parties { name status } } }"""


async def as_of(gql: Any, day: str) -> tuple[int, list[tuple[str, str]]]:
    r = await gql(PARTIES_AS_OF, {"asOf": day})
    conn = r["data"]["parties"]
    return conn["totalCount"], [(e["node"]["name"], e["node"]["status"]) for e in conn["edges"]]


async def test_parties_as_of_is_the_register_as_it_stood(register, gql):
    assert await as_of(gql, "2017-12-31") == (
        3,
        [("Alder Supply", "ACTIVE"), ("Damson Power", "ACTIVE"), ("Elm Networks", "ACTIVE")],
    )
    # Gorse has only applied: not a Party yet. The DCC is in the register (left out of statistics only).
    assert await as_of(gql, "2018-03-10") == (
        7,
        [
            ("Alder Supply", "ACTIVE"),
            ("Birch Supply", "ACTIVE"),
            ("Cedar Energy", "ACTIVE"),
            ("DCC", "IN_DEFAULT"),
            ("Damson Power", "IN_DEFAULT"),
            ("Elm Networks", "IN_DEFAULT"),
            ("Fir Gas", "ACTIVE"),
        ],
    )
    assert await as_of(gql, "2018-03-20") == (
        7,
        [
            ("Alder Supply", "ACTIVE"),
            ("Birch Supply", "ACTIVE"),
            ("Cedar Energy", "ACTIVE"),
            ("DCC", "IN_DEFAULT"),
            ("Damson Power", "IN_DEFAULT"),
            ("Elm Networks", "ACTIVE"),
            ("Fir Gas", "ACTIVE"),
        ],
    )
    # Damson gone at the end of its expulsion day; Fir at the end of its withdrawal day.
    assert await as_of(gql, "2018-04-02") == (
        6,
        [
            ("Alder Supply", "ACTIVE"),
            ("Birch Supply", "ACTIVE"),
            ("Cedar Energy", "ACTIVE"),
            ("DCC", "IN_DEFAULT"),
            ("Elm Networks", "ACTIVE"),
            ("Fir Gas", "ACTIVE"),
        ],
    )
    assert await as_of(gql, "2018-05-31") == (
        5,
        [
            ("Alder Supply", "ACTIVE"),
            ("Birch Supply", "ACTIVE"),
            ("Cedar Energy", "ACTIVE"),
            ("DCC", "ACTIVE"),
            ("Elm Networks", "ACTIVE"),
        ],
    )
    assert await as_of(gql, "2018-06-30") == (
        6,
        [
            ("Alder Supply", "ACTIVE"),
            ("Birch Supply", "ACTIVE"),
            ("Cedar Energy", "ACTIVE"),
            ("DCC", "ACTIVE"),
            ("Elm Networks", "IN_DEFAULT"),
            ("Gorse Services", "ACTIVE"),
        ],
    )

    # Without asOf: every Party in any status, as it stands now.
    r = await gql("{ parties(first: 100) { totalCount edges { node { name status } } } }")
    assert r["data"]["parties"]["totalCount"] == 8
    assert {e["node"]["name"]: e["node"]["status"] for e in r["data"]["parties"]["edges"]} == {
        "Alder Supply": "ACTIVE",
        "Birch Supply": "ACTIVE",
        "Cedar Energy": "ACTIVE",
        "DCC": "ACTIVE",
        "Damson Power": "EXPELLED",
        "Elm Networks": "IN_DEFAULT",
        "Fir Gas": "WITHDRAWN",
        "Gorse Services": "ACTIVE",
    }


async def test_voting_groups_as_of_is_the_register_as_it_stood(register, gql):
    r = await gql(GROUPS_AS_OF, {"asOf": "2018-01-09"})
    assert r["data"]["votingGroups"] == [
        {
            "name": "Alder Group",
            "category": "LARGE_SUPPLIER",
            "parties": [{"name": "Alder Supply", "status": "ACTIVE"}],
        },
        {
            "name": "Damson Power",
            "category": "SMALL_SUPPLIER",
            "parties": [{"name": "Damson Power", "status": "ACTIVE"}],
        },
        {
            "name": "Elm Networks",
            "category": "ELECTRICITY_NETWORK",
            "parties": [{"name": "Elm Networks", "status": "ACTIVE"}],
        },
    ]
    r = await gql(GROUPS_AS_OF, {"asOf": "2018-03-10"})
    groups = r["data"]["votingGroups"]
    assert [g["name"] for g in groups] == [
        "Alder Group",
        "Cedar Energy",
        "DCC",
        "Damson Power",
        "Elm Networks",
        "Fir Gas",
    ]
    assert groups[0]["parties"] == [
        {"name": "Alder Supply", "status": "ACTIVE"},
        {"name": "Birch Supply", "status": "ACTIVE"},
    ]
    assert groups[3]["parties"] == [{"name": "Damson Power", "status": "IN_DEFAULT"}]
    r = await gql(GROUPS_AS_OF, {"asOf": "2018-06-30"})
    assert [g["name"] for g in r["data"]["votingGroups"]] == [
        "Alder Group",
        "Cedar Energy",
        "DCC",
        "Elm Networks",
        "Gorse Services",
    ]
    r = await gql("""query { votingGroups(asOf: "2018-06-30", category: SMALL_SUPPLIER) { name } }""")
    assert r["data"]["votingGroups"] == [{"name": "Cedar Energy"}]
