"""The working-day calendar: bank holidays, periods, due days and the end of a London day."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from validation.calendar import (
    InvalidPeriod,
    Period,
    bank_holidays,
    due_at,
    due_day,
    end_of_day_london,
    is_working_day,
    nth_working_day_after,
)

HOLIDAYS = frozenset(day for day, _ in bank_holidays(2016, 2024))


def test_bank_holidays_include_the_one_offs_in_date_order() -> None:
    found = bank_holidays(2022, 2023)
    days = [day for day, _ in found]
    assert days == sorted(days)
    names = dict(found)
    assert date(2022, 9, 19) in names  # State Funeral of Queen Elizabeth II
    assert date(2023, 5, 8) in names  # Coronation of King Charles III
    assert date(2022, 6, 3) in names  # Platinum Jubilee
    assert all(isinstance(name, str) and name for name in names.values())
    assert bank_holidays(2024, 2023) == []


def test_working_days() -> None:
    assert is_working_day(date(2018, 5, 4), HOLIDAYS)  # a Friday
    assert not is_working_day(date(2018, 5, 5), HOLIDAYS)  # Saturday
    assert not is_working_day(date(2018, 5, 6), HOLIDAYS)  # Sunday
    assert not is_working_day(date(2018, 5, 7), HOLIDAYS)  # Early May bank holiday
    assert nth_working_day_after(date(2018, 5, 4), 0, HOLIDAYS) == date(2018, 5, 4)
    assert nth_working_day_after(date(2018, 5, 4), 1, HOLIDAYS) == date(2018, 5, 8)
    with pytest.raises(ValueError):
        nth_working_day_after(date(2018, 5, 4), -1, HOLIDAYS)


@pytest.mark.parametrize(
    ("period", "n", "expected"),
    [
        # The worked example of docs/domain.md. April 2018 ends Mon 30 Apr; May: Tue 1 (1), Wed 2 (2), Thu 3 (3),
        # Fri 4 (4), Mon 7 bank holiday, Tue 8 (5), Wed 9 (6), Thu 10 (7), Fri 11 (8), Mon 14 (9), Tue 15 (10).
        ("2018-04", 10, date(2018, 5, 15)),
        # Easter after the period: March 2021 ends Wed 31 Mar; Thu 1 Apr (1), Fri 2 Good Friday, Mon 5 Easter
        # Monday, Tue 6 (2), Wed 7 (3), Thu 8 (4), Fri 9 (5), Mon 12 (6), Tue 13 (7), Wed 14 (8), Thu 15 (9),
        # Fri 16 (10).
        ("2021-03", 10, date(2021, 4, 16)),
        # Christmas and New Year inside the count (PMR, 25): November 2018 ends Fri 30 Nov; Dec: 3-7 (1-5),
        # 10-14 (6-10), 17-21 (11-15), Mon 24 (16), Tue 25 and Wed 26 bank holidays, Thu 27 (17), Fri 28 (18),
        # Mon 31 (19), Tue 1 Jan bank holiday, Wed 2 (20), Thu 3 (21), Fri 4 (22), Mon 7 (23), Tue 8 (24),
        # Wed 9 (25).
        ("2018-11", 25, date(2019, 1, 9)),
        # Substitute days: Christmas 2020 on a Friday, Boxing Day on a Saturday (observed Mon 28 Dec).
        # November 2020 ends Mon 30 Nov; Dec: 1-4 (1-4), 7-11 (5-9), 14-18 (10-14), 21-24 (15-18), Fri 25 and
        # Mon 28 bank holidays, Tue 29 (19), Wed 30 (20), Thu 31 (21), Fri 1 Jan bank holiday, Mon 4 (22),
        # Tue 5 (23), Wed 6 (24), Thu 7 (25).
        ("2020-11", 25, date(2021, 1, 7)),
        # New Year's Day 2022 on a Saturday, observed Mon 3 Jan. December 2021 ends Fri 31 Dec; Tue 4 (1),
        # Wed 5 (2), Thu 6 (3), Fri 7 (4), Mon 10 (5), Tue 11 (6), Wed 12 (7), Thu 13 (8), Fri 14 (9), Mon 17 (10).
        ("2021-12", 10, date(2022, 1, 17)),
        # The State Funeral (Mon 19 Sep 2022, a one-off). August 2022 ends Wed 31 Aug; Sep: Thu 1 (1), Fri 2 (2),
        # 5-9 (3-7), 12-16 (8-12), Mon 19 bank holiday, Tue 20 (13) ... Fri 23 (16), 26-30 (17-21); Oct: Mon 3
        # (22), Tue 4 (23), Wed 5 (24), Thu 6 (25).
        ("2022-08", 25, date(2022, 10, 6)),
        # Early May and the Coronation (Mon 8 May 2023, a one-off). April 2023 ends Sun 30 Apr; Mon 1 May bank
        # holiday, Tue 2 (1), Wed 3 (2), Thu 4 (3), Fri 5 (4), Mon 8 bank holiday, Tue 9 (5), Wed 10 (6),
        # Thu 11 (7), Fri 12 (8), Mon 15 (9), Tue 16 (10).
        ("2023-04", 10, date(2023, 5, 16)),
        # Late May (Spring) bank holiday (PMR, 25): April 2019 ends Tue 30 Apr; May: Wed 1 (1), Thu 2 (2), Fri 3
        # (3), Mon 6 bank holiday, Tue 7 (4) ... Fri 10 (7), 13-17 (8-12), 20-24 (13-17), Mon 27 bank holiday,
        # Tue 28 (18) ... Fri 31 (21); Jun: Mon 3 (22), Tue 4 (23), Wed 5 (24), Thu 6 (25).
        ("2019-04", 25, date(2019, 6, 6)),
        # Spring bank holiday moved to Thu 2 Jun 2022 plus the Platinum Jubilee Fri 3 Jun. May 2022 ends Tue 31
        # May; Wed 1 Jun (1), Thu 2 and Fri 3 bank holidays, Mon 6 (2) ... Fri 10 (6), Mon 13 (7), Tue 14 (8),
        # Wed 15 (9), Thu 16 (10).
        ("2022-05", 10, date(2022, 6, 16)),
        # A quarter (20 Working Days): 2018-Q4 ends Mon 31 Dec 2018; Tue 1 Jan bank holiday, Wed 2 (1), Thu 3 (2),
        # Fri 4 (3), 7-11 (4-8), 14-18 (9-13), 21-25 (14-18), Mon 28 (19), Tue 29 (20).
        ("2018-Q4", 20, date(2019, 1, 29)),
    ],
)
def test_due_day_of_real_periods(period: str, n: int, expected: date) -> None:
    assert due_day(Period.parse(period), n, HOLIDAYS) == expected


def test_an_amendment_to_the_calendar_moves_the_deadline() -> None:
    april = Period.parse("2018-04")
    # An extra non-working day inside the count pushes the deadline one Working Day later.
    assert due_day(april, 10, HOLIDAYS | {date(2018, 5, 10)}) == date(2018, 5, 16)
    # Removing the 7 May bank holiday brings it one Working Day earlier.
    assert due_day(april, 10, HOLIDAYS - {date(2018, 5, 7)}) == date(2018, 5, 14)
    # Any collection will do, not only sets.
    assert due_day(april, 10, sorted(HOLIDAYS)) == date(2018, 5, 15)


def test_no_due_rule_means_no_deadline() -> None:
    assert due_day(Period.parse("2018-05"), None, HOLIDAYS) is None
    assert due_at(Period.parse("2018-05"), None, HOLIDAYS) is None


def test_due_at_is_the_end_of_the_due_day_in_london() -> None:
    # 15 May 2018 is in British Summer Time: the day ends at 22:59:59.999999 UTC.
    assert due_at(Period.parse("2018-04"), 10, HOLIDAYS) == datetime(2018, 5, 15, 22, 59, 59, 999999, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2019, 1, 15), datetime(2019, 1, 15, 23, 59, 59, 999999, tzinfo=UTC)),  # GMT
        (date(2018, 5, 15), datetime(2018, 5, 15, 22, 59, 59, 999999, tzinfo=UTC)),  # BST
        (date(2018, 3, 24), datetime(2018, 3, 24, 23, 59, 59, 999999, tzinfo=UTC)),  # the last GMT day
        (date(2018, 3, 25), datetime(2018, 3, 25, 22, 59, 59, 999999, tzinfo=UTC)),  # clocks go forward
        (date(2018, 10, 28), datetime(2018, 10, 28, 23, 59, 59, 999999, tzinfo=UTC)),  # clocks go back
    ],
)
def test_end_of_day_london_across_bst_and_gmt(day: date, expected: datetime) -> None:
    instant = end_of_day_london(day)
    assert instant == expected
    assert instant.tzinfo is UTC


@pytest.mark.parametrize(
    ("text", "first", "last", "cadence"),
    [
        ("2018-04", date(2018, 4, 1), date(2018, 4, 30), "MONTHLY"),
        ("2020-02", date(2020, 2, 1), date(2020, 2, 29), "MONTHLY"),
        ("2018-12", date(2018, 12, 1), date(2018, 12, 31), "MONTHLY"),
        ("2018-Q1", date(2018, 1, 1), date(2018, 3, 31), "QUARTERLY"),
        ("2016-Q4", date(2016, 10, 1), date(2016, 12, 31), "QUARTERLY"),
        ("9999-12", date(9999, 12, 1), date(9999, 12, 31), "MONTHLY"),
    ],
)
def test_period_parse(text: str, first: date, last: date, cadence: str) -> None:
    period = Period.parse(text)
    assert (period.first_day, period.last_day, period.cadence) == (first, last, cadence)
    assert str(period) == text
    assert Period.parse(str(period)) == period


@pytest.mark.parametrize(
    "text",
    [
        "2018-13",
        "2018-00",
        "2018-Q5",
        "2018-Q0",
        "2018-4",
        "18-04",
        "2018/04",
        "2018-04-01",
        "",
        " 2018-04",
        "2018-04 ",
        "2018-q2",
        "2018-Q12",
        "0000-01",
        "２０１８-04",
        "2018-٠٤",
        "April 2018",
    ],
)
def test_period_parse_refuses_anything_else(text: str) -> None:
    with pytest.raises(InvalidPeriod) as raised:
        Period.parse(text)
    assert isinstance(raised.value, ValueError)
    assert repr(text) in str(raised.value)


def test_period_containing_and_neighbours() -> None:
    assert str(Period.containing(date(2018, 5, 3), "MONTHLY")) == "2018-05"
    assert str(Period.containing(date(2018, 5, 3), "QUARTERLY")) == "2018-Q2"
    assert str(Period.containing(date(2018, 12, 31), "QUARTERLY")) == "2018-Q4"
    assert str(Period.parse("2018-12").next()) == "2019-01"
    assert str(Period.parse("2019-01").previous()) == "2018-12"
    assert str(Period.parse("2018-Q4").next()) == "2019-Q1"
    assert str(Period.parse("2018-Q1").previous()) == "2017-Q4"
    assert Period.parse("2018-04") < Period.parse("2018-05")
