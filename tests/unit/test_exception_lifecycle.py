"""The exception lifecycle as pure functions: what a run raises, reopens, raises again and closes, and what each
history line says, decided without a database (the store only writes the plan)."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.exception_lifecycle import (
    STILL_MISSING,
    Entry,
    Existing,
    Found,
    Raised,
    RaisePolicy,
    missing_report,
    plan,
    raised_from,
    run_effect,
)

RECEIVED = datetime(2018, 6, 4, 9, tzinfo=UTC)


def raised(rule: str, subject: str, message: str = "says") -> Raised:
    return Raised(rule, subject, "HIGH", message, "H3.24", {})


def existing(pk: int, rule: str, subject: str, status: str, *, by_system: bool = False, submission: int = 1):
    return Existing(pk, rule, subject, status, by_system, submission, 1)


def effect_of_newest(resubmission: bool = False, late: bool = False):
    effect = run_effect(
        rejected=False, newest_accepted=True, resubmission=resubmission, received_at=RECEIVED, late=late
    )
    assert effect is not None
    return effect


def test_a_run_raises_new_ones_once_in_order_and_closes_what_it_no_longer_raises() -> None:
    before = [
        existing(1, "VARIANCE_ABOVE_TOLERANCE", "ASE001", "OPEN"),
        existing(2, "VARIANCE_ABOVE_TOLERANCE", "ASE002", "ACKNOWLEDGED"),
        existing(3, "DUPLICATE_SUBJECT", "ASE009", "ESCALATED"),
        existing(4, "MISSING_REPORT", "REPORT", "OPEN", submission=0),
    ]
    run = [
        raised("TOTAL_MISMATCH", "TOTAL"),
        raised("VARIANCE_ABOVE_TOLERANCE", "ASE001"),
        raised("TOTAL_MISMATCH", "TOTAL"),
    ]
    p = plan(before, run, submission_id=2, effect=effect_of_newest(resubmission=True, late=True))
    assert p.order == (("TOTAL_MISMATCH", "TOTAL"), ("VARIANCE_ABOVE_TOLERANCE", "ASE001"))
    assert [r.key for r in p.fresh] == [("TOTAL_MISMATCH", "TOTAL")]
    assert [(u.id, u.status) for u in p.updates] == [(1, "OPEN")]
    assert [c.id for c in p.closes] == [2, 4]
    assert p.history == (
        Entry(1, "RAISED_AGAIN", "OPEN", "OPEN", "raised again by the submission of 4 Jun 2018"),
        Entry(2, "SYSTEM_RESOLVED", "ACKNOWLEDGED", "RESOLVED", "not raised by the resubmission of 4 Jun 2018"),
        Entry(4, "SYSTEM_RESOLVED", "OPEN", "RESOLVED", "report received: late"),
    )
    # Escalated: the Panel's to settle; a comment, written unless the history has it already.
    assert p.notes == (Entry(3, "COMMENT", "ESCALATED", "ESCALATED", "not raised by the resubmission of 4 Jun 2018"),)


def test_raised_again_reopens_only_what_the_system_closed() -> None:
    before = [
        existing(1, "R", "A", "RESOLVED", by_system=True),
        existing(2, "R", "B", "WAIVED", by_system=False),
    ]
    p = plan(before, [raised("R", "A"), raised("R", "B")], submission_id=2, effect=effect_of_newest())
    assert p.reopened == frozenset({("R", "A")})
    assert [(u.id, u.status, u.closed_by_system) for u in p.updates] == [(1, "OPEN", False), (2, "WAIVED", False)]
    assert [h.action for h in p.history] == ["SYSTEM_REOPENED", "RAISED_AGAIN"]
    assert p.history[1].comment == "raised again by the submission of 4 Jun 2018; left WAIVED as its reviewer decided"


def test_the_same_run_again_plans_no_history() -> None:
    before = [existing(1, "R", "A", "OPEN", submission=2)]
    p = plan(before, [raised("R", "A")], submission_id=2, effect=effect_of_newest())
    assert (p.fresh, p.history, p.closes, p.notes) == ((), (), (), ())


def test_which_submissions_raise_and_close() -> None:
    assert (
        run_effect(rejected=False, newest_accepted=False, resubmission=False, received_at=RECEIVED, late=False) is None
    )
    rejected = run_effect(rejected=True, newest_accepted=False, resubmission=False, received_at=RECEIVED, late=False)
    assert rejected is not None and not rejected.closes
    assert effect_of_newest().closing_comment == "not raised by the validation of the submission of 4 Jun 2018"


def test_a_missing_report_is_worded_in_london_time_and_closes_nothing() -> None:
    r = missing_report(
        code="PMR", period="2018-04", due_at=datetime(2018, 6, 6, 22, 59, tzinfo=UTC), sec_clause="H3.24"
    )
    assert (r.rule_code, r.subject, r.severity) == ("MISSING_REPORT", "REPORT", "HIGH")
    assert (
        r.message
        == "PMR for 2018-04 was due by the end of 06/06/2018 (London time) and has not been received (SEC H3.24)"
    )
    p = plan([existing(9, "R", "X", "OPEN")], [r], submission_id=None, effect=STILL_MISSING)
    assert p.closes == () and [f.key for f in p.fresh] == [("MISSING_REPORT", "REPORT")]


def test_what_a_runs_findings_raise_is_worded_here() -> None:
    policy = RaisePolicy(cap=2)
    one = Found(
        "ONE", "VARIANCE_ABOVE_TOLERANCE", "A", "WARNING", "A: 200.0%", "H3.24", {"ratio": 2}, 3, None, None, None
    )
    column = Found(
        "COLUMN",
        "SCHEMA",
        "actual",
        "HIGH",
        "actual 'x' on row 2 is not a whole number",
        None,
        {},
        2,
        1_234,
        [2, 5],
        None,
    )
    single = Found(
        "COLUMN", "SCHEMA", "forecast", "HIGH", "forecast -1 on row 4 is negative", None, {"v": 1}, 4, 1, [4], None
    )
    more = Found("MORE", "VARIANCE_ABOVE_TOLERANCE", None, "HIGH", None, "H3.24", None, None, 3_001, None, ["C", "D"])
    assert raised_from([one, column, single, more], policy) == [
        Raised("VARIANCE_ABOVE_TOLERANCE", "A", "WARNING", "A: 200.0%", "H3.24", {"ratio": 2}),
        Raised(
            "SCHEMA",
            "actual",
            "HIGH",
            "1,234 rows have invalid values in column 'actual', first at row 2: actual 'x' on row 2 is not a whole number",
            None,
            {"column": "actual", "count": 1_234, "rows": [2, 5]},
        ),
        Raised("SCHEMA", "forecast", "HIGH", "forecast -1 on row 4 is negative", None, {"v": 1, "rows": [4]}),
        Raised(
            "VARIANCE_ABOVE_TOLERANCE",
            "MORE",
            "HIGH",
            "3,001 more VARIANCE_ABOVE_TOLERANCE problems were found in this run and not raised one by one (the first 2 "
            "were); see the submission's findings",
            "H3.24",
            {"count": 3_001, "subjects": ["C", "D"]},
        ),
    ]
