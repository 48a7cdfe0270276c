"""Acceptance 3: due dates computed in SQL (`due_at(n, period)`) over real England and Wales bank holidays, the same
as validation.calendar's, and moved by the administrator's calendar amendments."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from sql import catalogue
from validation.calendar import Period, bank_holidays, due_at

BST, GMT = "+01:00", "+00:00"

# (N Working Days, period, the due day worked out by hand, the London offset on that day). A deadline is the last
# instant of the due day in Europe/London.
CASES = [
    # Easter 2018: period ends Sat 31 Mar; Mon 2 Apr is Easter Monday. April: 3 4 5 6 | 9 10 11 12 13 | 16 → the 10th
    # Working Day is Mon 16 Apr (BST).
    (10, "2018-03", date(2018, 4, 16), BST),
    # Easter 2019 and early May: ends Sun 31 Mar. April: 1-5 (5), 8-12 (10), 15-18 (14; Good Friday 19th), Easter
    # Monday 22nd, 23-26 (18), 29 30 (20); May: 1 2 3 (23), Mon 6 May bank holiday, 7 8 → 25th = Wed 8 May 2019.
    (25, "2019-03", date(2019, 5, 8), BST),
    # Christmas 2018: ends Fri 30 Nov. December: 3-7 (5), 10-14 (10), 17-21 (15), 24 (16), Christmas 25th and Boxing
    # Day 26th, 27 28 (18), 31 (19); January: New Year's Day 1st, 2 3 4 (22), 7 8 9 → 25th = Wed 9 Jan 2019 (GMT).
    (25, "2018-11", date(2019, 1, 9), GMT),
    # Christmas 2020 with a substitute day: ends Mon 30 Nov. December: 1-4 (4), 7-11 (9), 14-18 (14), 21-24 (18),
    # Fri 25th Christmas, Sat 26th Boxing Day → substitute Mon 28th, 29 30 31 (21); January: Fri 1st New Year's
    # Day, 4 5 6 7 → 25th = Thu 7 Jan 2021.
    (25, "2020-11", date(2021, 1, 7), GMT),
    # New Year 2022 on a Saturday, substitute Mon 3 Jan: ends Fri 31 Dec 2021. January: 4-7 (4), 10-14 (9), 17 → 10th
    # = Mon 17 Jan 2022.
    (10, "2021-12", date(2022, 1, 17), GMT),
    # The worked example of docs/domain.md, early May: ends Mon 30 Apr. May: 1 2 3 4 (4), Mon 7th bank holiday,
    # 8 9 10 11 (8), 14 15 → 10th = Tue 15 May 2018.
    (10, "2018-04", date(2018, 5, 15), BST),
    # The late-May bank holiday: the same period with N = 25 (PMR). After 15 May (10): 16 17 18 (13), 21-25 (18),
    # Mon 28 May bank holiday, 29 30 31 (21); June: 1 (22), 4 5 6 → 25th = Wed 6 Jun 2018.
    (25, "2018-04", date(2018, 6, 6), BST),
    # The late-May bank holiday moved to Thu 2 Jun 2022, plus the one-off Platinum Jubilee Fri 3 Jun: ends Tue 31
    # May. June: 1 (1), 2nd and 3rd holidays, 6-10 (6), 13 14 15 16 → 10th = Thu 16 Jun 2022.
    (10, "2022-05", date(2022, 6, 16), BST),
    # One-off: the State Funeral, Mon 19 Sep 2022. Ends Wed 31 Aug (Mon 29 Aug, the summer holiday, is inside the
    # period). September: 1 2 (2), 5-9 (7), 12-16 (12), 19th holiday, 20-23 (16), 26-30 (21); October: 3 4 5 6 →
    # 25th = Thu 6 Oct 2022.
    (25, "2022-08", date(2022, 10, 6), BST),
    # One-off: the Coronation, Mon 8 May 2023. Ends Sun 30 Apr. May: Mon 1st early May holiday, 2-5 (4), 8th holiday,
    # 9-12 (8), 15 16 → 10th = Tue 16 May 2023.
    (10, "2023-04", date(2023, 5, 16), BST),
    # A quarter: ends Mon 31 Dec 2018. January: 1st holiday, 2-4 (3), 7-11 (8), 14-18 (13), 21-25 (18), 28 29 →
    # 20th = Tue 29 Jan 2019.
    (20, "2018-Q4", date(2019, 1, 29), GMT),
]


def end_of(day: date, offset: str) -> datetime:
    return datetime.fromisoformat(f"{day.isoformat()}T23:59:59.999999{offset}")


@pytest.mark.parametrize(("n", "period", "day", "offset"), CASES, ids=[f"{p}+{n}" for n, p, _, _ in CASES])
async def test_due_at_in_sql_is_the_hand_worked_date(pool, n, period, day, offset):
    async with pool.acquire() as conn:
        in_sql = await conn.fetchval("SELECT due_at($1::int, $2::text)", n, period)
    assert in_sql == end_of(day, offset)
    assert in_sql.astimezone(UTC) == end_of(day, offset).astimezone(UTC)
    # The pure calendar of the worker says the same.
    in_python = due_at(Period.parse(period), n, {d for d, _ in bank_holidays(2016, 2030)})
    assert in_python == in_sql


async def test_due_rules_of_the_catalogue(pool):
    """The catalogue's rows drive the deadline: SR variance April 2018 → 15 May; RDP has none."""
    async with pool.acquire() as conn:
        sr = await catalogue.report_type(conn, code="SR_VARIANCE")
        rdp = await catalogue.report_type(conn, code="RDP_INCIDENT")
        assert await catalogue.due_at(conn, report_type_id=sr.id, period="2018-04") == end_of(date(2018, 5, 15), BST)
        assert await catalogue.due_at(conn, report_type_id=rdp.id, period="2018-04") is None


