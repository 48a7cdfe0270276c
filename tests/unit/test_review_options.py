"""The review actions the API lists per exception come from the one review table, filtered by the caller's role."""

from __future__ import annotations

from domain import review


def test_actions_follow_the_transitions_and_always_include_comment():
    for status in ("OPEN", "ACKNOWLEDGED", "ESCALATED", "RESOLVED", "WAIVED"):
        listed = review.actions_from(status)
        assert listed[-1] == "COMMENT"
        assert set(listed) - {"COMMENT"} == {a for (s, a) in review.TRANSITIONS if s == status}
    assert review.actions_from("OPEN") == ["ACKNOWLEDGE", "RESOLVE", "WAIVE", "ESCALATE", "COMMENT"]
    assert review.actions_from("RESOLVED") == ["REOPEN", "COMMENT"]


def test_roles_narrow_what_may_be_done():
    open_for = {
        role: [a for a in review.actions_from("OPEN") if review.allowed(role, "OPEN", a)]
        for role in ("public", "party", "dcc", "opsg", "panel", "secas", "admin")
    }
    assert open_for["dcc"] == ["COMMENT"]
    assert open_for["panel"] == [] and open_for["public"] == [] and open_for["party"] == []
    assert open_for["opsg"] == open_for["secas"] == open_for["admin"] == review.actions_from("OPEN")
    escalated = [a for a in review.actions_from("ESCALATED") if review.allowed("panel", "ESCALATED", a)]
    assert escalated == ["RESOLVE", "WAIVE", "COMMENT"]


def test_an_action_not_in_the_table_leads_nowhere():
    assert review.next_status("RESOLVED", "ACKNOWLEDGE") is None
    assert review.next_status("WAIVED", "COMMENT") == "WAIVED"


def test_decide_names_what_is_wrong():
    import pytest

    from domain.errors import Forbidden, IllegalTransition, InvalidInput

    assert review.decide("opsg", "OPEN", "ACKNOWLEDGE", None) == ("ACKNOWLEDGED", None)
    assert review.decide("panel", "ESCALATED", "WAIVE", "  agreed at Panel  ") == ("WAIVED", "agreed at Panel")
    with pytest.raises(Forbidden, match="panel role may not RESOLVE an exception that is OPEN"):
        review.decide("panel", "OPEN", "RESOLVE", "x")
    with pytest.raises(IllegalTransition, match="ACKNOWLEDGE is not possible on an exception that is RESOLVED"):
        review.decide("opsg", "RESOLVED", "ACKNOWLEDGE", None)
    with pytest.raises(InvalidInput, match="RESOLVE needs a comment") as refused:
        review.decide("opsg", "OPEN", "RESOLVE", "   ")
    assert refused.value.field == "comment"
