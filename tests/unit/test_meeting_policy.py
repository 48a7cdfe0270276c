"""The meeting's policy and the what-if's comparison, pure."""

from __future__ import annotations

from datetime import date

import pytest

from domain import meeting
from domain.errors import Forbidden, IllegalTransition, InvalidInput
from domain.whatif import Change, Found, Level, Parameters, compare, span


def test_follow_ups_are_numbered_as_the_body_numbers_them():
    assert meeting.follow_up_reference("OPSG_10_2407", 1) == "OPSG10/01"
    assert meeting.follow_up_reference("SECP_59_1008", 12) == "SECP59/12"
    # No meeting number in the reference (the day and the year instead): the reference itself.
    assert meeting.follow_up_reference("OPSG_2606_2018", 1) == "OPSG_2606_2018/01"


def test_an_exception_is_noted_or_moved_under_the_review_rules():
    assert meeting.outcome("opsg", "OPEN", None, None) == ("NOTED", "OPEN", None)
    assert meeting.outcome("opsg", "ACKNOWLEDGED", "ESCALATE", "to the Panel") == (
        "ESCALATE",
        "ESCALATED",
        "to the Panel",
    )
    with pytest.raises(IllegalTransition):
        meeting.outcome("opsg", "OPEN", "REOPEN", "why")
    with pytest.raises(InvalidInput):
        meeting.outcome("opsg", "OPEN", "RESOLVE", "  ")
    with pytest.raises(Forbidden):
        meeting.outcome("dcc", "OPEN", None, None)


def test_status_closing_and_overdue_wording():
    assert meeting.status_of("OPEN", date(2018, 7, 24), date(2018, 7, 24)) == "OPEN"
    assert meeting.status_of("OPEN", date(2018, 7, 24), date(2018, 7, 25)) == "OVERDUE"
    assert meeting.status_of("CLOSED", date(2018, 7, 24), date(2018, 7, 25)) == "CLOSED"
    assert meeting.may_close("dcc", "DCC") and not meeting.may_close("dcc", "SECAS")
    with pytest.raises(InvalidInput):
        meeting.closing_comment(" ")
    red = meeting.OverdueFollowUp(7, "OPSG11/01", "Red matter", "DCC", date(2018, 8, 21), "RED", 1, "PMR", "2018-05")
    assert meeting.overdue_subject(red.id, red.reference, red.classification) == "FOLLOW-UP-7"
    assert "Red matter" not in meeting.overdue_message(red) and "OPSG11" not in meeting.overdue_message(red)


def test_a_change_is_set_on_the_catalogue_and_compared_finding_by_finding():
    current = Parameters("PMR", "H13.4", None, None, "INFO", (), 25, (Level("CPM1", None, 99.0, 96.0),))
    tried = Change(service_levels=(Level("CPM1", None, 99.9, 99.0), Level("CPM2", "DSP", 90.0, 80.0))).applied_to(
        current
    )
    assert [(s.measure, s.target_pct) for s in tried.service_levels] == [("CPM1", 99.9), ("CPM2", 90.0)]
    assert Change(due_working_days=2).applied_to(current).due_working_days == 2
    with pytest.raises(InvalidInput):
        Change(tolerance_lower_pct=120, tolerance_upper_pct=110).check()
    a = Found("VARIANCE_ABOVE_TOLERANCE", "WARNING", "TOTAL", "157.7%", {})
    b = Found("AT_OR_ABOVE_FORECAST", "INFO", "X", "", {}, 2)
    c = Found("BELOW_TARGET", "WARNING", "CPM1/CODE", "", {}, 3)
    added, cleared, changed = compare([a, b, c], [b, Found("BELOW_TARGET", "HIGH", "CPM1/CODE", "", {}, 3)])
    assert (added, cleared, [(x.today.severity, x.would.severity) for x in changed]) == ([], [a], [("WARNING", "HIGH")])
    assert span("2017-07", "2018-06") == 12 and span("2018-Q1", "2018-Q4") == 4 and span("x", "2018-01") == 1
