"""Property tests: nothing a file or a frame holds makes parsing, validation or a rule crash."""

from __future__ import annotations

import contextlib
import io
import json
import math
import zipfile
from decimal import Decimal
from fractions import Fraction

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from validation import ReportSpec, ServiceLevel, UnreadableFile, findings, parse, validate_report
from validation.findings import FINDINGS, Finding, as_findings
from validation.rules import duplicate_subjects, forecast_zero, total_mismatch
from validation.service_levels import service_levels
from validation.text import pct, ratio_pct
from validation.variance import variance

# Derandomized or randomized as the profile says (tests/conftest.py, SECGOV_HYPOTHESIS_PROFILE).
FAST = settings(max_examples=200)
# Whole validations cost a few milliseconds each (pandera's per-column checks): fewer examples keep the suite fast.
WHOLE = settings(max_examples=100)

SPECS = [
    ReportSpec("SR_VARIANCE", "H3.24"),
    ReportSpec("CSR_VARIANCE", "L8.9"),
    ReportSpec("PMR", "H13.4", service_levels=(ServiceLevel("CPM1", None, 99.0, 96.0),)),
    ReportSpec("RDP_INCIDENT", "Appendix AG 2.5.10"),
    ReportSpec("NEP", None),
]
HEADERS = {
    "SR_VARIANCE": "user_id,service,forecast,actual",
    "CSR_VARIANCE": "subscriber,forecast,actual",
    "PMR": "measure,provider,actual_pct,target_pct,minimum_pct,volume",
    "RDP_INCIDENT": "incident_ref,rdp,raised_on,status,resolved_on",
    "NEP": "a,b",
}

# Cells that exercise every path: numbers of every size and sign, text, dates, quotes, blanks, TOTAL.
cells = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["", " ", "TOTAL", "total", "CODE", "dsp", "OPEN", "2018-05-03", "2018-02-30", "n/a", '"', '""']),
    st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=8),
)


def csv_text(header: str) -> st.SearchStrategy[bytes]:
    width = header.count(",") + 1
    row = st.lists(cells, min_size=max(0, width - 1), max_size=width + 1).map(
        lambda values: ",".join(v.replace("\n", " ").replace(",", ";") for v in values)
    )
    return st.lists(row, max_size=12).map(lambda rows: "\n".join([header, *rows]).encode())


def check_result(data: bytes, spec: ReportSpec) -> None:
    result = validate_report(data, spec)
    assert result.status in ("PASSED", "FLAGGED", "REJECTED")
    assert all(isinstance(f, Finding) for f in result.findings)
    json.dumps([f.details for f in result.findings])  # details are JSON-serialisable
    if result.status == "REJECTED":
        assert result.rows is None
        assert any(f.severity == "HIGH" for f in result.findings)
    else:
        assert result.rows is not None
        assert result.rows.height <= result.row_count
    for finding in result.findings:
        assert finding.row is None or finding.row >= 1


@FAST
@given(st.binary(max_size=512))
def test_parse_raises_only_unreadable_file(data: bytes) -> None:
    try:
        frame = parse(data)
    except UnreadableFile as exc:
        assert exc.reason
        return
    assert all(dtype == pl.String for dtype in frame.dtypes)


@FAST
@given(st.binary(max_size=512), st.sampled_from(SPECS))
def test_validate_report_never_raises_on_bytes(data: bytes, spec: ReportSpec) -> None:
    check_result(data, spec)


@WHOLE
@given(st.data())
def test_validate_report_never_raises_on_csv_like_text(data: st.DataObject) -> None:
    spec = data.draw(st.sampled_from(SPECS))
    check_result(data.draw(csv_text(HEADERS[spec.code])), spec)


json_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(),
    cells,
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@WHOLE
@given(st.data())
def test_validate_report_never_raises_on_json(data: st.DataObject) -> None:
    spec = data.draw(st.sampled_from(SPECS))
    keys = HEADERS[spec.code].split(",") + ["Extra", ""]
    items = data.draw(st.lists(st.dictionaries(st.sampled_from(keys), json_values, max_size=8), max_size=8))
    check_result(json.dumps(items).encode(), spec)


# Typed frames as the rules receive them, with values the schema would refuse as well.
counts = st.one_of(st.none(), st.integers(min_value=-(2**63) + 1, max_value=2**63 - 1), st.integers(-5, 5))
percents = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True), st.floats(0, 100))
texts = st.one_of(st.none(), st.sampled_from(["A", "B", "CPM1", "cpm1", "CODE", "DSP", "TOTAL", ""]))
bounds = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([90.0, 110.0, 110.1]))


@st.composite
def typed_frames(draw: st.DrawFn) -> pl.DataFrame:
    n = draw(st.integers(0, 6))

    def column(strategy: st.SearchStrategy[object]) -> list[object]:
        return draw(st.lists(strategy, min_size=n, max_size=n))

    return pl.DataFrame(
        {
            "row": pl.Series(range(1, n + 1), dtype=pl.Int64),
            "subject": pl.Series(column(texts), dtype=pl.String),
            "forecast": pl.Series(column(counts), dtype=pl.Int64),
            "actual": pl.Series(column(counts), dtype=pl.Int64),
            "measure": pl.Series(column(texts), dtype=pl.String),
            "provider": pl.Series(column(texts), dtype=pl.String),
            "actual_pct": pl.Series(column(percents), dtype=pl.Float64),
            "target_pct": pl.Series(column(percents), dtype=pl.Float64),
            "minimum_pct": pl.Series(column(percents), dtype=pl.Float64),
        }
    )


