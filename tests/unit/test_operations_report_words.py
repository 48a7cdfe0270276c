"""The Operations Report's wording and Figure 1's picture, from values made here (no database)."""

from __future__ import annotations

import struct
import zlib
from dataclasses import replace
from datetime import date

from domain.operations.chart import bar_chart
from domain.operations.model import Bar, MonthFigures, PanelMeeting, PartyEvent, ReportInput, UepCompletion
from domain.operations.render import markdown
from domain.operations.report import build, months_to
from domain.operations.words import month_column, number, ordinal_day, sentence


def test_dates_counts_and_notes_read_as_the_papers_write_them() -> None:
    assert [ordinal_day(date(2018, 7, d)) for d in (1, 2, 3, 11, 12, 13, 21, 22, 27, 31)] == [
        f"{d} July 2018" for d in ("1st", "2nd", "3rd", "11th", "12th", "13th", "21st", "22nd", "27th", "31st")
    ]
    assert [number(n) for n in (0, 1, 5, 12, 13, 1234)] == ["no", "one", "five", "twelve", "13", "1,234"]
    assert month_column("2017-09") == "Sep-17"
    assert sentence("expelled following revocation") == "Expelled following revocation."
    assert sentence("  ") == "" and sentence(None) == ""
    assert months_to("2019-01") == (date(2018, 2, 1), date(2019, 1, 31))
    assert months_to("2020-02") == (date(2019, 3, 1), date(2020, 2, 29))


def test_user_ids_lead_the_roles_cell_as_table_2_prints_them() -> None:
    one_id = UepCompletion(1, "Pozitive", "SMALL_SUPPLIER", date(2019, 1, 3),
                           (("EXPORT_SUPPLIER", "PBNO006"), ("IMPORT_SUPPLIER", "PBNO006")))  # fmt: skip
    assert one_id.roles_text == "PBNO006 Export Supplier, Import Supplier"
    two_ids = UepCompletion(
        2, "X", "SMALL_SUPPLIER", date(2019, 1, 3), (("IMPORT_SUPPLIER", "A1"), ("GAS_SUPPLIER", "B2"))
    )
    assert two_ids.roles_text == "A1 Import Supplier, B2 Gas Supplier"
    no_ids = UepCompletion(3, "Y", "SMALL_SUPPLIER", date(2018, 7, 31), (("GAS_SUPPLIER", None),))
    assert no_ids.roles_text == "Gas Supplier"


def figures(month: str, complete: bool = True) -> MonthFigures:
    return MonthFigures(month, 0, 0, 0, 0, 310, 243, {"SMALL_SUPPLIER": 116}, complete)


def test_the_month_end_sentence_says_when_the_month_is_before_the_opening_balance() -> None:
    data = ReportInput(
        month="2018-07", first_day=date(2018, 7, 1), last_day=date(2018, 7, 31), since=date(2018, 7, 1),
        panel_meeting=PanelMeeting(1, "SECP_59_1008", date(2018, 8, 10)), previous_meeting=None,
        month_events=(PartyEvent(7, "Boltland Energy Limited", "SMALL_SUPPLIER", "WITHDRAWAL", date(2018, 7, 27)),),
        membership=(figures("2018-07"),),
    )  # fmt: skip
    report = build(data)
    assert report.month_end_text == (
        "At the end of the reporting month, there were 310 Parties to the SEC representing 243 Voting Groups, plus "
        "the DCC."
    )
    assert report.action == "For Decision" and report.reference == "SECP_59_1008"
    assert "AGREE that Boltland Energy Limited shall cease to be a SEC Party, effective as of 27th July 2018." in (
        markdown(report)
    )
    incomplete = build(replace(data, membership=(figures("2018-07", complete=False),)))
    assert "before the register’s opening balance" in incomplete.month_end_text


def test_figure_1_is_a_png_with_one_bar_per_category() -> None:
    png = bar_chart([Bar("Large Suppliers", 12), Bar("Small Suppliers", 116), Bar("Other SEC Parties", 0)])
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (640, 320)
    # The image data decompresses to one filter byte and three bytes per pixel for every row.
    start = png.index(b"IDAT") + 4
    length = struct.unpack(">I", png[start - 8 : start - 4])[0]
    assert len(zlib.decompress(png[start : start + length])) == height * (1 + 3 * width)
