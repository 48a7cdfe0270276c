"""The content rules and the status they give, on the real figures of the July 2018 Sub-Committee report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from validation import ReportSpec, ServiceLevel, Severity, validate_frame, validate_report
from validation.calendar import Period, bank_holidays, due_at
from validation.rules import late_delivery
from validation.text import one_decimal, pct, ratio_pct

CSR = ReportSpec("CSR_VARIANCE", "L8.9")
SR = ReportSpec("SR_VARIANCE", "H3.24")
CPM_LEVELS = (
    ServiceLevel("CPM1", None, 99.0, 96.0),
    ServiceLevel("CPM4", None, 100.0, 85.0),
    ServiceLevel("CPM6", "CODE", 99.5, 98.0),
    ServiceLevel("CPM7", None, None, None),
)
PMR = ReportSpec("PMR", "H13.4", service_levels=CPM_LEVELS)


def csr(forecast: int, actual: int) -> bytes:
    return f"subscriber,forecast,actual\nDCC,{forecast},{actual}\n".encode()


def test_csr_may_2018_is_above_tolerance() -> None:
    # 873,383 CSRs sent against a forecast of 553,814: 157.7% of forecast (the paper prints 157%), "outside
    # tolerance": what the Operations Group notes, so a WARNING exception per subject and for the TOTAL.
    result = validate_report(csr(553814, 873383), CSR)
    assert result.status == "FLAGGED"
    per_subject, listed, aggregate = result.findings
    assert per_subject.rule_code == aggregate.rule_code == "VARIANCE_ABOVE_TOLERANCE"
    assert (per_subject.subject, per_subject.severity, per_subject.row) == ("DCC", Severity.WARNING, 1)
    assert (aggregate.subject, aggregate.severity, aggregate.row) == ("TOTAL", Severity.WARNING, None)
    assert per_subject.details == {"actual": 873383, "forecast": 553814, "ratio": 157.7, "lower": 90.0, "upper": 110.0}
    assert per_subject.message == (
        "873,383 requests sent against a forecast of 553,814: 157.7% of forecast, above the 110.0% tolerance (SEC L8.9)"
    )
    assert per_subject.sec_clause == "L8.9"
    # At or above 100% of its forecast, the subject is listed as the CSR report lists its Authorised Subscribers.
    assert (listed.rule_code, listed.severity, listed.subject) == ("AT_OR_ABOVE_FORECAST", Severity.INFO, "DCC")
    assert listed.message == (
        "873,383 requests sent against a forecast of 553,814: 157.7% of forecast, at or above forecast (SEC L8.9)"
    )


def test_sr_april_2018_below_forecast_is_information_not_an_exception() -> None:
    # 94,715 sent against 10,586,714 forecast: 0.9% (the paper prints 1%); the paper's observation is "None".
    result = validate_report(b"user_id,forecast,actual\nASE001,10586714,94715\n", SR)
    assert result.status == "PASSED"
    finding = result.findings[0]
    assert (finding.rule_code, finding.severity) == ("VARIANCE_BELOW_TOLERANCE", Severity.INFO)
    assert finding.details["ratio"] == 0.9
    assert "0.9% of forecast, below the 90.0% tolerance (SEC H3.24)" in finding.message
    assert all(f.severity is Severity.INFO for f in result.findings)


def test_a_catalogue_version_may_raise_below_tolerance() -> None:
    raised = ReportSpec("SR_VARIANCE", "H3.24", below_tolerance_severity="WARNING")
    result = validate_report(b"user_id,forecast,actual\nASE001,583151,208851\n", raised)
    assert result.status == "FLAGGED"
    assert {(f.rule_code, f.severity) for f in result.findings} == {("VARIANCE_BELOW_TOLERANCE", Severity.WARNING)}


def test_a_band_to_be_confirmed_says_so() -> None:
    spec = ReportSpec("CSR_VARIANCE", "L8.9", tbc=("tolerance_upper_pct", "tolerance_lower_pct"))
    result = validate_report(csr(553814, 873383), spec)
    assert "above the 110.0% (TBC) tolerance (SEC L8.9)" in result.findings[0].message


def test_sr_may_2018_ratio_has_one_decimal() -> None:
    # 35.8% (the paper prints 36%): below forecast, no exception.
    result = validate_report(b"user_id,forecast,actual\nASE001,583151,208851\n", SR)
    assert result.findings[0].details["ratio"] == 35.8
    assert result.status == "PASSED"


def test_aggregate_is_computed_from_the_sum_of_the_rows() -> None:
    # One row far above and one far below: each is flagged, but their sum is within the band.
    data = b"user_id,forecast,actual\nA,1000,1500\nB,1000,500\n"
    result = validate_report(data, SR)
    assert [(f.rule_code, f.subject) for f in result.findings] == [
        ("VARIANCE_ABOVE_TOLERANCE", "A"),
        ("VARIANCE_BELOW_TOLERANCE", "B"),
        ("AT_OR_ABOVE_FORECAST", "A"),
    ]
    # A sum outside the band gives one more finding, subject TOTAL, WARNING like the subjects.
    data = b"user_id,forecast,actual\nA,1000,1200\nB,1000,1150\n"
    result = validate_report(data, SR)
    total = [f for f in result.findings if f.subject == "TOTAL"]
    assert [(f.rule_code, f.severity, f.details["ratio"]) for f in total] == [
        ("VARIANCE_ABOVE_TOLERANCE", Severity.WARNING, 117.5)
    ]
    assert total[0].message.startswith("All rows together: 2,350 requests sent against a forecast of 2,000")


def test_a_tolerance_change_changes_the_outcome() -> None:
    data = csr(553814, 873383)
    assert validate_report(data, CSR).status == "FLAGGED"
    assert validate_report(data, ReportSpec("CSR_VARIANCE", "L8.9", 90.0, 160.0)).status == "PASSED"
    assert validate_report(data, ReportSpec("CSR_VARIANCE", "L8.9", None, None)).status == "PASSED"
    below = validate_report(csr(1000, 890), ReportSpec("CSR_VARIANCE", "L8.9", 95.0, 105.0))
    assert below.status == "PASSED"
    assert {f.rule_code for f in below.findings} == {"VARIANCE_BELOW_TOLERANCE"}
    assert "below the 95.0% tolerance" in below.findings[0].message


@pytest.mark.parametrize(
    ("upper", "actual", "flagged"),
    [
        (110.0, 1100, False),  # exactly on the bound is within it
        (110.0, 1101, True),
        (110.1, 1101, False),  # 110.1% exactly: no binary-float artefact may flag it
        (110.1, 1102, True),
        (100.0, 1000, False),
    ],
)
def test_bounds_are_compared_exactly(upper: float, actual: int, flagged: bool) -> None:
    result = validate_report(csr(1000, actual), ReportSpec("CSR_VARIANCE", "L8.9", 0.0, upper))
    assert (result.status == "FLAGGED") is flagged


def test_forecast_zero_is_flagged_without_a_variance_finding() -> None:
    # Row C is below tolerance on purpose so that the sum of the rows (125 of 125) is within it.
    result = validate_report(b"user_id,forecast,actual\nA,0,25\nB,0,0\nC,125,100\n", SR)
    assert [(f.rule_code, f.subject, f.row, f.severity) for f in result.findings] == [
        ("FORECAST_ZERO", "A", 1, Severity.WARNING),
        ("VARIANCE_BELOW_TOLERANCE", "C", 3, Severity.INFO),
    ]
    assert result.findings[0].message == (
        "25 requests sent against a forecast of 0: no percentage of forecast can be given (SEC H3.24)"
    )


def test_sr_subject_includes_the_service_when_given() -> None:
    result = validate_report(b"user_id,service,forecast,actual\nASE001,SR1.1,100,200\nASE001,,100,100\n", SR)
    assert result.rows is not None
    assert result.rows.get_column("subject").to_list() == ["ASE001/SR1.1", "ASE001"]
    assert result.findings[0].subject == "ASE001/SR1.1"


def pmr(*rows: str, header: str = "measure,provider,actual_pct,target_pct,minimum_pct") -> bytes:
    return "\n".join([header, *rows]).encode()


def test_pmr_above_target_passes() -> None:
    # April 2018: all Code measures above Target.
    result = validate_report(pmr("CPM1,CODE,99.5,,", "CPM4,CODE,100,,", "CPM6,CODE,99.9,,"), PMR)
    assert result.status == "PASSED"
    assert result.findings == []


def test_pmr_below_target_and_below_minimum_from_the_catalogue() -> None:
    result = validate_report(pmr("CPM1,CODE,97.5,,", "CPM4,CODE,80,,", "CPM6,code,98.0,,"), PMR)
    assert result.status == "FLAGGED"
    found = [(f.rule_code, f.subject, f.severity, f.row) for f in result.findings]
    assert found == [
        ("BELOW_TARGET", "CPM1/CODE", Severity.WARNING, 1),
        ("BELOW_MINIMUM", "CPM4/CODE", Severity.HIGH, 2),
        ("BELOW_TARGET", "CPM6/CODE", Severity.WARNING, 3),  # 98.0 is not below the 98.0 minimum
    ]
    assert result.findings[1].message == (
        "CPM4/CODE achieved 80.0%, below its Minimum Service Level of 85.0% (Target 100.0%) (SEC H13.4)"
    )
    assert result.findings[0].details["target_from"] == "catalogue"


def test_pmr_thresholds_in_the_file_win_over_the_catalogue() -> None:
    # DSP and CSP measures carry their own target and minimum in the file.
    result = validate_report(pmr("CPM1,CODE,97.5,97,90", "DSP1,DSP,95,99,96", "CSP1,CSP_N,99.2,99,"), PMR)
    found = [(f.rule_code, f.subject, f.details["target_pct"], f.details["minimum_pct"]) for f in result.findings]
    assert found == [("BELOW_MINIMUM", "DSP1/DSP", 99.0, 96.0)]
    assert result.findings[0].details["minimum_from"] == "file"


def test_pmr_provider_specific_levels_win_over_generic_ones() -> None:
    spec = ReportSpec(
        "PMR",
        "H13.4",
        service_levels=(ServiceLevel("CPM2", None, 99.0, 96.0), ServiceLevel("CPM2", "CSP_S", 90.0, 80.0)),
    )
    result = validate_report(pmr("CPM2,CSP_S,95,,", "CPM2,CSP_C,95,,"), spec)
    assert [(f.rule_code, f.subject) for f in result.findings] == [("BELOW_MINIMUM", "CPM2/CSP_C")]


def test_pmr_measure_without_any_level_is_information_only() -> None:
    result = validate_report(pmr("CPM7,CODE,50,,", "CPM8,CODE,10,,"), PMR)
    assert result.status == "PASSED"
    assert [(f.rule_code, f.severity, f.subject) for f in result.findings] == [
        ("NO_SERVICE_LEVEL", Severity.INFO, "CPM7/CODE"),
        ("NO_SERVICE_LEVEL", Severity.INFO, "CPM8/CODE"),
    ]


def test_pmr_percentages_outside_0_to_100_are_schema_errors() -> None:
    result = validate_report(pmr("CPM1,CODE,100.5,,", "CPM2,CODE,nan,,", "CPM3,CODE,99%,,", "CPM4,XYZ,99,,"), PMR)
    schema = [(f.subject, f.row) for f in result.findings if f.rule_code == "SCHEMA"]
    assert schema == [("actual_pct", 1), ("actual_pct", 2), ("provider", 4)]
    assert result.rows is not None and result.rows.get_column("actual_pct").to_list() == [99.0]


def test_rdp_incidents() -> None:
    data = (
        b"incident_ref,rdp,raised_on,status,resolved_on\n"
        b"I1,RDP1,2018-05-03,RESOLVED,2018-05-04\n"
        b"I2,RDP2,2018-05-30,open,\n"
    )
    result = validate_report(data, ReportSpec("RDP_INCIDENT", "Appendix AG 2.5.10"))
    assert result.status == "PASSED"
    assert result.rows is not None
    assert result.rows.get_column("status").to_list() == ["RESOLVED", "OPEN"]
    assert result.rows.schema["raised_on"] == pl.Date


HOLIDAYS = frozenset(day for day, _ in bank_holidays(2018, 2018))
SR_APRIL_DUE = due_at(Period.parse("2018-04"), 10, HOLIDAYS)


def test_late_delivery() -> None:
    assert SR_APRIL_DUE is not None
    received = datetime(2018, 6, 4, 9, 30, tzinfo=UTC)
    # 99 of 100: within the band and under forecast, so lateness is the only finding.
    result = validate_report(b"user_id,forecast,actual\nA,100,99\n", SR, received_at=received, due_at=SR_APRIL_DUE)
    assert result.status == "FLAGGED"
    (finding,) = result.findings
    assert (finding.rule_code, finding.subject, finding.severity) == ("LATE_DELIVERY", "FILE", Severity.WARNING)
    assert finding.details == {
        "due_at": "2018-05-15T22:59:59.999999+00:00",
        "received_at": "2018-06-04T09:30:00+00:00",
    }
    assert finding.message == (
        "Late: received 04/06/2018 10:30 (London), after the deadline at the end of 15/05/2018 (SEC H3.24)"
    )


def test_on_time_delivery() -> None:
    assert SR_APRIL_DUE is not None
    for received in (SR_APRIL_DUE, SR_APRIL_DUE - timedelta(days=3)):
        result = validate_report(b"user_id,forecast,actual\nA,100,100\n", SR, received_at=received, due_at=SR_APRIL_DUE)
        assert result.status == "PASSED"
    # One microsecond after the end of the due day is late; a naive instant is read as UTC.
    assert late_delivery(SR_APRIL_DUE + timedelta(microseconds=1), SR_APRIL_DUE, SR).height == 1
    assert late_delivery(datetime(2018, 5, 15, 22, 0), SR_APRIL_DUE, SR).is_empty()
    assert late_delivery(None, SR_APRIL_DUE, SR).is_empty()
    assert late_delivery(datetime(2018, 5, 15, tzinfo=UTC), None, SR).is_empty()


def test_a_type_without_schema_is_checked_for_delivery_only() -> None:
    nep = ReportSpec("NEP", None)
    result = validate_report(b"anything,at all\n1,2\n", nep)
    assert (result.status, result.findings, result.row_count) == ("PASSED", [], 1)
    assert result.rows is not None and result.rows.columns == ["row", "subject", "anything", "at all"]
    late = validate_report(
        b"x\n1\n", nep, received_at=datetime(2019, 2, 1, tzinfo=UTC), due_at=datetime(2019, 1, 30, tzinfo=UTC)
    )
    assert late.status == "FLAGGED"
    assert "(SEC" not in late.findings[0].message
    assert validate_report(b"\xff\xfe", nep).status == "REJECTED"


def test_too_many_rows_rejects() -> None:
    result = validate_report(b"user_id,forecast,actual\nA,1,1\nB,1,1\nC,1,1\n", SR, max_rows=2)
    assert result.status == "REJECTED"
    (finding,) = result.findings
    assert (finding.rule_code, finding.subject) == ("TOO_MANY_ROWS", "FILE")
    assert finding.details == {"rows": 3, "max_rows": 2}
    assert validate_report(b"user_id,forecast,actual\nA,1,1\nB,1,1\n", SR, max_rows=2).status == "PASSED"


def test_no_valid_row_rejects() -> None:
    result = validate_report(b"user_id,forecast,actual\nA,x,1\n,1,1\n", SR)
    assert result.status == "REJECTED"
    assert [(f.rule_code, f.subject, f.row) for f in result.findings] == [
        ("SCHEMA", "forecast", 1),
        ("SCHEMA", "user_id", 2),
        ("SCHEMA", "FILE", None),
    ]
    assert result.findings[1].message == "user_id on row 2 is empty: a value is required"
    assert "No valid data row: 2 of 2 rows" in result.findings[2].message
    assert result.rows is None
    # A TOTAL row alone is not a valid data row either.
    assert validate_report(b"user_id,forecast,actual\nTOTAL,1,1\n", SR).status == "REJECTED"


def test_schema_errors_with_valid_rows_flag_and_leave_the_rows_out() -> None:
    result = validate_report(b"user_id,forecast,actual\nA,x,1\nB,100,100\n", SR)
    assert result.status == "FLAGGED"
    assert result.rows is not None and result.rows.get_column("subject").to_list() == ["B"]


def test_validate_frame_accepts_typed_columns() -> None:
    frame = pl.DataFrame({"subscriber": ["DCC"], "forecast": [553814], "actual": [873383]})
    result = validate_frame(frame, CSR)
    assert result.findings[0].details["ratio"] == 157.7


@pytest.mark.parametrize(
    ("actual", "forecast", "expected"),
    [(873383, 553814, 157.7), (94715, 10586714, 0.9), (208851, 583151, 35.8), (1, 8, 12.5), (1, 16, 6.3), (0, 5, 0.0)],
)
def test_ratio_is_rounded_half_up_to_one_decimal(actual: int, forecast: int, expected: float) -> None:
    assert ratio_pct(actual, forecast) == expected


def test_percentages_read_with_one_decimal() -> None:
    assert pct(157.7) == "157.7%"
    assert pct(110) == "110.0%"
    assert pct(99.45) == "99.5%"
    assert one_decimal(0.05) == 0.1


def test_pmr_blank_measure_is_no_data_not_a_schema_error() -> None:
    # "above Target where data is available": a measure without data for the month is left blank.
    result = validate_report(pmr("CPM1,CODE,99.5,,", "CPM4,CODE,,,", header="measure,provider,actual_pct,x,y"), PMR)
    assert result.status == "PASSED"
    assert [f.rule_code for f in result.findings if f.rule_code == "SCHEMA"] == []
    assert result.rows is not None and result.rows.get_column("actual_pct").to_list() == [99.5, None]
