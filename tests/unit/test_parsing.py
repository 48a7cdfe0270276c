"""Reading report files: CSV, XLSX and JSON give the same rows and the same findings; bad files say why."""

from __future__ import annotations

import io
import json

import polars as pl
import pytest

from validation import ReportSpec, UnreadableFile, detect_format, parse, validate_report
from validation.findings import Finding

SR = ReportSpec("SR_VARIANCE", "H3.24")
HEADER = ["User_ID", "Service", "Forecast", "Actual", "Party_Name"]
# Row 2 is bad (non-numeric), row 3 negative, rows 4 and 5 share a subject, row 6 is the file's own TOTAL line,
# which does not add up (and is not checked, since rows 2 and 3 are left out).
ROWS: list[list[object]] = [
    ["ASE001", "SR1.1", 553814, 873383, "Alpha Energy"],
    ["ASE002", "SR1.1", "n/a", 10, None],
    ["ASE003", "SR1.1", 100, -5, None],
    ["PNN004", "SR8.1", 1000, 1000, "Beta Networks"],
    ["PNN004", "SR8.1", 2000, 1900, "Beta Networks"],
    ["TOTAL", None, 556814, 900000, None],
]


def csv_bytes(rows: list[list[object]] = ROWS, header: list[str] = HEADER, bom: bool = False) -> bytes:
    lines = [",".join(header)] + [",".join("" if v is None else str(v) for v in row) for row in rows]
    return (b"\xef\xbb\xbf" if bom else b"") + ("\r\n".join(lines) + "\r\n").encode()


def json_bytes(rows: list[list[object]] = ROWS, header: list[str] = HEADER) -> bytes:
    return json.dumps([dict(zip(header, row, strict=True)) for row in rows], indent=2).encode()


def xlsx_bytes(rows: list[list[object]] = ROWS, header: list[str] = HEADER) -> bytes:
    xlsxwriter = pytest.importorskip("xlsxwriter")
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("Report")
    sheet.write_row(0, 0, header)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    workbook.add_worksheet("Notes").write(0, 0, "only the first sheet is read")
    workbook.close()
    return buffer.getvalue()


def as_tuples(findings: list[Finding]) -> list[tuple[object, ...]]:
    return [(f.rule_code, f.severity, f.subject, f.row, f.message, f.details) for f in findings]


def test_detect_format() -> None:
    assert detect_format(b"PK\x03\x04rest") == "xlsx"
    assert detect_format(b"  \n [") == "json"
    assert detect_format(b"\xef\xbb\xbf{") == "json"
    assert detect_format(b"user_id,forecast") == "csv"
    assert detect_format(b"") == "csv"


def test_parse_gives_stripped_lower_cased_string_columns() -> None:
    frame = parse(b" User_ID , Forecast ,ACTUAL\n  ASE001 ,  12 ,\n")
    assert frame.columns == ["user_id", "forecast", "actual"]
    assert frame.schema == pl.Schema({"user_id": pl.String, "forecast": pl.String, "actual": pl.String})
    assert frame.row(0) == ("ASE001", "12", None)


def test_csv_with_and_without_bom_xlsx_and_json_give_the_same_frame_and_findings() -> None:
    files = {
        "csv": csv_bytes(),
        "csv+bom": csv_bytes(bom=True),
        "xlsx": xlsx_bytes(),
        "json": json_bytes(),
    }
    frames = {name: parse(data) for name, data in files.items()}
    for name, frame in frames.items():
        assert frame.equals(frames["csv"]), name
    results = {name: validate_report(data, SR) for name, data in files.items()}
    expected = as_tuples(results["csv"].findings)
    assert {r.status for r in results.values()} == {"FLAGGED"}
    for name, result in results.items():
        assert as_tuples(result.findings) == expected, name
        assert result.row_count == 6
    codes = [(f.rule_code, f.subject, f.row) for f in results["csv"].findings]
    assert ("SCHEMA", "forecast", 2) in codes
    assert ("SCHEMA", "actual", 3) in codes
    assert ("DUPLICATE_SUBJECT", "PNN004/SR8.1", 4) in codes
    assert ("TOTAL_NOT_CHECKED", "TOTAL", 6) in codes
    assert ("VARIANCE_ABOVE_TOLERANCE", "ASE001/SR1.1", 1) in codes


def test_xlsx_dates_and_whole_floats_read_as_typed() -> None:
    xlsxwriter = pytest.importorskip("xlsxwriter")
    import datetime as dt

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    day = workbook.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, ["incident_ref", "rdp", "raised_on", "status", "count"])
    sheet.write_row(1, 0, ["INC1", "RDP1"])
    sheet.write_datetime(1, 2, dt.datetime(2018, 5, 3), day)
    sheet.write_row(1, 3, ["Resolved", 14.0])
    workbook.close()
    frame = parse(buffer.getvalue())
    assert frame.row(0) == ("INC1", "RDP1", "2018-05-03", "Resolved", "14")


def test_blank_lines_keep_row_numbers_and_are_not_counted() -> None:
    data = b"subscriber,forecast,actual\nA,10,10\n\n,,\nB,x,10\n"
    result = validate_report(data, ReportSpec("CSR_VARIANCE", "L8.9"))
    (finding,) = [f for f in result.findings if f.rule_code == "SCHEMA"]
    assert finding.row == 4  # the blank line and the line of empty cells still count as rows 2 and 3
    assert result.row_count == 2