AMEND = """mutation($day: Date!, $working: Boolean!, $reason: String!) {
    amendCalendar(day: $day, working: $working, reason: $reason) { day working errors { code field } } }"""


async def test_calendar_amendments_move_deadlines(pool, gql, api_keys):
    secas = await api_keys.get("secas")

    async def due(n: int, period: str) -> datetime:
        async with pool.acquire() as conn:
            value: datetime = await conn.fetchval("SELECT due_at($1::int, $2::text)", n, period)
            # And the pure calendar, given the database's non-working days (bank holidays and amendments), agrees.
            closed = set(await catalogue.non_working_days(conn, from_day=date(2016, 1, 1), to_day=date(2030, 12, 31)))
        assert due_at(Period.parse(period), n, closed) == value
        return value

    assert await due(10, "2018-04") == end_of(date(2018, 5, 15), BST)
    # Someone who is not the administrator cannot touch the calendar.
    refused = await gql(AMEND, {"day": "2018-05-10", "working": False, "reason": "x"}, key=await api_keys.get("opsg"))
    assert refused["data"]["amendCalendar"]["errors"][0]["code"] == "FORBIDDEN"
    assert await due(10, "2018-04") == end_of(date(2018, 5, 15), BST)

    # A non-working Thursday 10 May 2018: May 1 2 3 4 | 8 9 11 | 14 15 16 → the 10th is now Wed 16 May.
    done = await gql(AMEND, {"day": "2018-05-10", "working": False, "reason": "office closed (test)"}, key=secas)
    assert done["data"]["amendCalendar"] == {"day": "2018-05-10", "working": False, "errors": []}
    assert await due(10, "2018-04") == end_of(date(2018, 5, 16), BST)
    # Periods that end after the day are untouched.
    assert await due(10, "2018-05") == end_of(date(2018, 6, 14), BST)

    # The early May bank holiday (Mon 7 May) made a Working Day: 1 2 3 4 7 8 9 | 11 14 15 → back to Tue 15 May.
    done = await gql(AMEND, {"day": "2018-05-07", "working": True, "reason": "worked this year (test)"}, key=secas)
    assert done["data"]["amendCalendar"]["errors"] == []
    assert await due(10, "2018-04") == end_of(date(2018, 5, 15), BST)
    # Undoing the first amendment (the latest one for a day wins) brings it one day earlier than the original.
    done = await gql(AMEND, {"day": "2018-05-10", "working": True, "reason": "opened after all"}, key=secas)
    assert done["data"]["amendCalendar"]["errors"] == []
    assert await due(10, "2018-04") == end_of(date(2018, 5, 14), BST)

    # A reason is required.
    blank = await gql(AMEND, {"day": "2018-05-11", "working": False, "reason": "  "}, key=secas)
    assert blank["data"]["amendCalendar"]["errors"] == [{"code": "INVALID_INPUT", "field": "reason"}]
    assert await due(10, "2018-04") == end_of(date(2018, 5, 14), BST)