@st.composite
def specs(draw: st.DrawFn) -> ReportSpec:
    levels = draw(
        st.lists(st.builds(ServiceLevel, texts.map(lambda t: t or "CPM1"), texts, percents, percents), max_size=4)
    )
    return ReportSpec("PMR", draw(st.one_of(st.none(), st.just("H13.4"))), draw(bounds), draw(bounds), tuple(levels))


@FAST
@given(typed_frames(), specs())
def test_rules_never_raise_on_small_frames(frame: pl.DataFrame, spec: ReportSpec) -> None:
    for rule in (variance, forecast_zero, duplicate_subjects, service_levels):
        found = findings.concat([rule(frame, spec)])  # a rule may give the query that makes its findings
        assert found.schema == FINDINGS
        for finding in as_findings(found):
            assert isinstance(finding, Finding)
            json.dumps(finding.details)
    for rule in (variance, forecast_zero, service_levels):
        assert findings.concat(
            [rule(frame.select("row", "subject"), spec)]
        ).is_empty()  # without their columns, rules find nothing
    total: dict[str, object] = {"row": 9, "forecast": 10, "actual": None}
    total_mismatch(frame, total, spec)
    total_mismatch(frame, None, spec)


@FAST
@given(st.lists(st.integers(min_value=-(2**63) + 1, max_value=2**63 - 1), max_size=20))
def test_thousands_and_tenths_write_as_python_does(values: list[int]) -> None:
    series = pl.Series("n", values, dtype=pl.Int64)
    written = pl.select(findings.text(*findings.thousands(pl.lit(series))), findings.tenths(pl.lit(series)).alias("t"))
    assert written.to_series(0).to_list() == [f"{v:,}" for v in values]
    assert written.to_series(1).to_list() == [f"{Decimal(v).scaleb(-1):.1f}" for v in values]


@FAST
@given(st.lists(st.one_of(st.floats(), st.floats(0, 100), st.sampled_from([99.45, 0.05, 0.15, 2.675])), max_size=20))
def test_percent_writes_as_text_pct(values: list[float]) -> None:
    written = pl.select(findings.percent(pl.lit(pl.Series(values, dtype=pl.Float64)))).to_series().to_list()
    assert written == [pct(v) if abs(v) < 1e38 or not math.isfinite(v) else written[i] for i, v in enumerate(values)]


@FAST
@given(
    st.lists(
        st.one_of(st.none(), st.text(max_size=6), st.sampled_from(["n/a", "-5", "it's", 'a"b', "\\"])), max_size=20
    )
)
def test_quoted_writes_as_repr(values: list[str | None]) -> None:
    written = findings.quoted(pl.Series(values, dtype=pl.String)).to_list()
    assert [w for w, v in zip(written, values, strict=True) if v is not None] == [
        repr(v) for v in values if v is not None
    ]


@FAST
@given(st.integers(min_value=0, max_value=10**15), st.integers(min_value=1, max_value=10**15))
def test_ratio_matches_exact_half_up_rounding(actual: int, forecast: int) -> None:
    exact = Fraction(actual * 100, forecast)
    tenths = int(exact * 10 + Fraction(1, 2))  # floor(x + 1/2): half-up for non-negative x
    assert ratio_pct(actual, forecast) == tenths / 10


@WHOLE
@given(st.integers(min_value=0, max_value=2**40), st.integers(min_value=1, max_value=2**40))
def test_per_row_and_aggregate_ratio_agree(actual: int, forecast: int) -> None:
    result = validate_report(
        f"subscriber,forecast,actual\nX,{forecast},{actual}\n".encode(), ReportSpec("CSR_VARIANCE", None)
    )
    flagged = [f for f in result.findings if f.rule_code.startswith("VARIANCE")]
    if flagged:
        row, total = flagged
        assert row.details["ratio"] == total.details["ratio"] == ratio_pct(actual, forecast)
        assert row.rule_code == total.rule_code


def _workbook() -> bytes:
    try:
        import xlsxwriter
    except ImportError:
        return b""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["subscriber", "forecast", "actual"])
    sheet.write_row(1, 0, ["DCC", 553814, 873383])
    workbook.close()
    return buffer.getvalue()


WORKBOOK = _workbook()


@FAST
@given(st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), min_size=1, max_size=8), st.booleans())
def test_damaged_workbooks_are_unreadable_not_crashes(changes: list[tuple[int, int]], truncate: bool) -> None:
    if not WORKBOOK:
        return  # xlsxwriter (a dev dependency) is needed to build the workbook
    data = bytearray(WORKBOOK)
    for position, value in changes:
        data[position % len(data)] = value
    damaged = bytes(data[: len(data) // 2] if truncate else data)
    with contextlib.suppress(UnreadableFile):
        parse(damaged)
    check_result(damaged, ReportSpec("CSR_VARIANCE", "L8.9"))


@WHOLE
@given(
    st.sampled_from(["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/styles.xml", "xl/workbook.xml"]),
    st.integers(min_value=0),
    st.integers(0, 40),
    st.text(alphabet='<>/="abcdefnrstvx0123456789.-E ', max_size=40),
)
def test_workbooks_with_damaged_xml_are_unreadable_not_crashes(part: str, start: int, length: int, insert: str) -> None:
    if not WORKBOOK:
        return
    source = zipfile.ZipFile(io.BytesIO(WORKBOOK))
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w") as rebuilt:
        for name in source.namelist():
            content = source.read(name)
            if name == part:
                at = start % (len(content) + 1)
                content = content[:at] + insert.encode() + content[at + length :]
            rebuilt.writestr(name, content)
    check_result(target.getvalue(), ReportSpec("CSR_VARIANCE", "L8.9"))