@pytest.mark.parametrize(
    ("data", "reason", "line"),
    [
        (b"", "empty", None),
        (b" \r\n\t\n", "empty", None),
        (b"\xef\xbb\xbf", "empty", None),
        (b"user_id,forecast,actual\n", "no data rows", None),
        (b"user_id,forecast,actual\n\n\n", "no data rows", None),
        (bytes(range(256)) * 4, "not UTF-8", 2),  # 0x80 comes after the 0x0a newline
        ("user_id,forecast,actual\nCafé,1,2\n".encode("latin-1"), "not UTF-8", 2),
        (b"user_id,forecast\nA,1\x00\n", "NUL", 2),
        (b"user_id,forecast\nA,1\nB,2,3\n", "fields", 3),
        (b'user_id,forecast\nA,"1\n', "malformed CSV", 2),
        (b"User_ID,user_id\nA,B\n", "appears twice", 1),
        (b"[1, 2]", "not an object", None),
        (b'{"user_id": "A"}', "not an object", None),
        (b"[]", "empty", None),
        (b'[{"user_id": "A",\n "forecast": }]', "not valid JSON", 2),
        (b"[{}]", "no keys", None),
        (b"PK\x03\x04\x14\x00garbage", "XLSX", None),
    ],
)
def test_unreadable_files_say_why_and_where(data: bytes, reason: str, line: int | None) -> None:
    with pytest.raises(UnreadableFile) as raised:
        parse(data)
    assert reason in raised.value.reason
    assert raised.value.line == line
    if line is not None:
        assert f"line {line}" in str(raised.value)
    result = validate_report(data, SR)
    assert result.status == "REJECTED"
    (finding,) = result.findings
    assert (finding.rule_code, finding.subject, finding.severity) == ("UNREADABLE_FILE", "FILE", "HIGH")
    assert reason in finding.message
    assert finding.details == {"reason": raised.value.reason, "line": line}


def test_missing_column_rejects_naming_it() -> None:
    result = validate_report(b"user_id,forecast,notes\nA,1,x\n", SR)
    assert result.status == "REJECTED"
    (finding,) = result.findings
    assert (finding.rule_code, finding.subject) == ("SCHEMA", "FILE")
    assert "actual" in finding.message
    assert finding.details["missing"] == ["actual"]
    assert result.rows is None


def test_non_numeric_and_negative_counts_are_located() -> None:
    result = validate_report(b"user_id,forecast,actual\nA,1o0,100\nB,100,-3\nC,100,100\n", SR)
    assert result.status == "FLAGGED"
    schema = [f for f in result.findings if f.rule_code == "SCHEMA"]
    assert [(f.subject, f.row, f.details) for f in schema] == [
        ("forecast", 1, {"column": "forecast", "value": "1o0"}),
        ("actual", 2, {"column": "actual", "value": "-3"}),
    ]
    assert schema[0].message == "forecast '1o0' on row 1 is not a whole number"
    assert schema[1].message == "actual -3 on row 2 is negative: a count cannot be below 0"
    assert result.rows is not None and result.rows.get_column("row").to_list() == [3]


def test_duplicate_subject_lists_its_rows() -> None:
    result = validate_report(
        b"subscriber,forecast,actual\nA,10,10\nB,10,10\nA,10,10\nA,10,10\n", ReportSpec("CSR_VARIANCE", "L8.9")
    )
    (finding,) = [f for f in result.findings if f.rule_code == "DUPLICATE_SUBJECT"]
    assert (finding.subject, finding.severity, finding.details) == ("A", "WARNING", {"rows": [1, 3, 4], "count": 3})
    assert "A appears on 3 rows (1, 3, 4)" in finding.message


def test_total_that_does_not_add_up() -> None:
    data = b"subscriber,forecast,actual\nA,100,100\nB,200,200\nTotal,300,301\n"
    result = validate_report(data, ReportSpec("CSR_VARIANCE", "L8.9"))
    assert result.status == "FLAGGED"
    (finding,) = [f for f in result.findings if f.rule_code != "AT_OR_ABOVE_FORECAST"]  # A and B are listed
    assert (finding.rule_code, finding.subject, finding.row, finding.severity) == (
        "TOTAL_MISMATCH",
        "TOTAL",
        3,
        "WARNING",
    )
    assert finding.details["columns"] == ["actual"]
    assert (finding.details["actual_stated"], finding.details["actual_sum"]) == (301, 300)
    assert finding.message == "The TOTAL row gives actual 301 but the rows add up to 300 (SEC L8.9)"
    assert result.total_row is not None and result.total_row["actual"] == 301
    assert result.rows is not None and result.rows.get_column("subject").to_list() == ["A", "B"]


def test_total_that_adds_up_passes() -> None:
    result = validate_report(
        b"subscriber,forecast,actual\nA,100,100\nB,200,200\nTOTAL,300,300\n", ReportSpec("CSR_VARIANCE", "L8.9")
    )
    assert result.status == "PASSED"
    # A and B, at 100% of forecast, are listed (INFO); nothing else is found.
    assert [(f.rule_code, f.subject) for f in result.findings] == [
        ("AT_OR_ABOVE_FORECAST", "A"),
        ("AT_OR_ABOVE_FORECAST", "B"),
    ]


def test_unknown_columns_are_kept_and_ignored() -> None:
    result = validate_report(
        b"Subscriber,Forecast,Actual,Comment\nA,100,100,fine\n", ReportSpec("CSR_VARIANCE", "L8.9")
    )
    assert result.status == "PASSED"
    assert result.rows is not None
    assert result.rows.columns == ["row", "subject", "subscriber", "forecast", "actual", "party_name", "comment"]
    assert result.rows.schema["forecast"] == pl.Int64


def test_a_semicolon_separated_file_gets_a_hint() -> None:
    result = validate_report(b"user_id;forecast;actual\nA;1;1\n", SR)
    assert result.status == "REJECTED"
    assert "semicolon" in result.findings[0].message
